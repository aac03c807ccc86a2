"""Exact k nearest neighbours in both directions from one blocked pass over the n x m inner products.

Mining needs the k NNs of every source among the targets *and* of every target among the sources. Two
flat searches (the reference) compute every product twice; here each block S = X_blk @ Y_tile^T (float32
sgemm) updates a running top-k per source row and, from the same block, a running top-k per target column.

Selection is kept off the critical path by pruning: for each row of a block the maxima of 128 column chunks
are taken (one cheap reduction), and only chunks whose maximum reaches the row's threshold are read again.
The threshold is the row's current k-th best score, or while its list is not yet full, the k-th largest chunk
maximum of this block (k distinct elements reach that value, so it never exceeds the true k-th best). Columns
are handled the same way with 32 chunks of rows. Surviving elements are merged into the running lists in an
exact (-score, index) order, so ties go to the lower index, the order of the brute-force definition. On
random data about 0.2% of the elements survive; the cost beyond sgemm is two reductions over each block.

Threads: with threadpoolctl available, ``threads`` workers each run single-threaded BLAS on their own row
blocks (the selection work then runs in parallel too); each worker keeps its own column lists, merged at the
end. Without it, one worker uses BLAS's own threads. Ctrl-C reaches only the calling thread: it sets a stop
flag that every worker reads before each tile, so the pass ends within one tile's work (a fraction of a
second) instead of running to the end, and the interrupt goes on up (nothing half done is returned).

Peak memory beyond the inputs, with B = block_rows * tile_cols and W workers:
    m*d*4 (the normalised targets) + W * (B*4 + block_rows*d*4 + B*4/c + T + m*k*12) + n*k*12 bytes,
where B*4/c is the chunk maxima (c = 32) and T the candidate temporaries: a few percent of B*4 normally,
up to about 5 * B*4 when nearly every element is a candidate (rows of identical scores). For n = m = 400k,
d = 1024, k = 4 with the defaults (1024 x 4096 blocks) and W = 2: 1.64 GB + 2 * (17 + 4 + 0.5 + 84 + 19) MB
+ 19 MB, about 1.9 GB in the worst case (W = 16: about 3.6 GB), well inside 8 GiB.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import numpy as np

from evaluators.retrieval import l2_normalize

# Chunks per block line. Row direction: 128 chunks of columns {j, j+128, j+256, ...}, whose maxima are an
# element-wise max of contiguous slices (a max over short contiguous runs measured 5x slower). Column
# direction: 32 chunks of consecutive rows. More chunks mean fewer elements re-read per surviving chunk.
_ROW_GROUPS, _COL_GROUPS = 128, 32
_NO_INDEX = np.iinfo(np.int64).max  # index of an empty slot: loses every tie against a real element


def _row_best_first(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """The order (row, -value, col) of candidate elements.

    One int64 key (row, then the float's bits mapped to a descending integer) sorts several times faster
    than a three-key lexsort; only when two keys are equal (a tied score in one row) is the column needed.
    """
    bits = (vals + np.float32(0)).view(np.int32)  # + 0 turns -0.0 into 0.0: equal floats, equal keys
    ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF)  # ascending with the float value
    key = (rows.astype(np.int64) << 32) | ((~ordered).astype(np.int64) + 2**31)
    order = np.argsort(key)
    sorted_key = key[order]
    if np.any(sorted_key[1:] == sorted_key[:-1]):
        order = np.lexsort((cols, key))
    return order


class TopK:
    """Running top-k lists of a set of rows, best first by (-score, index)."""

    def __init__(self, n: int, k: int):
        self.k = k
        self.val = np.full((n, k), -np.inf, dtype=np.float32)
        self.idx = np.full((n, k), _NO_INDEX, dtype=np.int64)

    def threshold(self, start: int, stop: int) -> np.ndarray:
        return self.val[start:stop, self.k - 1]

    def merge(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, ascending: bool = True) -> None:
        """Merge candidate elements (row, col index, value) into the lists; each element offered once.

        ``ascending``: every candidate's index is higher than those already kept in its row (blocks visited
        in index order), which lets a stable sort on the score alone settle ties.
        """
        if rows.size == 0:
            return
        k = self.k
        # Best k candidates per row first (one sort over the candidates only), then a dense (rows, 2k) merge.
        order = _row_best_first(rows, cols, vals)
        rows, cols, vals = rows[order], cols[order], vals[order]
        first = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
        rank = np.arange(rows.size) - np.repeat(first, np.diff(np.append(first, rows.size)))
        keep = rank < k
        touched = rows[first]
        slot = np.searchsorted(touched, rows[keep])
        cand_val = np.full((touched.size, k), -np.inf, dtype=np.float32)
        cand_idx = np.full((touched.size, k), _NO_INDEX, dtype=np.int64)
        cand_val[slot, rank[keep]] = vals[keep]
        cand_idx[slot, rank[keep]] = cols[keep]
        val = np.concatenate([self.val[touched], cand_val], axis=1)
        idx = np.concatenate([self.idx[touched], cand_idx], axis=1)
        # A stable sort on the score alone is enough: blocks are visited in ascending index order, so the
        # kept entries (left) have lower indices than the candidates (right, themselves in index order).
        if ascending:
            best = np.argsort(-val, axis=1, kind="stable")[:, :k]
        else:
            best = np.lexsort((idx, -val), axis=1)[:, :k]
        self.val[touched] = np.take_along_axis(val, best, 1)
        self.idx[touched] = np.take_along_axis(idx, best, 1)


def _row_candidates(S: np.ndarray, thr: np.ndarray, k: int, groups: int):
    """Elements of S (b, w) that may enter their row's top-k: (row, column, value) within S.

    ``thr`` (b,) is each row's current k-th best (-inf while its list is not full). Chunks are the strided
    column sets {j, j + G, j + 2G, ...}: their maxima are an element-wise max of contiguous slices, which
    NumPy vectorises (a max over short contiguous runs is several times slower).
    """
    b, w = S.shape
    G = min(groups, w)
    c = w // G
    S3 = S[:, : c * G].reshape(b, c, G)
    M = S3.max(axis=1)  # (b, G)
    t = thr
    if G >= k and not np.isfinite(thr).all():
        t = np.maximum(thr, np.partition(M, G - k, axis=1)[:, G - k])
    line, g = np.nonzero(M >= t[:, None])
    vals = S3[line, :, g]  # (F, c)
    fi, ci = np.nonzero(vals >= t[line][:, None])
    out_line, out_pos, out_val = line[fi], g[fi] + G * ci, vals[fi, ci]
    if c * G < w:  # ragged tail (fewer than G columns): compared directly
        tail = S[:, c * G:]
        tl, tc = np.nonzero(tail >= t[:, None])
        out_line = np.concatenate([out_line, tl])
        out_pos = np.concatenate([out_pos, tc + c * G])
        out_val = np.concatenate([out_val, tail[tl, tc]])
    return out_line, out_pos, out_val


def _col_candidates(S: np.ndarray, thr: np.ndarray, k: int, groups: int):
    """Elements of S (b, w) that may enter their column's top-k: (column, row, value) within S.

    Chunks are runs of consecutive rows; ``thr`` (w,) is each column's current k-th best.
    """
    b, w = S.shape
    G = min(groups, b)
    c = b // G
    S3 = S[: c * G].reshape(G, c, w)
    M = S3.max(axis=1)  # (G, w)
    t = thr
    if G >= k and not np.isfinite(thr).all():
        t = np.maximum(thr, np.partition(M, G - k, axis=0)[G - k])
    q, line = np.nonzero(M >= t[None, :])
    vals = S3[q, :, line]  # (F, c)
    fi, ci = np.nonzero(vals >= t[line][:, None])
    out_line, out_pos, out_val = line[fi], q[fi] * c + ci, vals[fi, ci]
    if c * G < b:
        tail = S[c * G:]
        tr, tc = np.nonzero(tail >= t[None, :])
        out_line = np.concatenate([out_line, tc])
        out_pos = np.concatenate([out_pos, tr + c * G])
        out_val = np.concatenate([out_val, tail[tr, tc]])
    return out_line, out_pos, out_val


def _blas_single_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency of our dependencies
        return None
    return threadpool_limits(limits=1, user_api="blas")


def bidirectional_knn(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    *,
    block_rows: int = 1024,
    tile_cols: int = 4096,
    threads: int | None = None,
    normalize: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact k-NN by inner product both ways: ``(fwd_val, fwd_idx, bwd_val, bwd_idx)``.

    fwd_* (n, min(k, m)): each row of ``x``'s nearest rows of ``y``; bwd_* (m, min(k, n)): each row of
    ``y``'s nearest rows of ``x``. float32 scores and int64 indices, each list ordered by (-score, index),
    so ties at the k-th place go to the lower index. With ``normalize`` (default) both sides are
    L2-normalised first (:func:`evaluators.retrieval.l2_normalize`, so scores are cosines). ``progress`` is
    called with (rows done, n) after each block of rows.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim != 2 or y.ndim != 2:
        raise ValueError(f"expected 2-D arrays, got shapes {x.shape} and {y.shape}")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"dimension mismatch: {x.shape[1]} and {y.shape[1]}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    n, m = x.shape[0], y.shape[0]
    kx, ky = min(k, m), min(k, n)
    if n == 0 or m == 0:
        z = np.zeros
        return z((n, kx), np.float32), z((n, kx), np.int64), z((m, ky), np.float32), z((m, ky), np.int64)
    block_rows, tile_cols = max(1, min(block_rows, n)), max(1, min(tile_cols, m))
    yn = l2_normalize(y) if normalize else np.ascontiguousarray(y, dtype=np.float32)
    fwd = TopK(n, kx)

    limiter = None
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads = max(1, min(threads, -(-n // block_rows)))
    if threads > 1:
        limiter = _blas_single_thread()
        if limiter is None:
            threads = 1
    lock = threading.Lock()
    stop = threading.Event()  # set by the calling thread on Ctrl-C (or any error there): workers stop
    next_block = iter(range(0, n, block_rows))
    done = [0]
    bwd_parts = [TopK(m, ky) for _ in range(threads)]
    errors: list[BaseException] = []

    def worker(bwd: TopK) -> None:
        buf = np.empty(block_rows * tile_cols, dtype=np.float32)
        try:
            while True:
                with lock:
                    r0 = next(next_block, None)
                if r0 is None or errors or stop.is_set():
                    return
                xb = x[r0:r0 + block_rows]
                xb = l2_normalize(xb) if normalize else np.ascontiguousarray(xb, dtype=np.float32)
                b = xb.shape[0]
                rows = TopK.__new__(TopK)  # a view on this block's slice of the row lists
                rows.k, rows.val, rows.idx = kx, fwd.val[r0:r0 + b], fwd.idx[r0:r0 + b]
                for c0 in range(0, m, tile_cols):
                    if stop.is_set():
                        return
                    w = min(tile_cols, m - c0)
                    S = buf[: b * w].reshape(b, w)
                    np.matmul(xb, yn[c0:c0 + w].T, out=S)
                    line, col, val = _row_candidates(S, rows.threshold(0, b), kx, _ROW_GROUPS)
                    rows.merge(line, col + c0, val)
                    line, row, val = _col_candidates(S, bwd.threshold(c0, c0 + w), ky, _COL_GROUPS)
                    bwd.merge(line + c0, row + r0, val)
                with lock:
                    done[0] += b
                    if progress is not None:
                        progress(done[0], n)
        except BaseException as err:  # re-raised in the caller's thread
            errors.append(err)

    pool: list[threading.Thread] = []
    try:
        if threads == 1:
            worker(bwd_parts[0])
        else:
            for part in bwd_parts:
                pool.append(threading.Thread(target=worker, args=(part,)))
                pool[-1].start()
            for t in pool:
                t.join()
    except BaseException:
        # Ctrl-C arrives here, in the calling thread, while the workers compute: without the flag they
        # would run the whole pass to its end (the interpreter waits for them before it exits).
        stop.set()
        for t in pool:
            if t.ident is not None:  # started (an interrupt may land between creating and starting one)
                t.join()
        raise
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    if errors:
        raise errors[0]
    bwd = bwd_parts[0]
    if threads > 1:
        val = np.concatenate([p.val for p in bwd_parts], axis=1)
        idx = np.concatenate([p.idx for p in bwd_parts], axis=1)
        order = np.lexsort((idx, -val), axis=1)[:, :ky]
        bwd.val, bwd.idx = np.take_along_axis(val, order, 1), np.take_along_axis(idx, order, 1)
    return fwd.val, fwd.idx, bwd.val, bwd.idx
