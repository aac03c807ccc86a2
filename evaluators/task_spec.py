"""What a task *is*, declared once (in the spirit of MTEB's ``TaskMetadata``): everything else reads it.

One :class:`TaskSpec` per task lives in its own module under ``evaluators/tasks/``; the scorer, the readers,
the lm-eval task generator, the model adapter, the training recipe and the leaderboard all read these
fields and nothing else, so a new task in an existing family is its declaration plus sample data.

A declaration is plain data (strings, tuples, small frozen dataclasses): importing it imports nothing
heavy, and :func:`missing_fields` says, field by field, what a declaration still lacks, so that a task
that is declared but incomplete fails at import with a message naming what to add, never half-way
through a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

SPLITS = ("train", "dev", "test")

# How a task score is made from the per-language means (see evaluators.aggregate).
HEADLINES = {
    "accuracy": "acc",  # mean accuracy
    "f1": "F1",  # mean F1
    "em_f1": "(EM+F1)/2",  # (mean exact match + mean F1) / 2
    "mrr@20": "MRR@20",  # mean reciprocal rank over the top 20 (what the reference calls map@20)
    "map@20": "mAP@20",  # mean average precision over the top 20
}

# Span QA answer normalisations (evaluators.families.span_qa): SQuAD v1.1's (evaluators.squad) or MLQA's
# language-aware one (evaluators.mlqa).
ANSWER_NORMALISATIONS = ("squad", "mlqa")

AVERAGES = ("languages", "pooled")

# The model head a task is scored with (one transformers Auto class each: harness_tasks.heads).
HEAD_KINDS = (
    "sequence_classification", "token_classification", "question_answering", "multiple_choice",
    "encoder",  # the bare encoder: sentence embeddings, no trained head
    "dual_encoder",  # an encoder fine-tuned for retrieval (query and candidate embedded apart)
)


def frozen_map(items: Mapping | None = None) -> Mapping:
    """A read-only mapping, so that a declaration cannot be changed by whoever reads it."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class HubSource:
    """Where one split of a task's data lives on the Hugging Face hub.

    ``config`` and ``id_prefix`` are templates: ``{lang}`` is the language code and ``{name}`` the task's
    ``language_names[lang]`` (``udpos.{name}`` -> ``udpos.German``). ``language_column``: rows of all
    languages share one config and this column holds each row's language (``{lang}``); ``id_prefix``:
    likewise, but the row id starts with the formatted prefix (TyDiQA's ``finnish-...``).

    ``columns`` maps a field of the family's record to this source's column where the name differs from
    the family's (harness_tasks.readers.hub names them: MNLI's ``premise`` for ``sentence1``, UD-POS's
    ``pos_tags`` for ``tags``); ``class_names``: the names of an integer label column in index order, for a
    copy whose parquet carries no ClassLabel names (MNLI: entailment, neutral, contradiction).
    """

    repo: str
    config: str | None
    split: str  # the hub's split name
    language_column: str | None = None
    id_prefix: str | None = None
    columns: Mapping[str, str] = field(default_factory=frozen_map)
    class_names: tuple[str, ...] = ()

    def format(self, template: str | None, language: str, names: Mapping[str, str]) -> str | None:
        return None if template is None else template.format(lang=language, name=names.get(language, language))


def hub_splits(repo: str, config: str | None, language_column: str | None = None, id_prefix: str | None = None,
               columns: Mapping[str, str] | None = None, class_names: tuple[str, ...] = (),
               **splits: str) -> Mapping[str, HubSource]:
    """``{our split: HubSource}`` for splits of one hub config: ``hub_splits("google/xtreme", "PAN-X.{lang}",
    train="train", dev="validation", test="test")``."""
    return frozen_map({ours: HubSource(repo, config, theirs, language_column, id_prefix, frozen_map(columns),
                                       tuple(class_names))
                       for ours, theirs in splits.items()})


@dataclass(frozen=True)
class TrainingData:
    """The English data a head is fine-tuned on, and the target phase's default settings.

    Several tasks may share one (SQuAD v1.1 trains the head that scores XQuAD and MLQA): ``head`` names
    the bundle folder it produces. ``raw`` maps "train"/"dev" to path templates in the download layout;
    ``hub`` where the same data lives on the hub. ``selection`` says in words what model selection
    maximises on the English dev data (zero-shot: no target-language data is ever seen).
    """

    head: str  # the bundle folder, e.g. "squad"
    title: str  # as papers write it: "SQuAD v1.1", "MNLI"
    reader: str  # the data reader's dataset key (the same key as a task's, or e.g. "squad")
    family: str  # the record shape of the data
    head_kind: str
    raw: Mapping[str, tuple[str, ...]]  # "train" / "dev" -> path templates ({lang} is "en")
    hub: Mapping[str, HubSource]  # "train" / "dev" -> where it is on the hub
    epochs: float
    learning_rate: float = 1e-5
    max_length: int = 128
    selection: str = ""
    citation: str = ""
    # Trained on these first, in order, with the same head (XCOPA: SocialIQA, then English COPA).
    first: tuple["TrainingData", ...] = ()


