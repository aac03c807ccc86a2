"""The `xtreme` command line: one subcommand per module, imported only when it runs.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int``, and may set
``INTERRUPTED_HINT`` (what to run after Ctrl-C). Importing lazily keeps `xtreme score-submission` free of
torch and lm-eval start-up cost.

Two failures are handled here once for every command: Ctrl-C prints ``interrupted`` (and the hint) and
exits 130, the shell's code for SIGINT; an OSError (a folder where a file is to be written, a full disk,
no permission) prints one line naming the path and exits 2. Every writer is atomic
(harness_tasks/atomic.py), so either way nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "training.demo",
        "train the sample X-STILTs recipe on a tiny local encoder, score it on a benchmark's tasks (--benchmark), "
        "print the table",
    ),
    "score-submission": (
        "harness_tasks.commands.score_submission",
        "score a submission folder in the public XTREME layout against gold labels",
    ),
    "score": (
        "harness_tasks.commands.score",
        "run XTREME tasks on a model or checkpoint bundle through lm-eval and write results + submission",
    ),
    "check-bundle": (
        "harness_tasks.commands.check_bundle",
        "check every head of a checkpoint bundle (config, tokenizer, weights, labels, manifest) without scoring",
    ),
    "mine": (
        "harness_tasks.commands.mine",
        "mine parallel sentence pairs from two embedding matrices (.npy) with the BUCC margin method",
    ),
    "train": (
        "training.command",
        "run an X-STILTs training recipe from a YAML config and write a checkpoint bundle",
    ),
    "tasks": (
        "harness_tasks.commands.tasks",
        "list the XTREME tasks, groups and languages, and the head and training data each needs",
    ),
}


class HelpWithDefaults(argparse.HelpFormatter):
    """Every option's help ends with its default, unless the help text already states it in words."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or not action.option_strings or action.default is argparse.SUPPRESS:
            return text
        if action.required:
            return f"{text} (required)"
        if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            return f"{text} (default: {'on' if action.default else 'off'})"
        if action.default is None:
            return f"{text} (default: none)"
        return f"{text} (default: %(default)s)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xtreme", description="XTREME for multilingual encoders.",
                                     formatter_class=HelpWithDefaults)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            # A command whose module is not there yet is left out rather than breaking the others.
            if err.name and module_name.startswith(err.name):
                continue
            raise
        command = sub.add_parser(name, help=help_text, description=help_text, formatter_class=HelpWithDefaults)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def _show_our_warnings() -> None:
    """Our library code warns through logging (an ignored corrupt cache entry, a language skipped); the
    command line shows those warnings as plain lines on stderr. lm-eval configures its own loggers only,
    so without this they would be dropped."""
    import logging

    class StderrHandler(logging.StreamHandler):
        """Writes to sys.stderr as it is when a record comes (not when the handler was made)."""

        @property
        def stream(self):
            return sys.stderr

        @stream.setter
        def stream(self, _value):
            pass

    for name in ("harness_tasks", "evaluators", "training"):
        logger = logging.getLogger(name)
        if not any(getattr(h, "_xtreme_cli", False) for h in logger.handlers):
            handler = StderrHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            handler.setLevel(logging.WARNING)
            handler._xtreme_cli = True
            logger.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    from harness_tasks.interrupts import install

    install()  # Ctrl-C that a finalizer cannot swallow
    try:
        args = build_parser().parse_args(argv)  # imports every command module: Ctrl-C can land here too
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    _show_our_warnings()
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        hint = getattr(sys.modules.get(args._run.__module__), "INTERRUPTED_HINT", "")
        print(f"interrupted{': ' + hint if hint else ''}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `xtreme tasks | head`: the reader left; stop quietly, as a shell tool killed by SIGPIPE would.
        sys.stderr.close()
        return 141
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"xtreme {args.command}: {where}{err.strerror or err}", file=sys.stderr)
        return 2


def console_main() -> None:
    """The `xtreme` console script: main(), then exit with its code. Once the command has finished, a
    Ctrl-C during interpreter shutdown (lm-eval, torch and tokenizers clean up at exit) would kill the
    process by signal after the work is done and said; it is ignored from then on."""
    import signal

    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    console_main()
