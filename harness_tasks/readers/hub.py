"""Hugging Face hub datasets (``google/xtreme`` and the other declared repositories, parquet) -> the same
records as the raw readers.

Loaded with ``datasets.load_dataset(repo, config, split=...)``. For tests and offline use, the same
conversion runs on local parquet files: pass ``parquet=`` a single ``.parquet`` file, or a folder laid out
like the hub repository, ``{folder}/{config}/{hub split}-*.parquet`` (other repositories, i.e. MNLI:
``{folder}/{owner}--{name}/{config or "default"}/{hub split}-*.parquet``).

Column schemas of the configs (from the dataset card):

- ``XNLI`` (all languages in one config; validation, test): language, sentence1, sentence2, gold_label (str)
- ``PAWS-X.{l}`` (train, validation, test): sentence1, sentence2, label (str "0"/"1")
- ``udpos.{Name}``: tokens (list of str), pos_tags (list of ClassLabel, UPOS names in alphabetical order)
- ``PAN-X.{l}``: tokens, ner_tags (list of ClassLabel O B-PER I-PER B-ORG I-ORG B-LOC I-LOC), langs
- ``XQuAD.{l}`` (validation only), ``MLQA.{l}.{l}`` (validation, test), ``tydiqa`` (all languages; train,
  validation), ``SQuAD`` (train, validation): id, [title,] context, question,
  answers {answer_start: list of int32, text: list of str}
- ``bucc18.{l}`` (validation, test) and ``tatoeba.{xxx}`` (validation): source_sentence, target_sentence,
  source_lang, target_lang. bucc18 holds the gold pairs only (no ids, no non-parallel sentences), so the
  BitextCorpus built from it has ids ``{l}-{row}`` / ``en-{row}`` and is easier than the real task.

Where each split lives is declared (``TaskSpec.hub`` / ``TrainingData.hub``: repo, config template, hub
split, a language column or id prefix for configs that hold every language), and so are the columns whose
names differ from the family's record fields (``HubSource.columns``: XNLI's ``gold_label``, MNLI's
``premise``/``hypothesis``, UD-POS's ``pos_tags``) and the class names of an integer label column whose
parquet carries none (MNLI's entailment/neutral/contradiction). The rows become records by family
(``HUB_CONVERTERS``), with the same shapes and ids as the raw readers.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from evaluators.task_spec import frozen_map
from evaluators.tasks.training_data import XTREME_HUB
from evaluators.text_input import closed_set_problem
from harness_tasks.records import Answer, BitextCorpus, PairExample, ParallelSentences, QAExample, TaggedSentence

from ._text import check_file
from .data_spec import DataSpec, task_data
from .errors import DataFormatError, MissingDataError
from .tatoeba import english_order
from .answer_retrieval import read_hub_answer_retrieval
from .multiple_choice import hub_multiple_choice

# The repository a local copy (``hub:PATH``) is laid out as directly, {PATH}/{config}/...; any other
# repository's copy sits in {PATH}/{owner}--{name}/{config or "default"}/...
HUB_ID = XTREME_HUB


@dataclass(frozen=True)
class HubSplit:
    """One declared hub source made concrete for one language: where the rows are and how to keep its own."""

    repo: str
    config: str | None
    split: str  # the hub's split name
    language_column: str | None = None  # keep rows whose column equals language_value
    language_value: str | None = None
    id_prefix: str | None = None  # keep rows whose id starts with this (tydiqa)
    columns: Mapping[str, str] = field(default_factory=frozen_map)  # record field -> this source's column
    class_names: tuple[str, ...] = ()

    def column(self, name: str) -> str:
        """This source's column for the record field ``name`` (the same name unless declared otherwise)."""
        return self.columns.get(name, name)

    @property
    def name(self) -> str:
        """How messages place a row: ``{repo} {config} {split}``."""
        return f"{self.repo} {self.config or ''} {self.split}".replace("  ", " ")


def locate_on_hub(spec: DataSpec, language: str, split: str) -> HubSplit:
    """Where ``spec``'s split for ``language`` is on the hub, from its declaration."""
    source = spec.hub.get(split)
    if source is None:
        raise MissingDataError(
            f"{spec.name} {split}", None,
            f"no hub location declared (hub[{split!r}] in its declaration; it declares "
            f"{', '.join(spec.hub) or 'none'}); read it from a raw-layout folder instead",
        )
    fill = lambda template: None if template is None else spec.fill(template, language)  # noqa: E731
    return HubSplit(
        repo=source.repo, config=fill(source.config), split=source.split,
        language_column=source.language_column, language_value=language if source.language_column else None,
        id_prefix=fill(source.id_prefix), columns=source.columns, class_names=source.class_names,
    )


