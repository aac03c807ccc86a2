from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import SQUAD_V1, XTREME_HUB

LANGUAGES = tuple("en es de ar hi vi zh".split())

TASK = TaskSpec(
    name="mlqa", title="MLQA", family="span_qa",
    # MLQA's own scorer: language-aware normalisation (evaluators.mlqa).
    metrics=("exact_match", "f1"), headline="em_f1", answer_normalisation="mlqa",
    languages=frozen_map({"xtreme": LANGUAGES, "xtreme-r": LANGUAGES}),
    submission_ext="json",
    raw=frozen_map({split: (f"mlqa/MLQA_V1/{split}/{split}-context-{{lang}}-question-{{lang}}.json",)
                    for split in ("dev", "test")}),
    hub=hub_splits(XTREME_HUB, "MLQA.{lang}.{lang}", dev="validation", test="test"),
    head_kind="question_answering", training=SQUAD_V1,
    citation="Lewis et al. MLQA: Evaluating Cross-lingual Extractive Question Answering. ACL 2020.",
)
