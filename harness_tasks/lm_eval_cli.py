"""`xtreme-lm-eval`: lm-eval's own command line with the `xtreme-encoder` model and the XTREME tasks.

The stock `lm_eval` command imports no third-party code, so it cannot see our model. Order matters:
lm-eval's built-in models are registered first (registering ours before would make lm-eval skip its
own lazy registration), then ours, then lm-eval's CLI runs. Unless the command line names an
--include_path, the XTREME task folder is added so `--tasks xtreme_xnli` works as is, and the task names
that start with ``xtreme`` are checked against it first: lm-eval itself answers an unknown one with a
traceback, we with the closest valid name and exit 2.

Also, for what lm-eval's own command would get wrong with our tasks:
- tasks load through harness_tasks.tasks.manager's task manager, so the ``xtreme_<task>`` and ``xtreme``
  groups score the languages the data holds (``--model_args bundle=B,data=DIR,split=dev``: lm-eval hands
  --model_args to the tasks too) and ``xtreme`` is the mean of the task scores; when every task asked
  for is ours, lm-eval's own task folder is not indexed (12-14 s);
- ``--model xtreme-encoder`` without ``--device`` gets ``--device auto`` (CUDA when there is one), not
  lm-eval's default ``cuda:0`` and a warning on machines without a GPU;
- the printed tables drop the Stderr column when no row has a standard error (corpus-level scores have
  none: lm-eval would print N/A on every row) and list, under them, the languages each group lacked.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

COMMANDS_WITH_TASKS = ("run", "ls", "validate")


def with_include_path(argv: list[str]) -> list[str]:
    from harness_tasks.tasks import TASKS_DIR

    if any(a == "--include_path" or a.startswith("--include_path=") for a in argv) or not argv:
        return argv
    if argv[0] in COMMANDS_WITH_TASKS or argv[0].startswith("-"):  # a leading option: lm-eval inserts 'run'
        return [*argv, "--include_path", str(TASKS_DIR)]
    return argv


def option_values(argv: list[str], *names: str) -> list[str]:
    """The values given to the options ``names`` (each ``--opt value...`` or ``--opt=value``)."""
    values: list[str] = []
    taking = False
    for arg in argv:
        if arg in names:
            taking = True
        elif any(arg.startswith(f"{name}=") for name in names):
            values.append(arg.split("=", 1)[1])
            taking = False
        elif arg.startswith("-"):
            taking = False
        elif taking:
            values.append(arg)
    return values


def requested_tasks(argv: list[str]) -> list[str]:
    """The task names after --tasks/-t (lm-eval takes them space- or comma-separated)."""
    names = option_values(argv, "--tasks", "-t")
    return [name.strip() for text in names for name in text.split(",") if name.strip()]


def xtreme_task_names() -> list[str]:
    """Every task and group name our task folder defines (as harness_tasks/tasks/generate.py writes them)."""
    from evaluators.benchmark import TASKS

    names = ["xtreme"]
    for task, spec in TASKS.items():
        names += [f"xtreme_{task}", *(f"xtreme_{task}_{lang}" for lang in spec.languages)]
    return names


def unknown_xtreme_tasks(argv: list[str]) -> str | None:
    """A message naming each requested ``xtreme*`` task our folder lacks (with the closest name), or None.

    Only names starting with ``xtreme`` are ours to judge; lm-eval's own tasks are left to it. Glob
    patterns (lm-eval matches them with fnmatch) pass when they match at least one of our names.
    """
    import fnmatch

    from evaluators.names import closest

    valid = xtreme_task_names()
    problems = []
    for name in requested_tasks(argv):
        if not name.lower().startswith("xtreme") or fnmatch.filter(valid, name):
            continue
        suggestion = closest(name, valid)
        problems.append(f"unknown task {name!r}" + (f"; did you mean {suggestion!r}?" if suggestion else ""))
    if not problems:
        return None
    groups = ", ".join(name for name in valid if name.count("_") <= 1)
    return "\n".join([*problems, f"valid XTREME names: {groups}, and xtreme_<task>_<lang> for each language of "
                                  f"a task (`xtreme tasks` lists them)"])


def with_device(argv: list[str]) -> list[str]:
    """``--device auto`` for our model when the user chose no device (lm-eval's default is cuda:0)."""
    if "xtreme-encoder" not in option_values(argv, "--model", "-M") or option_values(argv, "--device"):
        return argv
    model_args = option_values(argv, "--model_args", "-a")
    if any(part.strip().startswith("device=") or '"device"' in part
           for value in model_args for part in value.split(",")):
        return argv  # given in --model_args (key=value or JSON): lm-eval would pass it twice
    return [*argv, "--device", "auto"]


def xtreme_task_manager(argv: list[str], own_folder: bool):
    """The task manager class lm-eval's command line should build (see the module docstring)."""
    from harness_tasks.tasks.manager import XtremeTaskManager

    tasks = requested_tasks(argv)
    if not (own_folder and tasks and all(name.lower().startswith("xtreme") for name in tasks)):
        return XtremeTaskManager

    class OwnTasksManager(XtremeTaskManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **{**kwargs, "include_defaults": False})

    return OwnTasksManager


def results_table(make_table):
    """lm-eval's ``make_table`` as our tasks need it (see the module docstring)."""

    def is_stderr(key: str) -> bool:
        return key.partition(",")[0].endswith("_stderr")

    def drop_last_columns(line: str, count: int) -> str:
        cells = line.split("|")  # "|a|b|" -> ["", "a", "b", ""]
        return "|".join([*cells[:-(count + 1)], ""]) if len(cells) > count + 2 else line

    def table(result_dict, column="results", sort_results=False):
        rows = {name: {key: value for key, value in entry.items()
                       if key != "absent_languages" and not (is_stderr(key) and value == "N/A")}
                for name, entry in result_dict[column].items()}
        text = make_table({**result_dict, column: rows}, column, sort_results)
        if not any(is_stderr(key) for entry in rows.values() for key in entry):
            text = "\n".join(drop_last_columns(line, 2) for line in text.split("\n"))
        if column != "groups":  # lm-eval prints the groups table last: the notes go under it
            return text
        notes = []
        for name, entry in result_dict[column].items():
            absent = entry.get("absent_languages")
            if isinstance(absent, list) and absent:
                count = f"{len(absent)} language" + ("s" if len(absent) > 1 else "")
                notes.append(f"{name}: no data for {' '.join(absent)} ({count}); mean of the others")
            elif isinstance(absent, dict):
                notes += [f"{name}: no data for any language of {task}" for task in absent
                          if f"{name}_{task}" not in result_dict[column]]
        return text + "".join(f"{note}\n" for note in notes)

    return table


@contextmanager
def xtreme_behaviour(argv: list[str], own_folder: bool):
    """Point lm-eval's command line at our task manager and table while it runs (it looks both up when it
    needs them); lm-eval is left as it was afterwards, for callers that run more in the same process."""
    import lm_eval.tasks
    import lm_eval.utils

    manager, make_table = lm_eval.tasks.TaskManager, lm_eval.utils.make_table
    lm_eval.tasks.TaskManager = xtreme_task_manager(argv, own_folder)
    lm_eval.utils.make_table = results_table(make_table)
    try:
        yield
    finally:
        lm_eval.tasks.TaskManager, lm_eval.utils.make_table = manager, make_table


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    # Checked before lm-eval loads (seconds): only when the XTREME folder is the one searched.
    own_folder = with_include_path(args) != args
    problem = unknown_xtreme_tasks(args) if own_folder else None
    if problem:
        print(f"xtreme-lm-eval: {problem}", file=sys.stderr)
        raise SystemExit(2)

    import lm_eval.models  # noqa: F401  (lm-eval's models first)

    import harness_tasks.encoder_model  # noqa: F401  (registers xtreme-encoder)
    from lm_eval.__main__ import cli_evaluate

    from harness_tasks.readers.errors import DataFormatError, MissingDataError
    from harness_tasks.bundle import CheckpointError
    from harness_tasks.tasks.xtreme_task import XtremeTaskError

    sys.argv = [sys.argv[0] if sys.argv else "xtreme-lm-eval", *with_device(with_include_path(args))]
    try:
        with xtreme_behaviour(args, own_folder):
            cli_evaluate()
    except (XtremeTaskError, DataFormatError, MissingDataError, CheckpointError) as err:  # no traceback
        print(f"xtreme-lm-eval: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
