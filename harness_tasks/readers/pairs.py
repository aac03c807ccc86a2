"""Sentence-pair classification files (XNLI, PAWS-X, MNLI as XTREME ships it) -> PairExample.

Format (the benchmark's download script writes these with Python's ``csv.writer(delimiter="\\t")``):
one example a line, ``sentence1<TAB>sentence2<TAB>label``. Fields holding a tab, a newline or a double
quote are double-quoted with inner quotes doubled (csv "minimal" quoting), so the file is read back with
``csv.reader`` and not with a plain split. Unlabelled test files have two fields (``sentence1<TAB>sentence2``);
their records get ``label=None``. There is no header line.

Record ids are ``{task}.{split}.{language}.{i}`` with ``i`` the 0-based example index in the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from evaluators.text_input import closed_set_problem
from harness_tasks.records import PairExample

from ._text import read_text
from .errors import DataFormatError

FIELDS = "(sentence1, sentence2, label)"


def read_pair_tsv(
    path: Path,
    *,
    task: str,
    language: str,
    split: str,
    labels: tuple[str, ...],
    allow_unlabelled: bool,
    root: Path | None = None,
) -> list[PairExample]:
    """Read one pair-classification TSV file.

    ``labels`` is the closed label set (a label outside it is an error); ``allow_unlabelled`` accepts
    two-field lines (test splits only); ``root`` is the data folder the file is in (no links below it).
    """
    expected_fields = "2 or 3" if allow_unlabelled else "3"
    text = read_text(path, f"lines of sentence1<TAB>sentence2<TAB>label {FIELDS}", root)
    reader = csv.reader(io.StringIO(text), delimiter="\t", strict=True)
    examples: list[PairExample] = []
    line = 0
    try:
        for row in reader:
            line = reader.line_num
            if len(row) == 3 or (allow_unlabelled and len(row) == 2):
                label = row[2].strip() if len(row) == 3 else None
                problem = None if label is None else closed_set_problem(label, task, labels)
                if problem:
                    raise DataFormatError(path, line, problem)
                examples.append(
                    PairExample(
                        id=f"{task}.{split}.{language}.{len(examples)}",
                        sentence1=row[0],
                        sentence2=row[1],
                        label=label,
                        language=language,
                    )
                )
                continue
            got = "an empty line" if not row else str(len(row))
            raise DataFormatError(path, line, f"expected {expected_fields} tab-separated fields {FIELDS}, got {got}")
    except csv.Error as err:
        raise DataFormatError(path, reader.line_num, f"malformed quoting ({err}); expected {FIELDS}") from None
    return examples
