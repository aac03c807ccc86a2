"""Mining benchmark: the blocked exact pass against the reference pipeline, the sgemm ceiling and IVF/HNSW.

    python benchmarks/bench_mining.py            # n = 20k, d = 768 and 1024 (a few minutes on 2 cores)
    python benchmarks/bench_mining.py --full     # also n = 50k and 100k (tens of minutes)

For each size, on random unit vectors, all in the same run:
- ceiling: plain float32 sgemm (numpy/BLAS, all cores) on the same block shapes, no selection
  (measured on up to 4096 source rows against all targets; best of --repeat);
- ours: ``bidirectional_knn`` (one blocked pass; best of --repeat) + vectorised margin scoring + greedy matching;
- (b): two flat faiss searches (``knn_inner_product`` both ways; best of --repeat) + the same vectorised scoring;
- (a): the same two faiss searches + a Python candidate loop as the reference (utils_retrieve.py) does;
  its pairs are checked equal to ours (scores to 1e-5).
Then, on clustered data (100 points per cluster), exact against IVF (nprobe 4 of about sqrt(n) lists; and
HNSW with --hnsw): time and recall@4 (500 sampled queries per direction);
and IVF on the random data, to show why approximate search is useless there.
GFLOP/s counts the products mining needs, 2 * n * m * d, once (flat search computes them twice).
Figures are printed and written to benchmarks/results/mining-<host>.md (atomically).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from evaluators.knn_approx import approximate_bidirectional_knn, estimate_recall  # noqa: E402
from evaluators.knn_blocked import bidirectional_knn  # noqa: E402
from evaluators.mining import greedy_one_to_one, margin_candidates, mine_from_neighbours  # noqa: E402
from evaluators.retrieval import knn_inner_product, l2_normalize  # noqa: E402
from harness_tasks.atomic import write_text_atomic as write_atomic  # noqa: E402


def reference_candidate_loop(fwd_cos, fwd_idx, bwd_cos, bwd_idx):
    """Baseline (a): margin candidates scored one at a time in Python, the reference's way (not our code)."""
    fwd_mean = [sum(row) / len(row) for row in fwd_cos.tolist()]
    bwd_mean = [sum(row) / len(row) for row in bwd_cos.tolist()]
    src, tgt, score = [], [], []
    for i, (cos_row, idx_row) in enumerate(zip(fwd_cos.tolist(), fwd_idx.tolist())):
        best, best_j = None, None
        for c, j in zip(cos_row, idx_row):
            s = c / ((fwd_mean[i] + bwd_mean[j]) / 2)
            if best is None or s > best:
                best, best_j = s, j
        src.append(i), tgt.append(best_j), score.append(best)
    for j, (cos_row, idx_row) in enumerate(zip(bwd_cos.tolist(), bwd_idx.tolist())):
        best, best_i = None, None
        for c, i in zip(cos_row, idx_row):
            s = c / ((fwd_mean[i] + bwd_mean[j]) / 2)
            if best is None or s > best:
                best, best_i = s, i
        src.append(best_i), tgt.append(j), score.append(best)
    return src, tgt, score


def sgemm_ceiling(x, y, block_rows=1024, tile_cols=4096, max_rows=4096):
    """GFLOP/s of plain sgemm over the same block shapes (on up to max_rows source rows: the rate is flat)."""
    xs = x[:max_rows]
    buf = np.empty(block_rows * tile_cols, dtype=np.float32)
    np.matmul(xs[:block_rows], y[:tile_cols].T, out=buf[: min(block_rows, len(xs)) * min(tile_cols, len(y))]
              .reshape(min(block_rows, len(xs)), min(tile_cols, len(y))))  # warm-up
    start = time.perf_counter()
    for r0 in range(0, len(xs), block_rows):
        a = xs[r0:r0 + block_rows]
        for c0 in range(0, len(y), tile_cols):
            b = y[c0:c0 + tile_cols]
            np.matmul(a, b.T, out=buf[: len(a) * len(b)].reshape(len(a), len(b)))
    return 2 * len(xs) * len(y) * x.shape[1] / (time.perf_counter() - start) / 1e9


