"""`xtreme tasks [--benchmark xtreme|xtreme-r] [--family F]`: a benchmark's tasks, groups and languages,
and what each needs.

What each task needs to be scored: the bundle head that scores it and the English training data that
head is fine-tuned on (or nothing, for the tasks that score the encoder itself), where its data lives on
the hub, and what to cite. Everything is read from the declarations (evaluators.tasks,
evaluators.benchmarks) and the lm-eval layout (harness_tasks.tasks.selection), so the list cannot drift
from what `xtreme score` runs; a task of the benchmark that cannot run yet is listed with the reason.
Imports stay light (no torch, lm-eval or transformers): the answer comes at once.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

FORMATS = ("table", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from evaluators.benchmarks import BENCHMARKS

    parser.add_argument("--benchmark", default="xtreme",
                        help=f"which benchmark to list: {', '.join(BENCHMARKS)} (default: %(default)s)")
    parser.add_argument("--family", default=None,
                        help="only tasks of this family or group (e.g. tagging, qa, retrieval, bitext_mining)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="a table for people or JSON")


def family_choices(benchmark) -> list[str]:
    """Names --family takes: the benchmark's groups, then the families of its declared tasks (each once)."""
    from evaluators.tasks import TASKS

    families = [TASKS[task].family for task in benchmark.task_names if task in TASKS]
    return list(dict.fromkeys([*benchmark.groups, *families]))


def _hub(spec) -> list[str]:
    """Where the task's data lives on the hub, one entry per split: ``split: repo [config] (hub split)``."""
    return [f"{split}: {source.repo}" + (f" [{source.config}]" if source.config else "") + f" ({source.split})"
            for split, source in spec.hub.items()]


def describe_tasks(benchmark, family: str | None = None) -> list[dict]:
    """One entry per declared task of ``benchmark`` (its order): what it is, what scores it, what it needs,
    its languages, its lm-eval group."""
    from evaluators.tasks import TASKS
    from harness_tasks.tasks.selection import layout, task_group

    entries = []
    for name in benchmark.task_names:
        spec = TASKS.get(name)
        groups = benchmark.groups_of(name)
        if spec is None or (family is not None and family not in (spec.family, *groups)):
            continue
        training = spec.training
        entries.append({
            "task": name, "title": spec.title, "group": ", ".join(groups) or None, "family": spec.family, "metric": spec.headline,
            "head": spec.head, "head_kind": spec.head_kind,
            # the file in the raw download layout that the head is fine-tuned on
            "english_training_data": training.raw["train"][0].format(lang="en") if training else None,
            "training_data_title": training.title if training else None,
            "hub": _hub(spec),
            "lm_eval_group": task_group(benchmark, name) if name in layout().tasks else None,
            "languages": list(benchmark.languages(name)),
            "citation": spec.citation,
        })
    return entries


def not_available(benchmark, family: str | None = None) -> dict[str, str]:
    """Tasks of ``benchmark`` that cannot run yet -> why (not declared, or no lm-eval task class)."""
    from harness_tasks.tasks.selection import layout

    return {task: why for task, why in layout().left_out.items()
            if task in benchmark.task_names and (family is None or family in benchmark.groups_of(task))}


def _columns(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def format_table(benchmark, entries: list[dict], missing: dict[str, str]) -> str:
    from evaluators.task_spec import HEADLINES
    from harness_tasks.tasks.selection import benchmark_group

    rows = [[e["task"], e["group"] or "-", e["metric"], f"{e['head']} ({e['head_kind']})",
             e["english_training_data"] or "none: scores the encoder itself", str(len(e["languages"]))]
            for e in entries]
    parts = [_columns(["task", "group", "metric", "bundle head (kind)", "English training data", "langs"], rows)]
    parts.append("\n".join(
        textwrap.fill(" ".join(e["languages"]), width=100, initial_indent=f"{e['task']:<9} ",
                      subsequent_indent=" " * 10)
        for e in entries))
    shown = {e["task"] for e in entries} | set(missing)
    width = max(len(group) for group in benchmark.groups) + 1
    groups = [f"  {group:<{width}} {' '.join(tasks)}" for group, tasks in benchmark.groups.items()
              if shown & set(tasks)]
    everything = benchmark_group(benchmark)
    parts.append(f"groups ({benchmark.name} = all {len(benchmark.task_names)} tasks; --tasks takes a task, a group "
                 f"or {benchmark.name}):\n" + "\n".join(groups))
    if benchmark.categories:
        width = max(len(category) for category in benchmark.categories) + 1
        parts.append(f"categories (the {benchmark.title} score is the mean of their means):\n" + "\n".join(
            f"  {category:<{width}} {' '.join(tasks)}" for category, tasks in benchmark.categories.items()))
    if missing:
        parts.append("not available yet:\n" + "\n".join(f"  {task}: {why}" for task, why in missing.items()))
    metrics = sorted({e["metric"] for e in entries})
    parts.append("metric: " + ", ".join(f"{m} = {HEADLINES[m]}" for m in metrics) + ". lm-eval names: "
                 f"{everything}, {everything}_<task>, xtreme_<task>_<lang> (xtreme-lm-eval); `--format json` adds "
                 "hub ids and citations.")
    return "\n\n".join(parts)


def run(args: argparse.Namespace) -> int:
    from evaluators.benchmarks import BENCHMARKS, get_benchmark
    from evaluators.names import UnknownNameError, resolve_choice

    try:
        benchmark = get_benchmark(resolve_choice(args.benchmark, BENCHMARKS, "benchmark", "--benchmark"))
        family = (None if args.family is None else
                  resolve_choice(args.family, family_choices(benchmark), "family", "--family"))
    except UnknownNameError as err:
        print(f"xtreme tasks: {err}", file=sys.stderr)
        return 2
    entries = describe_tasks(benchmark, family)
    missing = not_available(benchmark, family)
    if args.format == "json":
        print(json.dumps({"benchmark": benchmark.name, "title": benchmark.title, "tasks": entries,
                          "not_available": missing, "citation": benchmark.citation,
                          "overall_note": benchmark.overall_note or None}, indent=2, ensure_ascii=False))
    else:
        print(format_table(benchmark, entries, missing))
    return 0
