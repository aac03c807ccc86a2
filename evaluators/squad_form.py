"""Walking SQuAD v1.1-form JSON (SQuAD, XQuAD, MLQA, TyDiQA-GoldP), checking every field's type on the way.

Shape: ``{"data": [{"title": str (optional), "paragraphs": [{"context": str, "qas": [{"id": str,
"question": str, "answers": [{"text": str, "answer_start": int}, ...]}]}]}], "version": ...}``.

One walker for the submission scorer's gold labels and the data readers' QA files, so that both refuse the
same malformed files with the same messages: ``path:line: data[0].paragraphs[2].qas[1].id: expected str,
got list``. Booleans are not integers here (JSON ``true`` is not an offset), and offsets are never negative.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from evaluators.json_input import JsonDocument, Keys

SQUAD_SHAPE = '{"data": [{"paragraphs": [{"context": ..., "qas": [{"id", "question", "answers"}]}]}]}'

_MISSING = object()


def type_name(value) -> str:
    """The Python type of a parsed JSON value, ``null`` for None (``NoneType`` says nothing to a user)."""
    return "null" if value is None else type(value).__name__


def field(doc: JsonDocument, obj, keys: Keys, key: str, kind: type, *, default=_MISSING):
    """``obj[key]`` (``obj`` found at ``keys``) checked to be a ``kind``; ``default`` when absent, if given."""
    if not isinstance(obj, dict):
        raise doc.error(keys, f"expected an object holding {key!r}, got {type_name(obj)}")
    if key not in obj:
        if default is not _MISSING:
            return default
        raise doc.error(keys, f"missing key {key!r}; expected SQuAD v1.1 form {SQUAD_SHAPE}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise doc.error((*keys, key), f"expected {kind.__name__}, got {type_name(value)}")
    return value


@dataclass(frozen=True)
class SquadQuestion:
    """One question as found in the file, with the JSON paths to point errors at."""

    keys: tuple  # JSON path of the question object
    paragraph_keys: tuple
    id: str
    answers: tuple[tuple[str, int | None], ...]  # (text, answer_start); start None when absent and optional
    article: dict
    paragraph: dict
    qa: dict


def squad_questions(doc: JsonDocument, *, answer_start_required: bool = True) -> Iterator[SquadQuestion]:
    """Every question of a SQuAD-form document, in file order; InputFileError at the first malformed field.

    The reference scorer ignores ``answer_start``; gold labels may therefore omit it
    (``answer_start_required=False``), but where it is present it must be a non-negative integer.
    """
    if not isinstance(doc.value, dict):
        name = type_name(doc.value)
        kind = name if name == "null" else f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
        raise doc.error((), f"top level is {kind}; expected SQuAD v1.1 form {SQUAD_SHAPE}")
    for a, article in enumerate(field(doc, doc.value, (), "data", list)):
        article_keys = ("data", a)
        for p, paragraph in enumerate(field(doc, article, article_keys, "paragraphs", list)):
            paragraph_keys = (*article_keys, "paragraphs", p)
            for q, qa in enumerate(field(doc, paragraph, paragraph_keys, "qas", list)):
                keys = (*paragraph_keys, "qas", q)
                qid = field(doc, qa, keys, "id", str)
                answers = []
                for n, answer in enumerate(field(doc, qa, keys, "answers", list)):
                    answer_keys = (*keys, "answers", n)
                    text = field(doc, answer, answer_keys, "text", str)
                    start = field(doc, answer, answer_keys, "answer_start", int,
                                  **({} if answer_start_required else {"default": None}))
                    if start is not None and start < 0:
                        raise doc.error((*answer_keys, "answer_start"), f"expected a non-negative offset, got {start}")
                    answers.append((text, start))
                yield SquadQuestion(keys, paragraph_keys, qid, tuple(answers), article, paragraph, qa)
