"""The intermediate-phase model: one shared encoder (``AutoModel``) and one small head per task.

Only the encoder leaves the intermediate phase (it becomes the target phase's starting point and the
bundle's retrieval encoder), so the heads are plain modules rather than transformers head classes; that is
what lets several tasks of different kinds share one encoder in multi-task training. Target phases use the
transformers Auto classes instead (harness_tasks.heads.AUTO_CLASSES), because the bundle stores those.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from harness_tasks.heads import MULTIPLE_CHOICE, QUESTION_ANSWERING, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION

IGNORE = -100


def _dropout(config) -> float:
    for name in ("hidden_dropout_prob", "dropout_rate", "dropout"):
        value = getattr(config, name, None)
        if isinstance(value, float):
            return value
    return 0.1


class TaskHead(nn.Module):
    def __init__(self, kind: str, hidden: int, num_labels: int, dropout: float) -> None:
        super().__init__()
        self.kind = kind
        self.dropout = nn.Dropout(dropout)
        out = {SEQUENCE_CLASSIFICATION: num_labels, TOKEN_CLASSIFICATION: num_labels,
               QUESTION_ANSWERING: 2, MULTIPLE_CHOICE: 1}[kind]
        self.out = nn.Linear(hidden, out)

    def loss(self, outputs, batch: dict, n_choices: int = 0) -> torch.Tensor:
        sequence = outputs.last_hidden_state
        if self.kind in (SEQUENCE_CLASSIFICATION, MULTIPLE_CHOICE):
            # The encoder's own pooler where it has one (BERT): the target phase's sequence classifier
            # reads the same pooler, so intermediate training tunes it; else the first token (XLM-R style).
            pooled = getattr(outputs, "pooler_output", None)
            pooled = sequence[:, 0] if pooled is None else pooled
            logits = self.out(self.dropout(pooled))
            if self.kind == MULTIPLE_CHOICE:
                logits = logits.view(-1, n_choices)
            return F.cross_entropy(logits, batch["labels"])
        if self.kind == TOKEN_CLASSIFICATION:
            logits = self.out(self.dropout(sequence))
            return F.cross_entropy(logits.flatten(0, 1), batch["labels"].flatten(), ignore_index=IGNORE)
        start, end = self.out(sequence).unbind(-1)
        return (F.cross_entropy(start, batch["start_positions"]) + F.cross_entropy(end, batch["end_positions"])) / 2


class SharedEncoderModel(nn.Module):
    """``forward(task, batch) -> loss``; the encoder is shared, the head is picked by task name."""

    def __init__(self, encoder, tasks: dict[str, tuple[str, int]]) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size if hasattr(encoder.config, "hidden_size") else encoder.config.d_model
        dropout = _dropout(encoder.config)
        self.heads = nn.ModuleDict(
            {name: TaskHead(kind, hidden, num_labels, dropout) for name, (kind, num_labels) in tasks.items()}
        )

    def forward(self, task: str, batch: dict) -> torch.Tensor:
        head = self.heads[task]
        inputs = {k: batch[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in batch}
        n_choices = 0
        if head.kind == MULTIPLE_CHOICE:
            n_choices = inputs["input_ids"].shape[1]
            inputs = {k: v.flatten(0, 1) for k, v in inputs.items()}
        if "token_type_ids" in inputs and getattr(self.encoder.config, "type_vocab_size", 2) < 2:
            del inputs["token_type_ids"]  # XLM-R has one segment type; its tokenizer still returns zeros
        return head.loss(self.encoder(**inputs), batch, n_choices)
