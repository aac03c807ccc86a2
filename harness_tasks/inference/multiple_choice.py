"""Multiple choice: each (prompt, choice) pair scored by a multiple-choice head; the index of the best one.

The pairs are encoded as the recipe trains them (training/features.py: ``prompt [SEP] choice``, truncated
longest first to ``max_length``) and fed as one ``examples x choices x tokens`` batch, which is what a
transformers ``...ForMultipleChoice`` head takes: it gives one logit per choice. Batches are bounded by
padded tokens, as the other request types' (inference.batching), counting every choice of an example;
examples with different numbers of choices never share a batch (a batch is one rectangle).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .batching import default_max_tokens, pad_batch, token_budget_batches


def choose_answers(tokenizer, model, items: Sequence[tuple[str, Sequence[str]]], *, max_length: int,
                   batch_size: int, device, progress=None) -> list[int]:
    """The 0-based index of the highest-scoring choice of each ``(prompt, choices)`` (the first on a tie)."""
    if any(len(choices) < 2 for _, choices in items):
        raise ValueError("choose: every example needs at least two choices")
    prompts = [prompt for prompt, choices in items for _ in choices]
    seconds = [choice for _, choices in items for choice in choices]
    encoded = tokenizer(prompts, seconds, truncation="longest_first", max_length=max_length) if items else {}
    rows, types = encoded.get("input_ids", []), encoded.get("token_type_ids")
    use_types = types is not None and getattr(model.config, "type_vocab_size", 0) > 1
    first_row, start = [], 0  # each example's first row in ``rows``
    for _, choices in items:
        first_row.append(start)
        start += len(choices)
    out: list = [None] * len(items)
    by_count: dict[int, list[int]] = {}
    for i, (_, choices) in enumerate(items):
        by_count.setdefault(len(choices), []).append(i)
    budget = default_max_tokens(batch_size)
    for count, examples in by_count.items():
        # An example costs its choices x its longest pair, as padded in the batch.
        lengths = [count * max(len(rows[first_row[i] + c]) for c in range(count)) for i in examples]
        for batch in token_budget_batches(lengths, budget):
            chosen = [examples[k] for k in batch]
            picked = [first_row[i] + c for i in chosen for c in range(count)]
            ids, mask = pad_batch([rows[r] for r in picked], tokenizer.pad_token_id, device)
            shape = (len(chosen), count, -1)  # examples x choices x tokens
            kwargs = {"input_ids": ids.view(shape), "attention_mask": mask.view(shape)}
            if use_types:
                type_ids, _ = pad_batch([types[r] for r in picked], 0, device)
                kwargs["token_type_ids"] = type_ids.view(shape)
            logits = model(**kwargs).logits
            for i, best in zip(chosen, torch.argmax(logits.float(), dim=-1).tolist(), strict=True):
                out[i] = int(best)
            if progress is not None:
                progress.update(len(chosen))
    return out
