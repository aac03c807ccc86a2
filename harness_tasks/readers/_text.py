"""Reading data files strictly, through the one strict text reader, raising the readers' error types.

Every check lives in evaluators' neutral input modules (safe_files: no links below the data folder, no
pipes or devices, nothing read before the checks; text_input: UTF-8 without BOM or NUL, not empty,
universal newlines; json_input: JSON errors with lines). Their InputFileError becomes MissingDataError
(nothing there) or DataFormatError (anything else), both subclasses of it, with path, line and problem
unchanged, so that callers of the readers can tell absent data from malformed data.

``root`` is the data folder the user gave (``--data DIR``): it may itself be a link, nothing below it may.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluators import text_input
from evaluators.errors import InputFileError, MissingInputFile
from evaluators.json_input import JsonDocument
from evaluators.safe_files import check_input_file, entry_present

from .errors import DataFormatError, MissingDataError


@contextmanager
def reader_errors() -> Iterator[None]:
    """Re-raise a plain InputFileError as MissingDataError / DataFormatError, path, line and problem unchanged."""
    try:
        yield
    except (DataFormatError, MissingDataError):
        raise
    except MissingInputFile as err:
        raise MissingDataError(err.path, err.line, err.problem) from None
    except InputFileError as err:
        raise DataFormatError(err.path, err.line, err.problem) from None


def present(path: Path, root: Path | None = None) -> bool:
    """Whether anything is at ``path`` (a link or a pipe too: reading it then says why it is refused)."""
    with reader_errors():
        return entry_present(path, root=root)


def require_file(path: Path, layout: str, root: Path | None = None) -> Path:
    """Return ``path`` if something is there; otherwise raise MissingDataError naming it and the layout expected."""
    if not present(path, root):
        raise MissingDataError(path, None, f"no such file; expected {layout}")
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
        return text_input.read_text(path, expected, root=root)


def read_json(path: Path, expected: str, root: Path | None = None) -> JsonDocument:
    """The parsed JSON file; its ``error(keys, problem)`` points at the line of a malformed value."""
    with reader_errors():
        return text_input.load_json(path, expected, root=root)


def read_lines(path: Path, expected: str, root: Path | None = None) -> list[str]:
    """The file's lines without their line ends (a final newline does not make an extra empty line)."""
    return text_input.split_lines(read_text(path, expected, root))
