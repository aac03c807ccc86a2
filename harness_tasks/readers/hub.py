"""The Hugging Face hub dataset ``google/xtreme`` (parquet) -> the same records as the raw readers.

Loaded with ``datasets.load_dataset(HUB_ID, config, split=...)``. For tests and offline use, the same
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

English training data for XNLI (MNLI) is not in google/xtreme; it comes from ``nyu-mll/multi_nli``
(premise, hypothesis, label ClassLabel entailment/neutral/contradiction, -1 = no gold).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from pathlib import Path

from evaluators.benchmark import PANX_LABELS, PAWSX_LABELS, TATOEBA_ISO3, UPOS_LABELS, XNLI_LABELS
from evaluators.submission_files import closed_set_problem
from harness_tasks.records import Answer, BitextCorpus, PairExample, ParallelSentences, QAExample, TaggedSentence

from ._text import check_file
from .errors import DataFormatError, MissingDataError
from .tatoeba import english_order

HUB_ID = "google/xtreme"
MNLI_HUB_ID = "nyu-mll/multi_nli"
MNLI_LABELS = ("entailment", "neutral", "contradiction")  # multi_nli's ClassLabel order

# udpos configs are named by English language name; "Afrikans" is the hub's own spelling.
UDPOS_CONFIG_NAMES = {
    "af": "Afrikans", "ar": "Arabic", "bg": "Bulgarian", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "kk": "Kazakh", "ko": "Korean", "mr": "Marathi", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian",
    "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "ur": "Urdu",
    "vi": "Vietnamese", "yo": "Yoruba", "zh": "Chinese",
}

# tydiqa is one config for all languages; a question's language is the prefix of its id ("finnish-...").
TYDIQA_LANGUAGE_NAMES = {
    "en": "english", "ar": "arabic", "bn": "bengali", "fi": "finnish", "id": "indonesian",
    "ko": "korean", "ru": "russian", "sw": "swahili", "te": "telugu",
}


@dataclass(frozen=True)
class HubSplit:
    """Where one (dataset, language, split) lives on the hub, and how to keep only its rows."""

    repo: str
    config: str | None
    split: str  # the hub's split name
    language_column: str | None = None  # keep rows whose column equals language_value
    language_value: str | None = None
    id_prefix: str | None = None  # keep rows whose id starts with this (tydiqa)


def hub_split(dataset: str, language: str, split: str) -> HubSplit:
    """The hub location of one of our splits (train/dev/test) for ``dataset`` (an XTREME task or "squad")."""
    hub = {"train": "train", "dev": "validation", "test": "test"}[split]
    if dataset == "xnli":
        if split == "train":
            return HubSplit(MNLI_HUB_ID, None, "train")
        return HubSplit(HUB_ID, "XNLI", hub, language_column="language", language_value=language)
    if dataset == "pawsx":
        return HubSplit(HUB_ID, f"PAWS-X.{language}", hub)
    if dataset == "udpos":
        return HubSplit(HUB_ID, f"udpos.{UDPOS_CONFIG_NAMES[language]}", hub)
    if dataset == "panx":
        return HubSplit(HUB_ID, f"PAN-X.{language}", hub)
    if dataset == "squad":
        return HubSplit(HUB_ID, "SQuAD", hub)
    if dataset == "xquad":
        return HubSplit(HUB_ID, f"XQuAD.{language}", "validation")  # XQuAD's only split is our test
    if dataset == "mlqa":
        return HubSplit(HUB_ID, f"MLQA.{language}.{language}", hub)
    if dataset == "tydiqa":
        # Our test is the official GoldP dev set, the hub's "validation".
        return HubSplit(HUB_ID, "tydiqa", "train" if split == "train" else "validation",
                        id_prefix=f"{TYDIQA_LANGUAGE_NAMES[language]}-")
    if dataset == "bucc2018":
        return HubSplit(HUB_ID, f"bucc18.{language}", hub)
    if dataset == "tatoeba":
        return HubSplit(HUB_ID, f"tatoeba.{TATOEBA_ISO3[language]}", "validation")
    raise KeyError(f"no hub location for {dataset!r}")


def _local_files(parquet: Path, where: HubSplit) -> list[str]:
    """The parquet files of one split; like the raw readers, no link below the folder given is followed."""
    if parquet.is_file():  # the one file the user named (it may be a link: the user chose it)
        return [str(parquet)]
    folder = parquet if where.repo == HUB_ID else parquet / where.repo.replace("/", "--")
    folder = folder / (where.config or "default")
    layout = f"{{folder}}/{where.config or 'default'}/{where.split}-*.parquet"
    files = sorted(folder.glob(f"{where.split}-*.parquet"))
    if not files:
        raise MissingDataError(
            f"{folder}/{where.split}-*.parquet: no such file; expected a local copy of {where.repo} laid out as {layout}"
        )
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
        raise DataFormatError(f"{', '.join(files)}: not readable as parquet ({reason})") from None


def _class_names(feature, fallback: tuple[str, ...]) -> tuple[str, ...]:
    """Names of a (list of) ClassLabel feature; the benchmark's list when the parquet carries no names."""
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
        raise DataFormatError(f"{name} row {row}: answers: expected {{text: [str], answer_start: [non-negative int]}}")
    answers = tuple(Answer(text=text, start=int(start)) for text, start in pairs)
    return answers if any(a.text for a in answers) else ()


