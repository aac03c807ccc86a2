"""Word-tagging files (UD-POS, PAN-X) -> TaggedSentence.

Format: one word a line, ``token<TAB>tag``; one or more blank lines end a sentence. Unlabelled test
files hold the token alone on its line (no tab); such a sentence gets ``tags=None``. A sentence mixing
tagged and untagged lines is an error. Tokens are kept exactly (no stripping besides the line end).

PAN-X as distributed prefixes every token with its language, ``en:Berlin`` (its declaration says so:
``TaskSpec.token_language_prefix``); the benchmark's preprocessing strips everything up to the first
colon. We strip the prefix only when it is this file's
language code followed by a colon, so files that are already stripped read the same and tokens such as
``12:30`` stay intact.

Record ids are ``{task}.{split}.{language}.{i}`` with ``i`` the 0-based sentence index in the file.
"""

from __future__ import annotations

from pathlib import Path

from evaluators.text_input import closed_set_problem
from harness_tasks.records import TaggedSentence

from ._text import read_lines
from .errors import DataFormatError


def read_tagged_tsv(
    path: Path,
    *,
    task: str,
    language: str,
    split: str,
    labels: tuple[str, ...],
    allow_unlabelled: bool,
    strip_language_prefix: bool = False,
    root: Path | None = None,
) -> list[TaggedSentence]:
    """Read one tagging file; ``labels`` is the closed tag set, ``allow_unlabelled`` admits token-only lines,
    ``root`` is the data folder the file is in (no links below it)."""
    lines = read_lines(path, "lines of token<TAB>tag with a blank line between sentences", root)
    prefix = f"{language}:"
    sentences: list[TaggedSentence] = []
    tokens: list[str] = []
    tags: list[str | None] = []
    start_line = 0

    def flush() -> None:
        if not tokens:
            return
        labelled = [t is not None for t in tags]
        if any(labelled) and not all(labelled):
            raise DataFormatError(
                path, start_line, "sentence mixes token<TAB>tag lines and token-only lines;"
                " expected every line of a sentence to have a tag, or none (unlabelled test data)"
            )
        sentences.append(
            TaggedSentence(
                id=f"{task}.{split}.{language}.{len(sentences)}",
                tokens=tuple(tokens),
                tags=tuple(tags) if all(labelled) else None,  # type: ignore[arg-type]
                language=language,
            )
        )
        tokens.clear()
        tags.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush()
            continue
        if not tokens:
            start_line = number
        fields = line.split("\t")
        if len(fields) == 1:
            if not allow_unlabelled:
                raise DataFormatError(path, number, "no tab in the line; expected token<TAB>tag")
            token, tag = fields[0], None
        elif len(fields) == 2:
            token, tag = fields[0], fields[1].strip()
            problem = closed_set_problem(tag, task, labels, kind="tag")
            if problem:
                raise DataFormatError(path, number, problem)
        else:
            raise DataFormatError(path, number, f"expected 2 tab-separated fields (token, tag), got {len(fields)}")
        if strip_language_prefix and token.startswith(prefix) and len(token) > len(prefix):
            token = token[len(prefix):]
        if not token:
            raise DataFormatError(path, number, "empty token; expected token<TAB>tag")
        tokens.append(token)
        tags.append(tag)
    flush()
    return sentences
