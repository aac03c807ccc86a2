"""XTREME for lm-evaluation-harness: the tasks, the ``xtreme-encoder`` model, data readers, the ``xtreme`` CLI.

From Python, one import is enough::

    import lm_eval
    import harness_tasks

    results = lm_eval.simple_evaluate(
        model="xtreme-encoder", model_args="bundle=runs/demo/train/bundle",
        tasks=["xtreme_xnli", "xtreme_tatoeba_de"],
        task_manager=harness_tasks.task_manager(data="path/to/xtreme/download", split="test"))

``task_manager()`` registers the model with lm-eval and returns a task manager over the XTREME tasks.
Importing this package stays cheap (no lm-eval, no torch) so that the ``xtreme`` command starts fast.
"""

from __future__ import annotations


def register_model() -> None:
    """Make ``model="xtreme-encoder"`` known to lm-eval (idempotent).

    lm-eval 0.4.13 discovers no plugins, so the model registers on import; lm-eval's own models must be
    registered first (lm-eval registers them only while its registry is empty).
    """
    import lm_eval.models  # noqa: F401

    import harness_tasks.encoder_model  # noqa: F401

    quiet_git_hash()


def quiet_git_hash() -> None:
    """lm-eval records the git commit of the working folder by running `git describe`, whose stderr
    prints `fatal: not a git repository` once per run outside a clone: a warning the user did not
    cause. Same lookup, same result, stderr silenced."""
    import subprocess

    import lm_eval.evaluator

    def git_hash():
        try:
            out = subprocess.check_output(["git", "describe", "--always"], stderr=subprocess.DEVNULL)
            return out.strip().decode()
        except (subprocess.CalledProcessError, OSError):
            return None

    lm_eval.evaluator.get_git_commit_hash = git_hash


def task_manager(data: str | None = None, split: str = "test", *, include_defaults: bool = False,
                 include_path=None, **settings):
    """An lm-eval task manager over the XTREME tasks and groups, with their data settings.

    ``data``: None or "sample" (the bundled sample), a folder in the benchmark's download layout, "hub" or
    "hub:PATH" (google/xtreme, or a local parquet copy). ``split``: "test" or "dev". ``settings``: the
    other task settings, ``tagging_mode`` ("xtreme" | "seqeval"), ``bucc_duplicates``, ``bucc_subset``,
    ``bucc_distractors``, ``bucc_seed`` (see harness_tasks/tasks/xtreme_task.py). Groups score the
    languages the data holds and record the others under ``absent_languages``. ``include_defaults``
    also indexes lm-eval's own tasks (12-14 s); ``include_path`` adds task folders of yours.
    Registers the ``xtreme-encoder`` model too.

    Settings are checked here, before lm-eval loads: an unknown one is a TypeError, a bad value (a split
    other than test/dev, a data folder that does not exist, ...) an ``XtremeTaskError`` (a ValueError).
    """
    import os

    from evaluators.names import closest
    from harness_tasks.tasks import TASK_SETTINGS, TASKS_DIR, XtremeTaskError, settings_problem

    unknown = sorted(set(settings) - set(TASK_SETTINGS))
    if unknown:  # the suggestion every other name check gives (evaluators.names)
        hints = [f"{name!r}" + (f" (did you mean {close!r}?)" if (close := closest(name, TASK_SETTINGS)) else "")
                 for name in unknown]
        raise TypeError(f"task_manager(): unknown setting {', '.join(hints)}; known: {', '.join(TASK_SETTINGS)}")
    metadata = {"data": os.fspath(data) if isinstance(data, os.PathLike) else data, "split": split, **settings}
    problem = settings_problem(metadata)
    if problem:  # a typo fails here, not inside simple_evaluate after the model is built
        raise XtremeTaskError(f"task_manager(): {problem}")
    register_model()
    from harness_tasks.tasks.manager import XtremeTaskManager

    paths = [str(TASKS_DIR)]
    if include_path is not None:
        paths += [str(p) for p in (include_path if isinstance(include_path, list | tuple) else [include_path])]
    return XtremeTaskManager(include_path=paths, include_defaults=include_defaults,
                             metadata={k: v for k, v in metadata.items() if v is not None})
