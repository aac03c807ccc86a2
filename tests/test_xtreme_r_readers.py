"""The XTREME-R readers: multiple choice (XCOPA, COPA, SocialIQA), entity retrieval (Mewsli-X) and answer
retrieval (LAReQA on XQuAD-R), on the bundled sample, on hand-made files of the real schemas, and on hub
rows; every refusal names the file and line (or hub row) and what was expected."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from evaluators.tasks import get_task
from evaluators.tasks.training_data import COPA_EN, SOCIAL_IQA, WIKIPEDIA_MENTION_PAIRS
from harness_tasks.readers import SAMPLE_DATA_DIR, DataFormatError, MissingDataError
from harness_tasks.readers.answer_retrieval import (
    answer_pool,
    paragraphs_from_hub,
    read_raw_answer_retrieval,
    read_xquad_r,
)
from harness_tasks.readers.data_spec import DataSpec
from harness_tasks.readers.entity_retrieval import (
    mention_query,
    read_candidates,
    read_raw_entity_retrieval,
)
from harness_tasks.readers.hub import locate_on_hub
from harness_tasks.readers.multiple_choice import (
    choice_prompt,
    hub_multiple_choice,
    read_raw_multiple_choice,
)
from harness_tasks.records import (
    EntityMention,
    MultipleChoiceExample,
    RetrievalQuestion,
)
from tests.sample_files import write

XCOPA = DataSpec.of_task(get_task("xcopa"))
MEWSLIX = DataSpec.of_task(get_task("mewslix"))
LAREQA = DataSpec.of_task(get_task("lareqa"))


def jsonl(rows) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DataFormatError) as err:
        call(*args, **kwargs)
    return str(err.value)


# ------------------------------------------------------------------------------------------ multiple choice
def copa(premise="Der Boden war nass.", question="cause", label=1, **extra) -> dict:
    return {"premise": premise, "choice1": "Die Sonne schien.", "choice2": "Es hatte geregnet.",
            "question": question, "label": label, **extra}


def test_sample_xcopa_copa_and_siqa():
    test = read_raw_multiple_choice(SAMPLE_DATA_DIR, XCOPA, "zh", "test")
    assert len(test) == 16 and [e.label for e in test] == [1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1]
    assert test[0] == MultipleChoiceExample(id="xcopa.test.zh.0", premise="杯子碎了。", question="cause",
                                            choices=("诺拉·法尔克饿了。", "诺拉·法尔克把杯子掉在地上。"), label=1,
                                            language="zh")
    assert {len(read_raw_multiple_choice(SAMPLE_DATA_DIR, XCOPA, lang, "dev")) for lang in ("th", "tr")} == {10}
    copa_train = read_raw_multiple_choice(SAMPLE_DATA_DIR, DataSpec.of_training(COPA_EN), "en", "train")
    assert len(copa_train) == 80 and copa_train[0].id == "xcopa.train.en.0"
    siqa = read_raw_multiple_choice(SAMPLE_DATA_DIR, DataSpec.of_training(SOCIAL_IQA), "en", "dev")
    assert len(siqa) == 15
    first = read_raw_multiple_choice(SAMPLE_DATA_DIR, DataSpec.of_training(SOCIAL_IQA), "en", "train")[0]
    assert first == MultipleChoiceExample(id="siqa.train.en.0", premise="Ida gave Anna a present.",
                                          question="How would Anna feel as a result?",
                                          choices=("thankful", "angry", "sleepy"), label=0, language="en")
    # What a multiple-choice head reads before each choice (run_xcopa.py's prompts).
    assert choice_prompt(first) == "Ida gave Anna a present. How would Anna feel as a result?"
    assert choice_prompt(test[0]) == "杯子碎了。 What was the cause?"


def test_xcopa_real_schema_and_the_download_scripts_placeholder_labels(tmp_path):
    # utils_preprocess.xcopa_preprocess overwrites every test label with 0: such a file is unlabelled.
    write(tmp_path, "xcopa/test-de.jsonl", jsonl([copa(label=0, idx=1, changed=False),
                                                  copa(question="effect", label=0, idx=2, changed=True)]))
    placeholders = read_raw_multiple_choice(tmp_path, XCOPA, "de", "test")
    assert [e.label for e in placeholders] == [None, None]
    assert placeholders[1].question == "effect" and placeholders[1].choices == ("Die Sonne schien.",
                                                                                "Es hatte geregnet.")
    # A test file with real labels (the dataset's own release) keeps them; SuperGLUE's test has no label.
    write(tmp_path, "xcopa/test-de.jsonl", jsonl([copa(label=0), copa(label=1)]))
    assert [e.label for e in read_raw_multiple_choice(tmp_path, XCOPA, "de", "test")] == [0, 1]
    write(tmp_path, "xcopa/test-de.jsonl", "\r\n".join(json.dumps({k: v for k, v in copa().items() if k != "label"})
                                                       for _ in range(2)) + "\r\n")
    assert [e.label for e in read_raw_multiple_choice(tmp_path, XCOPA, "de", "test")] == [None, None]
    # Only test data may be unlabelled.
    path = write(tmp_path, "xcopa/val-de.jsonl", jsonl([copa(), {k: v for k, v in copa().items() if k != "label"}]))
    assert refused(read_raw_multiple_choice, tmp_path, XCOPA, "de", "dev") == (
        f"{path}:2: missing key 'label' (only test files may be unlabelled); expected "
        '{"premise", "choice1", "choice2", "question": "cause"|"effect", "label": 0|1}')


@pytest.mark.parametrize("line, problem", [
    (copa(question="because"), ("question: 'because' is not one of cause, effect; expected the relation COPA asks "
                               "about")),
    (copa(label=2), "label: label 2 is not the index of one of the 2 choices (0 to 1)"),
    (copa(label=True), "label: expected an integer, got bool"),
    (copa(label="1"), "label: expected an integer, got '1'"),
    ({**copa(), "choice2": ["a"]}, "choice2: expected a string, got list"),
    ({"premise": "x", "choice1": "y"}, ("missing key 'question'; expected COPA form {\"premise\", \"choice1\", "
                                       "\"choice2\", \"question\": \"cause\"|\"effect\", \"label\": 0|1}, like line 1")),
])
def test_multiple_choice_refusals_name_file_line_and_field(tmp_path, line, problem):
    path = write(tmp_path, "xcopa/val-de.jsonl", jsonl([copa(), line]))
    message = refused(read_raw_multiple_choice, tmp_path, XCOPA, "de", "dev")
    assert message.startswith(f"{path}:2: {problem}"), message


def test_a_file_of_neither_form_is_refused_at_its_first_line(tmp_path):
    path = write(tmp_path, "xcopa/val-de.jsonl", jsonl([{"premise": "x", "choice": "y"}]))
    assert refused(read_raw_multiple_choice, tmp_path, XCOPA, "de", "dev") == (
        f"{path}:1: neither COPA nor SocialIQA form (keys 'premise', 'choice'); expected one JSON object a line, "
        'COPA form {"premise", "choice1", "choice2", "question": "cause"|"effect", "label": 0|1} or SocialIQA form '
        '{"context", "question", "answerA", "answerB", "answerC", "correct": "A"|"B"|"C"}')


@pytest.mark.parametrize("text, line, problem", [
    (jsonl([copa()]) + "\n" + jsonl([copa()]), 2, "blank line; expected one JSON object a line"),
    (jsonl([copa()]) + '{"premise": "x",\n', 2, "not valid JSON"),
    (jsonl([copa()]) + '{"premise": "a", "premise": "b"}\n', 2, "key 'premise' appears twice in one JSON object"),
    ("\ufeff" + jsonl([copa()]), 1, "not valid JSON (Unexpected UTF-8 BOM"),
    ("[1, 2]\n", 1, "found a JSON list; expected one JSON object a line"),
])
def test_json_lines_refusals(tmp_path, text, line, problem):
    path = write(tmp_path, "xcopa/val-de.jsonl", text)
    assert refused(read_raw_multiple_choice, tmp_path, XCOPA, "de", "dev").startswith(f"{path}:{line}: {problem}")


def test_json_lines_refuse_bad_utf8_and_empty_files(tmp_path):
    path = write(tmp_path, "xcopa/val-de.jsonl", jsonl([copa()]).encode() + b'{"premise": "\xff"}\n')
    assert refused(read_raw_multiple_choice, tmp_path, XCOPA, "de", "dev").startswith(
        f"{path}:2: not valid UTF-8 (byte 13 of the line): invalid start byte")
    write(tmp_path, "xcopa/val-de.jsonl", " \n")
    assert refused(read_raw_multiple_choice, tmp_path, XCOPA, "de", "dev").startswith(f"{path}: empty file")
    (tmp_path / "xcopa" / "val-de.jsonl").unlink()
    with pytest.raises(MissingDataError, match="no such file; expected the XTREME raw download layout"):
        read_raw_multiple_choice(tmp_path, XCOPA, "de", "dev")


def test_siqa_v14_form_and_its_refusals(tmp_path):
    spec = DataSpec.of_training(SOCIAL_IQA)
    row = {"context": "Kim lent Sam a pen.", "question": "How would Sam feel?", "answerA": "grateful",
           "answerB": "angry", "answerC": "lost", "correct": "A", "promptDim": "xReact"}
    write(tmp_path, "siqa/socialIQa_v1.4_trn.jsonl", jsonl([row, {**row, "correct": "C"}]))
    assert [(e.premise, e.choices, e.label) for e in read_raw_multiple_choice(tmp_path, spec, "en", "train")] == [
        ("Kim lent Sam a pen.", ("grateful", "angry", "lost"), 0), ("Kim lent Sam a pen.", ("grateful", "angry", "lost"), 2)]
    path = write(tmp_path, "siqa/socialIQa_v1.4_trn.jsonl", jsonl([row, {**row, "correct": "D"}]))
    assert refused(read_raw_multiple_choice, tmp_path, spec, "en", "train") == (
        f"{path}:2: correct: 'D' is not one of A, B, C; expected the letter of the right answer")
    write(tmp_path, "siqa/socialIQa_v1.4_trn.jsonl", jsonl([row, {k: v for k, v in row.items() if k != "correct"}]))
    assert refused(read_raw_multiple_choice, tmp_path, spec, "en", "train").startswith(
        f"{path}:2: missing key 'correct' (only test files may be unlabelled)")


def test_hub_rows_of_xcopa_superglue_copa_and_social_i_qa():
    where = locate_on_hub(XCOPA, "zh", "test")
    assert where.name == "cambridgeltl/xcopa zh test"
    rows = datasets.Dataset.from_list([{**copa(label=1), "idx": 0, "changed": False},
                                       {**copa(question="effect", label=0), "idx": 1, "changed": False}])
    assert hub_multiple_choice(rows, XCOPA, "zh", "test", where) == [
        MultipleChoiceExample("xcopa.test.zh.0", "Der Boden war nass.", "cause", ("Die Sonne schien.",
                                                                                  "Es hatte geregnet."), 1, "zh"),
        MultipleChoiceExample("xcopa.test.zh.1", "Der Boden war nass.", "effect", ("Die Sonne schien.",
                                                                                   "Es hatte geregnet."), 0, "zh")]
    # SuperGLUE's test rows carry -1: unlabelled, allowed in a test split only.
    unlabelled = datasets.Dataset.from_list([copa(label=-1)])
    assert hub_multiple_choice(unlabelled, XCOPA, "zh", "test", where)[0].label is None
    copa_en = DataSpec.of_training(COPA_EN)
    train = locate_on_hub(copa_en, "en", "train")
    assert refused(hub_multiple_choice, unlabelled, copa_en, "en", "train", train) == (
        "super_glue copa train row 0: no label (only test data may be unlabelled); expected label to hold the right "
        "choice")
    assert refused(hub_multiple_choice, datasets.Dataset.from_list([copa(label=3)]), XCOPA, "zh", "test", where) == (
        "cambridgeltl/xcopa zh test row 0: label 3 is not the index of one of the 2 choices (0 to 1)")
    assert refused(hub_multiple_choice, datasets.Dataset.from_list([copa(question="why")]), XCOPA, "zh", "test",
                   where) == "cambridgeltl/xcopa zh test row 0: question 'why' is not one of cause, effect"
    siqa = DataSpec.of_training(SOCIAL_IQA)
    siqa_where = locate_on_hub(siqa, "en", "dev")
    row = {"context": "C", "question": "Q", "answerA": "a", "answerB": "b", "answerC": "c", "label": "3"}
    assert hub_multiple_choice(datasets.Dataset.from_list([row]), siqa, "en", "dev", siqa_where) == [
        MultipleChoiceExample("siqa.dev.en.0", "C", "Q", ("a", "b", "c"), 2, "en")]
    assert refused(hub_multiple_choice, datasets.Dataset.from_list([{**row, "label": "0"}]), siqa, "en", "dev",
                   siqa_where) == ("allenai/social_i_qa validation row 0: label '0': expected the right answer's "
                                   'number as a string, "1" to "3"')


# ------------------------------------------------------------------------------------------- entity retrieval
def context(text: str, spans, language: str = "de", **extra) -> dict:
    return {"document_title": "T", "document_url": "https://example.org/d", "document_id": "d1", "language": language,
            "text": text, "sentence_spans": [{"start": s, "end": e} for s, e in spans], **extra}


def mention(example_id: str, text: str, start: int, end: int, entity: str = "Q1", **extra) -> dict:
    return {"example_id": example_id, "mention_span": {"start": start, "end": end, "text": text[start:end]},
            "entity_id": entity, **extra}


def entity(qid: str, description: str, spans) -> dict:
    return {"entity_id": qid, "title": qid, "description": description,
            "sentence_spans": [{"start": s, "end": e} for s, e in spans], "description_language": "en",
            "description_url": f"https://example.org/{qid}"}


TEXT = "Die Firma {Acme} meldet Gewinne. Chefin Eva Roth sprach in Bonn."  # a brace pair, two sentences
SPANS = [(0, 32), (33, 64)]


def mewslix_files(root: Path, mentions, labels, entities, split: str = "test", lang: str = "de") -> None:
    write(root, f"mewslix/wikinews_mentions/{split}-{lang}.jsonl", jsonl(mentions))
    write(root, f"mewslix/wikinews_labels/{split}-{lang}.json", json.dumps(labels))
    write(root, "mewslix/candidate_set_entities.jsonl", jsonl(entities))


DESCRIPTION = "Eva Roth is a\nchemist.  She lives in Bonn. Unannotated tail."
ENTITIES = [entity("Q1", DESCRIPTION, [(0, 23), (23, DESCRIPTION.index(" Unannotated"))]),
            entity("Q2", "Bonn is a city.", [(0, 15)])]


def test_sample_mewslix_and_wikipedia_pairs():
    corpus = read_raw_entity_retrieval(SAMPLE_DATA_DIR, MEWSLIX, "ja", "test")
    assert (corpus.language, corpus.split, len(corpus.mentions), len(corpus.candidates)) == ("ja", "test", 15, 300)
    first = corpus.mentions[0]
    assert first == EntityMention(id="df02d08c6343d5fcdf1480943806fb9b",
                                  context="イダ・クラマーは月曜日にオスロで講演した。彼女は長年シルバーライン出版で働いている。",
                                  start=0, end=7, sentence_spans=((0, 21), (21, 42)), entity="Q900000007",
                                  language="ja")
    assert mention_query(first) == "イダ・クラマー: { イダ・クラマー } は月曜日にオスロで講演した。"
    index = corpus.candidates.ids.index("Q900000007")
    assert corpus.candidates.descriptions[index] == ("Ida Kramer (إيدا كرامر; イダ・クラマー) is a translator who lives "
                                                     "in Prague. She works for Bluefield Motors.")
    # The ~1M candidate set is read once and shared by every language's corpus.
    assert read_raw_entity_retrieval(SAMPLE_DATA_DIR, MEWSLIX, "ar", "dev").candidates is corpus.candidates
    gold = json.loads((SAMPLE_DATA_DIR / "labels" / "mewslix" / "test-ja.json").read_text(encoding="utf-8"))
    assert gold == {m.id: [m.entity] for m in corpus.mentions}
    pairs = read_raw_entity_retrieval(SAMPLE_DATA_DIR, DataSpec.of_training(WIKIPEDIA_MENTION_PAIRS), "en", "train")
    assert (len(pairs.mentions), len(pairs.candidates)) == (60, 60)
    assert mention_query(pairs.mentions[0]) == "Anna Berger: { Anna Berger } was in the local news on Monday."
    assert pairs.candidates.ids[0] == "Q900000001" == pairs.mentions[0].entity


def test_mewslix_real_schema_blanked_test_labels_and_model_texts(tmp_path):
    # Extra fields the schema allows (section_title, metadata) are read past; test labels blanked as the
    # download script blanks them.
    line = {"context": context(TEXT, SPANS, section_title="Wirtschaft"),
            "mentions": [mention("m1", TEXT, 40, 48, "", metadata={"k": "v"}), mention("m2", TEXT, 59, 63, "")]}
    mewslix_files(tmp_path, [line], {"m1": [""], "m2": [""]}, ENTITIES)
    corpus = read_raw_entity_retrieval(tmp_path, MEWSLIX, "de", "test")
    assert [(m.id, m.mention, m.entity) for m in corpus.mentions] == [("m1", "Eva Roth", None), ("m2", "Bonn", None)]
    assert mention_query(corpus.mentions[0]) == "Eva Roth: Chefin { Eva Roth } sprach in Bonn."
    # The brace pair in the mention's sentence is escaped so that only the mention is marked.
    marked = EntityMention("x", TEXT, 0, 3, ((0, 32), (33, 64)), None, "de")
    assert mention_query(marked) == "Die: { Die } Firma (Acme) meldet Gewinne."
    # An entity is its annotated sentences joined by a space, line breaks made spaces and one pass of "  " -> " "
    # (as the benchmark's baseline: three spaces become two), the unannotated tail left out.
    assert corpus.candidates.descriptions == ("Eva Roth is a chemist.  She lives in Bonn.", "Bonn is a city.")
    # Labelled (dev): the gold comes from the labels file, stripped as the benchmark's scorer strips it.
    labelled = {"context": context(TEXT, SPANS), "mentions": [mention("m1", TEXT, 40, 48, "Q1")]}
    mewslix_files(tmp_path, [labelled], {"m1": [" Q1 "]}, ENTITIES, split="dev")
    assert read_raw_entity_retrieval(tmp_path, MEWSLIX, "de", "dev").mentions[0].entity == "Q1"


@pytest.mark.parametrize("change, line, problem", [
    (lambda m, c: m.update(mention_span={"start": 40, "end": 48, "text": "Eva Rot"}), 1,
     "mentions[0].mention_span.text: 'Eva Rot' is not the text it spans, 'Eva Roth'"),
    (lambda m, c: c.update(language="en"), 1, "context.language: 'en'; this file holds the 'de' mentions"),
    (lambda m, c: m.update(mention_span={"start": 28, "end": 40, "text": TEXT[28:40]}), 1,
     ("mentions[0].mention_span: the mention [28:40] is in no single sentence of its context; expected it inside "
     "one of context.sentence_spans")),
    (lambda m, c: m.update(mention_span={"start": 60, "end": 90, "text": "x"}), 1,
     "mentions[0].mention_span: span [60:90] is not a non-empty span of the 64-character text it indexes"),
    (lambda m, c: c.update(sentence_spans=[{"start": 0, "end": 70}]), 1,
     "context.sentence_spans[0]: span [0:70] is not a non-empty span of the 64-character text"),
    (lambda m, c: c.update(sentence_spans=[[0, 32]]), 1, "context.sentence_spans[0]: expected an object, got list"),
    (lambda m, c: m.update(example_id=7), 1, "mentions[0].example_id: expected a string, got int"),
])
def test_mewslix_mention_refusals(tmp_path, change, line, problem):
    good = {"context": context(TEXT, SPANS), "mentions": [mention("m0", TEXT, 59, 63, "Q2")]}
    bad_mention, bad_context = mention("m1", TEXT, 40, 48), context(TEXT, SPANS)
    change(bad_mention, bad_context)
    mewslix_files(tmp_path, [good, {"context": bad_context, "mentions": [bad_mention]}],
                  {"m0": ["Q2"], "m1": ["Q1"]}, ENTITIES, split="dev")
    path = tmp_path / "mewslix" / "wikinews_mentions" / "dev-de.jsonl"
    message = refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev")
    assert message.startswith(f"{path}:{line + 1}: {problem}"), message


def test_mewslix_labels_and_candidate_refusals(tmp_path):
    line = {"context": context(TEXT, SPANS), "mentions": [mention("m1", TEXT, 40, 48), mention("m1", TEXT, 59, 63, "Q2")]}
    mewslix_files(tmp_path, [line], {"m1": ["Q1"]}, ENTITIES, split="dev")
    mentions = tmp_path / "mewslix" / "wikinews_mentions" / "dev-de.jsonl"
    labels = tmp_path / "mewslix" / "wikinews_labels" / "dev-de.json"
    candidates = tmp_path / "mewslix" / "candidate_set_entities.jsonl"
    assert refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev") == (
        f"{mentions}:1: mentions[1].example_id: 'm1' already used on line 1; expected unique mention ids")
    line["mentions"].pop()
    write(tmp_path, "mewslix/wikinews_mentions/dev-de.jsonl", jsonl([line]))
    write(tmp_path, "mewslix/wikinews_mentions/dev-de.jsonl", jsonl([{**line, "mentions": [mention("m1", TEXT, 40, 48,
                                                                                             "Q9")]}]))
    write(tmp_path, "mewslix/wikinews_labels/dev-de.json", '{\n"m1": ["Q9"]\n}')
    assert refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev") == (
        f"{labels}:2: gold entity 'Q9' of 'm1' is not in {candidates}; a gold entity outside the candidate set can "
        "never be retrieved")
    write(tmp_path, "mewslix/wikinews_mentions/dev-de.jsonl", jsonl([line]))
    write(tmp_path, "mewslix/wikinews_labels/dev-de.json", '{"m1": ["Q1"],\n "m7": ["Q2"]}')
    assert refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev") == (
        f"{labels}:2: 1 id(s) ('m7' first) are not mentions in {mentions}")
    write(tmp_path, "mewslix/wikinews_labels/dev-de.json", '{"m1": ["Q1", "Q2"]}')
    assert refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev") == (
        f"{labels}:1: m1: expected a list of one gold entity id")
    write(tmp_path, "mewslix/wikinews_labels/dev-de.json", '{"m1": [""]}')
    assert refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev") == (
        f"{mentions}:1: mention 'm1' names entity 'Q1', but {labels} gives ''")
    write(tmp_path, "mewslix/wikinews_labels/dev-de.json", '{}')
    assert refused(read_raw_entity_retrieval, tmp_path, MEWSLIX, "de", "dev") == (
        f"{mentions}:1: mention 'm1' has no entry in {labels}; expected its gold entity there")
    write(tmp_path, "mewslix/wikinews_labels/dev-de.json", '{"m1": ["Q1"]}')
    write(tmp_path, "mewslix/candidate_set_entities.jsonl", jsonl([*ENTITIES, ENTITIES[0]]))
    assert refused(read_candidates, candidates, tmp_path) == (
        f"{candidates}:3: entity_id: 'Q1' already on line 1; expected each candidate entity once")
    (tmp_path / "mewslix" / "wikinews_labels" / "dev-de.json").unlink()
    with pytest.raises(MissingDataError, match=r"no such file; expected mewslix/wikinews_mentions/dev-de.jsonl, "
                                               r"mewslix/wikinews_labels/dev-de.json and "
                                               r"mewslix/candidate_set_entities.jsonl"):
        read_raw_entity_retrieval(tmp_path, MEWSLIX, "de", "dev")


def test_wikipedia_pairs_real_schema_and_refusals(tmp_path):
    spec = DataSpec.of_training(WIKIPEDIA_MENTION_PAIRS)
    text = "Eva Roth works in Bonn."
    pair = {"contextual_mention": {"context": context(text, [(0, 23)], "en"), "mention": mention("p1", text, 0, 8)},
            "entity": ENTITIES[0]}
    other = {"contextual_mention": {"context": context(text, [(0, 23)], "en"),
                                    "mention": mention("p2", text, 18, 22, "Q2")}, "entity": ENTITIES[1]}
    path = write(tmp_path, "mewslix/wikipedia_pairs-dev.jsonl", jsonl([pair, other, {**pair, "contextual_mention": {
        **pair["contextual_mention"], "mention": mention("p3", text, 0, 8)}}]))
    corpus = read_raw_entity_retrieval(tmp_path, spec, "en", "dev")
    assert [(m.id, m.mention, m.entity) for m in corpus.mentions] == [("p1", "Eva Roth", "Q1"), ("p2", "Bonn", "Q2"),
                                                                       ("p3", "Eva Roth", "Q1")]
    assert corpus.candidates.ids == ("Q1", "Q2")
    write(tmp_path, "mewslix/wikipedia_pairs-dev.jsonl", jsonl([pair, {**other, "entity": ENTITIES[0]}]))
    assert refused(read_raw_entity_retrieval, tmp_path, spec, "en", "dev") == (
        f"{path}:2: contextual_mention.mention.entity_id: 'Q2', but the pair's entity is 'Q1'")
    changed = {**ENTITIES[0], "description": "Eva Roth is a painter.", "sentence_spans": [{"start": 0, "end": 22}]}
    write(tmp_path, "mewslix/wikipedia_pairs-dev.jsonl", jsonl([pair, {**other, "contextual_mention": {
        **other["contextual_mention"], "mention": mention("p2", text, 0, 8)}, "entity": changed}]))
    assert refused(read_raw_entity_retrieval, tmp_path, spec, "en", "dev").startswith(
        f"{path}:2: entity.description: entity 'Q1' is described differently on line 1")


# ------------------------------------------------------------------------------------------- answer retrieval
def paragraph(context_text: str, breaks, qas, **extra) -> dict:
    return {"context": context_text, "qas": [{"id": qid, "question": question,
                                              "answers": [{"text": context_text[start:start + 2], "answer_start": start}]}
                                             for qid, question, start in qas],
            "sentence_breaks": [list(b) for b in breaks], **extra}


def xquad_r(*paragraphs) -> dict:
    return {"data": [{"title": "T", "paragraphs": list(paragraphs)}], "version": "1.1"}


def test_sample_lareqa_pool():
    corpus = read_raw_answer_retrieval(SAMPLE_DATA_DIR, LAREQA, "ru", "test")
    assert corpus.languages == ("de", "en", "ru", "zh") and corpus.language == "ru"
    assert corpus.absent_languages == ("ar", "el", "es", "hi", "th", "tr", "vi")
    assert (len(corpus.questions), len(corpus.candidates), corpus.skipped) == (18, 66, ())
    assert corpus.questions[0] == RetrievalQuestion(id="1a3f7882b273f7e7a935f84e",
                                                    question="В каком году родилась Роза Брандт?", language="ru")
    assert corpus.targets["1a3f7882b273f7e7a935f84e"] == ("de_1_0", "en_1_0", "ru_1_0", "zh_1_0")
    assert corpus.candidates.ids[:4] == ("de_1_0", "de_1_1", "de_1_2", "de_2_0")
    gold = json.loads((SAMPLE_DATA_DIR / "labels" / "lareqa" / "test-ru.json").read_text(encoding="utf-8"))
    assert gold == {q.id: list(corpus.targets[q.id]) for q in corpus.questions}
    # The other languages ask from the same pool (read once).
    assert read_raw_answer_retrieval(SAMPLE_DATA_DIR, LAREQA, "zh", "test").candidates is corpus.candidates


def test_xquad_r_real_schema_pool_as_utils_lareqa_builds_it(tmp_path):
    en = "Ab cd. Ef gh. Ab cd."  # the first and last sentence have the same text: both are targets
    write(tmp_path, "lareqa/xquad-r/en.json", xquad_r(
        paragraph("No questions here.", [(0, 18)], []),  # counts as paragraph 1, adds no candidate
        # "sentences" is not read: the released tr.json has a paragraph where it disagrees with the breaks.
        paragraph(en, [(0, 6), (7, 13), (14, 20)], [("q1", "Which?", 0), ("q2", "Gap?", 6)], sentences=["x"])))
    write(tmp_path, "lareqa/xquad-r/de.json", xquad_r(paragraph("Xy. Zw.", [(0, 3), (4, 7)], [("q1", "Welche?", 4)])))
    corpus = read_raw_answer_retrieval(tmp_path, LAREQA, "en", "test")
    assert corpus.languages == ("de", "en") and len(corpus.absent_languages) == 9
    assert corpus.candidates.ids == ("de_1_0", "de_1_1", "en_2_0", "en_2_1", "en_2_2")
    assert corpus.candidates.sentences == ("Xy.", "Zw.", "Ab cd.", "Ef gh.", "Ab cd.")
    assert corpus.candidates.contexts[2] == en and corpus.candidates.languages[:2] == ("de", "de")
    # q2's answer starts in the space between two sentences: left out, as utils_lareqa leaves it out.
    assert [q.uid for q in corpus.questions] == ["q1_en"] and corpus.skipped == ("q2_en",)
    assert corpus.targets == {"q1": ("de_1_1", "en_2_0", "en_2_2")}
    with pytest.raises(ValueError, match="this corpus holds the 'en' questions only"):
        corpus.of_language("de")
    assert [q.uid for q in read_raw_answer_retrieval(tmp_path, LAREQA, "de", "test").questions] == ["q1_de"]
    (tmp_path / "lareqa" / "xquad-r" / "ar.json").parent.mkdir(exist_ok=True)
    with pytest.raises(MissingDataError, match="lareqa/xquad-r/ar.json"):
        read_raw_answer_retrieval(tmp_path, LAREQA, "ar", "test")


@pytest.mark.parametrize("bad, line, problem", [
    ({"sentence_breaks": [[4, 7], [0, 3]]}, 1, ("data[0].paragraphs[0].sentence_breaks: sentence break 1 [0, 3]: "
                                              "expected non-empty sentences, in order, inside the 7-character context")),
    ({"sentence_breaks": [[0, 3], [4]]}, 1, ("data[0].paragraphs[0].sentence_breaks: sentence break 1: expected "
                                            "[start, end] (two integers)")),
    ({"qas": [{"id": "q", "question": "?", "answers": []}]}, 1,
     "data[0].paragraphs[0].qas[0].answers: 0 answers; expected exactly one"),
    ({"qas": [{"id": "q", "question": "?", "answers": [{"text": "X", "answer_start": 0}]},
              {"id": "q", "question": "?", "answers": [{"text": "X", "answer_start": 0}]}]}, 1,
     "data[0].paragraphs[0].qas[1].id: 'q' is asked twice in this file"),
    ({"sentence_breaks": None}, 1, "data[0].paragraphs[0].sentence_breaks: expected list, got null"),
])
def test_xquad_r_refusals(tmp_path, bad, line, problem):
    good = paragraph("Xy. Zw.", [(0, 3), (4, 7)], [("q1", "?", 0)])
    path = write(tmp_path, "lareqa/xquad-r/de.json", json.dumps(xquad_r({**good, **bad})))
    message = refused(read_xquad_r, path)
    assert message.startswith(f"{path}:{line}: {problem}"), message
    no_breaks = {k: v for k, v in good.items() if k != "sentence_breaks"}
    write(tmp_path, "lareqa/xquad-r/de.json", json.dumps(xquad_r(no_breaks)))
    assert "missing key 'sentence_breaks'" in refused(read_xquad_r, path)


def test_xquad_r_hub_rows():
    where = locate_on_hub(LAREQA, "de", "test")
    hub_rows = [{"id": "q1", "context": "Xy. Zw.", "question": "Welche?", "answers": {"text": ["Zw"], "answer_start": [4]}}]
    assert refused(paragraphs_from_hub, datasets.Dataset.from_list(hub_rows), where) == (
        "google-research-datasets/xquad_r de validation: no sentence_breaks column (it has id, context, question, "
        "answers): this copy of XQuAD-R drops the sentence annotation that LAReQA's candidates are made of; read "
        "lareqa/xquad-r/{lang}.json from the raw download layout instead (scripts/download_data.sh, "
        "github.com/google-research-datasets/lareqa)")
    # A copy that keeps the breaks (consecutive rows of one paragraph) reads like the raw files.
    exported = [{**row, "sentence_breaks": [[0, 3], [4, 7]]} for row in hub_rows]
    exported.append({"id": "q2", "context": "Xy. Zw.", "question": "Welche?", "answers": {"text": ["Xy"],
                                                                                           "answer_start": [0]},
                     "sentence_breaks": [[0, 3], [4, 7]]})
    paragraphs = paragraphs_from_hub(datasets.Dataset.from_list(exported), where)
    assert len(paragraphs) == 1 and paragraphs[0].questions == (("q1", "Welche?", 4), ("q2", "Welche?", 0))
    assert answer_pool({"de": paragraphs}, "test", ["de"]).targets == {"q1": ("de_1_1",), "q2": ("de_1_0",)}
    two = [{**exported[0], "answers": {"text": ["a", "b"], "answer_start": [0, 4]}}]
    assert refused(paragraphs_from_hub, datasets.Dataset.from_list(two), where) == (
        "google-research-datasets/xquad_r de validation row 0: answers: expected exactly one answer {text: [str], "
        "answer_start: [int]}")
