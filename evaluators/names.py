"""Names a user types (tasks, groups, languages) resolved to the benchmark's own, or refused with a hint.

Every command that takes ``--tasks`` or ``--languages`` resolves them here, so a typo is refused the same
way everywhere: the message names what was typed, suggests the closest valid name (difflib) and lists the
valid ones. Silently dropping an unknown name would score less than was asked for and still exit 0.

Rules:

* Every name is read against one benchmark (evaluators.benchmarks; XTREME unless one is given): its tasks,
  its groups and its languages.
* tasks: a task name (``xnli``), the same with lm-eval's ``xtreme_`` prefix (``xtreme_xnli``), a group of
  the reference scorer (XTREME: ``classification``, ``tagging``, ``qa``, ``retrieval``; a group written with
  a space may be typed with ``_`` or ``-`` for it) or the benchmark's name (``xtreme``, ``xtreme-r`` or
  ``xtreme_r``: all its tasks); case-insensitive; returned in the benchmark's order, each once.
* languages: the codes of the task declarations (evaluators/tasks; ISO 639-1, e.g. ``de``), case-insensitive;
  the ISO 639-3 codes Tatoeba's files use (``deu``, ``cmn``: ``TASKS["tatoeba"].language_names``) are
  accepted for the same languages. A language applies to the requested tasks that have it; one that none of
  them has is an error.
* lists: names are stripped of white space and one trailing comma is ignored (``--tasks "xnli, udpos,"``),
  the same for every flag, ``xtreme tasks --family`` included. An empty list (``--tasks ,``) is an error: it
  would select nothing; so are an empty name between commas (``xnli,,udpos``) and a name given twice
  (``xnli,XNLI``, ``xnli,xtreme_xnli``, ``de,deu``), more likely slips than what was meant.

Pure and standard-library only (no torch, no lm-eval), so a command can check names before loading anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from evaluators.benchmarks import XTREME, Benchmark, get_benchmark
from evaluators.tasks import TASKS

# Tatoeba's ISO 639-3 file codes -> the benchmark's codes (one language each, so the inverse is exact).
ISO3_TO_CODE = {iso3: code for code, iso3 in TASKS["tatoeba"].language_names.items()}


class UnknownNameError(ValueError):
    """A name on the command line that selects nothing; ``str(err)`` says what is valid and what is closest."""


def split_names(text: str | None, flag: str) -> list[str] | None:
    """``None`` when the flag was not given, else its comma-separated names, each stripped of white space.

    One trailing comma is ignored (``xnli,``); an empty name elsewhere (``xnli,,udpos``, ``,xnli``) and a
    name given twice (case-insensitively) are errors: either is more likely a slip than what was meant.
    """
    if text is None:
        return None
    names = [part.strip() for part in text.split(",")]
    if len(names) > 1 and not names[-1]:
        names.pop()
    if not any(names):
        raise UnknownNameError(f"{flag} {text!r} names nothing: give one or more comma-separated names")
    if not all(names):
        raise UnknownNameError(f"{flag} {text!r} has an empty name: give names separated by single commas")
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise UnknownNameError(f"{flag} {text!r} names {name!r} twice: give each name once")
        seen.add(name.lower())
    return names


def closest(name: str, valid: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The valid name nearest to ``name`` (case-insensitive, difflib's ratio), or None when nothing is near.

    Ties go to a name with the same first letter (typos rarely hit it: ``dx`` -> ``de``, not ``id``), then
    to the first in ``valid``'s order, so the suggestion never depends on anything but the input.
    """
    name = name.lower()
    matcher = difflib.SequenceMatcher(b=name)
    best, best_key = None, (cutoff, False)
    for candidate in valid:
        matcher.set_seq1(candidate)
        key = (matcher.ratio(), candidate[:1] == name[:1])
        if key > best_key or (best is None and key[0] >= cutoff):
            best, best_key = candidate, key
    return best


def _did_you_mean(suggestion: str | None) -> str:
    return f"; did you mean {suggestion!r}?" if suggestion else ""


def _spellings(name: str) -> set[str]:
    """How a benchmark or group name may be typed: as written, or with ``_``/``-`` for a space or ``-``."""
    name = name.lower()
    return {name, name.replace(" ", "_"), name.replace(" ", "-"), name.replace("-", "_")}


def task_choices(benchmark: Benchmark | str = XTREME) -> list[str]:
    """Every name ``--tasks`` takes (besides the ``xtreme_`` prefixed forms)."""
    benchmark = get_benchmark(benchmark)
    return [benchmark.name, *benchmark.groups, *benchmark.task_names]


def resolve_tasks(text: str | None, flag: str = "--tasks", benchmark: Benchmark | str = XTREME) -> list[str]:
    """The tasks ``text`` names, in the benchmark's order; all of the benchmark's when it is None (the flag
    not given)."""
    benchmark = get_benchmark(benchmark)
    tasks = benchmark.task_names
    names = split_names(text, flag)
    if names is None:
        return list(tasks)
    groups = {spelling: members for group, members in benchmark.groups.items() for spelling in _spellings(group)}
    chosen: set[str] = set()
    named: dict[str, str] = {}  # task -> the name typed for it, to catch xnli,xtreme_xnli
    problems: list[str] = []
    for typed in names:
        name = typed.lower()
        bare = _without_lm_eval_prefix(name)
        if name in _spellings(benchmark.name):
            chosen.update(tasks)
        elif bare in named:
            raise UnknownNameError(
                f"{flag} {text!r} names {bare} twice ({named[bare]!r}, {typed!r}): give each name once")
        elif bare in tasks:
            chosen.add(bare)
            named[bare] = typed
        elif name in groups or bare in groups:
            chosen.update(groups.get(name) or groups[bare])
        else:
            problems.append(_unknown_task(typed, bare, flag, benchmark))
    if problems:
        valid = (f"valid in {flag}: {', '.join(task_choices(benchmark))} (the {lm_eval_prefix(benchmark)} prefix is "
                 "optional)")
        raise UnknownNameError("\n".join([*problems, valid]))
    return [task for task in tasks if task in chosen]


