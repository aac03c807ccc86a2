"""Loading checkpoints safely and choosing a device / dtype."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import torch

from harness_tasks.bundle import CheckpointError
from harness_tasks.heads import auto_class, encoder_only_class_name, is_bare_encoder
from harness_tasks.inference import checkpoint_checks as checks

log = logging.getLogger(__name__)

_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
           "float16": torch.float16, "fp16": torch.float16}


def pick_device(requested: str | None) -> torch.device:
    """CUDA when there is one. None, "" and "auto" mean "not asked": chosen quietly. A CUDA device asked
    for on a machine without one falls back to CPU with a warning, so callers must pass only a device the
    user typed. (lm-eval's command line fills in cuda:0 when --device is not given: pass "auto" then.)"""
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


REMOTE_CODE_HINT = ("it needs its own Python code to load: pass --trust-remote-code (lm-eval: model_args "
                    "trust_remote_code=true) only for checkpoints you trust")


def _first_line(err: BaseException) -> str:
    """``Type: first line`` of an error from transformers, plus how to allow remote code when that is the cause
    (transformers names its Python keyword, which a command-line user cannot pass)."""
    text = str(err).strip().splitlines()
    line = f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
    if "custom code" in str(err) or "trust_remote_code" in str(err):
        line += f"; {REMOTE_CODE_HINT}"
    return line


def load_config(path: str, *, trust_remote_code: bool = False):
    """config.json of a checkpoint folder (or hub id); CheckpointError naming the folder if absent or broken."""
    import transformers

    if Path(path).is_dir() and not (Path(path) / "config.json").is_file():
        raise CheckpointError(f"{path}: no config.json file; a checkpoint folder is what save_pretrained writes "
                              f"(config.json, model.safetensors, tokenizer files)")
    try:
        config = transformers.AutoConfig.from_pretrained(path, trust_remote_code=trust_remote_code)
    except Exception as err:  # noqa: BLE001 - whatever transformers raises, the folder is what is wrong
        raise CheckpointError(f"{path}: config.json cannot be loaded ({_first_line(err)})") from None
    checks.check_finite_config(path, config)
    return config


def model_class(path: str, kind: str, config):
    """The transformers class a head of ``kind`` loads with (harness_tasks.heads.AUTO_CLASSES). The bare
    encoder of an encoder-decoder model (mT5) is its encoder-only class, which is also what training.recipe
    saves such an encoder as (config.json then names MT5EncoderModel): AutoModel would build a decoder the
    file does not hold."""
    import transformers

    cls = auto_class(kind)  # ValueError for an unknown kind
    if is_bare_encoder(kind):
        name = encoder_only_class_name(config)
        wanted = getattr(config, "is_encoder_decoder", False) or name in (getattr(config, "architectures", None) or [])
        if wanted and hasattr(transformers, name):
            return getattr(transformers, name)
        if getattr(config, "is_encoder_decoder", False):
            raise CheckpointError(f"{path}: an encoder-decoder model ({config.model_type}) with no encoder-only "
                                  f"class ({name}) to embed sentences with")
    return cls


class _DropLoadReport(logging.Filter):
    """transformers logs a LOAD REPORT table for every missing or unexpected tensor. check_coverage turns
    the ones that matter into an error and the rest are allowed, so the table is noise the user did not
    cause."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "LOAD REPORT" not in record.getMessage()


def load_model(path: str, kind: str, *, device: torch.device, dtype: torch.dtype,
               allow_pickle: bool = False, trust_remote_code: bool = False, config=None):
    """Load (tokenizer, model) for one head, or raise CheckpointError naming the folder.

    Checkpoints are untrusted: only safetensors weights are read unless ``allow_pickle``, and no
    repository code runs unless ``trust_remote_code``. A checkpoint is refused when its tokenizer is
    missing, broken, adds no special tokens or does not fit config.vocab_size, when the input length it
    allows is too short to use, when its weights do not cover the model built from config.json, or when a
    weight is NaN or infinite (inference.checkpoint_checks). ``config``: config.json if already loaded.
    """
    import transformers

    folder = Path(path) if Path(path).is_dir() else None
    if config is None:
        config = load_config(path, trust_remote_code=trust_remote_code)
    cls = model_class(path, kind, config)
    checks.check_head_class(path, kind, config, cls)
    if folder is not None:
        checks.check_tokenizer_files(folder)
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code)
    except Exception as err:  # noqa: BLE001 - a broken tokenizer file can fail in many ways
        raise CheckpointError(f"{path}: the tokenizer cannot be loaded ({_first_line(err)})") from None
    if not getattr(tokenizer, "is_fast", False):
        raise CheckpointError(f"{path}: a fast tokenizer (tokenizer.json) is needed for offset mappings and word ids")
    checks.check_vocabulary(path, tokenizer, config)
    checks.check_special_tokens(path, tokenizer)
    checks.check_usable_length(path, kind, tokenizer, config)
    use_safetensors = checks.weight_format(folder, allow_pickle) if folder is not None else (
        None if allow_pickle else True)
    report_log = logging.getLogger("transformers.modeling_utils")
    quiet = _DropLoadReport()
    report_log.addFilter(quiet)
    # A "Loading weights" bar per head says nothing for a local folder (it takes seconds); a hub download's
    # bars do, so they stay.
    bars = folder is not None and transformers.utils.logging.is_progress_bar_enabled()
    if bars:
        transformers.utils.logging.disable_progress_bar()
    try:
        model, info = cls.from_pretrained(
            path, config=config, use_safetensors=use_safetensors, trust_remote_code=trust_remote_code,
            dtype=dtype, output_loading_info=True,
            ignore_mismatched_sizes=True,  # reported as mismatched_keys, then refused by check_coverage
        )
    except OSError as err:
        if folder is None and use_safetensors:  # a hub id without safetensors files
            raise CheckpointError(f"{path}: no safetensors weights could be loaded ({_first_line(err)}); "
                                  f"{checks.PICKLE_REFUSAL}") from None
        raise CheckpointError(f"{path}: the weights cannot be loaded ({_first_line(err)})") from None
    except Exception as err:  # noqa: BLE001 - a corrupt or truncated weights file
        raise CheckpointError(f"{path}: the weights cannot be loaded ({_first_line(err)})") from None
    finally:
        report_log.removeFilter(quiet)
        if bars:
            transformers.utils.logging.enable_progress_bar()
    checks.check_coverage(path, kind, model, info)
    if is_bare_encoder(kind):  # a pooler without weights (allowed: checkpoint_checks) must not shape any output
        drop_random_pooler(model, info)
    model.to(device)  # first, so that a check of the loaded weights runs on the device
    checks.check_finite_weights(path, model, checks.safetensors_files(folder) if folder is not None and use_safetensors
                                else [])
    model.eval()
    return tokenizer, model


def drop_random_pooler(model, loading_info) -> None:
    """Remove a pooler the checkpoint had no weights for (AutoModel made it at random), so that no output
    ever depends on it: dual-encoder vectors then read the first token unpooled (inference.dual_encoder),
    in the training recipe and at scoring alike."""
    missing = loading_info.get("missing_keys", ())
    if getattr(model, "pooler", None) is not None and any(key.startswith("pooler.") for key in missing):
        model.pooler = None


def checkpoint_hash(path: str) -> str:
    """sha256 over everything in a checkpoint folder that can change a prediction: every file below it
    (weights, config, tokenizer files of any name, and model code, which runs when remote code is
    trusted), by relative path and bytes. Hidden files and Markdown (model cards) are left out. A hub
    id is hashed from its local snapshot when the hub cache holds one, else by name (said so in the hash
    input, so the two never collide)."""
    folder = Path(path)
    digest = hashlib.sha256()
    if not folder.is_dir():
        snapshot = _local_snapshot(path)
        if snapshot is None:
            digest.update(f"hub:{path}".encode())
            return digest.hexdigest()
        folder = snapshot
    files = sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".md"
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    for file in files:
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def _local_snapshot(repo_id: str) -> Path | None:
    """The hub cache's folder for ``repo_id``, without any network access, or None."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached, not a valid repo id, or no hub library: hash the name
        return None


def max_input_length(tokenizer, model, requested: int | None = None) -> int:
    """The longest input the model can take: position embeddings bound it, the tokenizer may too
    (checkpoint_checks.length_limits; load_model refuses a checkpoint whose limit is too short to use)."""
    limits = [usable for usable, _source, _value in checks.length_limits(tokenizer, model.config)]
    limit = min(limits) if limits else 512
    return min(limit, requested) if requested else limit
