"""Score a submission in a benchmark's public layout against gold labels in the same layout.

``score_submission(predictions_dir, labels_dir, benchmark="xtreme")`` returns the numbers the benchmark's
reference scorer (google-research/xtreme evaluate.py, ``--xtreme_version xtreme`` or ``xtreme-r``) prints,
keyed the same way, plus token accuracy for the tagging tasks and a ``meta`` entry saying how the score was
made (``meta.benchmark`` names the benchmark). Each task is read and scored by its family
(evaluators/families: ``get_family(spec.family)``); nothing here knows a file format.

With ``outcomes=True`` it returns a :class:`ScoredSubmission` ``(scores, outcomes)`` instead: the same
scores, and ``outcomes[task][language]``, the per-example outcomes of every language scored (see
evaluators.families.base), for paired significance tests. The scores dict is unchanged by the flag.

Which files are scored:

* tasks: the benchmark's tasks with a folder in both folders (or the ``tasks`` asked for, each a task of
  the benchmark); other folders are listed in ``meta.ignored_folders``, and gold files of languages the
  benchmark does not score for a task (e.g. an XTREME-R submission scored as XTREME) in
  ``meta.ignored_languages``: the reference skips both silently, the command prints them;
* languages of a task: the benchmark's languages that have a gold file in the labels folder, so that the
  labels of a partial data set (the bundled sample holds three languages a task) score the submission
  written from it; ``languages`` narrows the set, and then each of those languages must have its files.
  Every language scored must have a prediction file: a missing one is an error, never a silent 0.
* A task missing languages of the benchmark is partial: scored, listed in ``meta.partial_tasks`` with
  ``meta.skipped_languages``, and left out of group scores and the overall score, which need complete tasks.

Every value is checked before it is scored, by the family's reader: labels and tags against the task's
closed set (``ENTAILMENT`` or ``0`` for xnli, ``o`` for PAN-X or a ``token<TAB>tag`` line would only count
as wrong); a QA prediction file that shares no question id with its gold is refused (another task's or
language's file), and gold examples left unanswered or predictions for unknown ids are counted in ``meta``
(the reference scores the first as 0 and ignores the second, silently).

Both folders are read through evaluators.safe_files: no link inside them is followed (a prediction linked
to its gold file would score 100.00), the two folders may not be one and the same, and no prediction file
may be a hard link to any file of the labels folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from evaluators.aggregate import overall_scores, task_summary
from evaluators.benchmarks import XTREME, Benchmark, get_benchmark
from evaluators.errors import InputFileError
from evaluators.families import get_family
from evaluators.families.base import LanguageScore, Outcome, ScoringOptions
from evaluators.safe_files import (
    FileId,
    entry_present,
    file_id,
    folder_present,
    regular_file_ids,
    same_file,
)
from evaluators.segmented_qa import OFFICIAL, QA_MODES
from evaluators.tagging import MODES as TAGGING_MODES
from evaluators.tagging import XTREME as XTREME_TAGGING
from evaluators.task_spec import TaskSpec
from evaluators.tasks import get_task


class ScoredSubmission(NamedTuple):
    """What ``score_submission(..., outcomes=True)`` returns."""

    scores: dict  # exactly what score_submission returns without the flag
    outcomes: dict[str, dict[str, tuple[Outcome, ...]]]  # task -> language -> one outcome per example


def _refuse_gold_copy(pred_path: Path, gold_path: Path, gold_files: Mapping[FileId, Path] | None) -> None:
    """A prediction file that is a gold file under another name (a hard link) would score as gold."""
    if gold_files is None:
        gold = gold_path if same_file(pred_path, gold_path, follow_links=False) else None
    else:
        gold = gold_files.get(file_id(pred_path))
    if gold is not None:
        raise InputFileError(pred_path, None, f"is the gold file {gold} itself (a hard link); submit predictions")


def _spec(task: str | TaskSpec) -> TaskSpec:
    return task if isinstance(task, TaskSpec) else get_task(task)


def score_language_file(
    task: str | TaskSpec, pred_path: Path, gold_path: Path, language: str,
    tagging_mode: str = XTREME_TAGGING, qa_mode: str = OFFICIAL,
    *, pred_root: Path | None = None, gold_root: Path | None = None,
    gold_files: Mapping[FileId, Path] | None = None,
) -> LanguageScore:
    """One task, one language: its family reads both files (predictions first) and scores them.

    ``pred_root`` and ``gold_root`` are the folders the user named: no link below them is followed.
    ``gold_files``: :func:`evaluators.safe_files.regular_file_ids` of the labels folder, to refuse a
    prediction hard-linked to any gold file; without it only ``gold_path`` itself is compared.
    """
    spec = _spec(task)
    family = get_family(spec.family)
    _refuse_gold_copy(pred_path, gold_path, gold_files)
    predictions = family.read_predictions(spec, pred_path, root=pred_root, language=language)
    gold = family.read_gold(spec, gold_path, root=gold_root, language=language)
    return family.score(spec, gold, predictions, language, ScoringOptions(tagging_mode, qa_mode),
                        pred_path=pred_path, gold_path=gold_path)


def task_languages(task: str, labels_dir: Path, languages: set[str] | None,
                   benchmark: Benchmark | str = XTREME) -> list[str]:
    """The languages of ``task`` to score, in the benchmark's order (see the module docstring).

    With ``languages`` (the user's list) those of the task, each then required; without it the
    benchmark's languages that have a gold file (a link or a pipe there counts: reading it says why not).
    """
    benchmark = get_benchmark(benchmark)
    spec = get_task(task)
    if languages is not None:
        return [lang for lang in benchmark.languages(task) if lang in languages]
    return [lang for lang in benchmark.languages(task)
            if entry_present(labels_dir / spec.submission_file(lang), root=labels_dir)]


def _other_languages(labels_dir: Path, task: str, benchmark: Benchmark) -> list[str]:
    """Languages with a gold file ``{task}/test-{lang}.{ext}`` that ``benchmark`` does not score for ``task``
    (an XTREME-R submission scored as XTREME has them): reported, since the reference skips them silently."""
    spec = get_task(task)
    suffix = f".{spec.submission_ext}"
    try:
        with os.scandir(labels_dir / task) as entries:
            names = [e.name for e in entries if e.name.startswith("test-") and e.name.endswith(suffix)]
    except OSError:
        return []  # reading the task's files says what is wrong with the folder
    found = (name[len("test-"):-len(suffix)] for name in names)
    return sorted(lang for lang in found if lang and lang not in benchmark.languages(task))


def _check_options(tagging_mode: str, qa_mode: str, benchmark: Benchmark | str,
                   tasks: Iterable[str] | None) -> tuple[Benchmark, list[str]]:
    """The benchmark and the tasks to score in its order; ValueError on anything that selects nothing."""
    if tagging_mode not in TAGGING_MODES:
        raise ValueError(f"unknown tagging mode {tagging_mode!r}; expected one of {', '.join(TAGGING_MODES)}")
    if qa_mode not in QA_MODES:
        raise ValueError(f"unknown QA mode {qa_mode!r}; expected one of {', '.join(QA_MODES)}")
    try:
        benchmark = get_benchmark(benchmark)
    except KeyError as err:
        raise ValueError(err.args[0]) from None
    if tasks is None:
        return benchmark, list(benchmark.task_names)
    tasks = set(tasks)
    foreign = sorted(tasks - set(benchmark.task_names))
    if foreign:
        raise ValueError(f"{', '.join(foreign)}: not a task of {benchmark.title} (its tasks: "
                         f"{', '.join(benchmark.task_names)})")
    return benchmark, [task for task in benchmark.task_names if task in tasks]


def score_submission(
    predictions_dir: str | os.PathLike,
    labels_dir: str | os.PathLike,
    tagging_mode: str = XTREME_TAGGING,
    *,
    benchmark: Benchmark | str = XTREME,
    tasks: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
    qa_mode: str = OFFICIAL,
    outcomes: bool = False,
) -> dict | ScoredSubmission:
    """Scores in the reference scorer's shape; raises InputFileError on any file it cannot score.

    ``outcomes=True``: a :class:`ScoredSubmission` (the same scores, plus per-example outcomes).
    """
    benchmark, wanted = _check_options(tagging_mode, qa_mode, benchmark, tasks)
    predictions_dir, labels_dir = Path(predictions_dir), Path(labels_dir)
    for folder in (predictions_dir, labels_dir):
        if not folder.is_dir():  # the folders named here may be links: the user chose them
            raise InputFileError(folder, None, "not a folder: expected {task}/test-{lang}.{ext} files inside")
    if same_file(predictions_dir, labels_dir):
        raise InputFileError(
            predictions_dir, None, f"is the labels folder {labels_dir} itself; give the predictions folder"
        )
    only = None if languages is None else set(languages)
    gold_files = regular_file_ids(labels_dir, skip=predictions_dir)  # once: any of them may be hard-linked

    summaries: dict[str, dict] = {}
    complete: list[str] = []
    skipped: dict[str, str] = {}
    skipped_languages: dict[str, dict[str, str]] = {}
    unanswered: dict[str, dict[str, int]] = {}
    unknown_ids: dict[str, dict[str, int]] = {}
    task_outcomes: dict[str, dict[str, tuple[Outcome, ...]]] = {}
    other_languages: dict[str, list[str]] = {}
    for task in wanted:
        spec = get_task(task)
        all_langs = benchmark.languages(task)
        in_pred = folder_present(predictions_dir / task, root=predictions_dir)
        in_gold = folder_present(labels_dir / task, root=labels_dir)
        if not (in_pred and in_gold):
            skipped[task] = "no predictions folder" if not in_pred else "no labels folder"
            continue
        langs = task_languages(task, labels_dir, only, benchmark)
        others = [] if only is not None else _other_languages(labels_dir, task, benchmark)
        if others:
            other_languages[task] = others
        if not langs:
            if only is not None:
                skipped[task] = "none of the requested languages"
                continue
            raise InputFileError(
                labels_dir / task, None,
                f"no gold file: expected {task}/test-{{lang}}.{spec.submission_ext} for one or more of "
                f"{' '.join(all_langs)}",
            )
        per_language = {}
        for lang in langs:
            relative = spec.submission_file(lang)
            scored = score_language_file(
                spec, predictions_dir / relative, labels_dir / relative, lang, tagging_mode, qa_mode,
                pred_root=predictions_dir, gold_root=labels_dir, gold_files=gold_files,
            )
            per_language[lang] = scored.scores
            task_outcomes.setdefault(task, {})[lang] = scored.outcomes
            if scored.unanswered:
                unanswered.setdefault(task, {})[lang] = scored.unanswered
            if scored.unknown_ids:
                unknown_ids.setdefault(task, {})[lang] = scored.unknown_ids
        summaries[task] = task_summary(spec, per_language, outcomes=task_outcomes[task],
                                       options=ScoringOptions(tagging_mode, qa_mode))
        if len(langs) == len(all_langs):
            complete.append(task)
        elif only is None:
            skipped_languages[task] = {lang: "no gold file" for lang in all_langs if lang not in langs}

    result: dict = overall_scores(summaries, complete, benchmark)
    result.update(summaries)
    try:
        with os.scandir(predictions_dir) as entries:  # links are not followed, not even to list a folder
            ignored = sorted(e.name for e in entries
                             if e.is_dir(follow_symlinks=False) and e.name not in benchmark.task_names)
    except OSError as err:
        raise InputFileError(predictions_dir, None, f"cannot list the folder: {err.strerror or err}") from None
    result["meta"] = {
        "benchmark": benchmark.name,
        "tagging_mode": tagging_mode,
        "qa_mode": qa_mode,
        "complete_tasks": complete,
        "partial_tasks": [t for t in summaries if t not in complete],
        "skipped_tasks": skipped,
        "ignored_folders": ignored,
        # Languages of a partial task left out for want of a gold file (not those left out by `languages`).
        "skipped_languages": skipped_languages,
        # Gold files of languages the benchmark does not score for the task (another benchmark's), not scored.
        "ignored_languages": other_languages,
        # Gold examples with no prediction (scored 0) and predictions for ids not in the gold (ignored).
        "unanswered": unanswered,
        "unknown_question_ids": unknown_ids,
        # Whether the benchmark's overall score (result[benchmark.overall]) was given: it needs every task.
        "xtreme_score": benchmark.overall in result,
    }
    return ScoredSubmission(result, task_outcomes) if outcomes else result
