"""Sentence retrieval pairs (Tatoeba) -> ParallelSentences (source = the non-English side, target = English).

Two forms, each declared by its non-English file in the task's ``raw["test"]`` (aligned form first);
for Tatoeba, ``xxx`` is the ISO 639-3 code (the declared ``language_names``), ``l`` the language code:

- ``aligned`` (as LASER distributes it): ``tatoeba/tatoeba.{xxx}-eng.{xxx}`` and beside it the English
  side with suffix ``.eng`` (``tatoeba.{xxx}-eng.eng``), one sentence a line, line i of one the
  translation of line i of the other.
- ``sorted`` (what the benchmark's download script writes): ``tatoeba/{l}-en.{l}`` (the source lines, in
  their original order) and beside it the English side with suffix ``.en`` (``{l}-en.en``, the English
  lines sorted by string, Python ``sorted``). Gold is read from the held-out labels beside the data,
  ``labels/tatoeba/test-{l}.tsv`` (the submission layout under ``labels/``), when it exists, else None.

Both forms come back in the benchmark's order, the order its gold labels and every submission use: the
source lines as in the file, the English lines sorted (``english_order``), and ``gold[j]`` the 0-based line
number in the source file of the translation of English line j (the benchmark queries with English and
its scorer compares prediction line j with gold line j). Read from the aligned form, ``gold`` is where
each sorted English line stood. Lines are kept exactly (without the line end); the two sides must have
the same number of lines.
"""

from __future__ import annotations

from pathlib import Path

from evaluators.errors import quote
from evaluators.text_input import ASCII_INDEX, INDEX_FORM
from harness_tasks.records import ParallelSentences

from ._text import present, read_lines, require_file
from .data_spec import DataSpec, task_data
from .errors import DataFormatError

FORMS = ("auto", "aligned", "sorted")
ENGLISH_SUFFIX = {"aligned": ".eng", "sorted": ".en"}  # each form's English file: the source's name, this suffix


def form_paths(root: Path, spec: DataSpec, language: str) -> dict[str, tuple[Path, Path]]:
    """form -> (non-English file, English file) under ``root``, from the declared ``raw["test"]``."""
    templates = spec.raw["test"]
    if len(templates) != 2:
        raise ValueError(f"{spec.name}: raw['test'] must name 2 files (the aligned form's non-English file, then "
                         f"the sorted form's) for the sentence_retrieval family; it names {len(templates)}")
    paths = {}
    for form, template in zip(("aligned", "sorted"), templates):
        source = root / spec.fill(template, language)
        paths[form] = (source, source.with_suffix(ENGLISH_SUFFIX[form]))
    return paths


def _read_sides(source_path: Path, target_path: Path, layout: str, root: Path) -> tuple[list[str], list[str]]:
    source = read_lines(require_file(source_path, layout, root), "one sentence a line", root)
    target = read_lines(require_file(target_path, layout, root), "one English sentence a line", root)
    if len(source) != len(target):
        raise DataFormatError(
            source_path, None, f"{len(source)} lines but {target_path} has {len(target)};"
            " expected one English line per source line"
        )
    return source, target


def _read_labels(path: Path, size: int, root: Path) -> tuple[int, ...]:
    gold: list[int] = []
    for number, value in enumerate(read_lines(path, "one integer a line", root), start=1):
        # ASCII digits only: int() would also take '٣٦٧', ' 12 ', '1_000' and '+5'.
        if not ASCII_INDEX.fullmatch(value):
            raise DataFormatError(
                path, number, f"expected a line number of the non-English file, {INDEX_FORM}; got {quote(value)}"
            )
        if len(value) > len(str(size)) or int(value) >= size:  # length first: int() refuses 4,300+ digits
            raise DataFormatError(
                path, number, f"{quote(value)} is not a line number of the non-English file;"
                f" expected an integer from 0 to {size - 1}"
            )
        gold.append(int(value))
    if len(gold) != size:
        raise DataFormatError(path, None, f"{len(gold)} labels for {size} English sentences; expected one label a line")
    return tuple(gold)


def english_order(english) -> list[int]:
    """Line numbers of ``english`` in the order the benchmark ships them: its download script sorts the
    (stripped line, line number) pairs by line, so equal lines keep their file order."""
    return sorted(range(len(english)), key=lambda i: english[i].strip())


def read_sentence_pairs(root: Path, spec: DataSpec, language: str, split: str = "test",
                        form: str = "auto") -> ParallelSentences:
    """Read one language of ``spec`` from a raw-layout folder ``root``; ``form``: see the module docstring."""
    if form not in FORMS:
        raise ValueError(f"unknown {spec.name} form {form!r}; expected one of {', '.join(FORMS)}")
    paths = form_paths(root, spec, language)
    source_a, target_a = paths["aligned"]
    if form == "aligned" or (form == "auto" and present(source_a, root)):
        layout = f"{_rel(source_a, root)} and {_rel(target_a, root)}, line-aligned"
        source, target = _read_sides(source_a, target_a, layout, root)
        # English line i translates source line i; sorted as the benchmark ships it, English line j
        # is the old line order[j], so its translation is source line order[j].
        order = english_order(target)
        return ParallelSentences(
            language=language, source=tuple(source), target=tuple(target[i] for i in order),
            gold=tuple(order), extra={"form": "aligned"},
        )
    source_s, target_s = paths["sorted"]
    labels = root / spec.fill(spec.gold_labels, language) if spec.gold_labels else None
    layout = (
        f"{_rel(source_a, root)} + {_rel(target_a, root)} (aligned), or {_rel(source_s, root)} +"
        f" {_rel(target_s, root)} (English sorted)"
        + (f" with optional {_rel(labels, root)}" if labels else "")
    )
    source, target = _read_sides(source_s, target_s, layout, root)
    gold = _read_labels(labels, len(target), root) if labels and present(labels, root) else None
    return ParallelSentences(
        language=language, source=tuple(source), target=tuple(target), gold=gold, extra={"form": "sorted"},
    )


def read_tatoeba(root: Path, *, language: str, form: str = "auto", task: str = "tatoeba") -> ParallelSentences:
    """:func:`read_sentence_pairs` for a declared task by name (Tatoeba unless ``task`` says otherwise)."""
    return read_sentence_pairs(Path(root), task_data(task), language, "test", form)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
