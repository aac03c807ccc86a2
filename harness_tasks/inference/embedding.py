"""Sentence embeddings from one hidden layer, computing only the layers needed.

``layer=N`` means ``hidden_states[N]`` of a full forward pass (0 = the embedding output). Rather than
run every layer and keep all of them (what the reference retrieval code does), the forward pass is
stopped at the input of layer N: a pre-hook on that layer captures its hidden states and aborts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from harness_tasks.bundle import CheckpointError

from .batching import pad_batch, run_batched

# Published retrieval layers (XTREME: mBERT hidden_states[8], XLM-R large hidden_states[14]),
# keyed by (model_type, num_hidden_layers, vocab_size).
PUBLISHED_LAYERS = {
    ("bert", 12, 119547): 8,
    ("xlm-roberta", 24, 250002): 14,
}


def default_layer(config) -> tuple[int, str]:
    """(layer, why): the published layer for mBERT / XLM-R large, else the middle layer
    (num_hidden_layers // 2), a stated choice of ours rather than a published setting."""
    key = (getattr(config, "model_type", ""), config.num_hidden_layers, getattr(config, "vocab_size", 0))
    if key in PUBLISHED_LAYERS:
        return PUBLISHED_LAYERS[key], "published XTREME setting"
    return config.num_hidden_layers // 2, "middle layer (num_hidden_layers // 2): our default"


def find_layers(model) -> torch.nn.ModuleList:
    """The transformer block list: the ModuleList whose length is config.num_hidden_layers."""
    n = model.config.num_hidden_layers
    for _, module in model.named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) == n:
            return module
    raise ValueError(f"{type(model).__name__}: no list of {n} transformer layers found")


class _Stop(Exception):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden


def hidden_at_layer(model, ids, mask, layer: int) -> torch.Tensor:
    """hidden_states[layer] without running the layers above it."""
    n = model.config.num_hidden_layers
    if not 0 <= layer <= n:
        raise ValueError(f"layer {layer} out of range: the model has hidden_states[0..{n}]")
    if layer == n:
        return model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[n]

    def grab(_module, args, kwargs):
        hidden = args[0] if args else kwargs["hidden_states"]
        raise _Stop(hidden)

    handle = find_layers(model)[layer].register_forward_pre_hook(grab, with_kwargs=True)
    try:
        model(input_ids=ids, attention_mask=mask)
    except _Stop as stop:
        return stop.hidden
    finally:
        handle.remove()
    raise RuntimeError(f"layer {layer} was never reached: cannot stop early in {type(model).__name__}")


def pool(hidden: torch.Tensor, mask: torch.Tensor, pooling: str) -> torch.Tensor:
    if pooling == "cls":
        return hidden[:, 0]
    if pooling == "mean":
        # Mean over the attention mask: special tokens count, padding does not (the XTREME setting).
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1)
    raise ValueError(f"pooling {pooling!r}: expected 'mean' or 'cls'")


def embed_texts(tokenizer, model, texts: Sequence[str], *, layer: int, pooling: str, max_length: int,
                batch_size: int, device, progress=None, max_tokens: int | None = None) -> list[np.ndarray]:
    """One float32 vector per text, in input order. Batches hold at most ``max_tokens`` padded tokens
    (default ``batch_size x 128``; see batching.run_batched)."""
    rows = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]

    def run(batch: list[int]) -> list[np.ndarray]:
        ids, mask = pad_batch([rows[i] for i in batch], tokenizer.pad_token_id, device)
        pooled = pool(hidden_at_layer(model, ids, mask, layer).float(), mask, pooling)
        vectors = pooled.cpu().numpy().astype(np.float32)
        require_finite_embeddings(model, texts, batch, vectors, layer)
        return list(vectors)

    return run_batched(rows, batch_size, run, progress, max_tokens=max_tokens)


def require_finite_embeddings(model, texts: Sequence[str], batch: list[int], vectors: np.ndarray, layer: int) -> None:
    """CheckpointError when a vector of this batch holds NaN or infinity, naming the checkpoint and the
    sentence. Finite weights can still give one: half precision overflows (float16 ends at 65504) in a
    model trained in float32. Checked per batch, so a broken model stops at its first batch; a NaN vector
    would otherwise reach the nearest-neighbour search, which cannot rank it (BUCC and Tatoeba then fail
    or score 0 without saying why)."""
    bad = ~np.isfinite(vectors).all(axis=1)
    if not bad.any():
        return
    first = min(batch[j] for j in np.flatnonzero(bad))
    text = texts[first]
    shown = repr(text if len(text) <= 60 else text[:57] + "...")
    dtype = str(next(model.parameters()).dtype).removeprefix("torch.")
    fix = ("float16 overflows: embed in bfloat16 or float32 (--dtype)" if dtype == "float16"
           else "the checkpoint's weights or settings are broken")
    raise CheckpointError(f"{getattr(model, 'name_or_path', '') or type(model).__name__}: the embedding of sentence "
                          f"{first} of {len(texts)} ({shown}) at layer {layer} holds NaN or infinity ({int(bad.sum())} "
                          f"of this batch's {len(batch)}, {dtype}); {fix}")
