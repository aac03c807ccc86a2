"""Raw-layout readers: the bundled sample round-trips exactly, and malformed files fail with clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness_tasks.readers import (
    SAMPLE_DATA_DIR,
    DataFormatError,
    MissingDataError,
    load_english_train,
    load_split,
)
from harness_tasks.readers.tatoeba import read_tatoeba
from harness_tasks.records import Answer, BitextCorpus, PairExample, ParallelSentences, QAExample, TaggedSentence


def put(root: Path, relpath: str, content: str | bytes) -> Path:
    """Write one file of a raw layout under ``root`` (str is written as UTF-8, bytes as they are)."""
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- sample round trips
SAMPLE_COUNTS = [
    ("xnli", ("en", "de", "zh"), {"dev": 15, "test": 18}),
    ("pawsx", ("en", "de", "zh"), {"dev": 14, "test": 16}),
    ("udpos", ("en", "de", "zh"), {"dev": 12, "test": 16}),
    ("panx", ("en", "de", "zh"), {"dev": 12, "test": 16}),
    ("xquad", ("en", "de", "zh"), {"test": 16}),
    ("mlqa", ("en", "de", "zh"), {"dev": 12, "test": 16}),
    ("tydiqa", ("en",), {"test": 16}),
    ("tydiqa", ("fi", "ru"), {"test": 12}),
]


@pytest.mark.parametrize(
    "task,language,split,count",
    [(t, lang, s, n) for t, langs, sizes in SAMPLE_COUNTS for lang in langs for s, n in sizes.items()],
)
def test_sample_split_counts_and_labels(task, language, split, count):
    records = load_split(task, language, split)
    assert len(records) == count
    assert len({r.id for r in records}) == count
    assert all(r.language == language for r in records)
    for r in records:  # the sample keeps test labels
        if isinstance(r, PairExample):
            assert r.label is not None
        elif isinstance(r, TaggedSentence):
            assert r.tags is not None and len(r.tags) == len(r.tokens)
        else:
            assert r.answers and all(r.context[a.start:a.start + len(a.text)] == a.text for a in r.answers)


@pytest.mark.parametrize(
    "task,split,count", [("xnli", "train", 150), ("xnli", "dev", 15), ("pawsx", "train", 120), ("pawsx", "dev", 14),
                         ("udpos", "train", 100), ("udpos", "dev", 12), ("panx", "train", 100), ("panx", "dev", 12),
                         ("xquad", "train", 120), ("mlqa", "dev", 20), ("tydiqa", "train", 80)],
)
def test_english_train_counts(task, split, count):
    records = load_english_train(task, split)
    assert len(records) == count
    assert {r.language for r in records} == {"en"}


def test_xnli_dev_de_first_and_last():
    records = load_split("xnli", "de", "dev")
    assert records[0] == PairExample(
        id="xnli.dev.de.0", sentence1="Eva Lind wohnt in Dublin und arbeitet in einer Bäckerei.",
        sentence2="Eva Lind war noch nie in Dublin.", label="contradiction", language="de",
    )
    assert records[-1] == PairExample(
        id="xnli.dev.de.14", sentence1="Clara Wendt liest jeden Abend ein Buch.",
        sentence2="Clara Wendt liest Bücher.", label="entailment", language="de",
    )


def test_xnli_english_train_is_mnli_file():
    records = load_english_train("xnli")
    assert records[0] == PairExample(
        id="xnli.train.en.0", sentence1="Nora Falk lives in Oslo and works at a bakery.",
        sentence2="Nora Falk has never been to Oslo.", label="contradiction", language="en",
    )
    assert records[-1].id == "xnli.train.en.149"
    assert records[-1].sentence2 == "Lena Vogt reads books."
    labels = [r.label for r in records]
    assert [labels.count(x) for x in ("contradiction", "entailment", "neutral")] == [51, 51, 48]


def test_pawsx_test_zh_first_and_last():
    records = load_split("pawsx", "zh", "test")
    assert records[0] == PairExample(
        id="pawsx.test.zh.0", sentence1="诺拉·法尔克给伊娃·林德寄了一封信。",
        sentence2="伊娃·林德收到了诺拉·法尔克寄来的一封信。", label="1", language="zh",
    )
    assert records[-1] == PairExample(
        id="pawsx.test.zh.15", sentence1="罗莎·布兰特从都柏林搬到了马德里。",
        sentence2="罗莎·布兰特从马德里搬到了都柏林。", label="0", language="zh",
    )


def test_udpos_test_de_first_and_last():
    records = load_split("udpos", "de", "test")
    assert records[0] == TaggedSentence(
        id="udpos.test.de.0", tokens=("Der", "alte", "Lehrer", "sieht", "den", "Nachbar", "."),
        tags=("DET", "ADJ", "NOUN", "VERB", "DET", "NOUN", "PUNCT"), language="de",
    )
    assert records[-1] == TaggedSentence(
        id="udpos.test.de.15", tokens=("Oh", ",", "der", "Bäcker", "ist", "nicht", "alt", "!"),
        tags=("INTJ", "PUNCT", "DET", "NOUN", "AUX", "PART", "ADJ", "PUNCT"), language="de",
    )


def test_panx_strips_language_prefix():
    train = load_english_train("panx")
    assert train[0] == TaggedSentence(
        id="panx.train.en.0", tokens=("Lena", "Vogt", "lives", "in", "Lisbon", "."),
        tags=("B-PER", "I-PER", "O", "O", "B-LOC", "O"), language="en",
    )
    assert train[-1].tokens == ("The", "weather", "was", "warm", "today", ".")
    dev_zh = load_split("panx", "zh", "dev")
    assert dev_zh[0].tokens == ("玛丽亚·霍尔姆", "住在", "布拉格", "。")
    assert dev_zh[-1].id == "panx.dev.zh.11"
    assert (SAMPLE_DATA_DIR / "panx" / "dev-zh.tsv").read_text(encoding="utf-8").startswith("zh:玛丽亚·霍尔姆\tB-PER\n")


def test_panx_keeps_colons_that_are_not_a_language_prefix(tmp_path):
    put(tmp_path, "panx/dev-de.tsv", "de:Um\tO\nde:12:30\tO\n12:30\tO\nen:x\tO\n")
    [sentence] = load_split("panx", "de", "dev", source=tmp_path)
    assert sentence.tokens == ("Um", "12:30", "12:30", "en:x")


def test_squad_train_first_and_last():
    records = load_english_train("xquad")
    assert records == load_english_train("mlqa")
    assert records[0] == QAExample(
        id="squad-train-000-0", question="Where was Eva Lind born?",
        context="Eva Lind was born in Oslo in 1993. After studying music, Eva Lind joined Bluefield Motors as a"
                " translator. Eva Lind still lives in Oslo.",
        answers=(Answer(text="Oslo", start=21),), language="en", title="Eva Lind (0)",
    )
    assert records[-1].id == "squad-train-029-3"
    assert records[-1].answers == (Answer(text="translator", start=101),)


def test_mlqa_and_tydiqa_first_and_last():
    mlqa = load_split("mlqa", "de", "test")
    assert mlqa[0].id == "mlqa-test-de-000-0"
    assert mlqa[0].question == "Wo wurde Ida Kramer geboren?"
    assert mlqa[0].answers == (Answer(text="Wien", start=25),)
    assert mlqa[-1].answers == (Answer(text="Übersetzerin", start=83),)
    tydiqa = load_split("tydiqa", "ru", "test")
    assert tydiqa[0] == QAExample(
        id="tydiqa-ru-000-0", question="В каком году родилась Анна Бергер?",
        context="Анна Бергер родилась в 1966 году. Она живёт в городе Вена и работает в компании Блюфилд.",
        answers=(Answer(text="1966", start=23),), language="ru", title="Анна Бергер (0)",
    )
    fi = load_split("tydiqa", "fi", "test")
    assert fi[-1].answers == (Answer(text="Bluefield Motors", start=92),)
    train = load_english_train("tydiqa")
    assert (train[0].id, train[-1].id) == ("english-000-0", "english-019-3")


def test_bucc_sample_has_gold_and_distractors():
    corpus = load_split("bucc2018", "zh", "dev")
    assert isinstance(corpus, BitextCorpus)
    assert (corpus.language, corpus.split) == ("zh", "dev")
    assert (len(corpus.source_ids), len(corpus.target_ids), len(corpus.gold)) == (16, 18, 12)
    assert (corpus.source_ids[0], corpus.source_sentences[0]) == ("zh-000000001", "玛丽亚·霍尔姆从马德里搬到了布拉格。")
    assert (corpus.target_ids[-1], corpus.target_sentences[-1]) == (
        "en-000000018", "Rosa Brandt met Anna Berger at the station in Dublin.")
    assert sorted(corpus.gold)[:2] == [("zh-000000001", "en-000000013"), ("zh-000000002", "en-000000004")]
    for lang in ("de", "fr", "zh"):
        test = load_split("bucc2018", lang, "test")
        assert (len(test.source_ids), len(test.target_ids), len(test.gold)) == (20, 22, 16)


def test_tatoeba_aligned_and_sorted_forms_agree():
    aligned = load_split("tatoeba", "fr", "test")
    assert isinstance(aligned, ParallelSentences)
    assert aligned.extra["form"] == "aligned"
    assert len(aligned.source) == 15
    assert aligned.source[0] == "Nora Falk a envoyé une lettre à Rosa Brandt."
    assert aligned.source[-1] == "Ida Kramer a envoyé une lettre à Anna Berger."
    # Both forms come back in the benchmark's order: English sorted, gold = its translation's source line.
    assert aligned.target[0] == "Anna Berger bought a red car in Oslo."
    assert aligned.target[13] == "Nora Falk sent a letter to Rosa Brandt." and aligned.gold[13] == 0
    sorted_form = read_tatoeba(SAMPLE_DATA_DIR, language="fr", form="sorted")
    assert sorted_form.target[0] == "Anna Berger bought a red car in Oslo."
    assert sorted_form.target == tuple(sorted(sorted_form.target))
    # Per sorted English line, the line of its translation in the French file (the reference's convention).
    assert sorted_form.gold == (8, 9, 1, 13, 12, 4, 14, 11, 6, 2, 5, 3, 10, 0, 7)
    for lang in ("de", "fr", "zh"):
        a = read_tatoeba(SAMPLE_DATA_DIR, language=lang, form="aligned")
        s = read_tatoeba(SAMPLE_DATA_DIR, language=lang, form="sorted")  # gold from the shipped labels
        assert (a.source, a.target, a.gold) == (s.source, s.target, s.gold)


def test_tatoeba_sorted_form_without_labels_has_no_gold(tmp_path):
    put(tmp_path, "tatoeba/de-en.de", "Hallo.\nDanke.\n")
    put(tmp_path, "tatoeba/de-en.en", "Hello.\nThanks.\n")
    corpus = load_split("tatoeba", "de", "test", source=tmp_path)
    assert (corpus.source, corpus.target, corpus.gold) == (("Hallo.", "Danke."), ("Hello.", "Thanks."), None)


def test_sample_data_is_deterministic_and_small(tmp_path):
    script = SAMPLE_DATA_DIR / "make_sample_data.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True)
    generated = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    bundled = {p.relative_to(SAMPLE_DATA_DIR) for p in SAMPLE_DATA_DIR.rglob("*")
               if p.is_file() and p.suffix not in (".py", ".md", ".pyc")}
    assert generated == bundled
    for rel in generated:
        assert (tmp_path / rel).read_bytes() == (SAMPLE_DATA_DIR / rel).read_bytes(), rel
    assert sum((SAMPLE_DATA_DIR / rel).stat().st_size for rel in bundled) < 1_000_000


# ----------------------------------------------------------------------------- unlabelled test data
def test_unlabelled_test_files_read_as_none(tmp_path):
    put(tmp_path, "xnli/test-de.tsv", "Ein Satz.\tNoch ein Satz.\n")
    put(tmp_path, "udpos/test-de.tsv", "Ein\nSatz\n\nNoch\n")
    placeholder = {"version": "1.1", "data": [{"paragraphs": [{"context": "Ein Kontext.", "qas": [
        {"id": "q1", "question": "Was?", "answers": [{"answer_start": 0, "text": ""}]}]}]}]}
    put(tmp_path, "xquad/xquad.de.json", json.dumps(placeholder))
    put(tmp_path, "bucc2018/de-en.test.de", "de-1\tHallo\n")
    put(tmp_path, "bucc2018/de-en.test.en", "en-1\tHello\n")
    [pair] = load_split("xnli", "de", "test", source=tmp_path)
    assert pair == PairExample(id="xnli.test.de.0", sentence1="Ein Satz.", sentence2="Noch ein Satz.",
                               label=None, language="de")
    sentences = load_split("udpos", "de", "test", source=tmp_path)
    assert [(s.tokens, s.tags) for s in sentences] == [(("Ein", "Satz"), None), (("Noch",), None)]
    [qa] = load_split("xquad", "de", "test", source=tmp_path)
    assert qa.answers == () and qa.title == ""
    corpus = load_split("bucc2018", "de", "test", source=tmp_path)
    assert corpus.gold is None and corpus.source_ids == ("de-1",)


def test_csv_quoting_round_trips(tmp_path):
    put(tmp_path, "pawsx/dev-en.tsv", '"He said ""hi"" twice."\tHe said hi.\t0\n')
    [pair] = load_split("pawsx", "en", "dev", source=tmp_path)
    assert pair.sentence1 == 'He said "hi" twice.'


def test_tydiqa_goldp_file_names_are_found(tmp_path):
    data = {"data": [{"paragraphs": [{"context": "abc", "qas": [
        {"id": "x", "question": "q", "answers": [{"answer_start": 1, "text": "b"}]}]}]}]}
    put(tmp_path, "tydiqa/tydiqa-goldp-v1.1-dev/tydiqa.goldp.sw.dev.json", json.dumps(data))
    [qa] = load_split("tydiqa", "sw", "test", source=tmp_path)
    assert qa.answers == (Answer(text="b", start=1),)


# -------------------------------------------------------------------------------------- bad input
def error_of(exc_type, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as info:
        load_split(*args, **kwargs)
    return str(info.value)


def test_pair_file_with_too_few_fields(tmp_path):
    path = put(tmp_path, "xnli/dev-de.tsv", "a\tb\tneutral\nnur zwei\tFelder\n")
    message = error_of(DataFormatError, "xnli", "de", "dev", source=tmp_path)
    assert message == f"{path}:2: expected 3 tab-separated fields (sentence1, sentence2, label), got 2"
    assert message.endswith("xnli/dev-de.tsv:2: expected 3 tab-separated fields (sentence1, sentence2, label), got 2")


def test_pair_label_outside_label_set(tmp_path):
    path = put(tmp_path, "xnli/dev-de.tsv", "a\tb\tneutral\nc\td\tcontradictory\n")
    message = error_of(DataFormatError, "xnli", "de", "dev", source=tmp_path)
    assert message == (f"{path}:2: label 'contradictory' is not one of xnli's labels"
                       " (contradiction, entailment, neutral)")


def test_pair_test_file_with_one_field(tmp_path):
    path = put(tmp_path, "pawsx/test-de.tsv", "a\tb\none field only\n")
    message = error_of(DataFormatError, "pawsx", "de", "test", source=tmp_path)
    assert message == f"{path}:2: expected 2 or 3 tab-separated fields (sentence1, sentence2, label), got 1"


def test_tag_line_without_tab(tmp_path):
    path = put(tmp_path, "udpos/dev-de.tsv", "Der\tDET\nHund\n")
    message = error_of(DataFormatError, "udpos", "de", "dev", source=tmp_path)
    assert message == f"{path}:2: no tab in the line; expected token<TAB>tag"


def test_tag_outside_tag_set(tmp_path):
    path = put(tmp_path, "panx/dev-de.tsv", "de:Berlin\tB-LOC\n\nde:Anna\tB-PERSON\n")
    message = error_of(DataFormatError, "panx", "de", "dev", source=tmp_path)
    assert message.startswith(f"{path}:3: tag 'B-PERSON' is not one of panx's tags (O, B-PER, I-PER,")


def test_tag_sentence_mixing_labelled_and_unlabelled_lines(tmp_path):
    path = put(tmp_path, "udpos/test-de.tsv", "x\tX\n\nDer\tDET\nHund\n")
    message = error_of(DataFormatError, "udpos", "de", "test", source=tmp_path)
    assert message.startswith(f"{path}:3: sentence mixes token<TAB>tag lines and token-only lines")


def test_byte_order_mark(tmp_path):
    path = put(tmp_path, "xnli/dev-de.tsv", "\ufeffa\tb\tneutral\n")
    message = error_of(DataFormatError, "xnli", "de", "dev", source=tmp_path)
    assert message == f"{path}:1: starts with a UTF-8 byte-order mark: save the file as UTF-8 without BOM"


def test_empty_file(tmp_path):
    path = put(tmp_path, "udpos/dev-de.tsv", "\n\n")
    message = error_of(DataFormatError, "udpos", "de", "dev", source=tmp_path)
    assert message == f"{path}: empty file: expected lines of token<TAB>tag with a blank line between sentences"


def test_invalid_utf8_names_the_line(tmp_path):
    path = put(tmp_path, "xnli/dev-de.tsv", b"a\tb\tneutral\nc\t\xff\tneutral\n")
    message = error_of(DataFormatError, "xnli", "de", "dev", source=tmp_path)
    assert message.startswith(f"{path}:2: not valid UTF-8 (")


def test_json_that_is_not_squad_form(tmp_path):
    path = put(tmp_path, "xquad/xquad.de.json", json.dumps([{"context": "x"}]))
    message = error_of(DataFormatError, "xquad", "de", "test", source=tmp_path)
    assert message.startswith(f"{path}: top level is a list; expected SQuAD v1.1 form")
    put(tmp_path, "xquad/xquad.de.json", json.dumps({"data": [{"paragraphs": [{"context": "x", "qas": [
        {"question": "q", "answers": []}]}]}]}))
    message = error_of(DataFormatError, "xquad", "de", "test", source=tmp_path)
    assert message.startswith(f"{path}:1: data[0].paragraphs[0].qas[0]: missing key 'id'; expected SQuAD v1.1 form")
    put(tmp_path, "xquad/xquad.de.json", json.dumps({"data": [{"paragraphs": [{"context": "x", "qas": [
        {"id": "1", "question": "q", "answers": [{"text": "x", "answer_start": "0"}]}]}]}]}))
    message = error_of(DataFormatError, "xquad", "de", "test", source=tmp_path)
    assert message == f"{path}:1: data[0].paragraphs[0].qas[0].answers[0].answer_start: expected int, got str"


def test_invalid_json_names_the_line(tmp_path):
    path = put(tmp_path, "xquad/xquad.de.json", '{"data": [\n  {"paragraphs": []},\n  oops\n]}')
    message = error_of(DataFormatError, "xquad", "de", "test", source=tmp_path)
    assert message.startswith(f"{path}:3: not valid JSON (")


def test_missing_file_names_path_and_layout(tmp_path):
    message = error_of(MissingDataError, "mlqa", "de", "dev", source=tmp_path)
    expected = tmp_path / "mlqa/MLQA_V1/dev/dev-context-de-question-de.json"
    assert message.startswith(f"{expected}: no such file; expected the XTREME raw download layout:")
    assert "mlqa/MLQA_V1/dev/dev-context-de-question-de.json under" in message
    message = error_of(MissingDataError, "bucc2018", "fr", "dev", source=tmp_path)
    assert message.startswith(f"{tmp_path / 'bucc2018/fr-en.dev.fr'}: no such file; expected bucc2018/fr-en.dev.fr,")
    message = error_of(MissingDataError, "tatoeba", "ja", "test", source=tmp_path)
    assert message.startswith(f"{tmp_path / 'tatoeba/ja-en.ja'}: no such file; expected tatoeba/tatoeba.jpn-eng.jpn +")
    message = error_of(MissingDataError, "xnli", "de", "dev", source=tmp_path / "nowhere")
    assert message == f"{tmp_path / 'nowhere'}: no such folder; expected a folder in the XTREME raw download layout"


def test_bucc_errors(tmp_path):
    put(tmp_path, "bucc2018/de-en.dev.de", "de-1\tHallo\n")
    path = put(tmp_path, "bucc2018/de-en.dev.en", "en-1\tHello\nen-2 no tab\n")
    message = error_of(DataFormatError, "bucc2018", "de", "dev", source=tmp_path)
    assert message == f"{path}:2: no tab in the line; expected id<TAB>sentence"
    put(tmp_path, "bucc2018/de-en.dev.en", "en-1\tHello\n")
    gold = put(tmp_path, "bucc2018/de-en.dev.gold", "de-1\ten-1\nde-9\ten-1\n")
    message = error_of(DataFormatError, "bucc2018", "de", "dev", source=tmp_path)
    assert message == f"{gold}:2: source id 'de-9' is not in the source sentence file"


def test_tatoeba_errors(tmp_path):
    src = put(tmp_path, "tatoeba/tatoeba.deu-eng.deu", "Hallo.\nDanke.\n")
    eng = put(tmp_path, "tatoeba/tatoeba.deu-eng.eng", "Hello.\n")
    message = error_of(DataFormatError, "tatoeba", "de", "test", source=tmp_path)
    assert message == f"{src}: 2 lines but {eng} has 1; expected one English line per source line"
    put(tmp_path, "tatoeba/fr-en.fr", "Bonjour.\nMerci.\n")
    put(tmp_path, "tatoeba/fr-en.en", "Hello.\nThanks.\n")
    labels = put(tmp_path, "labels/tatoeba/test-fr.tsv", "0\n2\n")
    message = error_of(DataFormatError, "tatoeba", "fr", "test", source=tmp_path)
    assert message == f"{labels}:2: '2' is not a line number of the non-English file; expected an integer from 0 to 1"


def test_unknown_task_language_and_split():
    with pytest.raises(KeyError, match="unknown task 'nope'"):
        load_split("nope", "en", "test")
    with pytest.raises(ValueError, match="pawsx has no language 'ar'"):
        load_split("pawsx", "ar", "test")
    with pytest.raises(ValueError, match="xquad has no 'dev' split; it has test"):
        load_split("xquad", "de", "dev")
    # TyDiQA-GoldP has no English dev set: its head is selected on SQuAD v1.1 dev, as its TrainingData declares.
    assert load_english_train("tydiqa", "dev") == load_english_train("squad", "dev")
    with pytest.raises(ValueError, match="'bucc2018' has no English training data"):
        load_english_train("bucc2018")
