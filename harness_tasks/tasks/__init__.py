"""XTREME and XTREME-R as lm-eval tasks: generated YAML (one file per task and language, and the groups of
each benchmark; see generate.py), the shared task base in xtreme_task.py with one task class per family
under families/, and the task manager in manager.py that runs the groups on whatever languages a data
folder holds. ``TASKS_DIR`` is the folder to give lm-eval as include_path. selection.py names the tasks
and groups and checks a task list before anything loads.

This module stays light (no lm-eval, no torch): the ``xtreme`` command imports it to list tasks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TASKS_DIR = Path(__file__).resolve().parent

# The runtime settings every XTREME task reads from its metadata (harness_tasks.task_manager(...) keyword
# arguments, or lm-eval's --model_args / --metadata on its command line); see xtreme_task.py.
TASK_SETTINGS = ("data", "split", "tagging_mode", "bucc_duplicates", "bucc_subset", "bucc_distractors",
                 "bucc_seed")
SPLITS = ("test", "dev")
TAGGING_MODES = ("xtreme", "seqeval")


class XtremeTaskError(ValueError):
    """A task, task list or task setting that cannot run as asked: the message says which and why.
    `xtreme-lm-eval` (harness_tasks/lm_eval_cli.py) prints it as one line and exits 2."""


def _whole_number(value) -> int | None:
    """``value`` as an integer >= 0 (an int, or a text of ASCII digits), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    return None


def settings_problem(settings: Mapping) -> str | None:
    """What is wrong with the task settings in ``settings`` (other keys are ignored), or None.

    A setting that is absent or None takes its default; any other value must be valid, so a typo fails
    when the settings are given (task_manager(), each task as lm-eval builds it, the model's model_args),
    not after the model has run, and never reads the wrong data silently.
    """
    from evaluators.mining import DUPLICATE_POLICIES
    from harness_tasks.bucc_subsets import PRESETS

    choices = {"split": SPLITS, "tagging_mode": TAGGING_MODES, "bucc_duplicates": DUPLICATE_POLICIES,
               "bucc_subset": tuple(PRESETS)}
    for key, valid in choices.items():
        value = settings.get(key)
        if value is not None and value not in valid:
            return f"{key} {value!r}: expected one of {', '.join(valid)}"
    for key in ("bucc_distractors", "bucc_seed"):
        value = settings.get(key)
        if value is not None and _whole_number(value) is None:
            return f"{key} {value!r}: expected a whole number >= 0"
    if settings.get("bucc_distractors") is not None and settings.get("bucc_subset") not in (None, "full"):
        return (f"bucc_subset {settings['bucc_subset']!r} and bucc_distractors {settings['bucc_distractors']!r}: "
                f"give one (bucc_distractors replaces the preset)")
    data = settings.get("data")
    if data is not None and data != "sample":
        from harness_tasks.readers import parse_source
        from harness_tasks.readers.errors import DataSourceError

        try:
            parse_source(os.fspath(data) if isinstance(data, os.PathLike) else data)
        except DataSourceError as err:
            return f"data: {err}"
    return None
