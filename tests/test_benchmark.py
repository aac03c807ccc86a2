"""The benchmarks' languages (as declared data) and the purity of the scoring layer."""

import subprocess
import sys

import pytest

from evaluators.benchmarks import XTREME, XTREME_R
from evaluators.families import FAMILY_MODULES
from evaluators.tasks import TASKS


def test_language_counts_match_the_paper():
    counts = {name: len(XTREME.languages(name)) for name in XTREME.task_names}
    assert counts == {"pawsx": 7, "xnli": 15, "udpos": 33, "panx": 40, "xquad": 11, "mlqa": 7, "tydiqa": 9,
                      "bucc2018": 4, "tatoeba": 36}
    assert sum(len(t) for t in XTREME.groups.values()) == 9
    assert set().union(*XTREME.groups.values()) == set(XTREME.task_names)


def test_xtreme_r_adds_the_stated_languages_and_drops_pawsx_and_bucc():
    added = {n: set(XTREME_R.languages(n)) - set(XTREME.languages(n))
             for n in XTREME_R.task_names if n in XTREME.task_names}
    assert added["udpos"] == {"lt", "pl", "uk", "wo", "ro"}
    assert added["panx"] == {"qu", "pl", "uk", "az", "lt", "pa", "gu", "ro"}
    assert added["xquad"] == {"ro"} and added["tatoeba"] == {"az", "lt", "pl", "uk", "ro"}
    assert "pawsx" not in XTREME_R.task_names and "bucc2018" not in XTREME_R.task_names
    assert "ar" not in XTREME.languages("pawsx")  # jiant's list has it; PAWS-X does not


def test_every_tatoeba_language_has_an_iso3_code():
    assert set(TASKS["tatoeba"].all_languages) <= set(TASKS["tatoeba"].language_names)


def test_scoring_layer_imports_neither_torch_nor_lm_eval():
    code = (
        "import sys, evaluators, evaluators.submission, evaluators.retrieval;"
        "print(sorted(m for m in ('torch', 'lm_eval', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module, absent", [
    # A metric imports only what it needs: no faiss, not even numpy, for the text metrics.
    ("evaluators.classification", ("faiss", "numpy", "torch", "lm_eval", "transformers")),
    ("evaluators.squad", ("faiss", "numpy", "torch", "lm_eval", "transformers")),
    ("evaluators.mewslix", ("faiss", "numpy", "torch", "lm_eval", "transformers")),
    ("evaluators.lareqa", ("faiss", "numpy", "torch", "lm_eval", "transformers")),
    # Scoring a submission reads files and counts: every family and the scorer stay free of them all.
    *((f"evaluators.families.{m}", ("faiss", "numpy", "seqeval", "sacrebleu", "torch", "lm_eval", "transformers"))
      for m in FAMILY_MODULES.values()),
    ("evaluators.submission", ("faiss", "numpy", "seqeval", "sacrebleu", "torch", "lm_eval", "transformers")),
    ("evaluators.tagging", ("faiss", "torch", "lm_eval", "transformers")),
    # Retrieval loads faiss when it searches, not when it is imported.
    ("evaluators.retrieval", ("faiss", "torch", "lm_eval", "transformers")),
])
def test_importing_a_metric_imports_only_what_it_needs(module, absent):
    code = f"import sys, {module}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_still_exports_every_metric():
    import evaluators

    for name in evaluators.__all__:
        assert getattr(evaluators, name) is not None
    with pytest.raises(AttributeError):
        evaluators.no_such_metric  # noqa: B018
