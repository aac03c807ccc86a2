"""The exceptions every reader raises, so that callers catch one type and users read one kind of message.

Messages always start with the file (and, for text files, the 1-based line number) and say what was
expected there, e.g. ``.../xnli/dev-de.tsv:17: expected 3 tab-separated fields (sentence1, sentence2,
label), got 2``. JSON structure errors name the JSON path instead of a line
(``.../xquad.de.json: data[0].paragraphs[2].qas[1]: missing key 'id'``).
"""

from __future__ import annotations


class DataFormatError(ValueError):
    """A data file exists but does not hold what its layout promises."""


class MissingDataError(FileNotFoundError):
    """A data file the layout requires is not there; the message names the path and the layout expected."""

