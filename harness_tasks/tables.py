"""Plain-text tables of a benchmark's scores, for people (JSON is for machines).

Both `xtreme score` and `xtreme score-submission` print these from the reference-shaped score dict
(``evaluators.submission.score_submission`` / ``evaluators.aggregate``), for the benchmark scored.
"""

from __future__ import annotations

from evaluators.benchmarks import XTREME, Benchmark, get_benchmark
from evaluators.task_spec import HEADLINES


def _fmt(value) -> str:
    return f"{value:6.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _detail(spec, s: dict) -> list[str]:
    """The averages behind a task score, beside it."""
    if spec.headline == "em_f1":
        return [f"EM {s['avg_exact_match']:.2f}", f"F1 {s['avg_f1']:.2f}"]
    detail = []
    if "avg_precision" in s:
        detail += [f"P {s['avg_precision']:.2f}", f"R {s['avg_recall']:.2f}"]
    if "avg_token_accuracy" in s:
        detail.append(f"tok-acc {s['avg_token_accuracy']:.2f}")
    return detail


def task_table(scores: dict, benchmark: Benchmark | str = XTREME) -> str:
    """One row per scored task of ``benchmark``: score, the metrics behind it, languages scored; then the
    group scores and the overall score, or why there is none, and the benchmark's note on its overall score."""
    benchmark = get_benchmark(benchmark)
    rows = []
    for task, spec in benchmark.tasks.items():
        if task not in scores:
            continue
        s = scores[task]
        n_langs = len(next(v for v in s.values() if isinstance(v, dict)))
        rows.append([task, HEADLINES[spec.headline], _fmt(s["avg_metric"]),
                     f"{n_langs}/{len(benchmark.languages(task))}", "  ".join(_detail(spec, s))])
    summary = [[group, "mean", _fmt(scores[group]), "", ", ".join(benchmark.groups[group])]
               for group in benchmark.groups if group in scores]
    categories = scores.get("categories", {})
    summary += [[f"{category} (category)", "mean", _fmt(value), "", ", ".join(benchmark.categories[category])]
                for category, value in categories.items()]
    n_tasks = len(benchmark.task_names)
    if benchmark.overall in scores:
        made_of = (f"mean of {len(benchmark.categories)} categories" if benchmark.overall_rule == "categories"
                   else f"mean of {n_tasks} tasks")
        summary.append([benchmark.title, made_of, _fmt(scores[benchmark.overall]), "", ""])
    text = _table(["task", "metric", "score", "langs", "detail"], rows + summary)
    if benchmark.overall not in scores:
        text += f"\n(no {benchmark.title} score: it needs every language of all {n_tasks} tasks)"
    if benchmark.overall_note:
        text += f"\n(note on the {benchmark.title} score: {benchmark.overall_note})"
    return text


def language_table(scores: dict, task: str) -> str:
    """One row per language of one task, every metric as a column."""
    s = scores[task]
    metrics = [m for m, v in s.items() if isinstance(v, dict)]
    langs = list(s[metrics[0]])
    rows = [[lang, *(_fmt(s[m][lang]) for m in metrics)] for lang in langs]
    rows.append(["avg", *(_fmt(s[f"avg_{m}"]) for m in metrics)])
    return f"{task}\n" + _table(["lang", *metrics], rows)
