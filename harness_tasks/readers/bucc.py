"""Bitext mining corpora (BUCC 2018) in the benchmark's layout -> BitextCorpus.

A split is two files, declared as the task's ``raw[split]`` = (non-English side, English side); for
BUCC, language ``l`` and split ``s`` (``dev`` = BUCC's sample split, ``test`` = BUCC's training split):

- ``bucc2018/{l}-en.{s}.{l}`` and ``bucc2018/{l}-en.{s}.en``: one sentence a line, ``id<TAB>sentence``
  (ids such as ``de-000000042``; the sentence is everything after the first tab);
- the gold pairs beside the English side, its suffix ``.gold`` (``bucc2018/{l}-en.{s}.gold``): one pair a
  line, ``source id<TAB>target id`` (source = the ``l`` side). The download script deletes the test gold;
  without the file ``gold`` is None.

Ids must be unique within a side and every gold id must occur on its side.
"""

from __future__ import annotations

from pathlib import Path

from harness_tasks.records import BitextCorpus

from ._text import present, read_lines, require_file
from .data_spec import DataSpec
from .errors import DataFormatError


def _read_side(path: Path, root: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids: list[str] = []
    sentences: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(read_lines(path, "lines of id<TAB>sentence", root), start=1):
        if "\t" not in line:
            raise DataFormatError(path, number, "no tab in the line; expected id<TAB>sentence")
        sid, sentence = line.split("\t", 1)
        if not sid:
            raise DataFormatError(path, number, "empty id; expected id<TAB>sentence")
        if sid in seen:
            raise DataFormatError(path, number, f"id {sid!r} already used on line {seen[sid]}; expected unique ids")
        seen[sid] = number
        ids.append(sid)
        sentences.append(sentence)
    return tuple(ids), tuple(sentences)


def _read_gold(path: Path, root: Path, source_ids: set[str], target_ids: set[str]) -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for number, line in enumerate(read_lines(path, "lines of source id<TAB>target id", root), start=1):
        fields = line.split("\t")
        if len(fields) != 2:
            raise DataFormatError(path, number,
                                  f"expected 2 tab-separated fields (source id, target id), got {len(fields)}")
        src, tgt = fields[0].strip(), fields[1].strip()
        if src not in source_ids:
            raise DataFormatError(path, number, f"source id {src!r} is not in the source sentence file")
        if tgt not in target_ids:
            raise DataFormatError(path, number, f"target id {tgt!r} is not in the English sentence file")
        pairs.add((src, tgt))
    return frozenset(pairs)


def read_bucc(root: Path, spec: DataSpec, language: str, split: str) -> BitextCorpus:
    """Read one language pair and split of ``spec`` (declared ``raw[split]``: the two sides) from ``root``."""
    if len(spec.raw[split]) != 2:
        raise ValueError(f"{spec.name}: raw[{split!r}] must name 2 files (non-English side, English side) for the "
                         f"bitext_mining family; it names {len(spec.raw[split])}")
    source_rel, target_rel = (spec.fill(t, language) for t in spec.raw[split])
    gold_rel = str(Path(target_rel).with_suffix(".gold"))
    layout = f"{source_rel}, {target_rel} (id<TAB>sentence), optional {gold_rel}"
    source_ids, source_sentences = _read_side(require_file(root / source_rel, layout, root), root)
    target_ids, target_sentences = _read_side(require_file(root / target_rel, layout, root), root)
    gold_path = root / gold_rel
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
