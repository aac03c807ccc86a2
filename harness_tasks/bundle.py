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
      xcopa/             multiple choice trained on SocialIQA, then English COPA, scores XCOPA
                         (AutoModelForMultipleChoice)

The folders are the declared training data's heads (``TrainingData.head``) plus ``encoder/``; each is loaded
with the Auto class of its kind (harness_tasks.heads.AUTO_CLASSES), so the list above is an example, not
a table to keep in step.

Each head folder is a plain ``save_pretrained`` output: config.json (with id2label for the classifiers),
model.safetensors and the tokenizer files. Any head may be missing: the tasks that need it are skipped
with a message. manifest.json is ``{"format": 1, "checkpoints": {head: {...}}}`` where each entry records
base model, intermediate tasks and their order, sampling, seed, hyperparameters, data hashes and package
versions; the harness copies it into results.json beside the checkpoint hashes. The manifest is optional
(a bundle assembled by hand may have none); when present it must be such an object, with ``"format": 1``
(the only format this version reads) and no NaN or infinite number (results.json copies it).

One entry key is read by the harness: ``label_map``, a list with the task label of each class id of that
head, id 0 first, for heads whose config.json id2label does not name the task's labels (``LABEL_0``...):

    {"format": 1, "checkpoints": {"xnli": {"label_map": ["contradiction", "entailment", "neutral"]}}}

It does what ``xtreme score --label-map xnli=...`` does (the flag wins); see harness_tasks.label_maps.

What makes a head valid (``xtreme check-bundle BUNDLE`` checks it, and ``xtreme score`` before scoring):
config.json loads and holds no NaN or infinite number; a fast tokenizer is there, adds its special tokens
and its vocabulary fits config.vocab_size; the input length it and config.json allow holds the task's
special tokens and some text; the safetensors weights (one model.safetensors, or shards listed by
model.safetensors.index.json, never both) cover the model built from config.json with the right shapes, and
none is NaN or infinite; a classifier's labels map onto its task's labels. harness_tasks.bundle_check
holds those checks.

This module is pure data and file helpers (no torch), so the scorer, training and the harness share it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness_tasks.atomic import write_json_atomic
from harness_tasks.finite import nonfinite_numbers

# Which head folder serves which task and each head's kind, derived from the task declarations
# (harness_tasks.heads); importable from here too, as they are the bundle's layout.
from harness_tasks.heads import ENCODER, HEAD_FOR_TASK, HEAD_KIND

__all__ = ["ENCODER", "HEAD_FOR_TASK", "HEAD_KIND", "MANIFEST", "MANIFEST_FORMAT", "CheckpointError", "head_dir",
           "is_bundle", "manifest_label_maps", "read_manifest", "record_checkpoint"]

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1


def head_dir(bundle: str | os.PathLike, task: str) -> Path:
    """The folder inside a bundle that scores ``task`` (it may not exist)."""
    return Path(bundle) / HEAD_FOR_TASK[task]


class CheckpointError(ValueError):
    """A checkpoint, bundle or --model argument that cannot be scored as it is. ``str(err)`` is one line
    that names the folder or file and says how to fix it; the commands print it and exit 2."""


_MANIFEST_SHAPE = 'a JSON object {"format": 1, "checkpoints": {head: {...}}}'


def read_manifest(bundle: str | os.PathLike) -> dict:
    """The bundle's manifest (an empty one when the file is absent); CheckpointError naming the file and
    line when it is not valid JSON or not of the documented shape."""
    from evaluators.errors import InputFileError, MissingInputFile
    from evaluators.submission_files import load_json

    path = Path(bundle) / MANIFEST
    try:
        document = load_json(path, _MANIFEST_SHAPE)
    except MissingInputFile:
        if os.path.lexists(path):  # a dangling link is not "no manifest"
            raise CheckpointError(f"{path}: a link to nothing; expected {_MANIFEST_SHAPE}") from None
        return {"format": MANIFEST_FORMAT, "checkpoints": {}}
    except InputFileError as err:
        raise CheckpointError(str(err)) from None
    manifest = document.value
    if not isinstance(manifest, dict) or not isinstance(manifest.get("checkpoints"), dict):
        raise CheckpointError(str(document.error([], f"expected {_MANIFEST_SHAPE}")))
    form = manifest.get("format")
    if type(form) is not int or form != MANIFEST_FORMAT:  # type(): true and 1.0 are not format 1
        found = _shown(form) if "format" in manifest else 'no "format"'
        raise CheckpointError(str(document.error(["format"] if "format" in manifest else [], (
            f"{found}; this version of xtreme-harness reads manifest format {MANIFEST_FORMAT} only: a bundle "
            f"written by another version needs that version, and a manifest written by hand needs "
            f'"format": {MANIFEST_FORMAT}'))))
    for head, entry in manifest["checkpoints"].items():
        if not isinstance(entry, dict):
            raise CheckpointError(str(document.error(["checkpoints", head], "expected an object per head")))
        names = entry.get("label_map")
        if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
            raise CheckpointError(str(document.error(
                ["checkpoints", head, "label_map"], "expected a list of label names, the label of class id 0 first")))
    for keys, number in nonfinite_numbers(manifest):
        raise CheckpointError(str(document.error(list(keys), (
            f"{json.dumps(number)} is not a number JSON allows; results.json copies the manifest, so every "
            f"number in it must be finite"))))
    return manifest


def _shown(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def manifest_label_maps(manifest: dict) -> dict[str, list[str]]:
    """``{head: [label of id 0, ...]}`` from the manifest entries that have a ``label_map``."""
    return {head: list(entry["label_map"]) for head, entry in manifest.get("checkpoints", {}).items()
            if isinstance(entry, dict) and entry.get("label_map") is not None}


def record_checkpoint(bundle: str | os.PathLike, head: str, entry: dict) -> None:
    """Add or replace one head's entry in the bundle manifest (atomically)."""
    if head not in HEAD_KIND:
        raise ValueError(f"unknown bundle head {head!r}; expected one of {', '.join(HEAD_KIND)}")
    manifest = read_manifest(bundle)
    manifest["format"] = MANIFEST_FORMAT
    manifest["checkpoints"][head] = entry
    write_json_atomic(Path(bundle) / MANIFEST, manifest)


def is_bundle(path: str | os.PathLike) -> bool:
    """A checkpoint bundle (manifest or head folders) rather than one plain checkpoint folder."""
    folder = Path(path)
    if not folder.is_dir():
        return False
    if (folder / MANIFEST).exists():
        return True
    return any((folder / head).is_dir() for head in HEAD_KIND)
