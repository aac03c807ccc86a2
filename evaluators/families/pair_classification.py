"""Sentence-pair classification (XNLI, PAWS-X): one label a line, scored by accuracy.

Submission file: ``{task}/test-{lang}.tsv``, one label a line in gold order, each one of the task's closed
label set (evaluators.submission_files). Outcome per example: ``correct`` (1 or 0); the accuracy is
``100 * sum(correct) / n`` (evaluators.classification).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evaluators.classification import accuracy, accuracy_from_correct, correct_flags
from evaluators.families.base import FamilyInfo, LanguageScore, Outcome, ScoringOptions
from evaluators.submission_files import (
    check_labels,
    check_same_length,
    lines_text,
    one_line,
    read_label_lines,
)
from evaluators.task_spec import TaskSpec


def score_accuracy(gold: Sequence[str], predictions: Sequence[str], pred_path: Path | None,
                   gold_path: Path | None) -> LanguageScore:
    """Accuracy with one ``correct`` outcome per example (shared with the families scored by accuracy)."""
    check_same_length(pred_path, gold_path, len(predictions), len(gold), "line")
    flags = correct_flags(gold, predictions)
    return LanguageScore(accuracy(gold, predictions),
                         tuple({"id": index, "correct": flag} for index, flag in enumerate(flags)))


def accuracy_of_outcomes(outcomes: Sequence[Outcome]) -> dict[str, float]:
    return accuracy_from_correct([outcome["correct"] for outcome in outcomes])


class ScoredByAccuracy:
    """Scoring shared by the families whose examples are right or wrong (pair classification, multiple
    choice, sentence retrieval): values compared as text, one ``correct`` outcome each."""

    OUTCOME_FIELDS = ("correct",)

    def score(self, spec: TaskSpec, gold: Sequence, predictions: Sequence, language: str,
              options: ScoringOptions, *, pred_path: Path | None = None,
              gold_path: Path | None = None) -> LanguageScore:
        return score_accuracy([str(g) for g in gold], [str(p) for p in predictions], pred_path, gold_path)

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str,
                             options: ScoringOptions) -> dict[str, float]:
        return accuracy_of_outcomes(outcomes)


class PairClassification(ScoredByAccuracy):
    name = "pair_classification"
    info = FamilyInfo(name, example="two sentences and the label of their relation",
                      prediction="one label a line, in gold order")

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> list[str]:
        return check_labels(path, read_label_lines(path, root=root), spec.name, spec.labels)

    read_gold = read_predictions

    def format_predictions(self, spec: TaskSpec, predictions: Sequence[str]) -> str:
        return lines_text(one_line(p, f"{spec.name} prediction {i + 1}") for i, p in enumerate(predictions))

    format_gold = format_predictions


FAMILY = PairClassification()
