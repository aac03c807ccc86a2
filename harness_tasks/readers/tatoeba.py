"""Tatoeba sentence pairs -> ParallelSentences (source = the non-English side, target = English).

Two forms, both under ``tatoeba/`` (``xxx`` is the ISO 639-3 code from ``TATOEBA_ISO3``, ``l`` the
XTREME code):

- ``aligned`` (as LASER distributes it): ``tatoeba.{xxx}-eng.{xxx}`` and ``tatoeba.{xxx}-eng.eng``, one
  sentence a line, line i of one the translation of line i of the other.
- ``sorted`` (what the benchmark's download script writes): ``{l}-en.{l}`` (the source lines, in their
  original order) and ``{l}-en.en`` (the English lines sorted by string, Python ``sorted``). Gold is read
  from ``labels/tatoeba/test-{l}.tsv`` beside the ``tatoeba/`` folder when it exists, else None.

Both forms come back in the benchmark's order, the order its gold labels and every submission use: the
source lines as in the file, the English lines sorted (``english_order``), and ``gold[j]`` the 0-based line
number in the source file of the translation of English line j (the benchmark queries with English and
its scorer compares prediction line j with gold line j). Read from the aligned form, ``gold`` is where
each sorted English line stood. Lines are kept exactly (without the line end); the two sides must have
the same number of lines.
"""

from __future__ import annotations

from pathlib import Path

from evaluators.benchmark import TATOEBA_ISO3
from evaluators.submission_files import ASCII_INDEX, INDEX_FORM, quote
from harness_tasks.records import ParallelSentences

from ._text import present, read_lines, require_file
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


def _read_sides(source_path: Path, target_path: Path, layout: str, root: Path) -> tuple[list[str], list[str]]:
    source = read_lines(require_file(source_path, layout, root), "one sentence a line", root)
    target = read_lines(require_file(target_path, layout, root), "one English sentence a line", root)
    if len(source) != len(target):
        raise DataFormatError(
            f"{source_path}: {len(source)} lines but {target_path} has {len(target)};"
            " expected one English line per source line"
        )
    return source, target


def _read_labels(path: Path, size: int, root: Path) -> tuple[int, ...]:
    gold: list[int] = []
    for number, value in enumerate(read_lines(path, "one integer a line", root), start=1):
        # ASCII digits only: int() would also take '٣٦٧', ' 12 ', '1_000' and '+5'.
        if not ASCII_INDEX.fullmatch(value):
            raise DataFormatError(
                f"{path}:{number}: expected a line number of the non-English file, {INDEX_FORM}; got {quote(value)}"
            )
        if len(value) > len(str(size)) or int(value) >= size:  # length first: int() refuses 4,300+ digits
            raise DataFormatError(
                f"{path}:{number}: {quote(value)} is not a line number of the non-English file;"
                f" expected an integer from 0 to {size - 1}"
            )
        gold.append(int(value))
    if len(gold) != size:
        raise DataFormatError(f"{path}: {len(gold)} labels for {size} English sentences; expected one label a line")
    return tuple(gold)


def english_order(english) -> list[int]:
    """Line numbers of ``english`` in the order the benchmark ships them: its download script sorts the
    (stripped line, line number) pairs by line, so equal lines keep their file order."""
    return sorted(range(len(english)), key=lambda i: english[i].strip())


def read_tatoeba(root: Path, *, language: str, form: str = "auto") -> ParallelSentences:
    """Read one Tatoeba language from a raw-layout folder ``root``; see the module docstring for ``form``."""
    if form not in FORMS:
        raise ValueError(f"unknown Tatoeba form {form!r}; expected one of {', '.join(FORMS)}")
    source_a, target_a = aligned_paths(root, language)
    if form == "aligned" or (form == "auto" and present(source_a, root)):
        layout = f"tatoeba/{source_a.name} and tatoeba/{target_a.name}, line-aligned"
        source, target = _read_sides(source_a, target_a, layout, root)
        # English line i translates source line i; sorted as the benchmark ships it, English line j
        # is the old line order[j], so its translation is source line order[j].
        order = english_order(target)
        return ParallelSentences(
            language=language, source=tuple(source), target=tuple(target[i] for i in order),
            gold=tuple(order), extra={"form": "aligned"},
        )
    source_s, target_s, labels = sorted_paths(root, language)
    layout = (
        f"tatoeba/{source_a.name} + tatoeba/{target_a.name} (aligned), or tatoeba/{source_s.name} +"
        f" tatoeba/{target_s.name} (English sorted) with optional labels/tatoeba/{labels.name}"
    )
    source, target = _read_sides(source_s, target_s, layout, root)
    gold = _read_labels(labels, len(target), root) if present(labels, root) else None
    return ParallelSentences(
        language=language, source=tuple(source), target=tuple(target), gold=gold, extra={"form": "sorted"},
    )
