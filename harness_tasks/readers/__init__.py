"""Data readers for the XTREME tasks, shared by the lm-eval tasks and the training recipe.

One entry point, three sources::

    load_split(task, language, split, source=None)
        source=None         the bundled synthetic sample (harness_tasks/sample_data, raw layout, labelled)
        source=PATH         a folder in the benchmark's raw download layout (see raw.RAW_FILES)
        source="hub"        the Hugging Face dataset google/xtreme (see hub.py)
        source="hub:PATH"   a local parquet copy of google/xtreme laid out as {PATH}/{config}/{split}-*.parquet

    load_english_train(task, split="train", source=None)
        the English training (or English dev, split="dev") data a trainable task is fine-tuned on:
        xnli -> MNLI train / XNLI en dev; pawsx, udpos, panx -> their English train/dev;
        xquad, mlqa -> SQuAD v1.1 train/dev; tydiqa -> TyDiQA-GoldP English train (no dev exists).

Splits are "train", "dev", "test". Returns a list of PairExample / TaggedSentence / QAExample, or one
BitextCorpus (bucc2018) or ParallelSentences (tatoeba). Malformed data raises DataFormatError, missing
files MissingDataError; both messages name the file (and line) and what was expected.

Files are opened through evaluators.safe_files: below the data folder given (``source=PATH`` or the parquet
folder of ``hub:PATH``) no symbolic link is followed, and a folder, pipe or device where a file belongs is a
DataFormatError naming it. The data folder itself may be a link: that path is the user's own choice.
"""

from __future__ import annotations

import os
from pathlib import Path

from evaluators.benchmark import TASKS, get_task

from .errors import DataFormatError, DataSourceError, MissingDataError
from .hub import HUB_ID, read_hub
from .raw import RAW_FILES, read_raw

SAMPLE_DATA_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SPLITS = ("train", "dev", "test")

# The English training data behind each trainable task's fine-tuning (dataset key in RAW_FILES).
ENGLISH_TRAIN_DATASET = {
    "xnli": "xnli", "pawsx": "pawsx", "udpos": "udpos", "panx": "panx",
    "xquad": "squad", "mlqa": "squad", "squad": "squad", "tydiqa": "tydiqa",
}

__all__ = [
    "DataFormatError", "MissingDataError", "HUB_ID", "SAMPLE_DATA_DIR", "SPLITS", "ENGLISH_TRAIN_DATASET",
    "load_split", "load_english_train", "available_splits",
]


def available_splits(dataset: str) -> tuple[str, ...]:
    """The splits that exist for ``dataset`` (an XTREME task or "squad"), e.g. xquad -> ("test",)."""
    return tuple(RAW_FILES[dataset])


def parse_source(text: str | None) -> str | None:
    """A data source as a user types it (``--data``, ``data=``) -> the readers' ``source`` argument.

    None or "sample": the bundled sample (None); "hub" or "hub:PATH": google/xtreme (PATH must be a
    folder); anything else must be an existing folder in the raw download layout. Checked before any
    work, so a typo never silently scores the sample or an empty run. Raises DataSourceError."""
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


def _read(dataset: str, language: str, split: str, source):
    if split not in available_splits(dataset):
        raise ValueError(
            f"{dataset} has no {split!r} split; it has {', '.join(available_splits(dataset))}"
        )
    if isinstance(source, str) and (source == "hub" or source.startswith("hub:")):
        return read_hub(dataset, language, split, parquet=source[4:] or None)
    root = SAMPLE_DATA_DIR if source is None else Path(os.fspath(source))
    return read_raw(root, dataset, language, split)


def load_split(task: str, language: str, split: str, source=None):
    """Read one XTREME task's split for one language. See the module docstring for ``source``."""
    spec = get_task(task)
    known = spec.languages + tuple(lang for lang in spec.xtreme_r_languages if lang not in spec.languages)
    # English training data is part of every trainable task even where English is not a test language.
    if language not in known and not (spec.trainable and split in ("train", "dev") and language == "en"):
        raise ValueError(f"{task} has no language {language!r}; it has {' '.join(known)}")
    if task == "xnli" and split == "train" and language != "en":
        raise ValueError("xnli's training data is English only (MNLI): use language 'en'")
    return _read(task, language, split, source)


def load_english_train(task: str, split: str = "train", source=None):
    """The English data ``task`` is fine-tuned on (split "train") or selected on (split "dev")."""
    if task not in ENGLISH_TRAIN_DATASET:
        trainable = ", ".join(name for name, spec in TASKS.items() if spec.trainable)
        raise ValueError(f"{task!r} has no English training data; trainable tasks: {trainable}")
    if split not in ("train", "dev"):
        raise ValueError(f"split must be 'train' or 'dev', got {split!r}")
    dataset = ENGLISH_TRAIN_DATASET[task]
    if dataset == "tydiqa" and split == "dev":
        raise ValueError(
            "TyDiQA-GoldP has no English dev set apart from its test data; select tydiqa models on"
            " load_english_train('tydiqa', 'train') held-out data or on SQuAD dev"
        )
    return _read(dataset, "en", split, source)
