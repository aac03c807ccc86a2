"""`xtreme-lm-eval`: lm-eval's own command line with the `xtreme-encoder` model and the XTREME tasks.

The stock `lm_eval` command imports no third-party code, so it cannot see our model. Order matters:
lm-eval's built-in models are registered first (registering ours before would make lm-eval skip its
own lazy registration), then ours, then lm-eval's CLI runs. Unless the command line names an
--include_path, the XTREME task folder is added so `--tasks xtreme_xnli` works as is.

The command line is read by lm-eval's own parser (so every option form it takes, abbreviations included,
is read the same) and, when the XTREME folder is the one searched, checked before lm-eval loads its tasks
(seconds), each problem one line and exit 2 where lm-eval would print a traceback (harness_tasks.tasks.
selection): a task name starting with ``xtreme`` that the folder lacks (with the closest valid name); a
group asked for together with something it holds (``xtreme_xnli,xtreme``: refused, not silently
deduplicated, since the two requests disagree about what is scored); ``--limit`` or ``--samples`` with BUCC
or Tatoeba, which need every sentence, and ``--limit 0``; task settings (``split=``, ``data=``, ...) in
--model_args/--metadata; ``batch_size``/``device`` given both in --model_args and by lm-eval;
``--apply_chat_template``, which an encoder cannot honour. (``--num_fewshot N`` is refused by the tasks: the
scores are zero-shot.)
The --tasks lists are read as `xtreme score` reads its lists (evaluators.names.split_names): names
stripped, one trailing comma ignored, an empty name between commas refused; lm-eval is handed the names
exactly as checked. Errors of our model's arguments (harness_tasks.model_args), tasks, data and
checkpoints are one line and exit 2 too; Ctrl-C prints ``interrupted`` and exits 130.

Also, for what lm-eval's own command would get wrong with our tasks:
- tasks load through harness_tasks.tasks.manager's task manager, so the task groups (``xtreme_<task>``,
  ``xtreme_r_<task>``) and the benchmark groups (``xtreme``, ``xtreme_r``) score the languages the data
  holds (``--model_args bundle=B,data=DIR,split=dev``: lm-eval hands --model_args to the tasks too) and a
  benchmark group is the benchmark's overall score over its task scores; when every task asked for is
  ours, lm-eval's own task folder is not indexed (12-14 s);
- ``--model xtreme-encoder`` without ``--device`` gets ``--device auto`` (CUDA when there is one), not
  lm-eval's default ``cuda:0`` and a warning on machines without a GPU;
- the printed tables drop the Stderr column when no row has a standard error (corpus-level scores have
  none: lm-eval would print N/A on every row) and list, under them, the languages each group lacked.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO

COMMANDS_WITH_TASKS = ("run", "ls", "validate")
MODEL = "xtreme-encoder"
# What lm-eval's command line passes to every model itself (run.py: --batch_size defaults to 1), so the same
# key in --model_args ends in "got multiple values for keyword argument".
PASSED_BY_LM_EVAL = {"batch_size": "--batch_size", "max_batch_size": "--max_batch_size", "device": "--device"}


def with_include_path(argv: list[str]) -> list[str]:
    from harness_tasks.tasks import TASKS_DIR

    if any(a == "--include_path" or a.startswith("--include_path=") for a in argv) or not argv:
        return argv
    if argv[0] in COMMANDS_WITH_TASKS or argv[0].startswith("-"):  # a leading option: lm-eval inserts 'run'
        return [*argv, "--include_path", str(TASKS_DIR)]
    return argv


class TaskList(argparse.Action):
    """lm-eval's --tasks action (it splits each value on commas), reading each value as `xtreme score` reads
    its lists: names stripped, one trailing comma ignored, an empty or repeated name an UnknownNameError."""

    def __call__(self, parser, namespace, values, option_string=None):
        from evaluators.names import split_names

        names = list(getattr(namespace, self.dest, None) or [])
        for value in values or []:
            names += split_names(value, "--tasks")
        setattr(namespace, self.dest, names)


@contextmanager
def task_lists_read_our_way():
    """lm-eval's parser with our TaskList as its --tasks action, while a parser is built in this block."""
    import lm_eval._cli.run as run_command

    plain = run_command.SplitArgs
    run_command.SplitArgs = TaskList
    try:
        yield
    finally:
        run_command.SplitArgs = plain


def lm_eval_args(argv: list[str]) -> argparse.Namespace | None:
    """``argv`` as lm-eval's parser reads it (with our TaskList), or None when lm-eval would refuse it (it then
    says why itself). UnknownNameError for a --tasks list with an empty name."""
    from lm_eval._cli.harness import HarnessCLI

    with task_lists_read_our_way():
        cli = HarnessCLI()
    args = list(argv)
    if args and args[0] not in COMMANDS_WITH_TASKS and args[0] not in ("-h", "--help"):
        args = ["run", *args]  # as lm-eval does for its legacy form
    try:
        with redirect_stdout(StringIO()), redirect_stderr(StringIO()):  # lm-eval says it again when it runs
            namespace, _unknown = cli._parser.parse_known_args(args)
    except SystemExit:
        return None
    return namespace


def task_names(parsed: argparse.Namespace | None) -> list[str]:
    """The task names lm-eval's parser read from --tasks/-t (space- or comma-separated, as lm-eval takes them)."""
    from evaluators.names import split_names

    tasks = getattr(parsed, "tasks", None) or []
    return split_names(tasks, "--tasks") if isinstance(tasks, str) else list(tasks)  # validate: one text


