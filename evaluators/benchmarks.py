"""Benchmarks as objects over declared tasks: XTREME (2020) and XTREME-R (2021).

A benchmark names its tasks in the reference scorer's order, their languages (from each task's
declaration), its groups, and how the overall score is made. Every table, aggregate and message takes a
benchmark, so nothing assumes nine tasks.

The overall scores, exactly:

* XTREME (``all_task``): the unweighted mean of the nine task scores, as google-research/xtreme's
  evaluate.py computes it; this reproduces the published averages (mBERT 59.6, XLM-R large 68.2).
* XTREME-R: the reference scorer never sets an overall score (its LAReQA entry has no language list, so
  the average is skipped). We define it as the paper does (Ruder et al. 2021, section 4): the unweighted
  mean of the ten task scores, with each task's headline metric (Mewsli-X as MRR@20, LAReQA as mAP@20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evaluators.task_spec import TaskSpec, frozen_map


@dataclass(frozen=True)
class Benchmark:
    name: str  # as users type it: "xtreme", "xtreme-r"
    title: str  # "XTREME", "XTREME-R"
    groups: Mapping[str, tuple[str, ...]]  # group -> its tasks, in the reference scorer's order
    overall: str  # the key the overall score is stored under
    citation: str
    overall_note: str = ""  # how our overall score differs from the reference's, if it does

    @property
    def task_names(self) -> tuple[str, ...]:
        return tuple(task for tasks in self.groups.values() for task in tasks)

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

    def group_of(self, task: str) -> str:
        return next(group for group, tasks in self.groups.items() if task in tasks)


XTREME = Benchmark(
    name="xtreme", title="XTREME",
    groups=frozen_map({
        "classification": ("pawsx", "xnli"),
        "tagging": ("udpos", "panx"),
        "qa": ("xquad", "mlqa", "tydiqa"),
        "retrieval": ("bucc2018", "tatoeba"),
    }),
    overall="all_task",
    citation="Hu et al. XTREME: A Massively Multilingual Multi-task Benchmark for Evaluating Cross-lingual "
             "Generalization. ICML 2020.",
)

XTREME_R = Benchmark(
    name="xtreme-r", title="XTREME-R",
    groups=frozen_map({
        "classification": ("xnli", "xcopa"),
        "structured prediction": ("udpos", "panx"),
        "qa": ("xquad", "mlqa", "tydiqa"),
        "retrieval": ("tatoeba", "mewslix", "lareqa"),
    }),
    overall="all_task",
    citation="Ruder et al. XTREME-R: Towards More Challenging and Nuanced Multilingual Evaluation. EMNLP 2021.",
    overall_note="the reference scorer gives no XTREME-R overall score; ours is the paper's: the mean of the "
                 "ten task scores",
)

BENCHMARKS: dict[str, Benchmark] = {b.name: b for b in (XTREME, XTREME_R)}


def get_benchmark(name: str | Benchmark) -> Benchmark:
    if isinstance(name, Benchmark):
        return name
    try:
        return BENCHMARKS[name]
    except KeyError:
        raise KeyError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}") from None
