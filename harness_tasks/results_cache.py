"""Cached predictions, so that an interrupted `xtreme score` resumes where it stopped.

One file per (checkpoint hash, task, request type, inference settings, data hash): the data hash is
over the exact request arguments, so a changed data file, language or --limit never reuses stale
predictions. Files are written atomically (temp file + rename): a crash leaves either nothing or a
whole file, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from harness_tasks.atomic import atomic_open

log = logging.getLogger(__name__)


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

    def load(self, key: str, request_type: str, expected: int, *, labels: frozenset[str] | None = None,
             counts: list[int] | None = None):
        """The cached predictions, or None to recompute them. An entry is trusted only when it reads and has
        the shape its request type gives: ``expected`` answers; classify: a label of ``labels``; tag: one
        tag of ``labels`` per word (``counts``: words per sentence); choose: the index of one of the
        example's choices (``counts``: choices per example); extract_span: a string; embed: one finite vector per
        request, all of one size. Anything else (a truncated or edited file) is ignored with a warning and
        recomputed, never scored."""
        path = self._path(key, request_type)
        if not path.is_file():
            return None
        try:
            if request_type == "embed":
                values = list(np.load(path, allow_pickle=False))
            else:
                values = json.loads(path.read_text(encoding="utf-8"))
            problem = _shape_problem(request_type, values, expected, labels, counts)
        except (OSError, ValueError, EOFError) as err:
            problem = f"unreadable ({err})"
        if problem:
            log.warning("ignoring cached predictions %s: %s; recomputing them", path, problem)
            return None
        return values

    def save(self, key: str, request_type: str, values: list) -> None:
        path = self._path(key, request_type)
        if request_type == "embed":
            array = np.stack(values).astype(np.float32) if values else np.zeros((0, 0), np.float32)
            with atomic_open(path, "wb") as handle:
                np.save(handle, array, allow_pickle=False)
        else:
            with atomic_open(path) as handle:
                json.dump(values, handle, ensure_ascii=False)


def _shape_problem(request_type: str, values, expected: int, labels, counts) -> str | None:
    if not isinstance(values, list) or len(values) != expected:
        return f"expected a list of {expected} answers"
    if request_type == "classify":
        bad = next((v for v in values if not isinstance(v, str) or (labels and v not in labels)), None)
        return None if bad is None else f"{str(bad)[:40]!r} is not one of the head's labels"
    if request_type == "tag":
        for i, tags in enumerate(values):
            if not isinstance(tags, list) or (counts and len(tags) != counts[i]):
                return f"sentence {i}: expected one tag per word"
            if any(not isinstance(t, str) or (labels and t not in labels) for t in tags):
                return f"sentence {i}: a tag that is not one of the head's labels"
        return None
    if request_type == "choose":
        for i, index in enumerate(values):
            if (not isinstance(index, int) or isinstance(index, bool) or index < 0
                    or (counts and index >= counts[i])):
                return f"example {i}: {str(index)[:40]!r} is not the index of one of its choices"
        return None
    if request_type == "extract_span":
        return None if all(isinstance(v, str) for v in values) else "expected answer strings"
    if request_type == "embed":
        sizes = {getattr(v, "shape", None) for v in values}
        if len(sizes) > 1 or any(s is None or len(s) != 1 for s in sizes):
            return "expected vectors of one size"
        return None if all(np.isfinite(v).all() for v in values) else "a vector that is not finite"
    return None