def hub_split(task: str, language: str, split: str) -> HubSplit:
    """:func:`locate_on_hub` for a declared task by name."""
    return locate_on_hub(task_data(task), language, split)


def _local_files(parquet: Path, where: HubSplit) -> list[str]:
    """The parquet files of one split; like the raw readers, no link below the folder given is followed."""
    if parquet.is_file():  # the one file the user named (it may be a link: the user chose it)
        return [str(parquet)]
    folder = parquet if where.repo == HUB_ID else parquet / where.repo.replace("/", "--")
    folder = folder / (where.config or "default")
    layout = f"{{folder}}/{where.config or 'default'}/{where.split}-*.parquet"
    files = sorted(folder.glob(f"{where.split}-*.parquet"))
    if not files:
        raise MissingDataError(f"{folder}/{where.split}-*.parquet", None,
                               f"no such file; expected a local copy of {where.repo} laid out as {layout}")
    for path in files:
        check_file(path, f"parquet files of {where.repo} laid out as {layout}", parquet)
    return [str(path) for path in files]


def load_hub_dataset(where: HubSplit, parquet: str | Path | None = None):
    """The ``datasets.Dataset`` for one hub split: from the hub, or from local parquet (see module doc)."""
    import datasets  # heavy; only hub users pay for the import
    import datasets.exceptions
    import pyarrow

    if parquet is None:
        return datasets.load_dataset(where.repo, where.config, split=where.split)
    files = _local_files(Path(parquet), where)
    try:
        return datasets.load_dataset("parquet", data_files={"rows": files}, split="rows")
    except (ValueError, OSError, pyarrow.ArrowException, datasets.exceptions.DatasetsError) as err:
        # A corrupt or non-parquet file: pyarrow's reason names no file, so name them here.
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataFormatError(", ".join(files), None, f"not readable as parquet ({reason})") from None


def _class_names(feature, fallback: tuple[str, ...]) -> tuple[str, ...]:
    """Names of a (list of) ClassLabel feature; ``fallback`` when the parquet carries no names."""
    inner = getattr(feature, "feature", feature)
    names = getattr(inner, "names", None)
    return tuple(names) if names else fallback


def _answers(value, name: str, row: int) -> tuple[Answer, ...]:
    # Sequence-of-struct columns come back as a struct of lists; accept a list of structs too.
    try:
        if isinstance(value, dict):
            pairs = list(zip(value.get("text", []), value.get("answer_start", [])))
        else:
            pairs = [(a["text"], a["answer_start"]) for a in value or []]
    except (KeyError, TypeError):
        pairs = None
    integer = lambda s: isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 0  # noqa: E731
    if pairs is None or not all(isinstance(t, str) and integer(s) for t, s in pairs):
        raise DataFormatError(f"{name} row {row}", None,
                              "answers: expected {text: [str], answer_start: [non-negative int]}")
    answers = tuple(Answer(text=text, start=int(start)) for text, start in pairs)
    return answers if any(a.text for a in answers) else ()


def _rows(ds, where: HubSplit):
    for row in ds:
        if where.language_column and row.get(where.language_column) != where.language_value:
            continue
        if where.id_prefix and not str(row.get(where.column("id"), "")).startswith(where.id_prefix):
            continue
        yield row


def _require_columns(ds, fields: tuple[str, ...], where: HubSplit) -> tuple[str, ...]:
    """This source's columns for the record ``fields``, in order; DataFormatError naming any missing."""
    columns = tuple(where.column(f) for f in fields)
    missing = [c for c in columns if c not in ds.column_names]
    if missing:
        raise DataFormatError(where.name, None, f"missing columns {', '.join(missing)}; expected columns "
                                                f"{', '.join(columns)} (has {', '.join(ds.column_names)})")
    return columns


def _pairs(ds, spec: DataSpec, language: str, split: str, where: HubSplit) -> list[PairExample]:
    first, second, label_column = _require_columns(ds, ("sentence1", "sentence2", "label"), where)
    # A ClassLabel column's own names, else the declared ones; without either the values are the labels.
    names = _class_names(ds.features.get(label_column), where.class_names)
    out = []
    for i, row in enumerate(_rows(ds, where)):
        raw = row[label_column]
        if names and isinstance(raw, int):  # ClassLabel index; -1 marks a missing gold label
            label = names[raw] if 0 <= raw < len(names) else None
        else:
            label = None if raw in (None, "") else str(raw).strip()
        problem = None if label is None else closed_set_problem(label, spec.name, spec.labels)
        if problem:
            raise DataFormatError(f"{where.name} row {i}", None, problem)
        out.append(PairExample(id=f"{spec.name}.{split}.{language}.{len(out)}", sentence1=row[first],
                               sentence2=row[second], label=label, language=language))
    return out


