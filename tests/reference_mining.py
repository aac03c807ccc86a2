"""The BUCC mining definition written the slow, obvious way: the reference the fast paths are tested against."""

import numpy as np


def brute_force_mine(src, tgt, k):
    """Full similarity matrix and explicit loops, float64: the definition, written the slow way."""
    x = src / np.linalg.norm(src, axis=1, keepdims=True)
    y = tgt / np.linalg.norm(tgt, axis=1, keepdims=True)
    sim = x.astype(np.float64) @ y.astype(np.float64).T
    n, m = sim.shape
    kx, ky = min(k, m), min(k, n)

    def nbrs(row):
        return sorted(range(len(row)), key=lambda j: (-row[j], j))

    fwd = [nbrs(sim[i])[:kx] for i in range(n)]
    bwd = [nbrs(sim[:, j])[:ky] for j in range(m)]
    mx = [sum(sim[i, j] for j in fwd[i]) / kx for i in range(n)]
    my = [sum(sim[i, j] for i in bwd[j]) / ky for j in range(m)]

    def margin(i, j):
        return sim[i, j] / ((mx[i] + my[j]) / 2)

    cands = []
    for i in range(n):
        best = max(fwd[i], key=lambda j: margin(i, j))
        cands.append((margin(i, best), i, best))
    for j in range(m):
        best = max(bwd[j], key=lambda i: margin(i, j))
        cands.append((margin(best, j), best, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_s, used_t, out = set(), set(), []
    for score, i, j in cands:
        if i not in used_s and j not in used_t:
            used_s.add(i)
            used_t.add(j)
            out.append((i, j, score))
    return out
