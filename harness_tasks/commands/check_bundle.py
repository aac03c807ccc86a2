"""`xtreme check-bundle BUNDLE`: check every head of a checkpoint bundle without scoring anything.

Prints one row per head (head, the tasks it serves, ok / error / missing, the problem) and whether the
manifest reads, from the same checks `xtreme score` runs before it scores (harness_tasks.bundle_check).
Exit 0 when every present head is valid, 2 otherwise. A plain checkpoint folder is checked as the encoder.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", help="a checkpoint bundle folder (as `xtreme train` writes it) or one checkpoint")
    parser.add_argument("--label-map", action="append", default=None, metavar="TASK=NAME,NAME,...",
                        help="the task label of each class id of a head, id 0 first, as `xtreme score` takes it")
    parser.add_argument("--allow-pickle", action="store_true",
                        help="accept pickled (.bin) weights: they run code when loaded; trusted checkpoints only")
    parser.add_argument("--trust-remote-code", action="store_true",
                        help="allow model code from the checkpoint's repository to run")


def run(args: argparse.Namespace) -> int:
    from harness_tasks.bundle import CheckpointError
    from harness_tasks.label_maps import parse_label_maps
    from harness_tasks.model_location import locate_model

    try:
        folder = locate_model(args.bundle, flag="")
        label_maps = parse_label_maps(args.label_map, "--label-map")
    except CheckpointError as err:
        print(f"xtreme check-bundle: {err}", file=sys.stderr)
        return 2
    from harness_tasks.bundle_check import check_bundle, format_report

    report = check_bundle(folder, label_maps=label_maps, allow_pickle=args.allow_pickle,
                          trust_remote_code=args.trust_remote_code)
    print(format_report(report))
    return 0 if report.ok else 2
