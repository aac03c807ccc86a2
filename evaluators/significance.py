"""Paired significance statistics for comparing two runs: the numbers under ``xtreme compare`` / ``xtreme regress``.

Pure functions over per-example outcomes (evaluators.families: one outcome per example, the fields a family's
``metric_from_outcomes`` sums). Two runs are compared on the *same* examples, so every statistic here is
paired: each resample takes the same example indices for both runs.

Definitions (run ``a`` is the baseline, ``b`` the candidate; a delta is ``b - a`` of a headline score, in the
scores' own units, i.e. points on a 0-100 scale):

* headline of one language: the mean of the metrics its task's headline is made of
  (evaluators.aggregate.headline_metrics: accuracy, F1, MAP/MRR, or (EM + F1) / 2), each computed from sums
  of per-example fields exactly as the family's ``metric_from_outcomes`` computes it (accuracy and means:
  ``100 * sum / n``; tagging and BUCC F1 from the summed counts, 0 where the reference has 0).
* task score: as evaluators.aggregate.task_summary: each metric averaged over the task's languages, then
  combined into the headline; a task with ``average == "pooled"`` (LAReQA) takes the metric of the summed
  fields of all its languages. Benchmark score: evaluators.aggregate.overall_of over the tasks given.
* draws: the i-th task language (0-based, tasks and languages in the order given) has its own streams,
  :func:`language_generator` ``(seed, i, 0)`` for the bootstrap and ``(seed, i, 1)`` for randomization
  (``numpy.random.Generator(SFC64(SeedSequence(seed, spawn_key=(i, purpose))))``; SFC64, the fastest of
  numpy's bit generators, matters at 1.5e9 indices). Bootstrap: blocks of rows
  ``rng.integers(0, n, size=(rows, n), dtype=D)`` (D ``uint16`` for n <= 65,536, else ``int64``: its
  draws are the fastest), ``rows = max(1, 2**18 // n)`` (the last block
  shorter); row ``j`` is resample ``j`` of that language's n examples (with replacement), used for both runs.
  Languages are resampled independently (stratified), so a task's or the benchmark's resampled score is
  made of its languages' resampled scores of the same row. Approximate randomization: blocks
  ``rng.integers(0, 2, size=(rows, n), dtype=np.int8)``: 1 swaps that example's two outcomes between the runs.
* confidence interval: the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the B bootstrap
  deltas (``numpy.quantile``, its default linear interpolation).
* p-value, two-sided, with the +1 correction that keeps it a valid p-value (never 0):
  - ``method="bootstrap"`` (shift method): the bootstrap deltas moved to mean-zero under the null by
    subtracting the observed delta d: ``p = (1 + #{j : |d*_j - d| >= |d|}) / (B + 1)``;
  - ``method="randomization"`` (approximate randomization): ``p = (1 + #{j : |d^r_j| >= |d|}) / (B + 1)``,
    ``d^r_j`` the delta after swapping each example's pair of outcomes with probability 1/2.
  ``>=`` is taken with a relative tolerance of 1e-9 of ``|d|`` so that a resample equal to d except for
  rounding counts as equal.
* Holm correction (:func:`holm`): step-down adjusted p-values, ``p_adj(i) = max_{k<=i} min(1, (m-k+1) p_(k))``
  over the p-values sorted ascending.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from evaluators.aggregate import headline_metrics, overall_of
from evaluators.families.base import Outcome
from evaluators.task_spec import TaskSpec

DEFAULT_DRAWS = 10_000
MIN_DRAWS = 1_000
METHODS = ("bootstrap", "randomization")
_BLOCK_ELEMENTS = 1 << 18  # index draws counted at once: small enough that the counts stay in cache
_TIE_TOLERANCE = 1e-9

# (rng, n examples, rows) -> an int array (rows, n) of example indices; the test hook replaces it.
Sampler = Callable[[np.random.Generator, int, int], np.ndarray]


def uniform_indices(rng: np.random.Generator, n: int, rows: int) -> np.ndarray:
    # uint16 where the indices fit: the fastest draws numpy makes (two from each 32-bit output)
    return rng.integers(0, n, size=(rows, n), dtype=np.uint16 if n <= 1 << 16 else np.int64)


def identity_indices(rng: np.random.Generator, n: int, rows: int) -> np.ndarray:
    """Every resample is the sample itself (a test hook: the deltas are then the plain deltas)."""
    return np.tile(np.arange(n, dtype=np.int64), (rows, 1))


def language_generator(seed: int, position: int, purpose: int = 0) -> np.random.Generator:
    """The draws of the ``position``-th task language (0-based, in the order given): ``purpose`` 0 for the
    bootstrap, 1 for approximate randomization. One independent stream each, so that languages can be
    drawn in parallel and every number still depends on the seed alone."""
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=(position, purpose))))


# --- what each family's metric is made of: per-example columns, and metrics from their sums ---------------

def _accuracy(sums, n):
    return {"accuracy": sums[0] / n * 100}


def _means(*metrics):
    def metric(sums, n):
        return {name: sums[i] / n * 100 for i, name in enumerate(metrics)}
    return metric


def _f1_from_counts(correct, predicted, gold):
    """F1 * 100 as the reference: precision and recall 0 where they divide nothing, F1 0 where p + r = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(predicted > 0, correct / np.where(predicted > 0, predicted, 1), 0.0)
        r = np.where(gold > 0, correct / np.where(gold > 0, gold, 1), 0.0)
        f1 = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return {"f1": f1 * 100, "precision": p * 100, "recall": r * 100}


