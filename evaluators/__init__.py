"""XTREME scoring: pure functions over predictions and gold (no torch, no lm-eval).

One module per metric, each docstring stating the exact definition:
classification.accuracy, tagging.tagging_scores, squad.squad_scores, mlqa.mlqa_scores,
segmented_qa.segmented_qa_scores (opt-in, not official), bitext.bitext_f1, retrieval/mining (k-NN,
ratio margin, BUCC mining and thresholds, Tatoeba top-1), aggregate (task, group and XTREME scores),
submission.score_submission (the public leaderboard layout).
"""

from evaluators.aggregate import overall_scores, task_summary
from evaluators.benchmark import GROUPS, TASKS, TaskSpec, get_task
from evaluators.bitext import bitext_f1, bucc_f1
from evaluators.classification import accuracy
from evaluators.errors import InputFileError
from evaluators.mining import MinedPairs, ThresholdFit, apply_threshold, fit_threshold, mine_bitext, pairs_to_ids, unique_texts
from evaluators.mlqa import mlqa_scores
from evaluators.retrieval import knn_inner_product, l2_normalize, ratio_margin_scores, tatoeba_top1, top1_accuracy
from evaluators.squad import squad_scores
from evaluators.submission import score_submission
from evaluators.tagging import tagging_scores

__all__ = [
    "GROUPS", "TASKS", "TaskSpec", "get_task", "InputFileError",
    "accuracy", "tagging_scores", "squad_scores", "mlqa_scores", "bitext_f1",
    "task_summary", "overall_scores", "score_submission", "bucc_f1",
    "l2_normalize", "knn_inner_product", "ratio_margin_scores", "tatoeba_top1", "top1_accuracy",
    "mine_bitext", "MinedPairs", "unique_texts", "pairs_to_ids", "fit_threshold", "ThresholdFit", "apply_threshold",
]
