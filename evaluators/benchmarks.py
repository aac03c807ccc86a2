"""Benchmarks as objects over declared tasks: XTREME (2020) and XTREME-R (2021).

A benchmark names its tasks in the reference scorer's order, their languages (from each task's
declaration), its groups, and how the overall score is made. Every table, aggregate and message takes a
benchmark, so nothing assumes nine tasks.

The overall scores, exactly:

* XTREME (``all_task``): the unweighted mean of the nine task scores, as google-research/xtreme's
  evaluate.py computes it; this reproduces the published averages (mBERT 59.6, XLM-R large 68.2).
* XTREME-R (``overall``): the reference scorer never sets one (LAReQA has no language list there, and
  a submission with every task makes it fail). We use the paper's (Ruder et al. 2021): the mean of four
  category scores, classification {XNLI, XCOPA}, structured prediction {UD-POS, PAN-X}, QA {XQuAD, MLQA,
  TyDiQA-GoldP} and retrieval {Mewsli-X, LAReQA, Tatoeba}, each the mean of its task scores. The
  reference's own groups (``classification``, ``tagging``, ``qa``, ``retrieval`` without LAReQA,
  ``multi_choice``) are reported too, key for key; the paper's categories go under ``categories``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from evaluators.task_spec import TaskSpec, frozen_map


@dataclass(frozen=True)
class Benchmark:
    name: str  # as users type it: "xtreme", "xtreme-r"
    title: str  # "XTREME", "XTREME-R"
    task_names: tuple[str, ...]  # in the reference scorer's order (the order of its output's task keys)
    groups: Mapping[str, tuple[str, ...]]  # the reference scorer's groups, in its order: key -> tasks
    overall: str  # the key the overall score is stored under
    # How the overall score is made: "tasks", the mean of every task score; "categories", the mean of the
    # category means below (each the mean of its tasks' scores).
    overall_rule: str
    citation: str
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)  # for overall_rule "categories"
    overall_note: str = ""  # how our overall score differs from the reference's, if it does

    @property
    def tasks(self) -> dict[str, TaskSpec]:
        from evaluators.tasks import TASKS

        return {name: TASKS[name] for name in self.task_names}

    def languages(self, task: str) -> tuple[str, ...]:
        """``task``'s test languages in this benchmark, in the reference scorer's order."""
        from evaluators.tasks import TASKS

        return TASKS[task].languages_of(self.name)

    @property
    def all_languages(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for task in self.task_names:
            seen.update(dict.fromkeys(self.languages(task)))
        return tuple(seen)

    def groups_of(self, task: str) -> tuple[str, ...]:
        """The reference groups ``task`` is averaged in (XCOPA is in two, LAReQA in none)."""
        return tuple(group for group, tasks in self.groups.items() if task in tasks)


XTREME = Benchmark(
    name="xtreme", title="XTREME",
    task_names=("pawsx", "xnli", "panx", "udpos", "bucc2018", "tatoeba", "xquad", "mlqa", "tydiqa"),
    groups=frozen_map({
        "classification": ("pawsx", "xnli"),
        "tagging": ("udpos", "panx"),
        "qa": ("xquad", "mlqa", "tydiqa"),
        "retrieval": ("bucc2018", "tatoeba"),
    }),
    overall="all_task", overall_rule="tasks",
    citation="Hu et al. XTREME: A Massively Multilingual Multi-task Benchmark for Evaluating Cross-lingual "
             "Generalization. ICML 2020.",
)

XTREME_R = Benchmark(
    name="xtreme-r", title="XTREME-R",
    task_names=("xnli", "panx", "udpos", "tatoeba", "xcopa", "lareqa", "mewslix", "xquad", "mlqa", "tydiqa"),
    # The reference's groups: LAReQA is in none, XCOPA in two.
    groups=frozen_map({
        "classification": ("xnli", "xcopa"),
        "tagging": ("udpos", "panx"),
        "qa": ("xquad", "mlqa", "tydiqa"),
        "retrieval": ("tatoeba", "mewslix"),
        "multi_choice": ("xcopa",),
    }),
    # The paper's overall score: the mean of its four categories (Ruder et al. 2021, Table 2; checked on
    # its published rows, e.g. mBERT 54.1 and XLM-R large 65.3).
    overall="overall", overall_rule="categories",
    categories=frozen_map({
        "classification": ("xnli", "xcopa"),
        "structured prediction": ("udpos", "panx"),
        "qa": ("xquad", "mlqa", "tydiqa"),
        "retrieval": ("mewslix", "lareqa", "tatoeba"),
    }),
    citation="Ruder et al. XTREME-R: Towards More Challenging and Nuanced Multilingual Evaluation. EMNLP 2021.",
    overall_note="the reference scorer gives no XTREME-R overall score (LAReQA has no language list there); "
                 "ours is the paper's: the mean of four category means, LAReQA in retrieval",
)

BENCHMARKS: dict[str, Benchmark] = {b.name: b for b in (XTREME, XTREME_R)}


def get_benchmark(name: str | Benchmark) -> Benchmark:
    if isinstance(name, Benchmark):
        return name
    try:
        return BENCHMARKS[name]
    except KeyError:
        raise KeyError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}") from None
