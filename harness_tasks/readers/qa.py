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

from pathlib import Path

from evaluators.squad_form import SQUAD_SHAPE, field, squad_questions
from harness_tasks.records import Answer, QAExample

from ._text import read_json, reader_errors
from .errors import DataFormatError


def read_squad_json(path: Path, *, language: str, root: Path | None = None) -> list[QAExample]:
    """Read one SQuAD-form file into QAExample records, in file order; ``root``: the data folder it is in.

    Structure errors name the file, the line and the JSON path (``data[0].paragraphs[2].qas[1].id``).
    """
    doc = read_json(path, f"SQuAD v1.1 JSON {SQUAD_SHAPE}", root)
    examples: list[QAExample] = []
    with reader_errors():
        for question in squad_questions(doc):
            title = question.article.get("title", "")
            context = field(doc, question.paragraph, question.paragraph_keys, "context", str)
            answers = [Answer(text=text, start=start) for text, start in question.answers]
            if all(not answer.text for answer in answers):
                answers = []  # the benchmark's placeholder for removed test labels
            examples.append(
                QAExample(
                    id=question.id,
                    question=field(doc, question.qa, question.keys, "question", str),
                    context=context,
                    answers=tuple(answers),
                    language=language,
                    title=title if isinstance(title, str) else "",
                )
            )
    if not examples:
        raise DataFormatError(path, None, f"holds no questions; expected SQuAD v1.1 form {SQUAD_SHAPE}")
    return examples
