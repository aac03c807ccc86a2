"""Score a submission in the public XTREME layout against gold labels in the same layout.

``score_submission(predictions_dir, labels_dir)`` returns the numbers the benchmark's reference scorer
(google-research/xtreme evaluate.py, ``--xtreme_version xtreme``) prints, keyed the same way, plus
token accuracy for the tagging tasks and a ``meta`` entry saying how the score was made.

Which files are scored:

* tasks: those with a folder in both folders (or the ``tasks`` asked for);
* languages of a task: the benchmark's languages that have a gold file in the labels folder, so that the
  labels of a partial data set (the bundled sample holds three languages a task) score the submission
  written from it; ``languages`` narrows the set, and then each of those languages must have its files.
  Every language scored must have a prediction file: a missing one is an error, never a silent 0.
* A task missing languages of the benchmark is partial: scored, listed in ``meta.partial_tasks`` with
  ``meta.skipped_languages``, and left out of group scores and the XTREME score, which need complete tasks.

Every value is checked before it is scored: labels and tags against the task's closed set (``ENTAILMENT``
or ``0`` for xnli, ``o`` for PAN-X or a ``token<TAB>tag`` line would only count as wrong); a QA prediction
file that shares no question id with its gold is refused (another task's or language's file), and gold
questions left unanswered or predictions for unknown ids are counted in ``meta`` (the reference scores the
first as 0 and ignores the second, silently).

Both folders are read through evaluators.safe_files: no link inside them is followed (a prediction linked
to its gold file would score 100.00), the two folders may not be one and the same, and no prediction file
may be a hard link to any file of the labels folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from evaluators.aggregate import overall_scores, task_summary
from evaluators.benchmark import BITEXT_MINING, PAIR_CLASSIFICATION, PARALLEL_RETRIEVAL, QA, TAGGING, TASKS
from evaluators.bitext import bitext_f1
from evaluators.classification import accuracy
from evaluators.errors import InputFileError
from evaluators.mlqa import mlqa_scores
from evaluators.safe_files import FileId, entry_present, file_id, folder_present, regular_file_ids, same_file
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


@dataclass(frozen=True)
class LanguageScore:
    """One task and language scored, with what the reference would have passed over without a word."""

    scores: dict[str, float]  # {metric: value} in the reference's metric order
    unanswered: int = 0  # QA: gold questions without a prediction (each scores 0, as in the reference)
    unknown_ids: int = 0  # QA: predictions for question ids the gold does not have (ignored)


def _labels(path: Path, task: str, root: Path | None) -> list[str]:
    values = files.read_label_lines(path, root=root)
    files.check_closed_set(path, enumerate(values, start=1), task, TASKS[task].labels)
    return values


def _tags(path: Path, task: str, root: Path | None) -> tuple[list[list[str]], list[int]]:
    sentences, starts = files.read_tag_sentences(path, root=root)
    numbered = ((start + i, tag) for sentence, start in zip(sentences, starts) for i, tag in enumerate(sentence))
    files.check_closed_set(path, numbered, task, TASKS[task].labels, kind="tag")
    return sentences, starts


def _refuse_gold_copy(pred_path: Path, gold_path: Path, gold_files: Mapping[FileId, Path] | None) -> None:
    """A prediction file that is a gold file under another name (a hard link) would score as gold."""
    if gold_files is None:
        gold = gold_path if same_file(pred_path, gold_path, follow_links=False) else None
    else:
        gold = gold_files.get(file_id(pred_path))
    if gold is not None:
        raise InputFileError(pred_path, None, f"is the gold file {gold} itself (a hard link); submit predictions")


def _score_qa(task: str, pred_path: Path, gold_path: Path, language: str, qa_mode: str,
              pred_root: Path | None, gold_root: Path | None) -> LanguageScore:
    pred = files.read_qa_predictions(pred_path, root=pred_root)
    gold = files.read_qa_gold(gold_path, root=gold_root)
    unknown = sum(1 for qid in pred if qid not in gold)
    if pred and unknown == len(pred):
        raise InputFileError(
            pred_path, None,
            f"none of its {len(pred)} question ids is in {gold_path}: is it another task's or language's file?",
        )
    if qa_mode != OFFICIAL:
        scores = segmented_qa_scores(gold, pred, language)
    elif task == "mlqa":
        scores = mlqa_scores(gold, pred, language)
    else:
        scores = squad_scores(gold, pred)
    return LanguageScore(scores, unanswered=sum(1 for qid in gold if qid not in pred), unknown_ids=unknown)


def score_language_file(
    task: str, pred_path: Path, gold_path: Path, language: str,
    tagging_mode: str = XTREME, qa_mode: str = OFFICIAL,
    *, pred_root: Path | None = None, gold_root: Path | None = None,
    gold_files: Mapping[FileId, Path] | None = None,
) -> LanguageScore:
    """One task, one language, with the QA coverage counts (see score_language).

    ``gold_files``: :func:`evaluators.safe_files.regular_file_ids` of the labels folder, to refuse a
    prediction hard-linked to any gold file; without it only ``gold_path`` itself is compared.
    """
    family = TASKS[task].family
    pred_at, gold_at = {"root": pred_root}, {"root": gold_root}
    _refuse_gold_copy(pred_path, gold_path, gold_files)
    if family == PAIR_CLASSIFICATION:
        pred, gold = _labels(pred_path, task, pred_root), _labels(gold_path, task, gold_root)
        _check_same_length(pred_path, gold_path, len(pred), len(gold), "line")
        return LanguageScore(accuracy(gold, pred))
    if family == PARALLEL_RETRIEVAL:
        pred, gold = files.read_indices(pred_path, **pred_at), files.read_indices(gold_path, **gold_at)
        _check_same_length(pred_path, gold_path, len(pred), len(gold), "line")
        return LanguageScore(accuracy(gold, pred))
    if family == TAGGING:
        pred, pred_starts = _tags(pred_path, task, pred_root)
        gold, _ = _tags(gold_path, task, gold_root)
        _check_same_length(pred_path, gold_path, len(pred), len(gold), "sentence")
        try:
            return LanguageScore(tagging_scores(gold, pred, tagging_mode))
        except TagCountMismatch as err:
            raise InputFileError(
                pred_path, pred_starts[err.sentence_index],
                f"sentence {err.sentence_index + 1} has {err.n_predicted} tags but its gold sentence in "
                f"{gold_path} has {err.n_gold}: one tag per gold token",
            ) from None
    if family == BITEXT_MINING:
        gold = files.read_id_pairs(gold_path, gold=True, language=language, **gold_at)
        return LanguageScore(bitext_f1(gold, files.read_id_pairs(pred_path, language=language, **pred_at)))
    if family == QA:
        return _score_qa(task, pred_path, gold_path, language, qa_mode, pred_root, gold_root)
    raise AssertionError(f"no scorer for family {family}")


def score_language(
    task: str, pred_path: Path, gold_path: Path, language: str,
    tagging_mode: str = XTREME, qa_mode: str = OFFICIAL,
    *, pred_root: Path | None = None, gold_root: Path | None = None,
) -> dict[str, float]:
    """One task, one language: ``{metric: value}`` in the reference's metric order.

    ``pred_root`` and ``gold_root`` are the folders the user named: no link below them is followed.
    """
    return score_language_file(
        task, pred_path, gold_path, language, tagging_mode, qa_mode, pred_root=pred_root, gold_root=gold_root,
    ).scores


def task_languages(task: str, labels_dir: Path, languages: set[str] | None) -> list[str]:
    """The languages of ``task`` to score, in the benchmark's order (see the module docstring).

    With ``languages`` (the user's list) those of the task, each then required; without it the
    benchmark's languages that have a gold file (a link or a pipe there counts: reading it says why not).
    """
    spec = TASKS[task]
    if languages is not None:
        return [lang for lang in spec.languages if lang in languages]
    return [lang for lang in spec.languages
            if entry_present(labels_dir / spec.submission_file(lang), root=labels_dir)]


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
    gold_files = regular_file_ids(labels_dir, skip=predictions_dir)  # once: any of them may be hard-linked

    summaries: dict[str, dict] = {}
    complete: list[str] = []
    skipped: dict[str, str] = {}
    skipped_languages: dict[str, dict[str, str]] = {}
    unanswered: dict[str, dict[str, int]] = {}
    unknown_ids: dict[str, dict[str, int]] = {}
    for task in wanted:
        spec = TASKS[task]
        in_pred = folder_present(predictions_dir / task, root=predictions_dir)
        in_gold = folder_present(labels_dir / task, root=labels_dir)
        if not (in_pred and in_gold):
            skipped[task] = "no predictions folder" if not in_pred else "no labels folder"
            continue
        langs = task_languages(task, labels_dir, only)
        if not langs:
            if only is not None:
                skipped[task] = "none of the requested languages"
                continue
            raise InputFileError(
                labels_dir / task, None,
                f"no gold file: expected {task}/test-{{lang}}.{spec.submission_ext} for one or more of "
                f"{' '.join(spec.languages)}",
            )
        per_language = {}
        for lang in langs:
            relative = spec.submission_file(lang)
            scored = score_language_file(
                task, predictions_dir / relative, labels_dir / relative, lang, tagging_mode, qa_mode,
                pred_root=predictions_dir, gold_root=labels_dir, gold_files=gold_files,
            )
            per_language[lang] = scored.scores
            if scored.unanswered:
                unanswered.setdefault(task, {})[lang] = scored.unanswered
            if scored.unknown_ids:
                unknown_ids.setdefault(task, {})[lang] = scored.unknown_ids
        summaries[task] = task_summary(task, per_language)
        if len(langs) == len(spec.languages):
            complete.append(task)
        elif only is None:
            skipped_languages[task] = {lang: "no gold file" for lang in spec.languages if lang not in langs}

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
        # Languages of a partial task left out for want of a gold file (not those left out by `languages`).
        "skipped_languages": skipped_languages,
        # QA: gold questions with no prediction (scored 0) and predictions for ids not in the gold (ignored).
        "unanswered": unanswered,
        "unknown_question_ids": unknown_ids,
        "xtreme_score": "all_task" in result,
    }
    return result
