"""score_submission on small hand-made submissions: partial scoring and every refused input."""


import pytest

from evaluators.benchmarks import XTREME
from evaluators.tasks import get_task
from evaluators.errors import InputFileError
from evaluators.submission import score_submission
from harness_tasks.cli import main
from tests.sample_files import write


@pytest.fixture
def dirs(tmp_path):
    return tmp_path / "pred", tmp_path / "gold"


def squad(qas):
    return {"data": [{"paragraphs": [{"context": "c", "qas": qas}]}]}


def test_classification_task_alone_gives_task_and_group_only(dirs):
    pred, gold = dirs
    for task, (a, b) in (("xnli", ("neutral", "entailment")), ("pawsx", ("0", "1"))):
        for lang in XTREME.languages(task):
            write(gold, f"{task}/test-{lang}.tsv", f"{a}\n{b}\n{a}\n{a}\n")
            write(pred, f"{task}/test-{lang}.tsv", f"{a}\n{b}\n{b}\n{a}\n" if lang == "en" else f"{a}\n{b}\n{a}\n{a}\n")
    scores = score_submission(pred, gold)
    assert scores["xnli"]["accuracy"]["en"] == 75.0
    assert scores["xnli"]["avg_accuracy"] == pytest.approx((14 * 100 + 75) / 15, abs=1e-12)
    assert scores["classification"] == pytest.approx((scores["xnli"]["avg_metric"] + scores["pawsx"]["avg_metric"]) / 2)
    assert "all_task" not in scores and "qa" not in scores
    assert scores["meta"]["complete_tasks"] == ["pawsx", "xnli"]
    assert scores["meta"]["skipped_tasks"]["udpos"] == "no predictions folder"


def test_languages_subset_is_scored_but_not_complete(dirs):
    pred, gold = dirs
    write(gold, "xnli/test-de.tsv", "neutral\nentailment\n")
    write(pred, "xnli/test-de.tsv", "neutral\nneutral\n")
    scores = score_submission(pred, gold, languages=["de"])
    assert scores["xnli"]["accuracy"] == {"de": 50.0}
    assert "classification" not in scores
    assert scores["meta"]["partial_tasks"] == ["xnli"]


def test_missing_language_file_is_named(dirs):
    pred, gold = dirs
    for lang in XTREME.languages("pawsx"):
        write(gold, f"pawsx/test-{lang}.tsv", "1\n")
        if lang != "ko":
            write(pred, f"pawsx/test-{lang}.tsv", "1\n")
    with pytest.raises(InputFileError) as err:
        score_submission(pred, gold)
    assert err.value.path.endswith("pred/pawsx/test-ko.tsv")
    assert "missing file" in str(err.value)


def one(dirs, task, lang, pred_content, gold_content):
    pred, gold = dirs
    ext = get_task(task).submission_ext
    write(pred, f"{task}/test-{lang}.{ext}", pred_content)
    write(gold, f"{task}/test-{lang}.{ext}", gold_content)
    return lambda: score_submission(pred, gold, languages=[lang])


def raises_at(fn, path_end, line, *fragments):
    with pytest.raises(InputFileError) as err:
        fn()
    assert err.value.path.endswith(path_end), err.value.path
    assert err.value.line == line
    for fragment in fragments:
        assert fragment in str(err.value)
    return err.value


def test_tag_count_mismatch_names_the_sentence_line(dirs):
    gold = "NOUN\nVERB\n\nDET\nNOUN\nPUNCT\n"
    pred = "NOUN\nVERB\n\nDET\nNOUN\n"
    err = raises_at(one(dirs, "udpos", "de", pred, gold), "pred/udpos/test-de.tsv", 4, "sentence 2 has 2 tags")
    assert "has 3" in str(err)


def test_line_count_mismatch(dirs):
    raises_at(one(dirs, "xnli", "de", "entailment\n", "entailment\nneutral\n"), "pred/xnli/test-de.tsv", 2,
              "1 lines, but", "has 2")


