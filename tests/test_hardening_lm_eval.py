"""Issue 8, class 6: the lm-eval path. Groups on any data folder, the one-import Python API, data and split
as documented arguments, no warnings the user did not cause, labelled progress bars, golden-case lookup."""

from __future__ import annotations

import logging
import shutil
import sys

import lm_eval
import lm_eval.tasks
import lm_eval.utils
import pytest
import yaml

import harness_tasks
from evaluators.benchmark import TASKS
from harness_tasks import lm_eval_cli
from harness_tasks.readers import SAMPLE_DATA_DIR
from harness_tasks.tasks import TASKS_DIR, xtreme_task
from harness_tasks.tasks.manager import XtremeTaskManager
from harness_tasks.tasks.xtreme_task import XtremeTaskError

SAMPLE = {"pawsx": ("de", "en", "zh"), "xnli": ("de", "en", "zh"), "udpos": ("de", "en", "zh"),
          "panx": ("en", "de", "zh"), "xquad": ("en", "de", "zh"), "mlqa": ("en", "de", "zh"),
          "tydiqa": ("en", "fi", "ru"), "bucc2018": ("de", "fr", "zh"), "tatoeba": ("de", "fr", "zh")}


def absent(task: str) -> list[str]:
    return [lang for lang in TASKS[task].languages if lang not in SAMPLE[task]]


def run(bundle, tasks, manager=None, model_args=""):
    xtreme_task.PREDICTIONS.clear()
    return lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={bundle}{model_args}", tasks=tasks,
                                   task_manager=manager or harness_tasks.task_manager(), bootstrap_iters=0,
                                   log_samples=False)


@pytest.fixture(scope="module")
def xtreme_run(tiny_models):
    return run(tiny_models.bundle, ["xtreme"])


# ------------------------------------------------------------------------- groups on the bundled sample
def test_task_group_scores_the_languages_present_and_records_the_rest(tiny_models, caplog):
    with caplog.at_level(logging.WARNING, logger="harness_tasks.tasks.manager"):
        result = run(tiny_models.bundle, ["xtreme_xnli"])
    assert sorted(result["results"]) == ["xtreme_xnli", "xtreme_xnli_de", "xtreme_xnli_en", "xtreme_xnli_zh"]
    group = result["groups"]["xtreme_xnli"]
    per_language = [result["results"][f"xtreme_xnli_{lang}"]["accuracy,none"] for lang in ("de", "en", "zh")]
    assert group["accuracy,none"] == sum(per_language) / 3 == group["score,none"]
    assert group["absent_languages"] == ["ar", "bg", "el", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi"]
    assert "accuracy_stderr,none" not in group  # corpus-level scores have no standard error
    assert result["group_subtasks"]["xtreme_xnli"] == ["xtreme_xnli_de", "xtreme_xnli_en", "xtreme_xnli_zh"]
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("xtreme_xnli:")]
    assert line.startswith("xtreme_xnli: no data for 12 of 15 (ar bg el es fr hi ru sw th tr ur vi); scoring de en zh. "
                           f"E.g. {SAMPLE_DATA_DIR / 'xnli' / 'test-ar.tsv'}: no such file")


def test_the_xtreme_group_is_the_mean_of_the_nine_task_scores(xtreme_run):
    groups = xtreme_run["groups"]
    assert set(groups) == {"xtreme", *(f"xtreme_{task}" for task in TASKS)}
    for task, langs in SAMPLE.items():
        per_language = [xtreme_run["results"][f"xtreme_{task}_{lang}"]["score,none"] for lang in langs]
        assert groups[f"xtreme_{task}"]["score,none"] == sum(per_language) / len(per_language), task
        assert groups[f"xtreme_{task}"]["absent_languages"] == absent(task), task
    task_scores = [groups[f"xtreme_{task}"]["score,none"] for task in TASKS]
    assert groups["xtreme"]["score,none"] == sum(task_scores) / len(task_scores)
    assert groups["xtreme"]["absent_languages"] == {task: absent(task) for task in TASKS}


