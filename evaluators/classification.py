"""Accuracy, as the XTREME reference scorer computes it (XNLI, PAWS-X, Tatoeba submissions).

Definition: prediction and gold are compared as strings stripped of surrounding white space;
``accuracy = 100 * (number equal) / (number of predictions)``. The lists must be the same length: the
reference scorer asserts it, and zipping lists of different lengths would silently score a prefix.
"""

from __future__ import annotations

from collections.abc import Sequence


def correct_flags(gold: Sequence[str], predicted: Sequence[str]) -> list[int]:
    """1 where the prediction equals its gold label (compared as stripped strings), else 0, in gold order.

    These are the per-example outcomes :func:`accuracy_from_correct` turns back into the accuracy.
    Raises ValueError on empty input or a length mismatch.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} gold labels")
    if not predicted:
        raise ValueError("no predictions to score")
    return [int(str(p).strip() == str(g).strip()) for p, g in zip(predicted, gold)]


def accuracy_from_correct(correct: Sequence[int]) -> dict[str, float]:
    """{'accuracy': percentage} from per-example 0/1 outcomes, in the reference's operation order."""
    if not correct:
        raise ValueError("no predictions to score")
    return {"accuracy": float(sum(correct)) / len(correct) * 100}


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """{'accuracy': percentage}. Raises ValueError on empty input or a length mismatch."""
    return accuracy_from_correct(correct_flags(gold, predicted))