def _tagging(sums, n):
    return _f1_from_counts(sums[0], sums[1], sums[2])


def _bitext(sums, n):
    return _f1_from_counts(sums[0], sums[1], sums[2])


@dataclass(frozen=True)
class _Kernel:
    columns: Callable[[Outcome], tuple]  # one outcome -> its numbers
    metrics: Callable  # (sums: sequence of arrays, n) -> {metric: array}


_KERNELS = {
    "pair_classification": _Kernel(lambda o: (o["correct"],), _accuracy),
    "multiple_choice": _Kernel(lambda o: (o["correct"],), _accuracy),
    "sentence_retrieval": _Kernel(lambda o: (o["correct"],), _accuracy),
    "span_qa": _Kernel(lambda o: (o["exact_match"], o["f1"]), _means("exact_match", "f1")),
    "tagging": _Kernel(lambda o: (o["tp"], o["n_pred"], o["n_gold"]), _tagging),
    "bitext_mining": _Kernel(lambda o: (o["gold"] * o["predicted"], o["predicted"], o["gold"]), _bitext),
    "entity_retrieval": _Kernel(lambda o: (o["reciprocal_rank"],), _means("map@20")),
    "answer_retrieval": _Kernel(lambda o: (o["average_precision"],), _means("map@20")),
}


def _kernel(spec: TaskSpec) -> _Kernel:
    if spec.family not in _KERNELS:
        raise ValueError(f"{spec.name}: no paired statistics for its family {spec.family!r}")
    return _KERNELS[spec.family]


def _headline(spec: TaskSpec, metrics: Mapping[str, np.ndarray]) -> np.ndarray:
    parts = headline_metrics(spec)
    return sum(metrics[m] for m in parts) / len(parts)


# --- aligning two runs' outcomes ---------------------------------------------------------------------------

def _shown(ids, limit: int = 5) -> str:
    ids = sorted(ids, key=str)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(repr(i) for i in ids[:limit]) + more


