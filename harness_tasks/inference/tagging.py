"""Word-level tagging: each word's label is read at its first sub-token.

Sentences longer than the model's limit are cut into consecutive windows of whole words, each run on
its own and stitched back, so there is always exactly one prediction per word. A word the tokenizer
turns into nothing (control characters, odd whitespace) is fed as the unknown token so it still gets a
prediction at a position of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .batching import pad_batch, run_batched


def word_windows(piece_counts: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """Split words into consecutive [start, end) windows of at most ``budget`` sub-tokens. A single word
    longer than the budget gets a window of its own (it is truncated; only its first piece is read)."""
    if budget < 1:
        raise ValueError(f"window budget must be positive, got {budget}")
    windows: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, count in enumerate(piece_counts):
        count = min(count, budget)
        if used + count > budget and i > start:
            windows.append((start, i))
            start, used = i, 0
        used += count
    if start < len(piece_counts) or not windows:
        windows.append((start, len(piece_counts)))
    return windows


def first_pieces(word_ids: Sequence[int | None]) -> list[tuple[int, int]]:
    """``(word, position)`` of each word's first sub-token, from a fast tokenizer's ``word_ids()`` of one
    input (None for special tokens): the positions a word's label is trained at and read from."""
    out, previous = [], None
    for position, word in enumerate(word_ids):
        if word is not None and word != previous:
            out.append((word, position))
        previous = word
    return out


def labels_at(best_ids, positions: Sequence[int], id2label) -> list[str]:
    """The label of each word, read at its first sub-token: ``best_ids`` is one input's argmax class id per
    position, ``positions`` the first-piece position of each word, ``id2label`` class id -> label."""
    return [str(id2label[int(best_ids[p])]) for p in positions]


def tag_sentences(tokenizer, model, sentences: Sequence[Sequence[str]], *, max_length: int,
                  batch_size: int, device, progress=None) -> list[list[str]]:
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    if cls_id is None or sep_id is None:
        raise ValueError("tagging needs a tokenizer with cls and sep tokens")
    budget = max_length - 2
    rows: list[list[int]] = []  # one model input per window
    firsts: list[list[int]] = []  # per window: position of each word's first piece
    owner: list[tuple[int, int]] = []  # per window: (sentence index, first word index)
    for s, words in enumerate(sentences):
        if not words:
            continue
        pieces = tokenizer(list(words), add_special_tokens=False)["input_ids"]
        pieces = [p if p else [tokenizer.unk_token_id] for p in pieces]
        for start, end in word_windows([len(p) for p in pieces], budget):
            ids, positions = [cls_id], []
            for w in range(start, end):
                positions.append(len(ids))
                ids.extend(pieces[w][:budget])
            ids.append(sep_id)
            rows.append(ids)
            firsts.append(positions)
            owner.append((s, start))
    id2label = model.config.id2label

    def run(batch: list[int]) -> list[list[str]]:
        ids, mask = pad_batch([rows[i] for i in batch], tokenizer.pad_token_id, device)
        best = torch.argmax(model(input_ids=ids, attention_mask=mask).logits.float(), dim=-1).cpu()
        return [labels_at(best[b], firsts[i], id2label) for b, i in enumerate(batch)]

    window_tags = run_batched(rows, batch_size, run, progress)
    out: list[list[str]] = [[] for _ in sentences]
    for (s, start), tags in sorted(zip(owner, window_tags), key=lambda x: x[0]):
        if len(out[s]) != start:
            raise AssertionError(f"sentence {s}: window starts at word {start}, stitched {len(out[s])}")
        out[s].extend(tags)
    for s, words in enumerate(sentences):
        if len(out[s]) != len(words):
            raise AssertionError(f"sentence {s}: {len(words)} words but {len(out[s])} predictions")
    return out
