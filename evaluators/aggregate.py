"""From per-language scores to task scores, group scores and the XTREME score.

Definitions (they reproduce the published averages, e.g. mBERT 59.6 and XLM-R large 68.2):

* task score: the unweighted mean over the task's languages of each metric (``avg_<metric>``); the
  task's ``avg_metric`` is (avg EM + avg F1) / 2 for QA, avg F1 for tagging and BUCC, avg accuracy for
  classification and Tatoeba. Means are summed in the benchmark's language order.
* group score: the mean of its tasks' ``avg_metric`` (classification {pawsx, xnli}, tagging {udpos,
  panx}, qa {xquad, mlqa, tydiqa}, retrieval {bucc2018, tatoeba}); only when all its tasks are complete.
* XTREME score (``all_task``): the mean of the nine task scores; only when all nine are complete.

A task is complete when every one of its languages was scored. The output has the reference scorer's
shape: ``{"all_task", <groups>, <task>: {<metric>: {lang: value}, "avg_<metric>": ..., "avg_metric"}}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evaluators.benchmark import GROUPS, TASKS


def task_summary(task: str, per_language: Mapping[str, Mapping[str, float]]) -> dict:
    """The reference's per-task dict from ``{language: {metric: value}}`` (given in language order)."""
    if not per_language:
        raise ValueError(f"{task}: no languages scored")
    spec = TASKS[task]
    by_metric: dict[str, dict[str, float]] = {}
    for language, scores in per_language.items():
        for metric, value in scores.items():
            by_metric.setdefault(metric, {})[language] = value
    summary: dict = dict(by_metric)
    for metric, values in by_metric.items():
        summary[f"avg_{metric}"] = sum(values.values()) / len(values)
    if spec.metric == "em_f1":
        summary["avg_metric"] = (summary["avg_exact_match"] + summary["avg_f1"]) / 2
    else:
        summary["avg_metric"] = summary[f"avg_{spec.metric}"]
    return summary


def overall_scores(summaries: Mapping[str, Mapping], complete: Iterable[str]) -> dict[str, float]:
    """``all_task`` and the group scores over the tasks in ``complete``, as far as they are complete."""
    complete = set(complete)
    scores: dict[str, float] = {}
    if complete >= set(TASKS):
        scores["all_task"] = sum(summaries[t]["avg_metric"] for t in TASKS) / len(TASKS)
    for group, tasks in GROUPS.items():
        if complete >= set(tasks):
            scores[group] = sum(summaries[t]["avg_metric"] for t in tasks) / len(tasks)
    return scores
