"""Extractive QA: sliding windows over the context, n-best start/end search, answers cut from the
original context string through the tokenizer's offset mapping (so no detokenisation artefacts)."""

from __future__ import annotations

from collections.abc import Sequence

from .batching import pad_batch, run_batched

N_BEST = 20  # start and end candidates searched per window: the reference's n_best_size (and training's)


def _clip_question(tokenizer, question: str, max_query_tokens: int) -> str:
    """Cut an over-long question at a token boundary (the reference uses 64 query tokens)."""
    enc = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    if len(offsets) <= max_query_tokens:
        return question
    return question[:offsets[max_query_tokens - 1][1]]


def best_span(start_logits, end_logits, context_positions: Sequence[int], n_best: int,
              max_answer_length: int) -> tuple[float, int, int] | None:
    """The highest start+end score span inside the context (token positions), or None."""
    allowed = set(context_positions)
    if not allowed:
        return None
    starts = sorted(context_positions, key=lambda p: -start_logits[p])[:n_best]
    ends = sorted(context_positions, key=lambda p: -end_logits[p])[:n_best]
    best = None
    for s in starts:
        for e in ends:
            if e < s or e - s + 1 > max_answer_length:
                continue
            score = start_logits[s] + end_logits[e]
            if best is None or score > best[0]:
                best = (score, s, e)
    return best


def extract_spans(tokenizer, model, items: Sequence[tuple[str, str]], *, max_length: int, doc_stride: int,
                  max_query_tokens: int, max_answer_length: int, n_best: int, batch_size: int, device,
                  progress=None) -> list[str]:
    questions = [_clip_question(tokenizer, q.lstrip(), max_query_tokens) for q, _ in items]
    contexts = [c for _, c in items]
    if not items:
        return []
    enc = tokenizer(
        questions, contexts, truncation="only_second", max_length=max_length, stride=doc_stride,
        return_overflowing_tokens=True, return_offsets_mapping=True,
    )
    rows = enc["input_ids"]
    types = enc.get("token_type_ids")
    sample_of = enc["overflow_to_sample_mapping"]
    context_positions = [
        [p for p, sid in enumerate(enc.sequence_ids(f)) if sid == 1] for f in range(len(rows))
    ]

    def run(batch: list[int]):
        ids, mask = pad_batch([rows[i] for i in batch], tokenizer.pad_token_id, device)
        kwargs = {}
        if types is not None and getattr(model.config, "type_vocab_size", 0) > 1:
            kwargs["token_type_ids"], _ = pad_batch([types[i] for i in batch], 0, device)
        out = model(input_ids=ids, attention_mask=mask, **kwargs)
        starts = out.start_logits.float().cpu().tolist()
        ends = out.end_logits.float().cpu().tolist()
        return [best_span(starts[b], ends[b], context_positions[i], n_best, max_answer_length)
                for b, i in enumerate(batch)]

    if progress is not None:
        progress.reset(total=len(rows))  # progress counts windows (features), not questions
        progress.unit = "window"
    per_feature = run_batched(rows, batch_size, run, progress)
    return best_answers(per_feature, sample_of, enc["offset_mapping"], contexts)


def best_answers(window_spans: Sequence[tuple[float, int, int] | None], sample_of: Sequence[int],
                 offsets: Sequence[Sequence], contexts: Sequence[str]) -> list[str]:
    """Each question's answer: the best-scoring span (:func:`best_span`) over all its windows, cut from the
    context through that window's offset mapping; "" for a question no window found a span for. On a tie
    the earlier window wins. ``sample_of[f]``: the question window ``f`` belongs to."""
    best: list[tuple[float, int, int, int] | None] = [None] * len(contexts)
    for f, span in enumerate(window_spans):
        if span is None:
            continue
        q = sample_of[f]
        if best[q] is None or span[0] > best[q][0]:
            best[q] = (span[0], f, span[1], span[2])
    answers = []
    for q, found in enumerate(best):
        if found is None:
            answers.append("")
            continue
        _, f, s, e = found
        answers.append(contexts[q][offsets[f][s][0]:offsets[f][e][1]])
    return answers
