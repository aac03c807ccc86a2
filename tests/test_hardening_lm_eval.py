"""Issue 8, class 6: the lm-eval path. Groups on any data folder, the one-import Python API, data and split
as documented arguments, no warnings the user did not cause, labelled progress bars, golden-case lookup; and
xtreme-lm-eval / the Python API refusing in one line (exit 2): a group with its own member, task lists with
empty names, model arguments that cannot work, --limit on retrieval tasks, bad task settings; Ctrl-C exits 130."""

from __future__ import annotations

import json
import logging
import shutil
import sys

import lm_eval
import lm_eval.tasks
import lm_eval.utils
import pytest
import yaml

import harness_tasks
from evaluators.benchmarks import XTREME
from harness_tasks import lm_eval_cli
from harness_tasks.readers import SAMPLE_DATA_DIR
from harness_tasks.tasks import TASKS_DIR, xtreme_task
from harness_tasks.tasks.selection import task_names
from harness_tasks.tasks.manager import XtremeTaskManager
from harness_tasks.tasks.xtreme_task import XtremeTaskError

SAMPLE = {"pawsx": ("de", "en", "zh"), "xnli": ("de", "en", "zh"), "udpos": ("de", "en", "zh"),
          "panx": ("en", "de", "zh"), "xquad": ("en", "de", "zh"), "mlqa": ("en", "de", "zh"),
          "tydiqa": ("en", "fi", "ru"), "bucc2018": ("de", "fr", "zh"), "tatoeba": ("de", "fr", "zh")}


TASKS = XTREME.task_names  # in the benchmark's order


def absent(task: str) -> list[str]:
    return [lang for lang in XTREME.languages(task) if lang not in SAMPLE[task]]


def run(bundle, tasks, manager=None, model_args=""):
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
    assert recorded["xnli"] == [lang for lang in XTREME.languages("xnli") if lang not in ("de", "en")]
    assert recorded["tatoeba"] == list(XTREME.languages("tatoeba"))


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
    assert {result["configs"][f"xtreme_xnli_{lang}"]["metadata"]["split"] for lang in ("de", "en", "zh")} == {"dev"}
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
    ({"split": "train"}, "split 'train': expected one of test, dev"),
    ({"split": "validation"}, "split 'validation': expected one of test, dev"),
    ({"tagging_mode": "conll"}, "tagging_mode 'conll': expected one of xtreme, seqeval"),
    ({"bucc_duplicates": "keep"}, "bucc_duplicates 'keep': expected one of expand, drop, first"),
    ({"bucc_subset": "tiny"}, "bucc_subset 'tiny': expected one of full, ci, cpu"),
    ({"bucc_distractors": "ten"}, "bucc_distractors 'ten': expected a whole number >= 0"),
    ({"bucc_seed": -1}, "bucc_seed -1: expected a whole number >= 0"),
    ({"bucc_subset": "ci", "bucc_distractors": 5},
     "bucc_subset 'ci' and bucc_distractors 5: give one (bucc_distractors replaces the preset)"),
    ({"data": "/no/such/folder"}, "data: /no/such/folder: no such folder (the XTREME data folder); expected 'sample', "
                                  "'hub', 'hub:PATH' or a folder in the benchmark's download layout"),
    ({"data": "hub:/no/such/copy"}, "data: /no/such/copy: no such folder (the local google/xtreme copy); expected "
                                    "'sample', 'hub', 'hub:PATH' or a folder in the benchmark's download layout"),
    ({"data": str(SAMPLE_DATA_DIR / "README.md")}, f"data: {SAMPLE_DATA_DIR / 'README.md'}: a file, not a folder "
                                                  "(the XTREME data folder)"),
])
def test_task_manager_refuses_bad_settings_when_called(settings, message, monkeypatch):
    import lm_eval.tasks

    monkeypatch.setattr(lm_eval.tasks.TaskManager, "__init__", None)  # never reached: nothing is indexed
    with pytest.raises(XtremeTaskError) as caught:
        harness_tasks.task_manager(**settings)
    assert str(caught.value) == f"task_manager(): {message}"
    assert isinstance(caught.value, ValueError)


