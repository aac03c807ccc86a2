"""Tatoeba sentence pairs -> ParallelSentences (source = the non-English side, target = English).

Two forms, both under ``tatoeba/`` (``xxx`` is the ISO 639-3 code from ``TATOEBA_ISO3``, ``l`` the
XTREME code):

- ``aligned`` (as LASER distributes it): ``tatoeba.{xxx}-eng.{xxx}`` and ``tatoeba.{xxx}-eng.eng``, one
  sentence a line, line i of one the translation of line i of the other: ``gold[i] = i``.
- ``sorted`` (what the benchmark's download script writes): ``{l}-en.{l}`` (the source lines, in their
  original order) and ``{l}-en.en`` (the English lines sorted by string, Python ``sorted``). Gold is read
  from ``labels/tatoeba/test-{l}.tsv`` beside the ``tatoeba/`` folder when it exists (one integer a line;
  line j holds the 0-based line number in ``{l}-en.{l}`` of the translation of English line j, the
  benchmark's convention: it queries with English), else None.

``form="auto"`` reads the aligned form when its files exist, else the sorted form. Lines are kept exactly
(without the line end); the two sides must have the same number of lines.
"""

from __future__ import annotations

from pathlib import Path

from evaluators.benchmark import TATOEBA_ISO3
from harness_tasks.records import ParallelSentences

from ._text import read_lines, require_file
from .errors import DataFormatError

FORMS = ("auto", "aligned", "sorted")


def aligned_paths(root: Path, language: str) -> tuple[Path, Path]:
    iso3 = TATOEBA_ISO3[language]
    folder = root / "tatoeba"
    return folder / f"tatoeba.{iso3}-eng.{iso3}", folder / f"tatoeba.{iso3}-eng.eng"


def sorted_paths(root: Path, language: str) -> tuple[Path, Path, Path]:
    folder = root / "tatoeba"
    return (
        folder / f"{language}-en.{language}",
        folder / f"{language}-en.en",
        root / "labels" / "tatoeba" / f"test-{language}.tsv",
    )


def _read_sides(source_path: Path, target_path: Path, layout: str) -> tuple[list[str], list[str]]:
    source = read_lines(require_file(source_path, layout), "one sentence a line")
    target = read_lines(require_file(target_path, layout), "one English sentence a line")
    if len(source) != len(target):
        raise DataFormatError(
            f"{source_path}: {len(source)} lines but {target_path} has {len(target)};"
            " expected one English line per source line"
        )
    return source, target


def _read_labels(path: Path, size: int) -> tuple[int, ...]:
    gold: list[int] = []
    for number, line in enumerate(read_lines(path, "one integer a line"), start=1):
        value = line.strip()
        if not value.isdigit() or int(value) >= size:
            raise DataFormatError(
                f"{path}:{number}: {value!r} is not a line number of the non-English file;"
                f" expected an integer from 0 to {size - 1}"
            )
        gold.append(int(value))
    if len(gold) != size:
        raise DataFormatError(f"{path}: {len(gold)} labels for {size} English sentences; expected one label a line")
    return tuple(gold)


def read_tatoeba(root: Path, *, language: str, form: str = "auto") -> ParallelSentences:
    """Read one Tatoeba language from a raw-layout folder ``root``; see the module docstring for ``form``."""
    if form not in FORMS:
        raise ValueError(f"unknown Tatoeba form {form!r}; expected one of {', '.join(FORMS)}")
    source_a, target_a = aligned_paths(root, language)
    if form == "aligned" or (form == "auto" and source_a.is_file()):
        layout = f"tatoeba/{source_a.name} and tatoeba/{target_a.name}, line-aligned"
        source, target = _read_sides(source_a, target_a, layout)
        return ParallelSentences(
            language=language, source=tuple(source), target=tuple(target),
            gold=tuple(range(len(source))), extra={"form": "aligned"},
        )
    source_s, target_s, labels = sorted_paths(root, language)
    layout = (
        f"tatoeba/{source_a.name} + tatoeba/{target_a.name} (aligned), or tatoeba/{source_s.name} +"
        f" tatoeba/{target_s.name} (English sorted) with optional labels/tatoeba/{labels.name}"
    )
    source, target = _read_sides(source_s, target_s, layout)
    gold = _read_labels(labels, len(target)) if labels.is_file() else None
    return ParallelSentences(
        language=language, source=tuple(source), target=tuple(target), gold=gold, extra={"form": "sorted"},
    )
