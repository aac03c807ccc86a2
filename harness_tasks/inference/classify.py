"""Sentence-pair classification: the label name (config.id2label) of the arg-max logit."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .batching import pad_batch, run_batched


def classify_pairs(tokenizer, model, pairs: Sequence[tuple[str, str | None]], *, max_length: int,
                   batch_size: int, device, progress=None) -> list[str]:
    firsts = [p[0] for p in pairs]
    seconds = [p[1] for p in pairs]
    if any(s is None for s in seconds):
        if not all(s is None for s in seconds):
            raise ValueError("classify: mix of single sentences and pairs in one call")
        encoded = tokenizer(firsts, truncation=True, max_length=max_length)
    else:
        encoded = tokenizer(firsts, seconds, truncation="longest_first", max_length=max_length)
    rows = encoded["input_ids"]
    types = encoded.get("token_type_ids")
    id2label = model.config.id2label

    def run(batch: list[int]) -> list[str]:
        ids, mask = pad_batch([rows[i] for i in batch], tokenizer.pad_token_id, device)
        kwargs = {}
        if types is not None and getattr(model.config, "type_vocab_size", 0) > 1:
            kwargs["token_type_ids"], _ = pad_batch([types[i] for i in batch], 0, device)
        logits = model(input_ids=ids, attention_mask=mask, **kwargs).logits
        return [str(id2label[int(k)]) for k in torch.argmax(logits.float(), dim=-1).tolist()]

    return run_batched(rows, batch_size, run, progress)
