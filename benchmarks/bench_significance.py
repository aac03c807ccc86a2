"""Paired-significance benchmark: `xtreme compare`'s statistics over a synthetic full XTREME run pair.

    python benchmarks/bench_significance.py            # about 150,000 examples, 10,000 draws
    python benchmarks/bench_significance.py --quick    # a tenth of the examples, 1,000 draws (seconds)

Two synthetic runs over the nine XTREME tasks and all their languages, with each family's outcome fields
(accuracy ``correct``; QA ``exact_match``/``f1``; tagging sentence chunk and token counts; BUCC pairs;
sizes per language below, about 150,000 examples in all), compared by evaluators.significance.
compare_benchmark: paired bootstrap per task and language, task scores and the XTREME score, all from the
same draws. Printed: wall seconds of the vectorised comparison (target < 10 s on 2 cores) and, for scale,
a naive per-draw Python loop (resample the outcome lists, call each family's ``metric_from_outcomes``)
timed on a subset of languages and draws and extrapolated to the full size (labelled as such). The
figures are written to benchmarks/results/significance-<host>.md (atomically).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.aggregate import DEFAULT_OPTIONS
from evaluators.benchmarks import XTREME
from evaluators.families import get_family
from evaluators.significance import compare_benchmark
from evaluators.tasks import get_task

# Examples per language (the real test sets' order of magnitude, scaled to ~150k examples in all).
SIZES = {"pawsx": 2000, "xnli": 5010, "panx": 300, "udpos": 100, "bucc2018": 1500, "tatoeba": 500,
         "xquad": 1190, "mlqa": 1000, "tydiqa": 500}


def synthetic_outcomes(family: str, n: int, rng: np.random.Generator, skill: float) -> list[dict]:
    """``n`` outcomes of ``family`` for a run of ``skill`` (0..1: the share it gets right), realistic fields."""
    hits = rng.random(n) < skill
    if family in ("pair_classification", "multiple_choice", "sentence_retrieval"):
        return [{"id": i, "correct": int(h)} for i, h in enumerate(hits)]
    if family == "span_qa":
        f1 = np.where(hits, 1.0, rng.random(n) * 0.8)
        return [{"id": f"q{i}", "exact_match": int(h), "f1": float(f)} for i, (h, f) in enumerate(zip(hits, f1))]
    if family == "tagging":
        out = []
        for i in range(n):
            n_tokens = int(rng.integers(5, 30))
            n_gold = int(rng.integers(0, 4))
            tp = int(rng.binomial(n_gold, skill))
            n_pred = tp + int(rng.random() < 1 - skill)
            correct = n_tokens - int(rng.binomial(n_tokens, (1 - skill) / 3))
            out.append({"id": i, "tp": tp, "n_pred": n_pred, "n_gold": n_gold, "correct_tokens": correct,
                        "n_tokens": n_tokens})
        return out
    if family == "bitext_mining":  # n gold pairs (same for every run) and a run's false positives
        out = [{"id": f"g{i}", "gold": 1, "predicted": int(h)} for i, h in enumerate(hits)]
        return out + [{"id": f"p{i}", "gold": 0, "predicted": 1} for i in range(int(n * (1 - skill) / 2))]
    if family in ("entity_retrieval", "answer_retrieval"):
        key = "reciprocal_rank" if family == "entity_retrieval" else "average_precision"
        values = np.where(hits, 1.0, 1.0 / rng.integers(2, 40, size=n))
        return [{"id": i, key: float(v)} for i, v in enumerate(values)]
    raise ValueError(f"unknown family {family!r}")


def synthetic_run_pair(sizes: dict[str, int], seed: int = 0, scale: float = 1.0):
    """Two runs ``{task: {language: outcomes}}`` over XTREME (run b a little better), same example ids."""
    rng = np.random.default_rng(seed)
    runs = ({}, {})
    for task, size in sizes.items():
        spec = get_task(task)
        for language in spec.languages["xtreme"]:
            n = max(2, int(size * scale))
            for run, skill in zip(runs, (0.70, 0.71)):
                run.setdefault(task, {})[language] = synthetic_outcomes(spec.family, n, rng, skill)
    return runs


def naive_seconds_per_example_draw(run_a, run_b, tasks, draws: int, seed: int = 0) -> float:
    """A per-draw Python loop (index resample, then each family's metric_from_outcomes on the lists) on the
    first language of each of ``tasks``: seconds per (example x draw)."""
    rng = np.random.default_rng(seed)
    work, start = 0, time.perf_counter()
    for task in tasks:
        spec = get_task(task)
        family = get_family(spec.family)
        language = next(iter(run_a[task]))
        a, b = run_a[task][language], run_b[task][language]
        by_id = {o["id"]: o for o in b}
        b = [by_id.get(o["id"], {"id": o["id"], "gold": 0, "predicted": 0}) for o in a]
        for _ in range(draws):
            idx = rng.integers(0, len(a), size=len(a))
            family.metric_from_outcomes(spec, [a[i] for i in idx], language, DEFAULT_OPTIONS)
            family.metric_from_outcomes(spec, [b[i] for i in idx], language, DEFAULT_OPTIONS)
        work += len(a) * draws
    return (time.perf_counter() - start) / work


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the examples and 1,000 draws")
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--method", default="bootstrap", choices=("bootstrap", "randomization"))
    parser.add_argument("--naive-draws", type=int, default=20)
    args = parser.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    draws = args.draws or (1000 if args.quick else 10_000)
    run_a, run_b = synthetic_run_pair(SIZES, scale=scale)
    examples = sum(len(o) for by_lang in run_a.values() for o in by_lang.values())
    languages = sum(len(by_lang) for by_lang in run_a.values())

    start = time.perf_counter()
    result = compare_benchmark(XTREME, run_a, run_b, draws=draws, seed=0, method=args.method)
    seconds = time.perf_counter() - start
    per_unit = naive_seconds_per_example_draw(run_a, run_b, list(SIZES), args.naive_draws)
    naive = per_unit * examples * draws
    load = os.getloadavg()[0]
    overall = result.overall
    lines = [
        f"# Paired significance ({socket.gethostname()}, {os.cpu_count()} cores, 1-min load {load:.2f})",
        "",
        (f"- {examples:,} examples over {len(run_a)} tasks and {languages} task languages, {draws:,} paired "
         f"draws ({args.method}), every task/language + task scores + XTREME score"),
        f"- vectorised (evaluators.significance.compare_benchmark): **{seconds:.2f} s** (target < 10 s on 2 cores)",
        (f"- naive per-draw Python loop: {per_unit * 1e9:.1f} ns per example-draw, measured on one language of "
         f"each task x {args.naive_draws} draws; **extrapolated** to the full size: {naive:,.0f} s "
         f"({naive / seconds:,.0f}x the vectorised time)"),
        f"- XTREME score delta {overall.delta:+.3f} [{overall.low:+.3f}, {overall.high:+.3f}], p = {overall.p_value:.4f}",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if not args.quick:
        from harness_tasks.atomic import write_text_atomic

        out = Path(__file__).resolve().parent / "results" / f"significance-{socket.gethostname()}.md"
        write_text_atomic(out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
