"""The benchmark's raw download layout (google-research/xtreme ``scripts/download_data.sh`` output), read
from what each task declares: ``raw[split]`` path templates relative to the layout root (``{lang}`` the
language code, ``{name}`` its declared ``language_names`` entry), read by its family's reader.

For one-file families the templates are alternatives and the first that exists is read (TyDiQA's files
were renamed between releases: ``tydiqa.en.train.json`` -> ``tydiqa.goldp.en.train.json``). BUCC,
Tatoeba and Mewsli-X keep readers of their own, because a split there is several files, and LAReQA's reads
the files of every language into one pool (bucc.py, tatoeba.py, entity_retrieval.py, answer_retrieval.py).
A new family is one entry in ``RAW_READERS``; a new task or language in a family is its declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ._text import present
from .bucc import read_bucc
from .data_spec import DataSpec
from .errors import MissingDataError
from .pairs import read_pair_tsv
from .qa import read_squad_json
from .tagging import read_tagged_tsv
from .tatoeba import read_sentence_pairs
from .answer_retrieval import read_raw_answer_retrieval
from .entity_retrieval import read_raw_entity_retrieval
from .multiple_choice import read_raw_multiple_choice


def locate(root: Path, spec: DataSpec, language: str, split: str) -> Path:
    """The first existing file of ``spec.raw[split]`` under ``root``; MissingDataError naming the layout if none."""
    templates = [spec.fill(t, language) for t in spec.raw[split]]
    candidates = [root / t for t in templates]
    for path in candidates:
        if present(path, root):  # a link or a pipe is found here and then refused by the reader
            return path
    raise MissingDataError(
        candidates[0], None,
        f"no such file; expected the XTREME raw download layout: {' or '.join(templates)} under {root}",
    )


def _pairs(root: Path, spec: DataSpec, language: str, split: str):
    return read_pair_tsv(locate(root, spec, language, split), task=spec.name, language=language, split=split,
                         labels=spec.labels, allow_unlabelled=spec.allows_unlabelled(split), root=root)


def _tags(root: Path, spec: DataSpec, language: str, split: str):
    return read_tagged_tsv(locate(root, spec, language, split), task=spec.name, language=language, split=split,
                           labels=spec.labels, allow_unlabelled=spec.allows_unlabelled(split),
                           strip_language_prefix=spec.token_language_prefix, root=root)


def _questions(root: Path, spec: DataSpec, language: str, split: str):
    return read_squad_json(locate(root, spec, language, split), language=language, root=root)


# family -> reader(root, spec, language, split): the records of one split of one language.
RAW_READERS: dict[str, Callable] = {
    "pair_classification": _pairs,
    "tagging": _tags,
    "span_qa": _questions,
    "bitext_mining": read_bucc,
    "sentence_retrieval": read_sentence_pairs,
    "multiple_choice": read_raw_multiple_choice,
    "entity_retrieval": read_raw_entity_retrieval,
    "answer_retrieval": read_raw_answer_retrieval,
}


def read_raw(root: Path, spec: DataSpec, language: str, split: str):
    """Read one split of one language from a raw-layout folder: a list of records, or a BitextCorpus /
    ParallelSentences for the retrieval families. Only test files may lack labels."""
    root = Path(root)
    if not root.is_dir():  # root itself may be a link (the user's choice); nothing below it may be
        raise MissingDataError(root, None, "no such folder; expected a folder in the XTREME raw download layout")
    if spec.family not in RAW_READERS:
        raise ValueError(f"{spec.name}: no raw-layout reader for family {spec.family!r}; "
                         f"add one to RAW_READERS in {__name__} (readers exist for {', '.join(RAW_READERS)})")
    return RAW_READERS[spec.family](root, spec, language, split)
