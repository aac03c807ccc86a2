"""The base model: found before any data is read or anything trains, and loaded with one-line errors.

``base_model`` is ``tiny`` (built by the recipe), a local folder (``save_pretrained`` output), or a hub id.
A missing folder is reported as such without asking the hub (a path is never a hub id); a hub id that
cannot be reached (offline, no network, no such repository) and is not in the local cache is reported in
one line that says which of those it is. The architecture its config.json declares is checked too (layers,
vocabulary, heads dividing the hidden size), the way the config checks ``tiny_encoder``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from training.errors import RecipeError


def check_base_model(name: str, where: str) -> None:
    """Raise RecipeError unless ``name`` is a model folder or a hub id whose config can be fetched (or is
    cached), and that config declares a usable architecture (see ``check_architecture``). ``where`` starts
    each message: the config's ``FILE:LINE: base_model`` (ExperimentConfig.at)."""
    from transformers import AutoConfig

    path = Path(name)
    if path.exists():
        if not path.is_dir():
            raise RecipeError(f"{where}: {name} is a file; expected a model folder (config.json, weights and"
                              " tokenizer files, as save_pretrained writes them) or a hub id")
        if not (path / "config.json").is_file():
            raise RecipeError(f"{where}: {name} has no config.json; expected a folder written by save_pretrained")
        with loading(str(path / "config.json"), "model config"):
            check_architecture(AutoConfig.from_pretrained(name), f"{path / 'config.json'}")
        return
    if not _could_be_hub_id(name):
        raise RecipeError(f"{where}: no such folder: {name} (looked at {path.absolute()})")
    from huggingface_hub import is_offline_mode

    try:
        config = AutoConfig.from_pretrained(name)  # a small file; from the local cache when offline
    except (OSError, ValueError) as err:
        if is_offline_mode():
            raise RecipeError(f"{where}: {name!r} is not a local folder (none at {path.absolute()}), and the hub"
                              " is offline (HF_HUB_OFFLINE is set) with no cached copy of it; download it first"
                              " or point base_model at a local folder") from None
        raise RecipeError(f"{where}: {name!r} is not a local folder (none at {path.absolute()}) and could not be"
                          f" loaded from the hub: {_first_line(err)}") from None
    check_architecture(config, f"{name} (config.json)")


# The names transformers configs use for the sizes checked below (BERT/XLM-R, T5/mT5, GPT-2 style).
_SIZES = {
    "layers": ("num_hidden_layers", "num_layers", "n_layer"),
    "vocabulary": ("vocab_size",),
    "hidden size": ("hidden_size", "d_model", "n_embd"),
    "attention heads": ("num_attention_heads", "num_heads", "n_head"),
}


def check_architecture(config, where: str) -> None:
    """A declared architecture must have layers >= 1, a vocabulary >= 1 and attention heads that divide the
    hidden size; otherwise the model fails deep inside its first forward pass (or trains nothing)."""
    sizes = {}
    for what, names in _SIZES.items():
        key = next((n for n in names if isinstance(getattr(config, n, None), int)), None)
        if key is not None:
            sizes[what] = (key, getattr(config, key))
    for key, value in sizes.values():
        if value < 1:
            raise RecipeError(f"{where}: {key} must be >= 1, got {value}")
    # Models that declare the width of a head (T5's d_kv, head_dim) need not split the hidden size evenly.
    declares_head_width = any(getattr(config, name, None) for name in ("d_kv", "head_dim"))
    if "hidden size" in sizes and "attention heads" in sizes and not declares_head_width:
        (hidden_key, hidden), (heads_key, heads) = sizes["hidden size"], sizes["attention heads"]
        if hidden % heads:
            raise RecipeError(f"{where}: {heads_key} ({heads}) must divide {hidden_key} ({hidden})")


def _could_be_hub_id(name: str) -> bool:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(name)
    except HFValidationError:
        return False
    return True


@contextmanager
def loading(path: str, what: str) -> Iterator[None]:
    """``with loading(path, "tokenizer"): ...from_pretrained(path)``: a load failure becomes one line."""
    try:
        yield
    except (OSError, ValueError) as err:
        raise RecipeError(f"{path}: cannot load the {what}: {_first_line(err)}") from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
