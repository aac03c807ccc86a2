"""Our lm-eval task and group names, and the checks a task list gets before anything loads.

The names, for every declared task (evaluators.tasks) whose family has an lm-eval task class
(harness_tasks/tasks/families/), as generate.py writes them:

- ``xtreme_<task>_<lang>``: one task per language of every benchmark the task is in;
- ``xtreme_<task>`` instead, for a task whose family is one lm-eval task over all its languages
  (families.ALL_LANGUAGE_FAMILIES: Mewsli-X, LAReQA, whose candidates every language shares);
- ``xtreme_<task>``: a task's XTREME languages; ``xtreme_r_<task>``: its XTREME-R languages (tasks in XTREME-R);
- ``xtreme`` and ``xtreme_r``: the benchmark groups, scored by the benchmark's overall rule
  (``Benchmark.overall_rule``: XTREME the mean of its task scores, XTREME-R the mean of its category means).

Checked here, for `xtreme-lm-eval` before lm-eval loads and for ``XtremeTaskManager.load`` before any data
is read:

- a name starting with ``xtreme`` that the folder lacks (with the closest valid name);
- two requested names that run the same task (a group and something it holds, ``xtreme_xnli,xtreme``, or a
  pattern such as ``xtreme_xnli*`` that matches the group and its languages; two groups sharing languages,
  ``xtreme_xnli,xtreme_r_xnli``): lm-eval refuses a task reached twice, with a traceback, after indexing
  every task. We refuse it up front instead of dropping one of the two silently;
- a document limit (``--limit``/``limit=``, ``--samples``) on tasks that mine or retrieve among every
  sentence of a corpus (BUCC, Tatoeba, Mewsli-X, LAReQA): a cut corpus gives different, not fewer, answers.

Standard library and evaluators only (no lm-eval, no torch): the families' task classes are imported only
to tell which need every document, when a limit is given.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import cache

from evaluators.benchmarks import BENCHMARKS, Benchmark
from evaluators.names import closest

ALL = "xtreme"
PREFIX = "xtreme_"


def benchmark_group(benchmark: Benchmark) -> str:
    """The lm-eval group of a whole benchmark: ``xtreme``, ``xtreme_r``."""
    return benchmark.name.replace("-", "_")


def task_group(benchmark: Benchmark, task: str) -> str:
    """The lm-eval group of one task's languages in a benchmark: ``xtreme_xnli``, ``xtreme_r_xnli``."""
    return f"{benchmark_group(benchmark)}_{task}"


def language_task(task: str, language: str) -> str:
    """The lm-eval task of one task and language (the same in every benchmark): ``xtreme_xnli_de``."""
    return f"{PREFIX}{task}_{language}"


def whole_task(task: str) -> str:
    """The one lm-eval task of a task over all its languages (families.ALL_LANGUAGE_FAMILIES): ``xtreme_lareqa``."""
    return f"{PREFIX}{task}"


BENCHMARK_GROUPS = tuple(benchmark_group(b) for b in BENCHMARKS.values())


@dataclass(frozen=True)
class Layout:
    """What our task folder defines, in the benchmarks' order."""

    tasks: dict[str, tuple[str, ...]]  # task -> every language it has an lm-eval task for
    groups: dict[str, tuple[str, ...]]  # group -> its direct members (benchmark groups hold task groups)
    benchmark_of: dict[str, str]  # group -> the benchmark (its name) whose languages or tasks it holds
    task_of: dict[str, str]  # task group -> its task
    left_out: dict[str, str]  # a task of a benchmark that has no lm-eval tasks -> why (undeclared, no class)
    whole: dict[str, str] = field(default_factory=dict)  # a task that is one lm-eval task -> its name


def lm_eval_tasks(task: str, languages) -> tuple[str, ...]:
    """The lm-eval tasks that run ``task`` on ``languages``: one per language, or the task's one lm-eval task
    over all its languages (which then reads the languages from its ``languages`` setting)."""
    found = layout()
    if task in found.whole:
        return (found.whole[task],)
    return tuple(language_task(task, lang) for lang in languages)


def task_leaves(task: str) -> tuple[str, ...]:
    """Every lm-eval task of ``task``, over every language it has."""
    return lm_eval_tasks(task, layout().tasks[task])