def aligned_columns(spec: TaskSpec, outcomes_a: Sequence[Outcome], outcomes_b: Sequence[Outcome],
                    where: str) -> tuple[np.ndarray, np.ndarray]:
    """Both runs' per-example columns (n, k), row i the same example id in both, in run a's order.

    Refuses (ValueError naming the ids) repeated ids or runs over different examples. BUCC outcomes are
    the union of gold and predicted pairs, so a pair only one run predicted (gold 0) is a pair the other
    run scored as neither gold nor predicted: it is added as such; a gold pair missing from one run is
    refused (different gold).
    """
    kernel = _kernel(spec)
    maps = []
    for run, outcomes in (("a", outcomes_a), ("b", outcomes_b)):
        by_id = {}
        for outcome in outcomes:
            if outcome["id"] in by_id:
                raise ValueError(f"{where}: run {run} has example id {outcome['id']!r} twice")
            by_id[outcome["id"]] = outcome
        if not by_id:
            raise ValueError(f"{where}: run {run} has no examples")
        maps.append(by_id)
    a, b = maps
    if spec.family == "bitext_mining":
        for this, other in ((a, b), (b, a)):
            for key in [k for k in other if k not in this and not other[k]["gold"]]:
                this[key] = {"id": key, "gold": 0, "predicted": 0}
    only_a, only_b = set(a) - set(b), set(b) - set(a)
    if only_a or only_b:
        parts = [f"{len(s)} only in run {r} ({_shown(s)})" for r, s in (("a", only_a), ("b", only_b)) if s]
        raise ValueError(f"{where}: the runs were scored on different examples: {'; '.join(parts)}; compare "
                         f"runs scored on the same data")
    keys = list(a)
    cols_a = np.array([kernel.columns(a[k]) for k in keys], dtype=np.float64)
    cols_b = np.array([kernel.columns(b[k]) for k in keys], dtype=np.float64)
    return cols_a, cols_b


# --- resampling ---------------------------------------------------------------------------------------------

def _bootstrap_sums(cols: np.ndarray, draws: int, rng: np.random.Generator, sampler: Sampler) -> np.ndarray:
    """(draws, k) column sums of ``draws`` resamples of the rows of ``cols`` (n, k).

    Vectorised: each block's indices become a count matrix (how often each example was drawn, one
    bincount over row-offset indices) whose product with ``cols`` is every resample's sums at once.
    """
    n = len(cols)
    out = np.empty((draws, cols.shape[1]))
    rows = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, draws, rows):
        block = min(rows, draws - start)
        idx = sampler(rng, n, block)
        flat = np.add(idx, (np.arange(block, dtype=np.int64) * n)[:, None], dtype=np.int64).ravel()
        counts = np.bincount(flat, minlength=block * n).reshape(block, n)
        out[start:start + block] = counts.astype(np.float64) @ cols
    return out


def _swap_sums(cols_a: np.ndarray, cols_b: np.ndarray, draws: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(draws, k) column sums of both runs after swapping each example's pair with probability 1/2."""
    n = len(cols_a)
    diff = cols_b - cols_a
    total_a, total_b = cols_a.sum(axis=0), cols_b.sum(axis=0)
    out_a, out_b = np.empty((draws, cols_a.shape[1])), np.empty((draws, cols_a.shape[1]))
    rows = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, draws, rows):
        block = min(rows, draws - start)
        swapped = rng.integers(0, 2, size=(block, n), dtype=np.int8).astype(np.float64) @ diff
        out_a[start:start + block] = total_a + swapped
        out_b[start:start + block] = total_b - swapped
    return out_a, out_b


def _metrics_of_sums(kernel: _Kernel, sums: np.ndarray, n: int) -> dict[str, np.ndarray]:
    return kernel.metrics([sums[:, j] for j in range(sums.shape[1])], n)


# --- results -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """Run b minus run a on one headline score."""

    score_a: float
    score_b: float
    delta: float
    low: float  # confidence interval of the delta (percentile bootstrap)
    high: float
    p_value: float  # two-sided, by ``method``
    method: str
    draws: int
    confidence: float


def _comparison(observed_a, observed_b, boot_a, boot_b, null_deltas, method, confidence) -> Comparison:
    delta = float(observed_b - observed_a)
    deltas = boot_b - boot_a
    low, high = np.quantile(deltas, [(1 - confidence) / 2, (1 + confidence) / 2])
    if method == "bootstrap":
        null_deltas = deltas - delta
    threshold = abs(delta) * (1 - _TIE_TOLERANCE)
    extreme = int(np.count_nonzero(np.abs(null_deltas) >= threshold))
    return Comparison(float(observed_a), float(observed_b), delta, float(low), float(high),
                      (1 + extreme) / (len(deltas) + 1), method, len(deltas), confidence)


