"""XCOPA end to end in the harness: reader -> lm-eval task -> ``choose`` requests -> a multiple-choice head ->
predictions -> the submission `xtreme score-submission --benchmark xtreme-r` scores to the same numbers; and
the xcopa head trained by the recipe in two stages (SocialIQA, then English COPA)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

import harness_tasks
from harness_tasks.bundle import CheckpointError, read_manifest
from harness_tasks.cli import main
from harness_tasks.readers import SAMPLE_DATA_DIR, load_split
from harness_tasks.readers.multiple_choice import choice_prompt
from tests.sample_files import XTREME_R_SAMPLE_LANGUAGES
from tests.training_fixtures import (
    Crash,
    assert_same_tensors,
    bundle_tensors,
    crash_at,
    one_thread,  # noqa: F401  (autouse: one torch thread)
    write_config,
)
from training.config import TARGET_EPOCHS, load_config
from training.recipe import run_recipe

SAMPLE_LANGUAGES = XTREME_R_SAMPLE_LANGUAGES["xcopa"]  # th tr zh




def xcopa_config(folder: Path, name: str = "config.yaml") -> Path:
    """The xcopa head alone, from the tiny encoder, a few steps per stage."""
    return write_config(folder, name, intermediate=[], target={"tasks": ["xcopa"]},
                        hyperparameters={"learning_rate": 1e-3, "batch_size": 8, "max_length": 64, "max_steps": 4,
                                         "save_every_steps": 2, "eval_every_steps": 2, "log_every_steps": 100,
                                         "max_train_examples": 48, "max_eval_examples": 12})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xcopa_train")
    out = folder / "out"
    return out, run_recipe(load_config(xcopa_config(folder)), out)


# ---------------------------------------------------------------------------------------------------------
# reader -> task -> requests


def test_each_example_is_one_choose_request_of_the_prompt_and_its_choices():
    manager = harness_tasks.task_manager()
    task = manager.load(["xtreme_xcopa_th"])["tasks"]["xtreme_xcopa_th"]
    task.build_all_requests(rank=0, world_size=1)
    records = load_split("xcopa", "th", "test")
    assert len(task.instances) == len(records) == 16
    first = task.instances[0]
    assert first.request_type == "choose"
    assert first.args == ("สมชายหิว What was the effect?", ["สมชายเปิดไฟ", "สมชายกินขนมปัง"])
    assert [i.doc["gold"] for i in task.instances] == [str(r.label) for r in records]


def test_choose_picks_the_highest_logit_in_any_batching(tiny_models):
    from transformers import AutoModelForMultipleChoice, AutoTokenizer

    from harness_tasks.inference.multiple_choice import choose_answers

    head = tiny_models.head("xcopa")
    tokenizer, model = AutoTokenizer.from_pretrained(head), AutoModelForMultipleChoice.from_pretrained(head).eval()
    records = load_split("xcopa", "zh", "test")
    # Two and three choices in one call: they never share a batch.
    items = [(choice_prompt(r), list(r.choices)) for r in records]
    items += [("Anna studied all night.", ["rested", "tired", "bored with music"]), ("x", ["a b c d", "e"])]
    expected = []
    with torch.inference_mode():
        for prompt, choices in items:  # one example at a time, no padding
            encoded = tokenizer([prompt] * len(choices), choices, return_tensors="pt", padding=True)
            logits = model(**{k: v.unsqueeze(0) for k, v in encoded.items()}).logits[0]
            expected.append(int(torch.argmax(logits)))
        for batch_size in (1, 3, 64):
            assert choose_answers(tokenizer, model, items, max_length=64, batch_size=batch_size,
                                  device=torch.device("cpu")) == expected, batch_size
    assert len(set(expected)) >= 2  # the tiny head does not choose one index for all
    with pytest.raises(ValueError, match="every example needs at least two choices"):
        choose_answers(tokenizer, model, [("x", ["only"])], max_length=64, batch_size=8, device=torch.device("cpu"))


def test_cached_choices_are_checked_against_each_example(tmp_path):
    from harness_tasks.results_cache import PredictionCache

    cache = PredictionCache(tmp_path)
    cache.save("k", "choose", [1, 0, 2])
    assert cache.load("k", "choose", 3, counts=[2, 2, 3]) == [1, 0, 2]
    assert cache.load("k", "choose", 3, counts=[2, 2, 2]) is None  # 2 is no index of two choices
    cache.save("k", "choose", [1, True, 0])
    assert cache.load("k", "choose", 3, counts=[2, 2, 2]) is None  # true is not an index


# ---------------------------------------------------------------------------------------------------------
# the head's checks


def test_a_head_of_another_kind_in_the_xcopa_folder_is_refused(tiny_models, tmp_path):
    """A BERT sequence classifier with one label holds the very tensors of a multiple-choice head (a pooler
    and a one-row classifier): only config.json's architectures tells them apart."""
    from harness_tasks.bundle_check import check_bundle
    from harness_tasks.tiny_encoder import build_tiny_head

    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_models.bundle, bundle)
    shutil.rmtree(bundle / "xcopa")
    build_tiny_head(tiny_models.encoder, bundle / "xcopa", "sequence_classification", ["yes"], seed=3)
    row = next(row for row in check_bundle(bundle).rows if row.head == "xcopa")
    assert (row.status, row.problem) == ("error", (
        f"{bundle / 'xcopa'}: config.json architectures names BertForSequenceClassification, a "
        "sequence_classification head, but this folder must hold a multiple_choice head (a class ending in "
        "ForMultipleChoice); put the checkpoint trained for this task here"))


