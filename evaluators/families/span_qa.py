"""Extractive span QA (XQuAD, MLQA, TyDiQA-GoldP): an answer string per question; exact match and F1.

Submission file: ``{task}/test-{lang}.json``, a JSON object mapping question ids to answer strings. Gold:
SQuAD v1.1 JSON with at least one question, each with at least one non-empty answer. A prediction file
that shares no question id with its gold is refused (another task's or language's file); gold questions
left unanswered score 0 and are counted, predictions for unknown ids are ignored and counted (the
reference does both silently).

How answers are compared is a declaration field, ``TaskSpec.answer_normalisation``: "squad"
(evaluators.squad, SQuAD v1.1's script) or "mlqa" (evaluators.mlqa, MLQA's language-aware script);
the opt-in ``qa_mode="segmented"`` (evaluators.segmented_qa) replaces either. Outcome per gold question:
``exact_match`` (1 or 0) and ``f1`` (in [0, 1]), 0 for an unanswered question; the scores are
``100 * sum / number of gold questions`` of each (evaluators.qa).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from evaluators import mlqa, squad
from evaluators.errors import InputFileError, quote
from evaluators.families.base import FamilyInfo, LanguageScore, Outcome, ScoringOptions
from evaluators.qa import qa_from_question_scores, question_scores
from evaluators.segmented_qa import OFFICIAL, QA_MODES, segment, segmented_qa_scores
from evaluators.squad_form import SQUAD_SHAPE, squad_questions
from evaluators.submission_files import load_json, unknown_id_count
from evaluators.task_spec import ANSWER_NORMALISATIONS, TaskSpec

Answers = Mapping[str, Sequence[str]]  # question id -> gold answer texts

# answer_normalisation -> (the metric module's scorer, its normaliser), per language.
_OFFICIAL: dict[str, tuple[Callable, Callable[[str], Callable[[str], str]]]] = {
    "squad": (lambda gold, pred, language: squad.squad_scores(gold, pred), lambda language: squad.normalize_answer),
    "mlqa": (mlqa.mlqa_scores, lambda language: partial(mlqa.normalize_answer, language=language)),
}
assert set(_OFFICIAL) == set(ANSWER_NORMALISATIONS), "every declared normalisation needs its scorer here"


def _scorer(spec: TaskSpec, options: ScoringOptions) -> tuple[Callable, Callable[[str], Callable[[str], str]]]:
    if options.qa_mode not in QA_MODES:
        raise ValueError(f"unknown QA mode {options.qa_mode!r}; expected one of {', '.join(QA_MODES)}")
    if options.qa_mode != OFFICIAL:
        return segmented_qa_scores, lambda language: partial(segment, language=language)
    return _OFFICIAL[spec.answer_normalisation]


def read_qa_predictions(path: str | Path, *, root: Path | None = None) -> dict[str, str]:
    """``{question id: answer text}``; every answer must be a string."""
    expected = "a JSON object mapping question ids to answer strings"
    doc = load_json(path, expected, root=root)
    if not isinstance(doc.value, dict):
        raise InputFileError(path, 1, f"found a JSON {type(doc.value).__name__}; expected {expected}")
    for qid, answer in doc.value.items():
        if not isinstance(answer, str):
            raise InputFileError(
                path, doc.line_of((qid,)),
                f"answer for question {quote(qid)} is a JSON {type(answer).__name__}; expected a string "
                "(write \"\" for no answer)",
            )
    return doc.value


def read_qa_gold(path: str | Path, *, root: Path | None = None) -> dict[str, list[str]]:
    """``{question id: [gold answer texts]}`` from SQuAD v1.1 JSON (``{"data": [...]}``), as the reference reads it."""
    expected = f"SQuAD v1.1 JSON: {SQUAD_SHAPE}"
    doc = load_json(path, expected, root=root)
    answers: dict[str, list[str]] = {}
    for question in squad_questions(doc, answer_start_required=False):
        qid = question.id
        texts = [text for text, _ in question.answers]
        if not texts:
            raise doc.error(
                question.keys, f"gold question {quote(qid)} has no answers; every gold question needs at least one"
            )
        if not any(text.strip() for text in texts):
            raise doc.error(
                question.keys,
                f"gold question {quote(qid)} has only empty answers, the placeholder of unlabelled test data; "
                "score against the labelled file",
            )
        if qid in answers:
            raise doc.error(question.keys, f"question id {quote(qid)} appears twice")
        answers[qid] = texts
    if not answers:
        raise InputFileError(path, None, f"holds no questions: gold labels need at least one; expected {expected}")
    return answers


class SpanQA:
    name = "span_qa"
    OUTCOME_FIELDS = ("exact_match", "f1")
    info = FamilyInfo(name, example="a question and a paragraph holding its answer",
                      prediction="a JSON object mapping question ids to answer strings")

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> dict[str, str]:
        return read_qa_predictions(path, root=root)

    def read_gold(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                  language: str | None = None) -> dict[str, list[str]]:
        return read_qa_gold(path, root=root)

    def score(self, spec: TaskSpec, gold: Answers, predictions: Mapping[str, str], language: str,
              options: ScoringOptions, *, pred_path: Path | None = None,
              gold_path: Path | None = None) -> LanguageScore:
        unknown = unknown_id_count(pred_path, gold_path, predictions, gold)
        scores_of, normaliser = _scorer(spec, options)
        scores = scores_of(gold, predictions, language)
        outcomes = tuple({"id": qid, "exact_match": em, "f1": f1}
                         for qid, em, f1 in question_scores(gold, predictions, normaliser(language)))
        return LanguageScore(scores, outcomes, unanswered=sum(1 for qid in gold if qid not in predictions),
                             unknown_ids=unknown)

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str,
                             options: ScoringOptions) -> dict[str, float]:
        return qa_from_question_scores([o["exact_match"] for o in outcomes], [o["f1"] for o in outcomes])

    def format_predictions(self, spec: TaskSpec, predictions: Mapping[str, str]) -> str:
        if not isinstance(predictions, Mapping):
            raise TypeError(f"{spec.name}: predictions must map question ids to answer strings")
        return json.dumps({str(k): str(v) for k, v in predictions.items()}, ensure_ascii=False, indent=1) + "\n"

    def format_gold(self, spec: TaskSpec, gold: Mapping) -> str:
        """A SQuAD v1.1 document (harness_tasks.submission_writer makes one from reader records)."""
        if not isinstance(gold, Mapping) or not isinstance(gold.get("data"), list):
            raise TypeError(f"{spec.name}: gold must be a SQuAD v1.1 document {SQUAD_SHAPE}")
        return json.dumps(gold, ensure_ascii=False, indent=1) + "\n"


FAMILY = SpanQA()
