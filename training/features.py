"""Records -> model inputs, one encoder per head kind, plus the English-dev predictions used for model selection.

* Pair / sequence classification: ``[CLS] s1 [SEP] s2 [SEP]`` truncated to max_length, label index.
* Token classification: words fed pre-split; the first sub-token of each word carries the word's tag and
  every other position -100 (ignored by the loss), so one prediction per word comes back.
* Extractive QA: question + context windows of qa_max_length with doc_stride overlap; the answer's start and
  end token when it lies wholly inside the window, else the null span (0, 0), which is also the target of an
  unanswerable SQuAD v2.0 question. Windows keep offsets so dev predictions map back to context text.
* Multiple choice: one ``context [SEP] choice`` sequence per choice; the label is the right choice's index.
  A target's examples (XCOPA's COPA and SocialIQA, harness_tasks.records.MultipleChoiceExample) take the
  harness's prompt as context (readers.multiple_choice.choice_prompt), so a head is trained on the inputs
  it is scored with; an intermediate task's (HellaSwag, ...) carry their context ready made.

Features are plain dicts of Python lists; ``collate`` pads a batch to its longest member.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness_tasks.heads import MULTIPLE_CHOICE, QUESTION_ANSWERING, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION
from harness_tasks.inference.spans import N_BEST, best_answers, best_span
from harness_tasks.inference.tagging import first_pieces, labels_at
from harness_tasks.readers.multiple_choice import choice_prompt

IGNORE = -100


@dataclass
class Encoded:
    """A task's features and, for QA dev decoding, which example each window came from."""

    features: list[dict]
    example_index: list[int] = field(default_factory=list)  # per feature (QA and tagging)
    offsets: list[list] = field(default_factory=list)  # QA: per feature, context char spans (None elsewhere)
    word_ids: list[list] = field(default_factory=list)  # tagging: per feature


def _keep(enc, i=None) -> dict:
    keys = ("input_ids", "attention_mask", "token_type_ids")
    return {k: (enc[k][i] if i is not None else enc[k]) for k in keys if k in enc}


def encode(head: str, examples: list, tokenizer, labels: tuple[str, ...], hyper) -> Encoded:
    label_ids = {label: i for i, label in enumerate(labels)}
    if head == SEQUENCE_CLASSIFICATION:
        enc = tokenizer(
            [e.sentence1 for e in examples], [e.sentence2 for e in examples],
            truncation=True, max_length=hyper.max_length,
        )
        feats = []
        for i, e in enumerate(examples):
            feat = _keep(enc, i)
            feat["labels"] = label_ids[e.label]
            feats.append(feat)
        return Encoded(feats, list(range(len(examples))))
    if head == TOKEN_CLASSIFICATION:
        enc = tokenizer(
            [list(e.tokens) for e in examples], is_split_into_words=True, truncation=True,
            max_length=hyper.max_length,
        )
        out = Encoded([], [], [], [])
        for i, e in enumerate(examples):
            word_ids = enc.word_ids(i)
            tags = [IGNORE] * len(word_ids)  # trained where the harness reads a word's tag: its first piece
            for w, position in first_pieces(word_ids):
                tags[position] = label_ids[e.tags[w]]
            feat = _keep(enc, i)
            feat["labels"] = tags
            out.features.append(feat)
            out.example_index.append(i)
            out.word_ids.append(word_ids)
        return out
    if head == QUESTION_ANSWERING:
        return _encode_qa(examples, tokenizer, hyper)
    if head == MULTIPLE_CHOICE:
        feats = []
        for e in examples:
            context = e.context if hasattr(e, "context") else choice_prompt(e)
            enc = tokenizer(
                [context] * len(e.choices), list(e.choices), truncation=True, max_length=hyper.max_length
            )
            feat = {k: [enc[k][c] for c in range(len(e.choices))] for k in _keep(enc)}
            feat["labels"] = e.label
            feats.append(feat)
        return Encoded(feats, list(range(len(examples))))
    raise ValueError(f"unknown head kind {head!r}")


