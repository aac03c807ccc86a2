"""Cross-lingual answer retrieval data (LAReQA on XQuAD-R) -> AnswerRetrievalCorpus.

Layout: ``lareqa/xquad-r/{lang}.json`` (scripts/download_data.sh ``download_lareqa`` unpacks
github.com/google-research-datasets/lareqa there), one file per language, SQuAD v1.1 form with every
paragraph's sentence annotation added: ``{"data": [{"title", "paragraphs": [{"context", "sentence_breaks":
[[start, end], ...], "sentences": [str, ...], "qas": [{"id", "question", "answers": [{"text",
"answer_start"}]}]}]}]}``. Only ``sentence_breaks`` is read, as the benchmark reads it: ``sentences`` should
hold the same text but does not everywhere (one paragraph of the released tr.json disagrees). Question ids
are shared by a question's translations.

The pool is built as the benchmark's utils_lareqa.load_data builds it, over every language the task declares
(questions are ranked against all of them at once):

- a question is asked in each language that has it (uid ``{id}_{lang}``); one whose answer starts in no
  sentence is left out, as there (listed in ``skipped``);
- the candidates are the sentences of every paragraph that has at least one question asked, with ids
  ``{lang}_{paragraph}_{sentence}`` (paragraphs counted from 1 through the file, sentences from 0);
- a question's targets are, in every language, each sentence of its paragraph whose text equals the
  sentence holding its answer.

Exactly one answer per question (XQuAD-R has one; utils_lareqa requires it), unique question ids per file,
and sentence breaks that are non-empty, in order and inside the context. A declared language whose file is
absent makes the pool partial (``absent_languages``; the bundled sample holds four): its scores are not the
benchmark's, which callers must say. The requested language's own file must be there.

The hub copy (``google-research-datasets/xquad_r``: id, context, question, answers) drops the sentence
annotation the candidates are made of, so its rows are refused with that reason unless they carry a
``sentence_breaks`` column (a local export of the raw files): see :func:`paragraphs_from_hub`.
"""

from __future__ import annotations

import functools
import numbers
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evaluators import tasks as declared
from evaluators.errors import quote
from evaluators.squad_form import field, type_name
from harness_tasks.records import (
    AnswerCandidates,
    AnswerRetrievalCorpus,
    RetrievalQuestion,
)

from ._text import read_json, reader_errors
from .data_spec import DataSpec
from .errors import DataFormatError, MissingDataError

