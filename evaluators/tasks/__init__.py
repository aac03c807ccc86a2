"""Every declared task: one module each in this folder, holding ``TASK = TaskSpec(...)``.

Adding a task is adding a module here (see README.md, "Adding a task"); nothing lists them by hand. A
module whose declaration is incomplete stops the import with a message naming each missing field
(evaluators.task_spec.check_complete), so it fails before any run, not during one.

``TASKS`` maps task name -> TaskSpec in name order; benchmarks (evaluators.benchmarks) give the order a
benchmark reports its tasks in.
"""

from __future__ import annotations

import importlib
import pkgutil

from evaluators.task_spec import TaskSpec, check_complete

# Modules here that declare data rather than a task.
_NOT_TASKS = {"training_data"}


def _discover() -> dict[str, TaskSpec]:
    from evaluators.families import FAMILY_NAMES

    found: dict[str, TaskSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in _NOT_TASKS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "TASK", None)
        where = f"evaluators/tasks/{info.name}.py"
        if not isinstance(spec, TaskSpec):
            raise TypeError(f"{where}: expected a module-level TASK = TaskSpec(...) declaration")
        if spec.name != info.name:
            raise ValueError(f"{where}: declares task {spec.name!r}; the module must be named after its task")
        found[spec.name] = check_complete(spec, FAMILY_NAMES, where)
    return found


TASKS: dict[str, TaskSpec] = _discover()


def get_task(name: str) -> TaskSpec:
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"unknown task {name!r}; known: {', '.join(TASKS)}") from None
