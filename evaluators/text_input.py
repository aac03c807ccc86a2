"""The one strict reader of text input files: submissions, gold labels and benchmark data alike.

Both layers read through here (the scorer's submission readers in evaluators, the data readers in
harness_tasks.readers), so a file is accepted or refused by the same rules wherever it is read:

* a regular file, reached without following links inside the folder the user gave (evaluators.safe_files);
* UTF-8 without a byte-order mark (a BOM would become part of the first label or token) and without NUL
  bytes (UTF-16 text without a BOM decodes as UTF-8 full of them);
* not empty or blank, unless the caller says blank means "nothing" (a BUCC prediction file);
* line ends read as Python's text mode reads them (universal newlines): ``\\n``, ``\\r\\n`` and a lone
  ``\\r`` all end a line, so a file saved with any of them reads the same;
* a label or tag is one of its task's closed set (:func:`closed_set_problem`), and a line number is ASCII
  digits (``ASCII_INDEX``): values compared as text would otherwise silently never match.

Every refusal is an :class:`evaluators.errors.InputFileError` (``path:line: problem``); the data readers'
DataFormatError and MissingDataError are subclasses of it (harness_tasks.readers.errors), so one
``except InputFileError`` catches a bad input file wherever it was read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from evaluators.errors import InputFileError, quote
from evaluators.json_input import JsonDocument, parse_json
from evaluators.safe_files import read_input_bytes

BOM = b"\xef\xbb\xbf"
Root = str | os.PathLike | None

ASCII_INDEX = re.compile(r"0|[1-9][0-9]*")  # a line number as the reference writes it: no sign, spaces or padding
INDEX_FORM = "a non-negative integer in ASCII digits 0-9 (no sign, spaces or leading zeros)"


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
    if nul >= 0:  # valid UTF-8, but no label, tag, id, sentence or JSON holds one: UTF-16 text, or a damaged file
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


def split_lines(text: str) -> list[str]:
    """The lines of a text from :func:`read_text`; a final newline ends the last line, it is not one more."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load_json(path: str | os.PathLike, expected: str, *, root: Root = None) -> JsonDocument:
    """The parsed file, ready to point structure errors at lines (see evaluators.json_input)."""
    return parse_json(path, read_text(path, expected, root=root), expected)


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
