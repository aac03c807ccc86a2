"""Finding NaN and infinity: in weights (a checkpoint's safetensors files, a model in memory) and in the
numbers of a JSON settings file. One implementation for the harness, which refuses to score such a
checkpoint (inference.checkpoint_checks), and for training, which refuses to write one (training.finite).

A NaN weight does not fail loudly: every logit becomes NaN, argmax reads NaN as the largest value and
every prediction is class 0, a score that looks like a weak model. So it is looked for, not waited for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path

# Elements read at once when streaming one tensor: bounds the memory of the check (about 64 MiB of
# float32 plus its boolean mask), whatever the size of the largest tensor.
_CHUNK_ELEMENTS = 1 << 24


def nonfinite_tensors(tensors: Iterable[tuple[str, object]]) -> list[str]:
    """The names of the floating-point tensors (torch) holding a NaN or an infinity."""
    return [name for name, tensor in tensors if tensor.is_floating_point() and not _all_finite(tensor)]


def _all_finite(tensor) -> bool:
    import torch

    if tensor.element_size() == 1:  # float8 types: isfinite is not implemented for them everywhere
        tensor = tensor.float()
    return bool(torch.isfinite(tensor).all())


def first_nonfinite_tensor(weights: str | Path) -> str | None:
    """The first tensor (in the file's order) of a safetensors file holding a NaN or an infinity, or None.

    Streams the file: each tensor is read in slices of its first dimension (memory-mapped), so memory stays
    bounded by the slice, not by the model. It reads every weight once; where a checkpoint is hashed as
    well (the prediction cache) that is the second read of the same bytes, which the page cache serves.
    """
    from safetensors import safe_open

    with safe_open(str(weights), framework="pt") as handle:
        for name in handle.keys():  # noqa: SIM118 - a safetensors handle is not iterable
            part = handle.get_slice(name)
            if not (part.get_dtype().startswith("F") or part.get_dtype() == "BF16"):
                continue  # integer and boolean tensors (ids, masks) hold no NaN
            shape = part.get_shape()
            if not shape:  # a scalar
                if not _all_finite(handle.get_tensor(name)):
                    return name
                continue
            row = math.prod(shape[1:]) or 1
            step = max(1, _CHUNK_ELEMENTS // row)
            for start in range(0, shape[0], step):
                if not _all_finite(part[start:start + step]):
                    return name
    return None


def nonfinite_numbers(value) -> Iterator[tuple[tuple, float]]:
    """``(keys, number)`` for every NaN or infinite float in parsed JSON (Python's json reads ``NaN``,
    ``Infinity`` and ``1e999`` without complaint), keys being the path from the top (see
    evaluators.json_input.json_path), in document order. A loop, not recursion: any depth json parsed."""
    stack: list[tuple[tuple, object]] = [((), value)]
    while stack:
        keys, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            yield keys, item
        elif isinstance(item, dict):
            stack.extend(reversed([((*keys, key), child) for key, child in item.items()]))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed([((*keys, i), child) for i, child in enumerate(item)]))
