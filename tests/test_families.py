"""The scoring families (evaluators/families): per-example outcomes give back the corpus metric exactly.

For every family ``metric_from_outcomes(score(...).outcomes) == score(...).scores``, compared with ``==``
(not approximately): on the golden XTREME submission in both tagging modes, on the held-out XTREME-R cases,
and on small hand cases whose outcomes and scores are written out here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluators.benchmarks import XTREME, XTREME_R
from evaluators.families import FAMILY_MODULES, FAMILY_NAMES, get_family
from evaluators.families.base import ScoringOptions
from evaluators.submission import ScoredSubmission, score_submission
from evaluators.tasks import TASKS, get_task
from tests.golden import assert_matches_expected, require_golden

XTREME_R_CASES = Path(__file__).resolve().parent / "fixtures" / "xtreme_r_cases"
MODES = [("xtreme", "expected.seqeval-0.0.12.json"), ("seqeval", "expected.seqeval-1.2.2.json")]


def outcomes_reproduce_scores(scored: ScoredSubmission, benchmark, mode: str) -> int:
    """Assert metric_from_outcomes == the reported per-language scores (and pooled task scores); returns how
    many languages were compared."""
    options = ScoringOptions(tagging_mode=mode)
    compared = 0
    for task, per_language in scored.outcomes.items():
        spec = get_task(task)
        family = get_family(spec.family)
        for lang, outcomes in per_language.items():
            assert len(outcomes) > 0
            assert all(set(o) == {"id", *family.OUTCOME_FIELDS} for o in outcomes), task
            again = family.metric_from_outcomes(spec, outcomes, lang, options)
            reported = {metric: values[lang] for metric, values in scored.scores[task].items()
                        if isinstance(values, dict)}
            assert again == reported, (task, lang)
            compared += 1
        if spec.average == "pooled":
            pooled = [o for lang in benchmark.languages(task) for o in per_language[lang]]
            again = family.metric_from_outcomes(spec, pooled, None, options)
            assert {f"avg_{m}": v for m, v in again.items()} == {
                k: v for k, v in scored.scores[task].items() if k.startswith("avg_") and k != "avg_metric"}
    return compared


# --------------------------------------------------------------------------------------------- the list
def test_the_family_modules_are_the_declared_families():
    assert FAMILY_NAMES == tuple(FAMILY_MODULES) == (
        "pair_classification", "multiple_choice", "tagging", "span_qa", "bitext_mining", "sentence_retrieval",
        "entity_retrieval", "answer_retrieval")
    for name in FAMILY_NAMES:
        family = get_family(name)
        assert family.name == name and family.info.name == name
        assert family.OUTCOME_FIELDS and "id" not in family.OUTCOME_FIELDS
    assert {spec.family for spec in TASKS.values()} == set(FAMILY_NAMES)  # every family scores a task
    with pytest.raises(KeyError, match="unknown task family 'qa'; known: pair_classification, "):
        get_family("qa")


# ------------------------------------------------------------------------------------------ golden data
@pytest.mark.parametrize("mode, expected", MODES)
def test_xtreme_golden_is_unchanged_and_its_outcomes_give_back_every_score(mode, expected):
    golden = require_golden()
    scored = score_submission(golden / "predictions", golden / "labels", mode, benchmark="xtreme", outcomes=True)
    assert isinstance(scored, ScoredSubmission)
    assert assert_matches_expected(golden / expected, scored.scores) == 375
    assert scored.scores == score_submission(golden / "predictions", golden / "labels", mode)
    assert scored.scores["meta"]["benchmark"] == "xtreme"
    assert list(scored.outcomes) == list(XTREME.task_names)
    assert outcomes_reproduce_scores(scored, XTREME, mode) == sum(len(XTREME.languages(t)) for t in XTREME.task_names)


@pytest.mark.parametrize("case", ["case1", "case2"])
@pytest.mark.parametrize("mode, expected", MODES)
def test_xtreme_r_cases_outcomes_give_back_every_score(case, mode, expected):
    root = XTREME_R_CASES / case
    scored = score_submission(root / "predictions", root / "labels", mode, benchmark="xtreme-r", outcomes=True)
    assert list(scored.outcomes) == list(XTREME_R.task_names)
    assert outcomes_reproduce_scores(scored, XTREME_R, mode) == 203


# ------------------------------------------------------------------------------------------ hand cases
def score(task: str, gold, predictions, language: str = "de", **options):
    spec = get_task(task)
    family = get_family(spec.family)
    scored = family.score(spec, gold, predictions, language, ScoringOptions(**options))
    assert family.metric_from_outcomes(spec, scored.outcomes, language, ScoringOptions(**options)) == scored.scores
    return scored


def test_pair_classification_outcomes_are_correct_flags():
    scored = score("xnli", ["neutral", "entailment", "neutral"], ["neutral", "neutral", "neutral"])
    assert [o["correct"] for o in scored.outcomes] == [1, 0, 1]
    assert scored.scores == {"accuracy": 2.0 / 3 * 100}


def test_sentence_and_choice_outcomes_are_correct_flags():
    assert [o["correct"] for o in score("tatoeba", ["3", "1"], [3, 2]).outcomes] == [1, 0]
    scored = score("xcopa", ["1", "0", "0", "1"], [1, 1, 0, 1], language="et")
    assert [o["correct"] for o in scored.outcomes] == [1, 0, 1, 1] and scored.scores == {"accuracy": 75.0}


def f1_of(p: float, r: float) -> float:
    return 2 * p * r / (p + r) * 100


@pytest.mark.parametrize("mode, counts, f1", [
    # seqeval 0.0.12: types SCONJ, CCONJ, X; "X X" is one chunk. Gold chunks (SCONJ 0-0) (CCONJ 1-1) (X 2-2) |
    # (X 4-5) (NOUN 6-6), predicted (SCONJ 0-0) (SCONJ 1-1) (X 2-2) | (X 4-4) (NOUN 5-6): 2 of 5 right.
    ("xtreme", [(2, 3, 3), (0, 2, 2)], f1_of(2 / 5, 2 / 5)),
    # seqeval 1.x: SCONJ and CCONJ are both type CONJ, X and the "O" between sentences both type "_", so a
    # chunk (_ 2-5) runs across the boundary: it is counted in sentence 1, where it starts. 1 of 4 right.
    ("seqeval", [(1, 3, 3), (0, 1, 1)], f1_of(1 / 4, 1 / 4)),
])
def test_tagging_outcomes_are_chunk_counts_per_sentence_in_either_mode(mode, counts, f1):
    gold = [["SCONJ", "CCONJ", "X"], ["X", "X", "NOUN"]]
    predicted = [["SCONJ", "SCONJ", "X"], ["X", "NOUN", "NOUN"]]
    scored = score("udpos", gold, predicted, tagging_mode=mode)
    assert [(o["tp"], o["n_pred"], o["n_gold"]) for o in scored.outcomes] == counts
    assert [(o["correct_tokens"], o["n_tokens"]) for o in scored.outcomes] == [(2, 3), (2, 3)]
    assert scored.scores["f1"] == f1 and scored.scores["token_accuracy"] == 4 / 6 * 100


def test_tagging_with_nothing_to_find_keeps_seqeval_0_0_12s_integer_zero():
    scored = score("panx", [["O", "O"]], [["O", "O"]], tagging_mode="xtreme")
    assert scored.scores == {"f1": 0, "precision": 0, "recall": 0, "token_accuracy": 100.0}
    assert all(type(v) is int for k, v in scored.scores.items() if k != "token_accuracy")
    seqeval = score("panx", [["O", "O"]], [["O", "O"]], tagging_mode="seqeval")
    assert all(type(v) is float for v in seqeval.scores.values())


def test_span_qa_outcomes_are_per_question_and_unanswered_scores_zero():
    gold = {"q1": ["the Paris"], "q2": ["Katze"], "q3": ["big red dog"]}
    scored = score("xquad", gold, {"q1": "Paris", "q3": "red dog", "qx": "zz"})
    assert [(o["id"], o["exact_match"], o["f1"]) for o in scored.outcomes] == [
        ("q1", 1, 1.0), ("q2", 0, 0), ("q3", 0, 2 * 1.0 * (2 / 3) / (1.0 + 2 / 3))]
    assert scored.scores == {"exact_match": 100.0 / 3, "f1": 100.0 * (1.0 + 0.8) / 3}
    assert (scored.unanswered, scored.unknown_ids) == (1, 1)


def test_the_answer_normalisation_is_the_declarations_not_the_task_name():
    assert (get_task("mlqa").answer_normalisation, get_task("xquad").answer_normalisation) == ("mlqa", "squad")
    gold = {"a": ["«der Hund»"]}
    assert score("mlqa", gold, {"a": "Hund"}).scores["exact_match"] == 100.0  # MLQA drops « » and "der"
    assert score("xquad", gold, {"a": "Hund"}).scores["exact_match"] == 0.0  # SQuAD keeps both
    segmented = score("xquad", {"a": ["北京大学"]}, {"a": "北京"}, language="zh", qa_mode="segmented")
    assert segmented.outcomes[0]["f1"] == 2 * 1.0 * 0.5 / 1.5


def test_bitext_outcomes_are_the_distinct_pairs_of_gold_and_prediction():
    gold = [("de-1", "en-1"), ("de-2", "en-2")]
    scored = score("bucc2018", gold, [("de-1", "en-1"), ("de-3", "en-3"), ("de-1", "en-1")])
    assert [(o["id"], o["gold"], o["predicted"]) for o in scored.outcomes] == [
        ("de-1\ten-1", 1, 1), ("de-2\ten-2", 1, 0), ("de-3\ten-3", 0, 1)]
    assert scored.scores == {"f1": 50.0, "precision": 50.0, "recall": 50.0}
    nothing = score("bucc2018", gold, [])
    assert nothing.scores == {"f1": 0, "precision": 0, "recall": 0}


def test_entity_retrieval_outcomes_are_reciprocal_ranks_in_the_top_20():
    gold = {"a": [" Q1 ", "Q9"], "b": ["Q2"], "c": ["Q3"], "d": ["Q4"], "e": ["Q5"]}
    predictions = {
        "a": ["Q9", "Q1"],  # the first gold (stripped) at rank 2; the second gold does not count
        "b": ["Q7", "Q7", "Q2"],  # a repeated wrong entity keeps its rank
        "d": [f"Q{100 + i}" for i in range(20)] + ["Q4"],  # rank 21: outside the top 20
        "e": ["Q5"] * 3,
        "zz": ["Q1"],  # not a gold query: ignored, counted
    }
    scored = score("mewslix", gold, predictions, language="de")
    assert [(o["id"], o["reciprocal_rank"]) for o in scored.outcomes] == [
        ("a", 0.5), ("b", 1.0 / 3), ("c", 0.0), ("d", 0.0), ("e", 1.0)]
    assert scored.scores == {"map@20": (0.5 + 1.0 / 3 + 0.0 + 0.0 + 1.0) / 5 * 100}
    assert (scored.unanswered, scored.unknown_ids) == (1, 1)


def test_answer_retrieval_outcomes_are_average_precisions_over_min_targets_20():
    targets = [f"t{i}" for i in range(22)]
    gold = {"q1": ["a", "b"], "q2": ["c"], "q3": targets}
    predictions = {"q1": ["a", "x", "a", "b"], "q2": [], "q3": targets}
    scored = score("lareqa", gold, predictions, language="en")
    # q1: hits at positions 1 and 4 (the repeated "a" takes a rank, scores nothing): (1/1 + 2/4) / 2
    # q3: 20 hits in the first 20 of 22 targets: the divisor is min(22, 20)
    assert [(o["id"], o["average_precision"]) for o in scored.outcomes] == [("q1", 0.75), ("q2", 0.0), ("q3", 1.0)]
    assert scored.scores == {"map@20": (0.75 + 0.0 + 1.0) / 3 * 100}


def test_pooled_task_score_is_over_every_question_not_a_mean_of_languages(tmp_path):
    from tests.sample_files import write

    pred, gold = tmp_path / "pred", tmp_path / "gold"
    write(gold, "lareqa/test-en.json", {"q1": ["a"]})
    write(pred, "lareqa/test-en.json", {"q1": ["a"]})
    write(gold, "lareqa/test-de.json", {"q1": ["a"], "q2": ["b"], "q3": ["c"]})
    write(pred, "lareqa/test-de.json", {"q1": ["x"]})
    scores = score_submission(pred, gold, benchmark="xtreme-r")
    assert scores["lareqa"]["map@20"] == {"de": 0.0, "en": 100.0}
    assert scores["lareqa"]["avg_map@20"] == scores["lareqa"]["avg_metric"] == 1.0 / 4 * 100  # not 50.0


def test_format_predictions_writes_what_the_readers_read(tmp_path):
    cases = {
        "xnli": ["entailment", "neutral"], "udpos": [["NOUN", "VERB"], ["X"]], "tatoeba": ["3", "0"],
        "bucc2018": [("de-1", "en-2")], "xquad": {"q1": "北京"}, "xcopa": ["1", "0"],
        "mewslix": {"m1": ["Q1", "Q2"]}, "lareqa": {"q1": ["en_1_0", "de_2_1"]},
    }
    for task, predictions in cases.items():
        spec = get_task(task)
        family = get_family(spec.family)
        path = tmp_path / spec.submission_file("de")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(family.format_predictions(spec, predictions), encoding="utf-8")
        read = family.read_predictions(spec, path, language="de")
        assert read == (list(predictions) if isinstance(predictions, list) and task != "bucc2018"
                        else predictions), task


def test_gold_labels_written_from_records_read_back_for_the_xtreme_r_families(tmp_path):
    from harness_tasks.records import (
        AnswerCandidates,
        AnswerRetrievalCorpus,
        EntityCandidates,
        EntityMention,
        EntityRetrievalCorpus,
        MultipleChoiceExample,
        RetrievalQuestion,
    )
    from harness_tasks.submission_writer import GOLD_OF, write_labels

    assert set(GOLD_OF) == set(FAMILY_NAMES)
    copa = [MultipleChoiceExample(str(i), "p", "cause", ("a", "b"), label, "et") for i, label in enumerate((1, 0))]
    mentions = tuple(EntityMention(m, "Ada Lovelace wrote.", 0, 12, ((0, 19),), qid, "de")
                     for m, qid in (("m1", "Q7259"), ("m2", "Q42")))
    entities = EntityRetrievalCorpus("de", "test", mentions, EntityCandidates(("Q7259", "Q42"), ("Ada", "Douglas")))
    pool = AnswerCandidates(("de_1_0", "en_1_0"), ("Satz.", "Sentence."), ("Satz.", "Sentence."), ("de", "en"))
    answers = AnswerRetrievalCorpus("test", ("de", "en"), (RetrievalQuestion("q1", "Wer?", "de"),), pool,
                                    {"q1": ("de_1_0", "en_1_0")}, language="de")
    for task, lang, records, gold in (("xcopa", "et", copa, ["1", "0"]),
                                      ("mewslix", "de", entities, {"m1": ["Q7259"], "m2": ["Q42"]}),
                                      ("lareqa", "de", answers, {"q1": ["de_1_0", "en_1_0"]})):
        spec = get_task(task)
        path = write_labels(tmp_path, task, lang, records)
        assert path == tmp_path / spec.submission_file(lang)
        assert get_family(spec.family).read_gold(spec, path, language=lang) == gold, task
    unlabelled = [MultipleChoiceExample("0", "p", "cause", ("a", "b"), None, "et")]
    with pytest.raises(ValueError, match="an example without a gold label: these records are unlabelled"):
        write_labels(tmp_path, "xcopa", "et", unlabelled)
