"""One `xtreme score` run per output folder: a lock against concurrent runs, and the run's identity.

An output folder holds ``results.json``, ``submission/`` and ``cache/`` of ONE run. Two things could
make them describe more than one:

* two runs writing at once: ``claim_output`` takes an exclusive ``flock`` on ``OUTPUT/.xtreme.lock``
  for the whole run (the kernel drops it when the process dies, so a killed run never leaves a stale
  lock) and writes who holds it into the file, which the refused second run quotes;
* a later run with another model, other tasks or other settings: ``run.json`` records the identity of
  the run that owns the folder (checkpoint hashes, requested tasks and languages, every setting that
  changes a prediction or a score). The same identity resumes (the prediction cache makes it cheap);
  another one is refused, naming what differs, unless ``overwrite``, which removes the old run's
  results and submission first. The cache stays: its entries are keyed by checkpoint and settings, so
  they can never be served to another model.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness_tasks.atomic import write_json_atomic

LOCK = ".xtreme.lock"
RUN = "run.json"
RESULTS = "results.json"
SUBMISSION = "submission"


class OutputFolderError(ValueError):
    """The output folder belongs to another run, or another run is writing to it right now."""


@dataclass
class ClaimedOutput:
    folder: Path
    handle: object  # the open lock file: the lock lives as long as it stays open
    resumed: bool

    def release(self) -> None:
        self.handle.close()


def claim_output(folder: str | os.PathLike, identity: dict, *, overwrite: bool) -> ClaimedOutput:
    """Lock ``folder`` for this run and make sure it holds no other run's results (see module doc)."""
    folder = Path(folder)
    if folder.is_symlink() and not folder.exists():
        raise OutputFolderError(f"{folder}: a link to {os.readlink(folder)}, which does not exist; give a folder")
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"{folder}: exists and is not a folder; --output takes a folder")
    folder.mkdir(parents=True, exist_ok=True)
    handle = lock_folder(folder, "xtreme score")
    try:
        resumed = _check_identity(folder, identity, overwrite)
        write_json_atomic(folder / RUN, {"format": 1, "identity": identity})
    except BaseException:
        handle.close()
        raise
    return ClaimedOutput(folder, handle, resumed)


def lock_folder(folder: Path, command: str):
    """Take the exclusive ``flock`` on ``folder/.xtreme.lock`` and write the holder (pid, host, start time,
    command line) into it; return the open lock file, which holds the lock until it is closed (or the
    process dies). If another process holds it, raise OutputFolderError quoting that holder; ``command``
    (``xtreme score``, ``xtreme train``) names the kind of run in that message. ``folder`` must exist.
    """
    while True:
        handle = open(folder / LOCK, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES):
                handle.close()
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise OutputFolderError(
                f"{folder} is in use by another {command} run ({holder}); wait for it to finish or "
                "choose another --output") from None
        try:  # a holder that removed the lock file on its way out (xtreme train, before its run began)
            current = os.stat(folder / LOCK)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(current, os.fstat(handle.fileno())):
            break
        handle.close()  # locked a file no longer in the folder: lock the one there now
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} on {socket.gethostname()}, started "
                 f"{time.strftime('%Y-%m-%d %H:%M:%S')}: {' '.join(sys.argv)}\n")
    handle.flush()
    return handle


def _check_identity(folder: Path, identity: dict, overwrite: bool) -> bool:
    """True when the folder holds this same run (resume); clears another run's outputs on overwrite."""
    previous = _previous_identity(folder)
    holds_outputs = (folder / RESULTS).exists() or (folder / SUBMISSION).exists()
    if previous == identity:
        return True
    if previous is None and not holds_outputs:
        return False  # a new or empty folder (or one with only a cache, which is keyed)
    if not overwrite:
        if previous is None:
            why = "it holds results.json or submission/ from a run that did not record its identity"
        else:
            why = "it holds another run: " + describe_difference(previous, identity)
        raise OutputFolderError(
            f"{folder}: {why}. Use another --output, or --overwrite to replace that run "
            "(its cached predictions are kept; they are keyed by model and settings)")
    (folder / RESULTS).unlink(missing_ok=True)
    if (folder / SUBMISSION).is_dir() and not (folder / SUBMISSION).is_symlink():
        shutil.rmtree(folder / SUBMISSION)
    else:
        (folder / SUBMISSION).unlink(missing_ok=True)
    return False


def _previous_identity(folder: Path) -> dict | None:
    path = folder / RUN
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("identity")
    except (ValueError, AttributeError, OSError):
        return {"unreadable": str(path)}


def describe_difference(old: dict, new: dict) -> str:
    """'model: A -> B; tasks: [...] -> [...]', over the top-level keys that differ."""
    parts = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):  # e.g. checkpoints: name the heads that differ
            parts.append(describe_difference({f"{key}.{k}": v for k, v in a.items()},
                                             {f"{key}.{k}": v for k, v in b.items()}))
        else:
            parts.append(f"{key}: {_short(a)} -> {_short(b)}")
    return "; ".join(parts)


def _short(value, limit: int = 80) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12]  # a sha256: its first 12 hex digits tell two checkpoints apart
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
