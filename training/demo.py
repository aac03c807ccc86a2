"""`xtreme demo`: the whole product on its embedded defaults, from nothing to a score table.

1. train: the shipped X-STILTs sample recipe (training/configs/sample.yaml): a tiny encoder built from the
   bundled sample data, an English intermediate task (MNLI), then every English target task;
2. score: that checkpoint bundle on every task of the benchmark (``--benchmark``: XTREME's nine by default,
   or XTREME-R's ten) through lm-eval (bundled sample data, test split);
3. print the score table; OUTPUT/scores/results.json and OUTPUT/scores/submission/ are written.

Both steps resume: run it again after an interruption and finished work is not redone (finished
training phases are kept; scored tasks come from the prediction cache).

It lives in training/ because it trains: harness_tasks never imports training (the `xtreme` command line
names this module in harness_tasks.cli.COMMANDS and imports it only to run it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

INTERRUPTED_HINT = "run the same command again to resume (finished training phases and scored tasks are kept)"

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default="runs/demo",
                        help="run folder: the training run goes to OUTPUT/train (bundle in OUTPUT/train/bundle), "
                             "the scores to OUTPUT/scores (results.json, submission/; OUTPUT/scores-xtreme-r for --benchmark xtreme-r)")
    parser.add_argument("--benchmark", default="xtreme",
                        help="xtreme or xtreme-r: score the trained bundle on this benchmark's tasks (the sample "
                             "recipe trains the heads of both)")
    parser.add_argument("--config", default=None, help="training recipe YAML (default: the shipped training/configs/sample.yaml)")
    parser.add_argument("--overwrite", action="store_true",
                        help="start afresh: delete the training run and scores in --output first (needed after "
                             "changing --config; a plain rerun resumes)")


def run(args: argparse.Namespace) -> int:
    from harness_tasks.cli import build_parser
    from training.config import ConfigError, load_config, resolve_config_path
    from training.recipe import RecipeError, run_recipe

    from evaluators.benchmarks import BENCHMARKS
    from evaluators.names import UnknownNameError, resolve_choice

    try:  # checked before training, as `xtreme score` would check it only after
        args.benchmark = resolve_choice(args.benchmark, BENCHMARKS, "benchmark", "--benchmark")
    except UnknownNameError as err:
        print(f"xtreme demo: {err}", file=sys.stderr)
        return 2
    output = Path(args.output)
    config_path = resolve_config_path(args.config or "sample")
    train_dir = output / "train"
    print(f"[demo 1/2] training {config_path.name} into {train_dir}", file=sys.stderr, flush=True)
    try:
        config = load_config(config_path)
        resume = (train_dir / "config.json").exists() and not args.overwrite
        bundle = run_recipe(config, train_dir, resume=resume, overwrite=args.overwrite)
    except (ConfigError, RecipeError) as err:
        print(f"xtreme demo: {err}", file=sys.stderr)
        return 2
    print(f"[demo 2/2] scoring {bundle} on the sample data ({args.benchmark})", file=sys.stderr, flush=True)
    # Parsed by `xtreme score`'s own parser but run here, so that errors and Ctrl-C are this command's.
    scores = output / ("scores" if args.benchmark == "xtreme" else f"scores-{args.benchmark}")
    score_args = build_parser().parse_args(["score", "--model", str(bundle), "--output", str(scores),
                                            "--benchmark", args.benchmark,
                                            *(["--overwrite"] if args.overwrite else [])])
    return score_args._run(score_args)
