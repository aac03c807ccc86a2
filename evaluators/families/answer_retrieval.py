"""Cross-lingual answer retrieval (LAReQA): each question's answer sentences, ranked from a pool of every
language; mean average precision over the top 20.

Submission file (our layout: the reference reads none): ``{task}/test-{lang}.json`` for each question
language, a JSON object mapping question ids to the candidate ids retrieved for it, best first (only the
first 20 count). Gold: the same shape, each question id mapped to its targets, every candidate that answers
it (its answer sentence in each language). Candidate ids are compared as written (``{lang}_{paragraph}_
{sentence}`` in the bundled data); one with white space around it is refused, as are empty or repeated
gold targets. A gold question without a ranking scores 0 (counted as ``unanswered``), rankings for other
ids are ignored (counted), and a file sharing no id with its gold is refused.

Scores: evaluators.lareqa, ``map@20`` per language (a breakdown); the task score pools every question of
every language (``TaskSpec.average = "pooled"``), which :meth:`AnswerRetrieval.metric_from_outcomes`
computes from the outcomes of all languages together.

Outcome per gold question: ``average_precision`` (AP@20, in [0, 1]); ``map@20 = 100 * mean``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from evaluators.families.base import FamilyInfo, LanguageScore, Outcome, ScoringOptions
from evaluators.families.entity_retrieval import format_ranked_lists, read_ranked_lists
from evaluators.lareqa import (
    average_precisions,
    lareqa_scores,
    map_from_average_precisions,
)
from evaluators.submission_files import unknown_id_count
from evaluators.task_spec import TaskSpec

Ranked = Mapping[str, Sequence[str]]


class AnswerRetrieval:
    name = "answer_retrieval"
    OUTCOME_FIELDS = ("average_precision",)
    info = FamilyInfo(name, example="a question and the answer-bearing sentences of every language",
                      prediction="a JSON object mapping question ids to candidate ids, best first (top 20 count)")
    EXPECTED = "a JSON object mapping question ids to lists of candidate ids"

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> dict[str, list[str]]:
        return read_ranked_lists(path, self.EXPECTED + ", best first", root=root, item="candidate id")

    def read_gold(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                  language: str | None = None) -> dict[str, list[str]]:
        return read_ranked_lists(path, self.EXPECTED + " (every target of the question)", root=root, gold=True,
                                 item="candidate id")

    def score(self, spec: TaskSpec, gold: Ranked, predictions: Ranked, language: str, options: ScoringOptions,
              *, pred_path: Path | None = None, gold_path: Path | None = None) -> LanguageScore:
        unknown = unknown_id_count(pred_path, gold_path, predictions, gold)
        outcomes = tuple({"id": qid, "average_precision": ap} for qid, ap in average_precisions(gold, predictions))
        return LanguageScore(lareqa_scores(gold, predictions), outcomes,
                             unanswered=sum(1 for qid in gold if qid not in predictions), unknown_ids=unknown)

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str | None,
                             options: ScoringOptions) -> dict[str, float]:
        """One language's outcomes, or (``language`` None) every language's together: the pooled score."""
        return map_from_average_precisions([o["average_precision"] for o in outcomes])

    def format_predictions(self, spec: TaskSpec, predictions: Ranked) -> str:
        return format_ranked_lists(spec, predictions)

    format_gold = format_predictions


FAMILY = AnswerRetrieval()