def test_groups_on_a_folder_with_a_few_languages_of_two_tasks(tiny_models, tmp_path):
    for task, lang in (("xnli", "de"), ("xnli", "en"), ("pawsx", "de")):
        (tmp_path / task).mkdir(exist_ok=True)
        shutil.copy(SAMPLE_DATA_DIR / task / f"test-{lang}.tsv", tmp_path / task / f"test-{lang}.tsv")
    result = run(tiny_models.bundle, ["xtreme"], harness_tasks.task_manager(data=str(tmp_path)))
    assert sorted(result["results"]) == ["xtreme", "xtreme_pawsx", "xtreme_pawsx_de", "xtreme_xnli",
                                         "xtreme_xnli_de", "xtreme_xnli_en"]
    score = {name: row["score,none"] for name, row in result["results"].items()}
    assert score["xtreme_xnli"] == (score["xtreme_xnli_de"] + score["xtreme_xnli_en"]) / 2
    assert score["xtreme"] == (score["xtreme_xnli"] + score["xtreme_pawsx_de"]) / 2
    # Not lm-eval's own group mean, which averages every language of every task (here it would differ).
    languages = (score["xtreme_xnli_de"] + score["xtreme_xnli_en"] + score["xtreme_pawsx_de"]) / 3
    assert abs(score["xtreme"] - languages) > 1
    recorded = result["groups"]["xtreme"]["absent_languages"]
    assert list(recorded) == list(TASKS)
    assert recorded["xnli"] == [lang for lang in TASKS["xnli"].languages if lang not in ("de", "en")]
    assert recorded["tatoeba"] == list(TASKS["tatoeba"].languages)


def test_a_group_without_any_data_is_refused(tiny_models, tmp_path):
    expected = r"^no data for any language of xtreme_pawsx, e\.g\. .*pawsx/test-de\.tsv: no such file"
    with pytest.raises(XtremeTaskError, match=expected):
        run(tiny_models.bundle, ["xtreme_pawsx"], harness_tasks.task_manager(data=str(tmp_path)))


def test_a_language_asked_for_by_name_is_never_dropped(tiny_models):
    with pytest.raises(XtremeTaskError, match=r"^no data for xtreme_xnli_ar: .*xnli/test-ar\.tsv: no such file"):
        run(tiny_models.bundle, ["xtreme_xnli_de", "xtreme_xnli_ar"])


def test_lm_eval_s_own_task_manager_gets_a_clear_error_not_an_index_error(tiny_models):
    plain = lm_eval.tasks.TaskManager(include_path=str(TASKS_DIR), include_defaults=False)
    with pytest.raises(XtremeTaskError, match=r"^xtreme_xnli_ar: no data: .*harness_tasks\.task_manager"):
        run(tiny_models.bundle, ["xtreme_xnli"], plain)


# ------------------------------------------------------------------------------ settings: data, split
def test_split_is_a_task_manager_argument_and_missing_splits_are_absent(tiny_models):
    result = run(tiny_models.bundle, ["xtreme_xnli", "xtreme_bucc2018"], harness_tasks.task_manager(split="dev"))
    assert {xtreme_task.PREDICTIONS[f"xtreme_xnli_{lang}"]["split"] for lang in ("de", "en", "zh")} == {"dev"}
    assert result["results"]["xtreme_xnli_de"]["sample_len"] == 15  # the dev file, not test's 18
    manager = harness_tasks.task_manager(split="dev")
    expected = r"^no data for any language of xtreme_xquad, e\.g\. xquad has no dev split \(it has test\)$"
    with pytest.raises(XtremeTaskError, match=expected):
        manager.load(["xtreme_xquad"])


def test_data_given_to_the_model_but_not_the_tasks_is_refused(tiny_models):
    with pytest.raises(XtremeTaskError, match=r"^xtreme-encoder: model_args give split=dev but task xtreme_xnli_de "
                                              r"was built with split=test: in Python pass task settings to the task "
                                              r"manager, harness_tasks\.task_manager\(split=\.\.\.\)"):
        run(tiny_models.bundle, ["xtreme_xnli_de"], model_args=",split=dev")
    # The same settings on both sides, as lm-eval's command line passes them, run.
    result = run(tiny_models.bundle, ["xtreme_xnli_de"], harness_tasks.task_manager(split="dev"), ",split=dev")
    assert result["results"]["xtreme_xnli_de"]["sample_len"] == 15


