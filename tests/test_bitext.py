"""BUCC pair scoring: the reference arithmetic, its integer-0 case, and the golden mock scores."""

import json

import pytest

from tests.golden import require_golden

from evaluators.bitext import bitext_f1, bucc_f1, prf_from_counts, read_pair_lines



def test_exact_values():
    gold = [("s1", "t1"), ("s2", "t2"), ("s3", "t3")]
    pred = [("s1", "t1"), ("s2", "t9"), ("s3", "t3"), ("s4", "t4"), ("s3", "t3")]  # duplicate counts once
    s = bucc_f1(gold, pred)
    assert (s.n_correct, s.n_predicted, s.n_gold) == (2, 4, 3)
    p, r = 2 / 4, 2 / 3
    assert s.precision == p and s.recall == r
    assert s.f1 == 2 * p * r / (p + r)  # 0.5714285714285715, in the reference's operation order
    out = bitext_f1(gold, pred)
    assert list(out) == ["f1", "precision", "recall"]
    assert out == {"f1": (2 * p * r / (p + r)) * 100, "precision": 50.0, "recall": (2 / 3) * 100}
    # The order matters for the last bit: fraction first, then * 100.
    assert out["recall"] == 66.66666666666666 != 100 * 2 / 3


def test_no_correct_pair_gives_integer_zero():
    out = bitext_f1([("a", "b")], [("a", "c")])
    assert out == {"f1": 0, "precision": 0, "recall": 0}
    assert all(type(v) is int for v in out.values())
    assert prf_from_counts(0, 0, 0) == (0, 0, 0)  # nothing predicted, nothing gold: no division
    assert bitext_f1([], []) == {"f1": 0, "precision": 0, "recall": 0}


def test_perfect():
    assert bitext_f1([("a", "b")], [["a", "b"]]) == {"f1": 100.0, "precision": 100.0, "recall": 100.0}


def test_ids_are_compared_as_given():
    # Strings from files against ints from elsewhere do not match: the caller must use one type.
    assert bucc_f1([("1", "2")], [(1, 2)]).n_correct == 0


def test_read_pair_lines_like_reference():
    lines = ["de-1\ten-2\n", "de-3\ten-4  \n", "\n"]
    assert read_pair_lines(lines) == {("de-1", "en-2"), ("de-3", "en-4"), ("",)}


@pytest.mark.parametrize("lang", ["de", "fr", "ru", "zh"])
def test_golden_mock_scores(lang):
    GOLDEN = require_golden()  # $XTREME_GOLDEN or ../shared/golden; a failure in CI when missing
    expected = json.loads((GOLDEN / "expected.seqeval-0.0.12.json").read_text())["bucc2018"]
    gold = read_pair_lines((GOLDEN / "labels/bucc2018" / f"test-{lang}.tsv").open())
    pred = read_pair_lines((GOLDEN / "predictions/bucc2018" / f"test-{lang}.tsv").open())
    out = bitext_f1(gold, pred)
    for metric in ("f1", "precision", "recall"):
        assert out[metric] == expected[metric][lang]
