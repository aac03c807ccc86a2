"""The X-STILTs training recipe on a tiny local encoder and the bundled sample data (CPU, no hub)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch
import yaml
from tests.training_fixtures import (
    Crash,
    assert_same_tensors,
    bundle_tensors,
    crash_at,
    write_ccg,
    write_config,
    write_german_pairs,
    write_hellaswag,
    write_qqp,
    write_squad_v2,
)

from harness_tasks.bundle import ENCODER, HEAD_KIND, read_manifest
from training.config import ConfigError, load_config
from training.batch_plan import plan_batches
from training.recipe import RecipeError, run_recipe
from tests.training_fixtures import one_thread  # noqa: F401  (autouse: one torch thread)

CONFIGS = Path(__file__).resolve().parent.parent / "training" / "configs"




@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """One uninterrupted run of the small config, shared by the bundle, determinism and resume tests."""
    folder = tmp_path_factory.mktemp("reference")
    config = load_config(write_config(folder))
    bundle = run_recipe(config, folder / "out")
    return folder, bundle


# ---------------------------------------------------------------------------------------------------------
# Config


def test_shipped_configs_load_with_paper_defaults():
    sample = load_config(CONFIGS / "sample.yaml")
    assert sample.base_model == "tiny"
    assert [step.tasks for step in sample.intermediate] == [("mnli",)]
    assert sample.target.tasks == ("xnli", "pawsx", "udpos", "panx", "squad", "tydiqa", "xcopa", "lareqa", "mewslix")
    large = load_config(CONFIGS / "xstilts-xlmr-large.yaml")
    assert large.base_model == "FacebookAI/xlm-roberta-large"
    hyper = large.hyperparameters
    assert (hyper.learning_rate, hyper.warmup_ratio, hyper.intermediate_epochs) == (1e-5, 0.1, 3)
    assert (hyper.max_length, hyper.qa_max_length) == (256, 384)
    assert {t: large.target.epochs_for(t) for t in large.target.tasks} == {
        "xnli": 2, "pawsx": 5, "udpos": 10, "panx": 10, "squad": 2, "tydiqa": 2,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_model": None}, "base_model: expected str, got NoneType None"),
        ({"seed": "x"}, "seed: expected int, got str 'x'"),
        ({"colour": 1}, "colour: unknown key; expected one of"),
        ({"intermediate": [{"tasks": ["mnli"], "sampling": "greedy"}]},
         "intermediate[0].sampling: 'greedy' is not one of proportional, uniform, temperature"),
        ({"intermediate": [{"tasks": ["nope"]}]}, "intermediate[0].tasks: unknown intermediate task 'nope'"),
        ({"intermediate": [{"tasks": ["mnli", "mnli"]}]}, "intermediate[0].tasks: names a task twice"),
        ({"target": {"tasks": ["xquad"]}},
         "target.tasks: 'xquad' is not a trainable target; one of xnli, pawsx, udpos, panx, squad, tydiqa, xcopa,"
         " lareqa, mewslix (SQuAD v1.1 serves XQuAD and MLQA: name it 'squad')"),
        ({"target": {"tasks": ["tatoeba"]}},
         "target.tasks: 'tatoeba' is not a trainable target; one of xnli, pawsx, udpos, panx, squad, tydiqa, xcopa,"
         " lareqa, mewslix"),
        ({"target": {"epochs": {"xnli": 0}}}, "target.epochs.xnli: must be > 0, got 0.0"),
        ({"hyperparameters": {"warmup_ratio": 1.5}}, "hyperparameters.warmup_ratio: must be in [0, 1), got 1.5"),
        ({"hyperparameters": {"doc_stride": 500}},
         "hyperparameters.doc_stride: must be >= 0 and smaller than qa_max_length"),
        ({"hyperparameters": {"mixed_precision": "fp8"}},
         "hyperparameters.mixed_precision: 'fp8' is not one of no, fp16, bf16"),
        ({"intermediate_tasks": {"mine": {"format": "pair_tsv", "train": ["x.tsv"]}}},
         "intermediate_tasks.mine.head: is required for a new task"),
        ({"intermediate_tasks": {"mine": {"head": "sequence_classification", "format": "pair_tsv",
                                          "train": ["missing.tsv"], "labels": ["a"]}}},
         "intermediate_tasks.mine.train: file not found: missing.tsv"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    raw = {"base_model": "tiny", "intermediate": [{"tasks": ["mnli"]}]}
    raw.update(change)
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert re.match(rf"{re.escape(str(path))}:\d+: {re.escape(message)}", str(err.value))  # FILE:LINE: key: ...


def test_config_data_is_parsed_by_the_readers_source_parser(tmp_path):
    """``data`` goes through harness_tasks.readers.parse_source, relative to the YAML file's folder."""
    path = tmp_path / "bad.yaml"
    path.write_text("base_model: tiny\ndata: no/such/folder\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}:2: data: {tmp_path / 'no/such/folder'}: no such folder (the XTREME data folder); expected "
        "'sample', 'hub', 'hub:PATH' or a folder in the benchmark's download layout")
    (tmp_path / "copy").mkdir()
    for written, parsed in (("sample", None), ("hub", "hub"), ("copy", str(tmp_path / "copy")),
                            ("hub:copy", f"hub:{tmp_path / 'copy'}")):
        path.write_text(f"base_model: tiny\ndata: '{written}'\n", encoding="utf-8")
        assert load_config(path).data == parsed


