"""Accuracy, as the XTREME reference scorer computes it (XNLI, PAWS-X, Tatoeba submissions).

Definition: prediction and gold are compared as strings stripped of surrounding white space;
``accuracy = 100 * (number equal) / (number of predictions)``. The lists must be the same length: the
reference scorer asserts it, and zipping lists of different lengths would silently score a prefix.
"""

from __future__ import annotations

from collections.abc import Sequence


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """{'accuracy': percentage}. Raises ValueError on empty input or a length mismatch."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} gold labels")
    if not predicted:
        raise ValueError("no predictions to score")
    correct = sum(int(str(p).strip() == str(g).strip()) for p, g in zip(predicted, gold))
    return {"accuracy": float(correct) / len(predicted) * 100}
