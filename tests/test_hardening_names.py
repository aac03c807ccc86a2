"""Issue 8, class 2: names a user types (--tasks, --languages, lm-eval task names) and `xtreme tasks`.

An unknown name exits 2 with the closest valid one and the valid list, before any file is read or model
loaded; language codes match case-insensitively; a requested language the data lacks is reported.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from evaluators.benchmarks import XTREME
from evaluators.names import UnknownNameError, resolve_languages, resolve_tasks
from harness_tasks.cli import main

VALID_TASKS = ("valid in --tasks: xtreme, classification, tagging, qa, retrieval, pawsx, xnli, panx, udpos, bucc2018, "
               "tatoeba, xquad, mlqa, tydiqa (the xtreme_ prefix is optional)")
ALL_LANGUAGES = ("af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt ru sw ta te "
                 "th tl tr ur vi yo zh")


# --- evaluators.names ------------------------------------------------------------------------------------------

def test_task_names_resolve_case_insensitively_with_prefix_and_groups_in_benchmark_order():
    assert resolve_tasks("Tatoeba,XTREME_xnli") == ["xnli", "tatoeba"]
    assert resolve_tasks("retrieval,classification") == ["pawsx", "xnli", "bucc2018", "tatoeba"]
    assert resolve_tasks("xtreme") == list(XTREME.task_names)
    assert resolve_tasks(None) == list(XTREME.task_names)


@pytest.mark.parametrize("text, message", [
    ("xnly", f"unknown task 'xnly' in --tasks; did you mean 'xnli'?\n{VALID_TASKS}"),
    ("xtreme_tatoba", f"unknown task 'xtreme_tatoba' in --tasks; did you mean 'tatoeba'?\n{VALID_TASKS}"),
    ("xnli,qqq", f"unknown task 'qqq' in --tasks\n{VALID_TASKS}"),
    ("xtreme_xnli_de", "unknown task 'xtreme_xnli_de' in --tasks: one language of xnli; select it with "
                       f"--tasks xnli --languages de\n{VALID_TASKS}"),
    (",", "--tasks ',' names nothing: give one or more comma-separated names"),
    ("", "--tasks '' names nothing: give one or more comma-separated names"),
])
def test_unknown_or_empty_task_names_are_refused_with_the_closest(text, message):
    with pytest.raises(UnknownNameError) as err:
        resolve_tasks(text)
    assert str(err.value) == message


def test_language_codes_match_case_insensitively_and_tatoeba_iso3_codes_map_back():
    assert resolve_languages("DE, En", ["xnli"]) == ["de", "en"]
    assert resolve_languages("deu,CMN", ["tatoeba"]) == ["de", "zh"]
    assert resolve_languages(None, ["xnli"]) is None
    # A language that only some requested tasks have applies to those (tatoeba has no en).
    assert resolve_languages("en", ["xnli", "tatoeba"]) == ["en"]


@pytest.mark.parametrize("text, tasks, message", [
    ("dee", ["xnli"], "unknown language 'dee' in --languages; did you mean 'de'?\n"
                      "valid in --languages for xnli: ar bg de el en es fr hi ru sw th tr ur vi zh"),
    ("de-en", ["bucc2018"], "unknown language 'de-en' in --languages; did you mean 'de'?\n"
                            "valid in --languages for bucc2018: de fr ru zh"),
    ("qq", list(XTREME.task_names), f"unknown language 'qq' in --languages\n"
                        f"valid in --languages for xtreme (all 9 tasks): {ALL_LANGUAGES}"),
    ("EN", ["bucc2018", "tatoeba"], "language 'EN' in --languages is not a language of bucc2018, tatoeba (it is one "
                                    "of pawsx, xnli, panx, udpos, xquad, mlqa, tydiqa)\n"
                                    "valid in --languages for bucc2018, tatoeba: af ar bg bn de el es et eu fa fi fr "
                                    "he hi hu id it ja jv ka kk ko ml mr nl pt ru sw ta te th tl tr ur vi zh"),
    (" , ", ["xnli"], "--languages ' , ' names nothing: give one or more comma-separated names"),
])
def test_unknown_or_empty_languages_are_refused(text, tasks, message):
    with pytest.raises(UnknownNameError) as err:
        resolve_languages(text, tasks)
    assert str(err.value) == message


# --- xtreme score-submission -----------------------------------------------------------------------------------

def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def folders(tmp_path):
    """A submission holding xnli de and tatoeba de, with matching labels."""
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    for root in (pred, gold):
        write(root / "xnli" / "test-de.tsv", "entailment\nneutral\n")
        write(root / "tatoeba" / "test-de.tsv", "0\n1\n")
    return pred, gold


def score_submission(capsys, *argv):
    code = main(["score-submission", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_score_submission_unknown_task_exits_2_instead_of_an_empty_table(folders, capsys):
    code, out, err = score_submission(capsys, *folders, "--tasks", "xnl")
    assert (code, out) == (2, "")
    assert err == f"error: unknown task 'xnl' in --tasks; did you mean 'xnli'?\n{VALID_TASKS}\n"


@pytest.mark.parametrize("flag, value, first_line", [
    ("--tasks", ",", "error: --tasks ',' names nothing: give one or more comma-separated names"),
    ("--languages", "", "error: --languages '' names nothing: give one or more comma-separated names"),
    ("--languages", "dx", "error: unknown language 'dx' in --languages; did you mean 'de'?"),
])
def test_score_submission_refuses_empty_and_unknown_lists(folders, capsys, flag, value, first_line):
    code, out, err = score_submission(capsys, *folders, flag, value)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == first_line


def test_score_submission_language_case_group_names_and_languages_of_other_tasks(folders, capsys):
    pred, gold = folders
    for root in folders:
        write(root / "pawsx" / "test-de.tsv", "1\n")
    code, out, err = score_submission(capsys, pred, gold, "--tasks", "classification,TATOEBA", "--languages", "DE",
                                      "--json", pred.parent / "scores.json")
    assert (code, err) == (0, "")
    scores = json.loads((pred.parent / "scores.json").read_text(encoding="utf-8"))
    assert [task for task in XTREME.task_names if task in scores] == ["pawsx", "xnli", "tatoeba"]
    assert scores["xnli"]["accuracy"] == {"de": 100.0} and scores["tatoeba"]["accuracy"] == {"de": 100.0}
    assert scores["meta"]["skipped_tasks"] == {} and "not scored" not in out
    # Without --tasks the tasks present are scored and the others are named.
    code, out, err = score_submission(capsys, pred, gold, "--languages", "de")
    assert (code, err) == (0, "")
    assert ("\nnot scored: panx (no predictions folder), udpos (no predictions folder), bucc2018 (no predictions "
            "folder), xquad (no predictions folder), mlqa (no predictions folder), tydiqa (no "
            "predictions folder)\n") in out
    # en is an xnli language but not a tatoeba one: it applies to xnli, and tatoeba is reported as skipped.
    write(pred / "xnli" / "test-en.tsv", "neutral\n")
    write(gold / "xnli" / "test-en.tsv", "entailment\n")
    code, out, err = score_submission(capsys, pred, gold, "--tasks", "xnli,tatoeba", "--languages", "en")
    assert (code, err) == (0, "")
    assert "\nnot scored: tatoeba (none of the requested languages)\n" in out


def test_score_submission_requested_task_missing_from_a_folder_is_an_error(folders, capsys):
    pred, gold = folders
    code, out, err = score_submission(capsys, pred, gold, "--tasks", "xnli,pawsx")
    assert (code, out) == (2, "")
    assert err == (f"error: {pred / 'pawsx'}: missing folder: --tasks asks for pawsx "
                   "(leave out --tasks to score the tasks present)\n")
    (pred / "pawsx").mkdir()
    code, _, err = score_submission(capsys, pred, gold, "--tasks", "pawsx", "--languages", "de")
    assert code == 2
    assert err == (f"error: {gold / 'pawsx'}: missing folder: --tasks asks for pawsx "
                   "(leave out --tasks to score the tasks present)\n")


def test_score_submission_requested_language_without_its_file_names_the_file(folders, capsys):
    pred, gold = folders
    code, out, err = score_submission(capsys, pred, gold, "--tasks", "xnli", "--languages", "de,FR")
    assert (code, out) == (2, "")
    assert err == f"error: {pred / 'xnli' / 'test-fr.tsv'}: missing file: expected one label a line\n"


def test_score_submission_that_scores_nothing_is_an_error(tmp_path, capsys):
    (tmp_path / "pred").mkdir()
    (tmp_path / "gold").mkdir()
    code, out, err = score_submission(capsys, tmp_path / "pred", tmp_path / "gold", "--languages", "de")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: nothing scored: no task is in both {tmp_path / 'pred'} and {tmp_path / 'gold'} "
                          "with a requested language (pawsx: no predictions folder; xnli: no predictions folder; ")


# --- xtreme score ----------------------------------------------------------------------------------------------

def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_score_checks_names_before_loading_lm_eval_torch_or_the_model(tmp_path):
    # The model path does not exist: had anything tried to load it, the error would be another one.
    result = run_python(
        "import sys\n"
        "from harness_tasks.cli import main\n"
        f"code = main(['score', '--model', {str(tmp_path / 'absent')!r}, '--tasks', 'xnly,xnli'])\n"
        "print(code, sorted(m for m in ('torch', 'lm_eval', 'transformers') if m in sys.modules))\n"
    )
    assert result.stdout == "2 []\n"
    assert result.stderr == f"xtreme score: unknown task 'xnly' in --tasks; did you mean 'xnli'?\n{VALID_TASKS}\n"


@pytest.mark.parametrize("argv, message", [
    (["--tasks", ","], "xtreme score: --tasks ',' names nothing: give one or more comma-separated names\n"),
    (["--tasks", "tatoeba", "--languages", "EN"],
     "xtreme score: language 'EN' in --languages is not a language of tatoeba (it is one of pawsx, xnli, panx, "
     "udpos, xquad, mlqa, tydiqa)\nvalid in --languages for tatoeba: af ar bg bn de el es et eu fa fi fr he hi hu id "
     "it ja jv ka kk ko ml mr nl pt ru sw ta te th tl tr ur vi zh\n"),
])
def test_score_refuses_bad_lists_with_exit_2(tmp_path, capsys, argv, message):
    assert main(["score", "--model", str(tmp_path / "absent"), "--output", str(tmp_path / "out"), *argv]) == 2
    assert capsys.readouterr().err == message
    assert not (tmp_path / "out").exists()


def test_score_reports_requested_languages_the_data_lacks(tiny_models, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["score", "--model", str(tiny_models.bundle), "--output", str(out), "--tasks", "pawsx,bucc2018",
                 "--languages", "EN,ja", "--limit", "2"])
    captured = capsys.readouterr()
    assert code == 0
    section = json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]
    assert section["requested_languages"] == ["en", "ja"]
    assert list(section["tasks"]) == ["pawsx"] and list(section["tasks"]["pawsx"]["accuracy"]) == ["en"]
    assert list(section["skipped_languages"]) == ["pawsx"]
    assert re.fullmatch(r".*pawsx/test-ja\.tsv: no such file; .*", section["skipped_languages"]["pawsx"]["ja"])
    assert section["skipped_tasks"] == {"bucc2018": "none of the requested languages (en ja) is a bucc2018 language"}
    assert "\nbucc2018: skipped: none of the requested languages (en ja) is a bucc2018 language\n" \
           "pawsx: requested but not in the data: ja" in captured.out
    assert "pawsx: the bundled sample has no ja (1 skipped)" in captured.err


# --- xtreme-lm-eval ---------------------------------------------------------------------------------------------

def test_lm_eval_unknown_xtreme_task_exits_2_with_the_closest_name(capsys):
    from harness_tasks.lm_eval_cli import main as lm_eval_main

    with pytest.raises(SystemExit) as exit_:
        lm_eval_main(["run", "--model", "xtreme-encoder", "--tasks", "xtreme_xnly,xtreme_xnli_de", "xtreme_xnli_DE",
                      "hellaswag", "xtreme_udpos_*"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "xtreme-lm-eval: unknown task 'xtreme_xnly'; did you mean 'xtreme_xnli'?\n"
        "unknown task 'xtreme_xnli_DE'; did you mean 'xtreme_xnli_de'?\n"
        "valid names: xtreme, xtreme_pawsx, xtreme_xnli, xtreme_panx, xtreme_udpos, xtreme_bucc2018, "
        "xtreme_tatoeba, xtreme_xquad, xtreme_mlqa, xtreme_tydiqa (XTREME); xtreme_r, xtreme_r_xnli, xtreme_r_panx, "
        "xtreme_r_udpos, xtreme_r_tatoeba, xtreme_r_xcopa, xtreme_r_lareqa, xtreme_r_mewslix, xtreme_r_xquad, "
        "xtreme_r_mlqa, xtreme_r_tydiqa (XTREME-R); xtreme_lareqa, xtreme_mewslix (each one task over all its "
        "languages); and "
        "xtreme_<task>_<lang> for each language of a task (`xtreme tasks` lists them)\n")


def test_lm_eval_name_check_reads_every_option_form_and_leaves_other_folders_to_lm_eval():
    from harness_tasks.lm_eval_cli import requested_tasks, unknown_xtreme_tasks

    assert requested_tasks(["--tasks=a,b", "-t", "c", "d,e", "--model", "x", "f"]) == ["a", "b", "c", "d", "e"]
    assert unknown_xtreme_tasks(["run", "-t", "xtreme", "xtreme_tatoeba_kk,xtreme_xquad_*", "mmlu"]) is None
    assert unknown_xtreme_tasks(["--tasks=xtreme_xnly"]).startswith(
        "unknown task 'xtreme_xnly'; did you mean 'xtreme_xnli'?\n")


def test_lm_eval_names_checked_are_the_generated_task_files():
    from harness_tasks.lm_eval_cli import xtreme_task_names
    from harness_tasks.tasks import TASKS_DIR

    declared = set()
    for path in TASKS_DIR.rglob("*.yaml"):
        declared.update(re.findall(r"^(?:task|group): (\S+)$", path.read_text(encoding="utf-8"), re.M))
    assert sorted(xtreme_task_names()) == sorted(declared)


def test_lm_eval_unknown_task_through_the_console_script_exits_2_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "harness_tasks.lm_eval_cli", "run", "--model", "xtreme-encoder", "--tasks",
         "xtreme_tatoba"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "xtreme-lm-eval: unknown task 'xtreme_tatoba'; did you mean 'xtreme_tatoeba'?")
    assert "Traceback" not in result.stderr


# --- xtreme tasks -----------------------------------------------------------------------------------------------

def test_tasks_command_imports_no_torch_lm_eval_or_transformers():
    result = run_python(
        "import sys, io, contextlib\n"
        "from harness_tasks.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['tasks'])\n"
        "print(code, sorted(m for m in ('torch', 'lm_eval', 'transformers', 'datasets') if m in sys.modules))\n"
    )
    assert (result.stdout, result.stderr) == ("0 []\n", "")


def test_tasks_command_table_lists_heads_data_languages_and_groups(capsys):
    assert main(["tasks", "--family", "retrieval"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == [
        "task      group      metric    bundle head (kind)  English training data            langs",
        "--------  ---------  --------  ------------------  -------------------------------  -----",
        "bucc2018  retrieval  f1        encoder (encoder)   none: scores the encoder itself  4",
        "tatoeba   retrieval  accuracy  encoder (encoder)   none: scores the encoder itself  36",
    ]
    assert "\nbucc2018  de fr ru zh\n" in out
    assert "\n  retrieval       bucc2018 tatoeba\n" in out and "classification" not in out
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    assert "\nxquad     qa              em_f1     squad (question_answering)       squad/train-v1.1.json" in out
    assert "\nxnli      classification  accuracy  xnli (sequence_classification)   xnli/train-en.tsv" in out


def test_tasks_command_json_is_the_benchmark(capsys):
    from evaluators.benchmarks import XTREME
    from evaluators.tasks import get_task

    assert main(["tasks", "--format", "json", "--family", "QA"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["benchmark"] == "xtreme"
    assert [entry["task"] for entry in listing["tasks"]] == ["xquad", "mlqa", "tydiqa"]
    assert listing["tasks"][2] == {
        "task": "tydiqa", "title": "TyDiQA-GoldP", "group": "qa", "family": "span_qa", "metric": "em_f1",
        "head": "tydiqa", "head_kind": "question_answering",
        "english_training_data": "tydiqa/tydiqa-goldp-v1.1-train/tydiqa.en.train.json",
        "training_data_title": "TyDiQA-GoldP English",
        "hub": ["train: google/xtreme [tydiqa] (train)", "test: google/xtreme [tydiqa] (validation)"],
        "lm_eval_group": "xtreme_tydiqa", "languages": list(XTREME.languages("tydiqa")),
        "citation": get_task("tydiqa").citation,
    }
    assert main(["tasks", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {e["task"]: e["languages"] for e in listing["tasks"]} == {t: list(XTREME.languages(t)) for t in XTREME.task_names}


@pytest.mark.parametrize("argv, message", [
    (["--family", "taging"], "xtreme tasks: unknown family 'taging' in --family; did you mean 'tagging'?\n"
                             "valid in --family: classification, tagging, qa, retrieval, pair_classification, "
                             "bitext_mining, sentence_retrieval, span_qa\n"),
    (["--benchmark", "glue"], "xtreme tasks: unknown benchmark 'glue' in --benchmark\nvalid in --benchmark: xtreme, "
                              "xtreme-r\n"),
])
def test_tasks_command_refuses_unknown_benchmark_and_family(capsys, argv, message):
    assert main(["tasks", *argv]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)
