"""What the leaderboard knows about each benchmark language: its family, genus, script and resource class.

The facts are data, not code: ``languages.csv`` beside this module holds one row per language of XTREME and
XTREME-R, and ``LANGUAGES.md`` names the source of every column and each judgment call. This module only
reads that file, and refuses a malformed row with its ``file:line`` so that a bad edit cannot reach a report.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from evaluators.errors import InputFileError, quote
from evaluators.names import closest

LANGUAGES_CSV = Path(__file__).with_name("languages.csv")

COLUMNS = ("code", "iso639_3", "name", "family", "genus", "script", "joshi_class",
           "wals_code", "glottocode", "glottolog_family")

# The ISO 15924 codes a row may name, with the standard's English names shortened to what a report prints.
# Explicit so that a typo ("Latin", "Deva ", "Hant" for Hans) is refused rather than grouped on its own.
SCRIPT_NAMES = {
    "Arab": "Arabic", "Armn": "Armenian", "Beng": "Bengali", "Cyrl": "Cyrillic", "Deva": "Devanagari",
    "Ethi": "Ethiopic", "Geor": "Georgian", "Grek": "Greek", "Gujr": "Gujarati", "Guru": "Gurmukhi",
    "Hang": "Hangul", "Hani": "Han", "Hans": "Han (Simplified)", "Hant": "Han (Traditional)",
    "Hebr": "Hebrew", "Hira": "Hiragana", "Jpan": "Japanese (Han + Hiragana + Katakana)",
    "Kana": "Katakana", "Khmr": "Khmer", "Knda": "Kannada", "Kore": "Korean (Hangul + Han)", "Laoo": "Lao",
    "Latn": "Latin", "Mlym": "Malayalam", "Mong": "Mongolian", "Mymr": "Myanmar", "Orya": "Odia",
    "Sinh": "Sinhala", "Syrc": "Syriac", "Taml": "Tamil", "Telu": "Telugu", "Tfng": "Tifinagh",
    "Thaa": "Thaana", "Thai": "Thai", "Tibt": "Tibetan",
}

# Joshi et al. (2020), "The State and Fate of Linguistic Diversity and Inclusion in the NLP World", Table 1.
JOSHI_CLASS_NAMES = {
    0: "The Left-Behinds", 1: "The Scraping-Bys", 2: "The Hopefuls",
    3: "The Rising Stars", 4: "The Underdogs", 5: "The Winners",
}

# What each code column must look like; a value that does not is a typo or a shifted column.
_PATTERNS = {
    "code": (re.compile(r"[a-z]{2}"), "an ISO 639-1 code (two lower-case letters)"),
    "iso639_3": (re.compile(r"[a-z]{3}"), "an ISO 639-3 code (three lower-case letters)"),
    "wals_code": (re.compile(r"[a-z]{2,3}"), "a WALS language code (two or three lower-case letters)"),
    "glottocode": (re.compile(r"[a-z][a-z0-9]{3}[0-9]{4}"), "a Glottolog glottocode (like 'stan1293')"),
}


class UnknownLanguageError(ValueError):
    """A language code the shipped table has no row for."""


@dataclass(frozen=True)
class LanguageInfo:
    """One row of ``languages.csv``; LANGUAGES.md says where each field comes from."""

    code: str               # ISO 639-1, as the benchmarks name the language
    iso639_3: str           # the ISO 639-3 code ISO 639-3 pairs with that ISO 639-1 code
    name: str               # English name
    family: str             # WALS family
    genus: str              # WALS genus
    script: str             # ISO 15924 code of the script the benchmark's text is (mostly) in
    joshi_class: int        # resource class 0-5 of Joshi et al. (2020)
    wals_code: str          # the WALS language the family and genus were read from
    glottocode: str         # the Glottolog languoid the row stands for
    glottolog_family: str   # Glottolog's top-level family of that languoid

    @property
    def script_name(self) -> str:
        return SCRIPT_NAMES[self.script]

    @property
    def joshi_class_name(self) -> str:
        return JOSHI_CLASS_NAMES[self.joshi_class]


def read_languages(path: Path | str = LANGUAGES_CSV) -> dict[str, LanguageInfo]:
    """The rows of a language table, by ISO 639-1 code; a malformed table raises InputFileError at its line."""
    path = Path(path)
    languages: dict[str, LanguageInfo] = {}
    first_line: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            found = "an empty file" if header is None else ",".join(header)
            raise InputFileError(path, 1, f"expected the header {','.join(COLUMNS)}, found {quote(found, 120)}")
        for fields in reader:
            line = reader.line_num
            info = _row(path, line, fields)
            if info.code in languages:
                raise InputFileError(path, line, f"language {info.code!r} has a row already, "
                                                 f"at line {first_line[info.code]}: give each language one row")
            languages[info.code] = info
            first_line[info.code] = line
    return languages


def _row(path: Path, line: int, fields: list[str]) -> LanguageInfo:
    if len(fields) != len(COLUMNS):
        raise InputFileError(path, line, f"expected {len(COLUMNS)} comma-separated fields "
                                         f"({','.join(COLUMNS)}), found {len(fields)}")
    row = dict(zip(COLUMNS, fields))
    for column, value in row.items():
        if not value.strip():
            raise InputFileError(path, line, f"column {column} is empty: expected a value")
        if value != value.strip():
            raise InputFileError(path, line, f"column {column} is {quote(value)}: expected no spaces around it")
    for column, (pattern, expected) in _PATTERNS.items():
        if not pattern.fullmatch(row[column]):
            raise InputFileError(path, line, f"column {column} is {quote(row[column])}: expected {expected}")
    if row["script"] not in SCRIPT_NAMES:
        raise InputFileError(path, line, f"column script is {quote(row['script'])}: expected an ISO 15924 "
                                         f"code, one of {', '.join(sorted(SCRIPT_NAMES))}")
    if row["joshi_class"] not in {str(number) for number in JOSHI_CLASS_NAMES}:
        raise InputFileError(path, line, f"column joshi_class is {quote(row['joshi_class'])}: "
                                         "expected a Joshi et al. (2020) class, 0 to 5")
    return LanguageInfo(**{**row, "joshi_class": int(row["joshi_class"])})


LANGUAGES: dict[str, LanguageInfo] = read_languages()


def language_info(code: str) -> LanguageInfo:
    """The shipped facts about one language, by the ISO 639-1 code the benchmarks use."""
    try:
        return LANGUAGES[code]
    except KeyError:
        suggestion = closest(code, LANGUAGES)
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        raise UnknownLanguageError(f"no language metadata for {code!r} in {LANGUAGES_CSV.name} "
                                   f"({len(LANGUAGES)} languages){hint}") from None
