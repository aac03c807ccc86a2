from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import PANX_COLUMNS, PANX_EN, XTREME_HUB

XTREME = tuple(
    "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw yo my zh kk"
    " tr et fi hu".split())
XTREME_R = XTREME + tuple("qu pl uk az lt pa gu ro".split())

TASK = TaskSpec(
    name="panx", title="PAN-X", family="tagging",
    metrics=("f1", "precision", "recall"), headline="f1",
    languages=frozen_map({"xtreme": XTREME, "xtreme-r": XTREME_R}),
    submission_ext="tsv", labels=("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"),
    # Raw PAN-X tokens carry a "{lang}:" prefix (en:Berlin), which the tagging reader strips.
    raw=frozen_map({split: (f"panx/{split}-{{lang}}.tsv",) for split in ("train", "dev", "test")}),
    token_language_prefix=True,
    hub=hub_splits(XTREME_HUB, "PAN-X.{lang}", columns=PANX_COLUMNS, train="train", dev="validation",
                   test="test"),
    head_kind="token_classification", training=PANX_EN,
    citation="Pan et al. Cross-lingual Name Tagging and Linking for 282 Languages. ACL 2017.",
)
