"""EmbeddingCache: hits and misses, partial reuse, crash safety, key separation, exact rows in order."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

from harness_tasks.embedding_cache import EmbeddingCache, namespace_key, text_key

DIM = 4


def vector(text: str) -> np.ndarray:
    """A deterministic, text-specific float32 row (distinct texts give distinct rows)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return np.frombuffer(digest[: 4 * DIM], dtype=np.uint32).astype(np.float32) / 7.0


class Counting:
    """A compute function that records every text it was asked to embed."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([vector(t) for t in texts])

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


def expected(texts) -> np.ndarray:
    return np.stack([vector(t) for t in texts])


def shard_files(root) -> list[str]:
    return sorted(name for _, _, names in os.walk(root) for name in names if name.endswith(".npy"))


def test_second_call_computes_nothing_and_returns_identical_rows(tmp_path):
    texts = ["a cat", "a dog", "ein Hund", "un chien"]
    compute = Counting()
    first = EmbeddingCache(tmp_path).get_or_compute("ckpt", 8, "mean", texts, compute)
    assert compute.texts == texts
    assert first.dtype == np.float32 and first.shape == (4, DIM)
    np.testing.assert_array_equal(first, expected(texts))

    again = Counting()
    cache = EmbeddingCache(tmp_path)  # a fresh object: the hit comes from disk, not from memory
    second = cache.get_or_compute("ckpt", 8, "mean", texts, again)
    assert again.calls == []
    assert (cache.stats.hits, cache.stats.computed, cache.stats.shards_written) == (4, 0, 0)
    np.testing.assert_array_equal(second, expected(texts))
    # One shard in request order: the memory-mapped file itself comes back, read-only.
    assert isinstance(second, np.memmap) and not second.flags.writeable


def test_partial_overlap_computes_only_new_texts(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.get_or_compute("ckpt", 8, "mean", ["s1", "s2", "s3"], Counting())
    compute = Counting()
    texts = ["s4", "s2", "s5", "s1"]
    rows = cache.get_or_compute("ckpt", 8, "mean", texts, compute)
    assert compute.texts == ["s4", "s5"]
    assert (cache.stats.requested, cache.stats.unique, cache.stats.hits, cache.stats.computed) == (4, 4, 2, 2)
    np.testing.assert_array_equal(rows, expected(texts))


def test_duplicates_computed_once_and_repeated_in_input_order(tmp_path):
    cache = EmbeddingCache(tmp_path)
    compute = Counting()
    texts = ["b", "a", "b", "c", "a", "b"]
    rows = cache.get_or_compute("ckpt", 8, "mean", texts, compute)
    assert compute.texts == ["b", "a", "c"]  # first-occurrence order
    assert (cache.stats.requested, cache.stats.unique) == (6, 3)
    np.testing.assert_array_equal(rows, expected(texts))
    assert rows.flags.writeable  # assembled, not the shard itself


def test_chunks_progress_and_resume_after_a_crash(tmp_path):
    texts = [f"sentence {i}" for i in range(10)]
    seen = []

    def crashing(batch):
        if len(seen) == 2:
            raise KeyboardInterrupt  # the run dies while the third chunk is being computed
        seen.append(list(batch))
        return expected(batch)

    cache = EmbeddingCache(tmp_path, chunk_size=3)
    with pytest.raises(KeyboardInterrupt):
        cache.get_or_compute("ckpt", 8, "mean", texts, crashing)
    assert seen == [texts[0:3], texts[3:6]]
    assert len(shard_files(tmp_path)) == 4  # two shards, rows + keys each

    progress = []
    compute = Counting()
    rows = EmbeddingCache(tmp_path, chunk_size=3).get_or_compute(
        "ckpt", 8, "mean", texts, compute, progress=lambda done, total: progress.append((done, total)))
    assert compute.calls == [texts[6:9], texts[9:10]]
    assert progress == [(3, 4), (4, 4)]
    np.testing.assert_array_equal(rows, expected(texts))


def test_half_written_and_corrupted_files_are_ignored(tmp_path):
    cache = EmbeddingCache(tmp_path)
    texts = ["x", "y", "z"]
    cache.get_or_compute("ckpt", 8, "mean", texts[:2], Counting())
    folder = cache.folder("ckpt", 8, "mean")
    (rows_file,) = [p for p in folder.iterdir() if p.name.endswith(".npy") and not p.name.endswith(".keys.npy")]

    # Leftovers of a crash: temp files, a rows file whose keys never landed, and a shard whose
    # rows file was truncated after its keys were written (a damaged disk).
    (folder / ".abc.npy.tmp").write_bytes(b"\x93NUMPY garbage")
    (folder / ".abc.keys.npy.tmp").write_bytes(b"")
    np.save(folder / "orphan.npy", np.ones((1, DIM), dtype=np.float32))
    np.save(folder / "broken.keys.npy", np.array([text_key("z")], dtype="S64"))
    (folder / "broken.npy").write_bytes(rows_file.read_bytes()[:100])
    np.save(folder / "mismatch.keys.npy", np.array([text_key("z"), text_key("w")], dtype="S64"))
    np.save(folder / "mismatch.npy", np.ones((1, DIM), dtype=np.float32))  # 2 keys, 1 row

    compute = Counting()
    fresh = EmbeddingCache(tmp_path)
    rows = fresh.get_or_compute("ckpt", 8, "mean", texts, compute)
    assert compute.texts == ["z"]  # the broken shard's "z" is not trusted
    assert (fresh.stats.hits, fresh.stats.computed) == (2, 1)
    np.testing.assert_array_equal(rows, expected(texts))


def test_layer_pooling_model_and_settings_are_separate_entries(tmp_path):
    cache = EmbeddingCache(tmp_path)
    texts = ["one", "two"]
    cache.get_or_compute("ckpt", 8, "mean", texts, Counting())
    variants = [("other-ckpt", 8, "mean", None), ("ckpt", 7, "mean", None), ("ckpt", 8, "cls", None),
                ("ckpt", 8, "mean", {"max_length": 64}), ("ckpt", 8, "mean", {"dtype": "bfloat16"})]
    folders = {cache.folder("ckpt", 8, "mean")}
    for model_key, layer, pooling, settings in variants:
        compute = Counting()
        cache.get_or_compute(model_key, layer, pooling, texts, compute, settings=settings)
        assert compute.texts == texts, (model_key, layer, pooling, settings)
        folders.add(cache.folder(model_key, layer, pooling, settings))
    assert len(folders) == 6
    # Settings are order-independent (canonical JSON).
    assert namespace_key("m", 8, "mean", {"a": 1, "b": 2}) == namespace_key("m", 8, "mean", {"b": 2, "a": 1})


def test_bad_compute_output_and_arguments_raise_clear_errors(tmp_path):
    cache = EmbeddingCache(tmp_path)
    with pytest.raises(ValueError, match=r"compute returned shape \(1, 4\) for 2 texts"):
        cache.get_or_compute("ckpt", 8, "mean", ["p", "q"], lambda batch: np.zeros((1, DIM)))
    cache.get_or_compute("ckpt", 8, "mean", ["p"], Counting())
    with pytest.raises(ValueError, match="returned 3-dimensional rows; .* stores 4-dimensional"):
        cache.get_or_compute("ckpt", 8, "mean", ["q"], lambda batch: np.zeros((len(batch), 3)))
    with pytest.raises(ValueError, match="model_key is empty"):
        cache.get_or_compute("", 8, "mean", ["p"], Counting())
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        cache.get_or_compute("ckpt", 8, "mean", ["p", 3], Counting())
    with pytest.raises(ValueError, match="may not redefine"):
        namespace_key("m", 8, "mean", {"layer": 9})


def test_empty_request_and_rows_stored_as_float32(tmp_path):
    cache = EmbeddingCache(tmp_path)
    compute = Counting()
    assert cache.get_or_compute("ckpt", 8, "mean", [], compute).shape[0] == 0
    assert compute.calls == []
    rows = cache.get_or_compute("ckpt", 8, "mean", ["f"], lambda batch: np.full((1, DIM), 0.1, dtype=np.float64))
    assert rows.dtype == np.float32
    np.testing.assert_array_equal(rows, np.full((1, DIM), 0.1, dtype=np.float32))


def test_with_the_shipped_embedder_and_a_tiny_checkpoint(tmp_path):
    """The adapter's wiring: keyed by checkpoint hash, compute = embed_texts; cached rows equal fresh ones."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from harness_tasks.inference.embedding import embed_texts
    from harness_tasks.inference.loading import checkpoint_hash
    from harness_tasks.tiny_encoder import build_tiny_encoder

    # One bare encoder (not the session's full bundle of heads): keeps this file fast on its own.
    tiny_encoder_dir = build_tiny_encoder(tmp_path / "encoder", ["Der Hund schläft.", "The dog sleeps.",
                                                                 "Le chien dort."], vocab_size=200)
    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder_dir)
    model = AutoModel.from_pretrained(tiny_encoder_dir).eval()
    texts = ["Der Hund schläft.", "The dog sleeps.", "Le chien dort.", "The dog sleeps."]
    forwards = []

    def compute(batch):
        forwards.append(len(batch))
        with torch.inference_mode():
            return np.stack(embed_texts(tokenizer, model, batch, layer=1, pooling="mean", max_length=32,
                                        batch_size=2, device="cpu"))

    cache = EmbeddingCache(tmp_path / "cache")
    key = checkpoint_hash(str(tiny_encoder_dir))
    first = cache.get_or_compute(key, 1, "mean", texts, compute, settings={"max_length": 32})
    second = cache.get_or_compute(key, 1, "mean", texts, compute, settings={"max_length": 32})
    assert forwards == [3]
    with torch.inference_mode():
        direct = np.stack(embed_texts(tokenizer, model, texts, layer=1, pooling="mean", max_length=32,
                                      batch_size=4, device="cpu"))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, direct, rtol=0, atol=1e-5)  # batch composition differs: rounding only