XQUAD_R_SHAPE = ('{"data": [{"paragraphs": [{"context", "sentence_breaks": [[start, end], ...], "qas": [{"id", '
                 '"question", "answers": [{"text", "answer_start"}]}]}]}]}')


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of one language: its sentences as ``(start, end)`` offsets into ``context``, and its
    questions as ``(id, question, answer start)``."""

    context: str
    breaks: tuple[tuple[int, int], ...]
    questions: tuple[tuple[str, str, int], ...]


def _breaks_problem(breaks, length: int) -> str | None:
    """Why ``breaks`` are not sentence breaks of a ``length``-character context, or None."""
    end = 0
    for i, pair in enumerate(breaks):
        integers = isinstance(pair, (list, tuple)) and len(pair) == 2 and all(
            isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in pair)
        if not integers:
            return f"sentence break {i}: expected [start, end] (two integers)"
        if not end <= pair[0] < pair[1] <= length:
            return (f"sentence break {i} [{pair[0]}, {pair[1]}]: expected non-empty sentences, in order, inside "
                    f"the {length}-character context")
        end = pair[1]
    return None


def read_xquad_r(path: Path, *, root: Path | None = None) -> list[Paragraph]:
    """Every paragraph of one XQuAD-R file, in file order (paragraphs without questions included: they
    count in the candidate ids)."""
    doc = read_json(path, f"XQuAD-R JSON {XQUAD_R_SHAPE}", root)
    paragraphs: list[Paragraph] = []
    seen: set[str] = set()
    with reader_errors():
        if not isinstance(doc.value, dict):
            raise doc.error((), f"top level is {type_name(doc.value)}; expected XQuAD-R JSON {XQUAD_R_SHAPE}")
        for a, article in enumerate(field(doc, doc.value, (), "data", list)):
            for p, paragraph in enumerate(field(doc, article, ("data", a), "paragraphs", list)):
                keys = ("data", a, "paragraphs", p)
                context = field(doc, paragraph, keys, "context", str)
                breaks = field(doc, paragraph, keys, "sentence_breaks", list)
                problem = _breaks_problem(breaks, len(context))
                if problem:
                    raise doc.error((*keys, "sentence_breaks"), problem)
                breaks = tuple((int(start), int(end)) for start, end in breaks)
                questions = []
                for q, qa in enumerate(field(doc, paragraph, keys, "qas", list)):
                    qkeys = (*keys, "qas", q)
                    qid = field(doc, qa, qkeys, "id", str)
                    if qid in seen:
                        raise doc.error((*qkeys, "id"), f"{quote(qid)} is asked twice in this file; expected "
                                                        "unique question ids")
                    seen.add(qid)
                    answers = field(doc, qa, qkeys, "answers", list)
                    if len(answers) != 1:
                        raise doc.error((*qkeys, "answers"), f"{len(answers)} answers; expected exactly one (the "
                                                             "answer sentence is the retrieval target)")
                    start = field(doc, answers[0], (*qkeys, "answers", 0), "answer_start", int)
                    if start < 0:
                        raise doc.error((*qkeys, "answers", 0, "answer_start"), f"{start}; expected an offset "
                                                                                "into the context")
                    field(doc, answers[0], (*qkeys, "answers", 0), "text", str)
                    questions.append((qid, field(doc, qa, qkeys, "question", str), start))
                paragraphs.append(Paragraph(context, breaks, tuple(questions)))
    return paragraphs


def answer_pool(paragraphs: Mapping[str, Sequence[Paragraph]], split: str, languages: Sequence[str],
                absent: Sequence[str] = ()) -> AnswerRetrievalCorpus:
    """The pool of ``languages`` (in this order; each a key of ``paragraphs``), as utils_lareqa builds it."""
    questions: list[RetrievalQuestion] = []
    columns: dict[str, list[str]] = {"ids": [], "sentences": [], "contexts": [], "languages": []}
    targets: dict[str, list[str]] = {}
    skipped: list[str] = []
    for language in languages:
        for number, paragraph in enumerate(paragraphs[language], start=1):
            texts = [paragraph.context[start:end] for start, end in paragraph.breaks]
            added = False
            for qid, question, answer_start in paragraph.questions:
                sentence = next((paragraph.context[s:e] for s, e in paragraph.breaks if s <= answer_start < e), None)
                if sentence is None:  # the benchmark skips it (a sentence-breaking error in the data)
                    skipped.append(f"{qid}_{language}")
                    continue
                questions.append(RetrievalQuestion(id=qid, question=question, language=language))
                if not added:
                    for position, text in enumerate(texts):
                        for name, value in zip(columns, (f"{language}_{number}_{position}", text, paragraph.context,
                                                         language)):
                            columns[name].append(value)
                    added = True
                targets.setdefault(qid, []).extend(
                    f"{language}_{number}_{position}" for position, text in enumerate(texts) if text == sentence)
    return AnswerRetrievalCorpus(
        split=split, languages=tuple(languages), questions=tuple(questions),
        candidates=AnswerCandidates(**{name: tuple(values) for name, values in columns.items()}),
        targets={qid: tuple(ids) for qid, ids in targets.items()}, absent_languages=tuple(absent),
        skipped=tuple(skipped),
    )


def pool_languages(spec: DataSpec) -> tuple[str, ...]:
    """The languages a question is ranked against: every language the task declares, in declared order."""
    return declared.get_task(spec.name).all_languages


@functools.lru_cache(maxsize=1)
def _cached_pool(files: tuple, split: str, absent: tuple, root: str) -> AnswerRetrievalCorpus:
    paragraphs = {language: read_xquad_r(Path(path), root=Path(root)) for language, path, _ in files}
    return answer_pool(paragraphs, split, [language for language, _, _ in files], absent)


def _stamp(path: Path) -> tuple | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def read_raw_answer_retrieval(root: Path, spec: DataSpec, language: str, split: str) -> AnswerRetrievalCorpus:
    """``RAW_READERS`` entry: the pool of every declared language found under ``root``, asked in ``language``
    (whose own file must be there). The pool is read once while its files are unchanged."""
    from .raw import locate  # raw imports this module to register it

    located = locate(root, spec, language, split)  # MissingDataError for the language asked
    files, absent = [], []
    for other in pool_languages(spec):
        try:
            path = located if other == language else locate(root, spec, other, split)
        except MissingDataError:
            absent.append(other)
            continue
        files.append((other, os.fspath(path), _stamp(path)))
    return _cached_pool(tuple(files), split, tuple(absent), os.fspath(root)).of_language(language)


# ------------------------------------------------------------------------------------------------ hub rows
def paragraphs_from_hub(ds, where) -> list[Paragraph]:
    """XQuAD-R rows (one a question, a paragraph's questions in a row) -> paragraphs. The rows must carry
    ``sentence_breaks`` ([[start, end], ...] into ``context``): the hub's own copy does not, and is refused."""
    from .hub import _require_columns, _rows  # hub imports this module to register it

    if where.column("sentence_breaks") not in ds.column_names:
        raise DataFormatError(
            where.name, None,
            f"no sentence_breaks column (it has {', '.join(ds.column_names)}): this copy of XQuAD-R drops the "
            "sentence annotation that LAReQA's candidates are made of; read lareqa/xquad-r/{lang}.json from the "
            "raw download layout instead (scripts/download_data.sh, github.com/google-research-datasets/lareqa)")
    qid, context, question, answers, breaks = _require_columns(
        ds, ("id", "context", "question", "answers", "sentence_breaks"), where)
    paragraphs: list[Paragraph] = []
    current: tuple[str, tuple] | None = None
    questions: list[tuple[str, str, int]] = []
    for i, row in enumerate(_rows(ds, where)):
        at = f"{where.name} row {i}"
        starts = (row[answers] or {}).get("answer_start") if isinstance(row[answers], dict) else None
        if not (isinstance(starts, list) and len(starts) == 1 and isinstance(starts[0], numbers.Integral)):
            raise DataFormatError(at, None, "answers: expected exactly one answer {text: [str], answer_start: [int]}")
        problem = _breaks_problem(row[breaks] or [], len(row[context]))
        if problem:
            raise DataFormatError(at, None, problem)
        key = (row[context], tuple(tuple(pair) for pair in row[breaks]))
        if key != current:
            if current is not None:
                paragraphs.append(Paragraph(current[0], current[1], tuple(questions)))
            current, questions = key, []
        questions.append((row[qid], row[question], int(starts[0])))
    if current is not None:
        paragraphs.append(Paragraph(current[0], current[1], tuple(questions)))
    return paragraphs


def read_hub_answer_retrieval(spec: DataSpec, language: str, split: str, parquet=None) -> AnswerRetrievalCorpus:
    """The pool from the hub (or a local parquet copy), every declared language loaded, asked in ``language``.
    Not a per-dataset converter: a pool needs the rows of every language at once."""
    from .hub import load_hub_dataset, locate_on_hub

    paragraphs: dict[str, list[Paragraph]] = {}
    for other in pool_languages(spec):
        where = locate_on_hub(spec, other, split)
        paragraphs[other] = paragraphs_from_hub(load_hub_dataset(where, parquet), where)
    return answer_pool(paragraphs, split, list(paragraphs)).of_language(language)
