"""BUCC bitext mining: margin-scored candidates, greedy one-to-one matching, the F1-optimal threshold.

Pipeline (spec "BUCC mining"; candidate generation checked against google-research/xtreme
third_party/utils_retrieve.py ``mine_bitext`` with retrieval='max', margin='ratio', k=4):

1. :func:`unique_texts` on each side: identical sentences are embedded once; mining works on indices
   into the unique texts.
2. :func:`mine_bitext`: candidates from both directions, sorted, matched greedily one-to-one.
3. :func:`pairs_to_ids`: index pairs -> (src id, tgt id, score) under a stated duplicate policy.
4. :func:`fit_threshold` on dev gold, then :func:`apply_threshold` with the same threshold on test.

Policies stated once:

- Tie-break: candidates are ordered by (-score, src index, tgt index), a total order, so mining is
  deterministic (the reference uses an unstable argsort). Within a k-NN list, the best-margin candidate is
  the first maximum in the list order (cos descending, then key index ascending).
- Threshold comparison: a candidate is kept when score >= threshold, in both fitting and applying.
- Duplicates: see :func:`pairs_to_ids` ("drop" is the reference's, "expand" is jiant's).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from evaluators.bitext import prf_from_counts

DUPLICATE_POLICIES = ("expand", "drop", "first")


@dataclass(frozen=True)
class MinedPairs:
    """One-to-one mined index pairs in mining order (score descending, ties by src then tgt index)."""

    src: np.ndarray  # int64 (n,), row index into the source embeddings
    tgt: np.ndarray  # int64 (n,), row index into the target embeddings
    score: np.ndarray  # float64 (n,), ratio margin

    def __len__(self) -> int:
        return int(self.src.shape[0])

    def as_tuples(self) -> list[tuple[int, int, float]]:
        return [(int(s), int(t), float(c)) for s, t, c in zip(self.src, self.tgt, self.score)]


def _empty_pairs() -> MinedPairs:
    return MinedPairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))


def greedy_one_to_one(src: np.ndarray, tgt: np.ndarray, score: np.ndarray) -> MinedPairs:
    """Sort candidates by (-score, src, tgt) and keep each one whose source and target are both unused.

    The same pair offered by both directions is kept once (its second copy finds both ends used).
    """
    src = np.asarray(src, dtype=np.int64)
    tgt = np.asarray(tgt, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    if np.isnan(score).any():
        raise ValueError("candidate scores contain NaN")
    order = np.lexsort((tgt, src, -score))
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    keep = []
    # Sequential by nature (each choice blocks later ones); a plain loop over the sorted list is O(n).
    for pos, s, t in zip(order.tolist(), src[order].tolist(), tgt[order].tolist()):
        if s in used_src or t in used_tgt:
            continue
        used_src.add(s)
        used_tgt.add(t)
        keep.append(pos)
    keep_idx = np.asarray(keep, dtype=np.int64)
    return MinedPairs(src[keep_idx], tgt[keep_idx], score[keep_idx])


INDEX_KINDS = ("exact", "ivf", "hnsw")


def bidirectional_neighbours(
    src_emb: np.ndarray, tgt_emb: np.ndarray, k: int = 4, index: str = "exact", **options
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """k-NN of every source among the targets and of every target among the sources, by cosine.

    Returns ``(fwd_cos, fwd_idx, bwd_cos, bwd_idx)``, lists ordered by (-cos, index). ``index="exact"``
    is one blocked pass over the products (:func:`evaluators.knn_blocked.bidirectional_knn`; options
    ``block_rows``, ``tile_cols``, ``threads``, ``progress``); ``"ivf"`` (faiss k-means lists, searched
    list by list with sgemm) and ``"hnsw"`` (faiss IndexHNSWFlat) are approximate
    (:func:`evaluators.knn_approx.approximate_bidirectional_knn`; options ``nlist``, ``nprobe``,
    ``hnsw_m``, ``ef_search``): faster on clustered data, and a missed neighbour has index -1, cos -inf.
    A row holding NaN or infinity is refused (ValueError naming the side and row) before any search.
    """
    from evaluators.retrieval import require_finite

    require_finite(src_emb, "source embeddings")
    require_finite(tgt_emb, "target embeddings")
    if index == "exact":
        from evaluators.knn_blocked import bidirectional_knn

        return bidirectional_knn(src_emb, tgt_emb, k, **options)
    if index in ("ivf", "hnsw"):
        from evaluators.knn_approx import approximate_bidirectional_knn

        return approximate_bidirectional_knn(src_emb, tgt_emb, k, index, **options)
    raise ValueError(f"index must be one of {INDEX_KINDS}, got {index!r}")


def _valid_mean(cos: np.ndarray, idx: np.ndarray) -> np.ndarray:
    # Mean over the neighbours actually found (approximate search can miss some); float64 like knn_mean.
    if cos.shape[1] == 0:
        return np.zeros(cos.shape[0], dtype=np.float64)
    found = idx >= 0
    if found.all():
        # knn_mean's value (float64 sum, then / k; the same bits for k < 8, where NumPy sums in order),
        # by columns: a mean over rows of 4 elements measured 10x slower than adding 4 columns.
        total = cos[:, 0].astype(np.float64)
        for j in range(1, cos.shape[1]):
            total += cos[:, j]
        return total / cos.shape[1]
    total = np.where(found, cos, 0).sum(axis=1, dtype=np.float64)
    count = found.sum(axis=1)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _margins(cos: np.ndarray, own_mean: np.ndarray, other_mean: np.ndarray) -> np.ndarray:
    # ratio_margin's values (float64, zero denominator -> 0) without its broadcasting overhead: this runs
    # on every neighbour of every sentence.
    denom = (own_mean[:, None] + other_mean) / 2
    if denom.all():
        return np.divide(cos, denom)
    out = np.zeros(cos.shape, dtype=np.float64)
    np.divide(cos, denom, out=out, where=denom != 0)
    return out


def margin_candidates(
    fwd_cos: np.ndarray, fwd_idx: np.ndarray, bwd_cos: np.ndarray, bwd_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The n + m ratio-margin candidates ``(src, tgt, score)`` from both directions' k-NN lists, vectorised.

    Every neighbour's margin uses its query's own k-NN mean and the neighbour's k-NN mean (gathered by
    index); each query proposes its best-margin neighbour (the first maximum in list order). Neighbours with
    index -1 (missed by an approximate search) propose nothing.
    """
    n, m = fwd_cos.shape[0], bwd_cos.shape[0]
    if n == 0 or m == 0 or fwd_cos.shape[1] == 0 or bwd_cos.shape[1] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    fwd_mean, bwd_mean = _valid_mean(fwd_cos, fwd_idx), _valid_mean(bwd_cos, bwd_idx)
    fwd_ok, bwd_ok = fwd_idx >= 0, bwd_idx >= 0
    complete = fwd_ok.all() and bwd_ok.all()
    fwd_scores = _margins(fwd_cos, fwd_mean, bwd_mean[fwd_idx if complete else np.where(fwd_ok, fwd_idx, 0)])
    bwd_scores = _margins(bwd_cos, bwd_mean, fwd_mean[bwd_idx if complete else np.where(bwd_ok, bwd_idx, 0)])
    if not complete:
        fwd_scores[~fwd_ok] = -np.inf
        bwd_scores[~bwd_ok] = -np.inf
    fwd_best = fwd_scores.argmax(axis=1)[:, None]  # argmax returns the first maximum: list order breaks ties
    bwd_best = bwd_scores.argmax(axis=1)[:, None]
    pick = np.take_along_axis
    cand_src = np.concatenate([np.arange(n), pick(bwd_idx, bwd_best, 1)[:, 0]])
    cand_tgt = np.concatenate([pick(fwd_idx, fwd_best, 1)[:, 0], np.arange(m)])
    cand_score = np.concatenate([pick(fwd_scores, fwd_best, 1)[:, 0], pick(bwd_scores, bwd_best, 1)[:, 0]])
    if complete:
        return cand_src, cand_tgt, cand_score
    ok = (cand_src >= 0) & (cand_tgt >= 0)
    return cand_src[ok], cand_tgt[ok], cand_score[ok]


