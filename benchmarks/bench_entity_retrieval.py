"""Entity retrieval benchmark (Mewsli-X shape): exact top-20 inner-product search over a million entities.

    python benchmarks/bench_entity_retrieval.py           # 1,000,000 x 768 candidates, 15,000 queries
    python benchmarks/bench_entity_retrieval.py --quick   # 20,000 candidates, 1,100 queries: a smoke run

The problem: ``--candidates`` entity embeddings (float32, L2-normalised, as the reference normalises its
candidate encodings) and ``--queries`` mention embeddings split unevenly over Mewsli-X's 11 languages. Each
query is planted at a chosen cosine ``a`` from one gold entity: ``q = a * gold + sqrt(1 - a^2) * u`` with ``u``
a random unit vector orthogonal to it, ``a`` drawn per language from its own range (some languages easy, some
hard). Every other candidate is a uniform random unit vector independent of ``q``, so the rank of the gold
entity has a known law: 1 + Binomial(N - 1, p(a)), where p(a) = P(cos > a) on the sphere of dimension d.
The expected MRR@20 of each language follows exactly, and the measured one must fall within 4 standard
errors of it: a check of the whole path (search, ids, scorer) that does not trust any of the methods.

Methods, each run in a fresh subprocess that loads the embeddings, then resets its peak-RSS counter
(``/proc/self/clear_refs``) and runs the search alone, all with ``--threads`` threads (OpenMP, BLAS, ours):
- ours: what the Mewsli-X task's ``summarize`` does (harness_tasks/tasks/dual_encoder.py): ``_stacked`` (the encode blocks joined, a view)
  on the answered encode blocks (consecutive row views of one matrix, as the xtreme-encoder returns them), then
  ``evaluators.knn_blocked.bidirectional_knn(candidates, queries, 20, normalize=False)``, whose backward
  lists are the queries' top 20; then MRR@20 from the entity_retrieval family;
- one-way: the same blocks and selection (``TopK``, ``_row_candidates``), queries as the blocked side,
  without the per-candidate lists retrieval never reads: a prototype of the one-direction entry point
  knn_blocked lacks (not product code), on the matrices as given (no stacking);
- (a) faiss: ``evaluators.retrieval.knn_inner_product`` (IndexFlatIP, ``add`` + one ``search`` call);
- (b) naive: the full score matrix ``queries @ candidates.T`` then argpartition, on the first
  ``--naive-queries`` queries only; time and memory extrapolated linearly to all queries (labelled).
Also measured: ``evaluators.retrieval.l2_normalize`` on the first ``--normalize-rows`` candidates (what
``normalize=True`` would do to them), extrapolated to all. Wall and CPU seconds (all of a process's threads:
the machine is shared, CPU time is the steadier figure). Memory "beyond the embeddings" is the peak
resident set (VmHWM) minus the resident set once the embeddings are loaded and every library imported: it
counts everything the method touches, faiss's and BLAS's buffers included. Top-20 ids are compared between methods row by row: equal, or equal up to ties (the
sorted float64 scores of both lists agree within 1e-5: two sgemm kernels round differently).
Figures are printed and written to benchmarks/results/entity-retrieval-<host>.md (atomically).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from evaluators.families import get_family  # noqa: E402
from evaluators.families.base import ScoringOptions  # noqa: E402
from evaluators.tasks import get_task  # noqa: E402
from harness_tasks.atomic import write_text_atomic  # noqa: E402

TOP_K = 20
BUDGET_BYTES = 6 * 2**30  # issue 9: within 6 GiB beyond the embeddings
TIE_TOLERANCE = 1e-5
GIB = 2**30
METHODS = ("product", "one_way", "faiss", "naive")
LABELS = {"product": "ours: the task's summarize (joined encode blocks + bidirectional_knn)",
          "one_way": "one-way blocked (prototype)",
          "faiss": "(a) faiss IndexFlatIP, one search",
          "naive": "(b) naive full score matrix"}
# Per language, the range of the planted cosine to the gold entity, as multiples of the cosine at which one
# other candidate is expected to score higher (N * p(a) = 1): languages from hard (gold mostly out of the
# top 20) to easy (mostly first).
_DIFFICULTY = (0.80, 0.85, 0.90, 0.95, 1.00, 1.05, 1.10, 1.15, 1.20, 1.25, 1.30)


# ----------------------------------------------------------------------------------------------- the problem

@dataclass
class Problem:
    candidates: np.ndarray  # (N, d) float32, unit rows
    queries: np.ndarray  # (Q, d) float32, unit rows
    gold: np.ndarray  # (Q,) int64: the gold candidate of each query
    cosine: np.ndarray  # (Q,) float64: the planted cosine between each query and its gold
    language: np.ndarray  # (Q,) str

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.language.tolist()))


def unit_rows(rng: np.random.Generator, n: int, d: int, chunk: int = 65536) -> np.ndarray:
    """n uniform random unit vectors (float32), made in chunks so nothing but the result is ever n x d."""
    out = np.empty((n, d), dtype=np.float32)
    for r0 in range(0, n, chunk):
        block = out[r0:r0 + chunk]
        block[...] = rng.standard_normal(block.shape, dtype=np.float32)
        block /= np.sqrt(np.einsum("ij,ij->i", block, block, dtype=np.float64))[:, None].astype(np.float32)
    return out


def sphere_tail(d: int, grid: int = 400_001):
    """p(a) = P(cos > a) between a fixed and a uniform random unit vector in R^d, as a function of a >= 0.

    The cosine's density is (1 - t^2)^((d-3)/2) / B(1/2, (d-1)/2) on [-1, 1]; its tail is integrated once on
    a fine grid (trapezoids) and interpolated.
    """
    t = np.linspace(0.0, 1.0, grid)
    log_norm = math.lgamma(0.5) + math.lgamma((d - 1) / 2) - math.lgamma(d / 2)
    density = np.power(1 - t * t, (d - 3) / 2) * math.exp(-log_norm)
    tail = np.concatenate([np.cumsum(((density[1:] + density[:-1]) / 2 * np.diff(t))[::-1])[::-1], [0.0]])
    return lambda a: np.interp(a, t, tail)


def make_problem(n_candidates: int, dim: int, n_queries: int, seed: int = 0,
                 languages: tuple[str, ...] | None = None) -> Problem:
    """Candidates, queries with planted gold entities, unevenly split over Mewsli-X's languages."""
    if languages is None:
        languages = get_task("mewslix").languages["xtreme-r"]
    if n_queries < len(languages):
        raise ValueError(f"--queries {n_queries}: need at least one per language ({len(languages)})")
    rng = np.random.default_rng(seed)
    candidates = unit_rows(rng, n_candidates, dim)
    weights = rng.uniform(0.5, 1.5, len(languages))  # uneven, as the real test sets are
    counts = np.maximum(1, np.floor(weights / weights.sum() * n_queries).astype(int))
    counts[np.argmax(counts)] += n_queries - counts.sum()
    language = np.repeat(np.array(languages), counts)
    # a1: the cosine at which N * p(a1) = 1 (found by bisection on the tail).
    tail = sphere_tail(dim)
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if n_candidates * tail(mid) > 1 else (lo, mid)
    cosine = np.concatenate([rng.uniform(0.8 * f * lo, 1.2 * f * lo, c)
                             for f, c in zip(_DIFFICULTY[:len(languages)], counts, strict=True)])
    gold = rng.integers(0, n_candidates, n_queries)
    g = candidates[gold].astype(np.float64)
    u = rng.standard_normal((n_queries, dim))
    u -= np.einsum("ij,ij->i", u, g)[:, None] * g
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    queries = cosine[:, None] * g + np.sqrt(1 - cosine**2)[:, None] * u
    return Problem(candidates, queries.astype(np.float32), gold, cosine, language)


