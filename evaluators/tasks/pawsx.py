from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import PAWS_EN, XTREME_HUB

TASK = TaskSpec(
    name="pawsx", title="PAWS-X", family="pair_classification",
    metrics=("accuracy",), headline="accuracy",
    languages=frozen_map({"xtreme": tuple("de en es fr ja ko zh".split())}),
    submission_ext="tsv", labels=("0", "1"),
    # Gold labels are 0/1, 1 meaning "is a paraphrase" (the PAWS dataset card); paraphrase classifiers
    # often name their classes instead.
    label_synonyms=frozen_map({"not_paraphrase": "0", "paraphrase": "1"}),
    raw=frozen_map({split: (f"pawsx/{split}-{{lang}}.tsv",) for split in ("train", "dev", "test")}),
    hub=hub_splits(XTREME_HUB, "PAWS-X.{lang}", train="train", dev="validation", test="test"),
    head_kind="sequence_classification", training=PAWS_EN,
    citation="Yang et al. PAWS-X: A Cross-lingual Adversarial Dataset for Paraphrase Identification. "
             "EMNLP 2019.",
)