def mine_from_neighbours(
    fwd_cos: np.ndarray, fwd_idx: np.ndarray, bwd_cos: np.ndarray, bwd_idx: np.ndarray
) -> MinedPairs:
    """:func:`margin_candidates` from both directions' k-NN lists, then :func:`greedy_one_to_one`."""
    return greedy_one_to_one(*margin_candidates(fwd_cos, fwd_idx, bwd_cos, bwd_idx))


def mine_bitext(src_emb: np.ndarray, tgt_emb: np.ndarray, k: int = 4, index: str = "exact", **options) -> MinedPairs:
    """Mine one-to-one sentence pairs between two embedding sets with the ratio margin.

    L2-normalise both sides; k-NN source->target and target->source (k clamped to the other side's size;
    :func:`bidirectional_neighbours`, ``index`` and ``options`` as there); score every neighbour with the
    ratio margin (:func:`evaluators.retrieval.ratio_margin`). Candidates: each source with its best-margin
    target among its k NNs, and each target with its best-margin source among its k NNs (|src| + |tgt|
    candidates). Then :func:`greedy_one_to_one`. No score threshold is applied here (the reference drops
    scores <= 0 at this stage; we keep them and leave all cutting to :func:`fit_threshold`). The cos of a
    candidate is the one its k-NN search computed (float32).
    """
    src_emb, tgt_emb = np.asarray(src_emb), np.asarray(tgt_emb)
    if src_emb.shape[0] == 0 or tgt_emb.shape[0] == 0:
        return _empty_pairs()
    return mine_from_neighbours(*bidirectional_neighbours(src_emb, tgt_emb, k, index, **options))


