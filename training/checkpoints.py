"""Resumable checkpoints: model, optimizer, scheduler, scaler and loop state, swapped in whole.

A checkpoint is written to a temporary folder and renamed into place; ``state.json`` is written last,
so a folder without it is incomplete and ignored. The previous checkpoint survives until the new one is
in place, so a crash at any moment leaves one complete checkpoint to resume from.

Every folder of weights the recipe writes (checkpoints, ``final/``, ``best/``, ``base-model/``, the bundle)
is swapped in by ``replace_dir``, which first gives its files and folders the modes the user's umask asks
for: safetensors (0.8) writes each ``model.safetensors`` through a temporary file it creates with mode 0600
and renames into place, whatever the umask, and copies keep that mode.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch

from harness_tasks.atomic import current_umask, write_json_atomic


def save_checkpoint(model, optimizer, scheduler, scaler, state: dict, folder: Path) -> None:
    tmp = folder / "checkpoint.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    torch.save(model.state_dict(), tmp / "model.pt")
    torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
    torch.save(scheduler.state_dict(), tmp / "scheduler.pt")
    if scaler is not None:
        torch.save(scaler.state_dict(), tmp / "scaler.pt")
    write_json_atomic(tmp / "state.json", state)  # written last: a checkpoint without it is incomplete
    replace_dir(tmp, folder / "checkpoint")


def replace_dir(tmp: Path, target: Path) -> None:
    """Swap a finished folder in: old -> target.old, tmp -> target, drop old. A crash in between leaves
    target.old, which latest_checkpoint falls back to."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    honour_umask(tmp)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def latest_checkpoint(folder: Path) -> Path | None:
    for candidate in (folder / "checkpoint", folder / "checkpoint.old"):
        if (candidate / "state.json").exists():
            return candidate
    return None


def honour_umask(folder: Path) -> None:
    """Give ``folder``, the folders in it and their files the modes a plain ``mkdir`` and ``open`` would
    (0777 and 0666 less the umask); see the module docstring for why. Links are left alone."""
    mask = current_umask()
    os.chmod(folder, 0o777 & ~mask)
    for root, dirs, files in os.walk(folder):
        for name, mode in [(d, 0o777) for d in dirs] + [(f, 0o666) for f in files]:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, mode & ~mask)
