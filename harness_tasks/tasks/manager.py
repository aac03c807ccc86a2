"""The lm-eval task manager for XTREME and XTREME-R: groups run on whatever languages the data holds.

lm-eval builds every member of a group and then needs documents for each, so on a data folder that lacks
some languages (the bundled sample holds three per task) ``xtreme_xnli`` would stop at the first absent
one. ``XtremeTaskManager`` builds the same tasks and groups as lm-eval's ``TaskManager`` and then:

- drops each absent member task (``XtremeTask.absent``: no file for that language or split) from its
  group, logs one line per group naming the absent languages, and records them in the group's results
  as ``absent_languages`` (a task group, ``xtreme_<task>`` or ``xtreme_r_<task>``: the language codes; a
  benchmark group, ``xtreme`` or ``xtreme_r``: task -> codes);
- drops a group none of whose members has data the same way, one level up;
- refuses a single-language task named on its own whose data is missing (asking for it and getting
  nothing would be a silent drop), and a request left with nothing to score;
- checks the names asked for before building anything (selection.py): an unknown ``xtreme*`` name gets the
  closest valid one, and two names that run a task in common (``["xtreme_xnli", "xtreme"]``) are refused in
  one line rather than by lm-eval's duplicate check after every task's data was read.

Our groups (``metadata.xtreme_group`` in the generated YAML) average their direct members, unweighted:
a task group its languages, a benchmark group its task scores, by the benchmark's rule for its overall
score (evaluators.benchmarks: XTREME the mean of its task scores, XTREME-R the mean of its category means),
over the tasks present. lm-eval's own groups average every leaf task, which for ``xtreme`` would be a mean
over all languages of all tasks. Groups have no standard error: the task scores are corpus-level
aggregations.

Everything else (lm-eval's own tasks, groups that are not ours) behaves exactly as with lm-eval's class.
"""

from __future__ import annotations

import logging
from typing import Any

from lm_eval.api.group import Group
from lm_eval.tasks import TaskManager
from lm_eval.tasks._factory import TaskFactory

from evaluators.aggregate import overall_of
from evaluators.benchmarks import get_benchmark
from harness_tasks.tasks import XtremeTaskError
from harness_tasks.tasks.selection import (
    BENCHMARK_GROUPS,
    is_ours,
    layout,
    overlap,
    unknown_names,
)
from harness_tasks.tasks.selection import PREFIX as TASK_PREFIX

log = logging.getLogger(__name__)


def _name(item) -> str:
    return item.name if isinstance(item, Group) else item.task_name


def _why_absent(item) -> str | None:
    """Why a group member has nothing to score, or None when it has data."""
    if isinstance(item, Group):  # emptied here, not empty by its own definition
        return "no language has data" if not len(item) and getattr(item, "absent", None) else None
    return getattr(item, "absent", None)


def _first_reason(group: Group) -> str | None:
    """The first recorded reason a member of ``group`` (or of its emptied subgroups) had no data."""
    for why in getattr(group, "absent", {}).values():
        found = _first_reason(why) if isinstance(why, Group) else why
        if found:
            return found
    return None


def _language_of(name: str) -> str:
    """How a group names a member: 'de' for 'xtreme_xnli_de', 'xnli' for 'xtreme_xnli' or 'xtreme_r_xnli',
    'all' for 'xtreme_lareqa' (a task over all its languages; names as generate.py writes them); another
    folder's name as it is."""
    found = layout()
    if name in found.task_of:
        return found.task_of[name]
    if name in found.whole.values():  # one lm-eval task over all the task's languages: it had none
        return "all"
    if name.startswith(TASK_PREFIX) and name.count("_") >= 2:
        return name.rsplit("_", 1)[-1]
    return name


