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
    parser.add_argument("--tasks", help="comma-separated tasks to score (default: all present)")
    parser.add_argument("--languages", help="comma-separated languages to score (the XTREME score needs all)")
    parser.add_argument("--per-language", action="store_true", help="also print one table per task")
    parser.add_argument("--json", metavar="OUT", help="write the scores as JSON (the reference's keys) to OUT")


def run(args: argparse.Namespace) -> int:
    from evaluators.errors import InputFileError
    from evaluators.submission import score_submission
    from harness_tasks.atomic import write_json_atomic
    from leaderboards.report import language_table, task_table

    split = lambda text: None if text is None else [x.strip() for x in text.split(",") if x.strip()]
    try:
        scores = score_submission(
            args.predictions, args.labels, args.tagging_mode,
            tasks=split(args.tasks), languages=split(args.languages), qa_mode=args.qa_mode,
        )
    except (InputFileError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(task_table(scores))
    if args.per_language:
        for task in scores:
            if isinstance(scores[task], dict) and "avg_metric" in scores[task]:
                print()
                print(language_table(scores, task))
    print(f"\ntagging mode: {args.tagging_mode}; QA mode: {args.qa_mode}")
    if args.json:
        write_json_atomic(args.json, scores)
        print(f"scores written to {args.json}")
    return 0
