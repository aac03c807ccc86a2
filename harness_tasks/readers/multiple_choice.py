"""Multiple-choice data (XCOPA, English COPA, SocialIQA) -> MultipleChoiceExample.

Two JSON Lines forms, told apart by the first line's keys (a file holds one form):

- **COPA** (XCOPA's ``{val,test}-{lang}.jsonl`` as the benchmark's download script writes them, and
  SuperGLUE's English COPA ``{train,val}-en.jsonl``): ``{"premise", "choice1", "choice2", "question":
  "cause"|"effect", "label": 0|1, "idx", "changed"}``; ``idx`` and ``changed`` are not read. SuperGLUE's
  unlabelled test file has no ``label``.
- **SocialIQA** v1.4 (``socialIQa_v1.4_{trn,dev}.jsonl``): ``{"context", "question", "answerA", "answerB",
  "answerC", "correct": "A"|"B"|"C", ...}``; the context becomes the premise, ``correct`` the 0-based label.

Labels are JSON integers (not ``true``, not ``"1"``), an index of the example's choices and one of the
declared labels where the declaration has a closed set (XCOPA: "0", "1"). Unlabelled test data: the
benchmark's download script overwrites every XCOPA test label with 0 (utils_preprocess.xcopa_preprocess),
so a test file whose labels are all 0 is read as unlabelled (``label=None``); a test file with real labels
(the dataset's own release, the bundled sample) keeps them.

Hub rows (converters below, for ``HUB_CONVERTERS``): ``cambridgeltl/xcopa`` and SuperGLUE ``copa``
(premise, choice1, choice2, question, label: an integer, -1 for none) and ``allenai/social_i_qa`` (context,
question, answerA, answerB, answerC, label: the 1-based answer as a string "1".."3").

Record ids are ``{task}.{split}.{language}.{i}`` with ``i`` the 0-based example index in the file.
"""

from __future__ import annotations

import numbers
from dataclasses import replace
from pathlib import Path

from evaluators.errors import quote
from evaluators.text_input import closed_set_problem
from harness_tasks.records import MultipleChoiceExample

from .data_spec import DataSpec
from .errors import DataFormatError
from .json_lines import JsonLine, json_lines

COPA_QUESTIONS = ("cause", "effect")
SIQA_LETTERS = ("A", "B", "C")
COPA_FORM = '{"premise", "choice1", "choice2", "question": "cause"|"effect", "label": 0|1}'
SIQA_FORM = '{"context", "question", "answerA", "answerB", "answerC", "correct": "A"|"B"|"C"}'
EXPECTED = f"one JSON object a line, COPA form {COPA_FORM} or SocialIQA form {SIQA_FORM}"


def choice_prompt(example: MultipleChoiceExample) -> str:
    """The first text of each (text, choice) pair a multiple-choice head scores, as the benchmark's
    run_xcopa.py makes it: COPA asks in English whatever the language (``"{premise} What was the cause?"``),
    SocialIQA appends its question to the context."""
    if example.question in COPA_QUESTIONS:
        return f"{example.premise} What was the {example.question}?"
    return f"{example.premise} {example.question}"


def _check_label(label: int, n_choices: int, spec: DataSpec) -> str | None:
    """Why ``label`` is not a label of this data, or None."""
    if not 0 <= label < n_choices:
        return f"label {label} is not the index of one of the {n_choices} choices (0 to {n_choices - 1})"
    return closed_set_problem(str(label), spec.name, spec.labels) if spec.labels else None


def _copa(line: JsonLine, spec: DataSpec, allow_unlabelled: bool) -> tuple[str, str, tuple[str, ...], int | None]:
    premise, question = line.text((), "premise"), line.text((), "question")
    if question not in COPA_QUESTIONS:
        raise line.error(("question",), f"{quote(question)} is not one of {', '.join(COPA_QUESTIONS)}; "
                                        "expected the relation COPA asks about")
    choices = (line.text((), "choice1"), line.text((), "choice2"))
    label = line.get((), "label", int, default=None)
    if label is None and not allow_unlabelled:
        raise line.error((), f"missing key 'label' (only test files may be unlabelled); expected {COPA_FORM}")
    problem = None if label is None else _check_label(label, len(choices), spec)
    if problem:
        raise line.error(("label",), problem)
    return premise, question, choices, label


def _siqa(line: JsonLine, spec: DataSpec, allow_unlabelled: bool) -> tuple[str, str, tuple[str, ...], int | None]:
    premise, question = line.text((), "context"), line.text((), "question")
    choices = tuple(line.text((), f"answer{letter}") for letter in SIQA_LETTERS)
    correct = line.text((), "correct", default=None)
    if correct is None and not allow_unlabelled:
        raise line.error((), f"missing key 'correct' (only test files may be unlabelled); expected {SIQA_FORM}")
    if correct is not None and correct not in SIQA_LETTERS:
        raise line.error(("correct",), f"{quote(correct)} is not one of {', '.join(SIQA_LETTERS)}; expected the "
                                       "letter of the right answer")
    label = None if correct is None else SIQA_LETTERS.index(correct)
    problem = None if label is None else _check_label(label, len(choices), spec)
    if problem:
        raise line.error(("correct",), problem)
    return premise, question, choices, label


