"""JSON Lines data files (XCOPA, COPA, SocialIQA, Mewsli-X), read one line at a time and checked field by field.

The file is opened as every data file is (evaluators.safe_files: a regular file, no link below the data
folder), but decoded line by line rather than as one string: Mewsli-X's candidate set is about a million
lines, and one decoded string of it can take four bytes a character. Each line must be UTF-8 holding one
JSON value (a byte-order mark, a NUL byte or a repeated key fails the JSON parse, evaluators.json_input);
a blank line anywhere is refused (the benchmark's own loaders fail on one). ``\\r\\n`` line ends read as
``\\n``.

:class:`JsonLine` checks the fields of one parsed line, so that every refusal reads
``path:line: key.path: what was expected``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from evaluators.errors import InputFileError, quote
from evaluators.json_input import json_path, parse_json
from evaluators.safe_files import read_input_bytes
from evaluators.squad_form import type_name

from ._text import reader_errors
from .errors import DataFormatError

_MISSING = object()
_KIND_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "an object", bool: "true or false"}


class JsonLine:
    """One line of a JSON Lines file, parsed: ``value``, and where it is for messages."""

    def __init__(self, path: str | os.PathLike, number: int, value, expected: str):
        self.path = os.fspath(path)
        self.number = number
        self.value = value
        self.expected = expected

    def error(self, keys: tuple, problem: str) -> DataFormatError:
        """DataFormatError at this line; the problem is led by the JSON path of ``keys`` when there is one."""
        where = json_path(keys)
        return DataFormatError(self.path, self.number, f"{where}: {problem}" if where else problem)

    def object_at(self, keys: tuple) -> dict:
        """The object at ``keys`` (object keys and list indices from the top), checked step by step."""
        node = self.value
        for depth, step in enumerate(keys):
            if isinstance(step, str):
                if not isinstance(node, dict):
                    raise self.error(keys[:depth], f"expected an object, got {type_name(node)}")
                if step not in node:
                    raise self.error(keys[:depth], f"missing key {step!r}; expected {self.expected}")
            elif not isinstance(node, list) or not 0 <= step < len(node):
                raise self.error(keys[:depth], f"expected a list of at least {step + 1}, got {type_name(node)}")
            node = node[step]
        if not isinstance(node, dict):
            raise self.error(keys, f"expected an object, got {type_name(node)}")
        return node

    def get(self, keys: tuple, key: str | int, kind: type, *, default=_MISSING):
        """The value at ``(*keys, key)``, checked to be a ``kind`` (JSON true/false is no integer here);
        ``default`` when the key is absent, if given."""
        obj = self.value
        for step in keys:
            obj = obj[step]
        if not isinstance(obj, dict):
            raise self.error(keys, f"expected an object, got {type_name(obj)}; expected {self.expected}")
        if key not in obj:
            if default is not _MISSING:
                return default
            raise self.error(keys, f"missing key {key!r}; expected {self.expected}")
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            shown = quote(value) if isinstance(value, str) else type_name(value)
            raise self.error((*keys, key), f"expected {_KIND_NAMES.get(kind, kind.__name__)}, got {shown}")
        return value

    def text(self, keys: tuple, key: str, *, default=_MISSING) -> str:
        return self.get(keys, key, str, default=default)

    def offsets(self, keys: tuple, key: str, length: int) -> tuple[int, int]:
        """``{"start": s, "end": e}`` at ``(*keys, key)``: a non-empty span ``0 <= s < e <= length``."""
        where = (*keys, key)
        start, end = self.get(where, "start", int), self.get(where, "end", int)
        if not 0 <= start < end <= length:
            raise self.error(where, f"span [{start}:{end}] is not a non-empty span of the {length}-character "
                                    "text it indexes; expected 0 <= start < end <= its length")
        return start, end


def json_lines(path: Path, expected: str, root: Path | None = None) -> Iterator[JsonLine]:
    """Every line of ``path`` parsed, in order; ``expected`` describes a line (used in every message)."""
    with reader_errors():
        data = read_input_bytes(path, expected, root=root)
    if not data.strip():
        raise DataFormatError(path, None, f"empty file: expected {expected}")
    start, number = 0, 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        raw, start, number = data[start:end], end + 1, number + 1
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise DataFormatError(path, number, f"not valid UTF-8 (byte {err.start} of the line): {err.reason}; "
                                                f"expected {expected}") from None
        if not text.strip():
            raise DataFormatError(path, number, f"blank line; expected {expected}, one a line, no blank lines")
        try:
            value = parse_json(path, text, expected).value
        except InputFileError as err:
            raise DataFormatError(path, number, err.problem) from None
        if not isinstance(value, dict):
            raise DataFormatError(path, number, f"found a JSON {type_name(value)}; expected {expected}")
        yield JsonLine(path, number, value, expected)
