"""Opening input files safely: no links followed, no pipes or devices opened, nothing read before the checks.

Every file the project scores or reads as data goes through :func:`read_input_bytes` (or, for files that a
library opens itself, :func:`check_input_file`). The rules, and why:

* Below the folder the user named (``root``: a submission, label or data folder) no symbolic link is
  followed: neither the file nor any folder between ``root`` and the file. A prediction file linked to the
  gold file would otherwise score 100.00, and one linked to a system file would have its content quoted in
  an error message. Links are refused before anything is opened, and the message names the link only.
* ``root`` itself may be a link, and so may the folders above it: that path is the user's own choice
  (``/tmp`` is a link on macOS, data often lives on another disk behind one). With ``root=None`` the
  user named the file itself (a file listed in a training config, say), so that path may be a link too;
  what it leads to must still be a regular file.
* The file must be a regular file. A folder, a named pipe (which would block the reader forever), a
  socket or a device is refused from ``os.lstat`` before it is opened; the file is then opened with
  ``O_NOFOLLOW | O_NONBLOCK`` and checked again with ``fstat``, so a swap between check and open cannot
  slip a link or a pipe in either.

Errors are :class:`InputFileError` naming the offending path (:class:`MissingInputFile` when nothing is
there); the data readers translate them into their own error types.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from evaluators.errors import InputFileError, MissingInputFile

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISREG, "a file"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _link_refusal(link: Path, root: Path | None, what: str) -> InputFileError:
    inside = f"inside {root} " if root is not None else ""
    return InputFileError(
        link, None,
        f"a symbolic link; links {inside}are not followed (a link can point at the gold labels or at a file "
        f"outside the folder): put the real {what} here instead",
    )


def _unreadable(path: Path, err: OSError) -> InputFileError:
    if isinstance(err, PermissionError):
        return InputFileError(path, None, "cannot be read: permission denied; give the user running xtreme read access")
    return InputFileError(path, None, f"cannot be read: {err.strerror or err}")


def _steps(path: Path, root: Path | None) -> list[Path]:
    """The entries to check, from the first one below ``root`` down to ``path`` itself."""
    if root is None:
        return [path]
    parts = path.relative_to(root).parts  # a ValueError here is a caller's bug: path must lie under root
    if ".." in parts:
        raise InputFileError(path, None, f"lies outside {root}; expected a path inside it")
    steps, current = [], root
    for part in parts:
        current = current / part
        steps.append(current)
    return steps


def _lstat(step: Path, path: Path, expected: str, *, follow: bool = False) -> os.stat_result:
    try:
        return os.stat(step) if follow else os.lstat(step)
    except FileNotFoundError:
        raise MissingInputFile(path, None, f"missing file: expected {expected}") from None
    except OSError as err:
        raise _unreadable(step, err) from None


def inspect_path(path: str | os.PathLike, expected: str, *, root: str | os.PathLike | None = None) -> os.stat_result:
    """``os.lstat(path)`` after checking that every entry between ``root`` and ``path`` is a real folder
    (``os.stat(path)``, following a link, when ``root`` is None: the user named that path).

    Raises MissingInputFile when ``path`` (or a folder on the way) does not exist, InputFileError for a
    link on the way or a file where a folder belongs. ``path`` itself may be anything; see the callers.
    """
    path = Path(path)
    root_path = None if root is None else Path(root)
    steps = _steps(path, root_path)
    for step in steps[:-1]:
        mode = _lstat(step, path, expected).st_mode
        if stat.S_ISLNK(mode):
            raise _link_refusal(step, root_path, "folder")
        if not stat.S_ISDIR(mode):
            raise InputFileError(step, None, f"{_kind(mode)} where a folder was expected (on the way to {path})")
    return _lstat(path, path, expected, follow=root_path is None)


def _require_regular(path: Path, mode: int, expected: str, root: Path | None) -> None:
    if stat.S_ISLNK(mode):
        raise _link_refusal(path, root, "file")
    if not stat.S_ISREG(mode):
        raise InputFileError(path, None, f"{_kind(mode)}, not a regular file; expected {expected}")


def check_input_file(path: str | os.PathLike, expected: str, *, root: str | os.PathLike | None = None) -> None:
    """Refuse ``path`` unless it is a regular file reached without links below ``root`` (see module doc)."""
    path, root_path = Path(path), None if root is None else Path(root)
    _require_regular(path, inspect_path(path, expected, root=root_path).st_mode, expected, root_path)


def _open_for_reading(path: Path, follow: bool) -> int:
    # O_NONBLOCK: a pipe swapped in after the checks must not block the open; fstat below refuses it.
    return os.open(path, _OPEN_FLAGS if follow else _OPEN_FLAGS | _NO_FOLLOW)


def read_input_bytes(path: str | os.PathLike, expected: str, *, root: str | os.PathLike | None = None) -> bytes:
    """The bytes of ``path``, a regular file reached without following links below ``root``.

    ``expected`` says what the file should hold; it ends the messages for a missing or wrong-kind file.
    """
    path, root_path = Path(path), None if root is None else Path(root)
    check_input_file(path, expected, root=root_path)
    try:
        fd = _open_for_reading(path, follow=root_path is None)
    except OSError as err:
        if err.errno == errno.ELOOP:  # replaced by a link after the check
            raise _link_refusal(path, root_path, "file") from None
        if isinstance(err, FileNotFoundError):
            raise MissingInputFile(path, None, f"missing file: expected {expected}") from None
        raise _unreadable(path, err) from None
    with os.fdopen(fd, "rb") as handle:
        try:
            _require_regular(path, os.fstat(fd).st_mode, expected, root_path)
            return handle.read()
        except OSError as err:
            raise _unreadable(path, err) from None


def entry_present(path: str | os.PathLike, *, root: str | os.PathLike | None = None) -> bool:
    """Whether anything (a link included) is at ``path``; refuses links and files on the way from ``root``.

    For optional files and alternative names: a link or a pipe found here is then refused by the reader
    with its own message, rather than being skipped as if absent.
    """
    try:
        inspect_path(path, "an entry", root=root)
    except MissingInputFile:
        return False
    return True


def folder_present(path: str | os.PathLike, *, root: str | os.PathLike | None = None) -> bool:
    """True for a real folder at ``path``, False when nothing is there; InputFileError for a link or a file."""
    path = Path(path)
    try:
        mode = inspect_path(path, "a folder", root=root).st_mode
    except MissingInputFile:
        return False
    if stat.S_ISLNK(mode):
        raise _link_refusal(path, None if root is None else Path(root), "folder")
    if not stat.S_ISDIR(mode):
        raise InputFileError(path, None, f"{_kind(mode)} where a folder was expected")
    return True


def same_file(a: str | os.PathLike, b: str | os.PathLike, *, follow_links: bool = True) -> bool:
    """Whether ``a`` and ``b`` are one entry on disk (the same path, or hard links to one file).

    ``follow_links=False`` compares the entries themselves, so that a link is left to be refused as a link.
    """
    try:
        if follow_links:
            return os.path.samefile(a, b)
        sa, sb = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


FileId = tuple[int, int]  # (st_dev, st_ino): one file on disk, whatever its names


def file_id(path: str | os.PathLike) -> FileId | None:
    """The identity of the entry at ``path`` itself (a link is not followed), or None when nothing is there."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def regular_file_ids(folder: str | os.PathLike, *, skip: str | os.PathLike | None = None) -> dict[FileId, Path]:
    """``{(st_dev, st_ino): path}`` of every regular file below ``folder``, walked once without following links.

    A prediction hard-linked to any of these files is a copy of the gold, whatever its name. ``skip`` is a
    folder not to enter (the predictions folder, when it lies inside the labels folder). Unreadable
    folders are passed over: reading a file in one fails on its own with a named error.
    """
    skipped = None
    if skip is not None:
        try:
            info = os.stat(skip)  # the folder the user named may be a link: compare what it leads to
            skipped = (info.st_dev, info.st_ino)
        except OSError:
            pass
    found: dict[FileId, Path] = {}
    for top, folders, names in os.walk(folder, followlinks=False):
        folders[:] = [name for name in folders if file_id(os.path.join(top, name)) != skipped]
        for name in names:
            path = os.path.join(top, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found[(info.st_dev, info.st_ino)] = Path(path)
    return found
