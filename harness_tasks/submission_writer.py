"""Writing predictions (and, for checking, gold labels) in a benchmark's public submission layout.

    {task}/{split}-{lang}.{ext}     (the leaderboard wants split "test"; ext from the task's declaration)

Each file's text is its family's (``evaluators.families``: ``format_predictions`` / ``format_gold``), so
what the harness writes and what ``score-submission`` reads are one format; the formats are described in
each family module. Files are written atomically, and no trailing blank line is written (the reference
scorer would count it as one more example).

Gold labels are written from reader records (harness_tasks.records): :data:`GOLD_OF` holds, per family,
how a language's records become the gold value its family writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from evaluators.families import get_family
from evaluators.tasks import get_task
from harness_tasks.atomic import write_text_atomic


def format_predictions(task: str, predictions) -> str:
    """The file text for one language's predictions, in the task's family format."""
    spec = get_task(task)
    return get_family(spec.family).format_predictions(spec, predictions)


def write_submission(out_dir: str | os.PathLike, task: str, language: str, predictions, split: str = "test") -> Path:
    """Write one task/language file under ``out_dir``; returns its path."""
    path = Path(out_dir) / get_task(task).submission_file(language, split)
    write_text_atomic(path, format_predictions(task, predictions))
    return path


def _squad_document(records) -> dict:
    qas = [{"id": r.id, "question": r.question,
            "answers": [{"text": a.text, "answer_start": a.start} for a in r.answers]} for r in records]
    return {"version": "1.1", "data": [{"title": "", "paragraphs": [{"context": "", "qas": qas}]}]}


def _labelled(values: list, what: str) -> list:
    if any(value is None for value in values):
        raise ValueError(f"{what} without a gold label: these records are unlabelled and cannot be written as gold")
    return values


def _entity_gold(corpus) -> dict:
    entities = _labelled([m.entity for m in corpus.mentions], "a mention")
    return {m.id: [entity] for m, entity in zip(corpus.mentions, entities)}


def _answer_gold(corpus) -> dict:
    return {q.id: list(corpus.targets[q.id]) for q in corpus.questions}


# family -> (a language's reader records -> the gold value its family's format_gold writes)
GOLD_OF: dict[str, Callable] = {
    "pair_classification": lambda records: [r.label for r in records],
    "multiple_choice": lambda records: _labelled([r.label for r in records], "an example"),
    "tagging": lambda records: [list(r.tags) for r in records],
    "span_qa": _squad_document,
    "bitext_mining": lambda corpus: sorted(corpus.gold),
    "sentence_retrieval": lambda parallel: list(parallel.gold),
    "entity_retrieval": _entity_gold,  # {mention id: [gold entity id]}, as the benchmark's label files
    "answer_retrieval": _answer_gold,  # {question id: [target candidate ids]}, one language's questions
}


def gold_of(task: str, records) -> object:
    """Gold labels in the shape the task's family writes (span QA: a SQuAD v1.1 document)."""
    family = get_task(task).family
    if family not in GOLD_OF:
        raise KeyError(f"{task}: no gold writer for family {family!r} (add one to "
                       f"harness_tasks.submission_writer.GOLD_OF)")
    return GOLD_OF[family](records)


def format_labels(task: str, records) -> str:
    """The gold file text for one language, from reader records."""
    spec = get_task(task)
    return get_family(spec.family).format_gold(spec, gold_of(task, records))


def write_labels(out_dir: str | os.PathLike, task: str, language: str, records, split: str = "test") -> Path:
    """Write gold labels from reader records in the same layout (for score-submission checks)."""
    path = Path(out_dir) / get_task(task).submission_file(language, split)
    write_text_atomic(path, format_labels(task, records))
    return path
