"""`xtreme score` end to end on the sample data, its submission folder, resume, and the lm-eval CLI shim."""

from __future__ import annotations

import json

import pytest

from evaluators.benchmarks import XTREME
from evaluators.tasks import TASKS
from evaluators.submission import score_submission
from harness_tasks.cli import main
from harness_tasks.readers import load_split
from harness_tasks.submission_writer import format_predictions, write_labels
from tests.sample_files import SAMPLE_LANGUAGES



@pytest.fixture(scope="module")
def full_run(tiny_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("score")
    code = main(["score", "--model", str(tiny_models.bundle), "--output", str(out), "--per-language"])
    return code, out, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_score_runs_every_task_and_writes_results(full_run):
    code, out, results = full_run
    assert code == 0
    section = results["xtreme"]
    assert list(section["tasks"]) == list(XTREME.task_names) and section["benchmark"] == "xtreme"
    for task, langs in SAMPLE_LANGUAGES.items():
        summary = section["tasks"][task]
        metric = TASKS[task].metrics[0]
        assert set(summary[metric]) == set(langs), task
        for lang in langs:
            lm_eval_row = results["results"][f"xtreme_{task}_{lang}"]
            assert lm_eval_row[f"{metric},none"] == summary[metric][lang], (task, lang)
    # Sample data lacks most languages: no task is complete, so no XTREME score is claimed.
    assert section["overall_score"] is None and section["complete_tasks"] == []
    assert section["tagging_mode"] == "xtreme" and section["pooling"] == "mean" and section["layer"] is None
    assert list(section["embedding_layers_used"].values()) == [
        {"layer": 1, "why": "middle layer (num_hidden_layers // 2): our default", "pooling": "mean"}]
    assert len(section["checkpoint_hashes"]) == 7 and all(len(h) == 64 for h in section["checkpoint_hashes"].values())
    assert section["data_source"] == "sample"
    assert section["skipped_tasks"] == {}
    assert "es" in section["skipped_languages"]["xnli"]


def test_submission_scores_identically(full_run, tmp_path):
    _, out, results = full_run
    labels = tmp_path / "labels"
    for task, langs in SAMPLE_LANGUAGES.items():
        for lang in langs:
            assert (out / "submission" / TASKS[task].submission_file(lang)).is_file(), (task, lang)
            write_labels(labels, task, lang, load_split(task, lang, "test"))
    for task, langs in SAMPLE_LANGUAGES.items():
        scored = score_submission(out / "submission", labels, tasks=[task], languages=langs)
        assert scored[task] == results["xtreme"]["tasks"][task], task
    # The same through the command line.
    assert main(["score-submission", str(out / "submission"), str(labels), "--tasks", "tatoeba",
                 "--languages", "de,fr,zh", "--json", str(tmp_path / "scored.json")]) == 0
    scored = json.loads((tmp_path / "scored.json").read_text(encoding="utf-8"))
    assert scored["tatoeba"] == results["xtreme"]["tasks"]["tatoeba"]


def test_interrupted_run_resumes_from_cached_predictions(full_run, tiny_models, monkeypatch, tmp_path):
    import shutil

    _, full_out, results = full_run
    from harness_tasks.inference import classify, embedding

    # A run of two of the nine tasks is another run (its results.json would describe two tasks), so it
    # goes to its own folder; the cache is keyed by checkpoint and data and can be shared.
    out = tmp_path / "subset"
    shutil.copytree(full_out / "cache", out / "cache")

    def fail(*_args, **_kwargs):
        raise AssertionError("the model ran although its predictions were cached")

    monkeypatch.setattr(classify, "classify_pairs", fail)
    monkeypatch.setattr(embedding, "embed_texts", fail)
    # Its cache/ holds the first run's predictions.
    code = main(["score", "--model", str(tiny_models.bundle), "--output", str(out), "--tasks", "xnli,tatoeba"])
    assert code == 0
    resumed = json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]["tasks"]
    assert resumed == {t: results["xtreme"]["tasks"][t] for t in ("xnli", "tatoeba")}


def test_plain_encoder_runs_retrieval_and_skips_the_rest(tiny_models, tmp_path, capsys):
    code = main(["score", "--model", str(tiny_models.encoder), "--output", str(tmp_path), "--languages", "de,fr",
                 "--layer", "2", "--pooling", "cls"])
    assert code == 0
    section = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["xtreme"]
    assert list(section["tasks"]) == ["bucc2018", "tatoeba"]
    assert set(section["skipped_tasks"]) == set(XTREME.task_names) - {"bucc2018", "tatoeba"}
    assert "plain encoder: xnli needs a fine-tuned 'xnli' head" in section["skipped_tasks"]["xnli"]
    assert list(section["embedding_layers_used"].values()) == [{"layer": 2, "why": "given", "pooling": "cls"}]
    assert set(section["tasks"]["tatoeba"]["accuracy"]) == {"de", "fr"}
    assert "skipping xnli" in capsys.readouterr().err