def lm_eval_prefix(benchmark: Benchmark | str = XTREME) -> str:
    """The prefix of the benchmark's lm-eval task names: ``xtreme_`` (``xtreme_xnli``), ``xtreme_r_``."""
    return get_benchmark(benchmark).name.replace("-", "_") + "_"


def _without_lm_eval_prefix(name: str) -> str:
    """``name`` without any benchmark's lm-eval prefix (the longest that fits: ``xtreme_r_`` before ``xtreme_``)."""
    for prefix in sorted({lm_eval_prefix(b) for b in _benchmarks()}, key=len, reverse=True):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _unknown_task(typed: str, bare: str, flag: str, benchmark: Benchmark) -> str:
    # lm-eval's per-language task names (xtreme_xnli_de) are a task plus a language here.
    task, _, language = bare.rpartition("_")
    if task in benchmark.task_names and canonical_language(language) in benchmark.languages(task):
        return (f"unknown task {typed!r} in {flag}: one language of {task}; "
                f"select it with --tasks {task} --languages {canonical_language(language)}")
    if bare in TASKS:  # a task of another benchmark
        others = [b.title for b in _benchmarks() if bare in b.task_names]
        return f"task {typed!r} in {flag} is not a task of {benchmark.title} (it is one of {', '.join(others)})"
    return f"unknown task {typed!r} in {flag}{_did_you_mean(closest(bare, task_choices(benchmark)))}"


def _benchmarks() -> list[Benchmark]:
    from evaluators.benchmarks import BENCHMARKS

    return list(BENCHMARKS.values())


def canonical_language(code: str) -> str:
    """The benchmark's code for a typed language code: lower case, ISO 639-3 Tatoeba codes mapped back."""
    code = code.strip().lower()
    return ISO3_TO_CODE.get(code, code)


def languages_of(tasks: Iterable[str], benchmark: Benchmark | str = XTREME) -> list[str]:
    """Every language of ``tasks`` in ``benchmark``, sorted."""
    benchmark = get_benchmark(benchmark)
    return sorted({lang for task in tasks for lang in benchmark.languages(task)})


def resolve_languages(text: str | None, tasks: Iterable[str], flag: str = "--languages",
                      benchmark: Benchmark | str = XTREME) -> list[str] | None:
    """The canonical codes ``text`` names (in the order typed), or None (all) when it is None.

    A code must be a language of at least one of ``tasks`` in ``benchmark``; it then applies to those tasks
    that have it.
    """
    benchmark = get_benchmark(benchmark)
    names = split_names(text, flag)
    if names is None:
        return None
    tasks = list(tasks)
    valid = languages_of(tasks, benchmark)
    resolved: list[str] = []
    problems: list[str] = []
    for typed in names:
        code = canonical_language(typed)
        if code in resolved:
            twice = next(name for name in names if canonical_language(name) == code)
            raise UnknownNameError(f"{flag} {text!r} names {code} twice ({twice!r}, {typed!r}): give each name once")
        if code in valid:
            resolved.append(code)
            continue
        problems.append(_unknown_language(typed, code, tasks, valid, flag, benchmark))
    if problems:
        every = benchmark.task_names
        which = (f"{benchmark.name} (all {len(every)} tasks)" if set(tasks) == set(every) else ", ".join(tasks))
        raise UnknownNameError("\n".join([*problems, f"valid in {flag} for {which}: {' '.join(valid)}"]))
    return resolved


def _unknown_language(typed: str, code: str, tasks: list[str], valid: list[str], flag: str,
                      benchmark: Benchmark) -> str:
    elsewhere = [task for task in benchmark.task_names if code in benchmark.languages(task)]
    if elsewhere:
        return (f"language {typed!r} in {flag} is not a language of {', '.join(tasks)} "
                f"(it is one of {', '.join(elsewhere)})")
    # "de-en" (a BUCC/Tatoeba file pair) or "de_DE" (a locale): the first part is the language.
    head = code.replace("_", "-").split("-")[0]
    # Two-letter codes one letter apart are 0.5 similar: accept that as near.
    suggestion = head if head in valid else closest(code, valid, cutoff=0.5)
    return f"unknown language {typed!r} in {flag}{_did_you_mean(suggestion)}"


def resolve_choice(typed: str, valid: Iterable[str], what: str, flag: str) -> str:
    """One name from a closed list (case-insensitive, read as split_names reads a list of one), or an
    UnknownNameError with the closest and the list."""
    valid = list(valid)
    names = split_names(typed, flag)
    if len(names) > 1:
        raise UnknownNameError(f"{flag} takes one {what}, got {len(names)} ({typed!r})\nvalid in {flag}: "
                               f"{', '.join(valid)}")
    typed = names[0]
    if typed.lower() in valid:
        return typed.lower()
    raise UnknownNameError(
        f"unknown {what} {typed!r} in {flag}{_did_you_mean(closest(typed, valid))}\nvalid in {flag}: {', '.join(valid)}"
    )
