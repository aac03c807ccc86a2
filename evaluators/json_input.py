"""Parsing JSON input files so that every failure names the file, the line and (for structure) the JSON path.

``json.loads`` fails in more ways than ``JSONDecodeError``: an integer longer than Python's limit for
integer strings (4300 digits) raises a bare ValueError without a position, and deep nesting raises
RecursionError. Both become InputFileError here, the first with the line of the integer. A key given twice
in one object, which ``json.loads`` resolves silently by keeping the last (``{"data": [], "data": [...]}``),
is an InputFileError with the line of the second.

Structure errors found after parsing (a list where a string belongs, a missing key) are raised through
:meth:`JsonDocument.error`, which finds the line of the offending value by parsing the text once more with
a position-recording decoder. That second parse runs only on the error path, so reading stays fast.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import os
import sys
from collections.abc import Sequence

from evaluators.errors import InputFileError, quote

Keys = Sequence[str | int]  # a JSON path: object keys and array indices, from the top


def json_path(keys: Keys) -> str:
    """``("data", 0, "paragraphs", 2)`` -> ``data[0].paragraphs[2]``."""
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


class _HugeInteger(Exception):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _parse_int(digits: str) -> int:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise _HugeInteger(digits)
    return int(digits)


class DuplicateKeyError(ValueError):
    """A JSON object that gives one key twice (``unique_keys`` raises it)."""

    def __init__(self, key: str, offset: int | None = None):
        super().__init__(f"key {key!r} given twice in one object")
        self.key = key
        self.offset = offset  # where the second value starts, when known


def unique_keys(pairs: list) -> dict:
    """``object_pairs_hook``: a dict, refusing a key given twice (``json.loads`` would keep the last silently)."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise DuplicateKeyError(_first_repeat(pairs)[1])
    return value


def _first_repeat(pairs: list) -> tuple[int, str]:
    """Index and key of the first pair whose key came before."""
    seen = set()
    for index, (key, _) in enumerate(pairs):
        if key in seen:
            return index, key
        seen.add(key)
    raise AssertionError("no repeated key")


class _LocatedDict(dict):
    """A parsed object that remembers where it and each of its values start in the text."""

    offset: int
    starts: dict


class _LocatedList(list):
    offset: int
    starts: list


def _recording(scan_once, starts: list):
    def scan(string, index):
        starts.append(index)
        return scan_once(string, index)
    return scan


def _locating_decoder() -> json.JSONDecoder:
    """A decoder whose objects and arrays carry the text offsets of their values (pure Python, slow)."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        starts: list[int] = []
        pairs, end = json.decoder.JSONObject(s_and_end, strict, _recording(scan_once, starts), None, list, memo)
        located = _LocatedDict(pairs)
        if len(located) != len(pairs):
            index, key = _first_repeat(pairs)
            raise DuplicateKeyError(key, starts[index])
        located.offset = s_and_end[1] - 1
        located.starts = {key: start for (key, _), start in zip(pairs, starts)}
        return located, end

    def parse_array(s_and_end, scan_once):
        starts: list[int] = []
        values, end = json.decoder.JSONArray(s_and_end, _recording(scan_once, starts))
        located = _LocatedList(values)
        located.offset = s_and_end[1] - 1
        located.starts = starts
        return located, end

    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder


class JsonDocument:
    """A parsed JSON file: ``value``, plus what is needed to point at a line in it."""

    def __init__(self, path: str | os.PathLike, text: str, value):
        self.path = os.fspath(path)
        self.text = text
        self.value = value

    def line_of(self, keys: Keys) -> int | None:
        """The line where the value at ``keys`` starts (or its nearest existing container)."""
        try:
            node = _locating_decoder().decode(self.text)
        except (RecursionError, ValueError):
            return None
        offset = getattr(node, "offset", len(self.text) - len(self.text.lstrip()))
        for key in keys:
            if isinstance(node, _LocatedDict) and isinstance(key, str) and key in node:
                offset, node = node.starts[key], node[key]
            elif isinstance(node, _LocatedList) and isinstance(key, int) and 0 <= key < len(node):
                offset, node = node.starts[key], node[key]
            else:
                break
        return self.text.count("\n", 0, offset) + 1

    def error(self, keys: Keys, problem: str) -> InputFileError:
        """InputFileError at the line of ``keys``, the message led by the JSON path (none for the top level)."""
        if not keys:
            return InputFileError(self.path, None, problem)
        return InputFileError(self.path, self.line_of(keys), f"{json_path(keys)}: {problem}")


def _duplicate_line(text: str) -> int | None:
    """The line of the second value of the first repeated key (error path only: a slow, locating parse)."""
    try:
        _locating_decoder().decode(text)
    except DuplicateKeyError as err:
        return text.count("\n", 0, err.offset) + 1
    except (RecursionError, ValueError):
        pass
    return None


def parse_json(path: str | os.PathLike, text: str, expected: str) -> JsonDocument:
    """Parse ``text`` (the content of ``path``); InputFileError with the line for anything unparsable."""
    try:
        return JsonDocument(path, text, json.loads(text, parse_int=_parse_int, object_pairs_hook=unique_keys))
    except json.JSONDecodeError as err:
        raise InputFileError(path, err.lineno, f"not valid JSON ({err.msg}); expected {expected}") from None
    except _HugeInteger as err:
        index = text.find(err.digits)
        line = text.count("\n", 0, index) + 1 if index >= 0 else None
        raise InputFileError(
            path, line, f"an integer of {len(err.digits.lstrip('-'))} digits, too long to be a count, an offset "
            f"or an id; expected {expected}",
        ) from None
    except DuplicateKeyError as err:
        raise InputFileError(
            path, _duplicate_line(text),
            f"key {quote(err.key)} appears twice in one JSON object (a JSON reader keeps only the last, silently "
            f"dropping the first); expected {expected}",
        ) from None
    except RecursionError:
        raise InputFileError(
            path, None,
            f"JSON nested too deeply to read (more than {sys.getrecursionlimit()} levels); expected {expected}",
        ) from None
    except ValueError as err:  # any other conversion failure inside the parser
        raise InputFileError(path, None, f"not valid JSON ({err}); expected {expected}") from None
