"""Strict readers for the public XTREME submission layout (``{task}/test-{lang}.{ext}``).

They accept every file the reference scorer scores correctly and refuse, with file, line and reason,
the files it mis-scores silently or crashes on:

* label-per-line files (xnli, pawsx, tatoeba, bucc2018): no blank lines anywhere; the reference reads a
  trailing blank line as one more example (and counts two blank lines as a correct prediction);
* tag files (udpos, panx): one tag a line, exactly one blank line between sentences; a file may end with
  one blank line. Blank-line runs make empty sentences there, which shift every later sentence;
* QA files: a JSON object; predictions map question ids to answer strings, gold is SQuAD v1.1 form with
  at least one answer per question;
* every file: UTF-8 without a byte-order mark (a BOM would become part of the first label), not empty.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from evaluators.errors import InputFileError

BOM = b"\xef\xbb\xbf"


def read_text(path: str | os.PathLike, expected: str) -> str:
    """The file's text; ``expected`` says what the file should hold, for the missing-file message."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, None, f"missing file: expected {expected}")
    data = path.read_bytes()
    if data.startswith(BOM):
        raise InputFileError(path, 1, "starts with a UTF-8 byte-order mark: save the file as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputFileError(path, line, f"not valid UTF-8 (byte {err.start}): {err.reason}") from None
    if not text.strip():
        raise InputFileError(path, None, f"empty file: expected {expected}")
    return text


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not a line of its own
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_label_lines(path: str | os.PathLike, expected: str = "one label a line") -> list[str]:
    """One stripped value a line; any blank line is an error."""
    lines = _lines(read_text(path, expected))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            trailing = all(not rest.strip() for rest in lines[number - 1 :])
            problem = (
                "trailing blank line: the reference scorer counts it as one more example; remove it"
                if trailing
                else f"blank line where {expected} was expected"
            )
            raise InputFileError(path, number, problem)
    return [line.strip() for line in lines]


def read_tag_sentences(path: str | os.PathLike) -> tuple[list[list[str]], list[int]]:
    """Sentences of tags and the line number where each sentence starts."""
    lines = _lines(read_text(path, "one tag a line, a blank line between sentences"))
    sentences: list[list[str]] = []
    starts: list[int] = []
    current: list[str] = []
    for number, line in enumerate(lines, start=1):
        tag = line.strip()
        if tag:
            if not current:
                starts.append(number)
            current.append(tag)
            continue
        if not current:
            where = "at the start of the file" if number == 1 else "after another blank line"
            raise InputFileError(
                path, number,
                f"blank line {where}: an empty sentence, which shifts every later sentence; "
                "separate sentences with exactly one blank line",
            )
        sentences.append(current)
        current = []
    if current:
        sentences.append(current)
    return sentences, starts


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1


def _load_json(path: str | os.PathLike, expected: str) -> tuple[object, str]:
    text = read_text(path, expected)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as err:
        raise InputFileError(path, err.lineno, f"not valid JSON ({err.msg}); expected {expected}") from None


def read_qa_predictions(path: str | os.PathLike) -> dict[str, str]:
    """``{question id: answer text}``; every answer must be a string."""
    expected = "a JSON object mapping question ids to answer strings"
    obj, text = _load_json(path, expected)
    if not isinstance(obj, dict):
        raise InputFileError(path, 1, f"found a JSON {type(obj).__name__}; expected {expected}")
    for qid, answer in obj.items():
        if not isinstance(answer, str):
            raise InputFileError(
                path, _line_of(text, json.dumps(qid)),
                f"answer for question {qid!r} is a JSON {type(answer).__name__}; expected a string "
                "(write \"\" for no answer)",
            )
    return obj


def read_qa_gold(path: str | os.PathLike) -> dict[str, list[str]]:
    """``{question id: [gold answer texts]}`` from SQuAD v1.1 JSON (``{"data": [...]}`` or the list)."""
    expected = 'SQuAD v1.1 JSON: {"data": [{"paragraphs": [{"qas": [{"id", "answers"}]}]}]}'
    obj, text = _load_json(path, expected)
    articles = obj.get("data") if isinstance(obj, dict) else obj
    if not isinstance(articles, list):
        raise InputFileError(path, 1, f"expected {expected}")
    answers: dict[str, list[str]] = {}
    try:
        for article in articles:
            for paragraph in article["paragraphs"]:
                for qa in paragraph["qas"]:
                    qid = qa["id"]
                    texts = [answer["text"] for answer in qa.get("answers", [])]
                    if not texts:
                        raise InputFileError(
                            path, _line_of(text, json.dumps(qid)),
                            f"gold question {qid!r} has no answers; every gold question needs at least one",
                        )
                    if qid in answers:
                        raise InputFileError(path, _line_of(text, json.dumps(qid)), f"question id {qid!r} appears twice")
                    answers[qid] = texts
    except (KeyError, TypeError) as err:
        raise InputFileError(path, None, f"missing or malformed field {err}; expected {expected}") from None
    return answers


def read_id_pairs(path: str | os.PathLike) -> list[tuple[str, str]]:
    """BUCC pairs: ``source id<TAB>target id`` a line. An empty file is no pairs (nothing was mined)."""
    if Path(path).is_file() and not Path(path).read_bytes().strip():
        return []
    pairs = []
    for number, line in enumerate(read_label_lines(path, "one 'source id<TAB>target id' a line"), start=1):
        fields = line.split("\t")
        if len(fields) != 2 or not all(fields):
            raise InputFileError(
                path, number, f"expected 'source id<TAB>target id', got {len(fields)} tab-separated field(s)"
            )
        pairs.append((fields[0], fields[1]))
    return pairs


_INTEGER = re.compile(r"\d+")


def read_indices(path: str | os.PathLike) -> list[str]:
    """Tatoeba: one non-negative integer (a line number of the English side) a line, kept as text."""
    values = read_label_lines(path, "one integer a line")
    for number, value in enumerate(values, start=1):
        if not _INTEGER.fullmatch(value):
            raise InputFileError(path, number, f"expected a non-negative integer, got {value!r}")
    return values
