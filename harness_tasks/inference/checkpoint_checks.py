"""The checks that keep a broken checkpoint from being scored with random weights or an empty vocabulary.

transformers loads what it can and fills the rest: weights missing from the file are initialised at
random (a log line, no error), and a folder without tokenizer files yields a tokenizer of the five special
tokens. Either way every prediction is made and the score is silently low. loading.load_model runs these
checks on every load, so nothing is scored from a checkpoint that fails them; each failure is a
CheckpointError naming the checkpoint folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from harness_tasks.bundle import CheckpointError

# A tokenizer folder holds the fast tokenizer's own file or a vocabulary it can be built from.
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "sentencepiece.bpe.model", "spiece.model",
                   "tokenizer.model", "spm.model")
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")

# What a checkpoint may lack or hold beyond the model built from its config.json. Short on purpose; the
# position_ids buffers older checkpoints hold need no entry: transformers drops them itself.
#  - encoder: a pooler (the dense layer over the first token). Retrieval reads hidden states, never the
#    pooled output, and many pretrained encoders ship without one (XLM-R) or drop it (our tiny encoder).
#    A sequence classifier reads it (BERT), so there a missing pooler is an error.
_ENCODER_MAY_LACK = re.compile(r"(^|\.)pooler\.")
#  - encoder: the weights of a pretraining or task head, when config.json "architectures" names a class other
#    than the encoder's (mBERT is saved as BertForMaskedLM, a fine-tuned head as ...ForSequenceClassification):
#    the encoder is the part of that checkpoint retrieval uses; the head's tensors are left unused.

PICKLE_REFUSAL = ("pickled weights run code when loaded: pass --allow-pickle (lm-eval: model_args "
                  "allow_pickle=true) only for checkpoints you trust, or convert them to safetensors")


def _examples(keys, limit: int = 3) -> str:
    keys = sorted(keys)
    return ", ".join(keys[:limit]) + (f", ... ({len(keys)} in all)" if len(keys) > limit else "")


def check_tokenizer_files(folder: Path) -> None:
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise CheckpointError(
            f"{folder}: no tokenizer files (tokenizer.json, or a vocabulary such as vocab.txt, vocab.json or a "
            f"sentencepiece .model); save the tokenizer the checkpoint was trained with into this folder "
            f"(tokenizer.save_pretrained)")


def check_vocabulary(path: str, tokenizer, config) -> None:
    """The tokenizer must fit the embedding (no id past config.vocab_size) and not be a stub: fewer tokens
    than half the embedding rows means files from another model or a vocabulary built from nothing. (Real
    checkpoints pad vocab_size by at most a few hundred rows beyond their tokenizer.)"""
    vocab_size = getattr(config, "vocab_size", None)
    if not isinstance(vocab_size, int) or vocab_size <= 0:
        return  # a config without a flat vocabulary (character models): nothing to compare with
    size = len(tokenizer)
    if size > vocab_size:
        raise CheckpointError(f"{path}: the tokenizer has {size:,} tokens but the model only {vocab_size:,} "
                              f"embedding rows (config.json vocab_size): the tokenizer belongs to another model")
    if size < vocab_size / 2:
        raise CheckpointError(f"{path}: the tokenizer has only {size:,} tokens for a model with a "
                              f"{vocab_size:,}-token vocabulary (config.json vocab_size): its files are incomplete "
                              f"or belong to another model")


def weight_format(folder: Path, allow_pickle: bool) -> bool | None:
    """The ``use_safetensors`` to load a local folder with; CheckpointError when it has no weights it may
    load. True: safetensors present. None: only pickled files, and ``allow_pickle``."""
    names = os.listdir(folder)
    if any(name.endswith(".safetensors") or name == "model.safetensors.index.json" for name in names):
        return True
    pickled = sorted(name for name in names if name.endswith(PICKLE_SUFFIXES))
    if not pickled:
        raise CheckpointError(f"{folder}: no weights file (model.safetensors)")
    if not allow_pickle:
        raise CheckpointError(f"{folder}: only pickled weights ({', '.join(pickled)}), no safetensors; "
                              f"{PICKLE_REFUSAL}")
    return None


def _saved_with_another_head(config, model) -> bool:
    return any(name != type(model).__name__ for name in (getattr(config, "architectures", None) or []))


def check_coverage(path: str, kind: str, model, loading_info: dict) -> None:
    """The weights file must hold every tensor of the model, in its shape, and nothing else (beyond the
    allowances above); ``loading_info`` is what ``from_pretrained(output_loading_info=True)`` returns."""
    missing = set(loading_info.get("missing_keys", ()))
    unexpected = set(loading_info.get("unexpected_keys", ()))
    mismatched = sorted(loading_info.get("mismatched_keys", ()))
    if kind == "encoder":
        missing = {key for key in missing if not _ENCODER_MAY_LACK.search(key)}
        if _saved_with_another_head(model.config, model):
            unexpected = set()
    problems = []
    if mismatched:
        key, in_file, in_model = mismatched[0]
        problems.append(f"{len(mismatched)} tensor(s) have another shape in the file than in the model built from "
                        f"config.json (e.g. {key}: {list(in_file)} in the file, {list(in_model)} in the model)")
    if missing:
        total = len(model.state_dict())
        share = f"all {total}" if len(missing) >= total else f"{len(missing)} of the model's {total}"
        problems.append(f"the weights lack {share} tensors, which would be random ({_examples(missing)})")
    if unexpected:
        problems.append(f"{len(unexpected)} tensor(s) in the weights belong to no part of the "
                        f"{type(model).__name__} built from config.json ({_examples(unexpected)})")
    if problems:
        raise CheckpointError(f"{path}: the weights do not fit the model: {'; '.join(problems)}")