def clustered_pair(rng, n, d, per_cluster=100, spread=0.5):
    """Two sides sharing topic clusters (about 100 sentences each): half of the targets are noisy copies
    ("translations") of sources, the other half are other members of the same clusters."""
    centres = rng.standard_normal((max(1, n // per_cluster), d)).astype(np.float32)

    def members(count):
        return centres[rng.integers(0, len(centres), count)] + spread * rng.standard_normal((count, d)).astype(np.float32)

    x = members(n)
    y = np.concatenate([x[: n // 2] + 0.02 * rng.standard_normal((n // 2, d)).astype(np.float32), members(n - n // 2)])
    return l2_normalize(x), l2_normalize(y)


def timed(fn, *args, **kw):
    start = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - start


def bench_size(n, d, args, rng):
    x = l2_normalize(rng.standard_normal((n, d)).astype(np.float32))
    y = l2_normalize(rng.standard_normal((n, d)).astype(np.float32))
    flops = 2 * n * n * d
    row = {"n": n, "d": d, "load": os.getloadavg()[0]}
    # Best of --repeat for the ceiling, ours and (b), interleaved, so that a burst of load from other users
    # of the machine hits all three alike.
    row["sgemm_gflops"], row["ours_knn_s"], row["faiss_s"] = 0.0, float("inf"), float("inf")
    for _ in range(args.repeat):
        row["sgemm_gflops"] = max(row["sgemm_gflops"], sgemm_ceiling(x, y))
        neigh, t = timed(bidirectional_knn, x, y, args.k)
        row["ours_knn_s"] = min(row["ours_knn_s"], t)
        # (b): two flat faiss searches (+ the same vectorised scoring, below)
        start = time.perf_counter()
        fwd = knn_inner_product(x, y, args.k)
        bwd = knn_inner_product(y, x, args.k)
        row["faiss_s"] = min(row["faiss_s"], time.perf_counter() - start)
    mined, row["ours_mine_s"] = timed(mine_from_neighbours, *neigh)
    row["ours_s"] = row["ours_knn_s"] + row["ours_mine_s"]
    row["ours_gflops"] = flops / row["ours_knn_s"] / 1e9
    flat = (fwd[0], fwd[1], bwd[0], bwd[1])
    mined_b, row["b_mine_s"] = timed(mine_from_neighbours, *flat)
    row["b_s"] = row["faiss_s"] + row["b_mine_s"]
    # scoring step alone, ours (vectorised, greedy excluded) vs the reference loop
    # Milliseconds on a shared machine: best of several runs for both sides of this ratio.
    row["ours_score_s"] = min(timed(margin_candidates, *neigh)[1] for _ in range(5))
    row["a_loop_s"] = min(timed(reference_candidate_loop, *flat)[1] for _ in range(2))
    src, tgt, score = reference_candidate_loop(*flat)
    mined_a = greedy_one_to_one(np.array(src), np.array(tgt), np.array(score))
    row["a_s"] = row["faiss_s"] + row["a_loop_s"] + (row["b_mine_s"] - row["ours_score_s"])
    row["same_as_reference"] = same_pairs(mined, mined_a)
    if not args.no_approx:
        bench_approx(n, d, args, rng, row)
    return row


def same_pairs(a, b, atol=1e-5):
    """Same set of (src, tgt) pairs with scores within atol. (The order of two pairs whose scores differ by
    ~1e-7, the float32 rounding of two sgemm implementations, may differ when they do not conflict.)"""
    sa = {(s, t): c for s, t, c in a.as_tuples()}
    sb = {(s, t): c for s, t, c in b.as_tuples()}
    if sa.keys() != sb.keys():
        return f"no: {len(sa.keys() ^ sb.keys())} pairs differ"
    worst = max((abs(sa[p] - sb[p]) for p in sa), default=0.0)
    return "yes" if worst <= atol else f"no: score diff {worst:.1e}"


def bench_approx(n, d, args, rng, row):
    xc, yc = clustered_pair(rng, n, d)
    _, row["exact_clustered_s"] = timed(bidirectional_knn, xc, yc, args.k)
    kinds = [("ivf", {"nprobe": args.nprobe})]
    if args.hnsw:
        kinds.append(("hnsw", {}))
    for kind, opts in kinds:
        approx, t = timed(approximate_bidirectional_knn, xc, yc, args.k, kind, **opts)
        row[f"{kind}_s"] = t
        row[f"{kind}_recall"] = estimate_recall(xc, yc, approx[1], approx[3], args.k, sample=500)
    x = l2_normalize(rng.standard_normal((n, d)).astype(np.float32))
    approx = approximate_bidirectional_knn(x, x[::-1].copy(), args.k, "ivf", **kinds[0][1])
    row["ivf_random_recall"] = estimate_recall(x, x[::-1].copy(), approx[1], approx[3], args.k, sample=500)


def fmt_table(rows):
    head = ("| n | d | load | sgemm GF/s | ours s | ours GF/s | % of sgemm | (b) faiss x2 + vec s | vs (b) "
            "| (a) faiss x2 + loop s | vs (a) | scoring: loop s / ours s | same pairs as (a) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['d']} | {r['load']:.1f} | {r['sgemm_gflops']:.0f} | {r['ours_s']:.2f} | "
            f"{r['ours_gflops']:.0f} | {100 * r['ours_gflops'] / r['sgemm_gflops']:.0f}% | {r['b_s']:.2f} | "
            f"{r['b_s'] / r['ours_s']:.2f}x | {r['a_s']:.2f} | {r['a_s'] / r['ours_s']:.2f}x | "
            f"{r['a_loop_s']:.2f} / {r['ours_score_s']:.4f} = {r['a_loop_s'] / r['ours_score_s']:.0f}x | "
            f"{r['same_as_reference']} |")
    if any("ivf_s" in r for r in rows):
        lines += ["", "| n | d | exact (clustered) s | IVF s | speed-up | IVF recall@4 | HNSW s | HNSW recall@4 "
                  "| IVF recall@4 on random data |", "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            if "ivf_s" not in r:
                continue
            hnsw = (f"{r['hnsw_s']:.2f} | {r['hnsw_recall']:.4f}" if "hnsw_s" in r else "- | -")
            lines.append(f"| {r['n']} | {r['d']} | {r['exact_clustered_s']:.2f} | {r['ivf_s']:.2f} | "
                         f"{r['exact_clustered_s'] / r['ivf_s']:.1f}x | {r['ivf_recall']:.4f} | {hnsw} | "
                         f"{r['ivf_random_recall']:.4f} |")
    return "\n".join(lines)


def targets(rows):
    """Issue 4's targets, row by row: met, or missed by how much and why."""
    out = ["Targets (issue 4):"]
    for r in rows:
        eff = r["ours_gflops"] / r["sgemm_gflops"]
        vs_b = r["b_s"] / r["ours_s"]
        faiss_eff = 2 * 2 * r["n"] ** 2 * r["d"] / r["faiss_s"] / 1e9 / r["sgemm_gflops"]
        score = r["a_loop_s"] / r["ours_score_s"]
        head = f"- n={r['n']} d={r['d']}:"
        out.append(f"{head} exact at >= 80% of sgemm: {'met' if eff >= 0.8 else 'MISSED'} ({100 * eff:.0f}%).")
        why = ("" if vs_b >= 1.8 else f" Missed by {100 * (1 - vs_b / 1.8):.0f}%: the flat searches ran their "
               f"products at {100 * faiss_eff:.0f}% of the same ceiling, so the bound is 2 x {100 * eff:.0f}% / "
               f"{100 * faiss_eff:.0f}% = {2 * eff / faiss_eff:.2f}x; the rest of ours is the two reductions "
               f"per block and the normalisation copies.")
        out.append(f"{head} >= 1.8x faster than (b): {'met' if vs_b >= 1.8 else 'MISSED'} ({vs_b:.2f}x).{why}")
        why = ("" if score >= 50 else f" Missed by {100 * (1 - score / 50):.0f}%: ours is "
               f"{1e3 * r['ours_score_s']:.1f} ms of NumPy calls on (n, k) arrays, bound by per-call overhead and "
               f"float64 conversions at this size; the ratio grows with n.")
        out.append(f"{head} scoring step >= 50x faster than (a)'s loop: {'met' if score >= 50 else 'MISSED'} "
                   f"({score:.0f}x).{why}")
        if "ivf_s" in r:
            speed = r["exact_clustered_s"] / r["ivf_s"]
            ok = speed >= 10 and r["ivf_recall"] >= 0.999
            why = ("" if ok else f" Missed by {100 * (1 - speed / 10):.0f}% in speed: IVF does about "
                   f"{2 * 4 / max(1, round(r['n'] ** 0.5)):.1%} of the exact products (nprobe 4 of "
                   f"~sqrt(n) lists, both directions), but k-means, list assignment and the per-list loop cost "
                   f"~O(n^1.5) and dominate at this n; the speed-up grows about as sqrt(n).")
            out.append(f"{head} IVF >= 10x faster than exact at recall@4 >= 0.999 (clustered): "
                       f"{'met' if ok else 'MISSED'} ({speed:.1f}x, recall {r['ivf_recall']:.4f}).{why} "
                       f"On random data IVF recall@4 is {r['ivf_random_recall']:.2f}: useless there (no clusters).")
    return "\n".join(out)


def extrapolation(rows):
    r = max(rows, key=lambda r: (r["n"], r["d"]))
    big = 2 * 400_000 ** 2 * 1024
    ours = big / (r["ours_gflops"] * 1e9)
    ceil = big / (r["sgemm_gflops"] * 1e9)
    return "\n".join([
        f"400k x 400k at d=1024 is {big / 1e12:.0f} TFLOP of products. At the rate measured at n={r['n']}, "
        f"d={r['d']} ({r['ours_gflops']:.0f} GFLOP/s) exact mining takes about {ours / 3600:.1f} h here "
        f"(sgemm ceiling: {ceil / 3600:.1f} h); two flat searches compute the products twice.",
        f"A 16-core AVX2 machine (about 8x this 2-core ceiling, ~1.5 TFLOP/s; threads default to the cores, "
        f"one BLAS thread per worker) needs about {big / 1.5e12 / 60:.0f} min and about 3.6 GB beyond the "
        f"embeddings. A GPU (H100: ~50 TFLOP/s FP32) needs about {big / 50e12:.0f} s of FP32 products; TF32/BF16 "
        f"tensor cores are ~10x faster but move cosines by ~1e-3, more than the 1e-5 the results must match, so "
        f"they could only pre-select candidates to be re-scored in FP32. There the per-block top-k selection "
        f"must run on the GPU too (torch.topk on each block), or it, not the products, sets the time.",
    ])



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also n = 50k and 100k")
    parser.add_argument("--sizes", help="comma-separated n (overrides the defaults)")
    parser.add_argument("--dims", default="768,1024")
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2, help="runs of the ceiling and of ours (best taken)")
    parser.add_argument("--nprobe", type=int, default=4,
                        help="IVF lists searched (default 4 of about sqrt(n); the library's default is nlist/16)")
    parser.add_argument("--hnsw", action="store_true", help="also time HNSW (slow to build on 2 cores)")
    parser.add_argument("--no-approx", action="store_true", help="skip the IVF/HNSW part")
    parser.add_argument("--tag", help="suffix of the results file name (mining-<host>-<tag>.md)")
    parser.add_argument("--out-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([20_000, 50_000, 100_000] if args.full
                                                                          else [20_000])
    dims = [int(d) for d in args.dims.split(",")]
    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        for d in dims:
            print(f"n={n} d={d} ...", file=sys.stderr, flush=True)
            rows.append(bench_size(n, d, args, rng))
            print(fmt_table(rows[-1:]).splitlines()[2], file=sys.stderr, flush=True)
    command = "python benchmarks/bench_mining.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = "\n\n".join([
        f"# Mining benchmark on {socket.gethostname()}",
        f"`{command.strip()}` at {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; {os.cpu_count()} CPUs, "
        f"{platform.processor() or platform.machine()}, numpy {np.__version__}; load = 1-min load average "
        f"when the size started (the machine is shared: compare ratios within a row).",
        fmt_table(rows), targets(rows), extrapolation(rows)])
    print(text)
    name = f"mining-{socket.gethostname()}{'-' + args.tag if args.tag else ''}.md"
    write_atomic(os.path.join(args.out_dir, name), text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
