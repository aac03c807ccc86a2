"""`xtreme score-submission PRED_DIR LABEL_DIR`: the reference scorer's numbers, exactly, with clear errors."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("predictions", help="submission folder: {task}/test-{lang}.{tsv,json}")
    parser.add_argument("labels", help="gold labels in the same layout")
    parser.add_argument(
        "--tagging-mode", choices=("xtreme", "seqeval"), default="xtreme",
        help="xtreme: seqeval 0.0.12 chunking, as the published numbers (default); seqeval: installed seqeval 1.x",
    )
    parser.add_argument(
        "--qa-mode", choices=("official", "segmented"), default="official",
        help="segmented: also split zh/ja/th answers into tokens (not comparable with published numbers)",
    )
    parser.add_argument(
        "--tasks",
        help="comma-separated tasks, groups or 'xtreme' (all nine); each must be in both folders (default: "
             "every task present in both)",
    )
    parser.add_argument(
        "--languages",
        help="comma-separated language codes, case-insensitive; each applies to the tasks that have it (the "
             "XTREME score needs all)",
    )
    parser.add_argument("--per-language", action="store_true", help="also print one table per task")
    parser.add_argument("--json", metavar="OUT", help="write the scores as JSON (the reference's keys) to OUT")


def run(args: argparse.Namespace) -> int:
    from evaluators.errors import InputFileError
    from evaluators.names import resolve_languages, resolve_tasks
    from evaluators.submission import score_submission
    from harness_tasks.atomic import write_json_atomic
    from leaderboards.report import language_table, task_table

    if args.json and _not_a_file_path(args.json):  # before scoring: a typo must not cost a whole run
        print(f"error: {args.json}: {_not_a_file_path(args.json)}; expected a file path for the scores (--json)",
              file=sys.stderr)
        return 2
    try:
        # Names are checked before any file is read: one that selects nothing must not pass as an empty score.
        tasks = resolve_tasks(args.tasks)  # all nine when --tasks is not given
        languages = resolve_languages(args.languages, tasks)
        requested = None if args.tasks is None else tasks  # None: score the tasks present
        check_requested_tasks_present(requested, args.predictions, args.labels)
        scores = score_submission(
            args.predictions, args.labels, args.tagging_mode,
            tasks=requested, languages=languages, qa_mode=args.qa_mode,
        )
    except (InputFileError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    skipped = scores["meta"]["skipped_tasks"]
    problem = _nothing_scored(args, scores, skipped)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(task_table(scores))
    if args.per_language:
        for task in scores:
            if isinstance(scores[task], dict) and "avg_metric" in scores[task]:
                print()
                print(language_table(scores, task))
    if skipped:
        print("\nnot scored: " + ", ".join(f"{task} ({why})" for task, why in skipped.items()))
    print(f"\ntagging mode: {args.tagging_mode}; QA mode: {args.qa_mode}")
    if args.json:
        try:
            write_json_atomic(args.json, scores)  # atomic: a failed write leaves no temporary file behind
        except OSError as err:
            print(f"error: {args.json}: cannot write the scores ({err.strerror or err})", file=sys.stderr)
            return 2
        print(f"scores written to {args.json}")
    return 0


def check_requested_tasks_present(tasks: list[str] | None, *folders: str) -> None:
    """A task named in --tasks must be scored: a CI gate asking for it must not pass on its absence.

    Checked before scoring anything (the answer does not depend on the other tasks); a folder that is not
    there at all is left to score_submission, which says so.
    """
    from pathlib import Path

    from evaluators.errors import InputFileError

    folders = [Path(folder) for folder in folders]
    if not all(folder.is_dir() for folder in folders):
        return
    for task in tasks or ():
        for folder in folders:
            if not (folder / task).is_dir():
                raise InputFileError(folder / task, None, f"missing folder: --tasks asks for {task} "
                                                          "(leave out --tasks to score the tasks present)")


def _not_a_file_path(path: str) -> str | None:
    """Why the scores cannot be written at ``path`` (a folder or device there, a file where a folder belongs)."""
    import os
    import stat
    from pathlib import Path

    target = Path(path)
    for entry in (target, *target.parents):
        try:
            mode = os.stat(entry).st_mode
        except OSError:
            continue  # not there (yet): the writer creates missing folders
        if entry == target:
            if stat.S_ISREG(mode):
                return None
            return "is a folder" if stat.S_ISDIR(mode) else "is not a regular file (a device, pipe or socket)"
        return None if stat.S_ISDIR(mode) else f"{entry} is a file, not a folder"
    return None


def _nothing_scored(args: argparse.Namespace, scores: dict, skipped: dict[str, str]) -> str | None:
    if scores["meta"]["complete_tasks"] or scores["meta"]["partial_tasks"]:
        return None
    why = "; ".join(f"{task}: {reason}" for task, reason in skipped.items())
    return (f"nothing scored: no task is in both {args.predictions} and {args.labels} with a requested language "
            f"({why})")