def _tags(ds, spec: DataSpec, language: str, split: str, where: HubSplit) -> list[TaggedSentence]:
    tokens, column = _require_columns(ds, ("tokens", "tags"), where)
    # google/xtreme's tag ClassLabels are in the declared label order, so plain integers read the same.
    names = _class_names(ds.features[column], where.class_names or spec.labels)
    out = []
    for i, row in enumerate(_rows(ds, where)):
        at = f"{where.name} row {i}"
        indices = [t for t in row[column] if isinstance(t, int)]
        if any(not 0 <= t < len(names) for t in indices):
            raise DataFormatError(at, None, f"tag index out of range; expected 0..{len(names) - 1}")
        tags = tuple(names[t] if isinstance(t, int) else str(t) for t in row[column])
        problem = next(filter(None, (closed_set_problem(t, spec.name, spec.labels, kind="tag") for t in tags)), None)
        if problem:
            raise DataFormatError(at, None, problem)
        try:
            out.append(TaggedSentence(id=f"{spec.name}.{split}.{language}.{len(out)}",
                                      tokens=tuple(row[tokens]), tags=tags, language=language))
        except ValueError as err:
            raise DataFormatError(at, None, str(err)) from None
    return out


def _questions(ds, spec: DataSpec, language: str, split: str, where: HubSplit) -> list[QAExample]:
    qid, context, question, answers = _require_columns(ds, ("id", "context", "question", "answers"), where)
    title = where.column("title")
    return [
        QAExample(id=row[qid], question=row[question], context=row[context],
                  answers=_answers(row[answers], where.name, i), language=language, title=row.get(title) or "")
        for i, row in enumerate(_rows(ds, where))
    ]


def _sides(ds, where: HubSplit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    source, target = _require_columns(ds, ("source_sentence", "target_sentence"), where)
    rows = list(_rows(ds, where))
    return tuple(r[source] for r in rows), tuple(r[target] for r in rows)


def _bitext(ds, spec: DataSpec, language: str, split: str, where: HubSplit) -> BitextCorpus:
    # The hub holds the gold pairs only (no ids, no non-parallel sentences): ids are made from row numbers.
    source, target = _sides(ds, where)
    source_ids = tuple(f"{language}-{i}" for i in range(len(source)))
    target_ids = tuple(f"en-{i}" for i in range(len(target)))
    return BitextCorpus(language=language, split=split, source_ids=source_ids, source_sentences=source,
                        target_ids=target_ids, target_sentences=target,
                        gold=frozenset(zip(source_ids, target_ids)))


def _parallel(ds, spec: DataSpec, language: str, split: str, where: HubSplit) -> ParallelSentences:
    # The hub rows are aligned pairs: put the English side in the benchmark's order (sorted), as the
    # raw-layout reader does, so predictions line up with the leaderboard's labels.
    source, target = _sides(ds, where)
    order = english_order(target)
    return ParallelSentences(language=language, source=source, target=tuple(target[i] for i in order),
                             gold=tuple(order), extra={"form": "hub"})


# family -> converter(dataset, spec, language, split, where): hub rows -> the raw readers' records.
HUB_CONVERTERS: dict[str, Callable] = {
    "pair_classification": _pairs,
    "tagging": _tags,
    "span_qa": _questions,
    "bitext_mining": _bitext,
    "sentence_retrieval": _parallel,
    "multiple_choice": hub_multiple_choice,
}


def convert(ds, spec: DataSpec, language: str, split: str, where: HubSplit):
    """Turn hub rows into our records (same shapes and id scheme as the raw readers)."""
    if spec.family not in HUB_CONVERTERS:
        raise ValueError(f"{spec.name}: no hub converter for family {spec.family!r}; add one to HUB_CONVERTERS "
                         f"in {__name__} (converters exist for {', '.join(HUB_CONVERTERS)})")
    return HUB_CONVERTERS[spec.family](ds, spec, language, split, where)


# family -> reader(spec, language, split, parquet): families whose records need the rows of several hub
# configs at once (a LAReQA pool holds every language), read whole instead of converted one config at a time.
WHOLE_HUB_READERS: dict[str, Callable] = {
    "answer_retrieval": read_hub_answer_retrieval,
}


def read_hub(spec: DataSpec, language: str, split: str, parquet: str | Path | None = None):
    """Read one split from the hub (or a local parquet copy) into records."""
    if spec.family in WHOLE_HUB_READERS:
        return WHOLE_HUB_READERS[spec.family](spec, language, split, parquet)
    where = locate_on_hub(spec, language, split)
    return convert(load_hub_dataset(where, parquet), spec, language, split, where)
