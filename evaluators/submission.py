"""Score a submission in the public XTREME layout against gold labels in the same layout.

``score_submission(predictions_dir, labels_dir)`` returns the numbers the benchmark's reference scorer
(google-research/xtreme evaluate.py, ``--xtreme_version xtreme``) prints, keyed the same way, plus
token accuracy for the tagging tasks and a ``meta`` entry saying how the score was made. Tasks present
in both folders are scored; within a task every language must be there unless ``languages`` narrows
the set. Group scores and the XTREME score appear only over complete tasks.

Both folders are read through evaluators.safe_files: no link inside them is followed (a prediction linked
to its gold file would score 100.00), and the two folders may not be one and the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from evaluators.aggregate import overall_scores, task_summary
from evaluators.benchmark import BITEXT_MINING, PAIR_CLASSIFICATION, PARALLEL_RETRIEVAL, QA, TAGGING, TASKS
from evaluators.bitext import bitext_f1
from evaluators.classification import accuracy
from evaluators.errors import InputFileError
from evaluators.mlqa import mlqa_scores
from evaluators.safe_files import folder_present, same_file
from evaluators.segmented_qa import OFFICIAL, QA_MODES, segmented_qa_scores
from evaluators.squad import squad_scores
from evaluators import submission_files as files
from evaluators.tagging import XTREME, TagCountMismatch, tagging_scores


def _check_same_length(pred_path: Path, gold_path: Path, n_pred: int, n_gold: int, unit: str) -> None:
    if n_pred != n_gold:
        line = min(n_pred, n_gold) + 1
        raise InputFileError(
            pred_path, line,
            f"{n_pred} {unit}s, but {gold_path} has {n_gold}: one prediction per gold {unit}, in gold order",
        )


def score_language(
    task: str, pred_path: Path, gold_path: Path, language: str,
    tagging_mode: str = XTREME, qa_mode: str = OFFICIAL,
    *, pred_root: Path | None = None, gold_root: Path | None = None,
) -> dict[str, float]:
    """One task, one language: ``{metric: value}`` in the reference's metric order.

    ``pred_root`` and ``gold_root`` are the folders the user named: no link below them is followed.
    """
    family = TASKS[task].family
    pred_at, gold_at = {"root": pred_root}, {"root": gold_root}
    if same_file(pred_path, gold_path, follow_links=False):
        raise InputFileError(pred_path, None, f"is the gold file {gold_path} itself (a hard link); submit predictions")
    if family == PAIR_CLASSIFICATION:
        pred, gold = files.read_label_lines(pred_path, **pred_at), files.read_label_lines(gold_path, **gold_at)
        _check_same_length(pred_path, gold_path, len(pred), len(gold), "line")
        return accuracy(gold, pred)
    if family == PARALLEL_RETRIEVAL:
        pred, gold = files.read_indices(pred_path, **pred_at), files.read_indices(gold_path, **gold_at)
        _check_same_length(pred_path, gold_path, len(pred), len(gold), "line")
        return accuracy(gold, pred)
    if family == TAGGING:
        pred, pred_starts = files.read_tag_sentences(pred_path, **pred_at)
        gold, _ = files.read_tag_sentences(gold_path, **gold_at)
        _check_same_length(pred_path, gold_path, len(pred), len(gold), "sentence")
        try:
            return tagging_scores(gold, pred, tagging_mode)
        except TagCountMismatch as err:
            raise InputFileError(
                pred_path, pred_starts[err.sentence_index],
                f"sentence {err.sentence_index + 1} has {err.n_predicted} tags but its gold sentence in "
                f"{gold_path} has {err.n_gold}: one tag per gold token",
            ) from None
    if family == BITEXT_MINING:
        gold = files.read_id_pairs(gold_path, gold=True, language=language, **gold_at)
        return bitext_f1(gold, files.read_id_pairs(pred_path, language=language, **pred_at))
    if family == QA:
        pred, gold = files.read_qa_predictions(pred_path, **pred_at), files.read_qa_gold(gold_path, **gold_at)
        if qa_mode != OFFICIAL:
            return segmented_qa_scores(gold, pred, language)
        if task == "mlqa":
            return mlqa_scores(gold, pred, language)
        return squad_scores(gold, pred)
    raise AssertionError(f"no scorer for family {family}")


def score_submission(
    predictions_dir: str | os.PathLike,
    labels_dir: str | os.PathLike,
    tagging_mode: str = XTREME,
    *,
    tasks: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
    qa_mode: str = OFFICIAL,
) -> dict:
    """Scores in the reference scorer's shape; raises InputFileError on any file it cannot score."""
    if qa_mode not in QA_MODES:
        raise ValueError(f"unknown QA mode {qa_mode!r}; expected one of {', '.join(QA_MODES)}")
    predictions_dir, labels_dir = Path(predictions_dir), Path(labels_dir)
    for folder in (predictions_dir, labels_dir):
        if not folder.is_dir():  # the folders named here may be links: the user chose them
            raise InputFileError(folder, None, "not a folder: expected {task}/test-{lang}.{ext} files inside")
    if same_file(predictions_dir, labels_dir):
        raise InputFileError(
            predictions_dir, None, f"is the labels folder {labels_dir} itself; give the predictions folder"
        )
    wanted = list(TASKS) if tasks is None else [t for t in TASKS if t in set(tasks)]
    only = None if languages is None else set(languages)

    summaries: dict[str, dict] = {}
    complete: list[str] = []
    skipped: dict[str, str] = {}
    for task in wanted:
        spec = TASKS[task]
        in_pred = folder_present(predictions_dir / task, root=predictions_dir)
        in_gold = folder_present(labels_dir / task, root=labels_dir)
        if not (in_pred and in_gold):
            skipped[task] = "no predictions folder" if not in_pred else "no labels folder"
            continue
        langs = [lang for lang in spec.languages if only is None or lang in only]
        if not langs:
            skipped[task] = "none of the requested languages"
            continue
        per_language = {}
        for lang in langs:
            relative = spec.submission_file(lang)
            per_language[lang] = score_language(
                task, predictions_dir / relative, labels_dir / relative, lang, tagging_mode, qa_mode,
                pred_root=predictions_dir, gold_root=labels_dir,
            )
        summaries[task] = task_summary(task, per_language)
        if len(langs) == len(spec.languages):
            complete.append(task)

    result: dict = overall_scores(summaries, complete)
    result.update(summaries)
    try:
        with os.scandir(predictions_dir) as entries:  # links are not followed, not even to list a folder
            ignored = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False) and e.name not in TASKS)
    except OSError as err:
        raise InputFileError(predictions_dir, None, f"cannot list the folder: {err.strerror or err}") from None
    result["meta"] = {
        "tagging_mode": tagging_mode,
        "qa_mode": qa_mode,
        "complete_tasks": complete,
        "partial_tasks": [t for t in summaries if t not in complete],
        "skipped_tasks": skipped,
        "ignored_folders": ignored,
        "xtreme_score": "all_task" in result,
    }
    return result