def test_targets_take_their_declared_settings_unless_the_config_writes_them(tmp_path):
    """Epochs, learning rate and length of a target phase default to its TrainingData declaration."""
    from evaluators.tasks.training_data import MNLI_FOR_XNLI, SQUAD_V1

    path = tmp_path / "config.yaml"
    path.write_text("base_model: tiny\nhyperparameters: {learning_rate: 3.0e-5}\n", encoding="utf-8")
    config = load_config(path)
    assert config.target.tasks == ("xnli", "pawsx", "udpos", "panx", "squad", "tydiqa", "xcopa", "lareqa", "mewslix")
    assert {t: config.target.epochs_for(t) for t in config.target.tasks} == {
        "xnli": 2, "pawsx": 5, "udpos": 10, "panx": 10, "squad": 2, "tydiqa": 2, "xcopa": 5, "lareqa": 3,
        "mewslix": 2}
    xnli, squad = config.target_hyperparameters("xnli"), config.target_hyperparameters("squad")
    assert (xnli.learning_rate, xnli.max_length, xnli.qa_max_length) == (3e-5, MNLI_FOR_XNLI.max_length, 384)
    assert (squad.learning_rate, squad.max_length, squad.qa_max_length) == (3e-5, 256, SQUAD_V1.max_length)
    assert (MNLI_FOR_XNLI.max_length, SQUAD_V1.max_length) == (256, 384)  # the X-STILTs paper's lengths
    # Everything else is the config's; what it writes wins over the declaration.
    assert config.target_hyperparameters("xnli") == config.hyperparameters.__class__(
        **{**config.hyperparameters.__dict__, "max_length": MNLI_FOR_XNLI.max_length})
    path.write_text("base_model: tiny\nhyperparameters: {max_length: 64}\n", encoding="utf-8")
    assert load_config(path).target_hyperparameters("xnli").max_length == 64


def test_invalid_yaml_is_reported_with_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("base_model: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml:2: not valid YAML"):
        load_config(path)


# ---------------------------------------------------------------------------------------------------------
# Batch plan


