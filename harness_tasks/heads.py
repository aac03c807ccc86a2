"""Model heads: the one table from head kind to the transformers class that loads it, and which bundle
folder (head) serves which task, both read from the task declarations (evaluators/tasks/).

* A *kind* (evaluators.task_spec.HEAD_KINDS) says what a head is: ``sequence_classification``,
  ``question_answering``, ... :data:`AUTO_CLASSES` maps each to its transformers Auto class; the harness
  loads, the recipe trains and the tiny test models are built through it (a new kind is one row here, plus
  its rows in inference/checkpoint_checks.py, which says what a checkpoint of each kind must hold).
* A *head* is a bundle folder. A trainable task's head is named by its English training data
  (``TaskSpec.training.head``: SQuAD v1.1 trains the one ``squad`` head that scores XQuAD and MLQA); a task
  without training data is scored on the bare encoder (:data:`ENCODER`).

Nothing here imports torch or transformers at import time (the Auto class is looked up when asked for).
"""

from __future__ import annotations

from collections.abc import Mapping

from evaluators.benchmarks import BENCHMARKS
from evaluators.task_spec import HEAD_KINDS, IncompleteTaskError, TrainingData, frozen_map
from evaluators.tasks import TASKS
from evaluators.tasks import training_data as _training_declarations

ENCODER = "encoder"  # the bundle folder of the bare encoder, and its kind

# Named kinds, for code that treats one kind specially (feature encoding, dev-set decoding).
SEQUENCE_CLASSIFICATION = "sequence_classification"
TOKEN_CLASSIFICATION = "token_classification"
QUESTION_ANSWERING = "question_answering"
MULTIPLE_CHOICE = "multiple_choice"
DUAL_ENCODER = "dual_encoder"
# Heads whose config.json names their classes (id2label), which must map onto their task's labels.
CLASSIFIER_KINDS = (SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION)

# head kind -> the transformers Auto class a head of that kind is saved as and loaded with. A dual encoder
# is an encoder fine-tuned for retrieval: its query and candidate towers are the one encoder, saved bare.
AUTO_CLASSES: Mapping[str, str] = frozen_map({
    SEQUENCE_CLASSIFICATION: "AutoModelForSequenceClassification",
    TOKEN_CLASSIFICATION: "AutoModelForTokenClassification",
    QUESTION_ANSWERING: "AutoModelForQuestionAnswering",
    MULTIPLE_CHOICE: "AutoModelForMultipleChoice",
    ENCODER: "AutoModel",
    DUAL_ENCODER: "AutoModel",
})
# How transformers ends the class name of a head of each kind (config.json "architectures"). A head saved in
# the folder of another kind can hold the very tensors this kind loads (a BERT sequence classifier with one
# label and a BERT multiple-choice head both hold a pooler and a 1-row classifier), so the name is what
# tells them apart (inference.checkpoint_checks.check_architecture).
ARCHITECTURE_SUFFIXES: Mapping[str, str] = frozen_map({
    SEQUENCE_CLASSIFICATION: "ForSequenceClassification",
    TOKEN_CLASSIFICATION: "ForTokenClassification",
    QUESTION_ANSWERING: "ForQuestionAnswering",
    MULTIPLE_CHOICE: "ForMultipleChoice",
})
if set(AUTO_CLASSES) != set(HEAD_KINDS):  # a kind added to task_spec needs its class here
    raise ImportError(f"harness_tasks.heads.AUTO_CLASSES covers {sorted(AUTO_CLASSES)} but "
                      f"evaluators.task_spec.HEAD_KINDS is {sorted(HEAD_KINDS)}: give each kind its Auto class")


def auto_class(kind: str):
    """The transformers Auto class for ``kind`` (ValueError naming the kinds for an unknown one)."""
    import transformers

    if kind not in AUTO_CLASSES:
        raise ValueError(f"unknown head kind {kind!r}; expected one of {', '.join(AUTO_CLASSES)}")
    return getattr(transformers, AUTO_CLASSES[kind])


def is_bare_encoder(kind: str) -> bool:
    """A head of this kind is the encoder alone (no head layer): embeddings are read from it."""
    return AUTO_CLASSES.get(kind) == "AutoModel"


