"""Names a user types (tasks, groups, languages) resolved to the benchmark's own, or refused with a hint.

Every command that takes ``--tasks`` or ``--languages`` resolves them here, so a typo is refused the same
way everywhere: the message names what was typed, suggests the closest valid name (difflib) and lists the
valid ones. Silently dropping an unknown name would score less than was asked for and still exit 0.

Rules:

* tasks: a task name (``xnli``), the same with lm-eval's ``xtreme_`` prefix (``xtreme_xnli``), a group of
  the reference scorer (``classification``, ``tagging``, ``qa``, ``retrieval``) or ``xtreme`` (all nine);
  case-insensitive; returned in the benchmark's order, each once.
* languages: the codes of ``evaluators.benchmark`` (ISO 639-1, e.g. ``de``), case-insensitive; the ISO 639-3
  codes Tatoeba's files use (``deu``, ``cmn``) are accepted for the same languages. A language applies to the
  requested tasks that have it; one that none of them has is an error.
* lists: names are stripped of white space and one trailing comma is ignored (``--tasks "xnli, udpos,"``),
  the same for every flag, ``xtreme tasks --family`` included. An empty list (``--tasks ,``) is an error: it
  would select nothing; so are an empty name between commas (``xnli,,udpos``) and a name given twice
  (``xnli,XNLI``, ``xnli,xtreme_xnli``, ``de,deu``), more likely slips than what was meant.

Pure and standard-library only (no torch, no lm-eval), so a command can check names before loading anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from evaluators.benchmark import GROUPS, TASKS, TATOEBA_ISO3

ALL_TASKS = "xtreme"  # the benchmark's name selects all nine tasks, as lm-eval's group of that name does
LM_EVAL_PREFIX = "xtreme_"
# Tatoeba's ISO 639-3 file codes -> the benchmark's codes (one language each, so the inverse is exact).
ISO3_TO_CODE = {iso3: code for code, iso3 in TATOEBA_ISO3.items()}


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


def task_choices() -> list[str]:
    """Every name ``--tasks`` takes (besides the ``xtreme_`` prefixed forms)."""
    return [ALL_TASKS, *GROUPS, *TASKS]


def resolve_tasks(text: str | None, flag: str = "--tasks") -> list[str]:
    """The tasks ``text`` names, in the benchmark's order; all nine when it is None (the flag not given)."""
    names = split_names(text, flag)
    if names is None:
        return list(TASKS)
    chosen: set[str] = set()
    named: dict[str, str] = {}  # task -> the name typed for it, to catch xnli,xtreme_xnli
    problems: list[str] = []
    for typed in names:
        name = typed.lower()
        bare = name[len(LM_EVAL_PREFIX):] if name.startswith(LM_EVAL_PREFIX) else name
        if name == ALL_TASKS:
            chosen.update(TASKS)
        elif bare in named:
            raise UnknownNameError(
                f"{flag} {text!r} names {bare} twice ({named[bare]!r}, {typed!r}): give each name once")
        elif bare in TASKS:
            chosen.add(bare)
            named[bare] = typed
        elif bare in GROUPS:
            chosen.update(GROUPS[bare])
        else:
            problems.append(_unknown_task(typed, bare, flag))
    if problems:
        valid = f"valid in {flag}: {', '.join(task_choices())} (the {LM_EVAL_PREFIX} prefix is optional)"
        raise UnknownNameError("\n".join([*problems, valid]))
    return [task for task in TASKS if task in chosen]


def _unknown_task(typed: str, bare: str, flag: str) -> str:
    # lm-eval's per-language task names (xtreme_xnli_de) are a task plus a language here.
    task, _, language = bare.rpartition("_")
    if task in TASKS and canonical_language(language) in TASKS[task].languages:
        return (f"unknown task {typed!r} in {flag}: one language of {task}; "
                f"select it with --tasks {task} --languages {canonical_language(language)}")
    return f"unknown task {typed!r} in {flag}{_did_you_mean(closest(bare, task_choices()))}"


def canonical_language(code: str) -> str:
    """The benchmark's code for a typed language code: lower case, ISO 639-3 Tatoeba codes mapped back."""
    code = code.strip().lower()
    return ISO3_TO_CODE.get(code, code)


def languages_of(tasks: Iterable[str]) -> list[str]:
    """Every language of ``tasks``, sorted."""
    return sorted({lang for task in tasks for lang in TASKS[task].languages})


def resolve_languages(text: str | None, tasks: Iterable[str], flag: str = "--languages") -> list[str] | None:
    """The canonical codes ``text`` names (in the order typed), or None (all) when it is None.

    A code must be a language of at least one of ``tasks``; it then applies to those tasks that have it.
    """
    names = split_names(text, flag)
    if names is None:
        return None
    tasks = list(tasks)
    valid = languages_of(tasks)
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
        problems.append(_unknown_language(typed, code, tasks, valid, flag))
    if problems:
        which = f"{ALL_TASKS} (all nine tasks)" if set(tasks) == set(TASKS) else ", ".join(tasks)
        raise UnknownNameError("\n".join([*problems, f"valid in {flag} for {which}: {' '.join(valid)}"]))
    return resolved


def _unknown_language(typed: str, code: str, tasks: list[str], valid: list[str], flag: str) -> str:
    elsewhere = [task for task in TASKS if code in TASKS[task].languages]
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
