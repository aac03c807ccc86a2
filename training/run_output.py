"""The run folder of ``xtreme train``: it holds one run, which ``--resume`` continues and ``--overwrite`` replaces.

A folder "holds a run" as soon as any of the entries a run writes is there (config.json, phases/, ...),
finished or not: a fresh run must never pick up another run's finished phases. ``--overwrite`` deletes
exactly those entries and nothing else, so pointing it at the wrong folder cannot take other files with it.
Deleting is done by first renaming the entries into one hidden folder (config.json last: until it goes, the
folder still reads as a run), then removing that folder; an interrupted overwrite therefore leaves either
the old run or no run, and running it again finishes the job.

One run at a time: ``lock_run`` takes the same lock as ``xtreme score`` (harness_tasks.run_folder.lock_folder:
an ``flock`` on ``DIR/.xtreme.lock``, released by the kernel when the process dies, the holder's pid, start
time and command written into it), before the folder is looked at, so a second run into the same folder
stops at once with a message naming the first. A run that fails before it starts (a config, model or data
problem) removes the folder again if it created it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from harness_tasks.atomic import write_json_atomic
from training.errors import RecipeError

CONFIG = "config.json"
# Everything a run writes into its folder (recipe, metrics_log, the bundle swap in checkpoints.replace_dir).
RUN_ENTRIES = ("phases", "base-model", "base-model.tmp", "bundle", "bundle.tmp", "bundle.old", "metrics.jsonl",
               "tensorboard", "wandb", CONFIG)
TRASH = ".overwritten-run.tmp"


def holds_run(out: Path) -> bool:
    return out.is_dir() and any((out / name).exists() or (out / name).is_symlink() for name in RUN_ENTRIES)


def _check_is_folder(out: Path) -> None:
    if out.is_symlink() and not out.exists():
        raise RecipeError(f"{out}: a link to {os.readlink(out)}, which does not exist; --output takes a folder")
    if out.exists() and not out.is_dir():
        raise RecipeError(f"{out}: exists and is not a folder; --output takes a folder")


@dataclass
class RunLock:
    """The lock on a run folder (see the module docstring); ``created``: the folders made to hold it."""

    handle: object
    created: list[Path]

    def release(self) -> None:
        """Unlock. A folder this run created and left empty but for the lock file (the run failed before
        it began) is removed, with the parents it created: a failed start leaves nothing behind."""
        from harness_tasks.run_folder import LOCK

        if self.created and [entry.name for entry in self.created[0].iterdir()] == [LOCK]:
            (self.created[0] / LOCK).unlink()  # while still holding the lock: see lock_folder
            for folder in self.created:
                try:
                    folder.rmdir()
                except OSError:  # not empty after all (another process's file): leave it
                    break
        self.handle.close()


def lock_run(out: Path) -> RunLock:
    """Create ``out`` if need be and lock it for this run; RecipeError naming the holder if another run
    (``xtreme train`` or ``xtreme score``) has it."""
    from harness_tasks.run_folder import OutputFolderError, lock_folder

    _check_is_folder(out)
    created = [folder for folder in (out, *out.absolute().parents) if not folder.exists()]
    out.mkdir(parents=True, exist_ok=True)
    try:
        handle = lock_folder(out, "xtreme train")
    except OutputFolderError as err:
        raise RecipeError(str(err)) from None
    return RunLock(handle, created)


def check_output(out: Path, current: dict, source: str, *, holds: bool, resume: bool, overwrite: bool) -> None:
    """Refuse an output folder this run may not use; ``current`` is the config as config.json holds it."""
    _check_is_folder(out)
    if not holds or overwrite:
        return
    if not resume:
        raise RecipeError(f"{out} already holds a run: pass --resume to continue it (same config), or"
                          " --overwrite to delete it and start afresh")
    saved = out / CONFIG
    try:
        before = json.loads(saved.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipeError(f"{out} holds part of a run but no {CONFIG}, so it cannot be resumed;"
                          " start afresh with --overwrite") from None
    except (OSError, ValueError) as err:
        raise RecipeError(f"{saved}: cannot read the run's config ({err}); start afresh with --overwrite") from None
    if not isinstance(before, dict):
        raise RecipeError(f"{saved}: not a run config (a JSON object); start afresh with --overwrite")
    changed = sorted(k for k in set(before) | set(current) if before.get(k) != current.get(k))
    if changed:
        raise RecipeError(f"{source}: {', '.join(changed)} differ from the run in {out} (its {CONFIG}); a resumed"
                          " run must use the same config (or start afresh with --overwrite)")


def clear_run(out: Path) -> None:
    """Delete the run in ``out`` (only the entries a run writes); see the module docstring for the order."""
    trash = out / TRASH
    shutil.rmtree(trash, ignore_errors=True)
    trash.mkdir()
    for name in RUN_ENTRIES:  # CONFIG is last
        entry = out / name
        if entry.exists() or entry.is_symlink():
            entry.rename(trash / name)  # a symlink moves as a link: what it points to is never touched
    shutil.rmtree(trash)


def start_run(out: Path, current: dict) -> None:
    """Create the folder (if need be) and record the run's config; a left-over trash folder goes too."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / TRASH, ignore_errors=True)
    write_json_atomic(out / CONFIG, current)
