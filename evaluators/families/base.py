"""The scoring half of a task family: what every family module's ``FAMILY`` provides.

A family is scored in three steps, each a pure function:

1. ``read_predictions`` / ``read_gold``: one submission file (``{task}/test-{lang}.{ext}``) -> values,
   strictly (evaluators.submission_files' rules: file, line and reason on anything it cannot score);
2. ``score``: gold and predictions of one language -> :class:`LanguageScore`: the reference scorer's
   metrics for that language and one *outcome* per example;
3. ``metric_from_outcomes``: outcomes -> the same metrics again. Outcomes are what paired significance
   tests resample (evaluators/ stays the one place that knows how a metric is made of its examples), so
   for every family ``metric_from_outcomes(score(...).outcomes) == score(...).scores`` (tested).

``format_predictions`` writes values back in the submission layout, so that what the harness predicts
and what score-submission reads are one format.

An outcome is a flat mapping, JSON-ready: ``{"id": <example id>, <field>: <number>, ...}``; the fields per
family are its ``OUTCOME_FIELDS`` (e.g. ``correct`` for accuracy, ``exact_match`` and ``f1`` per question,
``tp``/``n_pred``/``n_gold`` chunk counts per sentence, ``reciprocal_rank`` per query).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from evaluators.task_spec import TaskSpec

Outcome = Mapping[str, Any]


@dataclass(frozen=True)
class ScoringOptions:
    """The scoring choices a user makes (recorded with every score)."""

    tagging_mode: str = "xtreme"  # evaluators.tagging: "xtreme" (seqeval 0.0.12) | "seqeval" (1.x)
    qa_mode: str = "official"  # evaluators.segmented_qa: "official" | "segmented" (opt-in, not official)


@dataclass(frozen=True)
class LanguageScore:
    """One task and language scored, with what the reference would have passed over without a word."""

    scores: dict[str, float]  # {metric: value} in the reference's metric order
    outcomes: tuple[Outcome, ...] = ()  # one per example, in gold order
    unanswered: int = 0  # QA / retrieval: gold examples without a prediction (each scores 0, as the reference)
    unknown_ids: int = 0  # predictions for ids the gold does not have (ignored)


class ScoringFamily(Protocol):
    name: str
    OUTCOME_FIELDS: tuple[str, ...]

    # ``language``: the file's language, for formats whose ids carry it (BUCC's ``de-000000042``).
    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> Any: ...

    def read_gold(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                  language: str | None = None) -> Any: ...

    def score(self, spec: TaskSpec, gold: Any, predictions: Any, language: str, options: ScoringOptions, *,
              pred_path: Path | None = None, gold_path: Path | None = None) -> LanguageScore: ...

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str,
                             options: ScoringOptions) -> dict[str, float]: ...

    def format_predictions(self, spec: TaskSpec, predictions: Any) -> str: ...

    def format_gold(self, spec: TaskSpec, gold: Any) -> str: ...


@dataclass(frozen=True)
class FamilyInfo:
    """What a family is, for listings (`xtreme tasks`) and error messages."""

    name: str
    example: str  # one example, in words
    prediction: str  # what a prediction file holds, in words
    notes: tuple[str, ...] = field(default_factory=tuple)
