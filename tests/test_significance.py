"""Paired significance (evaluators.significance): exact against the families' metrics and a brute-force loop."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from evaluators.aggregate import overall_of, task_summary
from evaluators.benchmarks import XTREME, XTREME_R
from evaluators.families import get_family
from evaluators.families.base import ScoringOptions
from evaluators.significance import (
    _BLOCK_ELEMENTS,
    MIN_DRAWS,
    aligned_columns,
    compare_benchmark,
    compare_language,
    holm,
    identity_indices,
    language_generator,
)
from evaluators.tasks import get_task

_BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_significance.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_significance", _BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _runs(bench, suite, languages_per_task=2, n=40, seed=3):
    """Two small runs over every task of ``suite`` (its first languages), same example ids."""
    rng = np.random.default_rng(seed)
    runs = ({}, {})
    for task in suite.task_names:
        spec = get_task(task)
        for language in spec.languages[suite.name][:languages_per_task]:
            for run, skill in zip(runs, (0.6, 0.7)):
                run.setdefault(task, {})[language] = bench.synthetic_outcomes(spec.family, n, rng, skill)
    return runs


def _metric(task, outcomes, language):
    spec = get_task(task)
    return get_family(spec.family).metric_from_outcomes(spec, outcomes, language, ScoringOptions())


def _headline_of(task, metrics):
    spec = get_task(task)
    parts = ("exact_match", "f1") if spec.headline == "em_f1" else spec.metrics[:1]
    return sum(metrics[m] for m in parts) / len(parts)


def _task_score(task, by_language):
    per_language = {lang: _metric(task, outcomes, lang) for lang, outcomes in by_language.items()}
    return task_summary(task, per_language, outcomes=by_language)["avg_metric"]


@pytest.mark.parametrize("suite", [XTREME, XTREME_R], ids=lambda b: b.name)
def test_identity_draws_give_the_families_deltas(bench, suite):
    run_a, run_b = _runs(bench, suite)
    result = compare_benchmark(suite, run_a, run_b, draws=MIN_DRAWS, sampler=identity_indices)
    for task, by_language in run_a.items():
        for language, outcomes in by_language.items():
            delta = (_headline_of(task, _metric(task, run_b[task][language], language))
                     - _headline_of(task, _metric(task, outcomes, language)))
            c = result.languages[task][language]
            # integer fields sum exactly; float fields (QA F1, RR, AP) in another order: a few ulps
            assert c.delta == pytest.approx(delta, rel=1e-12, abs=1e-12), (task, language)
            assert (c.low, c.high) == pytest.approx((c.delta, c.delta), rel=1e-12, abs=1e-12)
        task_delta = _task_score(task, run_b[task]) - _task_score(task, by_language)
        assert result.tasks[task].delta == pytest.approx(task_delta, rel=1e-12, abs=1e-12), task
    scores = [{t: _task_score(t, run[t]) for t in run} for run in (run_a, run_b)]
    overall = overall_of(suite, scores[1]) - overall_of(suite, scores[0])
    assert result.overall.delta == pytest.approx(overall, rel=1e-12, abs=1e-12)
    assert result.overall.low == pytest.approx(overall, rel=1e-12, abs=1e-12)


def test_identity_accuracy_is_exact(bench):
    rng = np.random.default_rng(0)
    a = bench.synthetic_outcomes("pair_classification", 37, rng, 0.5)
    b = bench.synthetic_outcomes("pair_classification", 37, rng, 0.8)
    spec = get_task("xnli")
    c = compare_language(spec, a, b, language="en", draws=MIN_DRAWS, sampler=identity_indices)
    expected = _metric("xnli", b, "en")["accuracy"] - _metric("xnli", a, "en")["accuracy"]
    assert (c.delta, c.low, c.high) == (expected, expected, expected)
    assert c.p_value == 1 / (MIN_DRAWS + 1)  # no shifted draw reaches a non-zero delta


def _brute_force_accuracy(correct_a, correct_b, draws, seed, method):
    """The definitions of evaluators.significance, one draw at a time in plain Python."""
    n = len(correct_a)
    assert n * draws <= _BLOCK_ELEMENTS or n >= _BLOCK_ELEMENTS  # one block: one integers() call

    def acc(flags):
        return float(sum(flags)) / len(flags) * 100

    delta = acc(correct_b) - acc(correct_a)
    rows = language_generator(seed, 0).integers(0, n, size=(draws, n), dtype=np.uint16)
    deltas = [acc([correct_b[i] for i in row]) - acc([correct_a[i] for i in row]) for row in rows]
    if method == "bootstrap":
        null = [d - delta for d in deltas]
    else:
        swaps = language_generator(seed, 0, 1).integers(0, 2, size=(draws, n), dtype=np.int8)
        null = []
        for swap in swaps:
            a = [correct_b[i] if s else correct_a[i] for i, s in enumerate(swap)]
            b = [correct_a[i] if s else correct_b[i] for i, s in enumerate(swap)]
            null.append(acc(b) - acc(a))
    ordered = sorted(deltas)

    def quantile(q):  # numpy's default (linear) rule
        h = (draws - 1) * q
        lo = math.floor(h)
        return ordered[lo] + (h - lo) * (ordered[min(lo + 1, draws - 1)] - ordered[lo])

    extreme = sum(1 for d in null if abs(d) >= abs(delta) * (1 - 1e-9))
    return delta, quantile(0.025), quantile(0.975), (1 + extreme) / (draws + 1)


@pytest.mark.parametrize("method", ["bootstrap", "randomization"])
def test_accuracy_matches_a_brute_force_loop(method):
    correct_a = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1]
    correct_b = [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1]
    a = [{"id": i, "correct": c} for i, c in enumerate(correct_a)]
    b = [{"id": i, "correct": c} for i, c in enumerate(correct_b)]
    c = compare_language(get_task("xnli"), a, b, language="en", draws=1000, seed=7, method=method)
    expected = _brute_force_accuracy(correct_a, correct_b, 1000, 7, method)
    assert (c.delta, c.low, c.high, c.p_value) == expected
    assert (c.score_a, c.score_b) == (7 / 12 * 100, 10 / 12 * 100)


def test_same_seed_same_numbers_and_another_seed_others(bench):
    run_a, run_b = _runs(bench, XTREME, n=30)
    first = compare_benchmark(XTREME, run_a, run_b, draws=1000, seed=5)
    assert compare_benchmark(XTREME, run_a, run_b, draws=1000, seed=5) == first
    other = compare_benchmark(XTREME, run_a, run_b, draws=1000, seed=6)
    assert other.overall.delta == first.overall.delta
    assert (other.overall.low, other.overall.high) != (first.overall.low, first.overall.high)


def test_the_same_indices_serve_both_runs():
    # b's outcomes are a's: every resample gives delta 0, so the interval is [0, 0] and p is 1
    a = [{"id": i, "correct": i % 3 == 0} for i in range(50)]
    c = compare_language(get_task("xnli"), a, list(reversed(a)), language="en", draws=1000)
    assert (c.delta, c.low, c.high, c.p_value) == (0.0, 0.0, 0.0, 1.0)


def test_different_examples_are_refused_with_their_ids():
    a = [{"id": f"q{i}", "exact_match": 1, "f1": 1.0} for i in range(8)]
    b = a[:6] + [{"id": "x1", "exact_match": 0, "f1": 0.0}]
    with pytest.raises(ValueError) as err:
        compare_language(get_task("mlqa"), a, b, language="de", draws=1000)
    assert str(err.value) == ("mlqa de: the runs were scored on different examples: 2 only in run a ('q6', 'q7'); "
                              "1 only in run b ('x1'); compare runs scored on the same data")
    with pytest.raises(ValueError, match=r"^xnli en: run b has example id 3 twice$"):
        compare_language(get_task("xnli"), [{"id": 3, "correct": 1}],
                         [{"id": 3, "correct": 1}, {"id": 3, "correct": 0}], language="en", draws=1000)


def test_bucc_pairs_only_one_run_predicted_count_as_neither_in_the_other():
    spec = get_task("bucc2018")
    a = [{"id": "g1", "gold": 1, "predicted": 1}, {"id": "g2", "gold": 1, "predicted": 0},
         {"id": "pa", "gold": 0, "predicted": 1}]
    b = [{"id": "g1", "gold": 1, "predicted": 1}, {"id": "g2", "gold": 1, "predicted": 1},
         {"id": "pb", "gold": 0, "predicted": 1}]
    cols_a, cols_b = aligned_columns(spec, a, b, "bucc2018 de")
    # columns: correct, predicted, gold; rows g1, g2, pa, pb
    assert cols_a.tolist() == [[1, 1, 1], [0, 0, 1], [0, 1, 0], [0, 0, 0]]
    assert cols_b.tolist() == [[1, 1, 1], [1, 1, 1], [0, 0, 0], [0, 1, 0]]
    with pytest.raises(ValueError, match=r"1 only in run a \('g2'\)"):
        aligned_columns(spec, a, b[:1] + b[2:], "bucc2018 de")


def test_holm_steps_down_and_keeps_keys():
    assert holm({"a": 0.01, "b": 0.04, "c": 0.03}) == {"a": 0.03, "b": 0.06, "c": 0.06}
    assert holm({"x": 0.5, "y": 0.9}) == {"x": 1.0, "y": 1.0}
    assert holm({}) == {}


def test_comparison_carries_holm_across_languages_and_tasks(bench):
    run_a, run_b = _runs(bench, XTREME, n=30)
    result = compare_benchmark(XTREME, run_a, run_b, draws=1000)
    for task, by_language in result.languages.items():
        assert result.languages_holm[task] == holm({lang: c.p_value for lang, c in by_language.items()})
    assert result.tasks_holm == holm({task: c.p_value for task, c in result.tasks.items()})


def test_bad_settings_are_refused():
    a = [{"id": 0, "correct": 1}]
    spec = get_task("xnli")
    with pytest.raises(ValueError, match=r"^999 draws: a paired bootstrap needs at least 1000$"):
        compare_language(spec, a, a, draws=999)
    with pytest.raises(ValueError, match=r"^unknown method 'z'; expected one of bootstrap, randomization$"):
        compare_language(spec, a, a, method="z")


def test_bench_core_runs_on_a_tiny_run_pair(bench):
    run_a, run_b = bench.synthetic_run_pair(bench.SIZES, scale=0.002)
    assert set(run_a) == set(XTREME.task_names)
    result = compare_benchmark(XTREME, run_a, run_b, draws=1000, method="randomization")
    assert result.overall.low <= result.overall.delta <= result.overall.high
    assert bench.naive_seconds_per_example_draw(run_a, run_b, ["xnli", "bucc2018"], 2) > 0


def test_languages_are_resampled_apart_and_a_one_language_task_is_its_language(bench):
    rng = np.random.default_rng(1)
    run_a = {"xnli": {"en": bench.synthetic_outcomes("pair_classification", 30, rng, 0.6),
                      "de": bench.synthetic_outcomes("pair_classification", 50, rng, 0.6)},
             "mlqa": {"es": bench.synthetic_outcomes("span_qa", 20, rng, 0.6)}}
    run_b = {task: {lang: [dict(o, correct=1 - o["correct"]) if "correct" in o else o for o in outcomes]
                    for lang, outcomes in by_lang.items()} for task, by_lang in run_a.items()}
    sizes = []

    def recording(rng, n, rows):
        sizes.append(n)
        return identity_indices(rng, n, rows)

    compare_benchmark(None, run_a, run_b, draws=1000, sampler=recording)
    assert sorted(sizes) == [20, 30, 50]  # one block each: 1000 rows of 20, 30 or 50 fit in one
    result = compare_benchmark(None, run_a, run_b, draws=1000, seed=2)
    assert result.tasks["mlqa"] == result.languages["mlqa"]["es"]
    assert result.tasks["mlqa"].delta == 0.0 and result.overall is None


@pytest.mark.parametrize("task", ["udpos", "tydiqa", "bucc2018", "mewslix"])
def test_every_resample_is_the_familys_metric_of_the_resampled_outcomes(bench, task):
    """The vectorised sums against metric_from_outcomes on each resampled outcome list (same draws)."""
    spec = get_task(task)
    rng = np.random.default_rng(2)
    a = bench.synthetic_outcomes(spec.family, 15, rng, 0.5)
    b = [dict(o) for o in a]
    perfect = {"tagging": lambda o: {"tp": o["n_gold"], "n_pred": o["n_gold"]},
               "span_qa": lambda o: {"exact_match": 1, "f1": 1.0},
               "bitext_mining": lambda o: {"predicted": o["gold"]},
               "entity_retrieval": lambda o: {"reciprocal_rank": 1.0}}[spec.family]
    for o in b[::3]:  # run b is perfect on every third example
        o.update(perfect(o))
    c = compare_language(spec, a, b, language="x", draws=1000, seed=4)
    assert c.delta > 0
    rows = language_generator(4, 0).integers(0, len(a), size=(1000, len(a)), dtype=np.uint16)
    deltas = [_headline_of(task, _metric(task, [b[i] for i in row], "x"))
              - _headline_of(task, _metric(task, [a[i] for i in row], "x")) for row in rows]
    low, high = np.quantile(deltas, [0.025, 0.975])
    assert (c.low, c.high) == pytest.approx((low, high), rel=1e-12, abs=1e-12)
    extreme = sum(1 for d in deltas if abs(d - c.delta) >= abs(c.delta) * (1 - 1e-9))
    assert c.p_value == (1 + extreme) / 1001