def _rows(ds, where: HubSplit):
    for row in ds:
        if where.language_column and row.get(where.language_column) != where.language_value:
            continue
        if where.id_prefix and not str(row.get("id", "")).startswith(where.id_prefix):
            continue
        yield row


def _require_columns(ds, columns: tuple[str, ...], where: HubSplit) -> None:
    missing = [c for c in columns if c not in ds.column_names]
    if missing:
        raise DataFormatError(
            f"{where.repo} {where.config or ''} {where.split}: missing columns {', '.join(missing)};"
            f" expected columns {', '.join(columns)} (has {', '.join(ds.column_names)})"
        )


def convert(ds, dataset: str, language: str, split: str, where: HubSplit):
    """Turn hub rows into our records (same shapes and id scheme as the raw readers)."""
    name = f"{where.repo} {where.config or ''} {where.split}".replace("  ", " ")
    if dataset in ("xnli", "pawsx"):
        if where.repo == MNLI_HUB_ID:
            cols, names = ("premise", "hypothesis", "label"), _class_names(ds.features.get("label"), MNLI_LABELS)
        elif dataset == "xnli":
            cols, names = ("sentence1", "sentence2", "gold_label"), ()
        else:
            cols, names = ("sentence1", "sentence2", "label"), ()
        _require_columns(ds, cols, where)
        labels = XNLI_LABELS if dataset == "xnli" else PAWSX_LABELS
        out = []
        for i, row in enumerate(_rows(ds, where)):
            raw = row[cols[2]]
            if names and isinstance(raw, int):  # ClassLabel index; -1 marks a missing gold label
                label = names[raw] if 0 <= raw < len(names) else None
            else:
                label = None if raw in (None, "") else str(raw).strip()
            problem = None if label is None else closed_set_problem(label, dataset, labels)
            if problem:
                raise DataFormatError(f"{name} row {i}: {problem}")
            out.append(PairExample(id=f"{dataset}.{split}.{language}.{len(out)}", sentence1=row[cols[0]],
                                   sentence2=row[cols[1]], label=label, language=language))
        return out
    if dataset in ("udpos", "panx"):
        column, fallback = ("pos_tags", UPOS_LABELS) if dataset == "udpos" else ("ner_tags", PANX_LABELS)
        _require_columns(ds, ("tokens", column), where)
        names = _class_names(ds.features[column], fallback)
        out = []
        for i, row in enumerate(_rows(ds, where)):
            indices = [t for t in row[column] if isinstance(t, int)]
            if any(not 0 <= t < len(names) for t in indices):
                raise DataFormatError(f"{name} row {i}: tag index out of range; expected 0..{len(names) - 1}")
            tags = tuple(names[t] if isinstance(t, int) else str(t) for t in row[column])
            problem = next(filter(None, (closed_set_problem(t, dataset, fallback, kind="tag") for t in tags)), None)
            if problem:
                raise DataFormatError(f"{name} row {i}: {problem}")
            try:
                out.append(TaggedSentence(id=f"{dataset}.{split}.{language}.{len(out)}",
                                          tokens=tuple(row["tokens"]), tags=tags, language=language))
            except ValueError as err:
                raise DataFormatError(f"{name} row {i}: {err}") from None
        return out
    if dataset in ("squad", "xquad", "mlqa", "tydiqa"):
        _require_columns(ds, ("id", "context", "question", "answers"), where)
        return [
            QAExample(id=row["id"], question=row["question"], context=row["context"],
                      answers=_answers(row["answers"], name, i), language=language, title=row.get("title") or "")
            for i, row in enumerate(_rows(ds, where))
        ]
    _require_columns(ds, ("source_sentence", "target_sentence"), where)
    rows = list(_rows(ds, where))
    source = tuple(r["source_sentence"] for r in rows)
    target = tuple(r["target_sentence"] for r in rows)
    if dataset == "tatoeba":
        # The hub rows are aligned pairs: put the English side in the benchmark's order (sorted), as the
        # raw-layout reader does, so predictions line up with the leaderboard's labels.
        order = english_order(target)
        return ParallelSentences(language=language, source=source, target=tuple(target[i] for i in order),
                                 gold=tuple(order), extra={"form": "hub"})
    source_ids = tuple(f"{language}-{i}" for i in range(len(rows)))
    target_ids = tuple(f"en-{i}" for i in range(len(rows)))
    return BitextCorpus(language=language, split=split, source_ids=source_ids, source_sentences=source,
                        target_ids=target_ids, target_sentences=target,
                        gold=frozenset(zip(source_ids, target_ids)))


def read_hub(dataset: str, language: str, split: str, parquet: str | Path | None = None):
    """Read one split from google/xtreme (or its local parquet copy) into records."""
    where = hub_split(dataset, language, split)
    return convert(load_hub_dataset(where, parquet), dataset, language, split, where)