def _encode_qa(examples: list, tokenizer, hyper) -> Encoded:
    pad_right = tokenizer.padding_side == "right"
    if not pad_right:
        raise ValueError("extractive QA features assume a tokenizer that pads on the right")
    # Leading spaces only waste window room; overlong questions are cut (see _fit_questions).
    questions = _fit_questions(tokenizer, [e.question.lstrip() for e in examples], hyper)
    enc = tokenizer(
        questions,
        [e.context for e in examples],
        truncation="only_second",
        max_length=hyper.qa_max_length,
        stride=hyper.doc_stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    out = Encoded([], [], [], [])
    for f in range(len(enc["input_ids"])):
        i = enc["overflow_to_sample_mapping"][f]
        example = examples[i]
        sequence_ids = enc.sequence_ids(f)
        offsets = [span if sequence_ids[k] == 1 else None for k, span in enumerate(enc["offset_mapping"][f])]
        context_tokens = [k for k, s in enumerate(sequence_ids) if s == 1]
        start = end = 0  # the null span: the first ([CLS]) position
        if example.answers:
            answer = example.answers[0]
            char_start = answer.start
            char_end = char_start + len(answer.text)
            first, last = context_tokens[0], context_tokens[-1]
            if offsets[first][0] <= char_start and offsets[last][1] >= char_end:
                start = next(k for k in context_tokens if offsets[k][1] > char_start)
                end = next(k for k in reversed(context_tokens) if offsets[k][0] < char_end)
        feat = _keep(enc, f)
        feat["start_positions"] = start
        feat["end_positions"] = end
        out.features.append(feat)
        out.example_index.append(i)
        out.offsets.append(offsets)
    return out


def _fit_questions(tokenizer, questions: list[str], hyper) -> list[str]:
    """Questions cut to the tokens a window can hold beside more than ``doc_stride`` context tokens.

    The windows overlap by doc_stride tokens, so each must hold more context than that; a longer question
    makes the tokenizer panic (it cannot truncate the question, only the context). Only questions that
    would fail are cut, so every other feature is unchanged. The config keeps doc_stride <= half of
    qa_max_length, which leaves room for a question of several tokens.
    """
    room = hyper.qa_max_length - tokenizer.num_special_tokens_to_add(pair=True) - hyper.doc_stride - 1
    if room < 1:
        raise ValueError(f"qa_max_length {hyper.qa_max_length} leaves no room for a question beside doc_stride"
                         f" {hyper.doc_stride}")
    pieces = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for question, offsets in zip(questions, pieces["offset_mapping"]):
        # Cut after the room-th token; a prefix can tokenize differently, so check again (the question
        # shrinks every time round, so this ends).
        while len(offsets) > room:
            question = question[:min(offsets[room - 1][1], len(question) - 1)]
            offsets = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        out.append(question)
    return out


def collate(features: list[dict], pad_id: int) -> dict:
    """Pad to the longest sequence of the batch and stack into tensors (multiple choice: B x C x L)."""
    import torch

    multiple = isinstance(features[0]["input_ids"][0], list)
    rows = [seq for f in features for seq in (f["input_ids"] if multiple else [f["input_ids"]])]
    width = max(len(r) for r in rows)
    batch = {}
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        if key not in features[0]:
            continue
        fill = pad_id if key == "input_ids" else 0
        seqs = [s for f in features for s in (f[key] if multiple else [f[key]])]
        tensor = torch.tensor([s + [fill] * (width - len(s)) for s in seqs], dtype=torch.long)
        if multiple:
            tensor = tensor.view(len(features), -1, width)
        batch[key] = tensor
    if "labels" in features[0]:
        if isinstance(features[0]["labels"], list):
            batch["labels"] = torch.tensor(
                [f["labels"] + [IGNORE] * (width - len(f["labels"])) for f in features], dtype=torch.long
            )
        else:
            batch["labels"] = torch.tensor([f["labels"] for f in features], dtype=torch.long)
    for key in ("start_positions", "end_positions"):
        if key in features[0]:
            batch[key] = torch.tensor([f[key] for f in features], dtype=torch.long)
    if "candidate_input_ids" in features[0]:  # a dual encoder's other side, padded to its own longest
        width = max(len(f["candidate_input_ids"]) for f in features)
        for key, fill in (("candidate_input_ids", pad_id), ("candidate_attention_mask", 0)):
            batch[key] = torch.tensor([f[key] + [fill] * (width - len(f[key])) for f in features], dtype=torch.long)
    return batch


# ---------------------------------------------------------------------------------------------------------
# English-dev predictions for model selection: the harness's own decoding (harness_tasks.inference.tagging and
# .spans) over these features, so a head is selected on what it will be scored with. The scores themselves
# come from evaluators.*.


def predict_classes(logits_rows, labels) -> list[str]:
    return [labels[int(row.argmax())] for row in logits_rows]


def predict_choices(logits_rows) -> list[int]:
    """The chosen index per example (one logit per choice), the first on a tie, as the harness chooses."""
    return [int(row.argmax()) for row in logits_rows]


def predict_tags(encoded: Encoded, logits, examples, labels) -> list[list[str]]:
    """One tag per word from its first sub-token. A word the window cut off (or that has no sub-token)
    gets the first label ('O' for PAN-X) so every sentence keeps its length for the scorer."""
    out = [[labels[0]] * len(e.tokens) for e in examples]
    for f, word_ids in enumerate(encoded.word_ids):
        pieces = first_pieces(word_ids)
        tags = labels_at(logits[f].argmax(-1), [position for _, position in pieces], labels)
        for (w, _), tag in zip(pieces, tags):
            out[encoded.example_index[f]][w] = tag
    return out


def predict_spans(encoded: Encoded, start_logits, end_logits, examples, max_answer_length: int) -> dict[str, str]:
    """The best non-null span per question over all its windows (start <= end, at most max_answer_length
    tokens, both inside the context, the top N_BEST starts and ends searched), as context text."""
    window_spans = []
    for f, offsets in enumerate(encoded.offsets):
        context = [k for k, span in enumerate(offsets) if span is not None]
        window_spans.append(best_span(_floats(start_logits[f]), _floats(end_logits[f]), context, N_BEST,
                                      max_answer_length))
    answers = best_answers(window_spans, encoded.example_index, encoded.offsets, [e.context for e in examples])
    return {e.id: answer for e, answer in zip(examples, answers)}


def _floats(row) -> list[float]:
    """A row of logits (a tensor, or a list) as Python floats, the numbers best_span adds and compares."""
    return row.tolist() if hasattr(row, "tolist") else [float(x) for x in row]