def test_limit_marks_tasks_incomplete(tiny_models, tmp_path):
    assert main(["score", "--model", str(tiny_models.bundle), "--output", str(tmp_path), "--tasks", "xnli",
                 "--languages", "de", "--limit", "2"]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["n-samples"]["xtreme_xnli_de"]["effective"] == 2
    assert results["xtreme"]["limit"] == 2 and results["xtreme"]["complete_tasks"] == []
    assert len((tmp_path / "submission" / "xnli" / "test-de.tsv").read_text().splitlines()) == 2


def test_unknown_task_is_refused(tmp_path, capsys):
    assert main(["score", "--model", str(tmp_path), "--tasks", "xnlii"]) == 2
    assert "unknown task 'xnlii' in --tasks; did you mean 'xnli'?" in capsys.readouterr().err


def test_submission_formats():
    assert format_predictions("xnli", ["entailment", "neutral"]) == "entailment\nneutral\n"
    assert format_predictions("udpos", [["NOUN", "VERB"], ["X"]]) == "NOUN\nVERB\n\nX\n"
    assert format_predictions("tatoeba", [3, 0]) == "3\n0\n"
    assert format_predictions("bucc2018", [("de-1", "en-2")]) == "de-1\ten-2\n"
    assert json.loads(format_predictions("xquad", {"q1": "北京"})) == {"q1": "北京"}
    with pytest.raises(ValueError, match="udpos sentence 2: no tags"):
        format_predictions("udpos", [["X"], []])
    with pytest.raises(ValueError, match="xnli prediction 2: '' cannot be written"):
        format_predictions("xnli", ["entailment", ""])


def test_lm_eval_cli_adds_our_task_folder():
    from harness_tasks.lm_eval_cli import with_include_path
    from harness_tasks.tasks import TASKS_DIR

    assert with_include_path(["run", "--tasks", "xtreme_xnli_de"]) == [
        "run", "--tasks", "xtreme_xnli_de", "--include_path", str(TASKS_DIR)]
    assert with_include_path(["--model", "x"]) == ["--model", "x", "--include_path", str(TASKS_DIR)]
    assert with_include_path(["run", "--include_path", "/x"]) == ["run", "--include_path", "/x"]


def test_xtreme_score_needs_all_nine_tasks_complete(tiny_models, tmp_path, monkeypatch):
    # Pretend the benchmark had only the sample languages: then every task is complete.
    import dataclasses

    from evaluators.task_spec import frozen_map

    for task, langs in SAMPLE_LANGUAGES.items():
        spec = TASKS[task]
        monkeypatch.setitem(TASKS, task, dataclasses.replace(spec, languages=frozen_map({**spec.languages,
                                                                                         "xtreme": langs})))
    assert main(["score", "--model", str(tiny_models.bundle), "--output", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    section = results["xtreme"]
    assert section["complete_tasks"] == list(XTREME.task_names)
    scores = section["task_scores"]
    assert section["overall_score"] == sum(scores[t] for t in XTREME.task_names) / 9
    assert section["groups"]["qa"] == (scores["xquad"] + scores["mlqa"] + scores["tydiqa"]) / 3
    assert results["groups"]["xtreme"] == {"score,none": section["overall_score"]}
    assert results["groups"]["xtreme_mlqa"]["score,none"] == scores["mlqa"]


def test_xtreme_lm_eval_console_script_runs_our_model_and_tasks(tiny_models, tmp_path, full_run):
    from harness_tasks.lm_eval_cli import main as lm_eval_main

    lm_eval_main(["run", "--model", "xtreme-encoder", "--model_args", f"bundle={tiny_models.bundle}",
                  "--tasks", "xtreme_xnli_de", "--batch_size", "8", "--device", "cuda:0",
                  "--output_path", str(tmp_path)])
    (written,) = tmp_path.rglob("results_*.json")
    row = json.loads(written.read_text(encoding="utf-8"))["results"]["xtreme_xnli_de"]
    assert row["accuracy,none"] == full_run[2]["xtreme"]["tasks"]["xnli"]["accuracy"]["de"]


def test_missing_heads_are_skipped_and_nothing_to_run_fails(tiny_models, tmp_path, capsys):
    import shutil

    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_models.head("xnli"), bundle / "xnli")
    (bundle / "manifest.json").write_text('{"format": 1, "checkpoints": {"xnli": {"seed": 0}}}', encoding="utf-8")
    assert main(["score", "--model", str(bundle), "--output", str(tmp_path / "out"), "--tasks", "tatoeba"]) == 2
    err = capsys.readouterr().err
    assert f"skipping tatoeba: no 'encoder' head in bundle {bundle}" in err
    assert err.splitlines()[-1] == "xtreme score: no task could run (see the reasons above); nothing was written"
    assert not (tmp_path / "out" / "results.json").exists()  # an empty results.json would pass for a run


def _bucc_de(tiny_models, out, *flags):
    code = main(["score", "--model", str(tiny_models.encoder), "--output", str(out), "--tasks", "bucc2018",
                 "--languages", "de", *flags])
    assert code == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_bucc_subset_is_recorded_noted_and_printed(tiny_models, tmp_path, capsys):
    results = _bucc_de(tiny_models, tmp_path, "--bucc-distractors", "2", "--bucc-seed", "0")
    section = results["xtreme"]
    # Sample de-en: dev 16/18 sentences with 12 gold pairs, test 20/22 with 16; every gold sentence is kept
    # and 2 of the others per side.
    common = {"subset": "gold+distractors", "preset": None, "n_distractors": 2, "seed": 0, "language": "de",
              "source_distractors": 2, "target_distractors": 2}
    assert section["bucc_subset"] == {"de": {
        "dev": {**common, "split": "dev", "source_sentences": 14, "target_sentences": 14,
                "full_source_sentences": 16, "full_target_sentences": 18, "gold_pairs": 12},
        "test": {**common, "split": "test", "source_sentences": 18, "target_sentences": 18,
                 "full_source_sentences": 20, "full_target_sentences": 22, "gold_pairs": 16},
    }}
    notes = section["notes"]["bucc2018_de"]
    assert ("bucc2018 de-en test: gold + 2 distractors per side, seed 0 (18 of 20 source and 18 of 22 target "
            "sentences; 2/2 distractors kept); F1 not comparable with full-corpus numbers") in notes
    assert any(n.startswith("bucc2018 de-en dev: gold + 2 distractors per side") for n in notes)
    f1 = results["results"]["xtreme_bucc2018_de"]["f1,none"]
    assert isinstance(f1, float) and 0.0 <= f1 <= 100.0  # scored, not predictions only
    assert ("bucc2018: scored on a subset, gold + 2 distractors per side, seed 0 (de): "
            "F1 not comparable with full-corpus numbers") in capsys.readouterr().out


def test_bucc_full_is_the_default_and_unchanged(tiny_models, tmp_path, capsys):
    full = _bucc_de(tiny_models, tmp_path / "full")
    described = full["xtreme"]["bucc_subset"]["de"]
    assert described["test"]["subset"] == "full" and described["test"]["source_sentences"] == 20
    assert described["dev"]["preset"] == "full" and described["dev"]["target_sentences"] == 18
    assert not any("distractors" in n for n in full["xtreme"]["notes"]["bucc2018_de"])
    assert "scored on a subset" not in capsys.readouterr().out
    # The ci preset asks for 1,000 distractors: the sample has fewer, so every sentence is kept, and the
    # scores must equal the full corpus's (the subset keeps corpus order); only the record differs.
    ci = _bucc_de(tiny_models, tmp_path / "ci", "--bucc-subset", "ci", "--bucc-seed", "3")
    assert ci["results"]["xtreme_bucc2018_de"]["f1,none"] == full["results"]["xtreme_bucc2018_de"]["f1,none"]
    test = ci["xtreme"]["bucc_subset"]["de"]["test"]
    assert (test["preset"], test["n_distractors"], test["seed"], test["source_distractors"]) == ("ci", 1000, 3, 4)


def test_bucc_distractors_and_a_preset_are_exclusive(tiny_models, tmp_path, capsys):
    message = "xtreme score: --bucc-distractors takes N >= 0 and replaces --bucc-subset; give one\n"
    assert main(["score", "--model", str(tiny_models.encoder), "--output", str(tmp_path), "--tasks", "bucc2018",
                 "--bucc-subset", "ci", "--bucc-distractors", "2"]) == 2
    assert capsys.readouterr().err.endswith(message)
    with pytest.raises(SystemExit) as exit_:  # a negative count is a usage error, caught by the parser
        main(["score", "--model", str(tiny_models.encoder), "--output", str(tmp_path), "--tasks", "bucc2018",
              "--bucc-distractors", "-1"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.endswith("argument --bucc-distractors: -1 is too small; expected an integer >= 0\n")
    assert not (tmp_path / "results.json").exists()  # refused before anything ran
