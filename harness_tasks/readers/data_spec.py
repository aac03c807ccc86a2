"""What a reader needs to know of one data set, taken from its declaration and nothing else.

A task's data (evaluators/tasks/*.py, ``TaskSpec``) and the English data a head is trained on
(evaluators/tasks/training_data.py, ``TrainingData``) are read the same way: by the family's reader, from
the declared raw-layout templates or hub sources, checked against the declared labels. :class:`DataSpec`
is that common view, so the readers take one type and never look a task up by name in a table of their own.

Training data borrows what it does not declare itself (labels, language names, PAN-X's token prefix) from
the task named by its ``reader`` key ("xnli" for MNLI, whose labels are XNLI's); "squad" names no task and
needs none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from evaluators import tasks as declared
from evaluators.task_spec import SPLITS, HubSource, TaskSpec, TrainingData, frozen_map


@dataclass(frozen=True)
class DataSpec:
    """One data set as the readers see it; build it with :meth:`of_task` or :meth:`of_training`."""

    name: str  # record ids ({name}.{split}.{lang}.{i}) and messages: the task, or the training data's reader key
    family: str  # which reader: a key of raw.RAW_READERS and hub.HUB_CONVERTERS
    raw: Mapping[str, tuple[str, ...]]  # split -> path templates in the download layout
    hub: Mapping[str, HubSource] = field(default_factory=frozen_map)  # split -> where it is on the hub
    labels: tuple[str, ...] = ()  # the closed label or tag set; data outside it is refused
    language_names: Mapping[str, str] = field(default_factory=frozen_map)  # {name} in templates
    token_language_prefix: bool = False  # tagging tokens read "{lang}:token" in raw files
    unlabelled_test: bool = True  # raw test files may carry no labels
    gold_labels: str | None = None  # template of the held-out test labels beside the data (labels/{task}/...)

    @classmethod
    def of_task(cls, spec: TaskSpec) -> DataSpec:
        return cls(
            name=spec.name, family=spec.family, raw=spec.raw, hub=spec.hub, labels=spec.labels,
            language_names=spec.language_names, token_language_prefix=spec.token_language_prefix,
            unlabelled_test=spec.unlabelled_test, gold_labels=f"labels/{spec.submission_file('{lang}')}",
        )

    @classmethod
    def of_training(cls, data: TrainingData) -> DataSpec:
        task = declared.TASKS.get(data.reader)
        return cls(
            name=data.reader, family=data.family, raw=data.raw, hub=data.hub,
            labels=task.labels if task else (), language_names=task.language_names if task else frozen_map(),
            token_language_prefix=task.token_language_prefix if task else False, unlabelled_test=False,
        )

    def allows_unlabelled(self, split: str) -> bool:
        """Whether ``split``'s files may lack labels: test files of the download layout (labels removed)."""
        return split == "test" and self.unlabelled_test

    def splits(self) -> tuple[str, ...]:
        """The declared raw-layout splits, in train/dev/test order."""
        return tuple(split for split in SPLITS if split in self.raw)

    def fill(self, template: str, language: str) -> str:
        """``template`` with ``{lang}`` (the language code) and ``{name}`` (``language_names[lang]``) filled in."""
        if "{name}" in template and language not in self.language_names:
            raise ValueError(
                f"{self.name}: language_names has no entry for {language!r}, and its template {template!r} "
                "uses {name}; add it to the declaration (evaluators/tasks/)"
            )
        return template.format(lang=language, name=self.language_names.get(language, language))

    def is_english_only(self, split: str) -> bool:
        """A split whose every template names no language holds one file for all: the English training data."""
        templates = self.raw.get(split, ())
        return bool(templates) and not any("{lang}" in t or "{name}" in t for t in templates)


def task_data(task: str) -> DataSpec:
    """The declared task's data (KeyError naming the known tasks when there is none)."""
    return DataSpec.of_task(declared.get_task(task))


def training_data(name: str) -> TrainingData:
    """The English training data of a trainable task, or of a head by its bundle folder name ("squad").

    ValueError naming what is trainable when ``name`` is neither."""
    task = declared.TASKS.get(name)
    if task is not None and task.training is not None:
        return task.training
    heads = {spec.training.head: spec.training for spec in declared.TASKS.values() if spec.training}
    if name in heads:
        return heads[name]
    trainable = ", ".join(dict.fromkeys([*(t for t, s in declared.TASKS.items() if s.trainable), *heads]))
    raise ValueError(f"{name!r} has no English training data; trainable tasks and heads: {trainable}")
