from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import XTREME_HUB

TASK = TaskSpec(
    name="bucc2018", title="BUCC", family="bitext_mining",
    metrics=("f1", "precision", "recall"), headline="f1",
    languages=frozen_map({"xtreme": ("de", "fr", "ru", "zh")}),
    submission_ext="tsv",
    # XTREME's BUCC "test" is BUCC 2018's training split and its "dev" the sample split. Each split is a
    # pair of files, one per side, and dev has its gold pairs in {lang}-en.dev.gold.
    raw=frozen_map({split: (f"bucc2018/{{lang}}-en.{split}.{{lang}}", f"bucc2018/{{lang}}-en.{split}.en")
                    for split in ("dev", "test")}),
    hub=hub_splits(XTREME_HUB, "bucc18.{lang}", dev="validation", test="test"),
    head_kind="encoder",
    citation="Zweigenbaum, Sharoff and Rapp. Overview of the Third BUCC Shared Task: Spotting Parallel "
             "Sentences in Comparable Corpora. BUCC 2018.",
)
