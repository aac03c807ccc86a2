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
from pathlib import Path

import numpy as np

from harness_tasks.atomic import atomic_open


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
            with atomic_open(path, "wb") as handle:
                np.save(handle, array, allow_pickle=False)
        else:
            with atomic_open(path) as handle:
                json.dump(values, handle, ensure_ascii=False)
