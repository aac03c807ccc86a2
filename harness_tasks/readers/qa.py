"""SQuAD v1.1-form JSON (SQuAD, XQuAD, MLQA, TyDiQA-GoldP) -> QAExample.

Format: ``{"data": [{"title": str (optional), "paragraphs": [{"context": str, "qas": [{"id": str,
"question": str, "answers": [{"text": str, "answer_start": int}, ...]}]}]}], "version": ...}``.
``answer_start`` is a character offset into ``context``. Texts are kept exactly as stored (no stripping:
stripping the context would shift every offset).

Unlabelled test data: the benchmark's preprocessing replaces each question's answers by the single
placeholder ``{"answer_start": 0, "text": ""}``; an empty list or answers whose texts are all empty read
as unlabelled (``answers=()``). Record ids are the file's question ids; the language is the one asked for.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness_tasks.records import Answer, QAExample

from ._text import read_text
from .errors import DataFormatError

SQUAD_SHAPE = '{"data": [{"paragraphs": [{"context": ..., "qas": [{"id", "question", "answers"}]}]}]}'


def _need(obj, key: str, kind: type, path: Path, where: str):
    if not isinstance(obj, dict) or key not in obj:
        raise DataFormatError(f"{path}: {where}: missing key {key!r}; expected SQuAD v1.1 form {SQUAD_SHAPE}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise DataFormatError(
            f"{path}: {where}.{key}: expected {kind.__name__}, got {type(value).__name__}"
        )
    return value


def read_squad_json(path: Path, *, language: str) -> list[QAExample]:
    """Read one SQuAD-form file into QAExample records, in file order."""
    text = read_text(path, f"SQuAD v1.1 JSON {SQUAD_SHAPE}")
    try:
        root = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataFormatError(f"{path}:{err.lineno}: not valid JSON ({err.msg}); expected SQuAD v1.1 JSON") from None
    if not isinstance(root, dict):
        raise DataFormatError(f"{path}: top level is a {type(root).__name__}; expected SQuAD v1.1 form {SQUAD_SHAPE}")
    examples: list[QAExample] = []
    for a, article in enumerate(_need(root, "data", list, path, "top level")):
        where_a = f"data[{a}]"
        title = article.get("title", "") if isinstance(article, dict) else ""
        for p, paragraph in enumerate(_need(article, "paragraphs", list, path, where_a)):
            where_p = f"{where_a}.paragraphs[{p}]"
            context = _need(paragraph, "context", str, path, where_p)
            for q, qa in enumerate(_need(paragraph, "qas", list, path, where_p)):
                where_q = f"{where_p}.qas[{q}]"
                qid = _need(qa, "id", str, path, where_q)
                question = _need(qa, "question", str, path, where_q)
                answers = []
                for n, answer in enumerate(_need(qa, "answers", list, path, where_q)):
                    where_n = f"{where_q}.answers[{n}]"
                    answers.append(
                        Answer(
                            text=_need(answer, "text", str, path, where_n),
                            start=_need(answer, "answer_start", int, path, where_n),
                        )
                    )
                if all(not answer.text for answer in answers):
                    answers = []  # the benchmark's placeholder for removed test labels
                examples.append(
                    QAExample(
                        id=qid,
                        question=question,
                        context=context,
                        answers=tuple(answers),
                        language=language,
                        title=title if isinstance(title, str) else "",
                    )
                )
    if not examples:
        raise DataFormatError(f"{path}: holds no questions; expected SQuAD v1.1 form {SQUAD_SHAPE}")
    return examples
