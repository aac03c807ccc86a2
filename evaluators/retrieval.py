"""Retrieval primitives for BUCC and Tatoeba: normalisation, exact k-NN, the ratio margin, top-1 search.

Pure NumPy + faiss-cpu. Everything here is exact (faiss IndexFlatIP, no approximation). The functions
work on whole arrays today; the shapes are chosen so that a blocked version (queries and keys in chunks,
merging per-chunk top-k lists) can replace the body of :func:`knn_inner_product` without changing callers.
Bitext mining built from these lives in :mod:`evaluators.mining`.

Definitions (the BUCC reference, google-research/xtreme third_party/utils_retrieve.py, after LASER):

- cos(x, y) is the inner product of the L2-normalised embeddings.
- NN_k(x, Y) are the k rows of Y with the largest cos to x; k is clamped to |Y|.
- Ratio margin (Artetxe & Schwenk 2019):
  score(x, y) = cos(x, y) / ((mean_{z in NN_k(x, Y)} cos(x, z) + mean_{z in NN_k(y, X)} cos(y, z)) / 2).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def require_finite(x: np.ndarray, what: str) -> None:
    """ValueError naming the first row of ``x`` (n, d) that holds NaN or infinity.

    Such a row has no cosine with anything: faiss ranks it arbitrarily and returns indices that are no
    row (BUCC then failed with an IndexError), and a top-1 search answers it with row 0 (Tatoeba scored a
    silent 0.00). Checked in blocks of rows, so the boolean mask stays small whatever the size of ``x``.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "fc" or x.ndim == 0:
        return
    step = max(1, (1 << 22) // max(1, int(np.prod(x.shape[1:]))))
    for start in range(0, x.shape[0], step):
        block = np.isfinite(x[start:start + step]).reshape(min(step, x.shape[0] - start), -1)
        ok = block.all(axis=1)
        if not ok.all():
            row = start + int(np.flatnonzero(~ok)[0])
            raise ValueError(f"{what}: row {row} holds NaN or infinity; every embedding must be finite to be "
                             f"compared (a model run in float16 can overflow)")


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Return a float32 copy of ``x`` (n, d) with every row scaled to unit L2 norm.

    Rows whose norm is 0 stay all-zero (no division by zero, no NaN): such a row has cos 0 with everything.
    The norm is computed in float64 so that large or tiny float32 values do not overflow or underflow. A row
    holding NaN or infinity is refused (its norm is not finite: the check costs nothing).
    """
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array (n, d), got shape {x.shape}")
    norms = np.linalg.norm(x.astype(np.float64, copy=False), axis=1, keepdims=True)
    if not np.isfinite(norms).all():
        row = int(np.flatnonzero(~np.isfinite(norms[:, 0]))[0])
        raise ValueError(f"row {row} holds NaN or infinity (or values too large to normalise); every embedding "
                         f"must be finite to be compared")
    safe = np.where(norms > 0, norms, 1.0)
    return (x / safe).astype(np.float32)


def knn_inner_product(queries: np.ndarray, keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest keys of every query by inner product (faiss IndexFlatIP).

    Returns ``(scores, indices)``, float32 and int64, each of shape (n_queries, min(k, n_keys)): k larger
    than the number of keys is clamped to the number of keys (the reference does the same), so no -1 padding
    ever appears. Each row is ordered best first; equal scores are ordered by ascending key index, so that
    the order (and everything downstream that takes "the first best") is deterministic. Which of several
    keys tied at the k-th place is returned is faiss's choice.

    Inputs are not normalised here: normalise first (:func:`l2_normalize`) to get cosine neighbours.
    """
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    keys = np.ascontiguousarray(keys, dtype=np.float32)
    if queries.ndim != 2 or keys.ndim != 2:
        raise ValueError("queries and keys must be 2-D arrays")
    if queries.shape[1] != keys.shape[1]:
        raise ValueError(f"dimension mismatch: queries {queries.shape[1]}, keys {keys.shape[1]}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    k = min(k, keys.shape[0])
    n = queries.shape[0]
    if k == 0 or n == 0:
        return np.zeros((n, k), dtype=np.float32), np.zeros((n, k), dtype=np.int64)
    import faiss  # imported when used: the metrics that never search stay free of it

    index = faiss.IndexFlatIP(keys.shape[1])
    index.add(keys)
    scores, indices = index.search(queries, k)
    # Re-sort each row by (-score, key index): faiss guarantees descending scores but not the order of ties.
    order = np.lexsort((indices, -scores), axis=1)
    scores = np.take_along_axis(scores, order, axis=1)
    indices = np.take_along_axis(indices, order, axis=1).astype(np.int64, copy=False)
    return scores, indices


def knn_mean(scores: np.ndarray) -> np.ndarray:
    """Mean of each row of a k-NN score matrix, accumulated in float64 (the margin's neighbourhood term)."""
    scores = np.asarray(scores)
    if scores.shape[1] == 0:
        return np.zeros(scores.shape[0], dtype=np.float64)
    return scores.mean(axis=1, dtype=np.float64)


def ratio_margin(cos: np.ndarray, src_mean: np.ndarray, tgt_mean: np.ndarray) -> np.ndarray:
    """Element-wise ratio margin: cos / ((src_mean + tgt_mean) / 2), in float64 (arrays broadcast).

    ``src_mean`` is the mean cos of the source sentence's k NNs among the targets, ``tgt_mean`` the mean cos
    of the target sentence's k NNs among the sources. A zero denominator (only possible with all-zero
    embeddings) gives score 0 rather than NaN/inf; a negative one is used as is, like the reference.
    """
    cos = np.asarray(cos, dtype=np.float64)
    denom = (np.asarray(src_mean, dtype=np.float64) + np.asarray(tgt_mean, dtype=np.float64)) / 2
    cos, denom = np.broadcast_arrays(cos, denom)
    out = np.zeros(cos.shape, dtype=np.float64)
    np.divide(cos, denom, out=out, where=denom != 0)
    return out


def pair_cosines(
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    src_idx: np.ndarray,
    tgt_idx: np.ndarray,
    batch_size: int = 65536,
) -> np.ndarray:
    """cos(src_emb[src_idx[i]], tgt_emb[tgt_idx[i]]) for each i, float64, for already-normalised inputs.

    Computed pair by pair (row-wise dot products) in batches, so memory is O(batch_size * d), never n x m.
    """
    src_idx = np.asarray(src_idx, dtype=np.int64)
    tgt_idx = np.asarray(tgt_idx, dtype=np.int64)
    if src_idx.shape != tgt_idx.shape or src_idx.ndim != 1:
        raise ValueError("src_idx and tgt_idx must be 1-D arrays of equal length")
    out = np.empty(src_idx.shape[0], dtype=np.float64)
    for start in range(0, src_idx.shape[0], batch_size):
        s = src_emb[src_idx[start:start + batch_size]].astype(np.float64)
        t = tgt_emb[tgt_idx[start:start + batch_size]].astype(np.float64)
        out[start:start + batch_size] = np.einsum("ij,ij->i", s, t)
    return out


def ratio_margin_scores(
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    src_idx: np.ndarray,
    tgt_idx: np.ndarray,
    k: int = 4,
) -> np.ndarray:
    """Ratio-margin score of each candidate pair (src_idx[i], tgt_idx[i]), vectorised, float64.

    Embeddings are L2-normalised here; the neighbourhood means use the k NNs of every source among all
    targets and of every target among all sources (k clamped to the other side's size).
    """
    require_finite(src_emb, "source embeddings")
    require_finite(tgt_emb, "target embeddings")
    x, y = l2_normalize(src_emb), l2_normalize(tgt_emb)
    src_mean = knn_mean(knn_inner_product(x, y, k)[0])
    tgt_mean = knn_mean(knn_inner_product(y, x, k)[0])
    src_idx = np.asarray(src_idx, dtype=np.int64)
    tgt_idx = np.asarray(tgt_idx, dtype=np.int64)
    cos = pair_cosines(x, y, src_idx, tgt_idx)
    return ratio_margin(cos, src_mean[src_idx], tgt_mean[tgt_idx])


def tatoeba_top1(src_emb: np.ndarray, tgt_emb: np.ndarray) -> np.ndarray:
    """For every row of ``src_emb``, the index of the most cosine-similar row of ``tgt_emb`` (int64, (n,)).

    Both sides are L2-normalised, then searched exactly by inner product; ties go to the lower index.
    Direction: the reference indexes the non-English sentences and queries with the English ones
    (gold is, per English line, the line number of its translation), i.e. call
    ``tatoeba_top1(english_emb, other_emb)`` to reproduce it. (It searches by L2 distance on unit vectors,
    which ranks identically to inner product up to rounding.)
    """
    if np.asarray(tgt_emb).shape[0] == 0:
        raise ValueError("tatoeba_top1 needs at least one target sentence")
    require_finite(src_emb, "source embeddings")
    require_finite(tgt_emb, "target embeddings")
    _, indices = knn_inner_product(l2_normalize(src_emb), l2_normalize(tgt_emb), 1)
    return indices[:, 0]


def top1_accuracy(gold_indices: Sequence, predicted_indices: Sequence) -> float:
    """Percent of positions where prediction == gold: ``correct / len(predictions) * 100``.

    That operation order is the reference scorer's (evaluate.py ``accuracy``), which fixes the last bit
    (1/3*100 != 100*1/3 in floating point). Lengths must match and be non-zero.
    """
    if len(gold_indices) != len(predicted_indices):
        raise ValueError(f"{len(predicted_indices)} predictions for {len(gold_indices)} gold entries")
    if len(predicted_indices) == 0:
        raise ValueError("no predictions")
    correct = sum(int(p == g) for p, g in zip(predicted_indices, gold_indices))
    return float(correct) / len(predicted_indices) * 100