FORMS = {"choice1": (_copa, COPA_FORM), "answerA": (_siqa, SIQA_FORM)}  # a key only that form has -> reader, shape


def read_choice_jsonl(path: Path, spec: DataSpec, *, language: str, split: str, allow_unlabelled: bool,
                      root: Path | None = None) -> list[MultipleChoiceExample]:
    """Read one multiple-choice file of ``spec`` (its name and labels); ``allow_unlabelled``: test data,
    whose labels may be absent or the download script's all-zero placeholders. ``root``: the data folder."""
    examples: list[MultipleChoiceExample] = []
    form = None
    for line in json_lines(path, EXPECTED, root):
        if form is None:
            form, shape = next((found for key, found in FORMS.items() if key in line.value), (None, None))
            if form is None:
                raise line.error((), f"neither COPA nor SocialIQA form (keys {', '.join(map(repr, line.value))}); "
                                     f"expected {EXPECTED}")
        line.expected = f"{'COPA' if form is _copa else 'SocialIQA'} form {shape}, like line 1"
        premise, question, choices, label = form(line, spec, allow_unlabelled)
        examples.append(MultipleChoiceExample(id=f"{spec.name}.{split}.{language}.{len(examples)}", premise=premise,
                                              question=question, choices=choices, label=label, language=language))
    if allow_unlabelled and form is _copa and all(e.label == 0 for e in examples):
        examples = [replace(e, label=None) for e in examples]  # the download script's placeholders, not labels
    return examples


def read_raw_multiple_choice(root: Path, spec: DataSpec, language: str, split: str) -> list[MultipleChoiceExample]:
    """``RAW_READERS`` entry: one split of one language from a raw-layout folder (the first declared file
    template that exists, as for the other one-file families)."""
    from .raw import locate  # raw imports this module to register it

    return read_choice_jsonl(locate(root, spec, language, split), spec, language=language, split=split,
                             allow_unlabelled=spec.allows_unlabelled(split), root=root)


# ------------------------------------------------------------------------------------------------ hub rows
def _hub_label(value, n_choices: int, one_based: bool, at: str, spec: DataSpec) -> int | None:
    """An integer label column (-1 or None: no label), or SocialIQA's "1".."3"; DataFormatError otherwise."""
    if value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool) and value == -1):
        return None
    if one_based and isinstance(value, str) and value.strip() in {str(i + 1) for i in range(n_choices)}:
        return int(value.strip()) - 1
    if not one_based and isinstance(value, numbers.Integral) and not isinstance(value, bool):
        problem = _check_label(int(value), n_choices, spec)
        if not problem:
            return int(value)
        raise DataFormatError(at, None, problem)
    form = f'the right answer\'s number as a string, "1" to "{n_choices}"' if one_based else \
        f"the index of the right choice, 0 to {n_choices - 1} (-1: none)"
    raise DataFormatError(at, None, f"label {quote(str(value))}: expected {form}")


def hub_multiple_choice(ds, spec: DataSpec, language: str, split: str, where) -> list[MultipleChoiceExample]:
    """``HUB_CONVERTERS`` entry: COPA-form rows (cambridgeltl/xcopa, SuperGLUE copa) or SocialIQA rows
    (allenai/social_i_qa, told apart by its ``answerA`` column) -> records with the raw readers' ids."""
    from .hub import _require_columns, _rows  # hub imports this module to register it

    siqa = where.column("answerA") in ds.column_names
    fields = (("context", "question", "answerA", "answerB", "answerC", "label") if siqa
              else ("premise", "question", "choice1", "choice2", "label"))
    columns = _require_columns(ds, fields, where)
    out: list[MultipleChoiceExample] = []
    for i, row in enumerate(_rows(ds, where)):
        at = f"{where.name} row {i}"
        premise, question, *choices, label = (row[c] for c in columns)
        if not all(isinstance(text, str) for text in (premise, question, *choices)):
            raise DataFormatError(at, None, f"expected text in the columns {', '.join(columns[:-1])}")
        if not siqa and question not in COPA_QUESTIONS:
            raise DataFormatError(at, None, f"question {quote(question)} is not one of {', '.join(COPA_QUESTIONS)}")
        label = _hub_label(label, len(choices), siqa, at, spec)
        if label is None and not spec.allows_unlabelled(split):
            raise DataFormatError(at, None, f"no label (only test data may be unlabelled); expected {columns[-1]} "
                                            "to hold the right choice")
        out.append(MultipleChoiceExample(id=f"{spec.name}.{split}.{language}.{len(out)}", premise=premise,
                                         question=question, choices=tuple(choices), label=label, language=language))
    return out
