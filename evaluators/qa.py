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


def qa_scores(
    answers: Mapping[str, Sequence[str]],
    predictions: Mapping[str, str],
    normalize: Normalizer,
) -> dict[str, float]:
    """{'exact_match', 'f1'} in percent over all gold questions (``answers``: id -> gold texts).

    ``normalize`` maps a text to its normalised form; tokens are its white-space split.
    """
    if not answers:
        raise ValueError("no gold questions to score")
    exact_match = f1 = 0
    for qid, gold_texts in answers.items():
        if not gold_texts:
            raise ValueError(f"gold question {qid!r} has no answers")
        if qid not in predictions:
            continue  # unanswered: scores 0, as in the reference
        prediction = normalize(predictions[qid])
        golds = [normalize(text) for text in gold_texts]
        exact_match += max(prediction == gold for gold in golds)
        pred_tokens = prediction.split()
        f1 += max(token_f1(pred_tokens, gold.split()) for gold in golds)
    total = len(answers)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}
