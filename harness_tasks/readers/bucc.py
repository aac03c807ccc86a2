"""BUCC 2018 comparable corpora in the benchmark's layout -> BitextCorpus.

Files for language ``l`` and split ``s`` (``dev`` = BUCC's sample split, ``test`` = BUCC's training split):

- ``bucc2018/{l}-en.{s}.{l}`` and ``bucc2018/{l}-en.{s}.en``: one sentence a line, ``id<TAB>sentence``
  (ids such as ``de-000000042``; the sentence is everything after the first tab);
- ``bucc2018/{l}-en.{s}.gold``: one gold pair a line, ``source id<TAB>target id`` (source = the ``l`` side).
  The download script deletes the test gold; without the file ``gold`` is None.

Ids must be unique within a side and every gold id must occur on its side.
"""

from __future__ import annotations

from pathlib import Path

from harness_tasks.records import BitextCorpus

from ._text import present, read_lines, require_file
from .errors import DataFormatError

LAYOUT = "bucc2018/{l}-en.{split}.{l}, bucc2018/{l}-en.{split}.en (id<TAB>sentence), optional bucc2018/{l}-en.{split}.gold"


def _read_side(path: Path, root: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids: list[str] = []
    sentences: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(read_lines(path, "lines of id<TAB>sentence", root), start=1):
        if "\t" not in line:
            raise DataFormatError(f"{path}:{number}: no tab in the line; expected id<TAB>sentence")
        sid, sentence = line.split("\t", 1)
        if not sid:
            raise DataFormatError(f"{path}:{number}: empty id; expected id<TAB>sentence")
        if sid in seen:
            raise DataFormatError(f"{path}:{number}: id {sid!r} already used on line {seen[sid]}; expected unique ids")
        seen[sid] = number
        ids.append(sid)
        sentences.append(sentence)
    return tuple(ids), tuple(sentences)


def _read_gold(path: Path, root: Path, source_ids: set[str], target_ids: set[str]) -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for number, line in enumerate(read_lines(path, "lines of source id<TAB>target id", root), start=1):
        fields = line.split("\t")
        if len(fields) != 2:
            raise DataFormatError(
                f"{path}:{number}: expected 2 tab-separated fields (source id, target id), got {len(fields)}"
            )
        src, tgt = fields[0].strip(), fields[1].strip()
        if src not in source_ids:
            raise DataFormatError(f"{path}:{number}: source id {src!r} is not in the source sentence file")
        if tgt not in target_ids:
            raise DataFormatError(f"{path}:{number}: target id {tgt!r} is not in the English sentence file")
        pairs.add((src, tgt))
    return frozenset(pairs)


def read_bucc(root: Path, *, language: str, split: str) -> BitextCorpus:
    """Read one BUCC language pair and split from a raw-layout folder ``root``."""
    layout = LAYOUT.format(l=language, split=split)
    stem = root / "bucc2018" / f"{language}-en.{split}"
    source_path = require_file(stem.with_name(stem.name + f".{language}"), layout, root)
    source_ids, source_sentences = _read_side(source_path, root)
    target_ids, target_sentences = _read_side(require_file(stem.with_name(stem.name + ".en"), layout, root), root)
    gold_path = stem.with_name(stem.name + ".gold")
    gold = _read_gold(gold_path, root, set(source_ids), set(target_ids)) if present(gold_path, root) else None
    return BitextCorpus(
        language=language,
        split=split,
        source_ids=source_ids,
        source_sentences=source_sentences,
        target_ids=target_ids,
        target_sentences=target_sentences,
        gold=gold,
    )
