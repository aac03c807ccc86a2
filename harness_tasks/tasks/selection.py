"""Which XTREME tasks a task list selects, and the checks a list gets before anything loads.

Our task folder defines, for each task, one lm-eval task per language (``xtreme_xnli_de``), a group of its
languages (``xtreme_xnli``) and the group of the nine task groups (``xtreme``); see generate.py. Checked here,
for `xtreme-lm-eval` before lm-eval loads and for ``XtremeTaskManager.load`` before any data is read:

- a name starting with ``xtreme`` that the folder lacks (with the closest valid name);
- a group asked for together with something it holds (``xtreme_xnli,xtreme``, or a pattern such as
  ``xtreme_xnli*`` that matches the group and its languages): lm-eval refuses a task reached twice, with a
  traceback, after indexing every task. We refuse it up front instead of dropping one of the two silently;
- a document limit (``--limit``/``limit=``, ``--samples``) on BUCC or Tatoeba, which mine and retrieve among
  every sentence of a corpus: a cut corpus gives different, not fewer, answers.

Standard library and evaluators only (no lm-eval, no torch).
"""

from __future__ import annotations

import fnmatch
from functools import cache

from evaluators.benchmark import TASKS
from evaluators.names import closest

ALL = "xtreme"
PREFIX = "xtreme_"
# Tasks whose score needs every sentence of the corpus (mining, retrieval), in the benchmark's order.
RETRIEVAL_TASKS = tuple(task for task in TASKS if task in ("bucc2018", "tatoeba"))


@cache
def _leaves() -> dict[str, tuple[str, ...]]:
    """Every task and group name of our folder -> the per-language tasks it runs, in generate.py's order."""
    leaves: dict[str, tuple[str, ...]] = {ALL: ()}
    for task, spec in TASKS.items():
        languages = tuple(f"{PREFIX}{task}_{lang}" for lang in spec.languages)
        leaves[f"{PREFIX}{task}"] = languages
        leaves.update((name, (name,)) for name in languages)
        leaves[ALL] += languages
    return leaves


def task_names() -> list[str]:
    """Every task and group name our folder defines: ``xtreme``, then each task's group and its languages."""
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
    return "\n".join([*problems, f"valid XTREME names: {', '.join(group_names())}, and xtreme_<task>_<lang> for "
                                  f"each language of a task (`xtreme tasks` lists them)"])


def overlap(names: list[str], what: str = "--tasks") -> str | None:
    """A one-line refusal when one requested name (or pattern match) holds another, or None.

    ``names`` as typed (``what``: where they were given); each pattern counts as every name it matches. Two identical names are no overlap
    (lm-eval runs a name once however often it is given).
    """
    leaves = _leaves()
    selected: dict[str, str] = {}  # our name -> the requested text that selected it first
    for text in names:
        if is_ours(text):
            for name in matches(text):
                selected.setdefault(name, text)

    def holds(outer: str, inner: str) -> bool:
        return inner != outer and (outer == ALL or inner in leaves[outer])

    found = [(inner, outer) for outer in selected for inner in selected if holds(outer, inner)]
    if not found:
        return None

    def typed(name: str) -> str:
        return name if selected[name] == name else f"{name} (matched by {selected[name]!r})"

    inner, outer = found[0]
    message = (f"{what} asks for {typed(inner)} and for {typed(outer)}, which holds it; lm-eval would run it "
               f"twice: ask for the group or for its members, not both")
    patterns = [selected[name] for name in (inner, outer) if selected[name] != name]
    if patterns:
        message += (f" (the pattern {patterns[0]!r} matches a group and what it holds; "
                    f"'{PREFIX}<task>_*' matches languages only)")
    return message + (f"; {len(found) - 1} more such overlap(s)" if len(found) > 1 else "")


def retrieval_names(names: list[str]) -> list[str]:
    """The requested names (as typed) that run a BUCC or Tatoeba language."""
    retrieval = {leaf for task in RETRIEVAL_TASKS for leaf in _leaves()[f"{PREFIX}{task}"]}
    leaves = _leaves()
    return [text for text in names if is_ours(text)
            and any(retrieval & set(leaves[name]) for name in matches(text))]


def limit_problem(names: list[str], how: str) -> str | None:
    """A refusal for a document limit (``how``: '--limit 2', '--samples') on a list that runs BUCC or Tatoeba."""
    offending = retrieval_names(names)
    if not offending:
        return None
    message = (f"{how}: {', '.join(offending)} {'runs' if len(offending) == 1 else 'run'} BUCC/Tatoeba, and "
               f"retrieval tasks need every sentence (a cut corpus mines among other candidates): drop "
               f"{how.split()[0]} or leave out {' and '.join(PREFIX + task for task in RETRIEVAL_TASKS)}")
    if ALL in offending:
        others = ",".join(PREFIX + task for task in TASKS if task not in RETRIEVAL_TASKS)
        message += f" (the other tasks of {ALL}: --tasks {others})"
    return message
