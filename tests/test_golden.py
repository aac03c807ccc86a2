"""The reference scorer's own output on the benchmark's mock submission, reproduced to 1e-9."""

import json

import pytest

from evaluators.submission import score_submission
from harness_tasks.cli import main
from tests.golden import assert_matches_expected, require_golden


@pytest.mark.parametrize(
    "mode, expected_name, udpos, all_task",
    [
        ("xtreme", "expected.seqeval-0.0.12.json", 70.21746048354693, 62.17319850507246),
        ("seqeval", "expected.seqeval-1.2.2.json", 70.39805810699043, 62.1932649076773),
    ],
)
def test_golden_submission_matches_reference_scorer(mode, expected_name, udpos, all_task):
    golden = require_golden()
    scores = score_submission(golden / "predictions", golden / "labels", mode)
    compared = assert_matches_expected(golden / expected_name, scores)
    assert compared == 375
    assert scores["udpos"]["avg_f1"] == pytest.approx(udpos, abs=1e-9)
    assert scores["all_task"] == pytest.approx(all_task, abs=1e-9)
    assert scores["meta"]["tagging_mode"] == mode
    assert scores["meta"]["ignored_folders"] == ["mewslix"]


def test_golden_through_the_command_line(tmp_path, capsys):
    golden = require_golden()
    out = tmp_path / "scores.json"
    code = main(["score-submission", str(golden / "predictions"), str(golden / "labels"), "--json", str(out)])
    assert code == 0
    assert_matches_expected(golden / "expected.seqeval-0.0.12.json", json.loads(out.read_text()))
    printed = capsys.readouterr().out
    assert "XTREME" in printed and "62.17" in printed


def test_only_udpos_differs_between_modes():
    golden = require_golden()
    a = score_submission(golden / "predictions", golden / "labels", "xtreme")
    b = score_submission(golden / "predictions", golden / "labels", "seqeval")
    differing = {task for task in a if task != "meta" and a[task] != b[task]}
    assert differing == {"udpos", "tagging", "all_task"}
