"""SQuAD v1.1, MLQA and the segmented QA mode on hand-checked cases."""

import pytest

from evaluators.mlqa import mlqa_scores, normalize_answer as mlqa_normalize
from evaluators.qa import token_f1
from evaluators.segmented_qa import segment, segmented_qa_scores
from evaluators.squad import normalize_answer as squad_normalize, squad_scores


def test_squad_normalisation_drops_ascii_punctuation_and_english_articles():
    assert squad_normalize("The  Eiffel Tower!") == "eiffel tower"
    # Punctuation goes first, so a hyphenated word fuses rather than splits.
    assert squad_normalize("Jean-Paul") == "jeanpaul"
    # Non-ASCII punctuation is kept: the official v1.1 script only knows string.punctuation.
    assert squad_normalize("«Paris»") == "«paris»"
    assert squad_normalize("theatre an") == "theatre"


def test_squad_scores_take_the_best_gold_and_zero_for_unanswered():
    answers = {"q1": ["the cat sat", "a dog"], "q2": ["Paris"], "q3": ["1999"]}
    predictions = {"q1": "cat", "q2": "paris."}  # q3 unanswered
    scores = squad_scores(answers, predictions)
    # q1: F1 vs "cat sat" = 2 * 1 * 0.5 / 1.5 = 2/3, EM 0; q2: EM 1, F1 1; q3: 0.
    assert scores["exact_match"] == pytest.approx(100 / 3, abs=1e-12)
    assert scores["f1"] == pytest.approx(100 * (2 / 3 + 1) / 3, abs=1e-12)


def test_token_f1_is_a_bag_overlap():
    assert token_f1(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(2 / 3)
    assert token_f1(["x"], ["y"]) == 0


def test_mlqa_arabic_deletes_al_everywhere():
    assert mlqa_normalize("الكتاب", "ar") == "كتاب"
    # The known bug, kept: "ال" inside a word is removed too (مالك = m-a-l-k becomes "م ك").
    assert mlqa_normalize("مالك", "ar") == "م ك"
    s = mlqa_scores({"q": ["الكتاب الكبير"]}, {"q": "كتاب كبير"}, "ar")
    assert s == {"exact_match": 100.0, "f1": 100.0}


def test_mlqa_chinese_splits_every_ideograph():
    assert mlqa_normalize("北京大学，2008年", "zh") == "北 京 大 学 2008 年"
    s = mlqa_scores({"q": ["北京"]}, {"q": "北京大学"}, "zh")
    # 2 of 4 predicted characters in a 2-character gold: P 1/2, R 1, F1 2/3.
    assert s["exact_match"] == 0.0
    assert s["f1"] == pytest.approx(200 / 3, abs=1e-12)


def test_mlqa_languages_and_unicode_punctuation():
    assert mlqa_normalize("«Der Hund» und die Katze", "de") == "hund und katze"
    assert mlqa_normalize("Los perros, el gato", "es") == "perros gato"
    assert mlqa_normalize("cái bàn của tôi", "vi") == "bàn tôi"
    assert mlqa_normalize("the दिल्ली।", "hi") == "the दिल्ली"  # no Hindi articles; danda is punctuation
    with pytest.raises(ValueError, match="no rules for language 'fr'"):
        mlqa_scores({"q": ["a"]}, {"q": "a"}, "fr")


def test_gold_question_without_answers_is_an_error():
    with pytest.raises(ValueError, match="has no answers"):
        squad_scores({"q": []}, {"q": "x"})


def test_segmented_mode_splits_zh_with_sacrebleu_and_th_ja_by_character():
    assert segment("北京大学 2008", "zh") == "北 京 大 学 2008"
    assert segment("ภาษา", "th") == "ภ า ษ า"
    assert segment("東京です", "ja") == "東 京 で す"
    assert segment("The cat", "en") == "cat"
    official = squad_scores({"q": ["北京"]}, {"q": "北京大学"})
    segmented = segmented_qa_scores({"q": ["北京"]}, {"q": "北京大学"}, "zh")
    assert official["f1"] == 0.0
    assert segmented["f1"] == pytest.approx(200 / 3, abs=1e-12)
