"""The benchmark definition (languages as data) and the purity of the scoring layer."""

import subprocess
import sys

import pytest

from evaluators.benchmark import GROUPS, TASKS, TATOEBA_ISO3


def test_language_counts_match_the_paper():
    counts = {name: len(spec.languages) for name, spec in TASKS.items()}
    assert counts == {"pawsx": 7, "xnli": 15, "udpos": 33, "panx": 40, "xquad": 11, "mlqa": 7, "tydiqa": 9,
                      "bucc2018": 4, "tatoeba": 36}
    assert sum(len(t) for t in GROUPS.values()) == 9 and set().union(*GROUPS.values()) == set(TASKS)


def test_xtreme_r_adds_the_stated_languages_and_drops_pawsx_and_bucc():
    added = {n: set(s.xtreme_r_languages) - set(s.languages) for n, s in TASKS.items() if s.xtreme_r_languages}
    assert added["udpos"] == {"lt", "pl", "uk", "wo", "ro"}
    assert added["panx"] == {"qu", "pl", "uk", "az", "lt", "pa", "gu", "ro"}
    assert added["xquad"] == {"ro"} and added["tatoeba"] == {"az", "lt", "pl", "uk", "ro"}
    assert not TASKS["pawsx"].xtreme_r_languages and not TASKS["bucc2018"].xtreme_r_languages
    assert "ar" not in TASKS["pawsx"].languages  # jiant's list has it; PAWS-X does not


def test_every_tatoeba_language_has_an_iso3_code():
    spec = TASKS["tatoeba"]
    assert set(spec.languages) | set(spec.xtreme_r_languages) <= set(TATOEBA_ISO3)


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
