"""Sentence retrieval (Tatoeba): for each English sentence, the line of its translation; scored by accuracy.

Submission file: ``tatoeba/test-{lang}.tsv``, one integer a line, line j for English line j of the
benchmark's English file (sorted): the 0-based line number of its retrieved translation in the
non-English file. Integers are ASCII digits without sign or leading zeros (the reference compares them as
text after stripping the line: ``07`` would never match ``7``, while `` 7 `` does). Outcome per English sentence: ``correct`` (1 or 0);
accuracy is ``100 * sum(correct) / n`` (evaluators.classification).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evaluators.errors import InputFileError, quote
from evaluators.families.base import FamilyInfo
from evaluators.families.pair_classification import ScoredByAccuracy
from evaluators.submission_files import (
    ASCII_INDEX,
    INDEX_FORM,
    lines_text,
    one_line,
    read_label_lines,
)
from evaluators.task_spec import TaskSpec


def read_indices(path: str | Path, *, root: Path | None = None) -> list[str]:
    """One non-negative integer (a line number of the non-English side) a line, kept as text; white space
    around it is stripped, as the reference strips every line."""
    values = read_label_lines(path, "one integer a line", root=root)
    for number, value in enumerate(values, start=1):
        if not ASCII_INDEX.fullmatch(value):
            raise InputFileError(path, number, f"expected {INDEX_FORM}, got {quote(value)}")
    return values


class SentenceRetrieval(ScoredByAccuracy):
    name = "sentence_retrieval"
    info = FamilyInfo(name, example="an English sentence and the non-English sentences to find its translation in",
                      prediction="one line number a line, for each English line in order")

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> list[str]:
        return read_indices(path, root=root)

    read_gold = read_predictions

    def format_predictions(self, spec: TaskSpec, predictions: Sequence) -> str:
        return lines_text(one_line(p, f"{spec.name} prediction {i + 1}") for i, p in enumerate(predictions))

    format_gold = format_predictions


FAMILY = SentenceRetrieval()
