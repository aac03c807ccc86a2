"""Data readers for the declared tasks, shared by the lm-eval tasks and the training recipe.

What a task's data is (its family, raw-layout file templates, hub sources, labels, language names) is
read from its declaration (evaluators/tasks/*.py) and nothing else; a task declared there is readable
here with no change to this package. One entry point per kind of data, three sources each::

    load_split(task, language, split, source=None)
        source=None         the bundled synthetic sample (harness_tasks/sample_data, raw layout, labelled)
        source=PATH         a folder in the benchmark's raw download layout (the declared ``raw`` templates)
        source="hub"        the Hugging Face hub (the declared ``hub`` sources, google/xtreme for XTREME)
        source="hub:PATH"   a local parquet copy laid out as {PATH}/{config}/{split}-*.parquet (see hub.py)

    load_training_data(name, split="train", source=None)
        the English data a head is fine-tuned on (split "train") or selected on ("dev"), as declared in
        its TrainingData; ``name`` is a trainable task ("xquad"), a head's bundle folder ("squad"), or a
        TrainingData itself (an earlier stage of a head trained in stages: SocialIQA before COPA).
        ``load_english_train`` is the same function under its old name.

Splits are "train", "dev", "test". Returns a list of PairExample / MultipleChoiceExample / TaggedSentence
/ QAExample, or one BitextCorpus (bitext mining), ParallelSentences (sentence retrieval),
EntityRetrievalCorpus (Mewsli-X) or AnswerRetrievalCorpus (LAReQA). Malformed data raises
DataFormatError, missing files MissingDataError (both InputFileErrors: path, line, problem); the
messages name the file (and line) and what was expected. ``parse_source`` is the one parser of a data
source as users type it.

Files are opened through evaluators.safe_files: below the data folder given (``source=PATH`` or the parquet
folder of ``hub:PATH``) no symbolic link is followed, and a folder, pipe or device where a file belongs is a
DataFormatError naming it. The data folder itself may be a link: that path is the user's own choice.
"""

from __future__ import annotations

import os
from pathlib import Path

from evaluators import tasks as declared
from evaluators.task_spec import SPLITS, TrainingData

from .data_spec import DataSpec, task_data, training_data
from .errors import DataFormatError, DataSourceError, MissingDataError
from .hub import HUB_ID, read_hub
from .raw import locate, read_raw

SAMPLE_DATA_DIR = Path(__file__).resolve().parent.parent / "sample_data"

__all__ = [
    "DataFormatError", "MissingDataError", "DataSourceError", "HUB_ID", "SAMPLE_DATA_DIR", "SPLITS", "DataSpec",
    "load_split", "load_training_data", "load_english_train", "training_data", "training_file",
    "available_splits", "parse_source",
]


def available_splits(task: str) -> tuple[str, ...]:
    """The splits a declared task has (its declared raw-layout splits), e.g. xquad -> ("test",)."""
    return task_data(task).splits()


def parse_source(text: str | None) -> str | None:
    """A data source as a user types it (``--data``, ``data=``) -> the readers' ``source`` argument.

    None or "sample": the bundled sample (None); "hub" or "hub:PATH": the hub, or a local parquet copy of it
    (PATH must be a folder); anything else must be an existing folder in the raw download layout. Checked
    before any work, so a typo never silently scores the sample or an empty run. Raises DataSourceError."""
    if text is None or text == "sample":
        return None
    if not isinstance(text, str) or not text.strip():
        raise DataSourceError(f"data source {text!r}: expected 'sample', 'hub', 'hub:PATH' or a folder")
    if text == "hub":
        return text
    folder = Path(text[4:] if text.startswith("hub:") else text).expanduser()
    what = "the local google/xtreme copy" if text.startswith("hub:") else "the XTREME data folder"
    if not folder.exists():
        raise DataSourceError(f"{folder}: no such folder ({what}); expected 'sample', 'hub', 'hub:PATH' or a "
                              "folder in the benchmark's download layout")
    if not folder.is_dir():
        raise DataSourceError(f"{folder}: a file, not a folder ({what})")
    folder = os.path.abspath(folder)  # not resolved: a root that is itself a link is the user's choice
    return f"hub:{folder}" if text.startswith("hub:") else folder


def _is_hub(source) -> bool:
    return isinstance(source, str) and (source == "hub" or source.startswith("hub:"))


def _root(source) -> Path:
    return SAMPLE_DATA_DIR if source is None else Path(os.fspath(source))


def _read(spec: DataSpec, language: str, split: str, source):
    if _is_hub(source):
        return read_hub(spec, language, split, parquet=source[4:] or None)
    return read_raw(_root(source), spec, language, split)


def load_split(task: str, language: str, split: str, source=None):
    """Read one declared task's split for one language. See the module docstring for ``source``."""
    declaration = declared.get_task(task)
    spec = DataSpec.of_task(declaration)
    if split not in spec.splits():
        raise ValueError(f"{task} has no {split!r} split; it has {', '.join(spec.splits())}")
    known = declaration.all_languages
    # English training data is part of every trainable task even where English is not a test language.
    if language not in known and not (declaration.trainable and split in ("train", "dev") and language == "en"):
        raise ValueError(f"{task} has no language {language!r}; it has {' '.join(known)}")
    if spec.is_english_only(split) and language != "en":
        raise ValueError(f"{task}'s {split} data is English only ({', '.join(spec.raw[split])}): use language 'en'")
    return _read(spec, language, split, source)


def _training_split(data, split: str) -> DataSpec:
    spec = DataSpec.of_training(data)
    if split not in spec.splits():
        raise ValueError(f"the {data.head} head's training data has no {split!r} split; it has "
                         f"{', '.join(spec.splits())}")
    return spec


def _declared_training(name) -> TrainingData:
    return name if isinstance(name, TrainingData) else training_data(name)


def load_training_data(name: str | TrainingData, split: str = "train", source=None):
    """The English data a head is fine-tuned on (split "train") or selected on (split "dev"), as its
    TrainingData declares; ``name``: a trainable task ("mlqa"), a head's bundle folder ("squad"), or the
    TrainingData of one stage (``TrainingData.first``: SocialIQA, which the xcopa head is trained on first)."""
    return _read(_training_split(_declared_training(name), split), "en", split, source)


def load_english_train(task: str, split: str = "train", source=None):
    """:func:`load_training_data` under its old name."""
    return load_training_data(task, split, source)


def training_file(name: str | TrainingData, split: str = "train", source=None) -> Path | None:
    """The raw-layout file :func:`load_training_data` reads for ``(name, split)`` (None for a hub source):
    the run manifest hashes it. MissingDataError when it is not there."""
    if _is_hub(source):
        return None
    data = _declared_training(name)
    return locate(_root(source), _training_split(data, split), "en", split)

