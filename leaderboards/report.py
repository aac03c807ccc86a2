"""Plain-text tables of XTREME scores, for people (JSON is for machines).

Both `xtreme score` and `xtreme score-submission` print these from the reference-shaped score dict
(``evaluators.submission.score_submission`` / ``evaluators.aggregate``).
"""

from __future__ import annotations

from evaluators.benchmark import GROUPS, TASKS

# What the task score is made of, as the paper's tables label it.
_HEADLINE = {"accuracy": "acc", "f1": "F1", "em_f1": "(EM+F1)/2"}


def _fmt(value) -> str:
    return f"{value:6.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def task_table(scores: dict) -> str:
    """One row per scored task: score, the metrics behind it, languages scored."""
    rows = []
    for task, spec in TASKS.items():
        if task not in scores:
            continue
        s = scores[task]
        detail = []
        if spec.metric == "em_f1":
            detail = [f"EM {s['avg_exact_match']:.2f}", f"F1 {s['avg_f1']:.2f}"]
        elif "avg_token_accuracy" in s:
            detail = [f"P {s['avg_precision']:.2f}", f"R {s['avg_recall']:.2f}", f"tok-acc {s['avg_token_accuracy']:.2f}"]
        elif "avg_precision" in s:
            detail = [f"P {s['avg_precision']:.2f}", f"R {s['avg_recall']:.2f}"]
        n_langs = len(next(v for v in s.values() if isinstance(v, dict)))
        rows.append([task, _HEADLINE[spec.metric], _fmt(s["avg_metric"]), f"{n_langs}/{len(spec.languages)}", "  ".join(detail)])
    summary = []
    for group in GROUPS:
        if group in scores:
            summary.append([group, "mean", _fmt(scores[group]), "", ""])
    if "all_task" in scores:
        summary.append(["XTREME", "mean of 9", _fmt(scores["all_task"]), "", ""])
    text = _table(["task", "metric", "score", "langs", "detail"], rows + summary)
    if "all_task" not in scores:
        text += "\n(no XTREME score: it needs every language of all nine tasks)"
    return text


def language_table(scores: dict, task: str) -> str:
    """One row per language of one task, every metric as a column."""
    s = scores[task]
    metrics = [m for m, v in s.items() if isinstance(v, dict)]
    langs = list(s[metrics[0]])
    rows = [[lang, *(_fmt(s[m][lang]) for m in metrics)] for lang in langs]
    rows.append(["avg", *(_fmt(s[f"avg_{m}"]) for m in metrics)])
    return f"{task}\n" + _table(["lang", *metrics], rows)
