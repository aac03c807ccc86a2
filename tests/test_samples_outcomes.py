"""Predictions and per-example outcomes leave lm-eval through what ``simple_evaluate`` returns (its logged
samples), not a module-level dict; corpus-level work runs once; `xtreme score` writes the outcomes; and
both benchmarks run as lm-eval groups and through `xtreme score --benchmark`."""

from __future__ import annotations

import json
import logging

import lm_eval
import pytest

import harness_tasks
from evaluators.benchmarks import XTREME, XTREME_R
from evaluators.submission import score_submission
from harness_tasks.cli import main
from harness_tasks.readers import SAMPLE_DATA_DIR
from harness_tasks.submission_writer import write_submission
from harness_tasks.tasks.families.bitext_mining import BitextMiningTask
from harness_tasks.tasks.families.sentence_retrieval import SentenceRetrievalTask
from tests.sample_files import SAMPLE_LANGUAGES, XTREME_R_SAMPLE_LANGUAGES

LABELS = SAMPLE_DATA_DIR / "labels"
NAMES = [f"xtreme_{task}_{lang}" for task, langs in SAMPLE_LANGUAGES.items() for lang in langs]


def evaluate(bundle, names, manager=None):
    """lm-eval run on tasks built by ``manager`` (the task objects are handed to lm-eval, as `xtreme score`
    does); returns the tasks and lm-eval's result."""
    manager = manager or harness_tasks.task_manager()
    built = manager.load(names)["tasks"]
    result = lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={bundle}",
                                     tasks=list(built.values()), task_manager=manager, bootstrap_iters=0,
                                     log_samples=True)
    return built, result


@pytest.fixture(scope="module")
def sample_run(tiny_models):
    return evaluate(tiny_models.bundle, NAMES)


def test_predictions_dict_is_gone():
    from harness_tasks.tasks import xtreme_task

    assert not hasattr(xtreme_task, "PREDICTIONS")


@pytest.mark.parametrize("task", list(SAMPLE_LANGUAGES))
def test_samples_give_what_score_submission_computes_from_the_written_files(sample_run, task, tmp_path):
    built, result = sample_run
    languages = SAMPLE_LANGUAGES[task]
    summaries = {}
    for lang in languages:
        name = f"xtreme_{task}_{lang}"
        samples = result["samples"][name]
        assert len(samples) == result["n-samples"][name]["effective"]
        summaries[lang] = built[name].summary_of_samples(samples)
        write_submission(tmp_path, task, lang, summaries[lang].predictions)
    scored = score_submission(tmp_path, LABELS, tasks=[task], languages=list(languages), outcomes=True)
    for lang, summary in summaries.items():
        assert summary.labelled and summary.outcomes, (task, lang)
        assert list(summary.outcomes) == list(scored.outcomes[task][lang]), (task, lang)
        for metric, value in summary.language_scores.items():
            assert value == scored.scores[task][metric][lang], (task, lang, metric)
        # lm-eval's own numbers are the same summary's.
        row = result["results"][f"xtreme_{task}_{lang}"]
        assert {metric: row[f"{metric},none"] for metric in summary.scores} == summary.scores


def test_mining_and_retrieval_run_once_per_list_of_items(tiny_models, monkeypatch):
    calls = []
    for cls in (BitextMiningTask, SentenceRetrievalTask):
        plain = cls.summarize
        monkeypatch.setattr(cls, "summarize", lambda self, items, plain=plain: calls.append(self.config.task) or
                            plain(self, items))
    built, result = evaluate(tiny_models.bundle, ["xtreme_bucc2018_de", "xtreme_tatoeba_de"])
    # lm-eval aggregated 4 (BUCC) and 2 (Tatoeba) metrics, and the summaries of the samples came after.
    summaries = {name: task.summary_of_samples(result["samples"][name]) for name, task in built.items()}
    assert calls == ["xtreme_bucc2018_de", "xtreme_tatoeba_de"]
    assert result["results"]["xtreme_tatoeba_de"]["accuracy,none"] == summaries["xtreme_tatoeba_de"].scores["accuracy"]
    # Other item objects (equal values) are summarised again: the summary is keyed by identity, not by value.
    task = built["xtreme_tatoeba_de"]
    copies = [(*sample["accuracy"],) for sample in result["samples"]["xtreme_tatoeba_de"]]  # new tuples
    again = task.summary(copies)
    assert calls[-1] == "xtreme_tatoeba_de" and len(calls) == 3
    assert again.outcomes == summaries["xtreme_tatoeba_de"].outcomes and again is not summaries["xtreme_tatoeba_de"]


def test_a_sample_holds_one_item_object_under_every_metric(sample_run):
    _built, result = sample_run
    sample = result["samples"]["xtreme_bucc2018_de"][0]
    items = [sample[metric] for metric in ("f1", "precision", "recall", "score")]
    assert all(item is items[0] for item in items)  # the embedding is held once per sample, not per metric
    assert sample["resps"][0][0] is items[0][-1]


