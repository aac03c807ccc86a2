"""Checking checkpoints before anything is scored: what `xtreme check-bundle` reports and `xtreme score` runs.

A head is valid when it opens with :func:`open_checkpoint`: config.json loads, the classifier's labels map
onto its task's labels (harness_tasks.label_maps), the tokenizer is there and fits the model, the input
length allowed is usable, and the safetensors weights cover the model built from config.json and are all
finite (inference.checkpoint_checks). The bundle's manifest must parse and be format 1
(bundle.read_manifest). A head that is absent is not an error: its tasks are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from harness_tasks import bundle as layout
from harness_tasks.bundle import CheckpointError
from harness_tasks.heads import CLASSIFIER_KINDS, tasks_of_head
from harness_tasks.label_maps import LABELLED_TASKS, head_labels, parse_names


class ExplicitLabels(NamedTuple):
    """A label map given by the user: the task label of each class id, and where it was given."""

    names: tuple[str, ...]
    source: str


def manifest_label_maps(bundle: str | os.PathLike, manifest: dict) -> dict[str, ExplicitLabels]:
    """``{task: ExplicitLabels}`` from the manifest's ``label_map`` entries, each checked like a flag's."""
    maps = {}
    for head, names in layout.manifest_label_maps(manifest).items():
        where = f"{Path(bundle) / layout.MANIFEST}: checkpoints.{head}.label_map"
        if head not in layout.HEAD_KIND:
            from evaluators.names import closest

            hint = closest(head, list(layout.HEAD_KIND))
            raise CheckpointError(f"{where}: {head!r} is not a bundle head; heads are {', '.join(layout.HEAD_KIND)}"
                                  + (f" (did you mean {hint!r}?)" if hint else ""))
        labelled = [task for task in tasks_of_head(head) if task in LABELLED_TASKS]
        if not labelled:
            raise CheckpointError(f"{where}: the {head!r} head has no labels to map; label maps are for the "
                                  f"{', '.join(LABELLED_TASKS)} heads")
        maps[labelled[0]] = ExplicitLabels(parse_names(labelled[0], names, where), where)
    return maps


def explicit_labels(task: str, given: Mapping[str, tuple[str, ...]],
                    from_manifest: Mapping[str, ExplicitLabels]) -> ExplicitLabels | None:
    """The label map for ``task``: the one given (flag or model_arg) wins over the manifest's."""
    if task in given:
        return ExplicitLabels(tuple(given[task]), "--label-map (label_map)")
    return from_manifest.get(task)


def open_checkpoint(path: str, kind: str, label_tasks: Mapping[str, ExplicitLabels | None], *, device, dtype,
                    allow_pickle: bool = False, trust_remote_code: bool = False):
    """``(tokenizer, model, {task: label of each class id})`` for a checkpoint that passes every check, else
    CheckpointError naming its folder. ``label_tasks``: the labelled tasks the head scores, each with its
    explicit label map or None (config.json's names then). Labels are checked before any weights load."""
    from harness_tasks.inference.loading import load_config, load_model

    config = load_config(path, trust_remote_code=trust_remote_code)
    labels = {}
    if kind in CLASSIFIER_KINDS:
        for task, explicit in label_tasks.items():
            labels[task] = head_labels(task, config.id2label, head=path,
                                       explicit=None if explicit is None else explicit.names,
                                       explicit_from="" if explicit is None else explicit.source)
    tokenizer, model = load_model(path, kind, device=device, dtype=dtype, allow_pickle=allow_pickle,
                                  trust_remote_code=trust_remote_code, config=config)
    return tokenizer, model, labels


def apply_labels(model, names: tuple[str, ...]) -> None:
    """Make the model's id2label the task's label names, which the classifiers write into predictions."""
    model.config.id2label = dict(enumerate(names))
    model.config.label2id = {}
    for i, name in enumerate(names):
        model.config.label2id.setdefault(name, i)


