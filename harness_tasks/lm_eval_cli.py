"""`xtreme-lm-eval`: lm-eval's own command line with the `xtreme-encoder` model and the XTREME tasks.

The stock `lm_eval` command imports no third-party code, so it cannot see our model. Order matters:
lm-eval's built-in models are registered first (registering ours before would make lm-eval skip its
own lazy registration), then ours, then lm-eval's CLI runs. Unless the command line names an
--include_path, the XTREME task folder is added so `--tasks xtreme_xnli` works as is.
"""

from __future__ import annotations

import sys

COMMANDS_WITH_TASKS = ("run", "ls", "validate")


def with_include_path(argv: list[str]) -> list[str]:
    from harness_tasks.tasks import TASKS_DIR

    if any(a == "--include_path" or a.startswith("--include_path=") for a in argv) or not argv:
        return argv
    if argv[0] in COMMANDS_WITH_TASKS or argv[0].startswith("-"):  # a leading option: lm-eval inserts 'run'
        return [*argv, "--include_path", str(TASKS_DIR)]
    return argv


def main(argv: list[str] | None = None) -> None:
    import lm_eval.models  # noqa: F401  (lm-eval's models first)

    import harness_tasks.encoder_model  # noqa: F401  (registers xtreme-encoder)
    from lm_eval.__main__ import cli_evaluate

    args = sys.argv[1:] if argv is None else list(argv)
    sys.argv = [sys.argv[0] if sys.argv else "xtreme-lm-eval", *with_include_path(args)]
    cli_evaluate()


if __name__ == "__main__":
    main()
