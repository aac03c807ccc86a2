"""Round trip: the submission `xtreme score` writes, scored by `xtreme score-submission` against the gold
labels shipped with the same data (harness_tasks/sample_data/labels/), gives `xtreme score`'s numbers,
for every task and language."""

from __future__ import annotations

import json
import math

import pytest

from evaluators.benchmarks import XTREME, XTREME_R
from evaluators.tasks import get_task
from evaluators.submission import score_submission
from harness_tasks.cli import main
from harness_tasks.readers import SAMPLE_DATA_DIR, load_split
from harness_tasks.readers.tatoeba import read_tatoeba
from tests.golden import numeric_leaves
from tests.sample_files import SAMPLE_LANGUAGES, XTREME_R_SAMPLE_LANGUAGES

LABELS = SAMPLE_DATA_DIR / "labels"


@pytest.fixture(scope="module")
def sample_run(tiny_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("round_trip")
    assert main(["score", "--model", str(tiny_models.bundle), "--output", str(out)]) == 0
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]


def test_the_sample_ships_gold_labels_for_every_task_and_language():
    assert set(SAMPLE_LANGUAGES) == set(XTREME.task_names)
    assert set(XTREME_R_SAMPLE_LANGUAGES) == set(XTREME_R.task_names)
    shipped = {p.relative_to(LABELS).as_posix() for p in LABELS.rglob("*") if p.is_file()}
    expected = {get_task(task).submission_file(lang)
                for languages in (SAMPLE_LANGUAGES, XTREME_R_SAMPLE_LANGUAGES)
                for task, langs in languages.items() for lang in langs}
    assert shipped == expected


@pytest.mark.parametrize("task", list(SAMPLE_LANGUAGES))
def test_score_submission_reproduces_xtreme_score(sample_run, task):
    out, section = sample_run
    languages = SAMPLE_LANGUAGES[task]
    assert set(section["tasks"]) == set(XTREME.task_names) and section["unscored_languages"] == {}
    scored = score_submission(out / "submission", LABELS, tasks=[task], languages=list(languages))
    expected = dict(numeric_leaves(section["tasks"][task]))
    actual = dict(numeric_leaves(scored[task]))
    assert set(actual) == set(expected)
    # Every language of the task is compared, not only the averages.
    assert {path[1] for path in expected if len(path) == 2} == set(languages)
    for path, value in expected.items():
        assert math.isclose(actual[path], value, rel_tol=0, abs_tol=1e-9), (task, path, actual[path], value)


def test_tatoeba_round_trip_is_not_trivially_equal(sample_run):
    # The bug this guards: predictions in the aligned files' order, gold in the sorted English file's
    # order. A score that is neither 0 nor 100 on a language makes the order matter.
    _out, section = sample_run
    accuracies = section["tasks"]["tatoeba"]["accuracy"]
    assert any(0 < value < 100 for value in accuracies.values()), accuracies


def test_tatoeba_predictions_follow_the_sorted_english_file(sample_run):
    out, _section = sample_run
    for lang in SAMPLE_LANGUAGES["tatoeba"]:
        english = (SAMPLE_DATA_DIR / "tatoeba" / f"{lang}-en.en").read_text(encoding="utf-8").splitlines()
        predictions = (out / "submission" / "tatoeba" / f"test-{lang}.tsv").read_text(encoding="utf-8").splitlines()
        assert len(predictions) == len(english)
        # The data `xtreme score` read (the aligned files) comes back in the shipped labels' order.
        corpus = load_split("tatoeba", lang, "test")
        assert list(corpus.target) == english
        labels = (LABELS / "tatoeba" / f"test-{lang}.tsv").read_text(encoding="utf-8").split()
        assert list(corpus.gold) == [int(x) for x in labels]
        assert read_tatoeba(SAMPLE_DATA_DIR, language=lang, form="sorted").gold == corpus.gold


def test_one_call_scores_the_whole_sample_submission_as_the_run_did(sample_run, capsys):
    # The sample holds three languages a task: each task is scored on the languages its gold files cover,
    # reported as partial, in one call without --tasks or --languages.
    out, section = sample_run
    scored = score_submission(out / "submission", LABELS)
    assert scored["meta"]["partial_tasks"] == list(XTREME.task_names) and scored["meta"]["complete_tasks"] == []
    assert scored["meta"]["skipped_languages"] == {
        task: {lang: "no gold file" for lang in XTREME.languages(task) if lang not in langs}
        for task, langs in SAMPLE_LANGUAGES.items()
    }
    assert "all_task" not in scored and not set(XTREME.groups) & set(scored)
    for task in XTREME.task_names:
        expected = dict(numeric_leaves(section["tasks"][task]))
        actual = dict(numeric_leaves(scored[task]))
        assert set(actual) == set(expected), task
        for path, value in expected.items():
            assert math.isclose(actual[path], value, rel_tol=0, abs_tol=1e-9), (task, path, actual[path], value)
    assert main(["score-submission", str(out / "submission"), str(LABELS)]) == 0
    assert "partial tasks (no group or XTREME score), languages without a gold file: pawsx es fr ja ko; " in (
        capsys.readouterr().out)
