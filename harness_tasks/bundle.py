"""The checkpoint bundle: the one folder layout the training recipe writes and the harness scores.

    BUNDLE/
      manifest.json      how every checkpoint was made (see below)
      encoder/           the retrieval encoder (BUCC, Tatoeba): the intermediate-task encoder, or the
                         pretrained one for a baseline; loaded with AutoModel
      xnli/  pawsx/      pair classification heads   (AutoModelForSequenceClassification)
      udpos/ panx/       token classification heads  (AutoModelForTokenClassification)
      squad/             extractive QA trained on SQuAD v1.1, scores XQuAD and MLQA
                         (AutoModelForQuestionAnswering)
      tydiqa/            extractive QA trained on TyDiQA-GoldP English

Each head folder is a plain ``save_pretrained`` output: config.json (with id2label for the classifiers),
model.safetensors and the tokenizer files. Any head may be missing: the tasks that need it are skipped
with a message. manifest.json is ``{"format": 1, "checkpoints": {head: {...}}}`` where each entry records
base model, intermediate tasks and their order, sampling, seed, hyperparameters, data hashes and package
versions; the harness copies it into results.json beside the checkpoint hashes.

This module is pure data and file helpers (no torch), so the scorer, training and the harness share it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness_tasks.atomic import write_json_atomic

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
ENCODER = "encoder"

# Which head folder serves which XTREME task. BUCC and Tatoeba use the bare encoder.
HEAD_FOR_TASK: dict[str, str] = {
    "xnli": "xnli",
    "pawsx": "pawsx",
    "udpos": "udpos",
    "panx": "panx",
    "xquad": "squad",
    "mlqa": "squad",
    "tydiqa": "tydiqa",
    "bucc2018": ENCODER,
    "tatoeba": ENCODER,
}

# The transformers Auto class each head is loaded with.
HEAD_KIND: dict[str, str] = {
    "xnli": "sequence_classification",
    "pawsx": "sequence_classification",
    "udpos": "token_classification",
    "panx": "token_classification",
    "squad": "question_answering",
    "tydiqa": "question_answering",
    ENCODER: "encoder",
}


def head_dir(bundle: str | os.PathLike, task: str) -> Path:
    """The folder inside a bundle that scores ``task`` (it may not exist)."""
    return Path(bundle) / HEAD_FOR_TASK[task]


def read_manifest(bundle: str | os.PathLike) -> dict:
    path = Path(bundle) / MANIFEST
    if not path.exists():
        return {"format": MANIFEST_FORMAT, "checkpoints": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    if not isinstance(manifest, dict) or "checkpoints" not in manifest:
        raise ValueError(f"{path}: expected an object with a 'checkpoints' key")
    return manifest


def record_checkpoint(bundle: str | os.PathLike, head: str, entry: dict) -> None:
    """Add or replace one head's entry in the bundle manifest (atomically)."""
    if head not in HEAD_KIND:
        raise ValueError(f"unknown bundle head {head!r}; expected one of {', '.join(HEAD_KIND)}")
    manifest = read_manifest(bundle)
    manifest["format"] = MANIFEST_FORMAT
    manifest["checkpoints"][head] = entry
    write_json_atomic(Path(bundle) / MANIFEST, manifest)
