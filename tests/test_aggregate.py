"""Task, group and XTREME scores: the reference's averaging rules."""

import pytest

from evaluators.aggregate import overall_scores, task_summary
from evaluators.benchmarks import XTREME
from evaluators.classification import accuracy


def test_qa_task_score_is_mean_of_em_and_f1_averages():
    s = task_summary("mlqa", {"en": {"exact_match": 50.0, "f1": 70.0}, "de": {"exact_match": 30.0, "f1": 50.0}})
    assert (s["avg_exact_match"], s["avg_f1"], s["avg_metric"]) == (40.0, 60.0, 50.0)
    assert s["f1"] == {"en": 70.0, "de": 50.0}


def test_xtreme_score_needs_all_nine_and_groups_need_their_tasks():
    summaries = {t: {"avg_metric": float(i)} for i, t in enumerate(XTREME.task_names)}
    assert overall_scores(summaries, ["pawsx", "xnli"]) == {"classification": 0.5}
    full = overall_scores(summaries, list(XTREME.task_names))
    assert full["all_task"] == pytest.approx(sum(range(9)) / 9)
    assert full["qa"] == pytest.approx((6 + 7 + 8) / 3)  # xquad, mlqa, tydiqa: the last three


def test_accuracy_compares_stripped_strings():
    assert accuracy(["1", "0", "1 "], [" 1", "1", "1"]) == {"accuracy": pytest.approx(200 / 3)}
    with pytest.raises(ValueError, match="2 predictions for 3 gold"):
        accuracy(["1", "0", "1"], ["1", "0"])