# ---- the report ----------------------------------------------------------------------------------------
@dataclass
class HeadRow:
    head: str
    folder: str
    tasks: tuple[str, ...]
    status: str  # ok | error | missing
    problem: str = ""


@dataclass
class BundleReport:
    bundle: str
    single_checkpoint: bool  # a plain checkpoint folder, checked as the encoder
    manifest_problem: str | None
    manifest_present: bool = False
    rows: list[HeadRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every present head valid, at least one present, and the manifest readable."""
        present = [row for row in self.rows if row.status != "missing"]
        return self.manifest_problem is None and bool(present) and all(row.status == "ok" for row in present)


def _check_row(head: str, folder: Path, kind: str, given, from_manifest, **load) -> HeadRow:
    import gc

    tasks = tasks_of_head(head)
    if not os.path.lexists(folder):
        return HeadRow(head, str(folder), tasks, "missing", f"no {head}/ folder: {', '.join(tasks)} would be skipped")
    if not folder.is_dir():
        return HeadRow(head, str(folder), tasks, "error", f"{folder}: not a folder")
    label_tasks = {task: explicit_labels(task, given, from_manifest) for task in tasks if task in LABELLED_TASKS}
    try:
        _tokenizer, model, _labels = open_checkpoint(str(folder), kind, label_tasks, **load)
    except CheckpointError as err:
        return HeadRow(head, str(folder), tasks, "error", str(err))
    del model
    gc.collect()  # one head in memory at a time, however large the bundle
    return HeadRow(head, str(folder), tasks, "ok")


def check_bundle(folder: str | os.PathLike, *, label_maps: Mapping[str, tuple[str, ...]] | None = None,
                 allow_pickle: bool = False, trust_remote_code: bool = False) -> BundleReport:
    """Check every head of a bundle (or one plain checkpoint, as the encoder) on the CPU."""
    import torch

    folder = Path(folder)
    given = dict(label_maps or {})
    load = {"device": torch.device("cpu"), "dtype": torch.float32, "allow_pickle": allow_pickle,
            "trust_remote_code": trust_remote_code}
    if not layout.is_bundle(folder):
        row = _check_row(layout.ENCODER, folder, layout.HEAD_KIND[layout.ENCODER], given, {}, **load)
        return BundleReport(str(folder), single_checkpoint=True, manifest_problem=None, rows=[row])
    problem, from_manifest = None, {}
    try:
        from_manifest = manifest_label_maps(folder, layout.read_manifest(folder))
    except CheckpointError as err:
        problem = str(err)
    rows = [_check_row(head, folder / head, kind, given, from_manifest, **load)
            for head, kind in layout.HEAD_KIND.items()]
    present = os.path.lexists(folder / layout.MANIFEST)
    return BundleReport(str(folder), single_checkpoint=False, manifest_problem=problem, rows=rows,
                        manifest_present=present)


def format_report(report: BundleReport) -> str:
    """A table: head, task(s), status, problem (without the folder, which the head column names)."""
    header = ("head", "task(s)", "status", "problem")
    table = []
    for row in report.rows:
        problem = row.problem.removeprefix(f"{row.folder}: ")
        table.append((row.head, ",".join(row.tasks), row.status, problem))
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(3)]
    lines = [f"{'checkpoint' if report.single_checkpoint else 'bundle'} {report.bundle}"
             + (" (one checkpoint: checked as the encoder)" if report.single_checkpoint else "")]
    for line in [header, *table]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line[:3], widths)) + "  " + line[3])
    if not report.single_checkpoint:
        state = "ok" if report.manifest_present else "none (optional: it records how the heads were made)"
        lines.append(f"manifest.json: {report.manifest_problem or state}")
    present = [row for row in report.rows if row.status != "missing"]
    valid = sum(row.status == "ok" for row in present)
    lines.append(f"{valid} of {len(present)} present head(s) valid" if present else "no head to score")
    return "\n".join(line.rstrip() for line in lines)