@pytest.fixture(scope="module")
def score_run(tiny_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("outcomes")
    assert main(["score", "--model", str(tiny_models.bundle), "--output", str(out), "--tasks",
                 "xnli,udpos,mlqa,bucc2018,tatoeba", "--languages", "de,zh"]) == 0
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]


def test_xtreme_score_writes_the_outcomes_and_lists_them(score_run):
    out, section = score_run
    expected_languages = {"xnli": ["de", "zh"], "udpos": ["de", "zh"], "mlqa": ["de", "zh"],
                          "bucc2018": ["de", "zh"], "tatoeba": ["de", "zh"]}
    assert {task: list(langs) for task, langs in section["outcomes"].items()} == expected_languages
    scored = score_submission(out / "submission", LABELS, tasks=list(expected_languages), languages=["de", "zh"],
                              outcomes=True)
    for task, languages in section["outcomes"].items():
        for lang, entry in languages.items():
            assert entry["file"] == f"outcomes/{task}/test-{lang}.jsonl"
            lines = (out / entry["file"]).read_text(encoding="utf-8").splitlines()
            assert entry["examples"] == len(lines) > 0
            assert [json.loads(line) for line in lines] == [dict(o) for o in scored.outcomes[task][lang]], (task, lang)
    # Outcomes hold what each family's metric is made of: per-example correctness, per-question EM and F1,
    # per-sentence chunk counts, per-pair gold/predicted flags.
    first = {task: json.loads((out / f"outcomes/{task}/test-de.jsonl").read_text().splitlines()[0])
             for task in expected_languages}
    assert set(first["xnli"]) == set(first["tatoeba"]) == {"id", "correct"}
    assert set(first["mlqa"]) == {"id", "exact_match", "f1"}
    assert {"tp", "n_pred", "n_gold"} <= set(first["udpos"])
    assert set(first["bucc2018"]) == {"id", "gold", "predicted"}


def test_unlabelled_data_writes_predictions_and_no_outcomes(tiny_models, tmp_path):
    folder = tmp_path / "data" / "xnli"
    folder.mkdir(parents=True)
    pairs = [line.split("\t")[:2] for line in (SAMPLE_DATA_DIR / "xnli" / "test-de.tsv").read_text(
        encoding="utf-8").splitlines()]
    (folder / "test-de.tsv").write_text("".join(f"{a}\t{b}\n" for a, b in pairs), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", "--model", str(tiny_models.bundle), "--output", str(out), "--tasks", "xnli",
                 "--data", str(tmp_path / "data")]) == 0
    section = json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]
    assert section["unscored_languages"] == {"xnli": ["de"]} and section["outcomes"] == {}
    assert not (out / "outcomes").exists()
    assert len((out / "submission" / "xnli" / "test-de.tsv").read_text(encoding="utf-8").splitlines()) == len(pairs)


# ------------------------------------------------------------------------------------------- XTREME-R
def test_xtreme_r_group_is_its_overall_rule_over_the_tasks_present(tiny_models, caplog):
    with caplog.at_level(logging.WARNING, logger="harness_tasks.tasks.manager"):
        result = lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                                         tasks=["xtreme_r"], task_manager=harness_tasks.task_manager(),
                                         bootstrap_iters=0)
    groups = result["groups"]
    runnable = [task for task in XTREME_R.task_names if f"xtreme_r_{task}" in groups]
    assert runnable == list(XTREME_R.task_names)  # every XTREME-R task runs
    scores = {task: groups[f"xtreme_r_{task}"]["score,none"] for task in runnable}
    for task in ("lareqa", "mewslix"):  # one lm-eval task over every language the sample has
        assert groups[f"xtreme_r_{task}"]["absent_languages"] == [
            lang for lang in XTREME_R.languages(task) if lang not in XTREME_R_SAMPLE_LANGUAGES[task]]
        assert scores[task] == result["results"][f"xtreme_{task}"]["score,none"], task
    for task in (t for t in runnable if t not in ("lareqa", "mewslix")):  # the mean over the languages present
        absent = groups[f"xtreme_r_{task}"]["absent_languages"]
        langs = [lang for lang in XTREME_R.languages(task) if lang not in absent]
        assert set(langs) >= set(XTREME_R_SAMPLE_LANGUAGES[task]), task
        per_language = [result["results"][f"xtreme_{task}_{lang}"]["score,none"] for lang in langs]
        assert scores[task] == sum(per_language) / len(per_language), task
    # XTREME-R's overall score: the mean of its category means (here of the tasks present).
    classification = (scores["xnli"] + scores["xcopa"]) / 2
    structured = (scores["udpos"] + scores["panx"]) / 2
    qa = (scores["xquad"] + scores["mlqa"] + scores["tydiqa"]) / 3
    retrieval = (scores["tatoeba"] + scores["mewslix"] + scores["lareqa"]) / 3
    assert groups["xtreme_r"]["score,none"] == pytest.approx((classification + structured + qa + retrieval) / 4,
                                                            abs=1e-12)
    assert groups["xtreme_r"]["score,none"] != pytest.approx(sum(scores.values()) / len(scores), abs=1e-6)
    assert not [r for r in caplog.records if r.getMessage().startswith("xtreme_r: ")]  # nothing is missing


