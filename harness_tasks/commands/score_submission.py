"""`xtreme score-submission PRED_DIR LABEL_DIR [--benchmark xtreme-r]`: the reference scorer's numbers,
exactly, with clear errors."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from evaluators.benchmarks import BENCHMARKS

    parser.add_argument("predictions", help="submission folder: {task}/test-{lang}.{ext}")
    parser.add_argument("labels", help="gold labels in the same layout")
    parser.add_argument(
        "--benchmark", choices=tuple(BENCHMARKS), default="xtreme",
        help="the benchmark whose tasks, languages and layout are scored, as the reference scorer's "
             "--xtreme_version",
    )
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
        help="comma-separated tasks, groups or the benchmark's name (all its tasks); each must be in both "
             "folders (default: every task of the benchmark present in both)",
    )
    parser.add_argument(
        "--languages",
        help="comma-separated language codes, case-insensitive; each applies to the tasks that have it (the "
             "overall score needs all) (default: every language with a gold file)",
    )
    parser.add_argument("--per-language", action="store_true", help="also print one table per task")
    parser.add_argument(
        "--json", metavar="OUT",
        help="write the scores as JSON (the reference's keys) to OUT, a file outside both input folders in an "
             "existing folder (default: not written)",
    )


def run(args: argparse.Namespace) -> int:
    from evaluators.errors import InputFileError
    from evaluators.names import resolve_languages, resolve_tasks
    from evaluators.submission import score_submission
    from harness_tasks.atomic import write_json_atomic
    from harness_tasks.tables import language_table, task_table

    problem = args.json and json_target_problem(args.json, args.predictions, args.labels)
    if problem:  # before scoring: a typo must not cost a whole run, nor the scores overwrite an input
        print(f"error: {args.json}: {problem}", file=sys.stderr)
        return 2
    try:
        # Names are checked before any file is read: one that selects nothing must not pass as an empty score.
        tasks = resolve_tasks(args.tasks, benchmark=args.benchmark)  # all of them when --tasks is not given
        languages = resolve_languages(args.languages, tasks, benchmark=args.benchmark)
        requested = None if args.tasks is None else tasks  # None: score the tasks present
        check_requested_tasks_present(requested, args.predictions, args.labels)
        scores = score_submission(
            args.predictions, args.labels, args.tagging_mode, benchmark=args.benchmark,
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
    print(task_table(scores, args.benchmark))
    if args.per_language:
        for task in scores:
            if isinstance(scores[task], dict) and "avg_metric" in scores[task]:
                print()
                print(language_table(scores, task))
    if skipped:
        print("\nnot scored: " + ", ".join(f"{task} ({why})" for task, why in skipped.items()))
    coverage = coverage_lines(scores["meta"])
    if coverage:
        print("\n" + "\n".join(coverage))
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
    there at all is left to score_submission, which says so. A file, link or pipe where the task's folder
    belongs is named as what it is.
    """
    from pathlib import Path

    from evaluators.errors import InputFileError
    from evaluators.safe_files import folder_present

    folders = [Path(folder) for folder in folders]
    if not all(folder.is_dir() for folder in folders):
        return
    for task in tasks or ():
        for folder in folders:
            if not folder_present(folder / task, root=folder):
                raise InputFileError(folder / task, None, f"missing folder: --tasks asks for {task} "
                                                          "(leave out --tasks to score the tasks present)")


def json_target_problem(path: str, predictions: str, labels: str) -> str | None:
    """Why the scores cannot be written at ``path`` (--json), or None; checked before anything is scored.

    Refused: a folder, pipe or device there; a parent folder that does not exist (a typo must not create
    folders) or is a file; a path inside either input folder or an existing input file under another name
    (a hard link, or a link resolving into a folder), which the scores would overwrite or join.
    """
    import os
    import stat
    from pathlib import Path

    from evaluators.safe_files import regular_file_ids

    suffix = "expected a file path for the scores (--json)"
    target = Path(path)
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):  # the second: a file on the way, named below
        mode = None
    except OSError as err:
        return f"cannot be checked ({err.strerror or err}); {suffix}"
    if mode is not None and not stat.S_ISREG(mode):
        kind = "is a folder" if stat.S_ISDIR(mode) else "is not a regular file (a device, pipe or socket)"
        return f"{kind}; {suffix}"
    if mode is None:
        parent = target.parent
        for entry in (parent, *parent.parents):
            if os.path.lexists(entry):
                if not os.path.isdir(entry):
                    return f"{entry} is a file, not a folder; {suffix}"
                if entry != parent:
                    return f"{parent}: no such folder: create it first; {suffix}"
                break
    resolved = target.resolve()
    for name, folder in (("predictions", predictions), ("labels", labels)):
        if not os.path.isdir(folder):
            continue  # the scorer names a missing input folder
        root = Path(folder).resolve()
        if resolved == root or root in resolved.parents:
            return (f"lies inside the {name} folder {folder}: the scores would overwrite or join the files they "
                    f"score; write them outside both input folders (--json)")
        if mode is not None:
            info = os.stat(target)
            same = regular_file_ids(folder).get((info.st_dev, info.st_ino))
            if same is not None:
                return (f"is the input file {same} under another name (a hard link): writing the scores would "
                        f"replace it; write them outside both input folders (--json)")
    return None


def coverage_lines(meta: dict) -> list[str]:
    """What was scored short of the benchmark or the gold, one printed line each (details in the JSON meta)."""
    from evaluators.benchmarks import get_benchmark

    title = get_benchmark(meta["benchmark"]).title

    def listing(counts: dict[str, dict]) -> str:
        return "; ".join(f"{task} " + ", ".join(f"{lang} {n}" for lang, n in langs.items())
                         for task, langs in counts.items())

    lines = []
    if meta["skipped_languages"]:
        lines.append(f"partial tasks (no group or {title} score), languages without a gold file: " + "; ".join(
            f"{task} {' '.join(langs)}" for task, langs in meta["skipped_languages"].items()))
    elsewhere = _other_benchmarks(meta["benchmark"])
    if meta["ignored_folders"]:
        lines.append(f"folders not scored (not {title} tasks): " + ", ".join(
            meta["ignored_folders"]) + elsewhere)
    if meta["ignored_languages"]:
        lines.append(f"gold files not scored (languages {title} does not score for the task): " + "; ".join(
            f"{task} {' '.join(langs)}" for task, langs in meta["ignored_languages"].items()) + elsewhere)
    if meta["unanswered"]:
        lines.append("gold questions without a prediction (each scored 0): " + listing(meta["unanswered"]))
    if meta["unknown_question_ids"]:
        lines.append("predictions for question ids not in the gold (ignored): "
                     + listing(meta["unknown_question_ids"]))
    return lines


def _other_benchmarks(benchmark: str) -> str:
    """A hint naming the other benchmarks, e.g. " (score XTREME-R's with --benchmark xtreme-r)"."""
    from evaluators.benchmarks import BENCHMARKS

    others = [b for b in BENCHMARKS.values() if b.name != benchmark]
    return "".join(f" (score {b.title}'s with --benchmark {b.name})" for b in others)


def _nothing_scored(args: argparse.Namespace, scores: dict, skipped: dict[str, str]) -> str | None:
    if scores["meta"]["complete_tasks"] or scores["meta"]["partial_tasks"]:
        return None
    why = "; ".join(f"{task}: {reason}" for task, reason in skipped.items())
    return (f"nothing scored: no task is in both {args.predictions} and {args.labels} with a requested language "
            f"({why})")
