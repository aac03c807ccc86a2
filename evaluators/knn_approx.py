"""Approximate k-NN both ways (IVF, HNSW), and recall@k against exact search.

For users who trade a little accuracy for a lot of time. Both sides are L2-normalised and searched by
inner product, so scores are cosines, as in exact mining.

- ``ivf``: faiss k-means (spherical) centroids on both sides; each vector goes to its nearest list; a query
  searches the keys of its ``nprobe`` nearest lists. The search runs list by list (all queries probing a
  list against its keys in one sgemm), not query by query as faiss IndexIVFFlat does: same candidates,
  but compute-bound instead of memory-bound (faiss's per-query scan measured about 20x slower here).
- ``hnsw``: faiss IndexHNSWFlat, one graph per side.

The trade is good only when the embeddings are
clustered (real sentence embeddings are): on unclustered data (e.g. random vectors) a query's neighbours
are spread over all inverted lists / graph regions and recall collapses unless nearly everything is
searched, which is slower than the exact blocked pass. :func:`estimate_recall` measures it on a sample.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from evaluators.retrieval import l2_normalize

APPROXIMATE_KINDS = ("ivf", "hnsw")


def default_nlist(n_keys: int) -> int:
    # About sqrt(n) lists; faiss wants >= 39 training points per list.
    return max(1, min(int(round(math.sqrt(n_keys))), n_keys // 39 or 1))


def build_hnsw(keys: np.ndarray, *, hnsw_m: int = 32, ef_search: int | None = None, k: int = 4):
    """A faiss HNSW inner-product graph over ``keys`` (float32, normalised), ready to search."""
    import faiss

    index = faiss.IndexHNSWFlat(keys.shape[1], hnsw_m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = max(40, 2 * hnsw_m)
    index.add(keys)
    index.hnsw.efSearch = max(ef_search or 64, k)
    return index


def _search(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores, indices = index.search(queries, k)
    scores = np.where(indices >= 0, scores, -np.inf).astype(np.float32)
    # Same order as exact search: (-score, index), missing neighbours (-1) last.
    order = np.lexsort((np.where(indices >= 0, indices, np.iinfo(np.int64).max), -scores), axis=1)
    return np.take_along_axis(scores, order, 1), np.take_along_axis(indices, order, 1).astype(np.int64)


def train_centroids(sample: np.ndarray, nlist: int, seed: int = 0, niter: int = 10) -> np.ndarray:
    """Spherical k-means centroids (faiss.Kmeans) of normalised vectors, (nlist, d) float32."""
    import faiss

    kmeans = faiss.Kmeans(sample.shape[1], nlist, niter=niter, spherical=True, seed=seed, verbose=False)
    kmeans.train(np.ascontiguousarray(sample, dtype=np.float32))
    return kmeans.centroids


def _top_lists(vectors: np.ndarray, centroids: np.ndarray, nprobe: int, block: int = 65536) -> np.ndarray:
    """Indices (n, nprobe) of each vector's nprobe most similar centroids."""
    out = np.empty((vectors.shape[0], nprobe), dtype=np.int64)
    for start in range(0, vectors.shape[0], block):
        sims = vectors[start:start + block] @ centroids.T
        if nprobe == 1:
            out[start:start + block, 0] = sims.argmax(axis=1)
        elif nprobe < sims.shape[1]:
            out[start:start + block] = np.argpartition(-sims, nprobe - 1, axis=1)[:, :nprobe]
        else:
            out[start:start + block] = np.argsort(-sims, axis=1)[:, :nprobe]
    return out


class Stopped(Exception):
    """A search stopped part-way because its ``stop`` flag was set (the caller was interrupted)."""


def ivf_knn(queries: np.ndarray, keys: np.ndarray, k: int, centroids: np.ndarray, nprobe: int,
            stop: threading.Event | None = None):
    """IVF search done list by list: for each inverted list, every query probing it at once.

    ``stop``: when set (by another thread), the search raises Stopped before its next list.

    Same candidates as a per-query IVF-Flat search (faiss IndexIVFFlat with this nprobe), but each
    (queries of a list) x (keys of the list) product is one sgemm, compute-bound, where a per-query scan
    reads every probed key once per query and is bound by memory bandwidth (measured here: 20x slower).
    """
    from evaluators.knn_blocked import TopK, _row_candidates

    key_list = _top_lists(keys, centroids, 1)[:, 0]
    probes = _top_lists(queries, centroids, min(nprobe, centroids.shape[0]))
    order = np.argsort(key_list, kind="stable")
    bounds = np.searchsorted(key_list[order], np.arange(centroids.shape[0] + 1))
    q_order = np.argsort(probes.ravel(), kind="stable")
    q_bounds = np.searchsorted(probes.ravel()[q_order], np.arange(centroids.shape[0] + 1))
    q_rows = q_order // probes.shape[1]
    top = TopK(queries.shape[0], k)
    for lst in range(centroids.shape[0]):
        if stop is not None and stop.is_set():
            raise Stopped
        members = order[bounds[lst]:bounds[lst + 1]]
        qs = q_rows[q_bounds[lst]:q_bounds[lst + 1]]
        if members.size == 0 or qs.size == 0:
            continue
        S = queries[qs] @ keys[members].T
        line, col, val = _row_candidates(S, top.val[qs, k - 1], k, 128)
        top.merge(qs[line], members[col], val, ascending=False)
    idx = np.where(top.idx == np.iinfo(np.int64).max, -1, top.idx)
    return top.val, idx


