"""Argument types shared by the commands: a bad number is an argparse error (usage line, exit 2) before
anything loads, instead of a traceback from deep inside a run."""

from __future__ import annotations

import argparse


def _int_at_least(minimum: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; expected {what}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small; expected {what}")
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


positive_int = _int_at_least(1, "an integer >= 1")
non_negative_int = _int_at_least(0, "an integer >= 0")
# The shortest input that still holds the special tokens and some text; shorter fails in every task.
MIN_MAX_LENGTH = 16
max_length = _int_at_least(MIN_MAX_LENGTH, f"a length >= {MIN_MAX_LENGTH} tokens")


def output_folder(text: str) -> str:
    """--output: a non-empty path (an empty one would write into the current folder unasked)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; expected a folder for the results")
    return text
