"""The benchmark's raw download layout (google-research/xtreme ``scripts/download_data.sh`` output): where
each task, language and split lives, and which reader reads it.

``RAW_FILES[dataset][split]`` lists path templates relative to the layout root (``{lang}`` is the XTREME
language code); the first one that exists is read. Two TyDiQA names are listed because the benchmark's
preprocessing renamed its files between releases (``tydiqa.en.train.json`` -> ``tydiqa.goldp.en.train.json``).
"squad" is not an XTREME task but the English training data of XQuAD and MLQA.
"""

from __future__ import annotations

from pathlib import Path

from evaluators.benchmark import PANX_LABELS, PAWSX_LABELS, UPOS_LABELS, XNLI_LABELS

from .bucc import read_bucc
from ._text import present
from .errors import MissingDataError
from .pairs import read_pair_tsv
from .qa import read_squad_json
from .tagging import read_tagged_tsv
from .tatoeba import read_tatoeba

_TYDIQA_TRAIN = "tydiqa/tydiqa-goldp-v1.1-train"
_TYDIQA_DEV = "tydiqa/tydiqa-goldp-v1.1-dev"

RAW_FILES: dict[str, dict[str, tuple[str, ...]]] = {
    "xnli": {
        "train": ("xnli/train-en.tsv",),  # MNLI train (English only), as the benchmark ships it
        "dev": ("xnli/dev-{lang}.tsv",),
        "test": ("xnli/test-{lang}.tsv",),
    },
    "pawsx": {split: (f"pawsx/{split}-{{lang}}.tsv",) for split in ("train", "dev", "test")},
    "udpos": {split: (f"udpos/{split}-{{lang}}.tsv",) for split in ("train", "dev", "test")},
    "panx": {split: (f"panx/{split}-{{lang}}.tsv",) for split in ("train", "dev", "test")},
    "squad": {"train": ("squad/train-v1.1.json",), "dev": ("squad/dev-v1.1.json",)},
    "xquad": {"test": ("xquad/xquad.{lang}.json",)},
    "mlqa": {
        split: (f"mlqa/MLQA_V1/{split}/{split}-context-{{lang}}-question-{{lang}}.json",)
        for split in ("dev", "test")
    },
    "tydiqa": {
        "train": (f"{_TYDIQA_TRAIN}/tydiqa.{{lang}}.train.json", f"{_TYDIQA_TRAIN}/tydiqa.goldp.{{lang}}.train.json"),
        # XTREME's TyDiQA-GoldP "test" is the official GoldP dev set.
        "test": (f"{_TYDIQA_DEV}/tydiqa.{{lang}}.dev.json", f"{_TYDIQA_DEV}/tydiqa.goldp.{{lang}}.dev.json"),
    },
    "bucc2018": {
        split: (f"bucc2018/{{lang}}-en.{split}.{{lang}}", f"bucc2018/{{lang}}-en.{split}.en")
        for split in ("dev", "test")
    },
    "tatoeba": {"test": ("tatoeba/tatoeba.{iso3}-eng.{iso3} (or tatoeba/{lang}-en.{lang})",)},
}

PAIR_LABELS = {"xnli": XNLI_LABELS, "pawsx": PAWSX_LABELS}
TAG_LABELS = {"udpos": UPOS_LABELS, "panx": PANX_LABELS}


def resolve(root: Path, dataset: str, language: str, split: str) -> Path:
    """The existing file for (dataset, language, split) under ``root``; MissingDataError naming the layout if none."""
    templates = RAW_FILES[dataset][split]
    candidates = [root / t.format(lang=language) for t in templates]
    for path in candidates:
        if present(path, root):  # a link or a pipe is found here and then refused by the reader
            return path
    expected = " or ".join(t.format(lang=language) for t in templates)
    raise MissingDataError(
        f"{candidates[0]}: no such file; expected the XTREME raw download layout: {expected} under {root}"
    )


def read_raw(root: Path, dataset: str, language: str, split: str):
    """Read one split of one language from a raw-layout folder: a list of records, or a BitextCorpus /
    ParallelSentences for bucc2018 / tatoeba. Only test files may lack labels."""
    root = Path(root)
    if not root.is_dir():  # root itself may be a link (the user's choice); nothing below it may be
        raise MissingDataError(f"{root}: no such folder; expected a folder in the XTREME raw download layout")
    if dataset == "bucc2018":
        return read_bucc(root, language=language, split=split)
    if dataset == "tatoeba":
        return read_tatoeba(root, language=language)
    path = resolve(root, dataset, language, split)
    unlabelled_ok = split == "test"
    if dataset in PAIR_LABELS:
        return read_pair_tsv(
            path, task=dataset, language=language, split=split,
            labels=PAIR_LABELS[dataset], allow_unlabelled=unlabelled_ok, root=root,
        )
    if dataset in TAG_LABELS:
        return read_tagged_tsv(
            path, task=dataset, language=language, split=split, labels=TAG_LABELS[dataset],
            allow_unlabelled=unlabelled_ok, strip_language_prefix=dataset == "panx", root=root,
        )
    return read_squad_json(path, language=language, root=root)
