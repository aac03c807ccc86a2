"""Smoke test of benchmarks/bench_entity_retrieval.py's core, in process, on tiny sizes (nothing timed)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_entity_retrieval.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_entity_retrieval", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def problem(bench):
    return bench.make_problem(3000, 48, 220, seed=0)


def test_problem_has_the_mewslix_languages_and_planted_gold(bench, problem):
    assert problem.languages == ("ar", "de", "en", "es", "fa", "ja", "pl", "ro", "ta", "tr", "uk")
    assert problem.candidates.shape == (3000, 48) and problem.queries.shape == (220, 48)
    assert np.allclose(np.linalg.norm(problem.candidates, axis=1), 1, atol=1e-6)
    planted = np.einsum("ij,ij->i", problem.queries, problem.candidates[problem.gold])
    assert np.allclose(planted, problem.cosine, atol=1e-6)


def test_sphere_tail_is_exact_where_known(bench):
    # In R^3 the cosine with a uniform random unit vector is uniform on [-1, 1].
    assert bench.sphere_tail(3)(np.array([0.0, 0.5, 1.0])).tolist() == pytest.approx([0.5, 0.25, 0.0], abs=1e-9)


def test_methods_agree_and_the_family_scores_the_planted_law(bench, problem):
    runs = bench.run_in_process(problem, threads=1, naive_queries=40)
    ids = runs["product"][1]
    assert ids.shape == (220, 20)
    for method in ("one_way", "faiss", "naive"):
        rows = len(runs[method][1])
        assert rows == (40 if method == "naive" else 220)
        assert bench.compare_top_k(problem.candidates, problem.queries, ids[:rows], runs[method][1]) == {
            "rows": rows, "equal": rows, "ties": 0, "differ": 0}
    scores = bench.score_mewslix(problem, ids)
    for lang in problem.languages:  # the family's map@20 is 100 x the mean reciprocal rank of the gold
        rows = np.flatnonzero(problem.language == lang)
        ranks = [1.0 / (ids[r].tolist().index(problem.gold[r]) + 1) if problem.gold[r] in ids[r] else 0.0
                 for r in rows]
        assert scores[lang] == pytest.approx(100 * sum(ranks) / len(ranks), abs=1e-12)
    expected = bench.expected_mrr(problem)
    assert all(abs(scores[lang] - e) <= 4 * se for lang, (e, se) in expected.items())


def test_compare_top_k_tells_ties_from_differences(bench):
    candidates = np.array([[1.0, 0.0], [0.6, 0.8], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    queries = np.array([[1.0, 0.0]], dtype=np.float32)
    assert bench.compare_top_k(candidates, queries, np.array([[0, 1]]), np.array([[0, 2]])) == {
        "rows": 1, "equal": 0, "ties": 1, "differ": 0}
    assert bench.compare_top_k(candidates, queries, np.array([[0, 1]]), np.array([[0, 3]])) == {
        "rows": 1, "equal": 0, "ties": 0, "differ": 1}
