"""BUCC 2018 bitext scoring: precision, recall and F1 of mined (source id, target id) pairs.

Pure functions on id pairs, no NumPy. The arithmetic is the benchmark reference scorer's
(google-research/xtreme, evaluate.py ``bucc_f1``), step for step, because the leaderboard compares
scores to the last printed digit:

    ncorrect = |gold & predicted|                       (sets of (src id, tgt id) tuples)
    if ncorrect > 0:
        precision = ncorrect / |predicted|
        recall    = ncorrect / |gold|
        f1        = 2 * precision * recall / (precision + recall)
    else:
        precision = recall = f1 = 0                     (the integer 0, not 0.0)

and the reported percentages are ``f1 * 100``, ``precision * 100``, ``recall * 100`` (in that key order).
Both sides are deduplicated as sets before counting, exactly as the reference does, so a pair listed
twice counts once. Ids are compared as given: pass strings on both sides (as read from the files).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class BitextScores:
    """Fractions in [0, 1] (integer 0 when nothing is correct), with the counts they came from."""

    precision: float
    recall: float
    f1: float
    n_correct: int
    n_predicted: int  # distinct predicted pairs
    n_gold: int  # distinct gold pairs


def prf_from_counts(n_correct: int, n_predicted: int, n_gold: int) -> tuple[float, float, float]:
    """(precision, recall, f1) from counts, in the reference's exact operation order.

    Shared by :func:`bucc_f1` and the threshold search (evaluators.mining.fit_threshold) so that a fitted
    dev F1 and the F1 of applying that threshold are computed by the same floating-point operations.
    """
    if n_correct > 0:
        precision = n_correct / n_predicted
        recall = n_correct / n_gold
        f1 = 2 * precision * recall / (precision + recall)
        return precision, recall, f1
    return 0, 0, 0


def bucc_f1(
    gold_pairs: Iterable[tuple[Hashable, Hashable]],
    predicted_pairs: Iterable[tuple[Hashable, Hashable]],
) -> BitextScores:
    """Precision/recall/F1 (fractions) of predicted vs gold (src id, tgt id) pairs, as sets."""
    gold = {tuple(p) for p in gold_pairs}
    predicted = {tuple(p) for p in predicted_pairs}
    n_correct = len(gold & predicted)
    precision, recall, f1 = prf_from_counts(n_correct, len(predicted), len(gold))
    return BitextScores(precision, recall, f1, n_correct, len(predicted), len(gold))


def bitext_f1(
    gold_pairs: Iterable[tuple[Hashable, Hashable]],
    predicted_pairs: Iterable[tuple[Hashable, Hashable]],
) -> dict[str, float]:
    """The reference scorer's BUCC result: {'f1', 'precision', 'recall'} in percent (fraction * 100).

    Integer 0 for all three when no predicted pair is correct, as the reference returns.
    """
    s = bucc_f1(gold_pairs, predicted_pairs)
    return {"f1": s.f1 * 100, "precision": s.precision * 100, "recall": s.recall * 100}


def read_pair_lines(lines: Iterable[str]) -> set[tuple[str, ...]]:
    """Parse submission/label lines into pair tuples the way the reference does.

    The reference strips each line and splits it on TAB; a blank line therefore becomes the tuple ('',)
    and takes part in the set comparison (it is not skipped). We keep that, so that file-level scores match.
    """
    return {tuple(line.strip().split("\t")) for line in lines}
