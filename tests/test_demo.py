"""`xtreme demo --benchmark xtreme-r`: the sample recipe trains every head of both benchmarks and the bundle
scores all ten XTREME-R tasks; the submission it writes scores to the same numbers in score-submission."""

from __future__ import annotations

import json
import math

from evaluators.benchmarks import XTREME_R
from evaluators.submission import score_submission
from harness_tasks.bundle import read_manifest
from harness_tasks.cli import main
from harness_tasks.readers import SAMPLE_DATA_DIR
from tests.golden import numeric_leaves
from tests.sample_files import XTREME_R_SAMPLE_LANGUAGES


def test_demo_trains_and_scores_all_ten_xtreme_r_tasks(tmp_path, capsys):
    assert main(["demo", "--benchmark", "xtreme-r", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    manifest = read_manifest(tmp_path / "train" / "bundle")
    assert {"xcopa", "lareqa", "mewslix"} <= set(manifest["checkpoints"])  # trained, not fallbacks
    results = json.loads((tmp_path / "scores-xtreme-r" / "results.json").read_text(encoding="utf-8"))
    section = results["xtreme"]
    assert section["benchmark"] == "xtreme-r" and list(section["tasks"]) == list(XTREME_R.task_names)
    assert section.get("dual_encoder_fallbacks") in (None, {}, [])
    for task in XTREME_R.task_names:
        assert f"\n{task} " in out, task  # one row of the table each
    scored = score_submission(tmp_path / "scores-xtreme-r" / "submission", SAMPLE_DATA_DIR / "labels",
                              benchmark="xtreme-r")
    for task, languages in XTREME_R_SAMPLE_LANGUAGES.items():
        expected = dict(numeric_leaves(section["tasks"][task]))
        actual = dict(numeric_leaves(scored[task]))
        assert {path[1] for path in expected if len(path) == 2} == set(languages), task
        for path, value in expected.items():
            assert math.isclose(actual[path], value, rel_tol=0, abs_tol=1e-9), (task, path)


def test_demo_refuses_an_unknown_benchmark_before_training(tmp_path, capsys):
    assert main(["demo", "--benchmark", "xtreme-x", "--output", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err == ("xtreme demo: unknown benchmark 'xtreme-x' in --benchmark; did you mean "
                                       "'xtreme-r'?\nvalid in --benchmark: xtreme, xtreme-r\n")
    assert not (tmp_path / "run").exists()  # nothing trained, nothing written
