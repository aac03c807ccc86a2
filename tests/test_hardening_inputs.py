"""Issue 8, class 1: submissions and data readers refuse unsafe or malformed input with one named error.

Links inside a submission, label or data folder; folders, pipes and unreadable files where a file belongs;
JSON that Python cannot parse into what is expected; empty gold files; non-ASCII digits; CR line ends;
``--json`` targets that cannot be written or lie among the inputs; labels outside the task's set, NUL bytes,
duplicate JSON keys, QA predictions for no gold question, hard links to any gold file; partial label sets
(a task's languages are those with a gold file); names with stray commas or given twice. Every refusal
names the file (and line), exits 2 with one line through the command line, and never quotes the content of
any other file.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from evaluators import safe_files
from evaluators.benchmarks import BENCHMARKS
from evaluators.tasks import TASKS
from evaluators.errors import InputFileError, MissingInputFile
from evaluators.submission import score_submission
from harness_tasks.cli import main
from harness_tasks.readers import SAMPLE_DATA_DIR, DataFormatError, MissingDataError, load_split
from tests.golden import require_golden
from tests.sample_files import write

SECRET = "SECRET-CONTENT-THAT-MUST-NOT-LEAK"
XQUAD_GOLD = {"data": [{"paragraphs": [{"context": "Paris is in France.", "qas": [
    {"id": "q1", "question": "Where?", "answers": [{"text": "France", "answer_start": 12}]},
    {"id": "q2", "question": "What?", "answers": [{"text": "Paris", "answer_start": 0}]},
]}]}]}


@pytest.fixture
def dirs(tmp_path):
    """A one-language submission for xnli, tatoeba, bucc2018, udpos and xquad that scores cleanly."""
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    for root, xnli, tatoeba, bucc, answers in (
        (pred, "entailment\nneutral\n", "3\n1\n", "de-000000001\ten-000000002\n", {"q1": "France", "q2": "Rome"}),
        (gold, "entailment\ncontradiction\n", "3\n2\n", "de-000000001\ten-000000002\nde-000000003\ten-000000001\n",
         XQUAD_GOLD),
    ):
        write(root, "xnli/test-de.tsv", xnli)
        write(root, "tatoeba/test-de.tsv", tatoeba)
        write(root, "bucc2018/test-de.tsv", bucc)
        write(root, "udpos/test-de.tsv", "DET\nNOUN\n\nVERB\n")
        write(root, "xquad/test-de.json", answers)
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return pred, gold


def score(pred, gold, **kwargs):
    return score_submission(pred, gold, languages=["de"], **kwargs)


def refusal(fn, exc_type=InputFileError) -> str:
    with pytest.raises(exc_type) as info:
        fn()
    message = str(info.value)
    assert SECRET not in message
    return message


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(["score-submission", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_exit_2(capsys, *argv) -> str:
    code, _, err = cli(capsys, *argv)
    assert code == 2
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and SECRET not in err
    return err.strip()


def relink(path: Path, target) -> None:
    path.unlink() if path.is_file() or path.is_symlink() else shutil.rmtree(path)
    path.symlink_to(target)


# ----------------------------------------------------------------------------------------- links
def test_the_fixture_scores_cleanly(dirs):
    scores = score(*dirs)
    assert scores["xnli"]["accuracy"] == {"de": 50.0}
    assert scores["tatoeba"]["accuracy"] == {"de": 50.0}
    assert scores["bucc2018"]["f1"]["de"] == pytest.approx(2 * 1.0 * 0.5 / 1.5 * 100)


def test_prediction_linked_to_its_gold_file_is_refused_not_scored_100(dirs):
    pred, gold = dirs
    relink(pred / "xnli/test-de.tsv", gold / "xnli/test-de.tsv")
    message = refusal(lambda: score(pred, gold))
    assert message.startswith(f"{pred / 'xnli/test-de.tsv'}: a symbolic link; links inside {pred} are not followed")


@pytest.mark.parametrize("relative", ["xnli/test-de.tsv", "tatoeba/test-de.tsv", "udpos/test-de.tsv",
                                      "bucc2018/test-de.tsv", "xquad/test-de.json"])
@pytest.mark.parametrize("side", ["pred", "gold"])
def test_link_to_another_file_is_refused_before_it_is_read(dirs, relative, side):
    root = dirs[0] if side == "pred" else dirs[1]
    relink(root / relative, root.parent / "secret.txt")
    message = refusal(lambda: score(*dirs))
    assert message.startswith(f"{root / relative}: a symbolic link;")


def test_linked_task_folder_and_dangling_link_are_refused(dirs):
    pred, gold = dirs
    relink(pred / "xnli", gold / "xnli")
    assert refusal(lambda: score(pred, gold)).startswith(f"{pred / 'xnli'}: a symbolic link;")
    shutil.rmtree(pred)
    write(pred, "tatoeba/test-de.tsv", "3\n1\n")
    (pred / "tatoeba/test-de.tsv").unlink()
    (pred / "tatoeba/test-de.tsv").symlink_to(pred / "nowhere")
    assert refusal(lambda: score(pred, gold, tasks=["tatoeba"])).startswith(f"{pred / 'tatoeba/test-de.tsv'}: a symbolic link;")


def test_the_folders_named_by_the_user_may_be_links(dirs, tmp_path):
    pred, gold = dirs
    (tmp_path / "pred-link").symlink_to(pred)
    (tmp_path / "gold-link").symlink_to(gold)
    assert score(tmp_path / "pred-link", tmp_path / "gold-link") == score(pred, gold)


def test_same_folder_or_hard_linked_gold_file_is_refused(dirs):
    pred, gold = dirs
    assert refusal(lambda: score(gold, gold)) == f"{gold}: is the labels folder {gold} itself; give the predictions folder"
    (pred / "xnli/test-de.tsv").unlink()
    os.link(gold / "xnli/test-de.tsv", pred / "xnli/test-de.tsv")
    assert refusal(lambda: score(pred, gold)).startswith(f"{pred / 'xnli/test-de.tsv'}: is the gold file")


def test_link_refusal_through_the_command_line(dirs, capsys):
    pred, gold = dirs
    relink(pred / "xnli/test-de.tsv", pred.parent / "secret.txt")
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de")
    assert err.startswith(f"error: {pred / 'xnli/test-de.tsv'}: a symbolic link;")


# ----------------------------------------------------------------------------------- file types
def test_folder_fifo_and_file_in_the_wrong_place(dirs):
    pred, gold = dirs
    (pred / "xnli/test-de.tsv").unlink()
    (pred / "xnli/test-de.tsv").mkdir()
    assert refusal(lambda: score(pred, gold)) == (
        f"{pred / 'xnli/test-de.tsv'}: a folder, not a regular file; expected one label a line")
    (pred / "xnli/test-de.tsv").rmdir()
    os.mkfifo(pred / "xnli/test-de.tsv")  # opening it for reading would block forever
    assert refusal(lambda: score(pred, gold)) == (
        f"{pred / 'xnli/test-de.tsv'}: a named pipe (FIFO), not a regular file; expected one label a line")
    shutil.rmtree(gold / "udpos")
    (gold / "udpos").write_text("x")
    assert refusal(lambda: score(pred, gold, tasks=["udpos"])) == f"{gold / 'udpos'}: a file where a folder was expected"


def test_unreadable_file_is_named(dirs, monkeypatch, capsys):
    pred, gold = dirs

    def denied(path, follow):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(safe_files, "_open_for_reading", denied)
    err = assert_one_line_exit_2(capsys, pred, gold, "--tasks", "xnli", "--languages", "de")
    assert err == (f"error: {pred / 'xnli/test-de.tsv'}: cannot be read: permission denied; "
                   "give the user running xtreme read access")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a chmod 000 file")
def test_chmod_000_file_is_named(dirs):
    pred, gold = dirs
    (pred / "xnli/test-de.tsv").chmod(0)
    assert refusal(lambda: score(pred, gold)).startswith(f"{pred / 'xnli/test-de.tsv'}: cannot be read: permission denied")


def test_missing_file_is_its_own_type(dirs):
    pred, gold = dirs
    (pred / "xnli/test-de.tsv").unlink()
    message = refusal(lambda: score(pred, gold), MissingInputFile)
    assert message == f"{pred / 'xnli/test-de.tsv'}: missing file: expected one label a line"


# ------------------------------------------------------------------------------------------ JSON
def gold_with(dirs, change) -> Path:
    data = json.loads(json.dumps(XQUAD_GOLD))
    change(data, data["data"][0]["paragraphs"][0]["qas"])
    return write(dirs[1], "xquad/test-de.json", data)


@pytest.mark.parametrize("change, line, problem", [
    (lambda d, qas: qas[1].__setitem__("id", [1, 2]), 19, "data[0].paragraphs[0].qas[1].id: expected str, got list"),
    (lambda d, qas: qas[1].__setitem__("id", 7), 19, "data[0].paragraphs[0].qas[1].id: expected str, got int"),
    (lambda d, qas: qas[0]["answers"][0].__setitem__("text", 308), 13,
     "data[0].paragraphs[0].qas[0].answers[0].text: expected str, got int"),
    (lambda d, qas: qas[0].__setitem__("answers", {"text": "France"}), 11,
     "data[0].paragraphs[0].qas[0].answers: expected list, got dict"),
    (lambda d, qas: qas[0]["answers"][0].__setitem__("answer_start", "12"), 14,
     "data[0].paragraphs[0].qas[0].answers[0].answer_start: expected int, got str"),
    (lambda d, qas: qas[0]["answers"][0].__setitem__("answer_start", True), 14,
     "data[0].paragraphs[0].qas[0].answers[0].answer_start: expected int, got bool"),
    (lambda d, qas: qas[0]["answers"][0].__setitem__("answer_start", -1), 14,
     "data[0].paragraphs[0].qas[0].answers[0].answer_start: expected a non-negative offset, got -1"),
    (lambda d, qas: qas[1].__setitem__("answers", [{"text": "", "answer_start": 0}]), 18,
     "data[0].paragraphs[0].qas[1]: gold question 'q2' has only empty answers, the placeholder of unlabelled "
     "test data; score against the labelled file"),
    (lambda d, qas: qas.__setitem__(1, dict(qas[0])), 18, "data[0].paragraphs[0].qas[1]: question id 'q1' appears twice"),
    (lambda d, qas: d["data"][0].__setitem__("paragraphs", None), 4,
     "data[0].paragraphs: expected list, got null"),
])
def test_malformed_gold_qa_names_file_line_and_json_path(dirs, change, line, problem):
    path = gold_with(dirs, change)
    with pytest.raises(InputFileError) as info:
        score(*dirs, tasks=["xquad"])
    assert (info.value.path, info.value.line, info.value.problem) == (str(path), line, problem)


@pytest.mark.parametrize("content, message", [
    ('{"data": []}', "holds no questions: gold labels need at least one; expected SQuAD v1.1 JSON: "),
    ("{}", "missing key 'data'; expected SQuAD v1.1 form "),
    ("[1, 2]", "top level is a list; expected SQuAD v1.1 form "),
    ("308", "top level is an int; expected SQuAD v1.1 form "),
    ("null", "top level is null; expected SQuAD v1.1 form "),
])
def test_gold_qa_of_the_wrong_shape_is_refused(dirs, content, message):
    path = write(dirs[1], "xquad/test-de.json", content)
    assert refusal(lambda: score(*dirs, tasks=["xquad"])).startswith(f"{path}: {message}")


@pytest.mark.parametrize("side", ["pred", "gold"])
def test_deeply_nested_json_is_a_named_error(dirs, side, capsys):
    root = dirs[0] if side == "pred" else dirs[1]
    path = write(root, "xquad/test-de.json", "[" * 100_000 + "]" * 100_000)
    err = assert_one_line_exit_2(capsys, *dirs, "--tasks", "xquad", "--languages", "de")
    assert err.startswith(f"error: {path}: JSON nested too deeply to read (more than ")


@pytest.mark.parametrize("side", ["pred", "gold"])
def test_five_thousand_digit_integer_names_file_and_line(dirs, side):
    root = dirs[0] if side == "pred" else dirs[1]
    text = json.dumps({"q1": "France", "q2": "Rome"} if side == "pred" else XQUAD_GOLD, indent=2)
    text = text.replace('"Rome"', "9" * 5000) if side == "pred" else text.replace('"answer_start": 0', '"answer_start": ' + "9" * 5000)
    path = write(root, "xquad/test-de.json", text)
    message = refusal(lambda: score(*dirs, tasks=["xquad"]))
    line = 3 if side == "pred" else 24
    assert message.startswith(f"{path}:{line}: an integer of 5000 digits, too long to be a count, an offset or an id;")


def test_prediction_of_the_wrong_type_names_its_line(dirs):
    path = write(dirs[0], "xquad/test-de.json", '{\n  "q1": "France",\n  "q2": ["Rome"]\n}\n')
    assert refusal(lambda: score(*dirs, tasks=["xquad"])) == (
        f"{path}:3: answer for question 'q2' is a JSON list; expected a string (write \"\" for no answer)")
    path = write(dirs[0], "xquad/test-de.json", '["France"]')
    assert refusal(lambda: score(*dirs, tasks=["xquad"])) == (
        f"{path}:1: found a JSON list; expected a JSON object mapping question ids to answer strings")


# ------------------------------------------------------------------------------- empty gold files
@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("content", ["", "  \n\t\n"])
def test_empty_or_blank_gold_file_of_every_task_is_refused(tmp_path, task, content):
    spec = TASKS[task]
    benchmark = next(b for b in BENCHMARKS.values() if task in b.task_names)
    lang = benchmark.languages(task)[0]
    relative = spec.submission_file(lang)
    family_prediction = {"xnli": "neutral\n", "pawsx": "1\n", "tatoeba": "1\n", "udpos": "X\n", "panx": "O\n",
                         "bucc2018": "", "xquad": "{}", "mlqa": "{}", "tydiqa": "{}", "xcopa": '{"label": 0}\n',
                         "mewslix": "{}", "lareqa": "{}"}
    write(tmp_path / "pred", relative, family_prediction[task])  # a valid prediction: the gold is at fault
    path = write(tmp_path / "gold", relative, content)
    message = refusal(lambda: score_submission(tmp_path / "pred", tmp_path / "gold", languages=[lang], tasks=[task],
                                               benchmark=benchmark))
    assert message.startswith(f"{path}: empty file: expected ")


def test_empty_bucc_prediction_is_nothing_mined(dirs):
    write(dirs[0], "bucc2018/test-de.tsv", "")
    assert score(*dirs, tasks=["bucc2018"])["bucc2018"]["f1"] == {"de": 0}


# ------------------------------------------------------------------------------------- digits
NOT_ASCII_INDICES = ["٣٦٧", "\u0663", " 12 ", "1_000", "+5", "07", "-1", "１２", "²", "1.0"]


@pytest.mark.parametrize("value", [v for v in NOT_ASCII_INDICES if v != " 12 "])
@pytest.mark.parametrize("side", ["pred", "gold"])
def test_tatoeba_indices_are_ascii_digits_only(dirs, value, side):
    root = dirs[0] if side == "pred" else dirs[1]
    path = write(root, "tatoeba/test-de.tsv", f"3\n{value}\n")
    message = refusal(lambda: score(*dirs, tasks=["tatoeba"]))
    assert message == (f"{path}:2: expected a non-negative integer in ASCII digits 0-9 (no sign, spaces or leading "
                       f"zeros), got {value!r}")


def test_tatoeba_index_with_white_space_around_it_is_read_stripped_as_the_reference_reads_it(dirs):
    write(dirs[0], "tatoeba/test-de.tsv", " 3 \n 2\t\n")
    assert score(*dirs, tasks=["tatoeba"])["tatoeba"]["accuracy"] == {"de": 100.0}


@pytest.mark.parametrize("value", NOT_ASCII_INDICES)
def test_tatoeba_label_reader_takes_ascii_digits_only(tmp_path, value):
    write(tmp_path, "tatoeba/fr-en.fr", "Bonjour.\nMerci.\n")
    write(tmp_path, "tatoeba/fr-en.en", "Hello.\nThanks.\n")
    labels = write(tmp_path, "labels/tatoeba/test-fr.tsv", f"0\n{value}\n")
    message = refusal(lambda: load_split("tatoeba", "fr", "test", source=tmp_path), DataFormatError)
    assert message == (f"{labels}:2: expected a line number of the non-English file, a non-negative integer in "
                       f"ASCII digits 0-9 (no sign, spaces or leading zeros); got {value!r}")


def test_tatoeba_label_of_five_thousand_digits_is_out_of_range_not_a_crash(tmp_path):
    write(tmp_path, "tatoeba/fr-en.fr", "Bonjour.\nMerci.\n")
    write(tmp_path, "tatoeba/fr-en.en", "Hello.\nThanks.\n")
    labels = write(tmp_path, "labels/tatoeba/test-fr.tsv", "0\n" + "1" * 5000 + "\n")
    assert refusal(lambda: load_split("tatoeba", "fr", "test", source=tmp_path), DataFormatError) == (
        f"{labels}:2: {'1' * 40!r}... is not a line number of the non-English file; expected an integer from 0 to 1")


@pytest.mark.parametrize("line, side, value, prefix", [
    ("de-٠٠١\ten-000000002", "source", "de-٠٠١", "de"),
    ("de-+1\ten-000000002", "source", "de-+1", "de"),
    ("de-000000001\ten-00_2", "target", "en-00_2", "en"),
    ("en-000000002\tde-000000001", "source", "en-000000002", "de"),
    ("de-1 \ten-2", "source", "de-1 ", "de"),
])
@pytest.mark.parametrize("side_file", ["pred", "gold"])
def test_bucc_ids_are_language_and_ascii_digits(dirs, line, side, value, prefix, side_file):
    root = dirs[0] if side_file == "pred" else dirs[1]
    path = write(root, "bucc2018/test-de.tsv", f"de-000000003\ten-000000001\n{line}\n")
    message = refusal(lambda: score(*dirs, tasks=["bucc2018"]))
    assert message == (f"{path}:2: {side} id {value!r}: expected '{prefix}-' followed by ASCII digits 0-9 "
                       f"(e.g. '{prefix}-000000042')")


# --------------------------------------------------------------------------------- line endings
def converted_copy(golden: Path, into: Path, line_end: bytes) -> Path:
    shutil.copytree(golden, into)
    for path in into.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
            path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", line_end))
    return into


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r"], ids=["CRLF", "CR-only"])
def test_crlf_and_cr_only_golden_files_score_exactly_like_lf(tmp_path, line_end):
    golden = require_golden()
    lf = score_submission(golden / "predictions", golden / "labels")
    pred = converted_copy(golden / "predictions", tmp_path / "pred", line_end)
    gold = converted_copy(golden / "labels", tmp_path / "gold", line_end)
    assert (gold / "udpos/test-de.tsv").read_bytes().count(b"\r") > 10
    assert score_submission(pred, gold) == lf


def test_cr_only_ends_a_line_in_every_strict_reader(tmp_path):
    path = write(tmp_path, "labels.tsv", b"a\rb\r\nc\n")
    from evaluators.submission_files import read_label_lines
    assert read_label_lines(path) == ["a", "b", "c"]
    write(tmp_path, "xnli/dev-de.tsv", b"a\tb\tneutral\rc\td\tentailment\r")
    assert [p.label for p in load_split("xnli", "de", "dev", source=tmp_path)] == ["neutral", "entailment"]
    path = write(tmp_path, "udpos/dev-de.tsv", b"Der\tDET\r\rHund\tNOUN\r\r\r")
    assert len(load_split("udpos", "de", "dev", source=tmp_path)) == 2
    bad = write(tmp_path, "xnli/dev-fr.tsv", b"a\tb\tneutral\rc\t\xff\tneutral\r")
    assert refusal(lambda: load_split("xnli", "fr", "dev", source=tmp_path), DataFormatError).startswith(
        f"{bad}:2: not valid UTF-8")


# ---------------------------------------------------------------------------------- --json output
def test_json_pointing_at_a_folder_is_refused_before_scoring(dirs, capsys):
    pred, gold = dirs
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", pred.parent)
    assert err == f"error: {pred.parent}: is a folder; expected a file path for the scores (--json)"


def test_json_pointing_at_a_pipe_or_under_a_file_is_refused(dirs, capsys):
    pred, gold = dirs
    os.mkfifo(pred.parent / "pipe")
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", pred.parent / "pipe")
    assert err.startswith(f"error: {pred.parent / 'pipe'}: is not a regular file")
    target = pred.parent / "secret.txt" / "scores.json"
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", target)
    assert err == f"error: {target}: {pred.parent / 'secret.txt'} is a file, not a folder; expected a file path for the scores (--json)"


def test_full_disk_while_writing_json_leaves_nothing_behind(dirs, capsys, monkeypatch):
    import harness_tasks.atomic as atomic

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    pred, gold = dirs
    out = pred.parent / "out" / "scores.json"
    out.parent.mkdir()
    code, printed, err = cli(capsys, pred, gold, "--languages", "de", "--json", out)
    assert code == 2
    assert err == f"error: {out}: cannot write the scores (No space left on device)\n"
    assert list(out.parent.iterdir()) == []


def test_a_file_named_directly_may_be_a_link_but_must_lead_to_a_regular_file(tmp_path):
    from evaluators.submission_files import read_label_lines

    real = write(tmp_path, "real.tsv", "a\nb\n")
    (tmp_path / "link.tsv").symlink_to(real)
    assert read_label_lines(tmp_path / "link.tsv") == ["a", "b"]
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "pipe-link.tsv").symlink_to(tmp_path / "pipe")
    assert refusal(lambda: read_label_lines(tmp_path / "pipe-link.tsv")) == (
        f"{tmp_path / 'pipe-link.tsv'}: a named pipe (FIFO), not a regular file; expected one label a line")


# ------------------------------------------------------------------------------------ the readers
@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, root)
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("task, split, relative", [
    ("xnli", "dev", "xnli/dev-de.tsv"),
    ("udpos", "test", "udpos/test-de.tsv"),
    ("panx", "dev", "panx/dev-de.tsv"),
    ("xquad", "test", "xquad/xquad.de.json"),
    ("bucc2018", "dev", "bucc2018/de-en.dev.de"),
    ("bucc2018", "dev", "bucc2018/de-en.dev.gold"),
    ("tatoeba", "test", "tatoeba/tatoeba.deu-eng.deu"),
])
def test_reader_refuses_a_linked_data_file(data, task, split, relative):
    relink(data / relative, data.parent / "secret.txt")
    message = refusal(lambda: load_split(task, "de", split, source=data), DataFormatError)
    assert message.startswith(f"{data / relative}: a symbolic link; links inside {data} are not followed")


def test_reader_refuses_a_linked_folder_a_fifo_and_a_folder(data):
    shutil.move(data / "xnli", data / "xnli-real")
    (data / "xnli").symlink_to(data / "xnli-real")
    assert refusal(lambda: load_split("xnli", "de", "dev", source=data), DataFormatError).startswith(
        f"{data / 'xnli'}: a symbolic link;")
    (data / "pawsx/dev-de.tsv").unlink()
    os.mkfifo(data / "pawsx/dev-de.tsv")
    assert refusal(lambda: load_split("pawsx", "de", "dev", source=data), DataFormatError).startswith(
        f"{data / 'pawsx/dev-de.tsv'}: a named pipe (FIFO), not a regular file;")
    (data / "udpos/dev-de.tsv").unlink()
    (data / "udpos/dev-de.tsv").mkdir()
    assert refusal(lambda: load_split("udpos", "de", "dev", source=data), DataFormatError).startswith(
        f"{data / 'udpos/dev-de.tsv'}: a folder, not a regular file;")


def test_optional_files_that_are_links_are_refused_not_skipped(data):
    relink(data / "bucc2018/de-en.dev.gold", data / "nowhere")  # dangling: is_file() would call it absent
    assert refusal(lambda: load_split("bucc2018", "de", "dev", source=data), DataFormatError).startswith(
        f"{data / 'bucc2018/de-en.dev.gold'}: a symbolic link;")
    for path in (data / "tatoeba").glob("tatoeba.fra-eng.*"):
        path.unlink()
    relink(data / "labels/tatoeba/test-fr.tsv", data / "labels/tatoeba/test-de.tsv")
    assert refusal(lambda: load_split("tatoeba", "fr", "test", source=data), DataFormatError).startswith(
        f"{data / 'labels/tatoeba/test-fr.tsv'}: a symbolic link;")


def test_reader_data_folder_itself_may_be_a_link(data, tmp_path):
    (tmp_path / "data-link").symlink_to(data)
    assert load_split("xnli", "de", "dev", source=tmp_path / "data-link") == load_split("xnli", "de", "dev", source=data)


def test_reader_json_faults_are_named(data):
    path = data / "xquad/xquad.de.json"
    path.write_text('{"data": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "JSON nested too deeply" in refusal(lambda: load_split("xquad", "de", "test", source=data), DataFormatError)
    path.write_text('{"data": [{"paragraphs": [{"context": "c", "qas": [\n{"id": 1, "question": "q", "answers": []}]}]}]}')
    assert refusal(lambda: load_split("xquad", "de", "test", source=data), DataFormatError) == (
        f"{path}:2: data[0].paragraphs[0].qas[0].id: expected str, got int")
    path.write_text('{"data": [{"paragraphs": [{"context": "c", "qas": [\n{"id": "1", "question": "q", "answers": '
                    '[{"text": "c", "answer_start": ' + "1" * 5000 + "}]}]}]}]}")
    assert refusal(lambda: load_split("xquad", "de", "test", source=data), DataFormatError).startswith(
        f"{path}:2: an integer of 5000 digits")


def test_reader_missing_and_empty_files(data):
    (data / "bucc2018/de-en.dev.gold").write_text(" \n")
    assert refusal(lambda: load_split("bucc2018", "de", "dev", source=data), DataFormatError) == (
        f"{data / 'bucc2018/de-en.dev.gold'}: empty file: expected lines of source id<TAB>target id")
    (data / "xnli/dev-de.tsv").unlink()
    refusal(lambda: load_split("xnli", "de", "dev", source=data), MissingDataError)


def test_hub_parquet_copy_refuses_links(tmp_path):
    from harness_tasks.readers.hub import _local_files, hub_split

    where = hub_split("pawsx", "de", "dev")
    real = write(tmp_path, "elsewhere.parquet", b"PAR1")
    link = tmp_path / "copy" / "PAWS-X.de" / "validation-00000-of-00001.parquet"
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    assert refusal(lambda: _local_files(tmp_path / "copy", where), DataFormatError).startswith(
        f"{link}: a symbolic link; links inside {tmp_path / 'copy'} are not followed")


def test_corrupt_parquet_copy_is_a_named_error(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")
    path = write(tmp_path, "copy/PAWS-X.de/validation-00000-of-00001.parquet", b"PAR1 not parquet PAR1")
    message = refusal(lambda: load_split("pawsx", "de", "dev", source=f"hub:{tmp_path / 'copy'}"), DataFormatError)
    assert message.startswith(f"{path}: not readable as parquet (")


# ------------------------------------------------------------------- --json never touches the inputs
@pytest.mark.parametrize("target, folder", [
    ("gold/xnli/test-de.tsv", "labels"),
    ("pred/xnli/test-de.tsv", "predictions"),
    ("gold/scores.json", "labels"),
    ("pred", "predictions"),
])
def test_json_target_inside_an_input_folder_is_refused_before_scoring(dirs, capsys, target, folder):
    pred, gold = dirs
    write(pred, "udpos/test-de.tsv", "FOO\n")  # scoring first would fail on this instead
    before = (gold / "xnli/test-de.tsv").read_bytes(), (pred / "xnli/test-de.tsv").read_bytes()
    path = pred.parent / target
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", path)
    named = pred if folder == "predictions" else gold
    if path.is_dir():
        assert err == f"error: {path}: is a folder; expected a file path for the scores (--json)"
    else:
        assert err == (f"error: {path}: lies inside the {folder} folder {named}: the scores would overwrite or join "
                       "the files they score; write them outside both input folders (--json)")
    assert ((gold / "xnli/test-de.tsv").read_bytes(), (pred / "xnli/test-de.tsv").read_bytes()) == before
    assert not (gold / "scores.json").exists()


def test_json_target_that_is_an_input_file_under_another_name_is_refused(dirs, capsys, tmp_path):
    pred, gold = dirs
    before = (gold / "xnli/test-de.tsv").read_bytes()
    os.link(gold / "xnli/test-de.tsv", tmp_path / "hard.json")
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", tmp_path / "hard.json")
    assert err == (f"error: {tmp_path / 'hard.json'}: is the input file {gold / 'xnli/test-de.tsv'} under another "
                   "name (a hard link): writing the scores would replace it; write them outside both input folders "
                   "(--json)")
    (tmp_path / "into-gold").symlink_to(gold / "xquad")
    target = tmp_path / "into-gold" / "test-de.json"
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", target)
    assert err.startswith(f"error: {target}: lies inside the labels folder {gold}: ")
    assert (gold / "xnli/test-de.tsv").read_bytes() == before


def test_json_target_needs_an_existing_folder(dirs, capsys, tmp_path):
    pred, gold = dirs
    target = tmp_path / "absent" / "deeper" / "scores.json"
    err = assert_one_line_exit_2(capsys, pred, gold, "--languages", "de", "--json", target)
    assert err == (f"error: {target}: {target.parent}: no such folder: create it first; expected a file path for "
                   "the scores (--json)")
    assert not (tmp_path / "absent").exists()
    code, out, _ = cli(capsys, pred, gold, "--languages", "de", "--json", tmp_path / "scores.json")
    assert code == 0 and out.endswith(f"scores written to {tmp_path / 'scores.json'}\n")


# ------------------------------------------------------------------------- closed label and tag sets
XNLI = "(contradiction, entailment, neutral)"
UPOS = "(ADJ, ADP, ADV, AUX, CCONJ, DET, INTJ, NOUN, NUM, PART, PRON, PROPN, PUNCT, SCONJ, SYM, VERB, X)"
PANX = "(O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC)"
VALID_FILES = {"xnli": "entailment\nneutral\n", "pawsx": "1\n0\n", "udpos": "DET\nNOUN\n\nVERB\n",
               "panx": "B-PER\nI-PER\n\nO\n"}


@pytest.mark.parametrize("task, line, value, problem", [
    ("xnli", 1, "ENTAILMENT", f"label 'ENTAILMENT' is not one of xnli's labels {XNLI}; did you mean 'entailment'? "
                              "labels are case-sensitive"),
    ("xnli", 2, "2", f"label '2' is not one of xnli's labels {XNLI}; write the label names, not class numbers"),
    ("xnli", 2, "banana", f"label 'banana' is not one of xnli's labels {XNLI}"),
    ("xnli", 1, "neutral\tfoo", f"label 'neutral\\tfoo' is not one of xnli's labels {XNLI}; expected the label "
                                "alone on its line, not 2 tab-separated fields"),
    ("pawsx", 2, "7", "label '7' is not one of pawsx's labels (0, 1)"),
    ("udpos", 4, "FOO", f"tag 'FOO' is not one of udpos's tags {UPOS}"),
    ("udpos", 2, "Hund\tNOUN", f"tag 'Hund\\tNOUN' is not one of udpos's tags {UPOS}; expected the tag alone on "
                               "its line, not token<TAB>tag"),
    ("panx", 4, "o", f"tag 'o' is not one of panx's tags {PANX}; did you mean 'O'? tags are case-sensitive"),
    ("panx", 1, "de:Anna\tB-PER", f"tag 'de:Anna\\tB-PER' is not one of panx's tags {PANX}; expected the tag alone "
                                  "on its line, not token<TAB>tag"),
])
@pytest.mark.parametrize("side", ["pred", "gold"])
def test_values_outside_the_task_label_set_are_refused_in_predictions_and_gold(dirs, task, line, value, problem, side):
    for root in dirs:
        write(root, f"{task}/test-de.tsv", VALID_FILES[task])
    assert score(*dirs, tasks=[task])[task]  # the valid files score
    root = dirs[0] if side == "pred" else dirs[1]
    lines = VALID_FILES[task].split("\n")
    lines[line - 1] = value
    path = write(root, f"{task}/test-de.tsv", "\n".join(lines))
    assert refusal(lambda: score(*dirs, tasks=[task])) == f"{path}:{line}: {problem}"


def test_a_long_bad_label_is_cut_short(dirs):
    path = write(dirs[0], "xnli/test-de.tsv", "neutral\n" + "x" * 500 + "\n")
    assert refusal(lambda: score(*dirs, tasks=["xnli"])) == (
        f"{path}:2: label {'x' * 40!r}... is not one of xnli's labels {XNLI}")


def test_the_data_readers_refuse_labels_with_the_same_message(tmp_path):
    path = write(tmp_path, "xnli/dev-de.tsv", "a\tb\tneutral\nc\td\tENTAILMENT\n")
    assert refusal(lambda: load_split("xnli", "de", "dev", source=tmp_path), DataFormatError) == (
        f"{path}:2: label 'ENTAILMENT' is not one of xnli's labels {XNLI}; did you mean 'entailment'? labels are "
        "case-sensitive")
    path = write(tmp_path, "panx/dev-de.tsv", "de:Berlin\tB-LOC\n\nde:Anna\to\n")
    assert refusal(lambda: load_split("panx", "de", "dev", source=tmp_path), DataFormatError) == (
        f"{path}:3: tag 'o' is not one of panx's tags {PANX}; did you mean 'O'? tags are case-sensitive")


# ------------------------------------------------------------------------------------- NUL bytes
NUL_FILES = ["xnli/test-de.tsv", "tatoeba/test-de.tsv", "bucc2018/test-de.tsv", "udpos/test-de.tsv",
             "xquad/test-de.json"]


@pytest.mark.parametrize("relative", NUL_FILES)
@pytest.mark.parametrize("side", ["pred", "gold"])
def test_utf16_without_bom_is_refused_not_read_as_utf8(dirs, relative, side):
    root = dirs[0] if side == "pred" else dirs[1]
    path = root / relative
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    assert refusal(lambda: score(*dirs)) == f"{path}: NUL byte at line 1: is this file UTF-16? expected UTF-8 text"


@pytest.mark.parametrize("relative", NUL_FILES)
@pytest.mark.parametrize("side", ["pred", "gold"])
def test_a_nul_byte_in_a_line_is_refused_with_its_line(dirs, relative, side):
    root = dirs[0] if side == "pred" else dirs[1]
    path = root / relative
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1] + b"\x00"
    path.write_bytes(b"\n".join(lines))
    assert refusal(lambda: score(*dirs)) == f"{path}: NUL byte at line 2: is this file UTF-16? expected UTF-8 text"


def test_a_nul_only_line_is_not_a_correct_example(dirs):
    pred, gold = dirs
    write(gold, "xnli/test-de.tsv", b"entailment\n\x00\n")
    path = write(pred, "xnli/test-de.tsv", b"entailment\n\x00\n")
    assert refusal(lambda: score(pred, gold, tasks=["xnli"])) == (
        f"{path}: NUL byte at line 2: is this file UTF-16? expected UTF-8 text")


@pytest.mark.parametrize("task, split, relative", [
    ("xnli", "dev", "xnli/dev-de.tsv"),
    ("udpos", "dev", "udpos/dev-de.tsv"),
    ("xquad", "test", "xquad/xquad.de.json"),
    ("bucc2018", "dev", "bucc2018/de-en.dev.de"),
    ("tatoeba", "test", "tatoeba/tatoeba.deu-eng.deu"),
])
def test_the_data_readers_refuse_nul_bytes(data, task, split, relative):
    path = data / relative
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    assert refusal(lambda: load_split(task, "de", split, source=data), DataFormatError) == (
        f"{path}: NUL byte at line 1: is this file UTF-16? expected UTF-8 text")


# ------------------------------------------------------------------------------- duplicate JSON keys
def test_duplicate_keys_in_qa_predictions_are_refused_with_the_line(dirs):
    path = write(dirs[0], "xquad/test-de.json", '{\n  "q1": "France",\n  "q2": "Rome",\n  "q1": "Paris"\n}\n')
    assert refusal(lambda: score(*dirs, tasks=["xquad"])) == (
        f"{path}:4: key 'q1' appears twice in one JSON object (a JSON reader keeps only the last, silently dropping "
        "the first); expected a JSON object mapping question ids to answer strings")


@pytest.mark.parametrize("text, line, key", [
    ('{"data": [],\n"data": DATA}', 2, "data"),
    ('{"data": DATA,\n"version": "1.1",\n"version": "1.1"}', 3, "version"),
    ('{"data": [{"paragraphs": [{"context": "c",\n "qas": [{"id": "q1", "question": "q",\n "id": "q2",\n'
     ' "answers": [{"text": "a"}]}]}]}]}', 3, "id"),
])
def test_duplicate_keys_in_gold_are_refused_with_the_line(dirs, text, line, key):
    path = write(dirs[1], "xquad/test-de.json", text.replace("DATA", json.dumps(XQUAD_GOLD["data"])))
    assert refusal(lambda: score(*dirs, tasks=["xquad"])) == (
        f"{path}:{line}: key {key!r} appears twice in one JSON object (a JSON reader keeps only the last, silently "
        "dropping the first); expected SQuAD v1.1 JSON: " + '{"data": [{"paragraphs": [{"context": ..., "qas": '
        '[{"id", "question", "answers"}]}]}]}')


def test_duplicate_keys_in_a_data_file_are_refused(data):
    path = data / "mlqa/MLQA_V1/test/test-context-de-question-de.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    path.write_text('{"data": [],\n"data": ' + json.dumps(document["data"]) + "}", encoding="utf-8")
    message = refusal(lambda: load_split("mlqa", "de", "test", source=data), DataFormatError)
    assert message.startswith(f"{path}:2: key 'data' appears twice in one JSON object")


# ----------------------------------------------------------------------------- QA question ids
@pytest.mark.parametrize("answers, n", [({"zzz": "a"}, 1), ({"q7": "France", "q8": "Paris"}, 2)])
def test_qa_predictions_sharing_no_id_with_the_gold_are_refused(dirs, answers, n):
    path = write(dirs[0], "xquad/test-de.json", answers)
    assert refusal(lambda: score(*dirs, tasks=["xquad"])) == (
        f"{path}: none of its {n} question ids is in {dirs[1] / 'xquad/test-de.json'}: is it another task's or "
        "language's file?")


def test_unanswered_and_unknown_question_ids_are_scored_and_counted(dirs, capsys):
    pred, gold = dirs
    write(pred, "xquad/test-de.json", {"q1": "France", "q9": "Rome", "q10": "Oslo"})
    scores = score(pred, gold, tasks=["xquad"])
    assert scores["xquad"]["exact_match"] == {"de": 50.0}  # q2 unanswered scores 0, as in the reference
    assert scores["meta"]["unanswered"] == {"xquad": {"de": 1}}
    assert scores["meta"]["unknown_question_ids"] == {"xquad": {"de": 2}}
    code, out, _ = cli(capsys, pred, gold, "--tasks", "xquad", "--languages", "de")
    assert code == 0
    assert "\ngold questions without a prediction (each scored 0): xquad de 1\n" in out
    assert "\npredictions for question ids not in the gold (ignored): xquad de 2\n" in out
    write(pred, "xquad/test-de.json", {})  # nothing answered: every gold question scores 0, and is counted
    scores = score(pred, gold, tasks=["xquad"])
    assert scores["xquad"]["f1"] == {"de": 0.0} and scores["meta"]["unanswered"] == {"xquad": {"de": 2}}
    write(pred, "xquad/test-de.json", {"q1": "France", "q2": "Paris"})
    assert score(pred, gold, tasks=["xquad"])["meta"]["unanswered"] == {}


# ------------------------------------------------------------------ hard links to any gold file
@pytest.mark.parametrize("gold_file", ["udpos/test-de.tsv", "xnli/test-fr.tsv", "notes/copy.tsv"])
def test_prediction_hard_linked_to_any_file_of_the_labels_folder_is_refused(dirs, gold_file):
    pred, gold = dirs
    target = write(gold, gold_file, "entailment\ncontradiction\n")
    (pred / "xnli/test-de.tsv").unlink()
    os.link(target, pred / "xnli/test-de.tsv")
    assert refusal(lambda: score(pred, gold, tasks=["xnli"])) == (
        f"{pred / 'xnli/test-de.tsv'}: is the gold file {target} itself (a hard link); submit predictions")


def test_a_predictions_folder_inside_the_labels_folder_is_not_taken_for_gold(tmp_path):
    gold = tmp_path / "gold"
    write(gold, "xnli/test-de.tsv", "entailment\ncontradiction\n")
    write(gold, "submission/xnli/test-de.tsv", "entailment\nneutral\n")
    assert score_submission(gold / "submission", gold)["xnli"]["accuracy"] == {"de": 50.0}


# ------------------------------------------------------- partial submissions: languages of the gold
def test_a_task_is_scored_on_the_languages_its_gold_files_cover(tmp_path, capsys):
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    for lang in ("de", "en", "fr"):  # pawsx has seven languages; the gold holds three
        write(gold, f"pawsx/test-{lang}.tsv", "1\n0\n")
        write(pred, f"pawsx/test-{lang}.tsv", "1\n1\n" if lang == "en" else "1\n0\n")
    write(pred, "pawsx/test-ko.tsv", "1\n")  # a prediction without gold is not scored
    scores = score_submission(pred, gold)
    assert scores["pawsx"]["accuracy"] == {"de": 100.0, "en": 50.0, "fr": 100.0}
    assert scores["meta"]["partial_tasks"] == ["pawsx"] and "classification" not in scores
    assert scores["meta"]["skipped_languages"] == {"pawsx": {lang: "no gold file" for lang in ("es", "ja", "ko", "zh")}}
    code, out, _ = cli(capsys, pred, gold)
    assert code == 0
    assert "\npawsx     acc   83.33    3/7" in out
    assert "\npartial tasks (no group or XTREME score), languages without a gold file: pawsx es ja ko zh\n" in out
    (pred / "pawsx/test-fr.tsv").unlink()  # a gold language without its prediction is never a silent 0
    assert refusal(lambda: score_submission(pred, gold), MissingInputFile) == (
        f"{pred / 'pawsx/test-fr.tsv'}: missing file: expected one label a line")


def test_a_requested_language_needs_its_gold_file(tmp_path):
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    write(gold, "pawsx/test-de.tsv", "1\n")
    write(pred, "pawsx/test-de.tsv", "1\n")
    write(pred, "pawsx/test-fr.tsv", "1\n")
    assert refusal(lambda: score_submission(pred, gold, languages=["de", "fr"]), MissingInputFile) == (
        f"{gold / 'pawsx/test-fr.tsv'}: missing file: expected one label a line")
    assert score_submission(pred, gold, languages=["de"])["meta"]["skipped_languages"] == {}


def test_a_task_folder_without_any_gold_file_is_refused(tmp_path):
    pred, gold = tmp_path / "pred", tmp_path / "gold"
    write(pred, "pawsx/test-de.tsv", "1\n")
    write(gold, "pawsx/README.txt", "labels are elsewhere\n")
    assert refusal(lambda: score_submission(pred, gold)) == (
        f"{gold / 'pawsx'}: no gold file: expected pawsx/test-{{lang}}.tsv for one or more of de en es fr ja ko zh")


def test_a_linked_gold_language_file_is_refused_not_skipped(dirs):
    pred, gold = dirs
    relink(gold / "xnli/test-de.tsv", gold.parent / "secret.txt")
    assert refusal(lambda: score_submission(pred, gold)).startswith(f"{gold / 'xnli/test-de.tsv'}: a symbolic link;")


# ---------------------------------------------------------------------------- names a user types
def test_a_file_where_a_requested_task_folder_belongs_is_named(dirs, capsys):
    pred, gold = dirs
    write(pred, "mlqa", "not a folder\n")
    err = assert_one_line_exit_2(capsys, pred, gold, "--tasks", "mlqa")
    assert err == f"error: {pred / 'mlqa'}: a file where a folder was expected"


@pytest.mark.parametrize("typed", [" xnli", "xnli,", " XNLI , ", "xtreme_xnli,"])
def test_surrounding_space_and_a_trailing_comma_are_ignored(dirs, capsys, typed):
    code, out, err = cli(capsys, *dirs, "--tasks", typed, "--languages", "de,")
    assert (code, err) == (0, "")
    assert "\nxnli     acc   50.00   1/15" in out


@pytest.mark.parametrize("flag, typed, message", [
    ("--tasks", "xnli,,udpos", "--tasks 'xnli,,udpos' has an empty name: give names separated by single commas"),
    ("--tasks", ",xnli", "--tasks ',xnli' has an empty name: give names separated by single commas"),
    ("--tasks", "xnli,xnli", "--tasks 'xnli,xnli' names 'xnli' twice: give each name once"),
    ("--tasks", "xnli, XNLI", "--tasks 'xnli, XNLI' names 'XNLI' twice: give each name once"),
    ("--tasks", "xnli,xtreme_xnli", "--tasks 'xnli,xtreme_xnli' names xnli twice ('xnli', 'xtreme_xnli'): give each "
                                    "name once"),
    ("--languages", "de,,en", "--languages 'de,,en' has an empty name: give names separated by single commas"),
    ("--languages", "de,deu", "--languages 'de,deu' names de twice ('de', 'deu'): give each name once"),
])
def test_empty_names_and_duplicates_are_refused(dirs, capsys, flag, typed, message):
    assert assert_one_line_exit_2(capsys, *dirs, flag, typed) == f"error: {message}"


def test_xtreme_tasks_family_reads_names_as_the_lists_do(capsys):
    assert main(["tasks", "--family", "tagging"]) == 0
    expected = capsys.readouterr().out
    for typed in (" tagging", "tagging,", " Tagging ,"):
        assert main(["tasks", "--family", typed]) == 0
        assert capsys.readouterr().out == expected
    assert main(["tasks", "--family", "tagging,qa"]) == 2
    assert capsys.readouterr().err == (
        "xtreme tasks: --family takes one family, got 2 ('tagging,qa')\nvalid in --family: classification, tagging, "
        "qa, retrieval, pair_classification, bitext_mining, sentence_retrieval, span_qa\n")
    assert main(["tasks", "--family", "tagging,,"]) == 2
    assert capsys.readouterr().err == (
        "xtreme tasks: --family 'tagging,,' has an empty name: give names separated by single commas\n")