def test_single_task_plan_is_plain_epochs():
    plan = plan_batches({"a": 10}, 4, 2, "proportional", 1.0, seed=3)
    assert [len(ix) for _, ix in plan] == [4, 4, 2, 4, 4, 2]
    first, second = [i for _, ix in plan[:3] for i in ix], [i for _, ix in plan[3:] for i in ix]
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert first != second  # each epoch is reshuffled
    assert plan == plan_batches({"a": 10}, 4, 2, "proportional", 1.0, seed=3)
    assert plan != plan_batches({"a": 10}, 4, 2, "proportional", 1.0, seed=4)


def test_multitask_sampling_weights():
    sizes = {"big": 900, "small": 100}
    counts = {}
    for sampling in ("proportional", "uniform", "temperature"):
        plan = plan_batches(sizes, 1, 2, sampling, 2.0, seed=0)
        assert len(plan) == 2000
        counts[sampling] = sum(task == "small" for task, _ in plan) / len(plan)
    # Expected shares of "small": 0.1, 0.5, and sqrt(100) / (sqrt(900) + sqrt(100)) = 0.25.
    assert abs(counts["proportional"] - 0.1) < 0.03
    assert abs(counts["uniform"] - 0.5) < 0.05
    assert abs(counts["temperature"] - 0.25) < 0.04


# ---------------------------------------------------------------------------------------------------------
# Features


def test_features_label_first_subtoken_and_locate_answers(reference_run):
    from transformers import AutoTokenizer

    from harness_tasks.records import Answer, QAExample, TaggedSentence
    from training.config import Hyperparameters
    from training.features import IGNORE, encode

    folder, _ = reference_run
    tokenizer = AutoTokenizer.from_pretrained(folder / "out" / "base-model")
    hyper = Hyperparameters(max_length=32, qa_max_length=24, doc_stride=8)
    # A word of the sample data that the tiny vocabulary splits, so that non-first pieces are tested.
    from harness_tasks.readers import load_english_train

    words = [w for s in load_english_train("udpos") for w in s.tokens if w.isalpha()]
    glued = (a + b for a, b in zip(words, words[1:]))  # two words glued: not a vocabulary entry, known letters
    long_word = next(w for w in glued if len(tokenizer.tokenize(w)) > 1 and tokenizer.unk_token not in tokenizer.tokenize(w))
    pieces = len(tokenizer.tokenize(long_word))
    sentence = TaggedSentence("s", (long_word, "the", "cat"), ("B-PER", "O", "O"), "en")
    feat = encode("token_classification", [sentence], tokenizer, ("O", "B-PER"), hyper).features[0]
    expected = [IGNORE]  # [CLS]
    for word, tag in ((long_word, 1), ("the", 0), ("cat", 0)):
        expected += [tag] + [IGNORE] * (len(tokenizer.tokenize(word)) - 1)
    assert feat["labels"] == expected + [IGNORE]  # [SEP]
    assert pieces > 1 and expected.count(IGNORE) >= pieces

    context = " ".join(["the cat sat on a mat"] * 6) + " and Paris is far"
    example = QAExample("q", "Where?", context, (Answer("Paris", context.index("Paris")),), "en")
    encoded = encode("question_answering", [example], tokenizer, (), hyper)
    assert len(encoded.features) > 1  # the context needs several windows
    found = [f for f in encoded.features if f["start_positions"] != 0]
    assert found  # at least one window holds the answer ...
    for f, offsets in zip(encoded.features, encoded.offsets):
        if f["start_positions"]:
            span = context[offsets[f["start_positions"]][0]:offsets[f["end_positions"]][1]]
            assert span == "Paris"
        else:  # ... and the others point at the null span
            assert f["end_positions"] == 0
    # Dev decoding: logits peaking at a window's gold span give back the answer text; the null position
    # ([CLS], 0) is never predicted even when it scores highest.
    from training.features import predict_spans

    starts, ends = [], []
    for f in encoded.features:
        s, e = torch.zeros(len(f["input_ids"])), torch.zeros(len(f["input_ids"]))
        s[0] = e[0] = 100.0
        if f["start_positions"]:
            s[f["start_positions"]] = e[f["end_positions"]] = 10.0
        starts.append(s)
        ends.append(e)
    assert predict_spans(encoded, starts, ends, [example], max_answer_length=30) == {"q": "Paris"}


