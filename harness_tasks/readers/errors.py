"""The exceptions every reader raises, so that callers catch one type and users read one kind of message.

Both are input-file errors of the one hierarchy in evaluators.errors (``InputFileError``: path, line,
problem), so ``except InputFileError`` catches a bad file whether the scorer or a data reader read it,
and ``err.path`` / ``err.line`` say where. Messages always start with the file (and, for text files, the
1-based line number) and say what was expected there, e.g. ``.../xnli/dev-de.tsv:17: expected 3
tab-separated fields (sentence1, sentence2, label), got 2``. JSON structure errors add the JSON path after
the line (``.../xquad.de.json:12: data[0].paragraphs[2].qas[1]: missing key 'id'``). Hub rows are placed
as ``{repo} {config} {split} row {i}`` where a file would be named. A link inside the data folder, a
folder, a pipe or an unreadable file where a data file belongs is a DataFormatError naming it.
"""

from __future__ import annotations

from evaluators.errors import InputFileError, MissingInputFile


class DataFormatError(InputFileError):
    """A data file exists but does not hold what its layout promises."""


class MissingDataError(MissingInputFile, FileNotFoundError):
    """A data file the layout requires is not there; the message names the path and the layout expected.

    Not a DataFormatError: callers skip absent data (a language not downloaded) but refuse malformed data.
    """


class DataSourceError(ValueError):
    """A data source argument (``--data``, ``data=``) that names no usable source."""