@dataclass(frozen=True)
class TaskSpec:
    """One benchmark task, declared. Field order: identity, scoring, data, model, training, provenance."""

    # identity
    name: str  # the reference scorer's name, the submission folder, the lm-eval task prefix
    title: str  # as papers write it: "PAWS-X", "TyDiQA-GoldP"
    family: str  # the shape of one example: a key of evaluators.families.FAMILIES
    # scoring
    metrics: tuple[str, ...]  # per-language metrics, in the reference scorer's order
    headline: str  # how the task score is made from them: a key of HEADLINES
    languages: Mapping[str, tuple[str, ...]]  # benchmark name -> test languages in the reference's order
    submission_ext: str  # {task}/test-{lang}.{submission_ext}
    labels: tuple[str, ...] = ()  # the closed label or tag set, where there is one
    # Other names real checkpoints of the task give a label (normalised: case-folded, "-"/" " as "_") ->
    # the label; a head whose config.json uses them is read as the task's labels (harness_tasks.label_maps).
    label_synonyms: Mapping[str, str] = field(default_factory=frozen_map)
    answer_normalisation: str = "squad"  # span QA: how answers are normalised, a key of ANSWER_NORMALISATIONS
    # How the task score is made from its examples: "languages", the unweighted mean of the per-language
    # metrics (XTREME's rule); "pooled", one metric over the examples of every language together (LAReQA,
    # whose questions are ranked against candidates of all languages at once).
    average: str = "languages"
    # data
    raw: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)  # split -> path templates
    hub: Mapping[str, HubSource] = field(default_factory=frozen_map)  # split -> where it is on the hub
    language_names: Mapping[str, str] = field(default_factory=frozen_map)  # lang -> name in file/hub names
    unlabelled_test: bool = True  # the download layout's test files carry no labels
    token_language_prefix: bool = False  # tagging: raw tokens read "{lang}:token" (PAN-X); the reader strips it
    # model
    head_kind: str = "encoder"
    training: TrainingData | None = None  # None: scored on the encoder alone, untrained
    # Dual-encoder retrieval: the longest input, in tokens, each side is embedded at ("query", "candidate"),
    # as the reference's evaluation scripts run it; a side not named takes the model's limit.
    retrieval_max_lengths: Mapping[str, int] = field(default_factory=frozen_map)
    # provenance
    citation: str = ""

    @property
    def head(self) -> str:
        """The bundle folder that scores this task ("encoder" for the bare encoder)."""
        return self.training.head if self.training else "encoder"

    @property
    def trainable(self) -> bool:
        return self.training is not None

    @property
    def all_languages(self) -> tuple[str, ...]:
        """Every language of every benchmark, first seen first."""
        seen: dict[str, None] = {}
        for langs in self.languages.values():
            seen.update(dict.fromkeys(langs))
        return tuple(seen)

    def languages_of(self, benchmark: str) -> tuple[str, ...]:
        return self.languages.get(benchmark, ())

    def splits(self) -> tuple[str, ...]:
        return tuple(s for s in SPLITS if s in self.raw)

    def submission_file(self, language: str, split: str = "test") -> str:
        return f"{self.name}/{split}-{language}.{self.submission_ext}"


# What each field must hold for a task to be usable; a value that is falsy is missing.
REQUIRED = ("name", "title", "family", "metrics", "headline", "languages", "submission_ext", "raw",
            "citation")


class IncompleteTaskError(ValueError):
    """A declaration lacks what the rest of the product needs: the message names every missing field."""


def missing_fields(spec: TaskSpec, families: Mapping[str, object] | None = None) -> list[str]:
    """What ``spec`` lacks, one line each, e.g. ``raw: no file templates (split -> path)``."""
    problems = []
    for name in REQUIRED:
        if not getattr(spec, name):
            kind = next(f.type for f in fields(spec) if f.name == name)
            problems.append(f"{name}: missing (expected {kind})")
    if spec.headline and spec.headline not in HEADLINES:
        problems.append(f"headline: {spec.headline!r} is not one of {', '.join(HEADLINES)}")
    if families is not None and spec.family and spec.family not in families:
        problems.append(f"family: {spec.family!r} is not one of {', '.join(families)}")
    if spec.answer_normalisation not in ANSWER_NORMALISATIONS:
        problems.append(f"answer_normalisation: {spec.answer_normalisation!r} is not one of "
                        f"{', '.join(ANSWER_NORMALISATIONS)}")
    if spec.average not in AVERAGES:
        problems.append(f"average: {spec.average!r} is not one of {', '.join(AVERAGES)}")
    if spec.head_kind not in HEAD_KINDS:
        problems.append(f"head_kind: {spec.head_kind!r} is not one of {', '.join(HEAD_KINDS)}")
    if "test" not in spec.raw and spec.raw:
        problems.append("raw: no 'test' split (the split every benchmark scores)")
    templates = [t for ts in spec.raw.values() for t in ts]
    templates += [t for source in spec.hub.values() for t in (source.config, source.id_prefix) if t]
    unnamed = [lang for lang in spec.all_languages if lang not in spec.language_names]
    if unnamed and any("{name}" in t for t in templates):
        problems.append(f"language_names: no name for {' '.join(unnamed)} (its raw or hub templates use {{name}})")
    for benchmark, langs in spec.languages.items():
        if not langs:
            problems.append(f"languages[{benchmark!r}]: empty")
        elif len(set(langs)) != len(langs):
            problems.append(f"languages[{benchmark!r}]: a language is listed twice")
    if spec.training is not None and spec.training.head_kind not in HEAD_KINDS:
        problems.append(f"training.head_kind: {spec.training.head_kind!r} is not one of {', '.join(HEAD_KINDS)}")
    return problems


def check_complete(spec: TaskSpec, families: Mapping[str, object] | None = None, where: str = "") -> TaskSpec:
    """``spec`` itself, or IncompleteTaskError listing what is missing (``where``: its module, for the message)."""
    problems = missing_fields(spec, families)
    if problems:
        origin = f" ({where})" if where else ""
        raise IncompleteTaskError(
            f"task {spec.name or '?'}{origin} is declared but incomplete:\n  " + "\n  ".join(problems)
            + "\nsee README.md, 'Adding a task'"
        )
    return spec
