"""The readers read what a task is from its declaration and nothing else: a task or language declared in a
test (never in harness_tasks) is read from a temporary folder, and an incomplete declaration is refused
with the field it lacks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evaluators import submission_files, text_input
from evaluators.errors import InputFileError, MissingInputFile
from evaluators.families import FAMILY_NAMES
from evaluators.task_spec import IncompleteTaskError, TaskSpec, TrainingData, check_complete, frozen_map, hub_splits
from evaluators.tasks import TASKS
from harness_tasks.readers import (
    DataFormatError,
    MissingDataError,
    available_splits,
    load_split,
    load_training_data,
    training_file,
)
from harness_tasks.readers.hub import hub_split
from harness_tasks.records import PairExample, ParallelSentences, TaggedSentence


def put(root: Path, relpath: str, content: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


TOY_TRAINING = TrainingData(
    head="toy_nli", title="Toy NLI", reader="toy_nli", family="pair_classification",
    head_kind="sequence_classification", raw=frozen_map({"train": ("toy/english/train.tsv",),
                                                        "dev": ("toy/{name}/dev.tsv",)}),
    hub=frozen_map({}), epochs=1,
)

# A pair-classification task no module declares: its files are named by language *name*, not code.
TOY = TaskSpec(
    name="toy_nli", title="Toy NLI", family="pair_classification", metrics=("accuracy",), headline="accuracy",
    languages=frozen_map({"xtreme": ("xx", "yy")}), submission_ext="tsv", labels=("no", "yes"),
    raw=frozen_map({"dev": ("toy/{name}/dev.tsv",), "test": ("toy/{name}/test.tsv",),
                    "train": ("toy/english/train.tsv",)}),
    hub=hub_splits("someone/toy", "toy-{name}", columns={"sentence1": "premise", "sentence2": "hypothesis"},
                   test="validation"),
    language_names=frozen_map({"xx": "xxish", "yy": "yyish", "en": "english"}),
    head_kind="sequence_classification", training=TOY_TRAINING, citation="A test.",
)


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(TASKS, "toy_nli", check_complete(TOY, FAMILY_NAMES))
    return TOY


def test_a_declared_task_is_read_with_no_other_code(toy, tmp_path):
    put(tmp_path, "toy/yyish/test.tsv", "Ein Satz.\tNoch einer.\tyes\nZwei.\tDrei.\n")
    put(tmp_path, "toy/xxish/dev.tsv", "a\tb\tno\n")
    assert load_split("toy_nli", "yy", "test", source=tmp_path) == [
        PairExample(id="toy_nli.test.yy.0", sentence1="Ein Satz.", sentence2="Noch einer.", label="yes", language="yy"),
        PairExample(id="toy_nli.test.yy.1", sentence1="Zwei.", sentence2="Drei.", label=None, language="yy"),
    ]
    assert [r.label for r in load_split("toy_nli", "xx", "dev", source=tmp_path)] == ["no"]
    assert available_splits("toy_nli") == ("train", "dev", "test")
    # The declared labels are the closed set; the dev split must be labelled.
    bad = put(tmp_path, "toy/xxish/dev.tsv", "a\tb\tmaybe\n")
    with pytest.raises(DataFormatError) as info:
        load_split("toy_nli", "xx", "dev", source=tmp_path)
    assert str(info.value) == f"{bad}:1: label 'maybe' is not one of toy_nli's labels (no, yes)"
    with pytest.raises(ValueError, match=r"^toy_nli has no language 'zz'; it has xx yy$"):
        load_split("toy_nli", "zz", "test", source=tmp_path)
    with pytest.raises(ValueError, match=r"^toy_nli's train data is English only \(toy/english/train.tsv\): use"):
        load_split("toy_nli", "xx", "train", source=tmp_path)


def test_declared_training_data_is_read_by_head_and_task(toy, tmp_path):
    train = put(tmp_path, "toy/english/train.tsv", "P.\tH.\tyes\n")
    put(tmp_path, "toy/english/dev.tsv", "P2.\tH2.\tno\n")  # {name} of "en" is the declared "english"
    expected = [PairExample(id="toy_nli.train.en.0", sentence1="P.", sentence2="H.", label="yes", language="en")]
    assert load_training_data("toy_nli", source=tmp_path) == expected
    assert [r.id for r in load_training_data("toy_nli", "dev", source=tmp_path)] == ["toy_nli.dev.en.0"]
    assert training_file("toy_nli", "train", source=tmp_path) == train
    assert training_file("toy_nli", "train", source="hub") is None
    with pytest.raises(ValueError, match=r"^the toy_nli head's training data has no 'test' split; it has train, dev$"):
        load_training_data("toy_nli", "test", source=tmp_path)


def test_a_declared_hub_source_with_its_own_column_names(toy, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")
    where = hub_split("toy_nli", "xx", "test")
    assert (where.repo, where.config, where.split, where.column("sentence1")) == (
        "someone/toy", "toy-xxish", "validation", "premise")
    path = tmp_path / "copy" / "someone--toy" / "toy-xxish" / "validation-00000-of-00001.parquet"
    path.parent.mkdir(parents=True)
    datasets.Dataset.from_dict({"premise": ["P"], "hypothesis": ["H"], "label": ["no"]}).to_parquet(str(path))
    assert load_split("toy_nli", "xx", "test", source=f"hub:{tmp_path / 'copy'}") == [
        PairExample(id="toy_nli.test.xx.0", sentence1="P", sentence2="H", label="no", language="xx")]
    with pytest.raises(MissingDataError) as info:
        load_split("toy_nli", "xx", "dev", source=f"hub:{tmp_path / 'copy'}")
    assert str(info.value) == ("toy_nli dev: no hub location declared (hub['dev'] in its declaration; it declares "
                               "test); read it from a raw-layout folder instead")


def test_a_new_language_of_an_existing_task_is_its_declaration(monkeypatch, tmp_path):
    # Tatoeba with one more language: its ISO 639-3 file name comes from the declared language_names.
    tatoeba = TASKS["tatoeba"]
    more = dataclasses.replace(
        tatoeba, languages=frozen_map({**tatoeba.languages, "xtreme": tatoeba.languages["xtreme"] + ("gd",)}),
        language_names=frozen_map({**tatoeba.language_names, "gd": "gla"}))
    monkeypatch.setitem(TASKS, "tatoeba", check_complete(more, FAMILY_NAMES))
    put(tmp_path, "tatoeba/tatoeba.gla-eng.gla", "Tapadh leat.\nHalò.\n")
    put(tmp_path, "tatoeba/tatoeba.gla-eng.eng", "Thanks.\nHello.\n")
    assert load_split("tatoeba", "gd", "test", source=tmp_path) == ParallelSentences(
        language="gd", source=("Tapadh leat.", "Halò."), target=("Hello.", "Thanks."), gold=(1, 0))
    # PAN-X with one more language: the declared token prefix is stripped for it too.
    panx = TASKS["panx"]
    monkeypatch.setitem(TASKS, "panx", dataclasses.replace(
        panx, languages=frozen_map({**panx.languages, "xtreme": panx.languages["xtreme"] + ("gd",)})))
    put(tmp_path, "panx/test-gd.tsv", "gd:Glaschu\tB-LOC\n")
    assert load_split("panx", "gd", "test", source=tmp_path) == [
        TaggedSentence(id="panx.test.gd.0", tokens=("Glaschu",), tags=("B-LOC",), language="gd")]


def test_the_token_prefix_is_a_declaration_field(monkeypatch, tmp_path):
    put(tmp_path, "panx/test-de.tsv", "de:Berlin\tB-LOC\n")
    assert load_split("panx", "de", "test", source=tmp_path)[0].tokens == ("Berlin",)
    monkeypatch.setitem(TASKS, "panx", dataclasses.replace(TASKS["panx"], token_language_prefix=False))
    assert load_split("panx", "de", "test", source=tmp_path)[0].tokens == ("de:Berlin",)


def test_an_incomplete_declaration_names_the_missing_field():
    incomplete = dataclasses.replace(TOY, raw=frozen_map())
    with pytest.raises(IncompleteTaskError) as info:
        check_complete(incomplete, FAMILY_NAMES, "evaluators/tasks/toy_nli.py")
    assert str(info.value) == (
        "task toy_nli (evaluators/tasks/toy_nli.py) is declared but incomplete:\n"
        "  raw: missing (expected Mapping[str, tuple[str, ...]])\n"
        "see README.md, 'Adding a task'")


def test_a_template_name_without_a_declared_name_is_incomplete():
    unnamed = dataclasses.replace(TOY, language_names=frozen_map({"xx": "xxish"}))
    with pytest.raises(IncompleteTaskError) as info:
        check_complete(unnamed, FAMILY_NAMES)
    assert str(info.value) == (
        "task toy_nli is declared but incomplete:\n"
        "  language_names: no name for yy (its raw or hub templates use {name})\n"
        "see README.md, 'Adding a task'")


def test_a_family_without_a_reader_says_where_to_add_one(monkeypatch, tmp_path):
    from harness_tasks.readers import raw

    for family in ("multiple_choice", "entity_retrieval", "answer_retrieval"):  # a family not yet wired
        monkeypatch.delitem(raw.RAW_READERS, family)
    monkeypatch.setitem(TASKS, "toy_nli", dataclasses.replace(TOY, family="entity_retrieval"))
    put(tmp_path, "toy/xxish/test.tsv", "a\tb\n")
    with pytest.raises(ValueError) as info:
        load_split("toy_nli", "xx", "test", source=tmp_path)
    assert str(info.value) == (
        "toy_nli: no raw-layout reader for family 'entity_retrieval'; add one to RAW_READERS in "
        "harness_tasks.readers.raw (readers exist for pair_classification, tagging, span_qa, bitext_mining, "
        "sentence_retrieval)")


def test_one_error_hierarchy_and_one_strict_reader(toy, tmp_path):
    assert submission_files.read_text is text_input.read_text  # the scorer and the readers share the reader
    bom = put(tmp_path, "toy/xxish/dev.tsv", "\ufeffa\tb\tno\n")
    with pytest.raises(InputFileError) as info:  # the scorer's error type catches the readers' errors
        load_split("toy_nli", "xx", "dev", source=tmp_path)
    assert type(info.value) is DataFormatError
    assert (info.value.path, info.value.line) == (str(bom), 1)
    with pytest.raises(MissingInputFile) as info:
        load_split("toy_nli", "yy", "dev", source=tmp_path)
    assert type(info.value) is MissingDataError and not isinstance(info.value, DataFormatError)
    assert info.value.path == str(tmp_path / "toy/yyish/dev.tsv")
