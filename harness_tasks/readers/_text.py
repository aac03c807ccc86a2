"""Reading text files strictly: UTF-8, no byte-order mark, not empty. Shared by every text reader."""

from __future__ import annotations

from pathlib import Path

from evaluators.errors import InputFileError
from evaluators.submission_files import read_text as strict_read_text

from .errors import DataFormatError, MissingDataError


def require_file(path: Path, layout: str) -> Path:
    """Return ``path`` if it is a file; otherwise raise MissingDataError naming it and the layout expected."""
    if not path.is_file():
        raise MissingDataError(f"{path}: no such file; expected {layout}")
    return path


def read_text(path: Path, expected: str) -> str:
    """The whole file as text, after checking it is valid UTF-8, has no BOM and is not empty.

    ``expected`` describes the content (used in the messages), e.g. "lines of sentence1<TAB>sentence2<TAB>label".
    Line endings are normalised to "\\n" (files written on Windows read the same). The checks are the
    scoring layer's (one strict reader for data and submissions); only the exception type differs.
    """
    try:
        text = strict_read_text(path, expected)
    except InputFileError as err:
        if not Path(path).is_file():
            raise MissingDataError(str(err)) from None
        raise DataFormatError(str(err)) from None
    return text.replace("\r\n", "\n")


def read_lines(path: Path, expected: str) -> list[str]:
    """The file's lines without their line ends (a final newline does not make an extra empty line)."""
    text = read_text(path, expected)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
