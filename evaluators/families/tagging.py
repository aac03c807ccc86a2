"""Word-level tagging (UD-POS, PAN-X): one tag a line, a blank line between sentences; chunk F1.

Submission file: ``{task}/test-{lang}.tsv``, one tag a line, exactly one blank line between sentences (a
file may end with one blank line; blank-line runs would make empty sentences, which shift every later
sentence), each tag one of the task's closed set. Scores: evaluators.tagging in the chosen mode (xtreme:
seqeval 0.0.12, seqeval: 1.x). Outcome per sentence: chunk counts ``tp``, ``n_pred``, ``n_gold`` and token
counts ``correct_tokens``, ``n_tokens`` (evaluators.tagging.sentence_counts), from which
evaluators.tagging.scores_from_counts gives the same F1, precision, recall and token accuracy exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evaluators.errors import InputFileError
from evaluators.families.base import FamilyInfo, LanguageScore, Outcome, ScoringOptions
from evaluators.submission_files import (
    check_closed_set,
    check_same_length,
    one_line,
    read_text,
    split_lines,
)
from evaluators.tagging import (
    COUNT_FIELDS,
    TagCountMismatch,
    scores_from_counts,
    sentence_counts,
    tagging_scores,
)
from evaluators.task_spec import TaskSpec


class TagSentences(list):
    """Sentences of tags (a list of lists) that remembers the line each sentence starts on in its file."""

    def __init__(self, sentences: Sequence[Sequence[str]] = (), starts: Sequence[int] = ()):
        super().__init__(sentences)
        self.starts = list(starts)


def read_tag_sentences(path: str | Path, *, root: Path | None = None) -> TagSentences:
    """Sentences of tags, each with the line number where it starts."""
    lines = split_lines(read_text(path, "one tag a line, a blank line between sentences", root=root))
    sentences: list[list[str]] = []
    starts: list[int] = []
    current: list[str] = []
    for number, line in enumerate(lines, start=1):
        tag = line.strip()
        if tag:
            if not current:
                starts.append(number)
            current.append(tag)
            continue
        if not current:
            where = "at the start of the file" if number == 1 else "after another blank line"
            raise InputFileError(
                path, number,
                f"blank line {where}: an empty sentence, which shifts every later sentence; "
                "separate sentences with exactly one blank line",
            )
        sentences.append(current)
        current = []
    if current:
        sentences.append(current)
    return TagSentences(sentences, starts)


class Tagging:
    name = "tagging"
    OUTCOME_FIELDS = COUNT_FIELDS
    info = FamilyInfo(name, example="a sentence of words and one tag per word",
                      prediction="one tag a line, a blank line between sentences")

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> TagSentences:
        sentences = read_tag_sentences(path, root=root)
        if spec.labels:
            numbered = ((start + i, tag) for sentence, start in zip(sentences, sentences.starts)
                        for i, tag in enumerate(sentence))
            check_closed_set(path, numbered, spec.name, spec.labels, kind="tag")
        return sentences

    read_gold = read_predictions

    def score(self, spec: TaskSpec, gold: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]],
              language: str, options: ScoringOptions, *, pred_path: Path | None = None,
              gold_path: Path | None = None) -> LanguageScore:
        check_same_length(pred_path, gold_path, len(predictions), len(gold), "sentence")
        try:
            scores = tagging_scores(gold, predictions, options.tagging_mode)
        except TagCountMismatch as err:
            starts = getattr(predictions, "starts", None)
            if pred_path is None or not starts:
                raise
            raise InputFileError(
                pred_path, starts[err.sentence_index],
                f"sentence {err.sentence_index + 1} has {err.n_predicted} tags but its gold sentence in "
                f"{gold_path} has {err.n_gold}: one tag per gold token",
            ) from None
        counts = sentence_counts(gold, predictions, options.tagging_mode)
        return LanguageScore(scores, tuple({"id": index, **c} for index, c in enumerate(counts)))

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str,
                             options: ScoringOptions) -> dict[str, float]:
        return scores_from_counts(outcomes, options.tagging_mode)

    def format_predictions(self, spec: TaskSpec, predictions: Sequence[Sequence[str]]) -> str:
        sentences = []
        for i, tags in enumerate(predictions):
            if not tags:
                raise ValueError(f"{spec.name} sentence {i + 1}: no tags; an empty sentence would shift every "
                                 "later one")
            sentences.append("".join(f"{one_line(t, f'{spec.name} sentence {i + 1} tag')}\n" for t in tags))
        return "\n".join(sentences)

    format_gold = format_predictions


FAMILY = Tagging()
