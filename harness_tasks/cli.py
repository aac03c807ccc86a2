"""The `xtreme` command line: one subcommand per module, imported only when it runs.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int``. Importing lazily keeps
`xtreme score-submission` free of torch and lm-eval start-up cost.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "harness_tasks.commands.demo",
        "train the sample X-STILTs recipe on a tiny local encoder, score it on all nine tasks, print the table",
    ),
    "score-submission": (
        "harness_tasks.commands.score_submission",
        "score a submission folder in the public XTREME layout against gold labels",
    ),
    "score": (
        "harness_tasks.commands.score",
        "run XTREME tasks on a model or checkpoint bundle through lm-eval and write results + submission",
    ),
    "mine": (
        "harness_tasks.commands.mine",
        "mine parallel sentence pairs from two embedding matrices (.npy) with the BUCC margin method",
    ),
    "train": (
        "training.command",
        "run an X-STILTs training recipe from a YAML config and write a checkpoint bundle",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xtreme", description="XTREME for multilingual encoders.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            # A command whose module is not there yet is left out rather than breaking the others.
            if err.name and module_name.startswith(err.name):
                continue
            raise
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
