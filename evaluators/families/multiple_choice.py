"""Multiple choice (XCOPA): a premise and its choices; the index of the right choice, scored by accuracy.

Submission file: ``{task}/test-{lang}.jsonl``, one JSON object a line in gold order, holding ``"label"``:
the 0-based index of the chosen answer (what the benchmark's run_xcopa.py writes: ``{"label": 1}``). The
gold file is the task's test data in the same JSON Lines form (``premise``, ``choice1``, ``choice2``,
``question``, ``idx``, ``label``, ...); only ``label`` is read. Labels are JSON integers of the task's
closed set (``TaskSpec.labels``, "0" and "1" for two choices); the reference compares raw JSON values, so a
string ``"1"`` or a label out of range would silently count as wrong, and is refused here, as is a blank
line (the reference fails on it). A number written ``1.0`` equals ``1`` there and here.

Outcome per example: ``correct`` (1 or 0); accuracy is ``100 * sum(correct) / n``
(evaluators.classification), as for XNLI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from evaluators.errors import InputFileError
from evaluators.families.base import FamilyInfo
from evaluators.families.pair_classification import ScoredByAccuracy
from evaluators.squad_form import type_name
from evaluators.submission_files import closed_set_problem, lines_text, read_json_lines
from evaluators.task_spec import TaskSpec

EXPECTED = 'one JSON object a line holding the index of the chosen answer, e.g. {"label": 1}'


def _label(spec: TaskSpec, document, path) -> str:
    """The line's ``label`` as text ("1"), or InputFileError saying what is wrong with it."""
    value = document.value
    if not isinstance(value, dict):
        raise InputFileError(path, document.line, f"found a JSON {type_name(value)}; expected {EXPECTED}")
    if "label" not in value:
        raise InputFileError(path, document.line, f"no \"label\" key; expected {EXPECTED}")
    label = value["label"]
    if isinstance(label, float) and label.is_integer():
        label = int(label)  # 1.0 == 1 for the reference too
    if not isinstance(label, int) or isinstance(label, bool):
        raise InputFileError(path, document.line,
                             f"label is a JSON {type_name(label)} ({json.dumps(label)[:40]}); expected the index "
                             f"of the chosen answer as a JSON integer ({', '.join(spec.labels)})")
    problem = closed_set_problem(str(label), spec.name, spec.labels)
    if problem:
        raise InputFileError(path, document.line, f"{problem}; expected the index of the chosen answer")
    return str(label)


class MultipleChoice(ScoredByAccuracy):
    name = "multiple_choice"
    info = FamilyInfo(name, example="a premise, a question and the choices to answer it with",
                      prediction='one {"label": <index of the chosen answer>} a line, in gold order')

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> list[str]:
        return [_label(spec, document, path) for document in read_json_lines(path, EXPECTED, root=root)]

    read_gold = read_predictions

    def format_predictions(self, spec: TaskSpec, predictions: Sequence) -> str:
        lines = []
        for i, label in enumerate(predictions):
            if str(label) not in spec.labels:
                raise ValueError(f"{spec.name} prediction {i + 1}: {label!r} is not one of {', '.join(spec.labels)}")
            lines.append(json.dumps({"label": int(label)}))
        return lines_text(lines)

    format_gold = format_predictions


FAMILY = MultipleChoice()