@cache
def layout() -> Layout:
    """Every task and group our folder defines, from the declarations and the families that have a class."""
    from evaluators.tasks import TASKS
    from harness_tasks.tasks.families import ALL_LANGUAGE_FAMILIES, families_with_tasks

    runnable = set(families_with_tasks())
    found = Layout({}, {}, {}, {}, {})
    found.whole.update((name, whole_task(name)) for name, spec in TASKS.items()
                       if spec.family in ALL_LANGUAGE_FAMILIES and spec.family in runnable)
    languages: dict[str, dict[str, None]] = {}
    for benchmark in BENCHMARKS.values():
        members = []
        for task in benchmark.task_names:
            spec = TASKS.get(task)
            if spec is None:
                found.left_out.setdefault(task, f"not declared (no evaluators/tasks/{task}.py)")
                continue
            if spec.family not in runnable:
                found.left_out.setdefault(task, f"its family {spec.family} has no lm-eval task class "
                                                f"(no harness_tasks/tasks/families/{spec.family}.py)")
                continue
            languages.setdefault(task, {}).update(dict.fromkeys(benchmark.languages(task)))
            group = task_group(benchmark, task)
            if task in found.whole and found.whole[task] == group:  # XTREME's task groups are xtreme_<task> too
                raise ValueError(f"{task}: its one lm-eval task and its {benchmark.title} group would both be "
                                 f"{group}; a task of {benchmark.title} cannot be one task over all its languages")
            found.groups[group] = ((found.whole[task],) if task in found.whole else
                                   tuple(language_task(task, lang) for lang in benchmark.languages(task)))
            found.benchmark_of[group], found.task_of[group] = benchmark.name, task
            members.append(group)
        if members:
            found.groups[benchmark_group(benchmark)] = tuple(members)
            found.benchmark_of[benchmark_group(benchmark)] = benchmark.name
    found.tasks.update((task, tuple(langs)) for task, langs in languages.items())
    return found


@cache
def _leaves() -> dict[str, tuple[str, ...]]:
    """Every task and group name of our folder -> the per-language tasks it runs: the benchmark groups
    first, then per task its groups and its languages."""
    found = layout()
    leaves: dict[str, tuple[str, ...]] = {}
    for group in BENCHMARK_GROUPS:
        if group in found.groups:
            leaves[group] = tuple(leaf for member in found.groups[group] for leaf in found.groups[member])
    for task, languages in found.tasks.items():
        leaves.update((group, found.groups[group]) for group, of in found.task_of.items() if of == task)
        whole = found.whole.get(task)
        leaves.update((name, (name,)) for name in ((whole,) if whole else
                                                   (language_task(task, lang) for lang in languages)))
    return leaves


def task_names() -> list[str]:
    """Every task and group name our folder defines (`xtreme tasks` lists them per benchmark)."""
    return list(_leaves())


def group_names() -> list[str]:
    return [name for name, leaves in _leaves().items() if leaves != (name,)]


def is_ours(name: str) -> bool:
    """Names starting with ``xtreme`` are ours to judge; lm-eval's own tasks are left to it."""
    return name.lower().startswith(ALL)


def matches(name: str) -> list[str]:
    """Our names that ``name`` selects: itself, or those a glob pattern matches (lm-eval matches with fnmatch)."""
    return fnmatch.filter(task_names(), name)


def unknown_names(names: list[str]) -> str | None:
    """A message naming each of ``names`` (ours only) that selects nothing, with the closest name; or None."""
    valid = task_names()
    problems = []
    for name in names:
        if not is_ours(name) or matches(name):
            continue
        suggestion = closest(name, valid)
        problems.append(f"unknown task {name!r}" + (f"; did you mean {suggestion!r}?" if suggestion else ""))
    if not problems:
        return None
    by_benchmark = []
    for benchmark in BENCHMARKS.values():
        names = [benchmark_group(benchmark), *(task_group(benchmark, task) for task in benchmark.task_names)]
        groups = [name for name in names if name in layout().groups]  # in the benchmark's order
        by_benchmark.append(f"{', '.join(groups)} ({benchmark.title})")
    whole = sorted(set(layout().whole.values()))
    if whole:
        by_benchmark.append(f"{', '.join(whole)} (each one task over all its languages)")
    valid = (f"valid names: {'; '.join(by_benchmark)}; and xtreme_<task>_<lang> for each language of a task "
             f"(`xtreme tasks` lists them)")
    return "\n".join([*problems, valid])


def _holds(outer: str, inner: str) -> bool:
    """Whether group ``outer`` has ``inner`` among its members, directly or below."""
    members = layout().groups.get(outer, ())
    return inner in members or any(_holds(member, inner) for member in members)