def test_task_manager_takes_good_settings_and_a_path_object():
    manager = harness_tasks.task_manager(data=SAMPLE_DATA_DIR, split="dev", bucc_subset="full", bucc_distractors="3",
                                         bucc_seed=7, bucc_duplicates="first", tagging_mode="seqeval")
    assert manager.metadata["data"] == str(SAMPLE_DATA_DIR) and manager.metadata["bucc_distractors"] == "3"
    assert harness_tasks.task_manager(data="sample").metadata["data"] == "sample"


@pytest.mark.parametrize(("settings", "message"), [
    ({"split": "train"}, "task xtreme_xnli_de: split 'train': expected one of test, dev"),
    ({"bucc_duplicates": "keep"}, "task xtreme_xnli_de: bucc_duplicates 'keep': expected one of expand, drop, first"),
    ({"data": "/no/such/folder"}, "task xtreme_xnli_de: data: /no/such/folder: no such folder (the XTREME data "
                                  "folder); expected 'sample', 'hub', 'hub:PATH' or a folder in the benchmark's "
                                  "download layout"),
])
def test_tasks_built_by_lm_eval_s_own_manager_check_their_settings_by_name(settings, message):
    plain = lm_eval.tasks.TaskManager(include_path=str(TASKS_DIR), include_defaults=False, metadata=settings)
    with pytest.raises(XtremeTaskError) as caught:
        plain.load(["xtreme_xnli_de"])
    assert str(caught.value) == message


def test_task_manager_names_an_unknown_setting():
    with pytest.raises(TypeError) as caught:
        harness_tasks.task_manager(spilt="dev")
    assert str(caught.value) == ("task_manager(): unknown setting 'spilt' (did you mean 'split'?); known: data, "
                                 "split, tagging_mode, bucc_duplicates, bucc_subset, bucc_distractors, bucc_seed")


def test_task_manager_indexes_only_our_tasks_by_default():
    manager = harness_tasks.task_manager()
    assert isinstance(manager, XtremeTaskManager) and len(manager.all_tasks) == len(task_names()) == 215


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
    assert issubclass(ours, XtremeTaskManager) and len(ours(include_path=str(TASKS_DIR)).all_tasks) == 215
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