def test_dev_tags_are_read_where_the_harness_reads_them():
    """Training labels and selection read a word's tag at its first sub-token, through the harness's own
    tag decoding (harness_tasks.inference.tagging), so selection measures what will be scored."""
    from harness_tasks.inference.tagging import first_pieces
    from harness_tasks.records import TaggedSentence
    from training.features import Encoded, predict_tags

    assert first_pieces([None, 0, 0, 1, 2, 2, None]) == [(0, 1), (1, 3), (2, 4)]
    labels = ("O", "B-PER", "I-PER")
    logits = torch.zeros(7, 3)
    logits[1, 1] = logits[2, 2] = logits[4, 2] = 5.0  # word 0: B-PER (its second piece, I-PER, is not read)
    sentence = TaggedSentence("s", ("Ann", "ran", "far", "away"), ("O",) * 4, "en")  # word 3 cut off
    encoded = Encoded([{}], [0], [], [[None, 0, 0, 1, 2, 2, None]])
    assert predict_tags(encoded, [logits], [sentence], labels) == [["B-PER", "O", "I-PER", "O"]]


# ---------------------------------------------------------------------------------------------------------
# Whole runs


def test_bundle_has_every_head_and_a_manifest(reference_run):
    import transformers

    folder, bundle = reference_run
    assert sorted(p.name for p in bundle.iterdir()) == ["encoder", "manifest.json", "squad", "udpos", "xnli"]
    manifest = read_manifest(bundle)
    assert manifest["format"] == 1
    assert sorted(manifest["checkpoints"]) == ["encoder", "squad", "udpos", "xnli"]
    for head, entry in manifest["checkpoints"].items():
        assert entry["kind"] == HEAD_KIND[head]
        assert entry["seed"] == 7
        assert entry["order"] == [["mnli"]]
        assert entry["packages"]["torch"] == torch.__version__
        assert entry["intermediate"][0]["sampling"] == "proportional"
        mnli_files = entry["intermediate"][0]["data"]["mnli"]
        assert [Path(p).as_posix().endswith("sample_data/xnli/train-en.tsv") for p in mnli_files] == [True]
        assert all(len(digest) == 64 for digest in mnli_files.values())
    logged = [json.loads(line) for line in (folder / "out" / "metrics.jsonl").read_text().splitlines()]
    assert [(r["phase"], r["step"]) for r in logged if "dev_score" in r] == [
        (phase, step) for phase in ("02-target-xnli", "03-target-udpos", "04-target-squad") for step in (3, 6)]
    assert {r["phase"] for r in logged if "loss" in r} == {
        "01-intermediate-mnli", "02-target-xnli", "03-target-udpos", "04-target-squad"}
    xnli = manifest["checkpoints"]["xnli"]
    assert xnli["tasks"] == [["mnli"], ["xnli"]]
    assert xnli["hyperparameters"]["learning_rate"] == 1e-3
    assert xnli["target"]["selection"]["metric"] == "accuracy on XNLI English dev"
    assert xnli["target"]["selection"]["step"] in (3, 6)
    assert xnli["target"]["data"]["train"]["examples"] == 48
    # Each head loads with the class harness_tasks.bundle names; the classifiers carry their labels.
    model = transformers.AutoModelForSequenceClassification.from_pretrained(bundle / "xnli")
    assert model.config.id2label == {0: "contradiction", 1: "entailment", 2: "neutral"}
    tagger = transformers.AutoModelForTokenClassification.from_pretrained(bundle / "udpos")
    assert tagger.config.num_labels == 17
    transformers.AutoModelForQuestionAnswering.from_pretrained(bundle / "squad")
    transformers.AutoTokenizer.from_pretrained(bundle / "squad")
    # The retrieval encoder is the intermediate encoder, unchanged.
    tensors = bundle_tensors(bundle)
    final = bundle_tensors(folder / "out" / "phases" / "01-intermediate-mnli")  # final/model.safetensors
    assert sorted(final) == sorted(k.replace(f"{ENCODER}/", "final/") for k in tensors if k.startswith("encoder/"))
    assert all(torch.equal(tensors[k], final[k.replace("encoder/", "final/")]) for k in tensors
               if k.startswith("encoder/"))
    # Target training moved the shared layers away from the intermediate encoder.
    key = "embeddings.word_embeddings.weight"
    assert not torch.equal(tensors[f"encoder/{key}"], tensors[f"xnli/bert.{key}"])


