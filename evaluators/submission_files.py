"""Text primitives of the strict submission readers, over the one strict text reader (evaluators.text_input).

The format of each submission file (``{task}/test-{lang}.{ext}``) is read by the family that owns it
(evaluators/families/: tag sentences in tagging, SQuAD-form JSON in span_qa, BUCC id pairs in
bitext_mining, ...); the data readers under harness_tasks/readers use the same primitives. Here:

* :func:`read_text`: every file is a regular file, reached without following links inside the folder given
  (see evaluators.safe_files), UTF-8 without a byte-order mark (a BOM would become part of the first label)
  and without NUL bytes (UTF-16 text without a BOM decodes as UTF-8 full of them), not empty or blank (a
  gold file with nothing in it would score 0 instead of being an error) unless the caller allows it;
* :func:`split_lines` / :func:`read_label_lines`: one value a line, no blank lines anywhere; the reference
  reads a trailing blank line as one more example (and counts two blank lines as a correct prediction);
* :func:`check_same_length`: one prediction per gold example, in gold order;
* :func:`closed_set_problem` / :func:`check_closed_set`: a label or tag must be one of the task's closed set
  (``ENTAILMENT``, ``0``, ``o`` or a ``token<TAB>tag`` line would only count as wrong);
* :func:`load_json` / :func:`read_json_lines`: JSON (or JSON Lines, one value a line) with the file and line
  on every failure (evaluators.json_input);
* ``ASCII_INDEX`` / ``INDEX_FORM``: a line number as the reference writes it, ASCII digits only. The
  reference compares such values as text, so ``٣٦٧``, ``+5`` or ``07`` would silently never match ``367``.

Line ends are read as the reference reads them (Python text mode, universal newlines): ``\\n``, ``\\r\\n``
and a lone ``\\r`` all end a line, so a file saved with any of them scores the same.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterable, Sequence

from evaluators.errors import InputFileError
from evaluators.json_input import JsonDocument, parse_json

# The strict reader and the closed-set rule live in evaluators.text_input, shared with the data readers;
# re-exported here so that the families read every primitive from one module.
from evaluators.text_input import (  # noqa: F401
    ASCII_INDEX,
    BOM,
    INDEX_FORM,
    Root,
    closed_set_problem,
    load_json,
    read_text,
    split_lines,
)


def check_no_blank_lines(path, lines: list[str], expected: str) -> list[str]:
    """``lines`` itself, or InputFileError at the first blank one (a trailing one said as such)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            trailing = all(not rest.strip() for rest in lines[number - 1 :])
            problem = (
                "trailing blank line: the reference scorer counts it as one more example; remove it"
                if trailing
                else f"blank line where {expected} was expected"
            )
            raise InputFileError(path, number, problem)
    return lines


def read_label_lines(path: str | os.PathLike, expected: str = "one label a line", *, root: Root = None,
                     strip: bool = True) -> list[str]:
    """One value a line (stripped, as the reference strips, unless ``strip`` is false); any blank line is an error."""
    lines = check_no_blank_lines(path, split_lines(read_text(path, expected, root=root)), expected)
    return [line.strip() for line in lines] if strip else lines


def check_closed_set(path: str | os.PathLike, values: Iterable[tuple[int, str]], task: str,
                     labels: Sequence[str], kind: str = "label") -> None:
    """InputFileError at the first ``(line, value)`` that is not one of ``labels`` (see closed_set_problem)."""
    for line, value in values:
        problem = closed_set_problem(value, task, labels, kind)
        if problem:
            raise InputFileError(path, line, problem)


def check_same_length(pred_path: str | os.PathLike | None, gold_path: str | os.PathLike | None, n_pred: int,
                      n_gold: int, unit: str) -> None:
    """One prediction per gold ``unit`` ("line", "sentence"), in gold order: InputFileError at the first line
    the two files differ in (ValueError when scoring values that came from no file)."""
    if n_pred == n_gold:
        return
    if pred_path is None:
        raise ValueError(f"{n_pred} predicted {unit}s for {n_gold} gold {unit}s: one prediction per gold {unit}")
    raise InputFileError(
        pred_path, min(n_pred, n_gold) + 1,
        f"{n_pred} {unit}s, but {gold_path} has {n_gold}: one prediction per gold {unit}, in gold order",
    )


def check_labels(path: str | os.PathLike, values: list[str], task: str, labels: Sequence[str]) -> list[str]:
    """``values`` (one a line, line 1 first) itself, or InputFileError at the first outside ``labels``; no
    check when the task has no closed set."""
    if labels:
        check_closed_set(path, enumerate(values, start=1), task, labels)
    return values


def read_json_lines(path: str | os.PathLike, expected: str, *, root: Root = None) -> list[JsonDocument]:
    """JSON Lines: one JSON value a line, no blank line anywhere (the reference fails on one). A line that is
    not JSON is named by its line in the file; each document's ``line`` attribute is its line."""
    lines = split_lines(read_text(path, expected, root=root))
    documents = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise InputFileError(path, number, f"blank line: every line must hold one JSON value (the reference "
                                               f"scorer fails on a blank one); expected {expected}")
        try:
            document = parse_json(path, line, expected)
        except InputFileError as err:
            raise InputFileError(path, number, err.problem) from None
        document.line = number
        documents.append(document)
    return documents


# --- writing: the same formats, back ----------------------------------------------------------------------
def one_line(value, what: str) -> str:
    """``value`` as the text of one non-blank line, or ValueError naming ``what`` (a line break would shift
    every later example, a blank line would be refused by the readers above)."""
    text = str(value)
    if not text.strip() or "\n" in text or "\r" in text:
        raise ValueError(f"{what}: {text!r} cannot be written as one non-blank line")
    return text


def lines_text(lines: Iterable[str]) -> str:
    """Lines joined into a file's text: each ends with a newline, and no blank line follows the last."""
    return "".join(f"{line}\n" for line in lines)


def unknown_id_count(pred_path: str | os.PathLike | None, gold_path: str | os.PathLike | None,
                     predictions: Iterable[str], gold: Container[str], what: str = "question ids") -> int:
    """How many prediction ids the gold lacks (the reference ignores them silently); InputFileError when
    the file has ids and none of them is in the gold: it is another task's or language's file."""
    ids = list(predictions)
    unknown = sum(1 for key in ids if key not in gold)
    if ids and unknown == len(ids):
        problem = f"none of its {len(ids)} {what} is in {gold_path or 'the gold'}"
        if pred_path is None:
            raise ValueError(problem)
        raise InputFileError(pred_path, None, f"{problem}: is it another task's or language's file?")
    return unknown
