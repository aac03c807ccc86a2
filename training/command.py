"""``xtreme train CONFIG.yaml [--output DIR] [--resume | --overwrite]``: run an X-STILTs recipe and write a bundle.

The output folder holds the run (phases/, metrics.jsonl, config.json) and the bundle (bundle/) that
``xtreme score --model OUTPUT/bundle`` takes. After a crash or Ctrl-C, run the same command with ``--resume``:
finished phases are kept, the current one restarts from its last checkpoint and ends exactly where an
uninterrupted run would have. After a failed run whose config you have changed, ``--overwrite`` deletes the
old run and starts afresh. One run at a time per folder: a second run into a folder that a run is using
stops at once (exit 2), naming the first (pid, start time, command). Multi-GPU / mixed precision:
``accelerate launch -m training.command ...`` (``fp16`` needs a GPU; on a CPU use ``bf16`` or ``no``).

Top-level imports stay light (no torch) because ``xtreme`` builds every subcommand's parser at start-up.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Printed after "interrupted" by harness_tasks.cli.main, which both `xtreme train` and `python -m
# training.command` go through. Checkpoints and bundles are written to a temporary folder and renamed
# into place (training/checkpoints.py), so an interrupt leaves the last complete checkpoint to resume from.
INTERRUPTED_HINT = "rerun with --resume (same config and --output) to continue from the last checkpoint"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="the experiment YAML, or the name of a shipped one in training/configs/"
                                       " (sample, xstilts-xlmr-large)")
    parser.add_argument("--output", help="run folder (default: the config's output_dir, else runs/<config name>)")
    again = parser.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="continue the run in --output: skip finished phases, restart the current one "
                            "from its last checkpoint (the config must be the same)")
    again.add_argument("--overwrite", action="store_true",
                       help="if --output holds a run (finished or not), delete it and start afresh; only the "
                            "files a run writes are deleted")


def run(args: argparse.Namespace) -> int:
    from training.config import ConfigError, load_config, resolve_config_path

    path = resolve_config_path(args.config)  # `xtreme train sample` runs the shipped config from any folder
    try:
        config = load_config(path)
    except ConfigError as err:
        print(f"xtreme train: {err}", file=sys.stderr)
        return 2
    output = args.output or config.output_dir or str(Path("runs") / path.stem)

    from training.recipe import RecipeError, run_recipe

    try:
        bundle = run_recipe(config, output, resume=args.resume, overwrite=args.overwrite)
    except RecipeError as err:
        print(f"xtreme train: {err}", file=sys.stderr)
        return 2
    if os.environ.get("RANK", "0") == "0":  # under accelerate/torchrun every process gets here; say it once
        print(bundle)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m training.command ARGS`` (what ``accelerate launch -m`` runs) is ``xtreme train ARGS``,
    through the same entry point: same parser, same one-line handling of Ctrl-C (exit 130) and I/O errors."""
    from harness_tasks.cli import main as xtreme_main

    return xtreme_main(["train", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
