"""Writing files so that no reader ever sees half of one: the project's one way to write results.

A temporary file is written in the destination's folder (same file system, so the final rename is
atomic), flushed and fsynced, then renamed over the destination. If anything fails before the rename,
the temporary file is removed and the destination is untouched: an interrupted run leaves either the
old file or the new one, never a truncated one.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back (no threads write files meanwhile).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", *, encoding: str = "utf-8"):
    """``with atomic_open(path) as handle:`` writes ``path`` atomically (mode "w" text, "wb" binary)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', not {mode!r}")
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; a file path was expected", str(path))
    if path.exists() and not path.is_file():
        # A device or FIFO: renaming over it would replace the node itself (as root, even /dev/full).
        raise OSError(errno.EINVAL, "is not a regular file; results are written to regular files only", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        text_options = {"encoding": encoding, "newline": "\n"} if mode == "w" else {}
        with os.fdopen(fd, mode, **text_options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and err.filename in (None, tmp):
            # Name the file the user asked for (a full disk says nothing about which write failed).
            raise type(err)(err.errno, err.strerror or str(err), str(path)) from err
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path) as handle:
        handle.write(text)


def write_json_atomic(path: str | os.PathLike, obj) -> None:
    with atomic_open(path) as handle:
        json.dump(obj, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