@dataclass(frozen=True)
class UniqueTexts:
    """The distinct sentences of one side and which ids carry each (both in first-occurrence order)."""

    texts: list[str]  # distinct texts: embed these, in this order
    ids: list[tuple[str, ...]]  # ids[i]: every id whose sentence is texts[i], in input order
    inverse: np.ndarray  # int64 (n_input,): input position -> index into texts


def unique_texts(ids: Sequence[str], texts: Sequence[str]) -> UniqueTexts:
    """Group sentences by exact string equality (strip them first to match the reference's reading)."""
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
    position: dict[str, int] = {}
    groups: list[list[str]] = []
    inverse = np.empty(len(texts), dtype=np.int64)
    for n, (sid, text) in enumerate(zip(ids, texts)):
        i = position.setdefault(text, len(groups))
        if i == len(groups):
            groups.append([])
        groups[i].append(sid)
        inverse[n] = i
    return UniqueTexts(list(position), [tuple(g) for g in groups], inverse)


def pairs_to_ids(
    mined: MinedPairs, src: UniqueTexts, tgt: UniqueTexts, duplicates: str = "drop"
) -> list[tuple[str, str, float]]:
    """Map mined unique-text index pairs to (src id, tgt id, score) triples, in mining order.

    A text is "repeated" when more than one id carries it. Policies:

    - ``"drop"`` (the reference's): a mined pair whose source text or target text is repeated yields
      nothing. Gold pairs involving repeated texts then cannot be found (recall pays for them).
    - ``"expand"`` (jiant's): a mined pair yields every (src id, tgt id) combination of the ids carrying
      the two texts, source-major in input id order, all with the pair's score.
    - ``"first"``: a mined pair yields one pair: the first id (input order) carrying each text.

    The greedy one-to-one matching happened on texts, before this mapping, under every policy.
    """
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_POLICIES}, got {duplicates!r}")
    out: list[tuple[str, str, float]] = []
    for s, t, score in mined.as_tuples():
        s_ids, t_ids = src.ids[s], tgt.ids[t]
        if duplicates == "drop":
            if len(s_ids) == 1 and len(t_ids) == 1:
                out.append((s_ids[0], t_ids[0], score))
        elif duplicates == "first":
            out.append((s_ids[0], t_ids[0], score))
        else:
            out.extend((a, b, score) for a in s_ids for b in t_ids)
    return out


