"""Writing predictions (and, for checking, gold labels) in the public XTREME submission layout.

    {task}/{split}-{lang}.{ext}     (the leaderboard wants split "test")

xnli, pawsx: tsv, one label a line. udpos, panx: one tag a line, one blank line between sentences.
xquad, mlqa, tydiqa: json {question id: answer text}. bucc2018: tsv "source id<TAB>target id" a line.
tatoeba: one integer a line, line j for English line j of the benchmark's English file (sorted): the line
number of its retrieved translation in the non-English file (the gold labels' convention, see
harness_tasks/readers/tatoeba.py). Files are written atomically, and no trailing blank line is written
(the reference scorer would count it as one more example).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from harness_tasks.atomic import write_text_atomic
from evaluators.benchmark import BITEXT_MINING, PAIR_CLASSIFICATION, PARALLEL_RETRIEVAL, QA, TAGGING, get_task


def _one_line(value, what: str) -> str:
    text = str(value)
    if not text.strip() or "\n" in text or "\r" in text:
        raise ValueError(f"{what}: {text!r} cannot be written as one non-blank line")
    return text


def format_predictions(task: str, predictions) -> str:
    """The file text for one language's predictions (see the module docstring for the shapes)."""
    family = get_task(task).family
    if family in (PAIR_CLASSIFICATION, PARALLEL_RETRIEVAL):
        lines = [_one_line(p, f"{task} prediction {i + 1}") for i, p in enumerate(predictions)]
        return "".join(f"{line}\n" for line in lines)
    if family == TAGGING:
        sentences = []
        for i, tags in enumerate(predictions):
            if not tags:
                raise ValueError(f"{task} sentence {i + 1}: no tags; an empty sentence would shift every later one")
            sentences.append("".join(f"{_one_line(t, f'{task} sentence {i + 1} tag')}\n" for t in tags))
        return "\n".join(sentences)
    if family == QA:
        if not isinstance(predictions, Mapping):
            raise TypeError(f"{task}: predictions must map question ids to answer strings")
        return json.dumps({str(k): str(v) for k, v in predictions.items()}, ensure_ascii=False, indent=1) + "\n"
    if family == BITEXT_MINING:
        lines = []
        for i, pair in enumerate(predictions):
            source, target = pair
            lines.append(f"{_one_line(source, f'{task} pair {i + 1} source')}\t{_one_line(target, f'{task} pair {i + 1} target')}")
        return "".join(f"{line}\n" for line in lines)
    raise AssertionError(f"no submission format for family {family}")


def write_submission(out_dir: str | os.PathLike, task: str, language: str, predictions, split: str = "test") -> Path:
    """Write one task/language file under ``out_dir``; returns its path."""
    path = Path(out_dir) / get_task(task).submission_file(language, split)
    write_text_atomic(path, format_predictions(task, predictions))
    return path


def gold_of(task: str, records) -> object:
    """Gold labels in the shape write_submission takes (QA: a SQuAD v1.1 document instead)."""
    family = get_task(task).family
    if family == PAIR_CLASSIFICATION:
        return [r.label for r in records]
    if family == TAGGING:
        return [list(r.tags) for r in records]
    if family == PARALLEL_RETRIEVAL:
        return list(records.gold)
    if family == BITEXT_MINING:
        return sorted(records.gold)
    if family == QA:
        qas = [{"id": r.id, "question": r.question,
                "answers": [{"text": a.text, "answer_start": a.start} for a in r.answers]} for r in records]
        return {"version": "1.1", "data": [{"title": "", "paragraphs": [{"context": "", "qas": qas}]}]}
    raise AssertionError(f"no gold format for family {family}")


def format_labels(task: str, records) -> str:
    """The gold file text for one language, from reader records (QA: a SQuAD v1.1 document)."""
    gold = gold_of(task, records)
    if get_task(task).family == QA:
        return json.dumps(gold, ensure_ascii=False, indent=1) + "\n"
    return format_predictions(task, gold)


def write_labels(out_dir: str | os.PathLike, task: str, language: str, records, split: str = "test") -> Path:
    """Write gold labels from reader records in the same layout (for score-submission checks)."""
    path = Path(out_dir) / get_task(task).submission_file(language, split)
    write_text_atomic(path, format_labels(task, records))
    return path
