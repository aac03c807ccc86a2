"""Reading data files strictly, through the scoring layer's one safe reader, with the readers' error types.

Every check lives in evaluators (safe_files: no links below the data folder, no pipes or devices, nothing
read before the checks; submission_files.read_text: UTF-8 without BOM, not empty, universal newlines;
json_input: JSON errors with lines). This module only turns their InputFileError into MissingDataError
(nothing there) or DataFormatError (anything else), so that callers catch the readers' two types.

``root`` is the data folder the user gave (``--data DIR``): it may itself be a link, nothing below it may.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluators import submission_files
from evaluators.errors import InputFileError, MissingInputFile
from evaluators.json_input import JsonDocument
from evaluators.safe_files import check_input_file, entry_present

from .errors import DataFormatError, MissingDataError


@contextmanager
def reader_errors() -> Iterator[None]:
    """Re-raise the scoring layer's InputFileError as MissingDataError / DataFormatError, message unchanged."""
    try:
        yield
    except MissingInputFile as err:
        raise MissingDataError(str(err)) from None
    except InputFileError as err:
        raise DataFormatError(str(err)) from None


def present(path: Path, root: Path | None = None) -> bool:
    """Whether anything is at ``path`` (a link or a pipe too: reading it then says why it is refused)."""
    with reader_errors():
        return entry_present(path, root=root)


def require_file(path: Path, layout: str, root: Path | None = None) -> Path:
    """Return ``path`` if something is there; otherwise raise MissingDataError naming it and the layout expected."""
    if not present(path, root):
        raise MissingDataError(f"{path}: no such file; expected {layout}")
    return path


def check_file(path: Path, expected: str, root: Path | None = None) -> None:
    """Refuse ``path`` unless it is a regular file reached without links below ``root`` (for files a library opens)."""
    with reader_errors():
        check_input_file(path, expected, root=root)


def read_text(path: Path, expected: str, root: Path | None = None) -> str:
    """The whole file as text, after checking it is valid UTF-8, has no BOM and is not empty.

    ``expected`` describes the content (used in the messages), e.g. "lines of sentence1<TAB>sentence2<TAB>label".
    Line ends are read as Python's text mode reads them: ``\\r\\n`` and a lone ``\\r`` become ``\\n``.
    """
    with reader_errors():
        return submission_files.read_text(path, expected, root=root)


def read_json(path: Path, expected: str, root: Path | None = None) -> JsonDocument:
    """The parsed JSON file; its ``error(keys, problem)`` points at the line of a malformed value."""
    with reader_errors():
        return submission_files.load_json(path, expected, root=root)


def read_lines(path: Path, expected: str, root: Path | None = None) -> list[str]:
    """The file's lines without their line ends (a final newline does not make an extra empty line)."""
    text = read_text(path, expected, root)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
