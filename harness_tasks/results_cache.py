"""Cached predictions, so that an interrupted `xtreme score` resumes where it stopped.

One file per (checkpoint hash, task, request type, inference settings, data hash): the data hash is
over the exact request arguments, so a changed data file, language or --limit never reuses stale
predictions. Files are written atomically (temp file + rename): a crash leaves either nothing or a
whole file, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np


def data_hash(arguments: list) -> str:
    digest = hashlib.sha256()
    for args in arguments:
        digest.update(json.dumps(args, ensure_ascii=False, default=list).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def cache_key(*, checkpoint: str, task: str, request_type: str, settings: dict, data: str) -> str:
    text = json.dumps(
        {"checkpoint": checkpoint, "task": task, "type": request_type, "settings": settings, "data": data},
        sort_keys=True,
    )
    return f"{task}.{request_type}.{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PredictionCache:
    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def _path(self, key: str, request_type: str) -> Path:
        return self.folder / (f"{key}.npy" if request_type == "embed" else f"{key}.json")

    def load(self, key: str, request_type: str, expected: int):
        """The cached predictions, or None; a file with the wrong count is ignored (not trusted)."""
        path = self._path(key, request_type)
        if not path.exists():
            return None
        if request_type == "embed":
            values = list(np.load(path, allow_pickle=False))
        else:
            values = json.loads(path.read_text(encoding="utf-8"))
        return values if len(values) == expected else None

    def save(self, key: str, request_type: str, values: list) -> None:
        path = self._path(key, request_type)
        if request_type == "embed":
            array = np.stack(values).astype(np.float32) if values else np.zeros((0, 0), np.float32)
            _atomic_write(path, lambda h: np.save(h, array, allow_pickle=False))
        else:
            data = json.dumps(values, ensure_ascii=False).encode("utf-8")
            _atomic_write(path, lambda h: h.write(data))
