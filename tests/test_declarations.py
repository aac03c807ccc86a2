"""The task declarations and benchmark objects (evaluators/tasks/, evaluators/benchmarks.py)."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import textwrap

import pytest

from evaluators.benchmarks import BENCHMARKS, XTREME, XTREME_R, get_benchmark
from evaluators.families import FAMILY_NAMES
from evaluators.task_spec import IncompleteTaskError, TaskSpec, check_complete, missing_fields
from evaluators.tasks import TASKS, get_task

TASKS_PATH = list(importlib.import_module("evaluators.tasks").__path__)


def test_benchmarks_have_the_published_sizes():
    assert len(XTREME.task_names) == 9 and len(XTREME.all_languages) == 40
    assert len(XTREME_R.task_names) == 10 and len(XTREME_R.all_languages) == 50
    assert {t: len(XTREME_R.languages(t)) for t in XTREME_R.task_names} == {
        "xnli": 15, "panx": 48, "udpos": 38, "tatoeba": 41, "xcopa": 11, "lareqa": 11, "mewslix": 11,
        "xquad": 12, "mlqa": 7, "tydiqa": 9,
    }
    # XTREME-R keeps XTREME's language order and appends its new languages (the reference's order).
    added = {"panx": "qu pl uk az lt pa gu ro", "udpos": "lt pl uk wo ro", "tatoeba": "az lt pl uk ro",
             "xquad": "ro", "xnli": "", "mlqa": "", "tydiqa": ""}
    for task, new in added.items():
        assert XTREME_R.languages(task) == XTREME.languages(task) + tuple(new.split()), task


def test_every_benchmark_task_and_group_member_is_declared():
    for benchmark in BENCHMARKS.values():
        for task in benchmark.task_names:
            assert benchmark.languages(task), (benchmark.name, task)
        for members in (*benchmark.groups.values(), *benchmark.categories.values()):
            assert set(members) <= set(benchmark.task_names)
    assert XTREME_R.groups_of("xcopa") == ("classification", "multi_choice")
    assert XTREME_R.groups_of("lareqa") == ()
    assert get_benchmark("xtreme-r") is XTREME_R
    with pytest.raises(KeyError, match="unknown benchmark 'xtreme-x'; known: xtreme, xtreme-r"):
        get_benchmark("xtreme-x")


def test_declarations_are_complete_and_named_after_their_module():
    for name, spec in TASKS.items():
        assert spec.name == name
        assert missing_fields(spec, FAMILY_NAMES) == []
        assert spec.family in FAMILY_NAMES
    assert get_task("mlqa").answer_normalisation == "mlqa"
    assert get_task("lareqa").average == "pooled"
    assert get_task("xquad").head == get_task("mlqa").head == "squad"  # one SQuAD head serves both
    assert get_task("tatoeba").head == "encoder" and not get_task("tatoeba").trainable


def test_an_incomplete_declaration_names_every_missing_field():
    spec = TaskSpec(name="newtask", title="", family="pair_classification", metrics=("accuracy",),
                    headline="accuracy", languages={"xtreme": ("de",)}, submission_ext="tsv")
    with pytest.raises(IncompleteTaskError) as err:
        check_complete(spec, FAMILY_NAMES, "evaluators/tasks/newtask.py")
    message = str(err.value)
    assert message.startswith("task newtask (evaluators/tasks/newtask.py) is declared but incomplete:")
    for field in ("title", "raw", "citation"):
        assert f"\n  {field}: missing" in message
    assert message.endswith("see README.md, 'Adding a task'")
    wrong = dataclasses.replace(spec, title="New", raw={"test": ("x/{lang}.tsv",)}, citation="c",
                                family="pairs", headline="acc")
    assert missing_fields(wrong, FAMILY_NAMES) == [
        "headline: 'acc' is not one of accuracy, f1, em_f1, mrr@20, map@20",
        "family: 'pairs' is not one of " + ", ".join(FAMILY_NAMES),
    ]


def _rediscover(monkeypatch, tmp_path, source: str, module: str = "newtask"):
    """Import evaluators.tasks afresh with one more module in its folder (a temporary copy of the package)."""
    import evaluators.tasks as package

    folder = tmp_path / "tasks"
    folder.mkdir(parents=True)
    (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.setattr(package, "__path__", [*TASKS_PATH, str(folder)])
    sys.modules.pop(f"evaluators.tasks.{module}", None)
    try:
        return package._discover()
    finally:  # the next import of evaluators.tasks must not see the test's module
        sys.modules.pop(f"evaluators.tasks.{module}", None)


def test_a_dropped_in_declaration_is_discovered(monkeypatch, tmp_path):
    found = _rediscover(monkeypatch, tmp_path, """
        from evaluators.task_spec import TaskSpec
        TASK = TaskSpec(name="newtask", title="New", family="pair_classification", metrics=("accuracy",),
                        headline="accuracy", languages={"xtreme": ("de", "fr")}, submission_ext="tsv",
                        labels=("0", "1"), raw={"test": ("newtask/test-{lang}.tsv",)}, citation="Someone 2026.")
    """)
    assert found["newtask"].languages_of("xtreme") == ("de", "fr")
    assert set(found) == set(TASKS) | {"newtask"}


def test_a_dropped_in_incomplete_declaration_fails_at_discovery(monkeypatch, tmp_path):
    with pytest.raises(IncompleteTaskError, match=r"task newtask \(evaluators/tasks/newtask.py\) is declared "
                                                  r"but incomplete:\n  raw: missing"):
        _rediscover(monkeypatch, tmp_path, """
            from evaluators.task_spec import TaskSpec
            TASK = TaskSpec(name="newtask", title="New", family="pair_classification", metrics=("accuracy",),
                            headline="accuracy", languages={"xtreme": ("de",)}, submission_ext="tsv",
                            citation="Someone 2026.")
        """)
    with pytest.raises(ValueError, match="evaluators/tasks/othername.py: declares task 'newtask'"):
        _rediscover(monkeypatch, tmp_path / "b", """
            from evaluators.task_spec import TaskSpec
            TASK = TaskSpec(name="newtask", title="New", family="pair_classification", metrics=("accuracy",),
                            headline="accuracy", languages={"xtreme": ("de",)}, submission_ext="tsv",
                            raw={"test": ("x",)}, citation="c")
        """, module="othername")


def test_declarations_import_nothing_heavy():
    code = ("import sys, evaluators.tasks, evaluators.benchmarks; "
            "print(sorted(m for m in ('numpy', 'faiss', 'torch', 'lm_eval', 'datasets') if m in sys.modules))")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
