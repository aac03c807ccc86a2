from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import COPA_EN

TASK = TaskSpec(
    name="xcopa", title="XCOPA", family="multiple_choice",
    metrics=("accuracy",), headline="accuracy",
    languages=frozen_map({"xtreme-r": tuple("et ht id it qu sw ta th tr vi zh".split())}),
    # One JSON object a line; the scorer reads its "label" (the index of the right choice: 0 or 1).
    submission_ext="jsonl", labels=("0", "1"),
    raw=frozen_map({"dev": ("xcopa/val-{lang}.jsonl",), "test": ("xcopa/test-{lang}.jsonl",)}),
    hub=hub_splits("cambridgeltl/xcopa", "{lang}", dev="validation", test="test"),
    head_kind="multiple_choice", training=COPA_EN,
    citation="Ponti et al. XCOPA: A Multilingual Dataset for Causal Commonsense Reasoning. EMNLP 2020.",
)
