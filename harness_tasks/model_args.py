"""The `xtreme-encoder` model's arguments (lm-eval's model_args, or keywords from Python), checked as it is built.

lm-eval hands model_args over as typed (``layer=abc``) or converted (``layer=8`` -> 8, ``true`` -> True). A
bad value stops the run at once, in one line that names the argument and what it takes (``ModelArgsError``;
`xtreme-lm-eval` prints it and exits 2), rather than later inside the model as a Python error, and is never
read as something else (``allow_pickle=maybe`` as false, ``layer=1.5`` as 1, ``batch_size=abc`` as 32).
Checkpoint paths go through harness_tasks.model_location, so a missing folder fails here with the message
``xtreme score --model`` gives, before anything loads.

Pure checks, no torch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from harness_tasks.bundle import ENCODER, HEAD_KIND, MANIFEST, CheckpointError, is_bundle

MODEL = "xtreme-encoder"
DEFAULT_BATCH_SIZE = 32
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class ModelArgsError(CheckpointError):
    """A model argument with a value the model cannot use; ``str(err)`` names it and what it takes. A
    CheckpointError (a ValueError), so every command that prints those as one line prints these too."""


class UnknownModelArgsError(ModelArgsError, TypeError):
    """An argument the model does not take (also a TypeError, as Python's own for an unknown keyword)."""


def unknown_args(given: Iterable[str], known: Iterable[str], paths: Iterable[str]) -> None:
    """UnknownModelArgsError naming each of ``given`` that is neither an argument nor a checkpoint key."""
    from evaluators.names import closest

    known, paths = list(known), sorted(paths)
    unknown = sorted(set(given) - set(known) - set(paths))
    if not unknown:
        return
    hints = [hint for name in unknown if (hint := closest(name, [*known, *paths]))]
    if hints:
        raise UnknownModelArgsError(f"{MODEL}: unknown model_args {unknown}; did you mean "
                                    f"{', '.join(map(repr, hints))}?")
    raise UnknownModelArgsError(f"{MODEL}: unknown model_args {unknown}; it takes {', '.join(known)}, and a "
                                f"checkpoint path per task or head: {', '.join(paths)}")


def whole_number(name: str, value, minimum: int = 0) -> int:
    """``value`` (an int, an integral float, or a text of ASCII digits) as an int >= ``minimum``."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and value.strip().isascii() and value.strip().lstrip("-").isdigit()):
        number = int(value)
    if number is None or number < minimum:
        raise ModelArgsError(f"{MODEL}: {name} {value!r}: expected a whole number >= {minimum}")
    return number


def optional_number(name: str, value, minimum: int, unset: tuple = (None, "")) -> int | None:
    """None for a value in ``unset`` (the default), else ``whole_number``."""
    if value is None or (isinstance(value, str) and value in unset):
        return None
    return whole_number(name, value, minimum)


def flag(name: str, value) -> bool:
    """A true/false argument: a bool, 0/1, or true/false, yes/no, on/off, 1/0 in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ModelArgsError(f"{MODEL}: {name} {value!r}: expected true or false")


def batch_size(value) -> int:
    """lm-eval's batch size: None, 'auto' and 'auto:N' (its automatic search) give our fixed default, since
    dynamic padding wants one size; otherwise a whole number >= 1."""
    if value is None or (isinstance(value, str) and (value == "auto" or value.startswith("auto:"))):
        return DEFAULT_BATCH_SIZE
    return whole_number("batch_size", value, 1)


def choice(name: str, value, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ModelArgsError(f"{MODEL}: {name} {value!r}: expected {' or '.join(map(repr, valid))}")
    return value


def checkpoint_path(name: str, value) -> str:
    """A checkpoint folder or hub id given as ``name=value`` (encoder=, xnli=, ...), located as ``xtreme score
    --model`` locates its argument: CheckpointError at once for a path that does not exist."""
    from harness_tasks.model_location import locate_model

    return locate_model(os.fspath(value) if isinstance(value, os.PathLike) else str(value), flag=name)


def bundle_path(value) -> str:
    """A bundle folder: it must exist here (a bundle is never a hub id) and hold a head folder or a manifest."""
    from harness_tasks.model_location import looks_local

    text = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    if text.strip() and not os.path.exists(os.path.expanduser(text)) and not looks_local(text):
        raise CheckpointError(f"bundle {text}: no such folder; a bundle is a local folder (a hub id goes in "
                              f"{ENCODER}=ID or TASK=ID)")
    located = checkpoint_path("bundle", text)  # a missing path, a file or a training run folder: one line
    if not is_bundle(located):
        heads = ", ".join(f"{head}/" for head in HEAD_KIND)
        single = os.path.isfile(os.path.join(located, "config.json"))
        raise CheckpointError(f"bundle {located}: " + ("one checkpoint, " if single else "")
                              + f"not a bundle (no {MANIFEST} and no head folder {heads}); pass "
                              + ("it" if single else "one checkpoint") + f" as {ENCODER}=PATH or TASK=PATH")
    return located
