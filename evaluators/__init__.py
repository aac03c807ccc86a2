"""XTREME scoring: pure functions over predictions and gold (no torch, no lm-eval).

One module per metric, each docstring stating the exact definition:
classification.accuracy, tagging.tagging_scores, squad.squad_scores, mlqa.mlqa_scores,
segmented_qa.segmented_qa_scores (opt-in, not official), bitext.bitext_f1, mewslix.mewslix_scores (MRR@20),
lareqa.lareqa_scores (mAP@20), retrieval/mining (k-NN, ratio margin, BUCC mining and thresholds, Tatoeba
top-1), aggregate (task, group and overall scores of a benchmark), submission.score_submission (the public
leaderboard layout). Tasks are declared under evaluators/tasks, benchmarks in evaluators.benchmarks, and
each task family's scoring under evaluators/families.
"""

import importlib

# Public name -> the module that defines it. Loaded on first use (PEP 562), so importing one metric does
# not import every other one: `evaluators.classification` stays free of numpy and faiss, which only
# retrieval and mining need.
_EXPORTS = {
    "overall_scores": "aggregate", "task_summary": "aggregate",
    "BENCHMARKS": "benchmarks", "XTREME": "benchmarks", "XTREME_R": "benchmarks", "get_benchmark": "benchmarks",
    "TASKS": "tasks", "get_task": "tasks", "TaskSpec": "task_spec",
    "bitext_f1": "bitext", "bucc_f1": "bitext",
    "accuracy": "classification",
    "InputFileError": "errors",
    "MinedPairs": "mining", "ThresholdFit": "mining", "apply_threshold": "mining", "fit_threshold": "mining",
    "mine_bitext": "mining", "pairs_to_ids": "mining", "unique_texts": "mining",
    "lareqa_scores": "lareqa",
    "mewslix_scores": "mewslix",
    "mlqa_scores": "mlqa",
    "knn_inner_product": "retrieval", "l2_normalize": "retrieval", "ratio_margin_scores": "retrieval",
    "tatoeba_top1": "retrieval", "top1_accuracy": "retrieval",
    "squad_scores": "squad",
    "score_submission": "submission",
    "tagging_scores": "tagging",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'evaluators' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"evaluators.{_EXPORTS[name]}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
