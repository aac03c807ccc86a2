from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import SQUAD_V1, XTREME_HUB

XTREME = tuple("en es de el ru tr ar vi th zh hi".split())

TASK = TaskSpec(
    name="xquad", title="XQuAD", family="span_qa",
    metrics=("exact_match", "f1"), headline="em_f1",
    languages=frozen_map({"xtreme": XTREME, "xtreme-r": XTREME + ("ro",)}),
    submission_ext="json",
    raw=frozen_map({"test": ("xquad/xquad.{lang}.json",)}),
    hub=hub_splits(XTREME_HUB, "XQuAD.{lang}", test="validation"),  # XQuAD's only split is our test
    head_kind="question_answering", training=SQUAD_V1,
    citation="Artetxe, Ruder and Yogatama. On the Cross-lingual Transferability of Monolingual "
             "Representations. ACL 2020.",
)