def test_xtreme_lm_eval_end_to_end(tiny_models, monkeypatch, capsys, caplog, tmp_path):
    lm_eval_s = (lm_eval.tasks.TaskManager, lm_eval.utils.make_table)
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    monkeypatch.setattr(logging.getLogger("lm_eval"), "propagate", logging.getLogger("lm_eval").propagate)
    caplog.set_level(logging.WARNING)
    lm_eval_cli.main(["--model", "xtreme-encoder", "--model_args",
                      f"bundle={tiny_models.bundle},data={SAMPLE_DATA_DIR},split=dev", "--tasks", "xtreme_pawsx",
                      "--output_path", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Stderr" not in out and "N/A" not in out
    assert "xtreme_pawsx: no data for es fr ja ko (4 languages); mean of the others" in out.splitlines()
    (written,) = tmp_path.rglob("results_*.json")
    configs = json.loads(written.read_text(encoding="utf-8"))["configs"]
    assert {configs[f"xtreme_pawsx_{lang}"]["metadata"]["split"] for lang in ("de", "en", "zh")} == {"dev"}
    assert not [r for r in caplog.records if "CUDA" in r.getMessage()]
    # main() pointed lm-eval at our task manager and table while it ran, and put lm-eval's back.
    assert (lm_eval.tasks.TaskManager, lm_eval.utils.make_table) == lm_eval_s


@pytest.mark.parametrize(("options", "message"), [
    (["--model_args", "bundle=B,split=train"], "task setting split 'train': expected one of test, dev"),
    (["--model_args", "bundle=B", "bucc_subset=ci", "--metadata", '{"bucc_distractors": 4}'],
     "task setting bucc_subset 'ci' and bucc_distractors 4: give one (bucc_distractors replaces the preset)"),
])
def test_xtreme_lm_eval_bad_settings_exit_2_before_lm_eval_loads(options, message, not_started, capsys):
    with pytest.raises(SystemExit) as caught:
        lm_eval_cli.main(["--model", "xtreme-encoder", *options, "--tasks", "xtreme_xnli_de"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == f"xtreme-lm-eval: {message}\n"


# -------------------------------------------------------------------- xtreme-lm-eval refuses in one line
@pytest.fixture
def not_started(monkeypatch):
    """lm-eval's command line must not start: the refusal comes first (seconds, not a traceback later)."""
    import lm_eval.__main__

    def started():
        raise AssertionError("lm-eval's command line started")

    monkeypatch.setattr(lm_eval.__main__, "cli_evaluate", started)
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])


class CurrentStderr:
    """Whatever sys.stderr is when written to."""

    def write(self, text):
        return sys.stderr.write(text)

    def flush(self):
        sys.stderr.flush()


@pytest.fixture(autouse=True)
def lm_eval_logs_to_this_test(monkeypatch):
    """lm-eval's command line adds its log handler once per process, bound to the stderr of that moment (in a
    test session: an earlier test's, since closed); point it at the current one."""
    for handler in logging.getLogger("lm_eval").handlers:
        if isinstance(handler, logging.StreamHandler):
            monkeypatch.setattr(handler, "stream", CurrentStderr())


def refused(argv, capsys) -> str:
    """The message of an xtreme-lm-eval run that must exit 2 with one line of ours and no traceback."""
    with pytest.raises(SystemExit) as caught:
        lm_eval_cli.main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    ours = [line for line in err.splitlines() if line.startswith("xtreme-lm-eval")]
    assert len(ours) == 1 and err.endswith(f"{ours[0]}\n") and "Traceback" not in err, err
    return ours[0][len("xtreme-lm-eval: "):]


OVERLAP = ("--tasks asks for xtreme_xnli and for xtreme, which holds it; lm-eval would run it twice: ask for the "
           "group or for its members, not both")


@pytest.mark.parametrize(("tasks", "message"), [
    (["--tasks", "xtreme_xnli,xtreme"], OVERLAP),
    (["--task", "xtreme_xnli", "xtreme"], OVERLAP),  # an abbreviation lm-eval's parser takes, values space-separated
    (["-t", "xtreme_xnli", "-t=xtreme"], OVERLAP),
    (["--tasks", "xtreme,xtreme_tatoeba_de"], "--tasks asks for xtreme_tatoeba_de and for xtreme, which holds it; "
                                              "lm-eval would run it twice: ask for the group or for its members, "
                                              "not both"),
    (["--tasks", "xtreme_pawsx*"], "--tasks asks for xtreme_pawsx_de (matched by 'xtreme_pawsx*') and for "
                                   "xtreme_pawsx (matched by 'xtreme_pawsx*'), which holds it; lm-eval would run it "
                                   "twice: ask for the group or for its members, not both (the pattern "
                                   "'xtreme_pawsx*' matches a group and what it holds; 'xtreme_<task>_*' matches "
                                   "languages only); 6 more such overlap(s)"),
])
def test_a_group_with_something_it_holds_is_refused_up_front(tasks, message, not_started, capsys):
    assert refused(["--model", "xtreme-encoder", "--model_args", "bundle=B", *tasks], capsys) == message


def test_the_python_api_refuses_the_same_overlap_before_reading_data(monkeypatch):
    monkeypatch.setattr(xtreme_task.XtremeTask, "download", None)  # never reached: no task is built
    with pytest.raises(XtremeTaskError) as caught:
        harness_tasks.task_manager().load(["xtreme_xnli", "xtreme"])
    assert str(caught.value) == "tasks" + OVERLAP[len("--tasks"):]
    with pytest.raises(XtremeTaskError, match=r"^unknown task 'xtreme_xnly'; did you mean 'xtreme_xnli'\?\n"):
        harness_tasks.task_manager().load(["xtreme_xnly"])


def test_the_same_name_twice_and_disjoint_groups_are_no_overlap():
    from harness_tasks.tasks.selection import overlap

    assert overlap(["xtreme_xnli", "xtreme_pawsx", "xtreme_xnli_de", "xtreme_xnli_de", "hellaswag", "mmlu*"]) == (
        "--tasks asks for xtreme_xnli_de and for xtreme_xnli, which holds it; lm-eval would run it twice: ask for the "
        "group or for its members, not both")
    assert overlap(["xtreme_xnli", "xtreme_pawsx", "xtreme_udpos_*", "xtreme_tatoeba_de", "xtreme_tatoeba_de"]) is None
    loaded = harness_tasks.task_manager().load(["xtreme_xnli_de", "xtreme_xnli_de"])
    assert list(loaded["tasks"]) == ["xtreme_xnli_de"]


@pytest.mark.parametrize(("argv", "names"), [
    (["--tasks", " xtreme_xnli_de"], ["xtreme_xnli_de"]),
    (["--tasks", "xtreme_xnli_de, xtreme_pawsx_de ,"], ["xtreme_xnli_de", "xtreme_pawsx_de"]),
    (["-t", "xtreme_xnli_de,", "xtreme_pawsx_de"], ["xtreme_xnli_de", "xtreme_pawsx_de"]),
    (["validate", "--tasks", "xtreme_xnli_de ,xtreme"], ["xtreme_xnli_de", "xtreme"]),
])
def test_task_lists_are_read_as_xtreme_score_reads_them(argv, names):
    assert lm_eval_cli.requested_tasks(argv) == names


@pytest.mark.parametrize(("tasks", "message"), [
    ("xtreme_xnli_de,,xtreme_pawsx_de", "--tasks 'xtreme_xnli_de,,xtreme_pawsx_de' has an empty name: give names "
                                        "separated by single commas"),
    (",xtreme_xnli_de", "--tasks ',xtreme_xnli_de' has an empty name: give names separated by single commas"),
    (" , ", "--tasks ' , ' names nothing: give one or more comma-separated names"),
    ("xtreme_xnli_de,xtreme_xnli_de", "--tasks 'xtreme_xnli_de,xtreme_xnli_de' names 'xtreme_xnli_de' twice: give "
                                      "each name once"),
])
def test_an_empty_name_in_a_task_list_is_refused(tasks, message, not_started, capsys):
    assert refused(["--model", "xtreme-encoder", "--model_args", "bundle=B", "--tasks", tasks], capsys) == message


def test_lm_eval_gets_the_task_names_as_they_were_checked(tiny_models, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    lm_eval_cli.main(["--model", "xtreme-encoder", "--model_args", f"bundle={tiny_models.bundle}",
                      "--tasks", " xtreme_xnli_de", "xtreme_pawsx_de ,", "--output_path", str(tmp_path)])
    (written,) = tmp_path.rglob("results_*.json")
    assert sorted(json.loads(written.read_text(encoding="utf-8"))["results"]) == ["xtreme_pawsx_de", "xtreme_xnli_de"]
    assert "Tasks not found" not in capsys.readouterr().err


MISSING = "bundle /no/such/bundle: no such folder"


@pytest.mark.parametrize(("model_args", "message"), [
    ("bundle=/no/such/bundle", MISSING),
    ("bundle={bundle}/xnli", "bundle {bundle}/xnli: one checkpoint, not a bundle (no manifest.json and no head folder "
                             "xnli/, pawsx/, udpos/, panx/, squad/, tydiqa/, xcopa/, lareqa/, mewslix/, encoder/); "
                             "pass it as encoder=PATH or "
                             "TASK=PATH"),
    ("bundle={bundle},xnli=/no/such/head", "xnli /no/such/head: no such folder"),
    ("encoder=./no/such/encoder", "encoder ./no/such/encoder: no such folder"),
    ("bundle={bundle},foo=1", "xtreme-encoder: unknown model_args ['foo']; it takes bundle, pretrained, layer, pooling, "
                              "max_length, doc_stride, max_query_length, max_answer_length, n_best, batch_size, "
                              "max_batch_size, device, dtype, allow_pickle, trust_remote_code, cache_dir, label_map, "
                              "data, split, tagging_mode, bucc_duplicates, bucc_subset, bucc_distractors, bucc_seed, "
                              "and a checkpoint path per task or head: bucc2018, encoder, lareqa, mewslix, mlqa, panx, "
                              "pawsx, squad, tatoeba, tydiqa, udpos, xcopa, xnli, xquad"),
    ("bundle={bundle},poolng=cls", "xtreme-encoder: unknown model_args ['poolng']; did you mean 'pooling'?"),
    ("bundle={bundle},layer=abc", "xtreme-encoder: layer 'abc': expected a whole number >= 0"),
    ("bundle={bundle},layer=1.5", "xtreme-encoder: layer 1.5: expected a whole number >= 0"),
    ("bundle={bundle},pooling=max", "xtreme-encoder: pooling 'max': expected 'mean' or 'cls'"),
    ("bundle={bundle},allow_pickle=maybe", "xtreme-encoder: allow_pickle 'maybe': expected true or false"),
    ("bundle={bundle},dtype=int8", "xtreme-encoder: dtype 'int8': expected one of bf16, bfloat16, float16, float32, "
                                   "fp16"),
    ("bundle={bundle},label_map=xnli", "label_map 'xnli': expected TASK=NAME,NAME,... (the label of each class id, "
                                       "id 0 first), e.g. xnli=contradiction,entailment,neutral"),
])
def test_model_construction_errors_are_one_line_exit_2(model_args, message, tiny_models, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    bundle = tiny_models.bundle
    argv = ["--model", "xtreme-encoder", "--model_args", model_args.format(bundle=bundle), "--tasks", "xtreme_xnli_de"]
    assert refused(argv, capsys) == message.format(bundle=bundle)


def test_a_bad_device_is_one_line_exit_2(tiny_models, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    message = refused(["--model", "xtreme-encoder", "--model_args", f"bundle={tiny_models.bundle}", "--device",
                       "bogus", "--tasks", "xtreme_xnli_de"], capsys)
    assert message.startswith("xtreme-encoder: device 'bogus': expected auto, cpu, cuda, cuda:N or another device "
                              "torch knows (Expected one of cpu, cuda")


def test_a_layer_the_encoder_lacks_stops_before_any_forward_pass(tiny_models, monkeypatch, capsys):
    from harness_tasks.inference import embedding

    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    monkeypatch.setattr(embedding, "embed_texts", None)  # never reached
    message = refused(["--model", "xtreme-encoder", "--model_args", f"bundle={tiny_models.bundle},layer=3",
                       "--tasks", "xtreme_tatoeba_de"], capsys)
    assert message == f"xtreme-encoder: layer 3: {tiny_models.bundle / 'encoder'} has hidden states 0 to 2"


@pytest.mark.parametrize(("options", "message"), [
    (["--model_args", "bundle=B,batch_size=4"], "--model_args batch_size=4: give it as --batch_size only (lm-eval "
                                                "passes --batch_size to the model itself, 1 when not given)"),
    (["--model_args", "bundle=B,device=cpu", "--device", "cpu"], "--model_args device=cpu: give it as --device only "
                                                                 "(lm-eval passes --device to the model itself)"),
])
def test_arguments_lm_eval_passes_itself_are_refused_in_model_args(options, message, not_started, capsys):
    assert refused(["--model", "xtreme-encoder", *options, "--tasks", "xtreme_xnli_de"], capsys) == message


def test_model_args_values_are_read_strictly():
    from harness_tasks.encoder_model import XtremeEncoder
    from harness_tasks.model_args import ModelArgsError, UnknownModelArgsError

    lm = XtremeEncoder(pretrained=str(SAMPLE_DATA_DIR), layer="2", batch_size="auto:4", allow_pickle="False",
                       trust_remote_code=1, max_length=64.0, device="cpu")
    assert (lm.layer, lm.batch_size, lm.allow_pickle, lm.trust_remote_code, lm.max_length) == (2, 32, False, True, 64)
    assert XtremeEncoder(pretrained=str(SAMPLE_DATA_DIR), batch_size="8", layer="default").batch_size == 8
    for kwargs, message in [
        ({"layer": -1}, "layer -1: expected a whole number >= 0"),
        ({"layer": True}, "layer True: expected a whole number >= 0"),
        ({"batch_size": 0}, "batch_size 0: expected a whole number >= 1"),
        ({"batch_size": "big"}, "batch_size 'big': expected a whole number >= 1"),
        ({"max_length": "x"}, "max_length 'x': expected a whole number >= 16"),
        ({"doc_stride": 0}, "doc_stride 0: expected a whole number >= 1"),
        ({"n_best": "٣"}, "n_best '٣': expected a whole number >= 1"),
        ({"trust_remote_code": "2"}, "trust_remote_code '2': expected true or false"),
        ({"cache_dir": str(SAMPLE_DATA_DIR / "README.md")}, f"cache_dir {SAMPLE_DATA_DIR / 'README.md'}: a file, not "
                                                            "a folder"),
        ({"split": "validation"}, "split 'validation': expected one of test, dev"),
    ]:
        with pytest.raises(ModelArgsError) as caught:
            XtremeEncoder(pretrained=str(SAMPLE_DATA_DIR), **kwargs)
        assert str(caught.value) == f"xtreme-encoder: {message}", kwargs
    with pytest.raises(UnknownModelArgsError) as caught:  # a TypeError too, as Python's own unknown keyword
        XtremeEncoder(xnlii="x")
    assert isinstance(caught.value, TypeError) and str(caught.value) == (
        "xtreme-encoder: unknown model_args ['xnlii']; did you mean 'xnli'?")


def test_a_missing_bundle_through_the_console_script_has_no_traceback(tmp_path):
    import os
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "harness_tasks.lm_eval_cli", "--model", "xtreme-encoder", "--model_args",
         f"bundle={tmp_path / 'nowhere'}", "--tasks", "xtreme_xnli_de"],
        capture_output=True, text=True, timeout=300, check=False, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == f"xtreme-lm-eval: bundle {tmp_path / 'nowhere'}: no such folder"


RETRIEVAL = ("run BUCC/Tatoeba, and retrieval tasks need every sentence (a cut corpus mines among other candidates): "
             "drop {flag} or leave out xtreme_bucc2018 and xtreme_tatoeba")


@pytest.mark.parametrize(("options", "message"), [
    (["--tasks", "xtreme", "--limit", "2"],
     "--limit 2: xtreme " + RETRIEVAL.format(flag="--limit").replace("run BUCC", "runs BUCC", 1)
     + " (the other tasks of xtreme: --tasks xtreme_pawsx,xtreme_xnli,xtreme_panx,xtreme_udpos,xtreme_xquad,"
       "xtreme_mlqa,xtreme_tydiqa)"),
    (["--tasks", "xtreme_xnli,xtreme_bucc2018_de,xtreme_tatoeba_*", "-L", "0.5"],
     "--limit 0.5: xtreme_bucc2018_de, xtreme_tatoeba_* " + RETRIEVAL.format(flag="--limit")),
    (["--tasks", "xtreme_tatoeba", "--samples", '{"xtreme_tatoeba_de": [0, 1]}'],
     "--samples: xtreme_tatoeba_de " + RETRIEVAL.format(flag="--samples").replace("run BUCC/", "runs ", 1)
     .replace("xtreme_bucc2018 and ", "")),
])
def test_a_limit_on_retrieval_tasks_is_refused_before_any_work(options, message, not_started, capsys):
    assert refused(["--model", "xtreme-encoder", "--model_args", "bundle=B", *options], capsys) == message


@pytest.mark.parametrize(("options", "message"), [
    (["--limit", "0"], "--limit 0 keeps no document: give a count >= 1 or a fraction between 0 and 1"),
    (["--apply_chat_template"], "--apply_chat_template: xtreme-encoder has no chat template (XTREME tasks send no "
                                "prompts): leave it out"),
])
def test_options_that_cannot_apply_are_refused_before_lm_eval_starts(options, message, not_started, capsys):
    argv = ["--model", "xtreme-encoder", "--model_args", "bundle=B", "--tasks", "xtreme_xnli_de", *options]
    assert refused(argv, capsys) == message


def test_few_shot_is_refused_not_reported_for_a_zero_shot_score(tiny_models, monkeypatch):
    from harness_tasks.encoder_model import XtremeEncoder

    monkeypatch.setattr(XtremeEncoder, "classify", None)  # never reached
    for options, message in (({"num_fewshot": 2}, "xtreme_xnli_de: XTREME is zero-shot cross-lingual transfer, so "
                                                  "num_fewshot=2 (--num_fewshot) does not apply: leave it out"),
                             ({"limit": 0}, "xtreme_xnli_de: limit=0 (--limit) keeps no document: give at least 1")):
        with pytest.raises(XtremeTaskError) as caught:
            lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                                    tasks=["xtreme_xnli_de"], task_manager=harness_tasks.task_manager(),
                                    bootstrap_iters=0, **options)
        assert str(caught.value) == message


def test_a_limit_on_other_tasks_is_left_to_lm_eval():
    assert lm_eval_cli.refusal(["--model", "xtreme-encoder", "--tasks", "xtreme_xnli", "--limit", "2"], True) is None


def test_the_python_api_refuses_a_limit_on_retrieval_before_the_model_runs(tiny_models, monkeypatch):
    from harness_tasks.encoder_model import XtremeEncoder
    from harness_tasks.readers import load_split

    called = []
    for method in ("classify", "embed"):
        monkeypatch.setattr(XtremeEncoder, method, lambda self, requests, m=method: called.append(m))
    sentences = {split: load_split("bucc2018", "de", split) for split in ("dev", "test")}
    total = sum(len(c.source_ids) + len(c.target_ids) for c in sentences.values())
    for options, how, kept in (({"limit": 2}, "limit=2 (--limit)", 2),
                               ({"samples": {"xtreme_bucc2018_de": [0, 3]}}, "samples= (--samples)", 2)):
        with pytest.raises(XtremeTaskError) as caught:
            lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                                    tasks=["xtreme_xnli_de", "xtreme_bucc2018_de"],
                                    task_manager=harness_tasks.task_manager(), bootstrap_iters=0, **options)
        assert str(caught.value) == (f"xtreme_bucc2018_de: BUCC needs every sentence embedded, but {how} keeps "
                                     f"{kept} of its {total} sentences: drop it or leave out xtreme_bucc2018 and "
                                     f"xtreme_tatoeba")
    assert called == []
    # A limit that keeps every document cuts nothing: accepted.
    monkeypatch.undo()
    full = run(tiny_models.bundle, ["xtreme_tatoeba_de"])["results"]["xtreme_tatoeba_de"]
    limited = lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                                      tasks=["xtreme_tatoeba_de"], task_manager=harness_tasks.task_manager(),
                                      bootstrap_iters=0, limit=100_000)["results"]["xtreme_tatoeba_de"]
    assert limited["accuracy,none"] == full["accuracy,none"]


# --------------------------------------------------------------------------------------------- Ctrl-C
def test_ctrl_c_in_xtreme_lm_eval_prints_interrupted_and_exits_130(tiny_models, monkeypatch, capsys, tmp_path):
    from harness_tasks.encoder_model import XtremeEncoder

    def interrupted(self, requests):
        raise KeyboardInterrupt

    lm_eval_s = (lm_eval.tasks.TaskManager, lm_eval.utils.make_table)
    monkeypatch.setattr(sys, "argv", ["xtreme-lm-eval"])
    monkeypatch.setattr(XtremeEncoder, "classify", interrupted)
    with pytest.raises(SystemExit) as caught:
        lm_eval_cli.main(["--model", "xtreme-encoder", "--model_args", f"bundle={tiny_models.bundle}", "--tasks",
                          "xtreme_xnli_de", "--output_path", str(tmp_path / "out")])
    assert caught.value.code == 130
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # lm-eval writes results only at the end
    assert (lm_eval.tasks.TaskManager, lm_eval.utils.make_table) == lm_eval_s


def test_ctrl_c_before_lm_eval_starts_exits_130_too(monkeypatch, capsys):
    def interrupted(argv, own_folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(lm_eval_cli, "refusal", interrupted)
    with pytest.raises(SystemExit) as caught:
        lm_eval_cli.main(["--model", "xtreme-encoder", "--tasks", "xtreme_xnli_de"])
    assert caught.value.code == 130 and capsys.readouterr().err == "interrupted\n"


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