def expected_mrr(problem: Problem) -> dict[str, tuple[float, float]]:
    """Per language, the expected map@20 (100 x MRR@20) under the planted law, and its standard error."""
    n, d = problem.candidates.shape
    p = np.clip(sphere_tail(d)(problem.cosine), 1e-300, 1.0)
    j = np.arange(TOP_K)[:, None]
    log_choose = np.array([math.lgamma(n) - math.lgamma(k + 1) - math.lgamma(n - k) for k in range(TOP_K)])[:, None]
    pmf = np.exp(log_choose + j * np.log(p) + (n - 1 - j) * np.log1p(-p))  # P(j others score higher)
    mean = (pmf / (j + 1)).sum(axis=0)
    var = (pmf / (j + 1) ** 2).sum(axis=0) - mean**2
    out = {}
    for lang in problem.languages:
        sel = problem.language == lang
        out[lang] = (100 * mean[sel].mean(), 100 * math.sqrt(var[sel].sum()) / sel.sum())
    return out


# ----------------------------------------------------------------------------------------------- the methods

ENCODE_BLOCK = 512  # texts per `encode` request, as harness_tasks/tasks/dual_encoder.py makes them


def as_encode_blocks(matrix: np.ndarray) -> dict[int, np.ndarray]:
    """The vectors as the xtreme-encoder answers `encode` requests: consecutive row blocks of one matrix
    (views, keyed by their first row), which is what the task's items hold."""
    return {start: matrix[start:start + ENCODE_BLOCK] for start in range(0, len(matrix), ENCODE_BLOCK)}


