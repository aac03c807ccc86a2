"""The scoring loop every extractive-QA metric in XTREME shares (SQuAD v1.1, MLQA and the segmented mode).

For each gold question: exact match is 1 when the normalised prediction equals any normalised gold
answer; F1 is the best token-bag F1 over the gold answers; a question with no prediction scores 0 on
both. Scores are summed in gold order and reported as ``100.0 * sum / number of gold questions``.
Token-bag F1: ``common = |Counter(pred) & Counter(gold)|``; 0 when nothing is shared, else
``2 * P * R / (P + R)`` with ``P = common / |pred|``, ``R = common / |gold|``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

Normalizer = Callable[[str], str]


def token_f1(prediction_tokens: Sequence[str], gold_tokens: Sequence[str]) -> float:
    common = Counter(prediction_tokens) & Counter(gold_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall)


def question_scores(
    answers: Mapping[str, Sequence[str]],
    predictions: Mapping[str, str],
    normalize: Normalizer,
) -> list[tuple[str, int, float]]:
    """``(question id, exact match 0/1, F1 in [0, 1])`` for every gold question, in gold order.

    An unanswered question scores ``(id, 0, 0)``, as in the reference. These are the per-question outcomes
    :func:`qa_from_question_scores` turns back into the corpus scores.
    """
    if not answers:
        raise ValueError("no gold questions to score")
    scored = []
    for qid, gold_texts in answers.items():
        if not gold_texts:
            raise ValueError(f"gold question {qid!r} has no answers")
        if qid not in predictions:
            scored.append((qid, 0, 0))  # unanswered: scores 0, as in the reference
            continue
        prediction = normalize(predictions[qid])
        golds = [normalize(text) for text in gold_texts]
        exact_match = int(max(prediction == gold for gold in golds))
        pred_tokens = prediction.split()
        scored.append((qid, exact_match, max(token_f1(pred_tokens, gold.split()) for gold in golds)))
    return scored


def qa_from_question_scores(exact_matches: Sequence[int], f1s: Sequence[float]) -> dict[str, float]:
    """{'exact_match', 'f1'} in percent from per-question scores: sums in gold order over the question count."""
    if not exact_matches or len(exact_matches) != len(f1s):
        raise ValueError(f"{len(exact_matches)} exact-match and {len(f1s)} F1 scores: expected as many, not none")
    total = len(exact_matches)
    return {"exact_match": 100.0 * sum(exact_matches) / total, "f1": 100.0 * sum(f1s) / total}


def qa_scores(
    answers: Mapping[str, Sequence[str]],
    predictions: Mapping[str, str],
    normalize: Normalizer,
) -> dict[str, float]:
    """{'exact_match', 'f1'} in percent over all gold questions (``answers``: id -> gold texts).

    ``normalize`` maps a text to its normalised form; tokens are its white-space split.
    """
    scored = question_scores(answers, predictions, normalize)
    return qa_from_question_scores([em for _, em, _ in scored], [f1 for _, _, f1 in scored])
