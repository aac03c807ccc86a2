"""The recipe's error types (a module of their own so that every training module can raise them).

``xtreme train`` prints a RecipeError as one line, ``xtreme train: <message>``, and exits 2.
"""

from __future__ import annotations


class RecipeError(RuntimeError):
    """A run that cannot start or go on; the message names what is wrong and what to do."""


class NonFiniteError(RecipeError):
    """Training produced a NaN or infinite loss, gradient norm or weight; the run stopped before using it."""