def search_product(queries, candidates, k, threads, after_stack=None):
    """What the Mewsli-X task's ``summarize`` does (harness_tasks/tasks/dual_encoder.py): join the answered
    blocks into one matrix per side (a view when the blocks are consecutive rows of one matrix, as the
    encoder answers them), then one blocked pass with the candidates as the blocked side, keeping the queries'
    (backward) lists. ``after_stack`` is called between the two steps (the worker reads its memory)."""
    from evaluators.knn_blocked import bidirectional_knn
    from harness_tasks.tasks.dual_encoder import _stacked

    keys = _stacked(candidates, sum(len(block) for block in candidates.values()))
    asked = _stacked(queries, sum(len(block) for block in queries.values()))
    if after_stack is not None:
        after_stack()
    _, _, scores, ids = bidirectional_knn(keys, asked, k, threads=threads, normalize=False)
    return scores, ids


def search_one_way(queries, candidates, k, threads, block_rows=1024, tile_cols=4096):
    """The product's blocks and row selection without the candidate-side lists (a prototype; see the report).

    Workers take blocks of query rows and run single-threaded BLAS on them, as bidirectional_knn's do.
    """
    import threading

    from evaluators.knn_blocked import (
        _ROW_GROUPS,
        TopK,
        _blas_single_thread,
        _row_candidates,
    )

    n, m = len(queries), len(candidates)
    k = min(k, m)
    best = TopK(n, k)
    blocks = iter(range(0, n, block_rows))
    lock = threading.Lock()

    def worker():
        buf = np.empty(min(block_rows, n) * min(tile_cols, m), dtype=np.float32)
        while True:
            with lock:
                r0 = next(blocks, None)
            if r0 is None:
                return
            xb = queries[r0:r0 + block_rows]
            rows = TopK.__new__(TopK)
            rows.k, rows.val, rows.idx = k, best.val[r0:r0 + len(xb)], best.idx[r0:r0 + len(xb)]
            for c0 in range(0, m, tile_cols):
                S = buf[: len(xb) * min(tile_cols, m - c0)].reshape(len(xb), -1)
                np.matmul(xb, candidates[c0:c0 + tile_cols].T, out=S)
                line, col, val = _row_candidates(S, rows.threshold(0, len(xb)), k, _ROW_GROUPS)
                rows.merge(line, col + c0, val)

    threads = max(1, min(threads, -(-n // block_rows)))
    limiter = _blas_single_thread() if threads > 1 else None
    try:
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    return best.val, best.idx


def search_faiss(queries, candidates, k, threads):
    import faiss

    from evaluators.retrieval import knn_inner_product

    faiss.omp_set_num_threads(threads)
    return knn_inner_product(queries, candidates, k)


def search_naive(queries, candidates, k, threads):
    """The whole score matrix at once, then the k best of each row (ties to the lower index)."""
    scores = queries @ candidates.T
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, part, 1)
    order = np.lexsort((part, -vals), axis=1)
    return np.take_along_axis(vals, order, 1), np.take_along_axis(part, order, 1).astype(np.int64)


SEARCHES = {"product": search_product, "one_way": search_one_way, "faiss": search_faiss, "naive": search_naive}


def query_rows(method: str, n_queries: int, naive_queries: int) -> int:
    return min(n_queries, naive_queries) if method == "naive" else n_queries


# ------------------------------------------------------------------------------------------- checks, scores

def compare_top_k(candidates, queries, ids_a, ids_b, tol=TIE_TOLERANCE) -> dict[str, int]:
    """Rows whose id lists are equal, equal up to ties (sorted float64 scores agree within tol), or differ."""
    same = np.all(ids_a == ids_b, axis=1)
    ties = 0
    for row in np.flatnonzero(~same):
        q = queries[row].astype(np.float64)
        sa = np.sort(candidates[ids_a[row]].astype(np.float64) @ q)
        sb = np.sort(candidates[ids_b[row]].astype(np.float64) @ q)
        ties += bool(np.all(np.abs(sa - sb) <= tol))
    return {"rows": len(ids_a), "equal": int(same.sum()), "ties": ties,
            "differ": int((~same).sum()) - ties}


def score_mewslix(problem: Problem, ids: np.ndarray) -> dict[str, float]:
    """map@20 per language through the entity_retrieval family (the submission scorer's path)."""
    spec = get_task("mewslix")
    family = get_family(spec.family)
    out = {}
    for lang in problem.languages:
        rows = np.flatnonzero(problem.language == lang)
        gold = {f"{lang}-{r}": [f"Q{problem.gold[r]}"] for r in rows}
        predictions = {f"{lang}-{r}": [f"Q{i}" for i in ids[r].tolist()] for r in rows}
        out[lang] = family.score(spec, gold, predictions, lang, ScoringOptions()).scores["map@20"]
    return out


def run_in_process(problem: Problem, threads: int = 1, naive_queries: int = 128,
                   methods=METHODS) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each method's (scores, ids) on ``problem`` (naive: its first ``naive_queries`` queries; ours: one
    vector per text, as the task holds them)."""
    out = {}
    for m in methods:
        queries, candidates = problem.queries[:query_rows(m, len(problem.queries), naive_queries)], problem.candidates
        if m == "product":
            queries, candidates = as_encode_blocks(queries), as_encode_blocks(candidates)
        out[m] = SEARCHES[m](queries, candidates, TOP_K, threads)
    return out


# ------------------------------------------------------------------------------------- measured subprocesses

def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def worker_main(method: str, folder: str, threads: int, naive_queries: int, normalize_rows: int) -> None:
    """Subprocess: load the embeddings, reset the peak, run one search, save ids, scores and figures.

    Method "normalize" runs ``evaluators.retrieval.l2_normalize`` on the first ``normalize_rows``
    candidates instead (what bidirectional_knn's default ``normalize=True`` does to the whole candidate set).
    """
    import faiss  # noqa: F401  (imported before the baseline: library code is not search memory)

    import evaluators.knn_blocked  # noqa: F401
    import evaluators.retrieval  # noqa: F401
    import harness_tasks.tasks.dual_encoder  # noqa: F401

    candidates = np.load(os.path.join(folder, "candidates.npy"))
    queries = np.load(os.path.join(folder, "queries.npy"))
    queries = queries[:query_rows(method, len(queries), naive_queries)]
    if method == "product":  # row blocks of one matrix, as the task's items hold them (views: no copy)
        candidates, queries = as_encode_blocks(candidates), as_encode_blocks(queries)
    base_kib = _status_kib("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM to the current resident set
            f.write("5")
        peak_field = "VmHWM"
    except OSError:
        peak_field = "VmHWM (not reset: includes loading)"
    stacked = []  # product: the resident set once the vectors are stacked, before the search
    load_before = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), time.process_time()
    if method == "normalize":
        from evaluators.retrieval import l2_normalize

        rows = min(normalize_rows, len(candidates))
        scores = ids = l2_normalize(candidates[:rows])[:0]
    else:
        extra = {"after_stack": lambda: stacked.append(_status_kib("VmRSS"))} if method == "product" else {}
        scores, ids = SEARCHES[method](queries, candidates, TOP_K, threads, **extra)
        rows = len(ids)  # queries searched (ours gets them as blocks, so not len(queries))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    peak_kib = _status_kib("VmHWM")
    np.savez(os.path.join(folder, f"{method}.npz"), scores=scores, ids=ids)
    with open(os.path.join(folder, f"{method}.json"), "w") as f:
        json.dump({"seconds": seconds, "cpu_seconds": cpu_seconds, "base_bytes": base_kib * 1024,
                   "peak_bytes": peak_kib * 1024, "beyond_bytes": (peak_kib - base_kib) * 1024, "queries": rows,
                   "peak_field": peak_field, "load_before": load_before, "load_after": os.getloadavg()[0],
                   "stack_bytes": (stacked[0] - base_kib) * 1024 if stacked else None}, f)


def run_measured(method: str, folder: str, threads: int, naive_queries: int, normalize_rows: int = 0) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", method, "--data", folder,
           "--threads", str(threads), "--naive-queries", str(naive_queries), "--normalize-rows", str(normalize_rows)]
    subprocess.run(cmd, env=env, check=True)
    with open(os.path.join(folder, f"{method}.json")) as f:
        figures = json.load(f)
    with np.load(os.path.join(folder, f"{method}.npz")) as data:
        figures["scores"], figures["ids"] = data["scores"], data["ids"]
    return figures


# ------------------------------------------------------------------------------------------------ the report

def report(problem: Problem, runs: dict, normalized: dict | None, args, command: str,
           wall: float) -> tuple[str, bool]:
    n, d = problem.candidates.shape
    q = len(problem.queries)
    emb = problem.candidates.nbytes + problem.queries.nbytes
    prod = runs["product"]
    ok_budget = prod["beyond_bytes"] <= BUDGET_BYTES
    lines = [f"# Entity retrieval benchmark (Mewsli-X shape) on {socket.gethostname()}",
             (f"`{command}` at {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; {os.cpu_count()} CPUs, "
             f"{platform.processor() or platform.machine()}, {_mem_total_gib():.0f} GiB RAM, numpy {np.__version__}, "
             f"faiss {_faiss_version()}; {args.threads} threads per method; whole run {wall / 60:.1f} min."),
             (f"{n:,} candidates x d={d} (float32, unit rows: {problem.candidates.nbytes / GIB:.2f} GiB), "
             f"{q:,} queries over {len(problem.languages)} languages, top {TOP_K} by inner product. "
             f"\"Beyond\" = peak resident set minus the resident set with the embeddings "
             f"({emb / GIB:.2f} GiB) loaded and the libraries imported (process baseline "
             f"{prod['base_bytes'] / GIB:.2f} GiB). CPU s = the process's CPU time (all its threads), less "
             f"sensitive than wall time to other users of the machine; load = 1-minute load average before / "
             f"after each method (the machine is shared: it includes the method's own {args.threads} threads)."),
             ""]
    head = ("| method | queries run | wall s | CPU s | wall vs ours | CPU vs ours | beyond the embeddings "
            "| top-20 vs ours | load |")
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    agree = {}
    for m, r in runs.items():
        rows = r["queries"]
        agree[m] = (compare_top_k(problem.candidates, problem.queries, prod["ids"][:rows], r["ids"])
                    if m != "product" else None)
        scale = q / rows  # < q rows: extrapolated to all queries, linearly (the score matrix grows with them)
        secs, cpu, beyond = r["seconds"] * scale, r["cpu_seconds"] * scale, r["beyond_bytes"] * scale
        extra = (f" (measured on {rows}: {r['seconds']:.1f} s, {r['beyond_bytes'] / GIB:.2f} GiB; extrapolated)"
                 if rows < q else "")
        a = agree[m]
        agreement = ("-" if a is None else f"{a['equal']}/{a['rows']} equal, {a['ties']} ties, {a['differ']} differ")
        lines.append(f"| {LABELS[m]} | {rows:,} | {secs:.1f}{extra} | {cpu:.0f} | {secs / prod['seconds']:.2f}x | "
                     f"{cpu / prod['cpu_seconds']:.2f}x | {beyond / GIB:.2f} GiB | {agreement} | "
                     f"{r['load_before']:.1f} / {r['load_after']:.1f} |")
    if prod.get("stack_bytes") is not None:
        lines += ["", (f"Of ours' {prod['beyond_bytes'] / GIB:.2f} GiB: {prod['stack_bytes'] / GIB:.2f} GiB is "
                       f"joining the encode blocks (a view: ~0 when they are consecutive rows), {(prod['beyond_bytes'] - prod['stack_bytes']) / GIB:.2f}"
                       f" GiB the search on top of it.")]
    flops = 2 * q * n * d
    lines += ["", (f"Ours: {flops / prod['seconds'] / 1e9:.0f} GFLOP/s of products (2 * Q * N * d = "
                  f"{flops / 1e12:.1f} TFLOP).")]
    if normalized is not None:
        per_byte = normalized["beyond_bytes"] / (normalized["queries"] * d * 4)
        at_n = per_byte * n * d * 4
        lines.append(
            f"`evaluators.retrieval.l2_normalize` on the candidates (what `bidirectional_knn`'s default "
            f"`normalize=True` does to them, in one call): {normalized['beyond_bytes'] / GIB:.2f} GiB beyond on "
            f"{normalized['queries']:,} rows ({normalized['seconds']:.1f} s), {per_byte:.2f} bytes per input "
            f"byte; at {n:,} rows {at_n / GIB:.2f} GiB (extrapolated): "
            f"{'within' if at_n <= BUDGET_BYTES else 'OVER'} the budget. Ours above passes `normalize=False` "
            f"(the candidates are unit rows already).")
    # MRR@20 through the family, per language, against the planted law.
    measured = score_mewslix(problem, prod["ids"])
    expected = expected_mrr(problem)
    within = {lang: abs(measured[lang] - expected[lang][0]) <= 4 * expected[lang][1] for lang in measured}
    same_mrr = {m: score_mewslix(problem, r["ids"]) == measured for m, r in runs.items() if r["queries"] == q}
    lines += ["", ("| language | queries | map@20 (ours, entity_retrieval family) | expected (planted law) | "
                  "within 4 s.e. |"), "|---|---|---|---|---|"]
    for lang in problem.languages:
        e, se = expected[lang]
        lines.append(f"| {lang} | {int((problem.language == lang).sum())} | {measured[lang]:.2f} | "
                     f"{e:.2f} +- {se:.2f} | {'yes' if within[lang] else 'NO'} |")
    macro = sum(measured.values()) / len(measured)
    lines.append(f"| mean (task score) | {q} | {macro:.2f} | "
                 f"{sum(e for e, _ in expected.values()) / len(expected):.2f} | |")
    no_diff = all(a is None or a["differ"] == 0 for a in agree.values())
    lines += ["", (f"- Within {BUDGET_BYTES / GIB:.0f} GiB beyond the embeddings (ours): "
                  f"{'yes' if ok_budget else 'NO'} ({prod['beyond_bytes'] / GIB:.2f} GiB, measured by "
                  f"{prod['peak_field']})."),
              (f"- Top-20 ids of every method equal to ours up to ties: {'yes' if no_diff else 'NO'}; "
              f"same map@20 from every full run: "
              f"{', '.join(m + (' yes' if s else ' NO') for m, s in same_mrr.items())}."),
              (f"- map@20 within 4 standard errors of the planted law in every language: "
              f"{'yes' if all(within.values()) else 'NO'}.")]
    ok = ok_budget and no_diff and all(within.values()) and all(same_mrr.values())
    return "\n".join(lines), ok


def _mem_total_gib() -> float:
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1]) * 1024 / GIB


def _faiss_version() -> str:
    import faiss

    return faiss.__version__


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--queries", type=int, default=15_000)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 20,000 candidates, 1,100 queries; prints only (unless --tag)")
    parser.add_argument("--threads", type=int, default=2, help="threads of every method (the VM has 2 cores)")
    parser.add_argument("--naive-queries", type=int, default=128,
                        help="queries the naive full score matrix is measured on (then extrapolated)")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, of {', '.join(METHODS)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", help="suffix of the results file name (entity-retrieval-<host>-<tag>.md)")
    parser.add_argument("--out-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    parser.add_argument("--normalize-rows", type=int, default=100_000,
                        help="candidates l2_normalize's memory is measured on (then extrapolated; 0: skip)")
    parser.add_argument("--worker", choices=METHODS + ("normalize",), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(args.worker, args.data, args.threads, args.naive_queries, args.normalize_rows)
        return 0
    if args.quick:
        args.candidates, args.queries = 20_000, 1_100
    methods = [m.strip() for m in args.methods.split(",")]
    unknown = [m for m in methods if m not in METHODS]
    if unknown or "product" not in methods:
        parser.error(f"--methods: {', '.join(unknown) or 'product is needed'}; known: {', '.join(METHODS)}")
    methods = ["product"] + [m for m in methods if m != "product"]
    command = "python benchmarks/bench_entity_retrieval.py " + " ".join(argv if argv is not None else sys.argv[1:])
    start = time.perf_counter()
    print(f"making {args.candidates:,} x {args.dim} candidates, {args.queries:,} queries ...", file=sys.stderr,
          flush=True)
    problem = make_problem(args.candidates, args.dim, args.queries, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-entity-") as folder:
        np.save(os.path.join(folder, "candidates.npy"), problem.candidates)
        np.save(os.path.join(folder, "queries.npy"), problem.queries)
        # Keep only a memory map of the candidates here while the subprocesses run (the checks read a few rows).
        problem.candidates = np.load(os.path.join(folder, "candidates.npy"), mmap_mode="r")
        runs = {}
        for m in methods:
            print(f"{m} ...", file=sys.stderr, flush=True)
            runs[m] = run_measured(m, folder, args.threads, args.naive_queries)
            print(f"{m}: {runs[m]['seconds']:.1f} s ({runs[m]['cpu_seconds']:.1f} CPU s), "
                  f"{runs[m]['beyond_bytes'] / GIB:.2f} GiB beyond",
                  file=sys.stderr, flush=True)
        normalized = None
        if args.normalize_rows > 0:
            print("normalize ...", file=sys.stderr, flush=True)
            normalized = run_measured("normalize", folder, args.threads, args.naive_queries, args.normalize_rows)
        text, ok = report(problem, runs, normalized, args, command.strip(), time.perf_counter() - start)
    print(text)
    if not args.quick or args.tag:  # a smoke run prints only, unless tagged
        name = f"entity-retrieval-{socket.gethostname()}{'-' + args.tag if args.tag else ''}.md"
        write_text_atomic(os.path.join(args.out_dir, name), text + "\n")
    if not ok:
        print("FAILED: see the lines marked NO above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