def test_same_seed_same_weights_other_seed_different(reference_run, tmp_path):
    _, bundle = reference_run
    again = run_recipe(load_config(write_config(tmp_path)), tmp_path / "out")
    assert_same_tensors(bundle_tensors(bundle), bundle_tensors(again))
    other = run_recipe(load_config(write_config(tmp_path, "other.yaml", seed=8)), tmp_path / "other")
    assert not torch.equal(bundle_tensors(bundle)["xnli/classifier.weight"],
                           bundle_tensors(other)["xnli/classifier.weight"])


@pytest.mark.parametrize("phase, step", [("01-intermediate", 3), ("03-target-udpos", 5)])
def test_crash_and_resume_ends_like_an_uninterrupted_run(reference_run, tmp_path, phase, step):
    _, bundle = reference_run
    config = load_config(write_config(tmp_path))
    out = tmp_path / "out"
    with pytest.raises(Crash):
        run_recipe(config, out, hook=crash_at(phase, step))
    state = json.loads((out / "phases" / next(p.name for p in (out / "phases").iterdir() if p.name.startswith(phase))
                        / "checkpoint" / "state.json").read_text())
    assert state["step"] == step - 1  # a checkpoint every 2 steps: the crash loses one step of work
    assert not (out / "bundle").exists()
    finished = {p: (p.stat().st_mtime_ns, p.read_text()) for p in (out / "phases").glob("*/done.json")}
    assert len(finished) == {"01-intermediate": 0, "03-target-udpos": 2}[phase]
    with pytest.raises(RecipeError, match="already holds a run: pass --resume"):
        run_recipe(config, out)
    resumed = run_recipe(config, out, resume=True)
    assert_same_tensors(bundle_tensors(bundle), bundle_tensors(resumed))
    # Phases finished before the crash were not redone (their done.json is untouched).
    assert {p: (p.stat().st_mtime_ns, p.read_text()) for p in finished} == finished
    assert not list(out.glob("phases/*/checkpoint"))  # finished phases drop their resumable state


def test_resume_refuses_a_changed_config(tmp_path):
    config = load_config(write_config(tmp_path, target=None))
    bundle = run_recipe(config, tmp_path / "out")
    assert sorted(read_manifest(bundle)["checkpoints"]) == ["encoder"]  # `target: null`: intermediate only
    changed = load_config(write_config(tmp_path, "changed.yaml", target=None, seed=99))
    with pytest.raises(RecipeError, match=r"changed\.yaml: seed differ from the run in"):
        run_recipe(changed, tmp_path / "out", resume=True)


