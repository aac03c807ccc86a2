"""Loading checkpoints safely and choosing a device / dtype."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import torch

log = logging.getLogger(__name__)

AUTO_CLASSES = {
    "encoder": "AutoModel",
    "sequence_classification": "AutoModelForSequenceClassification",
    "token_classification": "AutoModelForTokenClassification",
    "question_answering": "AutoModelForQuestionAnswering",
}

_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
           "float16": torch.float16, "fp16": torch.float16}


def pick_device(requested: str | None) -> torch.device:
    """CUDA when there is one; a CUDA request on a machine without one (lm-eval's default is cuda:0)
    falls back to CPU with a warning instead of crashing."""
    if requested in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        log.warning("device %s requested but CUDA is not available: using CPU", requested)
        return torch.device("cpu")
    return device


def pick_dtype(name: str | None, device: torch.device) -> torch.dtype:
    """Half precision only on GPU: on CPU it is slow and changes results, so it is refused with a warning."""
    if name in (None, "", "auto", "float32"):
        return torch.float32
    if name not in _DTYPES:
        raise ValueError(f"dtype {name!r}: expected one of {', '.join(sorted(_DTYPES))}")
    if device.type != "cuda":
        log.warning("dtype %s ignored on %s: using float32", name, device)
        return torch.float32
    return _DTYPES[name]


def load_model(path: str, kind: str, *, device: torch.device, dtype: torch.dtype,
               allow_pickle: bool = False, trust_remote_code: bool = False):
    """Load (tokenizer, model) for one head. Checkpoints are untrusted: only safetensors weights are
    read unless ``allow_pickle``, and no repository code runs unless ``trust_remote_code``."""
    import transformers

    if kind not in AUTO_CLASSES:
        raise ValueError(f"unknown head kind {kind!r}; expected one of {', '.join(AUTO_CLASSES)}")
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code)
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{path}: a fast tokenizer is needed (offset mappings, word ids)")
    cls = getattr(transformers, AUTO_CLASSES[kind])
    try:
        model = cls.from_pretrained(
            path,
            use_safetensors=None if allow_pickle else True,
            trust_remote_code=trust_remote_code,
            dtype=dtype,
        )
    except OSError as err:
        if not allow_pickle:
            raise OSError(f"{path}: no safetensors weights could be loaded ({err}); pickled weights run "
                          "code when loaded, pass allow_pickle=True only for checkpoints you trust") from err
        raise
    model.to(device)
    model.eval()
    return tokenizer, model


def checkpoint_hash(path: str) -> str:
    """sha256 over a local checkpoint's config and weight files (name + bytes), so cached predictions
    and results name exactly what produced them. A hub id that is not a local folder hashes its name."""
    folder = Path(path)
    digest = hashlib.sha256()
    if not folder.is_dir():
        digest.update(f"hub:{path}".encode())
        return digest.hexdigest()
    names = sorted(
        n for n in os.listdir(folder)
        if n.endswith((".safetensors", ".bin", ".json", ".txt", ".model")) and not n.startswith(".")
    )
    for name in names:
        digest.update(name.encode() + b"\0")
        with open(folder / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def max_input_length(tokenizer, model, requested: int | None = None) -> int:
    """The longest input the model can take: position embeddings bound it, the tokenizer may too."""
    limits = []
    positions = getattr(model.config, "max_position_embeddings", None)
    if positions:
        # RoBERTa-style models start positions at padding_idx + 1, so two positions are never usable.
        if getattr(model.config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            positions -= 2
        limits.append(positions)
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if tokenizer_limit and tokenizer_limit < 1_000_000:  # "no limit" is a huge sentinel value
        limits.append(tokenizer_limit)
    limit = min(limits) if limits else 512
    return min(limit, requested) if requested else limit