def approximate_bidirectional_knn(x: np.ndarray, y: np.ndarray, k: int, kind: str = "ivf", **options):
    """``(fwd_cos, fwd_idx, bwd_cos, bwd_idx)`` like the exact pass, from two faiss indexes.

    Options: ``nlist`` (IVF lists, default about sqrt(n)), ``nprobe`` (lists searched, default nlist/16),
    ``hnsw_m`` (graph degree, 32), ``ef_search`` (HNSW beam, 64). A neighbour not found is index -1, cos -inf.
    """
    if kind not in APPROXIMATE_KINDS:
        raise ValueError(f"approximate index must be one of {APPROXIMATE_KINDS}, got {kind!r}")
    xn, yn = l2_normalize(x), l2_normalize(y)
    if xn.shape[1] != yn.shape[1]:
        raise ValueError(f"dimension mismatch: {xn.shape[1]} and {yn.shape[1]}")
    kx, ky = min(k, yn.shape[0]), min(k, xn.shape[0])
    if kind == "ivf":
        nlist = options.get("nlist") or default_nlist(max(xn.shape[0], yn.shape[0]))
        nprobe = options.get("nprobe") or max(1, nlist // 16)
        rng = np.random.default_rng(options.get("seed", 0))
        both = np.concatenate([xn, yn]) if xn.shape[0] + yn.shape[0] <= 64 * nlist else np.concatenate(
            [xn[rng.choice(xn.shape[0], min(xn.shape[0], 32 * nlist), replace=False)],
             yn[rng.choice(yn.shape[0], min(yn.shape[0], 32 * nlist), replace=False)]])
        centroids = train_centroids(both, min(nlist, both.shape[0]), seed=options.get("seed", 0))
        # The per-list products are small: BLAS threads cost more than they give, so the two directions
        # run side by side, each on one BLAS thread.
        from concurrent.futures import ThreadPoolExecutor

        from evaluators.knn_blocked import _blas_single_thread

        limiter = _blas_single_thread()
        stop = threading.Event()
        try:
            with ThreadPoolExecutor(2) as pool:
                fwd = pool.submit(ivf_knn, xn, yn, kx, centroids, nprobe, stop)
                bwd = pool.submit(ivf_knn, yn, xn, ky, centroids, nprobe, stop)
                try:
                    return fwd.result() + bwd.result()
                except BaseException:  # Ctrl-C in this thread: stop both searches now, not at their end
                    stop.set()
                    fwd.cancel()
                    bwd.cancel()
                    raise
        finally:
            if limiter is not None:
                limiter.restore_original_limits()
    hnsw = {key: options[key] for key in ("hnsw_m", "ef_search") if options.get(key) is not None}
    fwd = _search(build_hnsw(yn, k=kx, **hnsw), xn, kx)
    bwd = _search(build_hnsw(xn, k=ky, **hnsw), yn, ky)
    return fwd + bwd


def estimate_recall(x: np.ndarray, y: np.ndarray, fwd_idx: np.ndarray, bwd_idx: np.ndarray, k: int,
                    sample: int = 1000, seed: int = 0) -> float:
    """recall@k of approximate neighbour lists: the share of the exact k-NN they contain.

    Measured on ``sample`` random queries per direction (exact search of a sample costs sample/n of a full
    pass), pooled over both directions. Ties at the k-th place can make a correct list count as a miss.
    """
    from evaluators.knn_blocked import bidirectional_knn

    rng = np.random.default_rng(seed)
    hits = total = 0
    for queries, keys, approx in ((x, y, fwd_idx), (y, x, bwd_idx)):
        kk = approx.shape[1]
        if queries.shape[0] == 0 or kk == 0:
            continue
        rows = np.sort(rng.choice(queries.shape[0], min(sample, queries.shape[0]), replace=False))
        _, exact, _, _ = bidirectional_knn(queries[rows], keys, kk)
        got = approx[rows]
        hits += sum(len(set(a.tolist()) & set(e.tolist())) for a, e in zip(got, exact))
        total += exact.size
    return hits / total if total else 1.0
