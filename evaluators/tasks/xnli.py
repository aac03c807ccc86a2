from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import MNLI_FOR_XNLI, MNLI_HUB_TRAIN, XNLI_COLUMNS, XTREME_HUB

LANGUAGES = tuple("ar bg de el en es fr hi ru sw th tr ur vi zh".split())

TASK = TaskSpec(
    name="xnli", title="XNLI", family="pair_classification",
    metrics=("accuracy",), headline="accuracy",
    languages=frozen_map({"xtreme": LANGUAGES, "xtreme-r": LANGUAGES}),
    submission_ext="tsv", labels=("contradiction", "entailment", "neutral"),
    # The XNLI-MT training files (and XTREME's own XNLI processor, which renames it) spell it so.
    label_synonyms=frozen_map({"contradictory": "contradiction"}),
    raw=frozen_map({"train": ("xnli/train-en.tsv",), "dev": ("xnli/dev-{lang}.tsv",),
                    "test": ("xnli/test-{lang}.tsv",)}),
    hub=frozen_map({
        **MNLI_HUB_TRAIN,  # MNLI: English only
        **hub_splits(XTREME_HUB, "XNLI", language_column="language", columns=XNLI_COLUMNS, dev="validation",
                     test="test"),
    }),
    head_kind="sequence_classification", training=MNLI_FOR_XNLI,
    citation="Conneau et al. XNLI: Evaluating Cross-lingual Sentence Representations. EMNLP 2018.",
)
