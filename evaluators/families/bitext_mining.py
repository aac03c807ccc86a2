"""Bitext mining (BUCC 2018): the translation pairs found in two comparable corpora; F1 over pairs.

Submission file: ``bucc2018/test-{lang}.tsv``, one ``source id<TAB>target id`` a line, source ids
``{lang}-<digits>`` and target ids ``en-<digits>`` (ASCII digits only: the reference compares ids as text,
so ``de-٣`` would silently never match). An empty prediction file means nothing was mined; an empty gold
file is an error. Scores: evaluators.bitext (pairs compared as sets, so a pair listed twice counts once).

Outcome per distinct pair of gold or prediction (gold pairs first, in file order, then predicted pairs
not in the gold): ``gold`` and ``predicted`` (1 or 0); correct pairs are those with both, and
evaluators.bitext.prf_from_counts gives the same F1, precision and recall from the three sums.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from evaluators.bitext import bitext_f1, prf_from_counts
from evaluators.errors import InputFileError, quote
from evaluators.families.base import FamilyInfo, LanguageScore, Outcome, ScoringOptions
from evaluators.submission_files import (
    check_no_blank_lines,
    lines_text,
    one_line,
    read_text,
    split_lines,
)
from evaluators.task_spec import TaskSpec

Pair = tuple[str, str]

_BUCC_ID = re.compile(r"([a-z]+)-([0-9]+)")  # [0-9], not \d: only ASCII digits


def _check_bucc_id(path, number: int, value: str, side: str, language: str | None) -> None:
    match = _BUCC_ID.fullmatch(value)
    prefix = language or "xx"
    if not match or (language is not None and match.group(1) != language):
        raise InputFileError(
            path, number,
            f"{side} id {quote(value)}: expected '{prefix}-' followed by ASCII digits 0-9 (e.g. '{prefix}-000000042')",
        )


def read_id_pairs(path: str | Path, *, root: Path | None = None, gold: bool = False,
                  language: str | None = None) -> list[Pair]:
    """BUCC pairs: ``source id<TAB>target id`` a line (source ``{language}-<digits>``, target ``en-<digits>``).

    An empty prediction file is no pairs (nothing was mined); an empty ``gold`` file is an error.
    """
    expected = "one 'source id<TAB>target id' a line"
    text = read_text(path, expected, root=root, allow_blank=not gold)
    if not text.strip():
        return []
    pairs = []
    for number, line in enumerate(check_no_blank_lines(path, split_lines(text), expected), start=1):
        fields = line.strip().split("\t")
        if len(fields) != 2 or not all(fields):
            raise InputFileError(
                path, number, f"expected 'source id<TAB>target id', got {len(fields)} tab-separated field(s)"
            )
        _check_bucc_id(path, number, fields[0], "source", language)
        _check_bucc_id(path, number, fields[1], "target", None if language is None else "en")
        pairs.append((fields[0], fields[1]))
    return pairs


class BitextMining:
    name = "bitext_mining"
    OUTCOME_FIELDS = ("gold", "predicted")
    info = FamilyInfo(name, example="two comparable corpora, one of them English",
                      prediction="one 'source id<TAB>target id' pair a line")

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> list[Pair]:
        return read_id_pairs(path, root=root, language=language)

    def read_gold(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                  language: str | None = None) -> list[Pair]:
        return read_id_pairs(path, root=root, gold=True, language=language)

    def score(self, spec: TaskSpec, gold: Sequence[Pair], predictions: Sequence[Pair], language: str,
              options: ScoringOptions, *, pred_path: Path | None = None,
              gold_path: Path | None = None) -> LanguageScore:
        gold_pairs = dict.fromkeys(tuple(p) for p in gold)  # ordered sets
        predicted = dict.fromkeys(tuple(p) for p in predictions)
        outcomes = [{"id": "\t".join(pair), "gold": 1, "predicted": int(pair in predicted)} for pair in gold_pairs]
        outcomes += [{"id": "\t".join(pair), "gold": 0, "predicted": 1} for pair in predicted if pair not in gold_pairs]
        return LanguageScore(bitext_f1(gold_pairs, predicted), tuple(outcomes))

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str,
                             options: ScoringOptions) -> dict[str, float]:
        n_correct = sum(o["gold"] * o["predicted"] for o in outcomes)
        precision, recall, f1 = prf_from_counts(n_correct, sum(o["predicted"] for o in outcomes),
                                                sum(o["gold"] for o in outcomes))
        return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}

    def format_predictions(self, spec: TaskSpec, predictions: Sequence[Pair]) -> str:
        lines = []
        for i, (source, target) in enumerate(predictions):
            lines.append(f"{one_line(source, f'{spec.name} pair {i + 1} source')}\t"
                         f"{one_line(target, f'{spec.name} pair {i + 1} target')}")
        return lines_text(lines)

    format_gold = format_predictions


FAMILY = BitextMining()
