"""Length-sorted batching with dynamic padding: similar lengths share a batch, so little is padded."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import torch


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches, longest first (a memory error shows up on the first batch)."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """input_ids and attention_mask tensors, right-padded to the longest row in the batch."""
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, :len(row)] = 1
    return ids.to(device), mask.to(device)


def run_batched(rows: Sequence[Sequence[int]], batch_size: int, fn: Callable, progress=None) -> list:
    """Call ``fn(indices)`` per length-sorted batch; ``fn`` returns one result per index. Results come
    back in the original order."""
    out: list = [None] * len(rows)
    for batch in length_sorted_batches([len(r) for r in rows], batch_size):
        for i, value in zip(batch, fn(batch), strict=True):
            out[i] = value
        if progress is not None:
            progress.update(len(batch))
    return out
