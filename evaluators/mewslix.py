"""Mewsli-X entity retrieval: mean reciprocal rank over the top 20 (the reference's "map@20").

As google-research/xtreme third_party/utils_mewslix.py ``evaluate(..., k=20)`` defines it, with
evaluate.py's ``{'map@20': mrr * 100}`` on top:

* gold: per query id (in the gold file's order), the first gold entity id of its list, stripped of
  surrounding white space. The data has one gold entity a query; further ones are ignored, so with one
  gold a query the average precision at 20 is exactly the reciprocal rank (hence the reference's key).
* predictions: the query's ranked entity ids, cut to the first 20, compared with ``==`` as given (not
  stripped); a query without predictions is an empty list.
* reciprocal rank: ``1.0 / rank`` of the first entry (1-based) equal to the gold id, else ``0.0``; a
  repeated wrong entity still takes up its ranks.
* ``map@20 = sum(reciprocal ranks) / number of gold queries * 100``; 0.0 when there are no queries.
  Per language; the task score is the unweighted mean over languages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

TOP_K = 20


def reciprocal_rank(gold: str, ranked: Sequence[str], k: int = TOP_K) -> float:
    """``1.0 / rank`` of ``gold`` among the first ``k`` of ``ranked`` (1-based), 0.0 when it is not there."""
    for rank, entity in enumerate(ranked[:k], start=1):
        if entity == gold:
            return 1.0 / rank
    return 0.0


def reciprocal_ranks(gold: Mapping[str, Sequence[str]], predictions: Mapping[str, Sequence[str]],
                     k: int = TOP_K) -> list[tuple[str, float]]:
    """``(query id, reciprocal rank)`` for every gold query, in gold order (see the module docstring)."""
    return [(qid, reciprocal_rank(entities[0].strip(), predictions.get(qid, []), k))
            for qid, entities in gold.items()]


def mrr_from_reciprocal_ranks(ranks: Sequence[float]) -> dict[str, float]:
    """``{"map@20": 100 * mean reciprocal rank}`` in the reference's operation order."""
    mrr = sum(ranks) / len(ranks) if ranks else 0.0
    return {"map@20": mrr * 100}


def mewslix_scores(gold: Mapping[str, Sequence[str]], predictions: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """``{"map@20": value}`` for one language (``gold``: query id -> [gold entity id, ...])."""
    return mrr_from_reciprocal_ranks([rank for _, rank in reciprocal_ranks(gold, predictions)])