@dataclass
class _Draws:
    """One language's observed metrics and their resampled (and, for randomization, swapped) values."""

    n: int
    observed: tuple[dict, dict]
    sums_observed: tuple[np.ndarray, np.ndarray]
    boot_sums: np.ndarray | None = None  # (B, 2k): run a's columns then run b's
    swap_sums: tuple[np.ndarray, np.ndarray] | None = None


def _check(draws: int, method: str, confidence: float) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if draws < MIN_DRAWS:
        raise ValueError(f"{draws} draws: a paired bootstrap needs at least {MIN_DRAWS}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence}: expected a number between 0 and 1")


def _observed(spec, cols_a, cols_b) -> _Draws:
    kernel, n = _kernel(spec), len(cols_a)
    sums = cols_a.sum(axis=0), cols_b.sum(axis=0)
    return _Draws(n, tuple(_metrics_of_sums(kernel, s[None, :], n) for s in sums), sums)


def _resampled(kernel, d: _Draws, run: int, swapped: bool) -> dict[str, np.ndarray]:
    k = len(d.sums_observed[0])
    sums = d.swap_sums[run] if swapped else d.boot_sums[:, run * k:(run + 1) * k]
    return _metrics_of_sums(kernel, sums, d.n)


def compare_language(spec: TaskSpec, outcomes_a: Sequence[Outcome], outcomes_b: Sequence[Outcome], *,
                     language: str = "", draws: int = DEFAULT_DRAWS, seed: int = 0, method: str = "bootstrap",
                     confidence: float = 0.95, sampler: Sampler = uniform_indices) -> Comparison:
    """Paired comparison of one task and language: the headline of ``spec`` per language, its draws those of
    the first task language of :func:`compare_benchmark` (``language`` only names it in messages)."""
    result = compare_benchmark(None, {spec.name: {language: outcomes_a}}, {spec.name: {language: outcomes_b}},
                               specs={spec.name: spec}, draws=draws, seed=seed, method=method,
                               confidence=confidence, sampler=sampler)
    return result.languages[spec.name][language]


@dataclass(frozen=True)
class BenchmarkComparison:
    languages: dict[str, dict[str, Comparison]]  # task -> language -> comparison
    tasks: dict[str, Comparison]
    overall: Comparison | None  # None when no benchmark was given
    languages_holm: dict[str, dict[str, float]] = field(default_factory=dict)  # Holm across each task's languages
    tasks_holm: dict[str, float] = field(default_factory=dict)  # Holm across the tasks


