"""Strict readers for the public XTREME submission layout (``{task}/test-{lang}.{ext}``).

They accept every file the reference scorer scores correctly and refuse, with file, line and reason,
the files it mis-scores silently or crashes on:

* label-per-line files (xnli, pawsx, tatoeba, bucc2018): no blank lines anywhere; the reference reads a
  trailing blank line as one more example (and counts two blank lines as a correct prediction);
* tag files (udpos, panx): one tag a line, exactly one blank line between sentences; a file may end with
  one blank line. Blank-line runs make empty sentences there, which shift every later sentence;
* Tatoeba indices and the numbers in BUCC ids: ASCII digits only. The reference compares them as text, so
  ``٣٦٧``, ``+5`` or ``07`` would silently never match a gold ``367``, ``5`` or ``7``;
* QA files: a JSON object; predictions map question ids to answer strings, gold is SQuAD v1.1 form with
  at least one non-empty answer per question and at least one question;
* labels and tags (xnli, pawsx, udpos, panx): one of the task's closed set (closed_set_problem, shared with
  the data readers); anything else (``ENTAILMENT``, ``0``, ``o``, ``token<TAB>tag``) would only count as wrong;
* every file: a regular file, reached without following links inside the folder given (see
  evaluators.safe_files), UTF-8 without a byte-order mark (a BOM would become part of the first label) and
  without NUL bytes (UTF-16 text without a BOM decodes as UTF-8 full of them), not empty or blank (a
  gold file with nothing in it would score 0 instead of being an error). The one
  exception is a BUCC prediction file, where empty means that nothing was mined.

Line ends are read as the reference reads them (Python text mode, universal newlines): ``\\n``, ``\\r\\n``
and a lone ``\\r`` all end a line, so a file saved with any of them scores the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from evaluators.errors import InputFileError, quote
from evaluators.json_input import JsonDocument, parse_json
from evaluators.safe_files import read_input_bytes
from evaluators.squad_form import SQUAD_SHAPE, squad_questions

BOM = b"\xef\xbb\xbf"
Root = str | os.PathLike | None


def _universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line (any line end) holding byte ``offset`` of ``data``."""
    return _universal_newlines(data[:offset].decode("utf-8", errors="replace")).count("\n") + 1


def read_text(path: str | os.PathLike, expected: str, *, root: Root = None, allow_blank: bool = False) -> str:
    """The file's text with every line end turned into ``\\n``; ``expected`` says what the file should hold.

    ``root`` is the folder the user named (see evaluators.safe_files: no link below it is followed).
    A blank file is an error unless ``allow_blank``.
    """
    data = read_input_bytes(path, expected, root=root)
    if data.startswith(BOM):
        raise InputFileError(path, 1, "starts with a UTF-8 byte-order mark: save the file as UTF-8 without BOM")
    nul = data.find(b"\x00")
    if nul >= 0:  # valid UTF-8, but no label, tag, id or JSON holds one: UTF-16 text, or a damaged file
        raise InputFileError(
            path, None, f"NUL byte at line {_line_at(data, nul)}: is this file UTF-16? expected UTF-8 text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError(
            path, _line_at(data, err.start), f"not valid UTF-8 (byte {err.start}): {err.reason}"
        ) from None
    if not text.strip() and not allow_blank:
        raise InputFileError(path, None, f"empty file: expected {expected}")
    return _universal_newlines(text)


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not a line of its own
    return lines


def _label_lines(path, lines: list[str], expected: str) -> list[str]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            trailing = all(not rest.strip() for rest in lines[number - 1 :])
            problem = (
                "trailing blank line: the reference scorer counts it as one more example; remove it"
                if trailing
                else f"blank line where {expected} was expected"
            )
            raise InputFileError(path, number, problem)
    return lines


def read_label_lines(path: str | os.PathLike, expected: str = "one label a line", *, root: Root = None,
                     strip: bool = True) -> list[str]:
    """One value a line (stripped, as the reference strips, unless ``strip`` is false); any blank line is an error."""
    lines = _label_lines(path, _lines(read_text(path, expected, root=root)), expected)
    return [line.strip() for line in lines] if strip else lines


def closed_set_problem(value: str, task: str, labels: Sequence[str], kind: str = "label") -> str | None:
    """Why ``value`` is not a ``task`` label (``kind``: "label" or "tag"), or None when it is one.

    The one rule for predictions, gold labels and data files: a value outside the task's closed set would
    only ever count as wrong (or, in gold, make every prediction wrong), so it is refused, not scored.
    """
    if value in labels:
        return None
    problem = f"{kind} {quote(value)} is not one of {task}'s {kind}s ({', '.join(labels)})"
    folded = [label for label in labels if label.lower() == value.lower()]
    if "\t" in value:
        layout = "token<TAB>tag" if kind == "tag" else f"{value.count(chr(9)) + 1} tab-separated fields"
        problem += f"; expected the {kind} alone on its line, not {layout}"
    elif folded:
        problem += f"; did you mean {folded[0]!r}? {kind}s are case-sensitive"
    elif value.isascii() and value.isdigit() and not any(label.isdigit() for label in labels):
        problem += f"; write the {kind} names, not class numbers"
    return problem