@dataclass(frozen=True)
class ThresholdFit:
    """The dev-optimal threshold and the dev scores it gives (fractions; integer 0 when none correct)."""

    threshold: float  # keep candidates with score >= threshold; +inf when no threshold gives F1 > 0
    precision: float
    recall: float
    f1: float
    n_predicted: int  # distinct pairs with score >= threshold
    n_correct: int
    n_gold: int


def _best_scores(candidates: Iterable[tuple[Hashable, Hashable, float]]) -> dict[tuple, float]:
    # A pair listed more than once counts once, with its highest score (the reference does the same).
    best: dict[tuple, float] = {}
    for s, t, score in candidates:
        score = float(score)
        if math.isnan(score):
            raise ValueError(f"NaN score for candidate {(s, t)!r}")
        key = (s, t)
        if key not in best or score > best[key]:
            best[key] = score
    return best


def fit_threshold(
    candidates: Iterable[tuple[Hashable, Hashable, float]],
    gold_pairs: Iterable[tuple[Hashable, Hashable]],
) -> ThresholdFit:
    """The score threshold that maximises F1 of {pairs with score >= threshold} against dev gold.

    Candidates are (src id, tgt id, score). Only thresholds between distinct scores are considered: tied
    candidates are always taken together, because >= cannot separate them (the reference scans one candidate
    at a time and can report an F1 that its own threshold does not reproduce). For each distinct score s,
    taking all candidates with score >= s gives P/R/F1 (:func:`evaluators.bitext.prf_from_counts`); the first
    (highest) s with the largest F1 wins, and the threshold is the midpoint between s and the next lower
    distinct score (s itself when s is the lowest, or when the midpoint rounds onto the lower score).
    If no threshold gives F1 > 0 (no candidates, no gold, or no correct candidate), the threshold is +inf
    (extract nothing; the reference would default to 0) and P = R = F1 = 0.
    Applying the result with :func:`apply_threshold` to the same candidates reproduces these dev numbers
    exactly.
    """
    best = _best_scores(candidates)
    gold = {tuple(p) for p in gold_pairs}
    pairs = sorted(best, key=best.__getitem__, reverse=True)
    scores = [best[p] for p in pairs]
    fit = ThresholdFit(math.inf, 0, 0, 0, 0, 0, len(gold))
    n_correct = 0
    for i, pair in enumerate(pairs):
        n_correct += pair in gold
        last = i + 1 == len(pairs)
        if not last and scores[i + 1] == scores[i]:
            continue  # not a group boundary: the tied candidates below come with this one
        precision, recall, f1 = prf_from_counts(n_correct, i + 1, len(gold))
        if f1 > fit.f1:
            threshold = scores[i]
            if not last:
                mid = (scores[i] + scores[i + 1]) / 2
                # Adjacent floats can round the midpoint onto the lower score, which would admit it.
                threshold = mid if scores[i + 1] < mid <= scores[i] else scores[i]
            fit = ThresholdFit(threshold, precision, recall, f1, i + 1, n_correct, len(gold))
    return fit


def apply_threshold(
    candidates: Iterable[tuple[Hashable, Hashable, float]], threshold: float
) -> list[tuple[Hashable, Hashable]]:
    """Distinct (src id, tgt id) pairs whose (highest) score is >= threshold, in first-seen order."""
    best = _best_scores(candidates)
    return [pair for pair, score in best.items() if score >= threshold]
