"""The shipped language table: one well-formed row per benchmark language, facts as LANGUAGES.md cites them."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from evaluators.benchmarks import XTREME, XTREME_R
from evaluators.errors import InputFileError
from leaderboards.languages import (COLUMNS, JOSHI_CLASS_NAMES, LANGUAGES, LANGUAGES_CSV, SCRIPT_NAMES,
                                    LanguageInfo, UnknownLanguageError, language_info, read_languages)

ROOT = Path(__file__).resolve().parent.parent
BENCHMARK_LANGUAGES = set(XTREME.all_languages) | set(XTREME_R.all_languages)
HEADER = ",".join(COLUMNS)
FINNISH = "fi,fin,Finnish,Uralic,Finnic,Latn,4,fin,finn1318,Uralic"


def test_every_benchmark_language_has_exactly_one_row_and_no_other_row_is_there():
    assert len(BENCHMARK_LANGUAGES) == 50
    assert set(LANGUAGES) == BENCHMARK_LANGUAGES
    with LANGUAGES_CSV.open(encoding="utf-8", newline="") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert len(codes) == len(set(codes)) == 50


def test_codes_are_unique_across_the_table():
    assert len({info.iso639_3 for info in LANGUAGES.values()}) == 50
    assert len({info.glottocode for info in LANGUAGES.values()}) == 50
    assert all(code == info.code for code, info in LANGUAGES.items())


def test_scripts_are_iso_15924_codes_from_the_explicit_list():
    assert {info.script for info in LANGUAGES.values()} == {
        "Arab", "Beng", "Cyrl", "Deva", "Geor", "Grek", "Gujr", "Guru", "Hans", "Hebr", "Jpan", "Kore",
        "Latn", "Mlym", "Mymr", "Taml", "Telu", "Thai"}
    assert all(len(code) == 4 and code[0].isupper() and code[1:].islower() for code in SCRIPT_NAMES)


def test_joshi_classes_are_0_to_5_and_named_as_the_paper_names_them():
    assert {info.joshi_class for info in LANGUAGES.values()} <= set(range(6))
    assert JOSHI_CLASS_NAMES == {0: "The Left-Behinds", 1: "The Scraping-Bys", 2: "The Hopefuls",
                                 3: "The Rising Stars", 4: "The Underdogs", 5: "The Winners"}
    by_class = {}
    for info in LANGUAGES.values():
        by_class.setdefault(info.joshi_class, set()).add(info.code)
    assert by_class[5] == {"ar", "de", "en", "es", "fr", "ja", "zh"}
    assert by_class[1] == {"az", "gu", "jv", "ml", "my", "qu", "te"}
    assert 0 not in by_class


@pytest.mark.parametrize("code, family, genus, script, joshi", [
    ("fi", "Uralic", "Finnic", "Latn", 4),
    ("hu", "Uralic", "Ugric", "Latn", 4),
    ("ja", "Japanese", "Japanese", "Jpan", 5),
    ("hi", "Indo-European", "Indic", "Deva", 4),
    ("sw", "Niger-Congo", "Bantu", "Latn", 2),
    ("yo", "Niger-Congo", "Defoid", "Latn", 2),
    ("qu", "Quechuan", "Quechuan", "Latn", 1),
    ("ht", "Creole", "Creoles and Pidgins", "Latn", 2),
    ("zh", "Sino-Tibetan", "Chinese", "Hans", 5),
    ("ko", "Korean", "Korean", "Kore", 4),
    ("tr", "Altaic", "Turkic", "Latn", 4),
    ("eu", "Basque", "Basque", "Latn", 4),
    ("pa", "Indo-European", "Indic", "Guru", 2),
    ("ta", "Dravidian", "Dravidian", "Taml", 3),
])
def test_spot_facts(code, family, genus, script, joshi):
    info = language_info(code)
    assert (info.family, info.genus, info.script, info.joshi_class) == (family, genus, script, joshi)


def test_a_row_reads_whole():
    assert language_info("ht") == LanguageInfo(
        code="ht", iso639_3="hat", name="Haitian Creole", family="Creole", genus="Creoles and Pidgins",
        script="Latn", joshi_class=2, wals_code="hcr", glottocode="hait1244", glottolog_family="Indo-European")
    assert language_info("ht").joshi_class_name == "The Hopefuls"
    assert language_info("ja").script_name == "Japanese (Han + Hiragana + Katakana)"


def test_macrolanguage_codes_and_the_glottolog_view():
    assert {code: LANGUAGES[code].iso639_3 for code in ("ar", "az", "et", "fa", "ms", "qu", "sw", "zh")} == {
        "ar": "ara", "az": "aze", "et": "est", "fa": "fas", "ms": "msa", "qu": "que", "sw": "swa", "zh": "zho"}
    assert {code: LANGUAGES[code].glottolog_family for code in ("tr", "sw", "ja", "ko", "vi")} == {
        "tr": "Turkic", "sw": "Atlantic-Congo", "ja": "Japonic", "ko": "Koreanic", "vi": "Austroasiatic"}


def test_an_unknown_code_is_refused_with_the_table_named():
    with pytest.raises(UnknownLanguageError) as caught:
        language_info("sv")
    assert str(caught.value) == "no language metadata for 'sv' in languages.csv (50 languages)"
    with pytest.raises(UnknownLanguageError) as caught:
        language_info("zh-")
    assert str(caught.value) == "no language metadata for 'zh-' in languages.csv (50 languages); did you mean 'zh'?"


def _table(tmp_path, *lines):
    path = tmp_path / "languages.csv"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_well_formed_table_reads(tmp_path):
    assert read_languages(_table(tmp_path, HEADER, FINNISH)) == {"fi": LANGUAGES["fi"]}


@pytest.mark.parametrize("lines, line, problem", [
    ([], 1, "expected the header " + HEADER + ", found 'an empty file'"),
    (["code,name", FINNISH], 1, "expected the header " + HEADER + ", found 'code,name'"),
    ([HEADER, "fi,fin,Finnish"], 2, "expected 10 comma-separated fields (" + HEADER + "), found 3"),
    ([HEADER, FINNISH.replace("Finnic", "")], 2, "column genus is empty: expected a value"),
    ([HEADER, FINNISH.replace("Finnic", "Finnic ")], 2, "column genus is 'Finnic ': expected no spaces around it"),
    ([HEADER, FINNISH.replace("fi,fin", "fin,fin")], 2,
     "column code is 'fin': expected an ISO 639-1 code (two lower-case letters)"),
    ([HEADER, FINNISH.replace("finn1318", "finnish")], 2,
     "column glottocode is 'finnish': expected a Glottolog glottocode (like 'stan1293')"),
    ([HEADER, FINNISH.replace("Latn", "Latin")], 2,
     "column script is 'Latin': expected an ISO 15924 code, one of " + ", ".join(sorted(SCRIPT_NAMES))),
    ([HEADER, FINNISH.replace(",4,", ",6,")], 2,
     "column joshi_class is '6': expected a Joshi et al. (2020) class, 0 to 5"),
    ([HEADER, FINNISH.replace(",4,", ",high,")], 2,
     "column joshi_class is 'high': expected a Joshi et al. (2020) class, 0 to 5"),
    ([HEADER, FINNISH, FINNISH], 3, "language 'fi' has a row already, at line 2: give each language one row"),
])
def test_a_malformed_row_is_refused_at_its_line(tmp_path, lines, line, problem):
    path = _table(tmp_path, *lines)
    with pytest.raises(InputFileError) as caught:
        read_languages(path)
    assert str(caught.value) == f"{path}:{line}: {problem}"


def test_the_table_and_its_sources_ship_as_package_data():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = package_data["package-data"]["leaderboards"]
    assert "*.csv" in patterns and "LANGUAGES.md" in patterns
    assert LANGUAGES_CSV.parent == ROOT / "leaderboards" and (ROOT / "leaderboards" / "LANGUAGES.md").is_file()
