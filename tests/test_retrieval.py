"""Retrieval primitives and BUCC mining: hand-computed cases, a brute-force reference, threshold rules."""

import json
import math

import numpy as np
import pytest

from tests.golden import require_golden

from evaluators.bitext import bucc_f1
from evaluators.mining import (
    MinedPairs,
    apply_threshold,
    fit_threshold,
    greedy_one_to_one,
    mine_bitext,
    pairs_to_ids,
    unique_texts,
)
from tests.reference_mining import brute_force_mine
from evaluators.retrieval import (
    knn_inner_product,
    l2_normalize,
    ratio_margin_scores,
    tatoeba_top1,
    top1_accuracy,
)


# ---------------------------------------------------------------- normalisation and k-NN


def test_l2_normalize_unit_rows_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1e-30, 0.0]], dtype=np.float32)
    y = l2_normalize(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]], atol=1e-7)
    assert not np.isnan(y).any()
    assert x[0, 0] == 3.0  # input untouched


def test_knn_best_first_ties_by_index_and_clamped_k():
    keys = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.5, 0.5]], dtype=np.float32)
    q = np.array([[1.0, 0.0]], dtype=np.float32)
    scores, idx = knn_inner_product(q, keys, 10)  # 10 > 4 keys: clamped
    assert scores.shape == idx.shape == (1, 4)
    assert idx.tolist() == [[1, 2, 3, 0]]  # keys 1 and 2 tie at 1.0: lower index first
    np.testing.assert_allclose(scores, [[1.0, 1.0, 0.5, 0.0]])


# ---------------------------------------------------------------- hand-computed 3 x 3 mining

# Unit vectors. Cosine matrix C[i, j] = cos(x_i, y_j):
#        y0    y1    y2
#   x0  1.00  0.80  0.00
#   x1  0.00  0.60  1.00
#   x2  0.60  0.96  0.80
X3 = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
Y3 = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
# k = 2. Row means of the 2 best:    x0 (1+.8)/2=.90  x1 (1+.6)/2=.80  x2 (.96+.8)/2=.88
# Column means of the 2 best:        y0 (1+.6)/2=.80  y1 (.96+.8)/2=.88  y2 (1+.8)/2=.90
# Margins of the k-NN candidates, C / ((row mean + col mean) / 2):
#   x0-y0 1/.85=1.176471  x0-y1 .8/.89=0.898876
#   x1-y2 1/.85=1.176471  x1-y1 .6/.84=0.714286
#   x2-y1 .96/.88=1.090909 x2-y2 .8/.89=0.898876
#   (backwards also x2-y0 .6/.84=0.714286; the best per target are y0-x0, y1-x2, y2-x1)
# x0-y0 and x1-y2 tie exactly: the tie-break (src, tgt) puts (0, 0) first.


def test_hand_computed_margins():
    src = np.array([0, 0, 1, 1, 2, 2, 2])
    tgt = np.array([0, 1, 2, 1, 1, 2, 0])
    expected = [1 / 0.85, 0.8 / 0.89, 1 / 0.85, 0.6 / 0.84, 0.96 / 0.88, 0.8 / 0.89, 0.6 / 0.84]
    np.testing.assert_allclose(ratio_margin_scores(X3, Y3, src, tgt, k=2), expected, rtol=0, atol=1e-6)


def test_hand_computed_mining():
    mined = mine_bitext(X3, Y3, k=2)
    assert mined.src.tolist() == [0, 1, 2]
    assert mined.tgt.tolist() == [0, 2, 1]
    np.testing.assert_allclose(mined.score, [1 / 0.85, 1 / 0.85, 0.96 / 0.88], rtol=0, atol=1e-6)
    # k=4 > 3 sentences: clamped to 3, every mean is over the whole row/column.
    assert len(mine_bitext(X3, Y3, k=4)) == 3


def test_greedy_one_to_one_conflicts_and_ties():
    # (src, tgt, score): src 0 is the best for two targets; a tie between (2, 3) and (1, 3).
    src = [0, 0, 1, 2, 1, 0, 4, 5]
    tgt = [0, 1, 3, 3, 1, 0, 6, 2]
    score = [0.9, 0.95, 0.5, 0.5, 0.4, 0.9, 0.3, 0.3]
    m = greedy_one_to_one(src, tgt, score)
    # 0-1 (0.95) first; 0-0 blocked (src 0 used); tie at 0.5: (1, 3) before (2, 3); 1-1 blocked;
    # tie at 0.3 between compatible pairs: ordered by src first, so (4, 6) before (5, 2).
    assert m.as_tuples() == [(0, 1, 0.95), (1, 3, 0.5), (4, 6, 0.3), (5, 2, 0.3)]


def test_empty_sides():
    assert len(mine_bitext(np.zeros((0, 4)), np.ones((3, 4)))) == 0
    assert len(mine_bitext(np.ones((3, 4)), np.zeros((0, 4)))) == 0


