"""Dual-encoder retrieval vectors (Mewsli-X, LAReQA): one L2-normalised vector per text.

As the reference embeds both sides (third_party/bert.py ``BertForRetrieval`` with ``inference=True``, which
evaluate_retrieval.py runs on queries and candidates alike): the last layer's first token through the
encoder's pooler, scaled to unit length, so an inner product is a cosine. The one tower embeds queries and
candidates; only the input length differs (the task's ``retrieval_max_lengths``).

A checkpoint without pooler weights (XLM-R as released, our tiny encoder) would get a random pooler from
AutoModel; inference.loading drops such a pooler, and the first token's hidden state is used unpooled. The
same rule holds for a fine-tuned dual-encoder head and for the bare encoder a missing head falls back to
(harness_tasks.encoder_model), so a vector never depends on random weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .batching import pad_batch, run_batched
from .embedding import require_finite_embeddings

POOLING = "dual_encoder"  # the pooling name the embedding cache keys these vectors under
CHUNK = 8192  # texts tokenized at once


def first_token_vectors(model, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(batch, hidden): the pooler's output where the model has one, else the last layer's first token."""
    out = model(input_ids=ids, attention_mask=mask)
    pooled = getattr(out, "pooler_output", None)
    return pooled if pooled is not None else out.last_hidden_state[:, 0]


def encode_texts(tokenizer, model, texts: Sequence[str], *, max_length: int, batch_size: int, device,
                 progress=None, chunk: int = CHUNK) -> list[np.ndarray]:
    """One unit-length float32 vector per text, in input order (token-budget batches, as embed_texts).

    Texts are tokenized ``chunk`` at a time: a fast tokenizer's output holds several kilobytes a text
    (tokens, offsets, masks) until only the ids are kept, which for a million candidates at once would be
    gigabytes; batches are length-sorted within a chunk."""
    layer = model.config.num_hidden_layers
    out: list[np.ndarray] = []
    for first in range(0, len(texts), chunk):
        part = list(texts[first:first + chunk])
        rows = tokenizer(part, truncation=True, max_length=max_length)["input_ids"]

        def run(batch: list[int], rows=rows, part=part) -> list[np.ndarray]:
            ids, mask = pad_batch([rows[i] for i in batch], tokenizer.pad_token_id, device)
            with torch.inference_mode():
                vectors = torch.nn.functional.normalize(first_token_vectors(model, ids, mask).float(), p=2, dim=1)
            vectors = vectors.cpu().numpy().astype(np.float32)
            require_finite_embeddings(model, part, batch, vectors, layer)
            return list(vectors)

        out += run_batched(rows, batch_size, run, progress)
    return out