class XtremeGroup(Group):
    """A group that averages its direct members (unweighted; a benchmark group by its benchmark's rule) and
    records the members that had no data."""

    @classmethod
    def from_group(cls, group: Group, absent: dict) -> XtremeGroup:
        """``absent``: member name -> why it has no data (a task) or the member itself (an emptied group)."""
        made = cls(name=group.name, alias=group.alias, aggregate_metric_list=group.aggregate_metric_list,
                   metadata=group.metadata, _children=dict(group._children), _config=group._config)
        made.absent = absent
        return made

    def absent_languages(self) -> list[str] | dict[str, list[str]]:
        """A group of languages: the absent codes, in the YAML's order. A group of groups: task -> codes."""
        members = {_name(child): child for child in self} | self.absent
        if not any(isinstance(member, Group) for member in members.values()):
            # A task over all its languages (XtremeTask.ALL_LANGUAGES) records those it found no data for.
            inside = [lang for child in self for lang in getattr(child, "absent_languages", None) or ()]
            return [_language_of(name) for name in self.absent] + inside
        order = list(self._config.task or []) if self._config else []
        found = {}
        for name in sorted(members, key=lambda n: order.index(n) if n in order else len(order)):
            member = members[name]
            languages = member.absent_languages() if isinstance(member, XtremeGroup) else []
            if languages:
                found[_language_of(name)] = languages
        return found

    def aggregate(self, task_metrics: dict[str, Any]) -> dict[str, Any]:
        metrics: dict[str, Any] = {"alias": self.alias or self.name, "name": self.name}
        members = [_name(child) for child in self if _name(child) in task_metrics]
        metrics["sample_len"] = sum(task_metrics[m].get("sample_len", 0) for m in members)
        for spec in self.aggregate_metric_list or []:
            for filter_name in spec.filter_list or ["none"]:
                key = f"{spec.metric},{filter_name}"
                values = {m: task_metrics[m][key] for m in members if key in task_metrics[m]}
                if values:  # NaN (an unlabelled member) stays NaN
                    metrics[key] = self._mean(values)
        metrics["absent_languages"] = self.absent_languages()
        return metrics

    def _mean(self, values: dict[str, float]) -> float:
        """A task group: the plain mean of its languages, in member order. A benchmark group: its overall
        score over the tasks present, by the benchmark's rule (``Benchmark.overall_rule``)."""
        found = layout()
        if self.name in BENCHMARK_GROUPS:
            return overall_of(get_benchmark(found.benchmark_of[self.name]),
                                      {found.task_of[member]: value for member, value in values.items()})
        return sum(values.values()) / len(values)


class _XtremeTaskFactory(TaskFactory):
    """lm-eval's factory, with absent members dropped from every group and our groups averaged our way."""

    def _build_group(self, group_name, raw_cfg, overrides, registry) -> Group:
        group = super()._build_group(group_name, raw_cfg, overrides, registry)
        absent, reasons = {}, []
        for child in list(group):
            why = _why_absent(child)
            if why is not None:
                absent[_name(child)] = child if isinstance(child, Group) else why
                reasons.append(_first_reason(child) or why if isinstance(child, Group) else why)
                group.pop(_name(child))
        if absent and len(group):
            log.warning("%s: no data for %d of %d (%s); scoring %s. E.g. %s", group.name, len(absent),
                        len(absent) + len(group), " ".join(_language_of(n) for n in absent),
                        " ".join(_language_of(_name(child)) for child in group), reasons[0])
        if group.name in BENCHMARK_GROUPS:  # tasks of the benchmark that have no lm-eval tasks yet: say so
            found = layout()
            benchmark = get_benchmark(found.benchmark_of[group.name])
            left_out = {task: why for task, why in found.left_out.items() if task in benchmark.task_names}
            if left_out:
                log.warning("%s: %d of %d %s tasks have no lm-eval tasks (%s), so its score is over the others "
                            "and not the %s score: %s", group.name, len(left_out), len(benchmark.task_names),
                            benchmark.title, " ".join(left_out), benchmark.title, "; ".join(
                                f"{task}: {why}" for task, why in left_out.items()))
        if (group.metadata or {}).get("xtreme_group"):
            return XtremeGroup.from_group(group, absent)
        group.absent = absent
        return group


class XtremeTaskManager(TaskManager):
    """lm-eval's TaskManager whose groups score the languages present (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._factory = _XtremeTaskFactory(meta=self.metadata)

    def load(self, task_list):
        self._check_names(task_list if isinstance(task_list, list | tuple) else [task_list])
        loaded = super().load(task_list)
        named = [name for name, task in loaded["tasks"].items() if getattr(task, "absent", None)]
        if named:  # absent members of groups were dropped while building: these were asked for by name
            raise XtremeTaskError("no data for " + "; ".join(f"{n}: {loaded['tasks'][n].absent}" for n in named))
        empty = [name for name, group in loaded["groups"].items()
                 if not group.get_all_tasks() and getattr(group, "absent", None)]
        if empty:
            example = _first_reason(loaded["groups"][empty[0]])
            raise XtremeTaskError(f"no data for any language of {', '.join(empty)}"
                                  + (f", e.g. {example}" if example else ""))
        return loaded

    def _check_names(self, specs) -> None:
        """Our names in ``specs`` checked before anything is built (selection.py): an unknown one gets the
        closest name, a group asked for with one of its members a one-line refusal (lm-eval's would come after
        every task's data was read)."""
        names = [spec for spec in specs if isinstance(spec, str) and is_ours(spec)]
        problem = unknown_names([name for name in names if self._entry(name) is None and not name.endswith(".yaml")])
        problem = problem or overlap(names, "tasks")
        if problem:
            raise XtremeTaskError(problem)