def test_empty_file(dirs):
    raises_at(one(dirs, "xnli", "de", "\n", "entailment\n"), "pred/xnli/test-de.tsv", None, "empty file")


def test_byte_order_mark(dirs):
    raises_at(one(dirs, "pawsx", "de", b"\xef\xbb\xbf1\n0\n", "1\n0\n"), "pred/pawsx/test-de.tsv", 1, "byte-order mark")


def test_trailing_blank_line_in_a_label_file(dirs):
    raises_at(one(dirs, "xnli", "de", "neutral\nneutral\n\n", "neutral\nneutral\n"), "pred/xnli/test-de.tsv", 3,
              "trailing blank line")


def test_double_blank_line_in_a_tag_file(dirs):
    raises_at(one(dirs, "panx", "de", "O\n\n\nB-PER\n", "O\n\nB-PER\n"), "pred/panx/test-de.tsv", 3,
              "after another blank line")


def test_one_trailing_blank_line_in_a_tag_file_is_fine(dirs):
    scores = one(dirs, "panx", "de", "O\n\nB-PER\n\n", "O\n\nB-PER\n")()
    assert scores["panx"]["f1"]["de"] == 100.0


def test_non_string_qa_answer_names_its_line(dirs):
    pred = '{\n  "q1": "Paris",\n  "q2": 42\n}\n'
    gold = squad([{"id": "q1", "answers": [{"text": "Paris"}]}, {"id": "q2", "answers": [{"text": "42"}]}])
    raises_at(one(dirs, "xquad", "de", pred, gold), "pred/xquad/test-de.json", 3, "'q2' is a JSON int")


def test_gold_question_without_answers(dirs):
    gold = squad([{"id": "q1", "answers": []}])
    raises_at(one(dirs, "tydiqa", "ru", {"q1": "x"}, gold), "gold/tydiqa/test-ru.json", 8, "has no answers")


def test_invalid_json_names_its_line(dirs):
    raises_at(one(dirs, "mlqa", "de", '{\n"q1": "a",\n}\n', squad([])), "pred/mlqa/test-de.json", 3, "not valid JSON")


def test_bucc_line_format(dirs):
    raises_at(one(dirs, "bucc2018", "de", "de-1 en-1\n", "de-1\ten-1\n"), "pred/bucc2018/test-de.tsv", 1,
              "got 1 tab-separated field")


def test_empty_bucc_prediction_means_nothing_mined(dirs):
    scores = one(dirs, "bucc2018", "de", "", "de-1\ten-1\n")()
    assert scores["bucc2018"]["f1"] == {"de": 0}


def test_tatoeba_line_format(dirs):
    raises_at(one(dirs, "tatoeba", "de", "3\nthree\n", "3\n4\n"), "pred/tatoeba/test-de.tsv", 2,
              "expected a non-negative integer")


def test_qa_unanswered_scores_zero_and_mlqa_uses_language_rules(dirs):
    gold = squad([{"id": "a", "answers": [{"text": "«der Hund»"}]}, {"id": "b", "answers": [{"text": "Katze"}]}])
    scores = one(dirs, "mlqa", "de", {"a": "Hund"}, gold)()
    assert scores["mlqa"]["exact_match"]["de"] == 50.0
    assert scores["mlqa"]["avg_metric"] == 50.0


def test_command_line_reports_errors_without_traceback(dirs, capsys):
    pred, gold = dirs
    one(dirs, "xnli", "de", "entailment\n", "entailment\nneutral\n")
    code = main(["score-submission", str(pred), str(gold), "--languages", "de"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "xnli/test-de.tsv:2:" in err
    assert "Traceback" not in err


def test_command_line_per_language_table(dirs, capsys):
    pred, gold = dirs
    one(dirs, "xnli", "de", "entailment\nneutral\n", "entailment\nneutral\n")
    assert main(["score-submission", str(pred), str(gold), "--languages", "de", "--per-language"]) == 0
    out = capsys.readouterr().out
    assert "no XTREME score" in out
    assert "\nde      100.00\n" in out
