"""Token-budget batching (harness_tasks.inference.batching) and its use in embed_texts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from harness_tasks.inference import batching, embedding


def test_token_budget_batches_fill_to_the_budget_longest_first():
    lengths = [3, 10, 4, 4, 2, 9]
    # Budget 20: [10, 9] pads to 2 x 10 = 20; adding a third row (3 x 10) would exceed it.
    # [4, 4, 3, 2] pads to 4 x 4 = 16 <= 20.
    assert list(batching.token_budget_batches(lengths, 20)) == [[1, 5], [2, 3, 0, 4]]
    # Budget 12: 10 alone; 9 alone (2 x 9 > 12); [4, 4, 3] = 12; 2 alone would fit but the batch is full.
    assert list(batching.token_budget_batches(lengths, 12)) == [[1], [5], [2, 3, 0], [4]]


def test_a_row_longer_than_the_budget_gets_its_own_batch():
    assert list(batching.token_budget_batches([50, 5, 5], 16)) == [[0], [1, 2]]
    assert list(batching.token_budget_batches([], 16)) == []
    with pytest.raises(ValueError, match="max_tokens must be >= 1, got 0"):
        list(batching.token_budget_batches([1], 0))


def test_default_budget_is_batch_size_rows_of_128_tokens():
    assert batching.default_max_tokens(32) == 4096
    assert batching.default_max_tokens(1) == 128
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        batching.default_max_tokens(0)


def test_run_batched_answers_in_input_order_with_budget_batches():
    rows = [[0] * n for n in (3, 10, 4, 4, 2, 9)]
    seen = []

    def fn(batch):
        seen.append(list(batch))
        return [len(rows[i]) * 100 + i for i in batch]

    out = batching.run_batched(rows, 4, fn, max_tokens=20)
    assert out == [300, 1001, 402, 403, 204, 905]
    assert seen == [[1, 5], [2, 3, 0, 4]]


def test_embed_texts_token_budget_matches_sentence_count_batching(tiny_models):
    # Mixed lengths, so that the two batchings really group rows differently (asserted below);
    # only padding and batch composition change, so vectors agree to float32 rounding.
    texts = ["a", "Der Hund läuft schnell über die Straße und bellt laut.", "北京是中国的首都。", "x y",
             "one two three four five six seven eight nine ten eleven twelve", "zz", "ab cd ef", "q"]
    tok = AutoTokenizer.from_pretrained(tiny_models.encoder)
    model = AutoModel.from_pretrained(tiny_models.encoder).eval()
    rows = tok(texts, truncation=True, max_length=64)["input_ids"]
    lengths = [len(r) for r in rows]
    budget = 2 * max(lengths)
    old_batches = list(batching.length_sorted_batches(lengths, 2))
    new_batches = list(batching.token_budget_batches(lengths, budget))
    assert len(new_batches) < len(old_batches)  # the budget packs the short rows into bigger batches

    with torch.inference_mode():
        new = embedding.embed_texts(tok, model, texts, layer=1, pooling="mean", max_length=64,
                                    batch_size=2, device="cpu", max_tokens=budget)
        old: list = [None] * len(texts)
        for batch in old_batches:
            ids, mask = batching.pad_batch([rows[i] for i in batch], tok.pad_token_id, "cpu")
            pooled = embedding.pool(embedding.hidden_at_layer(model, ids, mask, 1).float(), mask, "mean")
            for i, vector in zip(batch, pooled.numpy()):
                old[i] = vector
    np.testing.assert_allclose(np.stack(new), np.stack(old), rtol=0, atol=1e-6)