def compare_benchmark(benchmark, outcomes_a: Mapping[str, Mapping[str, Sequence[Outcome]]],
                      outcomes_b: Mapping[str, Mapping[str, Sequence[Outcome]]], *,
                      specs: Mapping[str, TaskSpec] | None = None, draws: int = DEFAULT_DRAWS, seed: int = 0,
                      method: str = "bootstrap", confidence: float = 0.95,
                      sampler: Sampler = uniform_indices) -> BenchmarkComparison:
    """Paired comparison of every task and language in ``outcomes_a`` (``{task: {language: outcomes}}``, in
    the order to draw them), each task's score, and (``benchmark`` given: a Benchmark or its name) the
    benchmark score by evaluators.aggregate.overall_of over the tasks given. Both runs must have the same
    tasks and languages. ``specs`` overrides the task declarations looked up by name (tests)."""
    from evaluators.tasks import get_task

    _check(draws, method, confidence)
    if set(outcomes_a) != set(outcomes_b):
        raise ValueError(f"the runs have different tasks: {_shown(set(outcomes_a) ^ set(outcomes_b))}")
    per_task: dict[str, tuple[TaskSpec, dict[str, _Draws]]] = {}
    jobs = []  # (position, columns a, columns b, the language's _Draws)
    for task, by_language in outcomes_a.items():
        spec = (specs or {}).get(task) or get_task(task)
        if set(by_language) != set(outcomes_b[task]):
            raise ValueError(f"{task}: the runs have different languages: "
                             f"{_shown(set(by_language) ^ set(outcomes_b[task]))}")
        language_draws = {}
        for language, outcomes in by_language.items():
            label = f"{task} {language}".strip()
            cols_a, cols_b = aligned_columns(spec, outcomes, outcomes_b[task][language], label)
            language_draws[language] = _observed(spec, cols_a, cols_b)
            jobs.append((len(jobs), cols_a, cols_b, language_draws[language]))
        per_task[task] = (spec, language_draws)

    def draw(job) -> None:
        position, cols_a, cols_b, d = job
        d.boot_sums = _bootstrap_sums(np.hstack([cols_a, cols_b]), draws, language_generator(seed, position),
                                      sampler)
        if method == "randomization":
            d.swap_sums = _swap_sums(cols_a, cols_b, draws, language_generator(seed, position, 1))

    # numpy's generators, its matrix products and (mostly) its counting run without the GIL: threads use
    # every core; the numbers do not depend on the order (one stream per language).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(draw, jobs))

    swapped = method == "randomization"
    languages, tasks = {}, {}
    task_values = {key: {} for key in ("obs", "boot", "null")}  # per run pair: task -> (a, b)
    for task, (spec, language_draws) in per_task.items():
        kernel = _kernel(spec)
        languages[task] = {}
        for language, d in language_draws.items():
            obs = [_headline(spec, d.observed[r])[0] for r in (0, 1)]
            boot = [_headline(spec, _resampled(kernel, d, r, False)) for r in (0, 1)]
            null = ([_headline(spec, _resampled(kernel, d, r, True)) for r in (0, 1)] if swapped else boot)
            languages[task][language] = _comparison(*obs, *boot, null[1] - null[0], method, confidence)
        values = {name: _task_score(spec, language_draws, kernel, view)
                  for name, view in (("obs", "obs"), ("boot", "boot"), ("null", "swap" if swapped else "boot"))}
        for name, pair in values.items():
            task_values[name][task] = pair
        tasks[task] = _comparison(*values["obs"], *values["boot"], values["null"][1] - values["null"][0],
                                  method, confidence)
    overall = None
    if benchmark is not None:
        parts = {name: [overall_of(benchmark, {t: pair[r] for t, pair in task_values[name].items()})
                        for r in (0, 1)] for name in task_values}
        overall = _comparison(*parts["obs"], *parts["boot"], parts["null"][1] - parts["null"][0], method, confidence)
    return BenchmarkComparison(
        languages, tasks, overall,
        {task: holm({lang: c.p_value for lang, c in by_lang.items()}) for task, by_lang in languages.items()},
        holm({task: c.p_value for task, c in tasks.items()}),
    )


def _task_score(spec: TaskSpec, language_draws: Mapping[str, _Draws], kernel: _Kernel, view: str):
    """Both runs' task scores (arrays over draws; length 1 for ``view == "obs"``), by evaluators.aggregate's
    rule: each metric's mean over languages (summed in language order), then the headline; pooled tasks
    from the summed columns of all languages."""
    scores = []
    for run in (0, 1):
        if spec.average == "pooled":
            total = 0
            n = 0
            for d in language_draws.values():
                k = len(d.sums_observed[0])
                total = total + (d.sums_observed[run][None, :] if view == "obs" else
                                 d.swap_sums[run] if view == "swap" else d.boot_sums[:, run * k:(run + 1) * k])
                n += d.n
            scores.append(_headline(spec, _metrics_of_sums(kernel, total, n)))
            continue
        per_language = [d.observed[run] if view == "obs" else _resampled(kernel, d, run, view == "swap")
                        for d in language_draws.values()]
        averages = {m: sum(metrics[m] for metrics in per_language) / len(per_language)
                    for m in headline_metrics(spec)}
        scores.append(_headline(spec, averages))
    if view == "obs":
        return scores[0][0], scores[1][0]
    return scores[0], scores[1]


def holm(p_values: Mapping) -> dict:
    """Holm-Bonferroni adjusted p-values, same keys (see the module docstring)."""
    order = sorted(p_values, key=lambda key: p_values[key])
    m, running, adjusted = len(order), 0.0, {}
    for rank, key in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[key]))
        adjusted[key] = running
    return {key: adjusted[key] for key in p_values}
