"""From per-language scores to task scores, group scores and a benchmark's overall score.

Definitions (for XTREME they reproduce the published averages, e.g. mBERT 59.6 and XLM-R large 68.2):

* task score: the unweighted mean over the task's languages of each metric (``avg_<metric>``), summed in
  the order the languages are given (the benchmark's order, which fixes the last bit), or, for a task
  declared ``average="pooled"`` (LAReQA), the metric of every language's examples together (its family's
  ``metric_from_outcomes`` over all the outcomes, in language order); the task's
  ``avg_metric`` is made by its declared headline (``TaskSpec.headline``): ``em_f1`` is
  (avg exact match + avg F1) / 2; every other headline (``accuracy``, ``f1``, ``mrr@20``, ``map@20``) is
  the average of the task's first metric (``TaskSpec.metrics[0]``: accuracy, F1, or the retrieval metric
  under the reference's own key).
* group score: the mean of its tasks' ``avg_metric`` (the benchmark's groups, evaluators.benchmarks); only
  when all its tasks are complete.
* overall score (``Benchmark.overall``), only when all the benchmark's tasks are complete: by
  ``overall_rule`` "tasks", the mean of every task score (XTREME's ``all_task``); by "categories", the mean
  of the category scores (``Benchmark.categories``, each the mean of its tasks' scores), reported under
  ``"categories"`` as far as they are complete. For XTREME-R the reference scorer never sets an overall
  score: ours is the paper's (``Benchmark.overall_note``).

A task is complete when every one of its languages was scored. The output has the reference scorer's
shape: ``{"all_task", <groups>, <task>: {<metric>: {lang: value}, "avg_<metric>": ..., "avg_metric"}}``
(XTREME-R: ``{"overall", "categories": {...}, <groups>, <task>: ...}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from evaluators.benchmarks import XTREME, Benchmark, get_benchmark
from evaluators.families.base import Outcome, ScoringOptions
from evaluators.task_spec import TaskSpec

DEFAULT_OPTIONS = ScoringOptions()

# Headlines averaging more than one metric: headline -> the metrics, in the order they are summed.
_HEADLINE_METRICS = {"em_f1": ("exact_match", "f1")}


def headline_metrics(spec: TaskSpec) -> tuple[str, ...]:
    """The per-language metrics whose averages make ``spec``'s task score (see the module docstring)."""
    return _HEADLINE_METRICS.get(spec.headline, spec.metrics[:1])


def task_summary(task: str | TaskSpec, per_language: Mapping[str, Mapping[str, float]], *,
                 outcomes: Mapping[str, Sequence[Outcome]] | None = None,
                 options: ScoringOptions = DEFAULT_OPTIONS) -> dict:
    """The reference's per-task dict from ``{language: {metric: value}}`` (given in language order).

    ``outcomes`` (``{language: per-example outcomes}``) is needed, and only read, for a task whose score is
    pooled over languages (``TaskSpec.average == "pooled"``); ``options`` are the scoring options they were
    made with.
    """
    from evaluators.families import get_family
    from evaluators.tasks import get_task

    spec = task if isinstance(task, TaskSpec) else get_task(task)
    if not per_language:
        raise ValueError(f"{spec.name}: no languages scored")
    by_metric: dict[str, dict[str, float]] = {}
    for language, scores in per_language.items():
        for metric, value in scores.items():
            by_metric.setdefault(metric, {})[language] = value
    summary: dict = dict(by_metric)
    if spec.average == "pooled":
        if outcomes is None or set(outcomes) != set(per_language):
            raise ValueError(f"{spec.name}: its score pools the examples of every language; pass the outcomes of "
                             f"each language scored")
        pooled = [outcome for language in per_language for outcome in outcomes[language]]
        averages = get_family(spec.family).metric_from_outcomes(spec, pooled, None, options)
    else:
        averages = {metric: sum(values.values()) / len(values) for metric, values in by_metric.items()}
    for metric in by_metric:
        summary[f"avg_{metric}"] = averages[metric]
    parts = headline_metrics(spec)
    missing = [metric for metric in parts if f"avg_{metric}" not in summary]
    if missing:
        raise ValueError(f"{spec.name}: no {', '.join(missing)} scores, which its headline "
                         f"{spec.headline!r} needs")
    summary["avg_metric"] = sum(summary[f"avg_{metric}"] for metric in parts) / len(parts)
    return summary


def _mean_of(scores: Mapping[str, float], keys: Sequence[str]) -> float:
    return sum(scores[key] for key in keys) / len(keys)


def overall_of(benchmark: Benchmark | str, task_scores: Mapping[str, float]) -> float:
    """``benchmark``'s overall score over the tasks in ``task_scores`` (task -> score): rule "tasks", the
    mean of the task scores (XTREME); rule "categories", the mean of the means of the categories that have
    a task there (XTREME-R). lm-eval's benchmark groups use it over the tasks present; the scorer only
    over a complete benchmark (overall_scores)."""
    benchmark = get_benchmark(benchmark)
    if benchmark.overall_rule == "categories":
        means = {category: _mean_of(task_scores, [t for t in members if t in task_scores])
                 for category, members in benchmark.categories.items()
                 if any(t in task_scores for t in members)}
        return _mean_of(means, list(means))
    return _mean_of(task_scores, [t for t in benchmark.task_names if t in task_scores])


def overall_scores(summaries: Mapping[str, Mapping], complete: Iterable[str],
                   benchmark: Benchmark | str = XTREME) -> dict:
    """The overall score, the category scores (``"categories"``, for a benchmark whose overall score is made
    of them) and the reference's group scores of ``benchmark``, over the tasks in ``complete``, as far as
    they are complete; in that order, groups in the benchmark's order."""
    benchmark = get_benchmark(benchmark)
    complete = set(complete)
    task_scores = {task: summaries[task]["avg_metric"] for task in complete if task in summaries}
    scores: dict = {}
    if benchmark.overall_rule == "categories":
        categories = {category: _mean_of(task_scores, members)
                      for category, members in benchmark.categories.items() if complete >= set(members)}
        if len(categories) == len(benchmark.categories):
            scores[benchmark.overall] = overall_of(benchmark, task_scores)
        if categories:
            scores["categories"] = categories
    elif complete >= set(benchmark.task_names):
        scores[benchmark.overall] = overall_of(benchmark, task_scores)
    for group, members in benchmark.groups.items():
        if complete >= set(members):
            scores[group] = _mean_of(task_scores, members)
    return scores