def check_closed_set(path: str | os.PathLike, values: Iterable[tuple[int, str]], task: str,
                     labels: Sequence[str], kind: str = "label") -> None:
    """InputFileError at the first ``(line, value)`` that is not one of ``labels`` (see closed_set_problem)."""
    for line, value in values:
        problem = closed_set_problem(value, task, labels, kind)
        if problem:
            raise InputFileError(path, line, problem)


def read_tag_sentences(path: str | os.PathLike, *, root: Root = None) -> tuple[list[list[str]], list[int]]:
    """Sentences of tags and the line number where each sentence starts."""
    lines = _lines(read_text(path, "one tag a line, a blank line between sentences", root=root))
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


def load_json(path: str | os.PathLike, expected: str, *, root: Root = None) -> JsonDocument:
    """The parsed file, ready to point structure errors at lines (see evaluators.json_input)."""
    return parse_json(path, read_text(path, expected, root=root), expected)


def read_qa_predictions(path: str | os.PathLike, *, root: Root = None) -> dict[str, str]:
    """``{question id: answer text}``; every answer must be a string."""
    expected = "a JSON object mapping question ids to answer strings"
    doc = load_json(path, expected, root=root)
    if not isinstance(doc.value, dict):
        raise InputFileError(path, 1, f"found a JSON {type(doc.value).__name__}; expected {expected}")
    for qid, answer in doc.value.items():
        if not isinstance(answer, str):
            raise InputFileError(
                path, doc.line_of((qid,)),
                f"answer for question {quote(qid)} is a JSON {type(answer).__name__}; expected a string "
                "(write \"\" for no answer)",
            )
    return doc.value


def read_qa_gold(path: str | os.PathLike, *, root: Root = None) -> dict[str, list[str]]:
    """``{question id: [gold answer texts]}`` from SQuAD v1.1 JSON (``{"data": [...]}``), as the reference reads it."""
    expected = f"SQuAD v1.1 JSON: {SQUAD_SHAPE}"
    doc = load_json(path, expected, root=root)
    answers: dict[str, list[str]] = {}
    for question in squad_questions(doc, answer_start_required=False):
        qid = question.id
        texts = [text for text, _ in question.answers]
        if not texts:
            raise doc.error(
                question.keys, f"gold question {quote(qid)} has no answers; every gold question needs at least one"
            )
        if not any(text.strip() for text in texts):
            raise doc.error(
                question.keys,
                f"gold question {quote(qid)} has only empty answers, the placeholder of unlabelled test data; "
                "score against the labelled file",
            )
        if qid in answers:
            raise doc.error(question.keys, f"question id {quote(qid)} appears twice")
        answers[qid] = texts
    if not answers:
        raise InputFileError(path, None, f"holds no questions: gold labels need at least one; expected {expected}")
    return answers


_BUCC_ID = re.compile(r"([a-z]+)-([0-9]+)")  # [0-9], not \d: only ASCII digits


def _check_bucc_id(path, number: int, value: str, side: str, language: str | None) -> None:
    match = _BUCC_ID.fullmatch(value)
    prefix = language or "xx"
    if not match or (language is not None and match.group(1) != language):
        raise InputFileError(
            path, number,
            f"{side} id {quote(value)}: expected '{prefix}-' followed by ASCII digits 0-9 (e.g. '{prefix}-000000042')",
        )


def read_id_pairs(path: str | os.PathLike, *, root: Root = None, gold: bool = False,
                  language: str | None = None) -> list[tuple[str, str]]:
    """BUCC pairs: ``source id<TAB>target id`` a line (source ``{language}-<digits>``, target ``en-<digits>``).

    An empty prediction file is no pairs (nothing was mined); an empty ``gold`` file is an error.
    """
    expected = "one 'source id<TAB>target id' a line"
    text = read_text(path, expected, root=root, allow_blank=not gold)
    if not text.strip():
        return []
    pairs = []
    for number, line in enumerate(_label_lines(path, _lines(text), expected), start=1):
        fields = line.strip().split("\t")
        if len(fields) != 2 or not all(fields):
            raise InputFileError(
                path, number, f"expected 'source id<TAB>target id', got {len(fields)} tab-separated field(s)"
            )
        _check_bucc_id(path, number, fields[0], "source", language)
        _check_bucc_id(path, number, fields[1], "target", None if language is None else "en")
        pairs.append((fields[0], fields[1]))
    return pairs


ASCII_INDEX = re.compile(r"0|[1-9][0-9]*")  # a line number as the reference writes it: no sign, spaces or padding
INDEX_FORM = "a non-negative integer in ASCII digits 0-9 (no sign, spaces or leading zeros)"


def read_indices(path: str | os.PathLike, *, root: Root = None) -> list[str]:
    """Tatoeba: one non-negative integer (a line number of the English side) a line, kept as text."""
    values = read_label_lines(path, "one integer a line", root=root, strip=False)
    for number, value in enumerate(values, start=1):
        if not ASCII_INDEX.fullmatch(value):
            raise InputFileError(path, number, f"expected {INDEX_FORM}, got {quote(value)}")
    return values