def test_multitask_then_sequence_with_user_task(tmp_path):
    """Step 1: QQP + HellaSwag + SQuAD v2 + a German task declared in the YAML, temperature sampling;
    step 2: CCG supertagging (local files); then one target."""
    data = tmp_path / "data"
    data.mkdir()
    files = {"qqp": write_qqp(data), "hellaswag": write_hellaswag(data), "squad_v2": write_squad_v2(data),
             "ccg": write_ccg(data), "de_pairs": write_german_pairs(data)}
    declared = {name: {"train": [f"data/{files[name].name}"]} for name in ("qqp", "hellaswag", "squad_v2", "ccg")}
    declared["de_pairs"] = {"head": "sequence_classification", "format": "pair_tsv", "language": "de",
                            "train": ["data/de_pairs.tsv"], "labels": ["ja", "nein"]}
    path = write_config(
        tmp_path,
        intermediate=[
            {"tasks": ["qqp", "hellaswag", "squad_v2", "de_pairs"], "sampling": "temperature", "temperature": 3.0,
             "epochs": 1},
            {"tasks": ["ccg"], "epochs": 2,
             "hyperparameters": {"gradient_accumulation_steps": 2, "gradient_checkpointing": True}},
        ],
        intermediate_tasks=declared,
        target={"tasks": ["pawsx"]},
    )
    bundle = run_recipe(load_config(path), tmp_path / "out")
    manifest = read_manifest(bundle)
    assert sorted(manifest["checkpoints"]) == ["encoder", "pawsx"]
    entry = manifest["checkpoints"]["pawsx"]
    assert entry["order"] == [["qqp", "hellaswag", "squad_v2", "de_pairs"], ["ccg"]]
    assert entry["tasks"] == [["qqp", "hellaswag", "squad_v2", "de_pairs"], ["ccg"], ["pawsx"]]
    first, second = entry["intermediate"]
    assert first["sampling"] == "temperature" and first["temperature"] == 3.0
    assert first["heads"] == {"qqp": "sequence_classification", "hellaswag": "multiple_choice",
                              "squad_v2": "question_answering", "de_pairs": "sequence_classification"}
    assert first["examples"] == {"qqp": 24, "hellaswag": 16, "squad_v2": 12, "de_pairs": 16}
    assert second["heads"] == {"ccg": "token_classification"}
    # Step 1: (3 + 2 + 2 + 2) batches of 8 in one epoch, capped at max_steps 6; step 2: 2 epochs x 2 batches
    # of 8, two micro-batches per optimizer step (its own hyperparameters, over the global ones).
    assert (first["optimizer_steps"], second["optimizer_steps"]) == (6, 2)
    assert (second["hyperparameters"]["gradient_accumulation_steps"], second["hyperparameters"]["learning_rate"]) == (2, 1e-3)
    assert first["data"]["qqp"] == {str(files["qqp"]): _sha256(files["qqp"])}
    # The second step starts from the first one's encoder, and the bundle's encoder is the second's.
    assert second["start"].endswith("01-intermediate-qqp+hellaswag+squad_v2+de_pairs/final")
    assert_same_tensors(
        {k.split("/", 1)[1]: v for k, v in bundle_tensors(bundle).items() if k.startswith("encoder/")},
        {k.split("/", 1)[1]: v for k, v in bundle_tensors(tmp_path / "out" / "phases" / "02-intermediate-ccg").items()},
    )


def test_baseline_without_intermediate_phase_uses_the_pretrained_encoder(tmp_path):
    bundle = run_recipe(load_config(write_config(tmp_path, intermediate=[], target={"tasks": ["panx"]})),
                        tmp_path / "out")
    entry = read_manifest(bundle)["checkpoints"]["panx"]
    assert (entry["order"], entry["start"], entry["tasks"]) == ([], "base", [["panx"]])
    base = bundle_tensors(tmp_path / "out")  # base-model/model.safetensors
    encoder = {k.replace("encoder/", "base-model/"): v for k, v in bundle_tensors(bundle).items()
               if k.startswith("encoder/")}
    assert_same_tensors(base, encoder)