@pytest.mark.parametrize(("settings", "message"), [
    ({"split": "train"}, "task xtreme_xnli_de: split 'train': expected one of test, dev"),
    ({"tagging_mode": "conll"}, "task xtreme_xnli_de: tagging_mode 'conll': expected one of xtreme, seqeval"),
    ({"data": "/no/such/folder"}, "task xtreme_xnli_de: data '/no/such/folder': no such folder; expected a folder "
                                  "in the XTREME raw download layout, 'sample' (the bundled sample) or 'hub'"),
])
def test_bad_settings_are_named_before_anything_runs(settings, message):
    with pytest.raises(XtremeTaskError) as caught:
        harness_tasks.task_manager(**settings).load(["xtreme_xnli_de"])
    assert str(caught.value) == message


def test_task_manager_names_an_unknown_setting():
    with pytest.raises(TypeError) as caught:
        harness_tasks.task_manager(spilt="dev")
    assert str(caught.value) == ("task_manager(): unknown setting 'spilt' (did you mean 'split'?); known: data, "
                                 "split, tagging_mode, bucc_duplicates, bucc_subset, bucc_distractors, bucc_seed")


def test_task_manager_indexes_only_our_tasks_by_default():
    manager = harness_tasks.task_manager()
    assert isinstance(manager, XtremeTaskManager) and len(manager.all_tasks) == 172


def test_generated_groups_are_marked_for_the_xtreme_task_manager():
    for path in [TASKS_DIR / "_xtreme.yaml", *(TASKS_DIR / t / f"_xtreme_{t}.yaml" for t in TASKS)]:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["metadata"] == {"version": 1.0, "xtreme_group": True}


# --------------------------------------------------------------------------- what the user sees
def test_no_generation_settings_are_logged_for_tasks_that_generate_nothing(tiny_models, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("lm_eval"), "propagate", True)  # lm-eval's CLI turns it off
    with caplog.at_level(logging.INFO, logger="lm_eval"):
        run(tiny_models.bundle, ["xtreme_xnli_de"])
    assert any("Building contexts for xtreme_xnli_de" in r.getMessage() for r in caplog.records)  # INFO was captured
    assert not [r.getMessage() for r in caplog.records if "gen_kwargs" in r.getMessage()]


def test_lm_eval_request_bars_name_their_task(tiny_models, monkeypatch):
    import lm_eval.api.task as task_module

    labels = []
    plain = task_module.tqdm

    def recording_bar(*args, **kwargs):
        labels.append(kwargs.get("desc"))
        return plain(*args, **kwargs)

    monkeypatch.setattr(task_module, "tqdm", recording_bar)
    run(tiny_models.bundle, ["xtreme_xnli_de", "xtreme_tatoeba_fr"])
    assert labels == ["xtreme_xnli_de requests", "xtreme_tatoeba_fr requests"]
    assert task_module.tqdm is recording_bar  # put back after each task


def test_device_auto_only_for_our_model_without_a_device():
    base = ["run", "--model", "xtreme-encoder", "--model_args", "bundle=B", "--tasks", "xtreme_xnli"]
    assert lm_eval_cli.with_device(base) == [*base, "--device", "auto"]
    assert lm_eval_cli.with_device(["--model=xtreme-encoder", "--tasks", "x"]) == [
        "--model=xtreme-encoder", "--tasks", "x", "--device", "auto"]
    for unchanged in ([*base, "--device", "cpu"], [*base[:4], "bundle=B,device=cpu", *base[5:]],
                      [*base[:4], '{"bundle": "B", "device": "cpu"}', *base[5:]],
                      ["run", "--model", "hf", "--tasks", "arc_easy"]):
        assert lm_eval_cli.with_device(unchanged) == unchanged
    in_a_path = [*base[:4], "bundle=/models/device-tests/B", *base[5:]]
    assert lm_eval_cli.with_device(in_a_path) == [*in_a_path, "--device", "auto"]


def test_lm_eval_s_own_tasks_are_indexed_only_when_asked_for():
    ours = lm_eval_cli.xtreme_task_manager(["--tasks", "xtreme_xnli,xtreme_tatoeba_de"], own_folder=True)
    assert issubclass(ours, XtremeTaskManager) and len(ours(include_path=str(TASKS_DIR)).all_tasks) == 172
    assert lm_eval_cli.xtreme_task_manager(["--tasks", "xtreme_xnli,arc_easy"], own_folder=True) is XtremeTaskManager
    assert lm_eval_cli.xtreme_task_manager(["--tasks", "xtreme_xnli"], own_folder=False) is XtremeTaskManager


