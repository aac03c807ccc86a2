"""On-disk, memory-mapped cache of sentence embeddings, so that re-scoring a checkpoint or re-fitting a
BUCC threshold costs no forward passes, and an interrupted encoding run resumes where it stopped.

Keys
    namespace = sha256 over the canonical JSON of {"format", "model", "layer", "pooling", **settings}:
    ``model`` is the checkpoint hash (harness_tasks.inference.loading.checkpoint_hash, which covers
    config, weights and tokenizer files) and ``settings`` whatever else changes the vectors
    (``max_length``: truncation; ``dtype``: bf16 on GPU differs from fp32).
    row key = sha256 of the text's UTF-8 bytes (hex). A text is embedded once per namespace, whatever
    corpus, split or position it comes from.

On-disk layout under ``root``::

    v1/<ns[:2]>/<ns>/meta.json                  {"format", "model", "layer", "pooling", "settings", "dim"}
    v1/<ns[:2]>/<ns>/<shard>.npy                float32 [n, dim], the rows (read memory-mapped)
    v1/<ns[:2]>/<ns>/<shard>.keys.npy           S64 [n], the row keys of those rows, in row order

A shard is one computed chunk (``chunk_size`` new texts at most). Every file is written to a temporary
name in the same folder, fsynced and renamed into place, rows first and keys last: the keys file is the
commit point. A shard counts only when its keys file exists and both files load with matching row
counts; anything else (``*.tmp`` leftovers of a crash, a rows file without keys, a truncated or
mismatched pair) is ignored, logged, and its texts are computed again. So an interrupted run loses at
most the chunk in flight, and a re-run computes only what is missing. Shard names are random, so two
processes filling one namespace never clash (a text computed by both is stored twice; the first
shard found wins, and the vectors are the same).

Invalidation: nothing is ever overwritten or expired. A new checkpoint (any change to its weights,
config or tokenizer files), layer, pooling or setting is a new namespace; the old one stays valid for
what produced it. Delete ``v1/`` (or one namespace folder) to reclaim space; bump FORMAT when the
meaning of a stored vector changes (e.g. the pooling code changes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness_tasks.atomic import atomic_open

log = logging.getLogger(__name__)

FORMAT = 1
KEY_DTYPE = np.dtype("S64")  # sha256 hex digest: no NUL bytes, so numpy's string comparison is exact
DEFAULT_CHUNK_SIZE = 4096


def text_key(text: str) -> bytes:
    """The row key of one text: sha256 of its UTF-8 bytes, as hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest().encode("ascii")


def namespace_key(model_key: str, layer: int, pooling: str, settings: Mapping | None = None) -> str:
    """sha256 over everything that decides a vector other than the text itself."""
    settings = dict(settings or {})
    clash = {"format", "model", "layer", "pooling"} & set(settings)
    if clash:
        raise ValueError(f"settings may not redefine {sorted(clash)}: pass them as arguments")
    payload = {"format": FORMAT, "model": model_key, "layer": int(layer), "pooling": pooling, **settings}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass
class CacheStats:
    """Counts from the latest get_or_compute call (texts as given, and distinct texts)."""

    requested: int = 0
    unique: int = 0
    hits: int = 0  # distinct texts found on disk
    computed: int = 0  # distinct texts passed to compute
    shards_written: int = 0


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder, hence best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_atomic(path: Path, write: Callable[[object], None]) -> None:
    with atomic_open(path, "wb") as handle:
        write(handle)
    _fsync_dir(path.parent)  # the rename itself must survive a crash before the keys file counts


