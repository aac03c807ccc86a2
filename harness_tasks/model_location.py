"""What ``--model`` names, decided before any weights load: a local folder, or a Hugging Face hub id.

transformers treats any string that is not an existing folder as a hub id and asks the hub for it, with
retries: a mistyped local path then costs half a minute offline and ends in a message about the network.
So a text that can only be a path (see :func:`looks_local`) must exist, a training run folder given
instead of its bundle is pointed at the bundle, and a hub id is tried only where the hub can be reached
or its files are in the local hub cache.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from urllib.parse import urlparse

from harness_tasks.bundle import CheckpointError

# The hub's repository ids: a name or owner/name of letters, digits, '-', '_' and '.', at most 96 characters.
_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?")


def looks_local(text: str) -> bool:
    """True when ``text`` can only mean a path: it starts with '/', '.' or '~', holds a backslash, two
    slashes or '..', ends with a slash, is no valid hub id, or its first part exists here
    (``runs/bundel`` when ./runs exists: a typo in a path, not an organisation on the hub)."""
    if text.startswith(("/", ".", "~")) or "\\" in text or text.count("/") > 1 or ".." in text:
        return True
    if text.endswith("/") or len(text) > 96 or not _HUB_ID.fullmatch(text):
        return True
    return "/" in text and os.path.lexists(text.split("/", 1)[0])


def hub_offline_reason() -> tuple[str, bool] | None:
    """(why, by_setting) when the hub cannot be used: offline mode is set (by_setting), or there is no route
    to it within a few seconds; None when it answers. Asked only for a text that is no local folder."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on"):
            return f"{name} is set", True
    host = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    try:
        socket.create_connection((host.hostname, host.port or 443), timeout=3).close()
    except OSError as err:
        return f"{host.hostname} cannot be reached: {err.strerror or err}", False
    return None


def _in_hub_cache(repo_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)
    except Exception:  # noqa: BLE001 - an id the hub library refuses is simply not cached
        return False


def run_folder_bundle(folder: Path) -> Path | None:
    """The bundle inside an `xtreme train` output folder (phases/, metrics.jsonl, bundle/), or None."""
    if (folder / "phases").is_dir() or (folder / "metrics.jsonl").is_file():
        return folder / "bundle"
    return None


def locate_model(text: str, flag: str = "--model") -> str:
    """``text`` (given as ``flag``) as the loaders should get it: an existing folder (``~`` expanded) or a hub
    id that can be loaded from here. CheckpointError (one line, with the fix) for anything else."""
    takes = (f"{flag} takes" if flag else "expected") + (" a local folder (a checkpoint bundle or one checkpoint) "
                                                          "or a Hugging Face hub id")
    if not text or not text.strip():
        raise CheckpointError(f"{flag or 'the model'} is empty; {takes}")
    named = f"{flag} {text}" if flag else text
    path = Path(text).expanduser()
    if path.exists():
        if not path.is_dir():
            raise CheckpointError(f"{named}: a file, not a folder; {takes}")
        bundle = run_folder_bundle(path)
        if bundle is not None:
            if bundle.is_dir():
                raise CheckpointError(f"{named}: a training run folder, not a bundle; did you mean {bundle}?")
            raise CheckpointError(f"{named}: a training run folder without a bundle yet (training has not "
                                  f"finished; rerun its `xtreme train` command with --resume to complete it)")
        return str(path)
    if looks_local(text):
        raise CheckpointError(f"{named}: no such folder{_near_miss(path)}")
    offline = hub_offline_reason()
    if offline is not None:
        reason, by_setting = offline
        if not _in_hub_cache(text):
            raise CheckpointError(f"{named}: no such folder, and the hub is offline ({reason}), so it cannot be "
                                  f"fetched as a hub id either; {takes}")
        if not by_setting:  # transformers would try the hub first, with retries, before using the cache
            raise CheckpointError(f"{named}: the hub is offline ({reason}) but a cached copy exists: set "
                                  f"HF_HUB_OFFLINE=1 to use it, or pass its local folder")
    return text


def _near_miss(path: Path) -> str:
    """``; did you mean runs/bundle?`` when the parent folder holds a folder of a close name."""
    from evaluators.names import closest

    parent = path.parent
    try:
        siblings = sorted(entry.name for entry in parent.iterdir() if entry.is_dir())
    except OSError:
        return ""
    match = closest(path.name, siblings)
    return f"; did you mean {parent / match}?" if match else ""
