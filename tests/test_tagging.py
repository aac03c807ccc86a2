"""Tagging F1 in both chunking modes, on hand-checked cases."""

import pytest
from seqeval.metrics import f1_score

from evaluators.tagging import TagCountMismatch, chunks_xtreme, tagging_scores, token_accuracy


def test_runs_of_the_same_upos_tag_merge_into_one_chunk():
    assert chunks_xtreme([["NOUN", "NOUN", "VERB"]]) == {("NOUN", 0, 1), ("VERB", 2, 2)}
    # One wrong tag in the middle breaks both chunks: F1 0 although 2 of 3 tokens are right.
    scores = tagging_scores([["NOUN", "NOUN", "VERB"]], [["NOUN", "VERB", "VERB"]])
    assert scores == {"f1": 0, "precision": 0.0, "recall": 0.0, "token_accuracy": pytest.approx(200 / 3)}


def test_upos_first_letter_acts_as_chunk_prefix():
    # INTJ: prefix I, type INTJ. SCONJ and SYM: prefix S, so every token is a chunk of its own.
    assert chunks_xtreme([["INTJ", "INTJ"]]) == {("INTJ", 0, 1)}
    assert chunks_xtreme([["SCONJ", "SCONJ"]]) == {("SCONJ", 0, 0), ("SCONJ", 1, 1)}
    assert chunks_xtreme([["SYM", "PUNCT"]]) == {("SYM", 0, 0), ("PUNCT", 1, 1)}


def test_chunks_never_cross_sentences():
    assert chunks_xtreme([["NOUN"], ["NOUN"]]) == {("NOUN", 0, 0), ("NOUN", 2, 2)}


def test_invalid_iob_transitions_follow_seqeval():
    gold = [["B-PER", "I-PER", "O"]]
    # I- after O opens a chunk, so a missing B- costs nothing ...
    assert tagging_scores(gold, [["I-PER", "I-PER", "O"]])["f1"] == 100.0
    # ... but a type change inside a chunk splits it in two, neither correct.
    s = tagging_scores(gold, [["B-PER", "I-LOC", "O"]])
    assert (s["precision"], s["recall"], s["f1"]) == (0.0, 0.0, 0)
    # One of two gold entities found, one spurious: P = 1/2, R = 1/2.
    s = tagging_scores([["B-PER", "O", "B-LOC"]], [["B-PER", "B-ORG", "O"]])
    assert (s["precision"], s["recall"], s["f1"]) == (50.0, 50.0, 50.0)
    assert s["token_accuracy"] == pytest.approx(100 / 3)


@pytest.mark.filterwarnings("ignore:F-score is ill-defined", "ignore:X seems not to be NE tag")
def test_the_two_modes_differ_on_x_x():
    # seqeval 1.x gives X and O the same type "_", so the X chunk never closes and nothing matches.
    gold = pred = [["X", "X"]]
    assert tagging_scores(gold, pred, "xtreme")["f1"] == 100.0
    assert tagging_scores(gold, pred, "seqeval")["f1"] == 0.0
    assert f1_score(gold, pred) == 0.0  # the installed seqeval agrees: the mode is seqeval as it is


def test_seqeval_mode_is_the_installed_seqeval():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG"]]
    pred = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "I-ORG"]]
    assert tagging_scores(gold, pred, "seqeval")["f1"] == pytest.approx(f1_score(gold, pred) * 100, abs=1e-12)


def test_tag_count_mismatch_is_refused():
    with pytest.raises(TagCountMismatch) as err:
        tagging_scores([["NOUN", "VERB"], ["NOUN"]], [["NOUN", "VERB"], ["NOUN", "NOUN"]])
    assert err.value.sentence_index == 1 and (err.value.n_gold, err.value.n_predicted) == (1, 2)
    with pytest.raises(ValueError, match="2 predicted sentences for 1 gold"):
        token_accuracy([["NOUN"]], [["NOUN"], ["NOUN"]])


def test_unknown_mode():
    with pytest.raises(ValueError, match="unknown tagging mode"):
        tagging_scores([["O"]], [["O"]], mode="conll")