def requested_tasks(argv: list[str]) -> list[str]:
    """The task names after --tasks/-t in ``argv``, as lm-eval gets them."""
    return task_names(lm_eval_args(argv))


def xtreme_task_names() -> list[str]:
    """Every task and group name our task folder defines (as harness_tasks/tasks/generate.py writes them)."""
    from harness_tasks.tasks.selection import task_names

    return task_names()


def unknown_xtreme_tasks(argv: list[str]) -> str | None:
    """A message naming each requested ``xtreme*`` task our folder lacks (with the closest name), or None.

    Only names starting with ``xtreme`` are ours to judge; lm-eval's own tasks are left to it. Glob
    patterns (lm-eval matches them with fnmatch) pass when they match at least one of our names.
    """
    from harness_tasks.tasks.selection import unknown_names

    return unknown_names(requested_tasks(argv))


def refusal(argv: list[str], own_folder: bool) -> str | None:
    """Why lm-eval should not be started with ``argv`` (see the module docstring), or None."""
    from evaluators.names import UnknownNameError
    from harness_tasks.tasks import selection

    try:
        parsed = lm_eval_args(argv)
        tasks = task_names(parsed)
    except UnknownNameError as err:
        return str(err)
    if parsed is None:
        return None
    if own_folder:
        problem = selection.unknown_names(tasks) or selection.overlap(tasks)
        if problem:
            return problem
        limit, samples = getattr(parsed, "limit", None), getattr(parsed, "samples", None)
        if limit is not None and limit <= 0:
            return f"--limit {limit:g} keeps no document: give a count >= 1 or a fraction between 0 and 1"
        if limit is not None:
            problem = selection.limit_problem(tasks, f"--limit {limit:g}")
        elif isinstance(samples, dict):  # task name -> document indices: those tasks are cut
            problem = selection.limit_problem(list(samples), "--samples")
        if problem:
            return problem
    model_args = getattr(parsed, "model_args", None)
    ours = getattr(parsed, "model", None) == MODEL
    if own_folder or ours:  # lm-eval hands --model_args and --metadata to the tasks as their settings
        from harness_tasks.tasks import TASK_SETTINGS, settings_problem

        metadata = getattr(parsed, "metadata", None)
        given = {**(model_args if isinstance(model_args, dict) else {}),
                 **(metadata if isinstance(metadata, dict) else {})}
        problem = settings_problem({key: given[key] for key in TASK_SETTINGS if key in given})
        if problem:
            return f"task setting {problem}"
    if ours and hasattr(parsed, "apply_chat_template"):  # lm-eval would fail in LM.tokenizer_name, a traceback
        return "--apply_chat_template: xtreme-encoder has no chat template (XTREME tasks send no prompts): leave it out"
    if ours and isinstance(model_args, dict):
        for key, flag in PASSED_BY_LM_EVAL.items():
            if key in model_args and (key == "batch_size" or getattr(parsed, key, None) is not None):
                return (f"--model_args {key}={model_args[key]}: give it as {flag} only (lm-eval passes {flag} to "
                        f"the model itself" + (", 1 when not given)" if key == "batch_size" else ")"))
    return None


def with_device(argv: list[str]) -> list[str]:
    """``--device auto`` for our model when the user chose no device (lm-eval's default is cuda:0)."""
    from evaluators.names import UnknownNameError

    try:
        parsed = lm_eval_args(argv)
    except UnknownNameError:
        return argv
    if getattr(parsed, "model", None) != MODEL or getattr(parsed, "device", None) is not None:
        return argv
    if "device" in (getattr(parsed, "model_args", None) or {}):
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
        with task_lists_read_our_way():  # lm-eval gets the --tasks names exactly as refusal() checked them
            yield
    finally:
        lm_eval.tasks.TaskManager, lm_eval.utils.make_table = manager, make_table


def main(argv: list[str] | None = None) -> None:
    from harness_tasks.interrupts import install

    args = sys.argv[1:] if argv is None else list(argv)
    install()  # Ctrl-C that a finalizer cannot swallow
    try:
        run(args)
    except KeyboardInterrupt:  # lm-eval writes its results only at the end: nothing half written
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


def run(args: list[str]) -> None:
    # Checked before lm-eval loads (seconds); names only when the XTREME folder is the one searched.
    own_folder = with_include_path(args) != args
    problem = refusal(args, own_folder)
    if problem:
        print(f"xtreme-lm-eval: {problem}", file=sys.stderr)
        raise SystemExit(2)

    import lm_eval.models  # noqa: F401  (lm-eval's models first)
    from lm_eval.__main__ import cli_evaluate

    from harness_tasks import register_model
    from harness_tasks.bundle import CheckpointError
    from harness_tasks.model_args import ModelArgsError
    from harness_tasks.readers.errors import DataFormatError, DataSourceError, MissingDataError
    from harness_tasks.tasks import XtremeTaskError

    register_model()  # xtreme-encoder, after lm-eval's own models; lm-eval's git lookup made quiet
    sys.argv = [sys.argv[0] if sys.argv else "xtreme-lm-eval", *with_device(with_include_path(args))]
    try:
        with xtreme_behaviour(args, own_folder):
            cli_evaluate()
    except (XtremeTaskError, ModelArgsError, CheckpointError, DataFormatError, DataSourceError,
            MissingDataError) as err:  # ours, each one line that says what to fix: no traceback
        print(f"xtreme-lm-eval: {err}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