def encoder_only_class_name(config) -> str:
    """The name of the encoder-only class of an encoder-decoder config (``MT5Config`` -> ``MT5EncoderModel``):
    the bare encoder of such a model is saved and loaded as that class, never as AutoModel (which would
    build a decoder the weights do not hold)."""
    return type(config).__name__.replace("Config", "EncoderModel")


# ---------------------------------------------------------------------------------------------------------
# Which head serves which task, derived from the declarations


def _task_order() -> tuple[str, ...]:
    """Every declared task, in the order messages and tables list them: each benchmark's (XTREME first)
    group by group (classification, tagging, QA, retrieval), then its tasks in no group, then any other."""
    seen: dict[str, None] = {}
    for benchmark in BENCHMARKS.values():
        for names in (*benchmark.groups.values(), benchmark.task_names):
            seen.update(dict.fromkeys(name for name in names if name in TASKS))
    seen.update(dict.fromkeys(TASKS))
    return tuple(seen)


def _training_heads() -> dict[str, TrainingData]:
    """head -> its TrainingData: those of evaluators/tasks/training_data.py in the order declared there,
    then any a task declares elsewhere. A head trained in stages is its last stage's declaration (the one a
    task names; the earlier stages are its ``first``). Two declarations may not claim one head folder."""
    declared = [value for value in vars(_training_declarations).values() if isinstance(value, TrainingData)]
    declared += [TASKS[name].training for name in TASK_ORDER if TASKS[name].training is not None]
    stages = {id(stage) for data in declared for stage in data.first}
    heads: dict[str, TrainingData] = {}
    for data in (data for data in declared if id(data) not in stages):
        if data.head == ENCODER:
            raise IncompleteTaskError(f"training data {data.head!r}: {ENCODER!r} is the bare encoder's folder; "
                                      f"name the head after its task")
        if heads.setdefault(data.head, data) != data:
            raise IncompleteTaskError(f"two training data declarations name the head folder {data.head!r}; each "
                                      f"head is trained on one")
    return heads


def _check_kinds() -> None:
    """A task's declared head kind is the kind of the head that serves it (checked at import, as
    evaluators.tasks checks each declaration: a wrong one fails before any run)."""
    for name in TASK_ORDER:
        spec = TASKS[name]
        served = HEAD_KIND[spec.head]
        if spec.head_kind != served:
            raise IncompleteTaskError(
                f"evaluators/tasks/{name}.py: head_kind {spec.head_kind!r}, but its head {spec.head!r} has kind "
                f"{served!r}" + ("" if spec.training else " (a task without training data is scored on the bare "
                                                          "encoder)"))


TASK_ORDER: tuple[str, ...] = _task_order()
# head -> the English training data it is fine-tuned on (the trainable heads, in declaration order).
TRAINING_HEADS: Mapping[str, TrainingData] = frozen_map(_training_heads())
# task -> the bundle head (folder) that scores it, in benchmark order.
HEAD_FOR_TASK: Mapping[str, str] = frozen_map({name: TASKS[name].head for name in TASK_ORDER})
# bundle head -> its kind: every trainable head, then the bare encoder.
HEAD_KIND: Mapping[str, str] = frozen_map({**{head: data.head_kind for head, data in TRAINING_HEADS.items()},
                                           ENCODER: ENCODER})
_check_kinds()


def tasks_of_head(head: str) -> tuple[str, ...]:
    """The tasks a bundle head serves, in benchmark order (``squad`` -> xquad, mlqa)."""
    return tuple(task for task, served_by in HEAD_FOR_TASK.items() if served_by == head)


def training_for(head: str) -> TrainingData:
    """The English training data of a trainable head (KeyError naming the trainable heads otherwise)."""
    try:
        return TRAINING_HEADS[head]
    except KeyError:
        raise KeyError(f"{head!r} is not a trainable head; one of {', '.join(TRAINING_HEADS)}") from None


def head_labels(head: str) -> tuple[str, ...]:
    """The closed label set a head predicts: its tasks' (which share one), or () when it has none (QA)."""
    label_sets = {TASKS[task].labels for task in tasks_of_head(head)}
    if len(label_sets) > 1:
        raise ValueError(f"the tasks of head {head!r} ({', '.join(tasks_of_head(head))}) declare different labels")
    return next(iter(label_sets), ())