def _result(stderr_value):
    row = {"alias": "xtreme_xnli_de", "accuracy,none": 50.0, "accuracy_stderr,none": stderr_value}
    group = {"alias": "xtreme_xnli", "accuracy,none": 50.0, "absent_languages": ["ar", "bg"]}
    return {"results": {"xtreme_xnli": group, "xtreme_xnli_de": row}, "groups": {"xtreme_xnli": group},
            "group_subtasks": {"xtreme_xnli": ["xtreme_xnli_de"]}, "versions": {"xtreme_xnli_de": 1.0},
            "n-shot": {"xtreme_xnli_de": 0}, "higher_is_better": {}}


def test_tables_drop_an_all_na_stderr_column_and_list_absent_languages():
    table = lm_eval_cli.results_table(lm_eval.utils.make_table)
    results = table(_result("N/A"))
    assert results.splitlines()[:2] == ["|      Tasks      |Version|Filter|n-shot| Metric |   |Value|",
                                        "|-----------------|-------|------|-----:|--------|---|----:|"]
    assert "absent" not in results and "±" not in results
    groups = table(_result("N/A"), "groups")
    assert groups.splitlines()[0] == "|  Groups   |Version|Filter|n-shot| Metric |   |Value|"
    assert groups.splitlines()[-1] == "xtreme_xnli: no data for ar bg (2 languages); mean of the others"
    # A real standard error keeps the column (rows without one leave it blank rather than N/A).
    with_stderr = table(_result(0.5)).splitlines()
    assert with_stderr[0].endswith("|Value|   |Stderr|") and with_stderr[3].endswith("|   50|±  |   0.5|")


def test_xtreme_lm_eval_end_to_end(tiny_models, monkeypatch, capsys, caplog):
    lm_eval_s = (lm_eval.tasks.TaskManager, lm_eval.utils.make_table)
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    monkeypatch.setattr(logging.getLogger("lm_eval"), "propagate", logging.getLogger("lm_eval").propagate)
    caplog.set_level(logging.WARNING)
    lm_eval_cli.main(["--model", "xtreme-encoder", "--model_args",
                      f"bundle={tiny_models.bundle},data={SAMPLE_DATA_DIR},split=dev", "--tasks", "xtreme_pawsx"])
    out = capsys.readouterr().out
    assert "Stderr" not in out and "N/A" not in out
    assert "xtreme_pawsx: no data for es fr ja ko (4 languages); mean of the others" in out.splitlines()
    assert {xtreme_task.PREDICTIONS[f"xtreme_pawsx_{lang}"]["split"] for lang in ("de", "en", "zh")} == {"dev"}
    assert not [r for r in caplog.records if "CUDA" in r.getMessage()]
    # main() pointed lm-eval at our task manager and table while it ran, and put lm-eval's back.
    assert (lm_eval.tasks.TaskManager, lm_eval.utils.make_table) == lm_eval_s


def test_xtreme_lm_eval_bad_settings_exit_2_in_one_line(tiny_models, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    with pytest.raises(SystemExit) as caught:
        lm_eval_cli.main(["--model", "xtreme-encoder", "--model_args", f"bundle={tiny_models.bundle},split=train",
                          "--tasks", "xtreme_xnli_de"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "xtreme-lm-eval: task xtreme_xnli_de: split 'train': expected one of test, dev")


# ------------------------------------------------------------------------------------- golden cases
def test_golden_cases_are_found_through_the_environment(tmp_path, monkeypatch):
    from tests import golden

    (tmp_path / "xtreme-mock").mkdir()
    monkeypatch.setenv("XTREME_GOLDEN", str(tmp_path))
    assert golden.require_golden() == tmp_path / "xtreme-mock"


def test_missing_golden_cases_skip_with_the_reason_or_fail_in_ci(tmp_path, monkeypatch):
    from tests import golden

    monkeypatch.delenv("XTREME_GOLDEN", raising=False)
    monkeypatch.setattr(golden, "BESIDE_CLONE", tmp_path / "golden")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        golden.require_golden()
    cases = tmp_path / "golden" / "xtreme-mock"
    assert str(skipped.value) == (f"golden cases not found at {cases}: set XTREME_GOLDEN to the folder that holds "
                                  f"xtreme-mock/, or place it at {cases}")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        golden.require_golden()
    monkeypatch.delenv("CI")
    monkeypatch.setenv("XTREME_GOLDEN", str(tmp_path / "typo"))  # set but wrong: never a silent skip
    with pytest.raises(pytest.fail.Exception, match=r"\(from \$XTREME_GOLDEN\)"):
        golden.require_golden()