def overlap(names: list[str], what: str = "--tasks") -> str | None:
    """A one-line refusal when two requested names (or pattern matches) run a task in common, or None.

    ``names`` as typed (``what``: where they were given); each pattern counts as every name it matches. Two identical names are no overlap
    (lm-eval runs a name once however often it is given).
    """
    leaves = _leaves()
    selected: dict[str, str] = {}  # our name -> the requested text that selected it first
    for text in names:
        if is_ours(text):
            for name in matches(text):
                selected.setdefault(name, text)

    def typed(name: str) -> str:
        return name if selected[name] == name else f"{name} (matched by {selected[name]!r})"

    held = [(inner, outer) for outer in selected for inner in selected if _holds(outer, inner)]
    shared = [(a, b) for i, a in enumerate(selected) for b in list(selected)[i + 1:]
              if (a, b) not in held and (b, a) not in held and set(leaves[a]) & set(leaves[b])]
    if not held and not shared:
        return None
    if held:
        inner, outer = held[0]
        message = (f"{what} asks for {typed(inner)} and for {typed(outer)}, which holds it; lm-eval would run it "
                   f"twice: ask for the group or for its members, not both")
    else:
        first, second = shared[0]
        common = next(leaf for leaf in leaves[first] if leaf in set(leaves[second]))
        message = (f"{what} asks for {typed(first)} and for {typed(second)}, which both run {common}; lm-eval "
                   f"would run it twice: ask for one of them")
        inner, outer = shared[0]
    patterns = [selected[name] for name in (inner, outer) if selected[name] != name]
    if patterns and held:
        message += (f" (the pattern {patterns[0]!r} matches a group and what it holds; "
                    f"'{PREFIX}<task>_*' matches languages only)")
    more = len(held) + len(shared) - 1
    return message + (f"; {more} more such overlap(s)" if more else "")


@cache
def whole_corpus_tasks() -> tuple[str, ...]:
    """The tasks whose score needs every document of a corpus (mining, retrieval), in the benchmarks' order."""
    from evaluators.tasks import TASKS
    from harness_tasks.tasks.families import task_class

    return tuple(task for task in layout().tasks if task_class(TASKS[task].family).NEEDS_EVERY_DOC)


def whole_corpus_groups(tasks=None, benchmark: Benchmark | None = None) -> list[str]:
    """One task group per ``whole_corpus_tasks`` task (of ``tasks`` if given): what to leave out of a run with
    a document limit. The task's group in ``benchmark`` (tasks not in it left out), else the first it is in."""
    found = layout()
    chosen = [task for task in whole_corpus_tasks() if tasks is None or task in tasks]
    if benchmark is not None:
        return [task_group(benchmark, task) for task in chosen if task in benchmark.task_names]
    return [next(group for group, of in found.task_of.items() if of == task) for task in chosen]


def retrieval_names(names: list[str]) -> list[str]:
    """The requested names (as typed) that run a language of a whole-corpus task."""
    leaves = _leaves()
    retrieval = {leaf for task in whole_corpus_tasks() for leaf in task_leaves(task)}
    return [text for text in names if is_ours(text)
            and any(retrieval & set(leaves[name]) for name in matches(text))]


def limit_problem(names: list[str], how: str) -> str | None:
    """A refusal for a document limit (``how``: '--limit 2', '--samples') on a list that runs a task needing
    every document (BUCC, Tatoeba, Mewsli-X, LAReQA)."""
    from evaluators.tasks import TASKS

    offending = retrieval_names(names)
    if not offending:
        return None
    found = layout()
    leaves = {leaf for text in offending for name in matches(text) for leaf in _leaves()[name]}
    run = [task for task in whole_corpus_tasks() if leaves & set(task_leaves(task))]
    titles = "/".join(TASKS[task].title for task in run)
    message = (f"{how}: {', '.join(offending)} {'runs' if len(offending) == 1 else 'run'} {titles}, and "
               f"retrieval tasks need every sentence (a cut corpus mines among other candidates): drop "
               f"{how.split()[0]} or leave out {' and '.join(whole_corpus_groups(run))}")
    for group in BENCHMARK_GROUPS:
        if group in offending:
            others = [m for m in found.groups[group] if found.task_of[m] not in whole_corpus_tasks()]
            message += f" (the other tasks of {group}: --tasks {','.join(others)})"
    return message
