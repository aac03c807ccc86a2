"""`xtreme tasks [--benchmark xtreme] [--family F]`: the tasks, groups and languages, and what each needs.

What each task needs to be scored: the bundle head that scores it (harness_tasks.bundle) and the English
training data that head is fine-tuned on (harness_tasks.readers), or nothing for the retrieval tasks, which
score the encoder itself. Everything is read from evaluators.benchmark, so the list cannot drift from what
`xtreme score` runs. Imports stay light (no torch, lm-eval or transformers): the answer comes at once.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

BENCHMARKS = ("xtreme",)  # XTREME-R is declared in benchmark.py (xtreme_r_languages) but not runnable yet
FORMATS = ("table", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--benchmark", default="xtreme", help=f"which benchmark to list: {', '.join(BENCHMARKS)}")
    parser.add_argument("--family", default=None,
                        help="only tasks of this family or group (e.g. tagging, qa, retrieval, bitext_mining)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="a table for people or JSON")


def family_choices() -> list[str]:
    """Names --family takes: the reference scorer's groups, then the task families (each once)."""
    from evaluators.benchmark import GROUPS, TASKS

    return list(dict.fromkeys([*GROUPS, *(spec.family for spec in TASKS.values())]))


def describe_tasks(family: str | None = None) -> list[dict]:
    """One entry per task (benchmark order): what it is, what scores it, what it needs, its languages."""
    from evaluators.benchmark import TASKS
    from harness_tasks.bundle import HEAD_FOR_TASK, HEAD_KIND
    from harness_tasks.readers import ENGLISH_TRAIN_DATASET, RAW_FILES

    entries = []
    for name, spec in TASKS.items():
        if family is not None and family not in (spec.family, spec.group):
            continue
        head = HEAD_FOR_TASK[name]
        train = None
        if spec.trainable:  # the file in the raw download layout that the head is fine-tuned on
            train = RAW_FILES[ENGLISH_TRAIN_DATASET[name]]["train"][0].format(lang="en")
        entries.append({
            "task": name, "group": spec.group, "family": spec.family, "metric": spec.metric,
            "head": head, "head_kind": HEAD_KIND[head], "english_training_data": train,
            "lm_eval_group": f"xtreme_{name}", "languages": list(spec.languages),
        })
    return entries


def _columns(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def format_table(entries: list[dict]) -> str:
    from evaluators.benchmark import GROUPS

    rows = [[e["task"], e["group"], e["metric"], f"{e['head']} ({e['head_kind']})",
             e["english_training_data"] or "none: scores the encoder itself", str(len(e["languages"]))]
            for e in entries]
    parts = [_columns(["task", "group", "metric", "bundle head (kind)", "English training data", "langs"], rows)]
    parts.append("\n".join(
        textwrap.fill(" ".join(e["languages"]), width=100, initial_indent=f"{e['task']:<9} ",
                      subsequent_indent=" " * 10)
        for e in entries))
    shown = {e["task"] for e in entries}
    groups = [f"  {group:<15} {' '.join(tasks)}" for group, tasks in GROUPS.items() if shown & set(tasks)]
    parts.append("groups (xtreme = all nine; --tasks takes a task, a group or xtreme):\n" + "\n".join(groups))
    parts.append("metric em_f1: the mean of exact match and F1. lm-eval names: xtreme, xtreme_<task>, "
                 "xtreme_<task>_<lang> (xtreme-lm-eval).")
    return "\n\n".join(parts)


def run(args: argparse.Namespace) -> int:
    from evaluators.names import UnknownNameError, resolve_choice

    if args.benchmark.strip().rstrip(",").strip().lower().replace("-", "").replace("_", "") == "xtremer":
        print(f"xtreme tasks: --benchmark {args.benchmark}: XTREME-R cannot be run yet; valid in --benchmark: "
              f"{', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    try:
        resolve_choice(args.benchmark, BENCHMARKS, "benchmark", "--benchmark")
        family = None if args.family is None else resolve_choice(args.family, family_choices(), "family", "--family")
    except UnknownNameError as err:
        print(f"xtreme tasks: {err}", file=sys.stderr)
        return 2
    entries = describe_tasks(family)
    if args.format == "json":
        print(json.dumps({"benchmark": "xtreme", "tasks": entries}, indent=2, ensure_ascii=False))
    else:
        print(format_table(entries))
    return 0