def test_cli_trains_and_reports_config_errors(tmp_path, capsys):
    from harness_tasks.cli import main

    path = write_config(tmp_path, intermediate=[], target={"tasks": ["xnli"]})
    assert main(["train", str(path), "--output", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "out" / "bundle")
    bad = tmp_path / "bad.yaml"
    bad.write_text("base_model: tiny\nintermediate: [{tasks: [mnli], sampling: random}]\n", encoding="utf-8")
    assert main(["train", str(bad)]) == 2
    assert f"{bad}:2: intermediate[0].sampling: 'random' is not one of" in capsys.readouterr().err


def test_score_command_scores_the_bundle(reference_run, tmp_path):
    from harness_tasks.cli import COMMANDS

    try:
        __import__(COMMANDS["score"][0])
    except ModuleNotFoundError:
        pytest.skip("xtreme score is not in this tree yet")
    from harness_tasks.cli import main

    _, bundle = reference_run
    assert main(["score", "--model", str(bundle), "--tasks", "xnli", "--output", str(tmp_path / "scores")]) == 0


def _sha256(path: Path) -> str:
    from training.hashing import sha256_file

    return sha256_file(path)


def test_plan_is_stable_across_processes():
    """Python salts str hashes per process; the batch plan (hence resume) must not depend on that."""
    import subprocess
    import sys

    code = "from training.batch_plan import plan_batches; print(plan_batches({'a': 5, 'b': 3}, 2, 2, 'uniform', 1.0, 1))"
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


# ---------------------------------------------------------------------------------------------------------
# Intermediate task readers: local formats and hub rows (the hub itself is not reachable in tests)


def test_local_formats_read_into_records(tmp_path):
    from harness_tasks.records import Answer
    from training.intermediate_tasks import (
        ChoiceExample,
        read_commonsenseqa_jsonl,
        read_cosmosqa_jsonl,
        read_nli_jsonl,
    )

    snli = tmp_path / "snli.jsonl"
    snli.write_text(
        '{"sentence1": "A man.", "sentence2": "A person.", "gold_label": "entailment"}\n'
        '{"sentence1": "A dog.", "sentence2": "A cat.", "gold_label": "-"}\n'
        '{"context": "Rain.", "hypothesis": "Dry.", "label": "c"}\n', encoding="utf-8")
    assert [(e.sentence1, e.sentence2, e.label) for e in read_nli_jsonl(snli, "anli_plus", "en")] == [
        ("A man.", "A person.", "entailment"), ("Rain.", "Dry.", "contradiction")]
    cosmos = tmp_path / "cosmos.jsonl"
    cosmos.write_text(json.dumps({"context": "C.", "question": "Q?", "answer0": "a", "answer1": "b",
                                  "answer2": "c", "answer3": "d", "label": 2}) + "\n", encoding="utf-8")
    assert read_cosmosqa_jsonl(cosmos, "cosmosqa", "en") == [ChoiceExample("cosmosqa.0", "C. Q?", ("a", "b", "c", "d"), 2)]
    csqa = tmp_path / "csqa.jsonl"
    csqa.write_text(json.dumps({"answerKey": "B", "question": {"stem": "S?", "choices": [
        {"label": "A", "text": "x"}, {"label": "B", "text": "y"}]}}) + "\n", encoding="utf-8")
    assert read_commonsenseqa_jsonl(csqa, "commonsenseqa", "en") == [ChoiceExample("commonsenseqa.0", "S?", ("x", "y"), 1)]
    squad_v2 = write_squad_v2(tmp_path, n=3)
    from training.intermediate_tasks import read_squad_json

    records = read_squad_json(squad_v2, "squad_v2", "en")
    assert [r.answers for r in records] == [(), (Answer("Paris", records[1].context.index("Paris")),),
                                            (Answer("Paris", records[2].context.index("Paris")),)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ctx": "x"}\nnot json\n', encoding="utf-8")
    from training.intermediate_tasks import TaskDataError, read_choice_jsonl

    with pytest.raises(TaskDataError, match=r"bad\.jsonl:1: missing key; expected one of choices"):
        read_choice_jsonl(bad, "mine", "en")


def test_hub_sources_are_converted_and_concatenated(monkeypatch):
    """ANLI+ reads five hub splits in order into one NLI task; rows without a label are dropped."""
    import datasets

    from training.intermediate_tasks import TASKS, load_task

    calls = []

    class Rows(list):
        _fingerprint = "fp"

    def fake_load_dataset(hub_id, config, split):
        calls.append((hub_id, config, split))
        if hub_id == "stanfordnlp/snli":
            return Rows([{"premise": "p", "hypothesis": "h", "label": -1},
                         {"premise": "p", "hypothesis": "h", "label": 0}])
        if hub_id == "nyu-mll/multi_nli":
            return Rows([{"premise": "p", "hypothesis": "h", "label": 2}])
        return Rows([{"premise": f"anli {split}", "hypothesis": "h", "label": 1}])

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    data = load_task("anli_plus", xtreme_dir=None)
    assert calls == [("stanfordnlp/snli", None, "train"), ("nyu-mll/multi_nli", None, "train"),
                     ("facebook/anli", None, "train_r1"), ("facebook/anli", None, "train_r2"),
                     ("facebook/anli", None, "train_r3")]
    assert [e.label for e in data.examples] == ["entailment", "contradiction", "neutral", "neutral", "neutral"]
    assert data.labels == ("contradiction", "entailment", "neutral")
    assert list(data.sources) == ["stanfordnlp/snli:train", "nyu-mll/multi_nli:train", "facebook/anli:train_r1",
                                  "facebook/anli:train_r2", "facebook/anli:train_r3"]
    # The hub converters of the other tasks, on rows shaped like the hub datasets.
    hellaswag = TASKS["hellaswag"].hub[0].convert({"ctx": "c", "endings": ["a", "b"], "label": "1"}, 0, "hellaswag")
    assert (hellaswag.choices, hellaswag.label) == (("a", "b"), 1)
    squad = TASKS["squad_v2"].hub[0].convert(
        {"id": "x", "question": "q", "context": "ctx", "title": "t", "answers": {"text": [], "answer_start": []}},
        0, "squad_v2")
    assert squad.answers == ()
    qqp = TASKS["qqp"].hub[0].convert({"question1": "a", "question2": "b", "label": 1}, 0, "qqp")
    assert (qqp.sentence1, qqp.sentence2, qqp.label) == ("a", "b", "1")
    csqa = TASKS["commonsenseqa"].hub[0].convert(
        {"question": "q", "choices": {"label": ["A", "B"], "text": ["x", "y"]}, "answerKey": "B"}, 0, "csqa")
    assert (csqa.choices, csqa.label) == (("x", "y"), 1)


def test_ccg_without_local_files_says_how_to_declare_them():
    from training.intermediate_tasks import TaskDataError, load_task

    with pytest.raises(TaskDataError, match=r"'ccg' has no public download: declare its local files"):
        load_task("ccg", xtreme_dir=None)


def test_sigkill_mid_phase_then_resume_from_the_command_line(reference_run, tmp_path):
    """A real kill (no exception handlers, no clean-up) in the middle of a target phase, then `--resume`."""
    import os
    import subprocess
    import sys

    from harness_tasks.cli import main

    _, bundle = reference_run
    path = write_config(tmp_path)
    out = tmp_path / "out"
    code = (
        "import os, signal, sys\n"
        "from training.config import load_config\n"
        "from training.recipe import run_recipe\n"
        "def hook(phase, step):\n"
        "    if phase == '04-target-squad' and step == 3:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"run_recipe(load_config({str(path)!r}), {str(out)!r}, hook=hook)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert json.loads((out / "phases" / "04-target-squad" / "checkpoint" / "state.json").read_text())["step"] == 2
    assert main(["train", str(path), "--output", str(out), "--resume"]) == 0
    assert_same_tensors(bundle_tensors(bundle), bundle_tensors(out / "bundle"))