# ---------------------------------------------------------------- brute force vs faiss


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_faiss_path_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_src, n_tgt = (200, 200) if seed % 2 == 0 else (200, 150)
    src = rng.normal(size=(n_src, 16)).astype(np.float32)
    tgt = rng.normal(size=(n_tgt, 16)).astype(np.float32)
    tgt[: n_tgt // 2] = src[: n_tgt // 2] + 0.3 * rng.normal(size=(n_tgt // 2, 16)).astype(np.float32)
    expected = brute_force_mine(src, tgt, k=4)
    mined = mine_bitext(src, tgt, k=4)
    assert list(zip(mined.src.tolist(), mined.tgt.tolist())) == [(i, j) for i, j, _ in expected]
    np.testing.assert_allclose(mined.score, [s for _, _, s in expected], rtol=0, atol=1e-5)
    # The pair scorer agrees with the scores mining attached.
    np.testing.assert_allclose(ratio_margin_scores(src, tgt, mined.src, mined.tgt), mined.score, atol=1e-5)


# ---------------------------------------------------------------- threshold fitting


def test_midpoint_rule():
    gold = [("a", "A"), ("b", "B"), ("c", "C")]
    cands = [("a", "A", 0.9), ("b", "B", 0.8), ("x", "X", 0.7), ("y", "Y", 0.6)]
    fit = fit_threshold(cands, gold)
    # F1 after 1, 2, 3, 4 candidates: .5, .8, .667 (2/3 * 2/3), .571: best after "b".
    assert fit.threshold == (0.8 + 0.7) / 2
    assert (fit.n_predicted, fit.n_correct, fit.n_gold) == (2, 2, 3)
    assert fit.precision == 1.0 and fit.recall == 2 / 3 and fit.f1 == 2 * 1.0 * (2 / 3) / (1.0 + 2 / 3)


def test_best_is_lowest_candidate():
    gold = [("a", "A"), ("b", "B"), ("c", "C")]
    cands = [("a", "A", 0.9), ("b", "B", 0.8), ("x", "X", 0.7), ("c", "C", 0.6)]
    fit = fit_threshold(cands, gold)  # F1 .5, .8, .667, .857: everything; no lower score to average with
    assert fit.threshold == 0.6 and fit.n_predicted == 4
    assert len(apply_threshold(cands, fit.threshold)) == 4


def test_ties_are_taken_together():
    gold = [("a", "A"), ("b", "B")]
    cands = [("a", "A", 0.9), ("b", "B", 0.8), ("x", "X", 0.8), ("y", "Y", 0.5)]
    fit = fit_threshold(cands, gold)
    # A one-at-a-time scan would claim F1 = 1 after "b" with threshold 0.8, which also admits "x".
    # Boundaries: after a: P 1 R .5 F1 .667; after {b, x}: P 2/3 R 1 F1 .8; after y: P .5 R 1 F1 .667.
    assert fit.threshold == (0.8 + 0.5) / 2
    assert fit.f1 == 2 * (2 / 3) * 1.0 / ((2 / 3) + 1.0) and fit.n_predicted == 3
    s = bucc_f1(gold, apply_threshold(cands, fit.threshold))
    assert (s.precision, s.recall, s.f1) == (fit.precision, fit.recall, fit.f1)


def test_equal_f1_keeps_the_higher_threshold():
    gold = [("a", "A"), ("b", "B")]
    cands = [("a", "A", 0.9), ("x", "X", 0.8), ("y", "Y", 0.7), ("b", "B", 0.6)]
    # F1 after a: 2*1*.5/1.5 = 2/3; after x: .5; after y: .4; after b: 2*.5*1/1.5 = 2/3 (the same float).
    fit = fit_threshold(cands, gold)
    assert fit.threshold == (0.9 + 0.8) / 2 and fit.n_predicted == 1


def test_no_correct_candidate_and_no_candidates():
    for cands, gold in [([("x", "X", 0.9)], [("a", "A")]), ([], [("a", "A")]), ([("a", "A", 0.9)], [])]:
        fit = fit_threshold(cands, gold)
        assert fit.threshold == math.inf
        assert (fit.precision, fit.recall, fit.f1, fit.n_predicted) == (0, 0, 0, 0)
        assert apply_threshold(cands, fit.threshold) == []


def test_adjacent_float_scores_midpoint_guard():
    # (1.0 + next float above 1.0) / 2 rounds (to even) onto 1.0, the lower score.
    hi = float(np.nextafter(1.0, 2.0))
    assert (hi + 1.0) / 2 == 1.0
    cands = [("a", "A", hi), ("x", "X", 1.0)]
    fit = fit_threshold(cands, [("a", "A")])
    assert fit.threshold == hi
    assert apply_threshold(cands, fit.threshold) == [("a", "A")]


def test_duplicate_candidate_keeps_max_score():
    cands = [("a", "A", 0.9), ("x", "X", 0.5), ("a", "A", 0.2)]
    fit = fit_threshold(cands, [("a", "A")])
    assert fit.threshold == (0.9 + 0.5) / 2 and fit.f1 == 1.0
    assert apply_threshold(cands, fit.threshold) == [("a", "A")]


def test_nan_scores_rejected():
    with pytest.raises(ValueError):
        fit_threshold([("a", "A", float("nan"))], [("a", "A")])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_applying_fitted_threshold_reproduces_dev_f1(seed):
    rng = np.random.default_rng(seed)
    n = 300
    # Coarse scores so that many ties exist; gold = a random half plus some pairs never mined.
    scores = np.round(rng.uniform(size=n), 2)
    cands = [(f"s{i}", f"t{i}", float(s)) for i, s in enumerate(scores)]
    gold = [(f"s{i}", f"t{i}") for i in range(n) if rng.uniform() < scores[i]] + [("s-x", "t-x")] * 5
    fit = fit_threshold(cands, gold)
    s = bucc_f1(gold, apply_threshold(cands, fit.threshold))
    assert (s.precision, s.recall, s.f1, s.n_predicted) == (fit.precision, fit.recall, fit.f1, fit.n_predicted)
    # And it is the maximum over every distinct threshold.
    best = max(bucc_f1(gold, apply_threshold(cands, t)).f1 for t in set(scores.tolist()))
    assert fit.f1 == best


# ---------------------------------------------------------------- duplicates


def test_duplicate_policies():
    src = unique_texts(["s1", "s2", "s3", "s4"], ["A", "B", "A", "C"])
    tgt = unique_texts(["t1", "t2", "t3", "t4", "t5"], ["a", "b", "a", "c", "c"])
    assert src.texts == ["A", "B", "C"] and src.ids == [("s1", "s3"), ("s2",), ("s4",)]
    assert src.inverse.tolist() == [0, 1, 0, 2]
    assert tgt.texts == ["a", "b", "c"] and tgt.ids == [("t1", "t3"), ("t2",), ("t4", "t5")]
    # A-a: both sides repeated; B-b: neither; C-c: only the target repeated.
    mined = MinedPairs(np.array([0, 1, 2]), np.array([0, 1, 2]), np.array([0.9, 0.8, 0.7]))
    assert pairs_to_ids(mined, src, tgt, "expand") == [
        ("s1", "t1", 0.9), ("s1", "t3", 0.9), ("s3", "t1", 0.9), ("s3", "t3", 0.9), ("s2", "t2", 0.8),
        ("s4", "t4", 0.7), ("s4", "t5", 0.7)]
    assert pairs_to_ids(mined, src, tgt, "drop") == [("s2", "t2", 0.8)]
    assert pairs_to_ids(mined, src, tgt, "first") == [("s1", "t1", 0.9), ("s2", "t2", 0.8), ("s4", "t4", 0.7)]
    with pytest.raises(ValueError):
        pairs_to_ids(mined, src, tgt, "keep")


def test_duplicates_end_to_end_embed_once():
    # Sentence "A" twice on the source side: embedded once, mined once, expanded or dropped afterwards.
    emb = {"A": [1.0, 0.0, 0.0], "B": [0.0, 1.0, 0.0], "a": [0.9, 0.1, 0.0], "b": [0.1, 0.9, 0.0]}
    src = unique_texts(["s1", "s2", "s3"], ["A", "B", "A"])
    tgt = unique_texts(["t1", "t2"], ["a", "b"])
    mined = mine_bitext(np.array([emb[t] for t in src.texts]), np.array([emb[t] for t in tgt.texts]))
    assert len(src.texts) == 2 and mined.src.tolist() == [0, 1] and mined.tgt.tolist() == [0, 1]
    assert [p[:2] for p in pairs_to_ids(mined, src, tgt, "expand")] == [("s1", "t1"), ("s3", "t1"), ("s2", "t2")]
    assert [p[:2] for p in pairs_to_ids(mined, src, tgt, "drop")] == [("s2", "t2")]


# ---------------------------------------------------------------- Tatoeba


def test_tatoeba_top1_known_answer():
    keys = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, -1.0], [5.0, 5.0]], dtype=np.float32)
    queries = np.array([[0.1, 3.0], [2.0, 1.9], [-0.5, -0.4], [3.0, 0.0]], dtype=np.float32)
    # Cosine, not raw inner product: [5, 5] would win every positive query by dot product.
    assert tatoeba_top1(queries, keys).tolist() == [1, 3, 2, 0]


def test_top1_accuracy_reference_order():
    assert top1_accuracy([0, 1, 2], [0, 5, 7]) == 1 / 3 * 100 == 33.33333333333333
    assert top1_accuracy([0, 1, 2], [0, 5, 7]) != 100 * 1 / 3
    with pytest.raises(ValueError):
        top1_accuracy([0, 1], [0])


def test_top1_accuracy_golden_mock():
    GOLDEN = require_golden()  # $XTREME_GOLDEN or ../shared/golden; a failure in CI when missing
    expected = json.loads((GOLDEN / "expected.seqeval-0.0.12.json").read_text())["tatoeba"]["accuracy"]
    for lang, value in expected.items():
        gold = [line.strip() for line in (GOLDEN / "labels/tatoeba" / f"test-{lang}.tsv").open()]
        pred = [line.strip() for line in (GOLDEN / "predictions/tatoeba" / f"test-{lang}.tsv").open()]
        assert top1_accuracy(gold, pred) == value, lang
