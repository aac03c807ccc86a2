"""LAReQA answer retrieval: mean average precision over the top 20 (mAP@20), pooled over languages.

As google-research/xtreme third_party/utils_lareqa.py ``average_precision_at_k(targets, ranking, k=20)``
and ``mean_avg_prec_at_k`` define it:

* targets of a question: every candidate that answers it (its answer sentence in each language);
* AP@20: walk the first 20 entries of the ranking (0-based position i); at each entry that is a target
  and did not occur earlier in those 20, ``hits += 1`` and ``score += hits / (i + 1)``;
  ``AP = score / min(number of targets, 20)``. A question without a ranking scores 0.
* mAP@20: the mean of AP over **all questions of all languages together** (each question asked in each
  language is one question), not a mean of per-language means; reported times 100 (the reference
  prints the fraction). Per-language values (the mean over one language's questions, times 100) are
  reported beside it as a breakdown; the task score is the pooled value (``TaskSpec.average = "pooled"``).

The submission layout is ours (the reference reads no LAReQA files): per question language,
``{question id: [ranked candidate ids]}``, gold ``{question id: [target candidate ids]}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

TOP_K = 20


def average_precision(targets: Sequence[str], ranked: Sequence[str], k: int = TOP_K) -> float:
    """AP@k of one question (see the module docstring); ``targets`` must not be empty."""
    if not targets:
        raise ValueError("a question needs at least one target to be scored")
    ranked = list(ranked[:k])
    wanted = set(targets)
    score = hits = 0.0
    for i, candidate in enumerate(ranked):
        if candidate in wanted and candidate not in ranked[:i]:
            hits += 1.0
            score += hits / (i + 1.0)
    return score / min(len(targets), k)


def average_precisions(gold: Mapping[str, Sequence[str]], predictions: Mapping[str, Sequence[str]],
                       k: int = TOP_K) -> list[tuple[str, float]]:
    """``(question id, AP@k)`` for every gold question, in gold order; a missing ranking scores 0."""
    return [(qid, average_precision(targets, predictions.get(qid, []), k)) for qid, targets in gold.items()]


def map_from_average_precisions(precisions: Sequence[float]) -> dict[str, float]:
    """``{"map@20": 100 * mean AP}``; ValueError for no questions (the reference divides by zero)."""
    if not precisions:
        raise ValueError("no questions to score")
    return {"map@20": sum(precisions) / len(precisions) * 100}


def lareqa_scores(gold: Mapping[str, Sequence[str]], predictions: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """``{"map@20": value}`` over the questions given (one language's, or all languages' pooled)."""
    return map_from_average_precisions([ap for _, ap in average_precisions(gold, predictions)])