def test_a_model_type_without_a_multiple_choice_class_is_refused_by_name(tmp_path):
    from transformers import AutoModelForMultipleChoice, T5Config

    from harness_tasks.inference.checkpoint_checks import check_head_class

    with pytest.raises(CheckpointError) as info:
        check_head_class("HEAD", "multiple_choice", T5Config(), AutoModelForMultipleChoice)
    assert str(info.value) == ("HEAD: transformers has no multiple_choice head for model type 't5' "
                               "(AutoModelForMultipleChoice cannot build one); this task needs an encoder that it can")


# ---------------------------------------------------------------------------------------------------------
# training: SocialIQA, then English COPA, one head


def test_xcopa_is_a_target_trained_in_two_stages(trained):
    out, bundle = trained
    assert TARGET_EPOCHS["xcopa"] == 5
    assert sorted(p.name for p in (out / "phases").iterdir()) == ["01-target-xcopa-siqa", "02-target-xcopa"]
    siqa = json.loads((out / "phases" / "01-target-xcopa-siqa" / "done.json").read_text(encoding="utf-8"))
    copa = json.loads((out / "phases" / "02-target-xcopa" / "done.json").read_text(encoding="utf-8"))
    assert (siqa["stage"], siqa["training"], siqa["selection"]["metric"]) == (
        "siqa", "SocialIQA", "accuracy on SocialIQA dev")
    assert (copa["stage"], copa["training"], copa["selection"]["metric"]) == (
        "xcopa", "COPA", "accuracy on English COPA dev")
    assert copa["start"] == siqa["best"]  # the COPA stage goes on with the SocialIQA stage's best head
    assert (siqa["data"]["train"]["examples"], siqa["data"]["dev"]["examples"]) == (48, 12)  # the config's caps
    assert copa["optimizer_steps"] == siqa["optimizer_steps"] == 4
    entry = read_manifest(bundle)["checkpoints"]["xcopa"]
    assert entry["kind"] == "multiple_choice" and entry["tasks"] == [["siqa"], ["xcopa"]]
    assert entry["target"]["selection"] == copa["selection"]
    assert [stage["training"] for stage in entry["stages"]] == ["SocialIQA"]
    assert entry["stages"][0]["selection"] == siqa["selection"]
    assert json.loads((bundle / "xcopa" / "config.json").read_text())["architectures"] == ["BertForMultipleChoice"]


def test_a_crash_in_the_copa_stage_resumes_without_redoing_socialiqa(trained, tmp_path):
    _, bundle = trained
    config = load_config(xcopa_config(tmp_path))
    out = tmp_path / "out"

    with pytest.raises(Crash):
        run_recipe(config, out, hook=crash_at("02-target-xcopa", 3))
    first = out / "phases" / "01-target-xcopa-siqa" / "done.json"
    before = (first.stat().st_mtime_ns, first.read_text(encoding="utf-8"))
    resumed = run_recipe(config, out, resume=True)
    assert (first.stat().st_mtime_ns, first.read_text(encoding="utf-8")) == before
    assert_same_tensors(bundle_tensors(bundle), bundle_tensors(resumed))


# ---------------------------------------------------------------------------------------------------------
# `xtreme score` -> submission -> `xtreme score-submission`


def test_score_writes_a_submission_that_score_submission_scores_the_same(trained, tmp_path, capsys):
    _, bundle = trained
    out = tmp_path / "scores"
    assert main(["score", "--benchmark", "xtreme-r", "--tasks", "xcopa", "--model", str(bundle),
                 "--output", str(out)]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    per_language = {lang: results["results"][f"xtreme_xcopa_{lang}"]["accuracy,none"] for lang in SAMPLE_LANGUAGES}
    assert results["xtreme"]["task_scores"]["xcopa"] == sum(per_language.values()) / 3
    for lang in SAMPLE_LANGUAGES:
        lines = (out / "submission" / "xcopa" / f"test-{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        gold = (SAMPLE_DATA_DIR / "labels" / "xcopa" / f"test-{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(gold) == 16 and {json.loads(line)["label"] for line in lines} <= {0, 1}
        outcomes = (out / "outcomes" / "xcopa" / f"test-{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        correct = [json.loads(line)["correct"] for line in outcomes]
        assert [p == g for p, g in zip(lines, gold)] == [bool(c) for c in correct]
        assert per_language[lang] == sum(correct) / len(correct) * 100
    capsys.readouterr()
    scored = tmp_path / "scored.json"
    assert main(["score-submission", "--benchmark", "xtreme-r", "--tasks", "xcopa", "--json", str(scored),
                 str(out / "submission"), str(SAMPLE_DATA_DIR / "labels")]) == 0
    reference = json.loads(scored.read_text(encoding="utf-8"))["xcopa"]
    assert reference["accuracy"] == per_language
    assert reference["avg_accuracy"] == results["xtreme"]["task_scores"]["xcopa"]
