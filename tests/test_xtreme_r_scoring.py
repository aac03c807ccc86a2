"""`score-submission --benchmark xtreme-r` gives the reference scorer's numbers on held-out cases, key for key.

The cases (tests/fixtures/xtreme_r_cases, see its README) were scored by google-research/xtreme's own
evaluate.py --xtreme_version xtreme-r under seqeval 0.0.12 and 1.2.2, and LAReQA by its utils_lareqa, none of
which this repository contains or imports. Then: the XTREME-R specifics beyond the reference (our overall
score, LAReQA, never a silent fallback), and named errors for every malformed XTREME-R file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evaluators.benchmarks import XTREME_R
from evaluators.errors import InputFileError
from evaluators.submission import score_submission
from harness_tasks.cli import main
from tests.golden import assert_matches_expected, require_golden
from tests.sample_files import write

CASES = Path(__file__).resolve().parent / "fixtures" / "xtreme_r_cases"
MODES = [("xtreme", "expected.seqeval-0.0.12.json"), ("seqeval", "expected.seqeval-1.2.2.json")]
# The paper's overall score (the mean of its four category means, LAReQA in retrieval) for the cases, as
# the research note on the reference derives it from the reference's numbers (not a reference output).
PAPER_OVERALL = {("case1", "seqeval"): 52.50673203763314, ("case1", "xtreme"): 52.59450462147341,
                 ("case2", "seqeval"): 52.81408202258965, ("case2", "xtreme"): 52.79738596590539}


def scored(case: str, mode: str) -> dict:
    root = CASES / case
    return score_submission(root / "predictions", root / "labels", mode, benchmark="xtreme-r")


@pytest.mark.parametrize("case", ["case1", "case2"])
@pytest.mark.parametrize("mode, expected_name", MODES)
def test_held_out_cases_equal_the_reference_key_for_key(case, mode, expected_name):
    expected = json.loads((CASES / case / expected_name).read_text())
    scores = scored(case, mode)
    assert assert_matches_expected(CASES / case / expected_name, scores) == 422
    # Key for key: the reference's keys in its order, plus LAReQA (which it cannot score from files) and
    # our overall score and categories, which it never computes.
    ours = [key for key in scores if key not in ("meta", "overall", "categories", "lareqa")]
    assert ours[:5] == list(expected)[:5]  # the groups, in the reference's order
    assert sorted(ours) == sorted(expected)
    assert [k for k in scores if k in expected and isinstance(scores[k], dict)] == [
        k for k in expected if isinstance(expected[k], dict)]  # the tasks, in the reference's order
    for task, entry in expected.items():
        if isinstance(entry, dict):
            # Token accuracy is ours, beside the reference's tagging metrics.
            assert [key for key in scores[task] if "token_accuracy" not in key] == list(entry), task
            for metric, values in entry.items():
                if isinstance(values, dict):
                    assert list(scores[task][metric]) == list(values), (task, metric)
    assert scores["meta"]["benchmark"] == "xtreme-r" and scores["meta"]["tagging_mode"] == mode


@pytest.mark.parametrize("case", ["case1", "case2"])
def test_lareqa_equals_utils_lareqa_pooled_over_every_question(case):
    expected = json.loads((CASES / case / "expected.lareqa.json").read_text())
    root = CASES / case
    scores, outcomes = score_submission(root / "predictions", root / "labels", benchmark="xtreme-r",
                                        tasks=["lareqa"], outcomes=True)
    lareqa = scores["lareqa"]
    assert math.isclose(lareqa["avg_map@20"], 100 * expected["map@20"], rel_tol=0, abs_tol=1e-9)
    assert lareqa["avg_metric"] == lareqa["avg_map@20"]
    assert list(lareqa["map@20"]) == list(XTREME_R.languages("lareqa"))
    for lang, value in expected["map@20_per_language"].items():
        assert math.isclose(lareqa["map@20"][lang], 100 * value, rel_tol=0, abs_tol=1e-9), lang
    for lang, per_question in expected["ap@20"].items():
        ours = {o["id"]: o["average_precision"] for o in outcomes["lareqa"][lang]}
        assert ours.keys() == per_question.keys()
        for qid, ap in per_question.items():
            assert math.isclose(ours[qid], ap, rel_tol=0, abs_tol=1e-12), (lang, qid)


@pytest.mark.parametrize("case", ["case1", "case2"])
@pytest.mark.parametrize("mode", ["xtreme", "seqeval"])
def test_our_overall_score_is_the_papers_mean_of_four_categories(case, mode):
    scores = scored(case, mode)
    categories = scores["categories"]
    assert list(categories) == ["classification", "structured prediction", "qa", "retrieval"]
    assert categories["retrieval"] == (scores["mewslix"]["avg_metric"] + scores["lareqa"]["avg_metric"]
                                       + scores["tatoeba"]["avg_metric"]) / 3
    assert categories["structured prediction"] == scores["tagging"]  # same tasks as the reference's group
    assert scores["overall"] == sum(categories.values()) / 4
    assert math.isclose(scores["overall"], PAPER_OVERALL[case, mode], rel_tol=0, abs_tol=1e-9)
    assert "all_task" not in scores and scores["meta"]["xtreme_score"] is True


def test_mewsli_x_of_the_golden_mock_equals_the_references_own_test():
    golden = require_golden()
    scores = score_submission(golden / "predictions", golden / "labels", benchmark="xtreme-r", tasks=["mewslix"])
    assert scores["mewslix"]["avg_map@20"] == pytest.approx(14.39025156130419, abs=1e-9)
    assert scores["mewslix"]["map@20"]["de"] == 50.0 and scores["meta"]["complete_tasks"] == ["mewslix"]


def test_through_the_command_line(tmp_path, capsys):
    out = tmp_path / "scores.json"
    root = CASES / "case1"
    assert main(["score-submission", str(root / "predictions"), str(root / "labels"), "--benchmark", "xtreme-r",
                 "--tagging-mode", "seqeval", "--json", str(out)]) == 0
    assert_matches_expected(root / "expected.seqeval-1.2.2.json", json.loads(out.read_text()))
    printed = capsys.readouterr().out
    assert "\nXTREME-R                          mean of 4 categories   52.51" in printed
    assert "(note on the XTREME-R score: the reference scorer gives no XTREME-R overall score" in printed
    assert "\nlareqa                                          mAP@20   14.37  11/11" in printed


def test_an_xtreme_r_submission_scored_as_xtreme_says_what_it_left_out(capsys):
    root = CASES / "case1"
    assert main(["score-submission", str(root / "predictions"), str(root / "labels")]) == 0
    out = capsys.readouterr().out
    assert ("\nfolders not scored (not XTREME tasks): lareqa, mewslix, xcopa (score XTREME-R's with --benchmark "
            "xtreme-r)\n") in out
    assert ("\ngold files not scored (languages XTREME does not score for the task): panx az gu lt pa pl qu ro uk; "
            "udpos lt pl ro uk wo; tatoeba az lt pl ro uk; xquad ro (score XTREME-R's with --benchmark xtreme-r)\n"
            ) in out


def test_a_task_of_the_other_benchmark_is_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match=r"^pawsx: not a task of XTREME-R \(its tasks: xnli, panx, "):
        score_submission(CASES / "case1" / "predictions", CASES / "case1" / "labels", benchmark="xtreme-r",
                         tasks=["pawsx"])
    code = main(["score-submission", str(CASES / "case1" / "predictions"), str(CASES / "case1" / "labels"),
                 "--benchmark", "xtreme-r", "--tasks", "pawsx"])
    assert code == 2
    assert capsys.readouterr().err.startswith(
        "error: task 'pawsx' in --tasks is not a task of XTREME-R (it is one of XTREME)\nvalid in --tasks: xtreme-r, ")


# ------------------------------------------------------------------------------- malformed XTREME-R files
XCOPA_GOLD = ('{"premise": "p", "choice1": "a", "choice2": "b", "question": "cause", "idx": 0, "label": 1}\n'
              '{"premise": "q", "choice1": "c", "choice2": "d", "question": "effect", "idx": 1, "label": 0}\n')
JSONL = 'one JSON object a line holding the index of the chosen answer, e.g. {"label": 1}'


def one(tmp_path, task, lang, prediction, gold):
    ext = "jsonl" if task == "xcopa" else "json"
    pred_path = write(tmp_path / "pred", f"{task}/test-{lang}.{ext}", prediction)
    gold_path = write(tmp_path / "gold", f"{task}/test-{lang}.{ext}", gold)

    def run():
        return score_submission(tmp_path / "pred", tmp_path / "gold", benchmark="xtreme-r", tasks=[task],
                                languages=[lang])
    return run, pred_path, gold_path


def refused(run) -> str:
    with pytest.raises(InputFileError) as err:
        run()
    return str(err.value)


def test_valid_xcopa_files_score(tmp_path):
    run, _, _ = one(tmp_path, "xcopa", "et", '{"label": 1}\n{"label": 1.0}\n', XCOPA_GOLD)
    assert run()["xcopa"]["accuracy"] == {"et": 50.0}  # 1.0 is 1, as for the reference


@pytest.mark.parametrize("prediction, line, problem", [
    ('{"label": 1}\n\n{"label": 0}\n', 2, ("blank line: every line must hold one JSON value (the reference scorer "
                                          f"fails on a blank one); expected {JSONL}")),
    ('{"label": 1}\n{"label": 0}\n\n', 3, ("blank line: every line must hold one JSON value (the reference scorer "
                                          f"fails on a blank one); expected {JSONL}")),
    ('{"label": 1}\n[0]\n', 2, f"found a JSON list; expected {JSONL}"),
    ('{"label": 1}\n{"lable": 0}\n', 2, f'no "label" key; expected {JSONL}'),
    ('{"label": 1}\n{"label": "0"}\n', 2, ('label is a JSON str ("0"); expected the index of the chosen answer as '
                                          "a JSON integer (0, 1)")),
    ('{"label": 1}\n{"label": true}\n', 2, ("label is a JSON bool (true); expected the index of the chosen answer "
                                           "as a JSON integer (0, 1)")),
    ('{"label": 1}\n{"label": 2}\n', 2, ("label '2' is not one of xcopa's labels (0, 1); expected the index of the "
                                        "chosen answer")),
    ('{"label": 1}\n{"label": 0,\n', 2, ("not valid JSON (Expecting property name enclosed in double quotes); "
                                        f"expected {JSONL}")),
    ('{"label": 1}\n{"label": 0, "label": 1}\n', 2, ("key 'label' appears twice in one JSON object (a JSON reader "
                                                    f"keeps only the last, silently dropping the first); expected {JSONL}")),
])
def test_malformed_xcopa_predictions_are_named_with_their_line(tmp_path, prediction, line, problem):
    run, pred_path, _ = one(tmp_path, "xcopa", "et", prediction, XCOPA_GOLD)
    assert refused(run) == f"{pred_path}:{line}: {problem}"


def test_xcopa_line_counts_and_gold_labels_are_checked(tmp_path):
    run, pred_path, gold_path = one(tmp_path, "xcopa", "et", '{"label": 1}\n', XCOPA_GOLD)
    assert refused(run) == f"{pred_path}:2: 1 lines, but {gold_path} has 2: one prediction per gold line, in gold order"
    run, _, gold_path = one(tmp_path, "xcopa", "et", '{"label": 1}\n{"label": 0}\n', '{"label": 1}\n{"idx": 1}\n')
    assert refused(run) == f'{gold_path}:2: no "label" key; expected {JSONL}'


MEWSLIX = "a JSON object mapping mention ids to lists of entity ids"


@pytest.mark.parametrize("side, content, line, problem", [
    ("pred", [["Q1"]], 1, f"found a JSON list; expected {MEWSLIX}, best first"),
    ("pred", {"data": {"m1": ["Q1"]}}, 2, ("a top-level \"data\" key: the reference scorer would read its value as "
                                          f"the whole file; expected {MEWSLIX}, best first")),
    ("pred", {"m1": "Q1"}, 2, "'m1' maps to a JSON str; expected a list of entity ids"),
    ("pred", {"m1": ["Q1", 7]}, 2, "'m1': a JSON int is not an entity id; expected non-blank strings"),
    ("pred", {"m1": [" Q1"]}, 2, ("'m1': entity id ' Q1' has white space around it; ids are compared as written, "
                                 "so it would never match 'Q1'")),
    ("gold", {"m1": "Q1"}, 2, "'m1' maps to a JSON str; expected a list of entity ids, even for one"),
    ("gold", {"m1": []}, 2, "gold 'm1' has an empty list; every gold entry needs at least one entity id"),
    ("gold", {}, None, (f"holds no entries: gold labels need at least one; expected {MEWSLIX} (the gold entity id "
                       "first)")),
])
def test_malformed_mewsli_x_files_are_named(tmp_path, side, content, line, problem):
    valid = {"m1": ["Q1"]}
    run, pred_path, gold_path = one(tmp_path, "mewslix", "de", content if side == "pred" else valid,
                                    content if side == "gold" else valid)
    path = pred_path if side == "pred" else gold_path
    assert refused(run) == (f"{path}:{line}: {problem}" if line else f"{path}: {problem}")


def test_mewsli_x_predictions_for_no_gold_mention_are_refused_and_missing_ones_counted(tmp_path):
    run, pred_path, gold_path = one(tmp_path, "mewslix", "de", {"m9": ["Q1"]}, {"m1": ["Q1"]})
    assert refused(run) == (f"{pred_path}: none of its 1 mention ids is in {gold_path}: is it another task's or "
                            "language's file?")
    run, _, _ = one(tmp_path, "mewslix", "de", {"m1": ["Q2", "Q1"], "m9": ["Q1"]}, {"m1": ["Q1"], "m2": ["Q2"]})
    scores = run()
    assert scores["mewslix"]["map@20"] == {"de": 25.0}
    assert scores["meta"]["unanswered"] == {"mewslix": {"de": 1}}
    assert scores["meta"]["unknown_question_ids"] == {"mewslix": {"de": 1}}


@pytest.mark.parametrize("gold, prediction, side, line, problem", [
    ({"q1": ["a", "a"]}, {"q1": ["a"]}, "gold", 2, "gold 'q1' lists 'a' twice"),
    ({"q1": ["a "]}, {"q1": ["a"]}, "gold", 2, ("'q1': candidate id 'a ' has white space around it; ids are compared "
                                               "as written, so it would never match 'a'")),
    ({"q1": ["a"]}, '{"q1": ["a"],\n "q1": ["b"]}', "pred", 2,
     ("key 'q1' appears twice in one JSON object (a JSON reader keeps only the last, silently dropping the first); "
     "expected a JSON object mapping question ids to lists of candidate ids, best first")),
])
def test_malformed_lareqa_files_are_named(tmp_path, gold, prediction, side, line, problem):
    run, pred_path, gold_path = one(tmp_path, "lareqa", "de", prediction, gold)
    assert refused(run) == f"{pred_path if side == 'pred' else gold_path}:{line}: {problem}"


def test_a_complete_xtreme_r_submission_with_lareqa_is_scored_where_the_reference_fails():
    scores = scored("case2", "seqeval")
    assert scores["meta"]["complete_tasks"] == list(XTREME_R.task_names)
    assert "overall" in scores and "lareqa" in scores
