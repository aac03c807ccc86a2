"""Reading text files strictly: UTF-8, no byte-order mark, not empty. Shared by every text reader."""

from __future__ import annotations

from pathlib import Path

from .errors import DataFormatError, MissingDataError


def require_file(path: Path, layout: str) -> Path:
    """Return ``path`` if it is a file; otherwise raise MissingDataError naming it and the layout expected."""
    if not path.is_file():
        raise MissingDataError(f"{path}: no such file; expected {layout}")
    return path


def read_text(path: Path, expected: str) -> str:
    """The whole file as text, after checking it is valid UTF-8, has no BOM and is not empty.

    ``expected`` describes the content (used in the messages), e.g. "lines of sentence1<TAB>sentence2<TAB>label".
    Line endings are normalised to "\\n" (files written on Windows read the same).
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        # A BOM would silently become part of the first token or id and never match gold.
        raise DataFormatError(
            f"{path}:1: starts with a UTF-8 byte-order mark (U+FEFF); expected plain UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DataFormatError(f"{path}:{line}: not valid UTF-8 ({err.reason}); expected UTF-8 text") from None
    if not text.strip():
        raise DataFormatError(f"{path}: file is empty; expected {expected}")
    return text.replace("\r\n", "\n")


def read_lines(path: Path, expected: str) -> list[str]:
    """The file's lines without their line ends (a final newline does not make an extra empty line)."""
    text = read_text(path, expected)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
