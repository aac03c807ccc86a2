"""The one error type for bad scoring input: it names the file, the line and what was expected."""

from __future__ import annotations

import os


def quote(value: str, limit: int = 40) -> str:
    """``repr`` of a value taken from a file, cut short so that a message never carries a whole file."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "..."


class InputFileError(ValueError):
    """A submission or gold file that cannot be scored as it is.

    ``str(err)`` reads ``path:line: problem`` (or ``path: problem`` when no single line is at fault),
    the form editors and CI logs turn into links.
    """

    def __init__(self, path: str | os.PathLike, line: int | None, problem: str):
        self.path = os.fspath(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class MissingInputFile(InputFileError):
    """The file (or a folder on its path) is not there at all.

    A separate type so that the data readers can report it as ``MissingDataError`` and everything else
    (a link, a folder, a pipe, bad content) as ``DataFormatError``, without looking at the disk again.
    """
