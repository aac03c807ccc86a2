"""google/xtreme readers, on local parquet fixtures with the real configs' column schemas (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

datasets = pytest.importorskip("datasets")
from datasets import ClassLabel, Dataset, Features, Sequence, Value  # noqa: E402

from evaluators.tasks import TASKS  # noqa: E402
from harness_tasks.readers import DataFormatError, MissingDataError, load_english_train, load_split  # noqa: E402
from evaluators.tasks.training_data import MNLI_HUB as MNLI_HUB_ID  # noqa: E402
from harness_tasks.readers.hub import HUB_ID, hub_split  # noqa: E402
from harness_tasks.records import Answer, BitextCorpus, PairExample, ParallelSentences, TaggedSentence  # noqa: E402

PANX_LABELS, UPOS_LABELS = TASKS["panx"].labels, TASKS["udpos"].labels

PAIR = Features({"sentence1": Value("string"), "sentence2": Value("string"), "label": Value("string")})
XNLI = Features({"language": Value("string"), "sentence1": Value("string"), "sentence2": Value("string"),
                 "gold_label": Value("string")})
UDPOS = Features({"tokens": Sequence(Value("string")), "pos_tags": Sequence(ClassLabel(names=list(UPOS_LABELS)))})
PANX = Features({"tokens": Sequence(Value("string")), "ner_tags": Sequence(ClassLabel(names=list(PANX_LABELS))),
                 "langs": Sequence(Value("string"))})
ANSWERS = Sequence({"answer_start": Value("int32"), "text": Value("string")})
QA_NO_TITLE = Features({"id": Value("string"), "context": Value("string"), "question": Value("string"), "answers": ANSWERS})
QA_TITLE = Features({"id": Value("string"), "title": Value("string"), "context": Value("string"),
                     "question": Value("string"), "answers": ANSWERS})
RETRIEVAL = Features({"source_sentence": Value("string"), "target_sentence": Value("string"),
                      "source_lang": Value("string"), "target_lang": Value("string")})
MNLI = Features({"premise": Value("string"), "hypothesis": Value("string"),
                 "label": ClassLabel(names=["entailment", "neutral", "contradiction"])})


@pytest.fixture(autouse=True)
def private_datasets_cache(tmp_path, monkeypatch):
    # Keep the arrow cache of these fixtures out of the user's Hugging Face cache.
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")


def write_config(root: Path, config: str, split: str, rows: dict, features: Features) -> Path:
    """One parquet file laid out as in the hub repository: {root}/{config}/{split}-00000-of-00001.parquet."""
    path = root / config / f"{split}-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    Dataset.from_dict(rows, features=features).to_parquet(str(path))
    return path


def test_hub_locations_use_real_config_names():
    assert (hub_split("xnli", "de", "dev").config, hub_split("xnli", "de", "dev").split) == ("XNLI", "validation")
    assert hub_split("xnli", "en", "train").repo == MNLI_HUB_ID
    assert hub_split("pawsx", "ko", "test").config == "PAWS-X.ko"
    assert hub_split("udpos", "de", "train").config == "udpos.German"
    assert hub_split("udpos", "af", "test").config == "udpos.Afrikans"  # the hub's spelling
    assert hub_split("panx", "ja", "dev").config == "PAN-X.ja"
    assert (hub_split("xquad", "th", "test").config, hub_split("xquad", "th", "test").split) == ("XQuAD.th", "validation")
    assert hub_split("mlqa", "hi", "test").config == "MLQA.hi.hi"
    where = hub_split("tydiqa", "sw", "test")
    assert (where.config, where.split, where.id_prefix) == ("tydiqa", "validation", "swahili-")
    assert hub_split("bucc2018", "ru", "dev").config == "bucc18.ru"
    assert (hub_split("tatoeba", "zh", "test").config, hub_split("tatoeba", "zh", "test").split) == (
        "tatoeba.cmn", "validation")
    assert {hub_split(t, "de", "test").repo for t in ("pawsx", "udpos", "panx", "xquad", "mlqa", "bucc2018")} == {HUB_ID}


def test_xnli_filters_language(tmp_path):
    write_config(tmp_path, "XNLI", "validation", {
        "language": ["en", "de", "de"], "sentence1": ["A.", "B.", "C."], "sentence2": ["a.", "b.", "c."],
        "gold_label": ["neutral", "entailment", "contradiction"]}, XNLI)
    records = load_split("xnli", "de", "dev", source=f"hub:{tmp_path}")
    assert records == [
        PairExample(id="xnli.dev.de.0", sentence1="B.", sentence2="b.", label="entailment", language="de"),
        PairExample(id="xnli.dev.de.1", sentence1="C.", sentence2="c.", label="contradiction", language="de"),
    ]


def test_mnli_is_the_xnli_english_training_data(tmp_path):
    write_config(tmp_path, "nyu-mll--multi_nli/default", "train", {
        "premise": ["P1", "P2", "P3"], "hypothesis": ["H1", "H2", "H3"], "label": [2, 0, -1]}, MNLI)
    records = load_english_train("xnli", source=f"hub:{tmp_path}")
    assert [(r.sentence1, r.sentence2, r.label) for r in records] == [
        ("P1", "H1", "contradiction"), ("P2", "H2", "entailment"), ("P3", "H3", None)]


def test_pawsx_test_split_and_single_file_source(tmp_path):
    path = write_config(tmp_path, "PAWS-X.de", "test", {
        "sentence1": ["S1", "S2"], "sentence2": ["T1", "T2"], "label": ["1", "0"]}, PAIR)
    for source in (f"hub:{tmp_path}", f"hub:{path}"):
        records = load_split("pawsx", "de", "test", source=source)
        assert [(r.id, r.label) for r in records] == [("pawsx.test.de.0", "1"), ("pawsx.test.de.1", "0")]


def test_udpos_class_labels_become_tag_strings(tmp_path):
    write_config(tmp_path, "udpos.German", "train", {
        "tokens": [["Der", "Hund", "."]], "pos_tags": [[5, 7, 12]]}, UDPOS)
    [sentence] = load_split("udpos", "de", "train", source=f"hub:{tmp_path}")
    assert sentence == TaggedSentence(id="udpos.train.de.0", tokens=("Der", "Hund", "."),
                                      tags=("DET", "NOUN", "PUNCT"), language="de")


def test_udpos_plain_integer_tags_use_the_benchmark_label_order(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "udpos.Chinese"
    folder.mkdir()
    pq.write_table(pa.table({"tokens": [["她", "读", "书"]], "pos_tags": [[10, 15, 7]]}),
                   folder / "validation-00000-of-00001.parquet")
    [sentence] = load_split("udpos", "zh", "dev", source=f"hub:{tmp_path}")
    assert sentence.tags == ("PRON", "VERB", "NOUN")


def test_panx_class_labels(tmp_path):
    write_config(tmp_path, "PAN-X.zh", "validation", {
        "tokens": [["安娜", "住在", "北京"], ["今天"]], "ner_tags": [[1, 0, 5], [0]], "langs": [["zh"] * 3, ["zh"]]}, PANX)
    records = load_split("panx", "zh", "dev", source=f"hub:{tmp_path}")
    assert [(r.tokens, r.tags) for r in records] == [
        (("安娜", "住在", "北京"), ("B-PER", "O", "B-LOC")), (("今天",), ("O",))]


def test_xquad_validation_is_our_test(tmp_path):
    write_config(tmp_path, "XQuAD.zh", "validation", {
        "id": ["q1", "q2"], "context": ["安娜住在北京。", "x"], "question": ["安娜住在哪里？", "?"],
        "answers": [{"answer_start": [4], "text": ["北京"]}, {"answer_start": [], "text": []}]}, QA_NO_TITLE)
    first, second = load_split("xquad", "zh", "test", source=f"hub:{tmp_path}")
    assert (first.id, first.answers, first.title, first.language) == ("q1", (Answer(text="北京", start=4),), "", "zh")
    assert second.answers == ()


def test_mlqa_and_squad(tmp_path):
    row = {"id": ["m1"], "title": ["T"], "context": ["Anna lebt in Wien."], "question": ["Wo?"],
           "answers": [{"answer_start": [13, 13], "text": ["Wien", "Wien."]}]}
    write_config(tmp_path, "MLQA.de.de", "test", row, QA_TITLE)
    [qa] = load_split("mlqa", "de", "test", source=f"hub:{tmp_path}")
    assert (qa.title, qa.answers) == ("T", (Answer("Wien", 13), Answer("Wien.", 13)))
    write_config(tmp_path, "SQuAD", "train", {**row, "id": ["s1"]}, QA_TITLE)
    [squad] = load_english_train("mlqa", source=f"hub:{tmp_path}")
    assert (squad.id, squad.language) == ("s1", "en")


def test_tydiqa_keeps_one_language_by_id_prefix(tmp_path):
    write_config(tmp_path, "tydiqa", "validation", {
        "id": ["finnish-1-0", "english-2-0", "finnish-3-1"], "title": ["a", "b", "c"],
        "context": ["xy", "xy", "xy"], "question": ["q", "q", "q"],
        "answers": [{"answer_start": [0], "text": ["x"]}] * 3}, QA_TITLE)
    records = load_split("tydiqa", "fi", "test", source=f"hub:{tmp_path}")
    assert [r.id for r in records] == ["finnish-1-0", "finnish-3-1"]


def test_bucc_and_tatoeba(tmp_path):
    write_config(tmp_path, "bucc18.fr", "validation", {
        "source_sentence": ["Bonjour.", "Merci."], "target_sentence": ["Hello.", "Thanks."],
        "source_lang": ["fr", "fr"], "target_lang": ["en", "en"]}, RETRIEVAL)
    corpus = load_split("bucc2018", "fr", "dev", source=f"hub:{tmp_path}")
    assert corpus == BitextCorpus(language="fr", split="dev", source_ids=("fr-0", "fr-1"),
                                  source_sentences=("Bonjour.", "Merci."), target_ids=("en-0", "en-1"),
                                  target_sentences=("Hello.", "Thanks."),
                                  gold=frozenset({("fr-0", "en-0"), ("fr-1", "en-1")}))
    write_config(tmp_path, "tatoeba.cmn", "validation", {
        "source_sentence": ["谢谢。", "你好。"], "target_sentence": ["Thanks.", "Hello."],
        "source_lang": ["cmn", "cmn"], "target_lang": ["eng", "eng"]}, RETRIEVAL)
    pairs = load_split("tatoeba", "zh", "test", source=f"hub:{tmp_path}")
    # English in the benchmark's (sorted) order, gold = the line of each English sentence's translation.
    assert pairs == ParallelSentences(language="zh", source=("谢谢。", "你好。"), target=("Hello.", "Thanks."),
                                      gold=(1, 0))


def test_hub_errors(tmp_path):
    with pytest.raises(MissingDataError) as info:
        load_split("pawsx", "fr", "dev", source=f"hub:{tmp_path}")
    assert str(info.value) == (f"{tmp_path / 'PAWS-X.fr'}/validation-*.parquet: no such file; expected a local"
                               " copy of google/xtreme laid out as {folder}/PAWS-X.fr/validation-*.parquet")
    write_config(tmp_path, "PAWS-X.de", "validation", {"sentence1": ["a"], "sentence2": ["b"], "label": ["2"]}, PAIR)
    with pytest.raises(DataFormatError, match=r"google/xtreme PAWS-X.de validation row 0: label '2' is not one of"):
        load_split("pawsx", "de", "dev", source=f"hub:{tmp_path}")
    write_config(tmp_path, "PAWS-X.es", "validation", {"sentence1": ["a"], "sentence2": ["b"]},
                 Features({"sentence1": Value("string"), "sentence2": Value("string")}))
    with pytest.raises(DataFormatError, match=r"PAWS-X.es validation: missing columns label"):
        load_split("pawsx", "es", "dev", source=f"hub:{tmp_path}")


def test_hub_tag_index_out_of_range(tmp_path):
    write_config(tmp_path, "PAN-X.de", "test", {"tokens": [["a", "b"]], "ner_tags": [[0, 1]], "langs": [["de", "de"]]},
                 Features({"tokens": Sequence(Value("string")), "ner_tags": Sequence(Value("int64")),
                           "langs": Sequence(Value("string"))}))
    assert load_split("panx", "de", "test", source=f"hub:{tmp_path}")[0].tags == ("O", "B-PER")
    write_config(tmp_path, "PAN-X.de", "test", {"tokens": [["a", "b"]], "ner_tags": [[0, 7]], "langs": [["de", "de"]]},
                 Features({"tokens": Sequence(Value("string")), "ner_tags": Sequence(Value("int64")),
                           "langs": Sequence(Value("string"))}))
    with pytest.raises(DataFormatError, match=r"google/xtreme PAN-X.de test row 0: tag index out of range; expected 0..6"):
        load_split("panx", "de", "test", source=f"hub:{tmp_path}")


def test_hub_source_calls_load_dataset_with_the_real_ids(monkeypatch):
    calls = []

    def fake_load_dataset(path, name=None, split=None, **kwargs):
        calls.append((path, name, split))
        return Dataset.from_dict({"sentence1": ["a"], "sentence2": ["b"], "label": ["1"]}, features=PAIR)

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    [record] = load_split("pawsx", "ja", "test", source="hub")
    assert calls == [("google/xtreme", "PAWS-X.ja", "test")]
    assert record.label == "1"