class _Namespace:
    """The shards of one namespace folder, indexed by row key (sorted array + searchsorted)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.loaded: set[str] = set()  # shard names already in the index, valid or not
        self.rows: list[np.ndarray] = []  # memory-mapped row arrays, by shard number
        self.keys = np.empty(0, dtype=KEY_DTYPE)  # sorted
        self.where = np.empty((0, 2), dtype=np.int64)  # (shard number, row) for each sorted key

    def refresh(self) -> None:
        """Index shards written since the last call (by this or another process)."""
        if not self.folder.is_dir():
            return
        new_keys, new_where = [], []
        for entry in sorted(os.listdir(self.folder)):
            if not entry.endswith(".keys.npy") or entry.startswith("."):
                continue
            shard = entry[: -len(".keys.npy")]
            if shard in self.loaded:
                continue
            self.loaded.add(shard)
            try:
                keys = np.load(self.folder / entry, allow_pickle=False)
                rows = np.load(self.folder / f"{shard}.npy", mmap_mode="r", allow_pickle=False)
            except (OSError, ValueError, EOFError) as error:
                log.warning("embedding cache: ignoring unreadable shard %s in %s (%s)", shard, self.folder, error)
                continue
            if keys.dtype != KEY_DTYPE or keys.ndim != 1 or rows.ndim != 2 or rows.dtype != np.float32 \
                    or len(keys) != len(rows):
                log.warning("embedding cache: ignoring malformed shard %s in %s (keys %s %s, rows %s %s)",
                            shard, self.folder, keys.dtype, keys.shape, rows.dtype, rows.shape)
                continue
            number = len(self.rows)
            self.rows.append(rows)
            new_keys.append(keys)
            new_where.append(np.stack([np.full(len(keys), number), np.arange(len(keys))], axis=1))
        if new_keys:
            keys = np.concatenate([self.keys, *new_keys])
            where = np.concatenate([self.where, *new_where])
            # Stable sort: for a key stored in several shards the earliest-indexed copy comes first.
            order = np.argsort(keys, kind="stable")
            self.keys, self.where = keys[order], where[order]

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """(shard, row) per key; shard -1 where the key is not stored."""
        found = np.full((len(keys), 2), -1, dtype=np.int64)
        if len(self.keys) and len(keys):
            pos = np.searchsorted(self.keys, keys)
            inside = pos < len(self.keys)
            hit = np.zeros(len(keys), dtype=bool)
            hit[inside] = self.keys[pos[inside]] == keys[inside]
            found[hit] = self.where[pos[hit]]
        return found


class EmbeddingCache:
    """``EmbeddingCache(root).get_or_compute(model_key, layer, pooling, texts, compute)``; see the module
    docstring for keys, layout and invalidation. ``stats`` holds the latest call's counts."""

    def __init__(self, root: str | os.PathLike, *, chunk_size: int = DEFAULT_CHUNK_SIZE):
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.root = Path(root)
        self.chunk_size = chunk_size
        self.stats = CacheStats()
        self._namespaces: dict[str, _Namespace] = {}

    def folder(self, model_key: str, layer: int, pooling: str, settings: Mapping | None = None) -> Path:
        ns = namespace_key(model_key, layer, pooling, settings)
        return self.root / f"v{FORMAT}" / ns[:2] / ns

    def get_or_compute(
        self,
        model_key: str,
        layer: int,
        pooling: str,
        texts: Sequence[str],
        compute: Callable[[list[str]], np.ndarray],
        *,
        settings: Mapping | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Embeddings of ``texts`` (float32 [len(texts), dim], input order, duplicates repeated).

        Only distinct texts not on disk are passed to ``compute`` (a list of at most ``chunk_size``
        strings; it must return one row per string), and each chunk is stored before the next is
        computed. ``progress(done, total)`` is called after each chunk with counts of distinct texts
        to compute. When every text comes from one shard in that shard's order, the read-only
        memory-mapped shard itself is returned; otherwise a new in-memory array.
        """
        if not model_key:
            raise ValueError("model_key is empty: pass the checkpoint hash (inference.loading.checkpoint_hash)")
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] is {type(text).__name__}, expected str")
        folder = self.folder(model_key, layer, pooling, settings)
        space = self._namespaces.setdefault(str(folder), _Namespace(folder))
        space.refresh()

        keys = np.array([text_key(t) for t in texts], dtype=KEY_DTYPE)
        unique_keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        found = space.lookup(unique_keys)
        missing = np.flatnonzero(found[:, 0] < 0)
        # Compute in input order of first occurrence: the caller's order, and reproducible shards.
        missing = missing[np.argsort(first[missing], kind="stable")]
        self.stats = CacheStats(requested=len(texts), unique=len(unique_keys),
                                hits=len(unique_keys) - len(missing))

        dim = self._dim(folder, space)
        for start in range(0, len(missing), self.chunk_size):
            chunk = missing[start:start + self.chunk_size]
            batch = [texts[first[u]] for u in chunk]
            rows = np.asarray(compute(batch))
            if rows.ndim != 2 or rows.shape[0] != len(batch):
                raise ValueError(f"compute returned shape {rows.shape} for {len(batch)} texts; "
                                 f"expected ({len(batch)}, dim)")
            if dim is None:
                dim = rows.shape[1]
                self._write_meta(folder, model_key, layer, pooling, settings, dim)
            elif rows.shape[1] != dim:
                raise ValueError(f"compute returned {rows.shape[1]}-dimensional rows; this namespace "
                                 f"({folder}) stores {dim}-dimensional ones")
            self._write_shard(folder, unique_keys[chunk], np.ascontiguousarray(rows, dtype=np.float32))
            self.stats.computed += len(chunk)
            self.stats.shards_written += 1
            if progress is not None:
                progress(start + len(chunk), len(missing))
        if len(missing):
            space.refresh()
            found = space.lookup(unique_keys)
            if (found[:, 0] < 0).any():
                raise RuntimeError(f"embedding cache: rows just written to {folder} cannot be read back")

        where = found[inverse]
        if len(texts) and dim is None:
            raise RuntimeError("embedding cache: no dimension known after computing")
        shards = np.unique(where[:, 0])
        if len(shards) == 1:
            rows = space.rows[shards[0]]
            if len(rows) == len(texts) and np.array_equal(where[:, 1], np.arange(len(texts))):
                return rows
        out = np.empty((len(texts), dim or 0), dtype=np.float32)
        for shard in shards:
            sel = np.flatnonzero(where[:, 0] == shard)
            out[sel] = space.rows[shard][where[sel, 1]]
        return out

    # ---- files -----------------------------------------------------------------------------------
    @staticmethod
    def _dim(folder: Path, space: _Namespace) -> int | None:
        if space.rows:
            return int(space.rows[0].shape[1])
        meta = folder / "meta.json"
        if meta.is_file():
            try:
                return int(json.loads(meta.read_text(encoding="utf-8"))["dim"])
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{meta}: unreadable cache metadata ({error}); delete the folder") from error
        return None

    @staticmethod
    def _write_meta(folder: Path, model_key, layer, pooling, settings, dim: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "model": model_key, "layer": int(layer), "pooling": pooling,
                "settings": dict(settings or {}), "dim": int(dim)}
        data = json.dumps(meta, sort_keys=True, indent=1).encode("utf-8")
        _write_atomic(folder / "meta.json", lambda handle: handle.write(data))

    @staticmethod
    def _write_shard(folder: Path, keys: np.ndarray, rows: np.ndarray) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        shard = uuid.uuid4().hex
        # Rows first, keys last: a shard without its keys file is not part of the cache.
        _write_atomic(folder / f"{shard}.npy", lambda handle: np.save(handle, rows, allow_pickle=False))
        _write_atomic(folder / f"{shard}.keys.npy",
                      lambda handle: np.save(handle, keys.astype(KEY_DTYPE), allow_pickle=False))