def test_xtreme_r_languages_have_tasks_of_their_own():
    manager = harness_tasks.task_manager()
    assert {"xtreme_udpos_wo", "xtreme_panx_qu", "xtreme_xquad_ro", "xtreme_tatoeba_uk", "xtreme_r_udpos",
            "xtreme_r"} <= set(manager.all_tasks)
    assert "xtreme_r_pawsx" not in manager.all_tasks  # PAWS-X is not an XTREME-R task


def test_xtreme_score_on_xtreme_r(tiny_models, tmp_path, capsys):
    assert main(["score", "--benchmark", "xtreme-r", "--model", str(tiny_models.bundle), "--output", str(tmp_path),
                 "--languages", "de"]) == 0
    captured = capsys.readouterr()
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    section = results["xtreme"]
    assert section["benchmark"] == "xtreme-r" and section["overall_score"] is None
    assert list(section["tasks"]) == ["xnli", "panx", "udpos", "tatoeba", "lareqa", "mewslix", "xquad", "mlqa"]
    assert section["skipped_tasks"]["tydiqa"] == "none of the requested languages (de) is a tydiqa language"
    assert section["skipped_tasks"]["xcopa"] == "none of the requested languages (de) is a xcopa language"
    assert section["skipped_languages"] == {}  # every task run has the one language asked for
    assert results["groups"]["xtreme_r_xnli"]["score,none"] == section["task_scores"]["xnli"]
    assert "xtreme_xnli" not in results["groups"]
    assert "(no XTREME-R score: it needs every language of all 10 tasks)" in captured.out
    assert (tmp_path / "outcomes" / "panx" / "test-de.jsonl").is_file()


def test_xtreme_score_refuses_an_unknown_benchmark_and_a_task_of_the_other(tmp_path, capsys):
    assert main(["score", "--benchmark", "xtreme-s", "--model", str(tmp_path)]) == 2
    assert capsys.readouterr().err == ("xtreme score: unknown benchmark 'xtreme-s' in --benchmark; did you mean "
                                       "'xtreme-r'?\nvalid in --benchmark: xtreme, xtreme-r\n")
    assert main(["score", "--benchmark", "xtreme-r", "--model", str(tmp_path), "--tasks", "pawsx"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("xtreme score: task 'pawsx' in --tasks is not a task of XTREME-R (it is one of XTREME)")


def test_xtreme_tasks_lists_each_benchmark_from_the_declarations(capsys):
    assert main(["tasks", "--benchmark", "xtreme-r", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["benchmark"] == "xtreme-r" and [e["task"] for e in listing["tasks"]] == list(XTREME_R.task_names)
    udpos = next(e for e in listing["tasks"] if e["task"] == "udpos")
    assert udpos["languages"] == list(XTREME_R.languages("udpos")) and udpos["lm_eval_group"] == "xtreme_r_udpos"
    assert udpos["hub"] == ["train: google/xtreme [udpos.{name}] (train)",
                            "dev: google/xtreme [udpos.{name}] (validation)",
                            "test: google/xtreme [udpos.{name}] (test)"]
    assert udpos["citation"].startswith("Nivre et al.")
    xcopa = next(e for e in listing["tasks"] if e["task"] == "xcopa")
    assert xcopa["lm_eval_group"] == "xtreme_r_xcopa" and xcopa["family"] == "multiple_choice"
    assert listing["not_available"] == {}
    assert main(["tasks", "--benchmark", "xtreme-r"]) == 0
    out = capsys.readouterr().out
    assert "not available yet" not in out
    assert "categories (the XTREME-R score is the mean of their means):" in out
    assert main(["tasks"]) == 0
    assert "not available yet" not in capsys.readouterr().out
    assert [e["task"] for e in json.loads(_json(capsys, "tasks", "--format", "json"))["tasks"]] == list(
        XTREME.task_names)


def _json(capsys, *argv) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_two_groups_sharing_languages_are_refused_like_a_group_and_its_member():
    from harness_tasks.tasks.selection import overlap

    assert overlap(["xtreme_xnli", "xtreme_r_xnli"]) == (
        "--tasks asks for xtreme_xnli and for xtreme_r_xnli, which both run xtreme_xnli_ar; lm-eval would run it "
        "twice: ask for one of them")
    assert overlap(["xtreme", "xtreme_r"], "tasks") == (
        "tasks asks for xtreme and for xtreme_r, which both run xtreme_xnli_ar; lm-eval would run it twice: ask "
        "for one of them")
    assert overlap(["xtreme_r_xnli", "xtreme_pawsx", "xtreme_r_udpos"]) is None
