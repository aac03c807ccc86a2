"""Issue 8, class 3: checkpoints, third-party ones above all.

Every head of a bundle is checked before anything is scored (config, tokenizer, weights coverage and
shapes, labels, manifest) by the same code `xtreme check-bundle` reports from; a head's label names must map
onto its task's labels or be given with --label-map / the manifest; one broken head stops the run unless
--keep-going; --model is resolved before any weights load. The bundles here are copies of the session's
tiny bundle (tests/tiny_models.py), broken one way each.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
import torch
from lm_eval.api.instance import Instance
from safetensors.torch import load_file, save_file

from evaluators.tasks import get_task
from harness_tasks import model_location
from harness_tasks.bundle import CheckpointError, read_manifest
from harness_tasks.bundle_check import check_bundle
from harness_tasks.cli import main
from harness_tasks.encoder_model import XtremeEncoder
from harness_tasks.inference import loading
from harness_tasks.label_maps import head_labels, parse_label_maps

PANX_LABELS = get_task("panx").labels
XNLI_LABELS = get_task("xnli").labels

LABEL_FIX = ("Give the xnli label of each class id, id 0 first, as the model card says, e.g. --label-map "
             "xnli=contradiction,entailment,neutral (lm-eval: model_args label_map=xnli=contradiction|entailment|"
             "neutral), or \"label_map\": [...] under checkpoints.xnli in the bundle's manifest.json")


def copy_bundle(tiny_models, tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_models.bundle, bundle)
    return bundle


def edit_config(folder: Path, **changes) -> None:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")


def placeholder_labels(folder: Path, n: int) -> None:
    edit_config(folder, id2label={str(i): f"LABEL_{i}" for i in range(n)},
                label2id={f"LABEL_{i}": i for i in range(n)})


def rows(report) -> dict[str, tuple[str, str]]:
    """head -> (status, problem without the folder)."""
    return {row.head: (row.status, row.problem.removeprefix(f"{row.folder}: ")) for row in report.rows}


def request(task_name: str, args: tuple, i: int) -> Instance:
    return Instance(request_type="classify", doc={}, arguments=args, idx=0, metadata=(task_name, i, 1))


PAIRS = [("The dog runs.", "A dog is running."), ("Hi", "Hello there."), ("北京是中国的首都。", "北京"),
         ("Der Hund", "Die Katze schläft."), ("x", "y"), ("Le chien", "Un chat")]


# ---- 1. the whole bundle is checked, and check-bundle prints the report ------------------------------------
def test_check_bundle_passes_the_tiny_bundle(tiny_models, capsys):
    assert main(["check-bundle", str(tiny_models.bundle)]) == 0
    assert capsys.readouterr().out == (
        f"bundle {tiny_models.bundle}\n"
        "head     task(s)           status   problem\n"
        "xnli     xnli              ok\n"
        "pawsx    pawsx             ok\n"
        "udpos    udpos             ok\n"
        "panx     panx              ok\n"
        "squad    xquad,mlqa        ok\n"
        "tydiqa   tydiqa            ok\n"
        "xcopa    xcopa             ok\n"
        "lareqa   lareqa            missing  no lareqa/ folder: lareqa would be skipped\n"
        "mewslix  mewslix           missing  no mewslix/ folder: mewslix would be skipped\n"
        "encoder  bucc2018,tatoeba  ok\n"
        "manifest.json: none (optional: it records how the heads were made)\n"
        "8 of 8 present head(s) valid\n"
    )


def test_every_broken_head_is_reported_with_its_problem(tiny_models, tmp_path, capsys):
    bundle = copy_bundle(tiny_models, tmp_path)
    save_file({"foo": torch.zeros(3)}, str(bundle / "pawsx" / "model.safetensors"))  # nothing matches
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (bundle / "udpos" / name).unlink()
    weights = load_file(str(bundle / "panx" / "model.safetensors"))
    weights["classifier.weight"], weights["classifier.bias"] = torch.zeros(9, 32), torch.zeros(9)
    save_file(weights, str(bundle / "panx" / "model.safetensors"))
    (bundle / "squad" / "tokenizer.json").write_text("{garbage", encoding="utf-8")
    (bundle / "tydiqa" / "config.json").unlink()
    shutil.rmtree(bundle / "xnli")

    assert main(["check-bundle", str(bundle)]) == 2
    out = capsys.readouterr().out
    report = rows(check_bundle(bundle))
    assert report["xnli"] == ("missing", "no xnli/ folder: xnli would be skipped")
    assert report["pawsx"] == ("error", (
        "the weights do not fit the model: the weights lack all 41 tensors, which would be random "
        "(bert.embeddings.LayerNorm.bias, bert.embeddings.LayerNorm.weight, bert.embeddings.position_embeddings.weight"
        ", ... (41 in all)); 1 tensor(s) in the weights belong to no part of the BertForSequenceClassification built "
        "from config.json (foo)"))
    assert report["udpos"] == ("error", (
        "no tokenizer files (tokenizer.json, or a vocabulary such as vocab.txt, vocab.json or a sentencepiece .model); "
        "save the tokenizer the checkpoint was trained with into this folder (tokenizer.save_pretrained)"))
    assert report["panx"] == ("error", (
        "the weights do not fit the model: 2 tensor(s) have another shape in the file than in the model built from "
        "config.json (e.g. classifier.bias: [9] in the file, [7] in the model)"))
    assert report["squad"] == ("error", (
        "the tokenizer cannot be loaded (JSONDecodeError: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))"))
    assert report["tydiqa"] == ("error", (
        "no config.json file; a checkpoint folder is what save_pretrained writes (config.json, model.safetensors, "
        "tokenizer files)"))
    assert report["encoder"] == ("ok", "")
    # The printed table holds the same rows.
    assert "squad    xquad,mlqa        error    the tokenizer cannot be loaded (JSONDecodeError" in out
    assert out.endswith("manifest.json: none (optional: it records how the heads were made)\n"
                        "2 of 7 present head(s) valid\n")


@pytest.mark.parametrize("break_it, problem", [
    # A full set of weights plus a tensor the model has no place for.
    (lambda head: save_file({**load_file(str(head / "model.safetensors")), "extra.weight": torch.zeros(2)},
                            str(head / "model.safetensors")),
     "the weights do not fit the model: 1 tensor(s) in the weights belong to no part of the "
     "BertForSequenceClassification built from config.json (extra.weight)"),
    # One tensor gone: the classifier would be random.
    (lambda head: save_file({k: v for k, v in load_file(str(head / "model.safetensors")).items()
                             if k != "classifier.weight"}, str(head / "model.safetensors")),
     "the weights do not fit the model: the weights lack 1 of the model's 41 tensors, which would be random "
     "(classifier.weight)"),
    # A sequence classifier reads BERT's pooler: unlike the encoder's, a missing one is an error.
    (lambda head: save_file({k: v for k, v in load_file(str(head / "model.safetensors")).items()
                             if ".pooler." not in k}, str(head / "model.safetensors")),
     "the weights do not fit the model: the weights lack 2 of the model's 41 tensors, which would be random "
     "(bert.pooler.dense.bias, bert.pooler.dense.weight)"),
    # A download cut short: the file ends in the middle of the tensors its header lists.
    (lambda head: (head / "model.safetensors").write_bytes((head / "model.safetensors").read_bytes()[:50_000]),
     "the weights cannot be loaded (SafetensorError: Error while deserializing header: incomplete metadata, file not "
     "fully covered)"),
    (lambda head: (head / "model.safetensors").unlink(), "no weights file (model.safetensors)"),
    (lambda head: (head / "config.json").write_text("{", encoding="utf-8"),
     "config.json cannot be loaded (OSError: It looks like the config file at '{head}/config.json' is not a "
     "valid JSON file.)"),
    # A tokenizer of the wrong model: more ids than the embedding has rows.
    (lambda head: edit_config(head, vocab_size=1000),
     "the tokenizer has 1,500 tokens but the model only 1,000 embedding rows (config.json vocab_size): the tokenizer "
     "belongs to another model"),
])
def test_a_head_that_does_not_fit_its_model_is_an_error(tiny_models, tmp_path, break_it, problem):
    bundle = copy_bundle(tiny_models, tmp_path)
    break_it(bundle / "xnli")
    assert rows(check_bundle(bundle))["xnli"] == ("error", problem.format(head=bundle / "xnli"))


def test_remote_code_is_refused_naming_the_flag_and_never_runs(tiny_models, tmp_path):
    bundle = copy_bundle(tiny_models, tmp_path)
    edit_config(bundle / "encoder", model_type="custom", auto_map={"AutoConfig": "configuration_custom.CustomConfig"})
    (bundle / "encoder" / "configuration_custom.py").write_text("raise SystemExit('remote code ran')\n", encoding="utf-8")
    (bundle / "panx").rename(bundle / "panx.old")
    (bundle / "panx").write_text("not a folder", encoding="utf-8")
    report = rows(check_bundle(bundle))
    assert report["encoder"] == ("error", (
        f"config.json cannot be loaded (ValueError: The repository {bundle / 'encoder'} contains custom code which must "
        f"be executed to correctly load the model. You can inspect the repository content at {bundle / 'encoder'} .; "
        "it needs its own Python code to load: pass --trust-remote-code (lm-eval: model_args trust_remote_code=true) "
        "only for checkpoints you trust)"))
    assert report["panx"] == ("error", "not a folder")


def test_a_stub_tokenizer_is_refused(tiny_models, tmp_path):
    # Without tokenizer.json transformers builds a tokenizer from whatever vocabulary is there, here 8 tokens.
    folder = tmp_path / "encoder"
    shutil.copytree(tiny_models.encoder, folder)
    (folder / "tokenizer.json").unlink()
    (folder / "tokenizer_config.json").unlink()
    (folder / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\nc\n", encoding="utf-8")
    with pytest.raises(CheckpointError, match=(
            f"^{folder}: the tokenizer has only 8 tokens for a model with a 1,500-token vocabulary "
            r"\(config.json vocab_size\): its files are incomplete or belong to another model$")):
        loading.load_model(str(folder), "encoder", device=torch.device("cpu"), dtype=torch.float32)


def test_allowances_encoder_without_pooler_and_a_head_checkpoint_as_encoder(tiny_models, capsys):
    # The tiny encoder has no pooler (retrieval never reads it); a fine-tuned head's folder holds the encoder
    # plus its classifier, which an encoder load leaves unused. Both are valid encoders.
    for folder in (tiny_models.encoder, tiny_models.head("xnli")):
        assert main(["check-bundle", str(folder)]) == 0
        assert capsys.readouterr().out == (
            f"checkpoint {folder} (one checkpoint: checked as the encoder)\n"
            "head     task(s)           status  problem\n"
            "encoder  bucc2018,tatoeba  ok\n"
            "1 of 1 present head(s) valid\n")


def test_pickled_only_weights_name_the_flag(tiny_models, tmp_path):
    folder = tmp_path / "pickled"
    shutil.copytree(tiny_models.encoder, folder)
    torch.save(load_file(str(folder / "model.safetensors")), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    assert rows(check_bundle(folder))["encoder"] == ("error", (
        "only pickled weights (pytorch_model.bin), no safetensors; pickled weights run code when loaded: pass "
        "--allow-pickle (lm-eval: model_args allow_pickle=true) only for checkpoints you trust, or convert them "
        "to safetensors"))
    assert rows(check_bundle(folder, allow_pickle=True))["encoder"] == ("ok", "")


def test_manifest_must_parse(tiny_models, tmp_path, capsys):
    bundle = copy_bundle(tiny_models, tmp_path)
    manifest = bundle / "manifest.json"
    manifest.write_text('{"format": 1,\n "checkpoints": {"xnli": {"seed": 0},}}\n', encoding="utf-8")
    with pytest.raises(CheckpointError, match=f"^{manifest}:2: not valid JSON "):
        read_manifest(bundle)
    assert main(["check-bundle", str(bundle)]) == 2
    assert f"manifest.json: {manifest}:2: not valid JSON" in capsys.readouterr().out
    manifest.write_text('{"format": 1,\n "checkpoints": {"xnli": {"label_map": "contradiction"}}}', encoding="utf-8")
    with pytest.raises(CheckpointError, match=(f"^{manifest}:2: checkpoints.xnli.label_map: expected a list of label "
                                               "names, the label of class id 0 first$")):
        read_manifest(bundle)
    manifest.write_text('{"format": 1, "checkpoints": {"squad": {"label_map": ["a", "b"]}}}', encoding="utf-8")
    report = check_bundle(bundle)
    assert report.manifest_problem == (f"{manifest}: checkpoints.squad.label_map: the 'squad' head has no labels to "
                                       "map; label maps are for the pawsx, xnli, udpos, panx heads")
    assert not report.ok
    manifest.write_text("[]", encoding="utf-8")
    with pytest.raises(CheckpointError, match=(f'^{manifest}: expected a JSON object {{"format": 1, "checkpoints": '
                                               r'{head: {...}}}$')):
        read_manifest(bundle)


# ---- 2. labels map onto the task's labels by name -------------------------------------------------------------
@pytest.mark.parametrize("task, names, expected", [
    ("xnli", ["ENTAILMENT", "Neutral", "contradictory"], ("entailment", "neutral", "contradiction")),
    ("pawsx", ["not_paraphrase", "Paraphrase"], ("0", "1")),
    ("pawsx", ["not paraphrase", "paraphrase"], ("0", "1")),
    ("pawsx", ["1", "0"], ("1", "0")),
    ("udpos", ["CONJ", *"ADJ ADP ADV AUX DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()],
     ("CCONJ", *"ADJ ADP ADV AUX DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split())),
    ("panx", ["o", "b_per", "i-per", "B-ORG", "I-ORG", "B-LOC", "I-LOC"], PANX_LABELS),
])
def test_label_names_match_case_insensitively_with_synonyms(task, names, expected):
    assert head_labels(task, dict(enumerate(names)), explicit=None, head="H") == expected


@pytest.mark.parametrize("task, names, why, example", [
    ("xnli", ["LABEL_0", "LABEL_1", "LABEL_2"],
     "its class names LABEL_0, LABEL_1, LABEL_2 say nothing about which xnli label each id is",
     "contradiction,entailment,neutral"),
    ("xnli", ["entailment", "neutral"], "no class is contradiction", "entailment,neutral"),
    ("xnli", ["entailment", "neutral", "contradiction", "unknown"], "'unknown' is not one of them",
     "entailment,neutral,contradiction,?"),
    ("xnli", ["entailment", "entails", "neutral"], "'entails' is not one of them", "entailment,contradiction,neutral"),
    ("xnli", ["contradiction", "contradictory", "neutral"], "several class ids name contradiction",
     "contradiction,contradiction,neutral"),
    ("panx", [*PANX_LABELS, "B-MISC", "I-MISC"], "'B-MISC', 'I-MISC' are not among them",
     "O,B-PER,I-PER,B-ORG,I-ORG,B-LOC,I-LOC,?,?"),
])
def test_labels_that_do_not_map_are_refused_with_the_fix(task, names, why, example):
    labels = {"xnli": "contradiction, entailment, neutral", "panx": ", ".join(PANX_LABELS)}[task]
    with pytest.raises(CheckpointError) as caught:
        head_labels(task, dict(enumerate(names)), explicit=None, head="H")
    assert str(caught.value) == (
        f"H: the head's labels ({', '.join(names)}, config.json id2label) do not map onto the {task} labels "
        f"({labels}): {why}. Give the {task} label of each class id, id 0 first, as the model card says, e.g. "
        f"--label-map {task}={example} (lm-eval: model_args label_map={task}={example.replace(',', '|')}), or "
        f"\"label_map\": [...] under checkpoints.{task} in the bundle's manifest.json"
        + (f" (each ? stands for the {task} label that class means)" if "?" in example else ""))


def test_label_map_forms_and_errors():
    expected = {"xnli": ("contradiction", "entailment", "neutral"), "pawsx": ("1", "0")}
    assert parse_label_maps(["xnli=contradiction,entailment,neutral", "pawsx=paraphrase,0"]) == expected
    assert parse_label_maps("xnli=contradiction|Entailment|neutral;pawsx=1|0") == expected  # lm-eval model_args form
    assert parse_label_maps({"xnli": ["contradiction", "entailment", "neutral"], "pawsx": "1,0"}) == expected
    assert parse_label_maps(None) == {} and parse_label_maps("") == {}
    # An explicit map may name a label twice (B-MISC read as O) and need not name every label.
    assert parse_label_maps("panx=O,B-PER,I-PER,O") == {"panx": ("O", "B-PER", "I-PER", "O")}
    for text, message in [
        ("xnlj=a,b", "--label-map: 'xnlj' is not a task with labels; label maps are for pawsx, xnli, udpos, panx "
                     "(did you mean 'xnli'?)"),
        ("xquad=a,b", "--label-map: 'xquad' is not a task with labels; label maps are for pawsx, xnli, udpos, panx"),
        ("xnli=contradiction,maybe,neutral", "--label-map: 'maybe' is not one of the xnli labels; expected names "
                                             "from contradiction, entailment, neutral"),
        ("xnli=contradiction,,neutral", "--label-map: xnli label map ['contradiction', '', 'neutral'] has an empty "
                                        "name; expected the xnli label of each class id, id 0 first, from "
                                        "contradiction, entailment, neutral"),
        ("contradiction,entailment", "--label-map 'contradiction,entailment': expected TASK=NAME,NAME,... (the label "
                                     "of each class id, id 0 first), e.g. xnli=contradiction,entailment,neutral"),
    ]:
        with pytest.raises(CheckpointError) as caught:
            parse_label_maps([text], "--label-map")
        assert str(caught.value) == message
    with pytest.raises(CheckpointError, match="^--label-map: xnli is mapped twice; give one map per task$"):
        parse_label_maps(["xnli=contradiction,entailment,neutral", "xnli=neutral,entailment,contradiction"])


def test_explicit_map_must_have_one_label_per_class():
    with pytest.raises(CheckpointError, match=(
            r"^H: --label-map \(label_map\) names 2 xnli labels but the head has 3 classes \(LABEL_0, LABEL_1, "
            r"LABEL_2\); give one label per class id, id 0 first$")):
        head_labels("xnli", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, explicit=("entailment", "neutral"), head="H")


@pytest.fixture()
def placeholder_bundle(tiny_models, tmp_path) -> Path:
    """The tiny bundle with an xnli head whose config names its classes LABEL_0..2 (truly XNLI_LABELS)."""
    bundle = copy_bundle(tiny_models, tmp_path)
    placeholder_labels(bundle / "xnli", 3)
    return bundle


def test_label_map_applies_at_prediction_time_and_keys_the_cache(tiny_models, placeholder_bundle, tmp_path):
    reqs = [request("xtreme_xnli_de", pair, i) for i, pair in enumerate(PAIRS)]
    truth = XtremeEncoder(bundle=str(tiny_models.bundle)).classify(reqs)
    with pytest.raises(CheckpointError, match=f"^{placeholder_bundle / 'xnli'}: the head's labels \\(LABEL_0, "):
        XtremeEncoder(bundle=str(placeholder_bundle)).classify(reqs)
    right = XtremeEncoder(bundle=str(placeholder_bundle), label_map="xnli=contradiction|entailment|neutral",
                          cache_dir=str(tmp_path / "cache"))
    assert right.classify(reqs) == truth
    assert right.info()["labels"] == {"xnli": {"labels": list(XNLI_LABELS), "from": "--label-map (label_map)"}}
    # Another map over the same cache: new predictions, not the cached names of the first map.
    renamed = dict(zip(XNLI_LABELS, ("entailment", "neutral", "contradiction")))
    rotated = XtremeEncoder(bundle=str(placeholder_bundle), cache_dir=str(tmp_path / "cache"),
                            label_map={"xnli": ["entailment", "neutral", "contradiction"]})
    assert rotated.classify(reqs) == [renamed[label] for label in truth]


def test_manifest_label_map_and_the_flag_winning_over_it(tiny_models, placeholder_bundle):
    reqs = [request("xtreme_xnli_de", pair, i) for i, pair in enumerate(PAIRS)]
    truth = XtremeEncoder(bundle=str(tiny_models.bundle)).classify(reqs)
    manifest = placeholder_bundle / "manifest.json"
    manifest.write_text(json.dumps({"format": 1, "checkpoints": {"xnli": {"label_map": list(XNLI_LABELS)}}}),
                        encoding="utf-8")
    from_manifest = XtremeEncoder(bundle=str(placeholder_bundle))
    assert from_manifest.classify(reqs) == truth
    assert from_manifest.info()["labels"]["xnli"]["from"] == f"{manifest}: checkpoints.xnli.label_map"
    assert check_bundle(placeholder_bundle).ok
    # The flag's lm-eval form, through lm-eval's own model_args parser (it splits on commas).
    flag = XtremeEncoder.create_from_arg_string(
        f"bundle={placeholder_bundle},label_map=xnli=neutral|entailment|contradiction")
    renamed = dict(zip(XNLI_LABELS, ("neutral", "entailment", "contradiction")))
    assert flag.classify(reqs) == [renamed[label] for label in truth]


def test_score_refuses_placeholder_labels_and_writes_names_with_a_map(placeholder_bundle, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["score", "--model", str(placeholder_bundle), "--output", str(out), "--tasks", "xnli",
                 "--languages", "de"]) == 2
    err = capsys.readouterr().err
    assert (f"xtreme score: xnli: {placeholder_bundle / 'xnli'}: the head's labels (LABEL_0, LABEL_1, LABEL_2, "
            f"config.json id2label) do not map onto the xnli labels (contradiction, entailment, neutral): its class "
            f"names LABEL_0, LABEL_1, LABEL_2 say nothing about which xnli label each id is. {LABEL_FIX}\n") in err
    assert not (out / "results.json").exists()
    assert main(["score", "--model", str(placeholder_bundle), "--output", str(out), "--tasks", "xnli",
                 "--languages", "de", "--label-map", "xnli=contradiction,entailment,neutral"]) == 0
    predictions = (out / "submission" / "xnli" / "test-de.tsv").read_text(encoding="utf-8").split()
    assert predictions and set(predictions) <= set(XNLI_LABELS)
    section = json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]
    assert section["labels"] == {"xnli": {"labels": list(XNLI_LABELS), "from": "--label-map (label_map)"}}


# ---- 4. one broken head: stop before scoring, or --keep-going ---------------------------------------------------
def test_one_broken_head_stops_the_run_unless_keep_going(tiny_models, tmp_path, capsys):
    bundle = copy_bundle(tiny_models, tmp_path)
    save_file({"foo": torch.zeros(3)}, str(bundle / "pawsx" / "model.safetensors"))
    why = (f"{bundle / 'pawsx'}: the weights do not fit the model: the weights lack all 41 tensors, which would be "
           "random (bert.embeddings.LayerNorm.bias, bert.embeddings.LayerNorm.weight, "
           "bert.embeddings.position_embeddings.weight, ... (41 in all)); 1 tensor(s) in the weights belong to no "
           "part of the BertForSequenceClassification built from config.json (foo)")
    out = tmp_path / "out"
    args = ["score", "--model", str(bundle), "--output", str(out), "--tasks", "xnli,pawsx", "--languages", "de"]
    assert main(args) == 2
    assert capsys.readouterr().err.endswith(
        f"xtreme score: pawsx: {why}\nxtreme score: nothing was scored: fix the checkpoint(s) above (`xtreme "
        f"check-bundle {bundle}` checks every head) or pass --keep-going to score the other tasks\n")
    assert not out.exists()

    assert main([*args, "--keep-going"]) == 2
    captured = capsys.readouterr()
    section = json.loads((out / "results.json").read_text(encoding="utf-8"))["xtreme"]
    assert section["skipped_tasks"] == {"pawsx": f"broken checkpoint: {why}"}
    assert list(section["tasks"]) == ["xnli"]
    assert f"pawsx: skipped: broken checkpoint: {why}\n" in captured.out
    assert captured.err.endswith("xtreme score: 1 task(s) skipped for a broken checkpoint: pawsx\n")
    assert not (out / "submission" / "pawsx").exists()


def test_a_plain_encoder_is_checked_like_the_bundle_encoder(tiny_models, tmp_path, capsys):
    folder = tmp_path / "encoder"
    shutil.copytree(tiny_models.encoder, folder)
    (folder / "tokenizer.json").unlink()
    assert main(["score", "--model", str(folder), "--output", str(tmp_path / "out"), "--tasks", "tatoeba"]) == 2
    assert (f"xtreme score: tatoeba: {folder}: no tokenizer files (tokenizer.json, or a vocabulary such as vocab.txt, "
            "vocab.json or a sentencepiece .model)") in capsys.readouterr().err


# ---- 5. --model is resolved before any weights load ------------------------------------------------------------
@pytest.fixture()
def no_network(monkeypatch):
    """Fail the test if anything tries to reach the hub; report "no route" to the reachability probe."""
    def refuse(*_args, **_kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(model_location.socket, "create_connection", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)


def test_looks_local(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    for text in ("./x", "../x", "/x", "~/x", "a/b/c", "x/", "runs/bundel", "a\\b", "x y", "-x"):
        assert model_location.looks_local(text), text
    for text in ("xlm-roberta-base", "FacebookAI/xlm-roberta-large", "bert-base-multilingual-cased"):
        assert not model_location.looks_local(text), text


def test_model_paths_fail_at_once(tiny_models, tmp_path, monkeypatch, capsys, no_network):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(tiny_models.head("xnli"), tmp_path / "runs" / "bundle" / "xnli")
    (tmp_path / "runs" / "phases").mkdir()
    (tmp_path / "unfinished" / "phases").mkdir(parents=True)
    (tmp_path / "weights.safetensors").write_bytes(b"")
    takes = "--model takes a local folder (a checkpoint bundle or one checkpoint) or a Hugging Face hub id"
    for model, message in [
        ("./nowhere", "--model ./nowhere: no such folder"),
        ("runs/bundel", "--model runs/bundel: no such folder; did you mean runs/bundle?"),
        ("runs", "--model runs: a training run folder, not a bundle; did you mean runs/bundle?"),
        ("unfinished", "--model unfinished: a training run folder without a bundle yet (training has not finished; "
                       "rerun its `xtreme train` command with --resume to complete it)"),
        ("weights.safetensors", f"--model weights.safetensors: a file, not a folder; {takes}"),
        ("someorg/some-model", "--model someorg/some-model: no such folder, and the hub is offline (huggingface.co "
                               f"cannot be reached: Network is unreachable), so it cannot be fetched as a hub id "
                               f"either; {takes}"),
    ]:
        assert main(["score", "--model", model, "--output", "out"]) == 2, model
        assert capsys.readouterr().err == f"xtreme score: {message}\n"
    assert not (tmp_path / "out").exists()
    assert main(["check-bundle", "runs"]) == 2
    assert capsys.readouterr().err == ("xtreme check-bundle: runs: a training run folder, not a bundle; did you mean "
                                       "runs/bundle?\n")


def test_hub_id_while_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(model_location.socket, "create_connection", pytest.fail)  # offline mode: no probe either
    monkeypatch.setattr(model_location, "_in_hub_cache", lambda repo_id: False)
    with pytest.raises(CheckpointError, match=(
            r"^--model xlm-roberta-base: no such folder, and the hub is offline \(HF_HUB_OFFLINE is set\), so it "
            r"cannot be fetched as a hub id either; --model takes a local folder")):
        model_location.locate_model("xlm-roberta-base")
    monkeypatch.setattr(model_location, "_in_hub_cache", lambda repo_id: True)
    assert model_location.locate_model("xlm-roberta-base") == "xlm-roberta-base"  # the cached copy loads offline


def test_hub_id_cached_but_no_network_says_how_to_use_the_cache(monkeypatch, no_network):
    monkeypatch.setattr(model_location, "_in_hub_cache", lambda repo_id: True)
    with pytest.raises(CheckpointError, match=(
            r"^--model xlm-roberta-base: the hub is offline \(huggingface.co cannot be reached: Network is "
            r"unreachable\) but a cached copy exists: set HF_HUB_OFFLINE=1 to use it, or pass its local folder$")):
        model_location.locate_model("xlm-roberta-base")


# ---- 7. no warning the user did not cause -----------------------------------------------------------------------
def test_device_warning_only_for_a_device_asked_for(caplog):
    with caplog.at_level(logging.WARNING, logger=loading.__name__):
        for quiet in (None, "", "auto"):
            loading.pick_device(quiet)
        assert caplog.records == []
        if not torch.cuda.is_available():
            assert loading.pick_device("cuda:0") == torch.device("cpu")
            assert [r.getMessage() for r in caplog.records] == [
                "device cuda:0 requested but CUDA is not available: using CPU"]


def test_loading_a_valid_encoder_logs_no_load_report(tiny_models, caplog):
    # transformers logs a LOAD REPORT for the tiny encoder's missing pooler, an allowed gap.
    with caplog.at_level(logging.WARNING):
        loading.load_model(str(tiny_models.encoder), "encoder", device=torch.device("cpu"), dtype=torch.float32)
    assert [r.getMessage() for r in caplog.records if "LOAD REPORT" in r.getMessage()] == []


# ---- 8. NaN and infinity: in weights, config.json, the manifest and embeddings ----------------------------------
BROKEN_WEIGHTS = ("the checkpoint is broken (training diverged, or the file was damaged): retrain or re-export it")


def edit_weights(head: Path, change) -> None:
    weights = load_file(str(head / "model.safetensors"))
    change(weights)
    save_file(weights, str(head / "model.safetensors"))


@pytest.mark.parametrize("head, change, tensor", [
    # Every logit NaN: argmax reads NaN as the largest, so every prediction was "contradiction" (acc 33.33).
    ("xnli", lambda w: w["classifier.weight"].fill_(float("nan")), "classifier.weight"),
    ("udpos", lambda w: w["bert.embeddings.LayerNorm.weight"].__setitem__(0, float("inf")),
     "bert.embeddings.LayerNorm.weight"),
    ("squad", lambda w: w["qa_outputs.bias"].__setitem__(1, float("-inf")), "qa_outputs.bias"),
    # An encoder all NaN: BUCC failed with an IndexError, Tatoeba scored a silent 0.00.
    ("encoder", lambda w: [t.fill_(float("nan")) for t in w.values() if t.is_floating_point()],
     "embeddings.LayerNorm.bias"),
])
def test_non_finite_weights_are_refused_naming_file_and_tensor(tiny_models, tmp_path, head, change, tensor):
    bundle = copy_bundle(tiny_models, tmp_path)
    edit_weights(bundle / head, change)
    assert rows(check_bundle(bundle))[head] == ("error", (
        f"model.safetensors: tensor {tensor} holds NaN or infinity, so every prediction would be made from NaN "
        f"scores; {BROKEN_WEIGHTS}"))


def test_score_refuses_a_nan_head_before_scoring(tiny_models, tmp_path, capsys):
    bundle = copy_bundle(tiny_models, tmp_path)
    edit_weights(bundle / "xnli", lambda w: w["classifier.weight"].fill_(float("nan")))
    out = tmp_path / "out"
    assert main(["score", "--model", str(bundle), "--output", str(out), "--tasks", "xnli", "--languages", "de"]) == 2
    assert capsys.readouterr().err.endswith(
        f"xtreme score: xnli: {bundle / 'xnli'}: model.safetensors: tensor classifier.weight holds NaN or infinity, "
        f"so every prediction would be made from NaN scores; {BROKEN_WEIGHTS}\nxtreme score: nothing was scored: fix "
        f"the checkpoint(s) above (`xtreme check-bundle {bundle}` checks every head) or pass --keep-going to score the "
        "other tasks\n")
    assert not out.exists()


def test_sharded_weights_are_streamed_and_a_second_copy_is_ambiguous(tiny_models, tmp_path):
    bundle = copy_bundle(tiny_models, tmp_path)
    head = bundle / "xnli"
    weights = load_file(str(head / "model.safetensors"))
    names = sorted(weights)
    shards = {"model-00001-of-00002.safetensors": names[:20], "model-00002-of-00002.safetensors": names[20:]}
    for shard, keys in shards.items():
        save_file({k: weights[k] for k in keys}, str(head / shard))
    (head / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {}, "weight_map": {k: shard for shard, keys in shards.items() for k in keys}}), encoding="utf-8")
    # Beside a full copy: which one would load is nobody's word. (The probe's single file was all NaN.)
    assert rows(check_bundle(bundle))["xnli"] == ("error", (
        "both model.safetensors and model.safetensors.index.json (the index of sharded weights): two sets of "
        "weights in one folder, and nothing says which is the model; keep the one it was saved as and remove the "
        "other"))
    (head / "model.safetensors").unlink()
    assert rows(check_bundle(bundle))["xnli"] == ("ok", "")
    second = {k: weights[k].clone() for k in names[20:]}
    second["classifier.weight"][2, 5] = float("nan")
    save_file(second, str(head / "model-00002-of-00002.safetensors"))
    assert rows(check_bundle(bundle))["xnli"] == ("error", (
        "model-00002-of-00002.safetensors: tensor classifier.weight holds NaN or infinity, so every prediction would "
        f"be made from NaN scores; {BROKEN_WEIGHTS}"))


def test_weights_not_read_from_safetensors_are_checked_once_loaded(tiny_models, tmp_path):
    folder = tmp_path / "pickled"
    shutil.copytree(tiny_models.head("xnli"), folder)
    weights = load_file(str(folder / "model.safetensors"))
    weights["classifier.bias"][0] = float("nan")
    torch.save(weights, folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    with pytest.raises(CheckpointError) as caught:
        loading.load_model(str(folder), "sequence_classification", device=torch.device("cpu"), dtype=torch.float32,
                           allow_pickle=True)
    assert str(caught.value) == (f"{folder}: 1 weight tensor(s) hold NaN or infinity (first: classifier.bias) so every "
                                 f"prediction would be made from NaN scores; {BROKEN_WEIGHTS}")


def test_float16_overflow_of_finite_weights_is_refused(tiny_models, tmp_path):
    folder = tmp_path / "xnli"
    shutil.copytree(tiny_models.head("xnli"), folder)
    edit_weights(folder, lambda w: w["classifier.weight"].__setitem__((0, 0), 1e6))  # float16 ends at 65504
    loading.load_model(str(folder), "sequence_classification", device=torch.device("cpu"), dtype=torch.float32)
    with pytest.raises(CheckpointError) as caught:
        loading.load_model(str(folder), "sequence_classification", device=torch.device("cpu"), dtype=torch.float16)
    assert str(caught.value) == (f"{folder}: 1 weight tensor(s) hold NaN or infinity (first: classifier.weight) once "
                                 "loaded in float16, whose range its float32 weights exceed: use bfloat16 or float32")


def test_streaming_reads_bounded_slices_and_skips_integer_tensors(tmp_path, monkeypatch):
    from harness_tasks import finite

    monkeypatch.setattr(finite, "_CHUNK_ELEMENTS", 8)  # two rows of 4 per read
    path = tmp_path / "w.safetensors"
    last_row = torch.zeros(5, 4)
    last_row[4, 3] = float("nan")
    save_file({"a": torch.zeros(3, 4), "b": last_row, "ids": torch.arange(4)}, str(path))
    assert finite.first_nonfinite_tensor(path) == "b"
    for dtype in (torch.float16, torch.bfloat16):
        save_file({"ok": torch.zeros(2, dtype=dtype), "s": torch.tensor(float("inf"), dtype=dtype)}, str(path))
        assert finite.first_nonfinite_tensor(path) == "s"
    save_file({"a": torch.ones(9, 3), "ids": torch.tensor([1, 2]), "empty": torch.zeros(0, 4)}, str(path))
    assert finite.first_nonfinite_tensor(path) is None


@pytest.mark.parametrize("pattern, text, key, shown", [
    (r'"layer_norm_eps": [^,}]+', '"layer_norm_eps": NaN', "layer_norm_eps", "NaN"),
    (r'"initializer_range": [^,}]+', '"initializer_range": 1e999', "initializer_range", "Infinity"),
    (r"^\{", '{"task_specific_params": {"retrieval": {"temperature": [1, -Infinity]}}, ',
     "task_specific_params.retrieval.temperature[1]", "-Infinity"),
])
def test_non_finite_numbers_in_config_json_are_refused(tiny_models, tmp_path, pattern, text, key, shown):
    import re

    bundle = copy_bundle(tiny_models, tmp_path)
    config = bundle / "xnli" / "config.json"
    edited, count = re.subn(pattern, text, config.read_text(encoding="utf-8"))
    assert count == 1
    config.write_text(edited, encoding="utf-8")
    assert rows(check_bundle(bundle))["xnli"] == ("error", (
        f"config.json {key} is {shown}: every setting must be a finite number; write the value the model was trained "
        "with"))


def test_nan_embeddings_name_the_checkpoint_and_sentence(tiny_models):
    from harness_tasks.inference import embedding

    tokenizer, model = loading.load_model(str(tiny_models.encoder), "encoder", device=torch.device("cpu"),
                                          dtype=torch.float32)
    texts = ["The dog runs.", "Der Hund", "Le renard brun rapide saute.", "x"]
    poisoned = tokenizer("renard", add_special_tokens=False)["input_ids"][0]
    with torch.no_grad():  # finite weights can still give NaN vectors (float16 overflow on a GPU)
        model.embeddings.word_embeddings.weight[poisoned] = float("nan")
    with pytest.raises(CheckpointError) as caught, torch.inference_mode():
        embedding.embed_texts(tokenizer, model, texts, layer=1, pooling="mean", max_length=128, batch_size=8,
                              device=torch.device("cpu"))
    assert str(caught.value) == (
        f"{tiny_models.encoder}: the embedding of sentence 2 of 4 ('Le renard brun rapide saute.') at layer 1 holds "
        "NaN or infinity (1 of this batch's 4, float32); the checkpoint's weights or settings are broken")


def test_score_stops_at_nan_embeddings_with_one_line(tiny_models, tmp_path, monkeypatch, capsys):
    import re

    load = loading.load_model

    def overflowing(*args, **kwargs):  # what float16 overflow on a GPU gives, from finite weights
        tokenizer, model = load(*args, **kwargs)
        with torch.no_grad():
            model.embeddings.word_embeddings.weight.fill_(float("inf"))
        return tokenizer, model

    monkeypatch.setattr(loading, "load_model", overflowing)
    out = tmp_path / "out"
    assert main(["score", "--model", str(tiny_models.encoder), "--output", str(out), "--tasks", "tatoeba"]) == 2
    err = capsys.readouterr().err
    assert re.search(  # the last line; lm-eval's progress comes before it
        rf"xtreme score: {re.escape(str(tiny_models.encoder))}: the embedding of sentence \d+ of \d+ \('[^\n]*'\) at "
        r"layer 1 holds NaN or infinity \(\d+ of this batch's \d+, float32\); the checkpoint's weights or settings are "
        r"broken\n\Z", err), err
    assert not (out / "results.json").exists()


def test_retrieval_refuses_non_finite_embeddings():
    from evaluators.mining import mine_bitext
    from evaluators.retrieval import l2_normalize, ratio_margin_scores, tatoeba_top1

    rng = torch.Generator().manual_seed(0)
    src = torch.randn(6, 4, generator=rng).numpy()
    tgt = torch.randn(5, 4, generator=rng).numpy()
    bad = src.copy()
    bad[3, 1] = float("nan")
    worse = tgt.copy()
    worse[4] = float("inf")
    fix = "every embedding must be finite to be compared (a model run in float16 can overflow)"
    for call, message in [
        # BUCC: was an IndexError from mining.py (index 9223372036854775807).
        (lambda: mine_bitext(bad, tgt), f"source embeddings: row 3 holds NaN or infinity; {fix}"),
        (lambda: mine_bitext(src, worse, index="ivf", nlist=1),
         f"target embeddings: row 4 holds NaN or infinity; {fix}"),
        # Tatoeba: was a silent 0.00.
        (lambda: tatoeba_top1(src, worse), f"target embeddings: row 4 holds NaN or infinity; {fix}"),
        (lambda: ratio_margin_scores(bad, tgt, [0], [0]), f"source embeddings: row 3 holds NaN or infinity; {fix}"),
        (lambda: l2_normalize(worse), ("row 4 holds NaN or infinity (or values too large to normalise); every "
                                       "embedding must be finite to be compared")),
    ]:
        with pytest.raises(ValueError) as caught:
            call()
        assert str(caught.value) == message


# ---- 9. only a head's tensors are left unused, whatever config.json "architectures" says ------------------------
def test_encoder_tensors_beyond_the_config_are_an_error_whatever_the_architecture(tiny_models, tmp_path):
    folder = tmp_path / "encoder"
    shutil.copytree(tiny_models.encoder, folder)
    # Claims to be a masked-LM checkpoint with one layer; the weights hold two: layer 1 would be dropped.
    edit_config(folder, num_hidden_layers=1, architectures=["BertForMaskedLM"])
    assert rows(check_bundle(folder))["encoder"] == ("error", (
        "the weights do not fit the model: 16 tensor(s) in the weights belong to no part of the BertModel built from "
        "config.json (encoder.layer.1.attention.output.LayerNorm.bias, "
        "encoder.layer.1.attention.output.LayerNorm.weight, encoder.layer.1.attention.output.dense.bias, ... (16 in "
        "all))"))


def test_pretraining_head_tensors_are_left_unused_by_the_encoder(tiny_models, tmp_path):
    folder = tmp_path / "encoder"
    shutil.copytree(tiny_models.encoder, folder)
    edit_config(folder, architectures=["BertForPreTraining"])
    edit_weights(folder, lambda w: w.update({"cls.predictions.bias": torch.zeros(1500),
                                             "cls.seq_relationship.weight": torch.zeros(2, 32),
                                             "lm_head.weight": torch.zeros(3)}))
    assert rows(check_bundle(folder))["encoder"] == ("ok", "")
    edit_weights(folder, lambda w: w.update({"bert.extra.weight": torch.zeros(3), "clsx.weight": torch.zeros(3)}))
    assert rows(check_bundle(folder))["encoder"] == ("error", (
        "the weights do not fit the model: 2 tensor(s) in the weights belong to no part of the BertModel built from "
        "config.json (bert.extra.weight, clsx.weight)"))


def test_a_tokenizer_that_adds_no_special_tokens_is_refused(tiny_models, tmp_path):
    # tokenizer.json without its post_processor: no [CLS]/[SEP] around inputs, scores silently off.
    bundle = copy_bundle(tiny_models, tmp_path)
    path = bundle / "xnli" / "tokenizer.json"
    tokenizer = json.loads(path.read_text(encoding="utf-8"))
    tokenizer["post_processor"] = None
    path.write_text(json.dumps(tokenizer), encoding="utf-8")
    assert rows(check_bundle(bundle))["xnli"] == ("error", (
        "the tokenizer adds no special tokens although it defines [CLS] and [SEP], which the model was trained with "
        "(tokenizer.json post_processor); save the tokenizer the checkpoint was trained with into this folder "
        "(tokenizer.save_pretrained)"))


# ---- 10. the input length a checkpoint allows ----------------------------------------------------------------------
def set_model_max_length(folder: Path, value) -> None:
    path = folder / "tokenizer_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["model_max_length"] = value
    path.write_text(json.dumps(config), encoding="utf-8")


@pytest.mark.parametrize("head, what, need, parts", [
    ("xnli", "a sentence pair", 15, "3 special tokens and 6 of text for each of the two"),
    ("squad", "a question with its context", 15, "3 special tokens and 6 of text for each of the two"),
    ("udpos", "a sentence to tag", 8, "2 special tokens and 6 of text"),
    ("encoder", "a sentence to embed", 8, "2 special tokens and 6 of text"),
])
def test_a_too_short_model_max_length_is_refused(tiny_models, tmp_path, head, what, need, parts):
    # model_max_length 1 made tagging fail (window budget -1) and QA score a silent 1.63.
    bundle = copy_bundle(tiny_models, tmp_path)
    set_model_max_length(bundle / head, need - 1)
    assert rows(check_bundle(bundle))[head] == ("error", (
        f"tokenizer_config.json model_max_length is {need - 1}, too short for {what}: that needs at least {need} "
        f"tokens ({parts}); set it to the length the model was trained with"))
    set_model_max_length(bundle / head, need)
    assert rows(check_bundle(bundle))[head] == ("ok", "")


def test_too_few_position_embeddings_are_refused(tiny_models, tmp_path):
    bundle = copy_bundle(tiny_models, tmp_path)
    edit_config(bundle / "xnli", max_position_embeddings=8)
    assert rows(check_bundle(bundle))["xnli"] == ("error", (
        "config.json max_position_embeddings is 8, too short for a sentence pair: that needs at least 15 tokens (3 "
        "special tokens and 6 of text for each of the two); set it to the length the model was trained with"))
    from harness_tasks.inference.checkpoint_checks import length_limits

    roberta = type("Config", (), {"max_position_embeddings": 514, "model_type": "xlm-roberta"})()
    no_limit = type("Tokenizer", (), {"model_max_length": 1e30})()
    assert length_limits(no_limit, roberta) == [(512, "config.json max_position_embeddings", 514)]


def test_the_length_used_per_checkpoint_is_reported(tiny_models, tmp_path):
    bundle = copy_bundle(tiny_models, tmp_path)
    set_model_max_length(bundle / "xnli", 100)
    lm = XtremeEncoder(bundle=str(bundle))
    assert lm.check_checkpoints(["xnli", "udpos"]) == {}
    assert lm.info()["max_lengths"] == {str(bundle / "udpos"): 128, str(bundle / "xnli"): 100}
    capped = XtremeEncoder(bundle=str(bundle), max_length=64)
    capped.check_checkpoints(["xnli"])
    assert capped.info()["max_lengths"] == {str(bundle / "xnli"): 64}


# ---- 11. the manifest's format, and label maps that make a constant predictor ----------------------------------------
@pytest.mark.parametrize("text, problem", [
    ('{"format": 2, "checkpoints": {}}', ":1: format: 2; "),
    ('{"checkpoints": {},\n "format": "x"}', ':2: format: "x"; '),
    ('{"format": true, "checkpoints": {}}', ":1: format: true; "),
    ('{"format": 1.0, "checkpoints": {}}', ":1: format: 1.0; "),
    ('{"checkpoints": {}}', ': no "format"; '),
])
def test_manifest_format_must_be_the_one_this_version_reads(tiny_models, tmp_path, capsys, text, problem):
    bundle = copy_bundle(tiny_models, tmp_path)
    manifest = bundle / "manifest.json"
    manifest.write_text(text, encoding="utf-8")
    message = (f"{manifest}{problem}this version of xtreme-harness reads manifest format 1 only: a bundle written by "
               f"another version needs that version, and a manifest written by hand needs \"format\": 1")
    with pytest.raises(CheckpointError) as caught:
        read_manifest(bundle)
    assert str(caught.value) == message
    assert main(["check-bundle", str(bundle)]) == 2
    assert f"\nmanifest.json: {message}\n" in capsys.readouterr().out


def test_manifest_numbers_must_be_finite(tiny_models, tmp_path):
    bundle = copy_bundle(tiny_models, tmp_path)
    (bundle / "manifest.json").write_text('{"format": 1, "checkpoints": {"xnli": {\n"lr": NaN}}}', encoding="utf-8")
    with pytest.raises(CheckpointError) as caught:
        read_manifest(bundle)
    assert str(caught.value) == (f"{bundle / 'manifest.json'}:2: checkpoints.xnli.lr: NaN is not a number JSON allows; "
                                 "results.json copies the manifest, so every number in it must be finite")


def test_manifest_label_map_for_an_unknown_head(tiny_models, tmp_path):
    bundle = copy_bundle(tiny_models, tmp_path)
    (bundle / "manifest.json").write_text('{"format": 1, "checkpoints": {"xlni": {"label_map": ["a"]}}}',
                                          encoding="utf-8")
    assert check_bundle(bundle).manifest_problem == (
        f"{bundle / 'manifest.json'}: checkpoints.xlni.label_map: 'xlni' is not a bundle head; heads are xnli, pawsx, "
        "udpos, panx, squad, tydiqa, xcopa, lareqa, mewslix, encoder (did you mean 'xnli'?)")


def test_a_label_map_of_one_label_is_refused(tiny_models, tmp_path, capsys):
    constant = ("--label-map: xnli label map ['entailment', 'ENTAILMENT', 'entailment'] names only 'entailment': every "
                "class id would predict it, a constant predictor whose score says nothing; give the xnli label of each "
                "class id, id 0 first, from contradiction, entailment, neutral")
    with pytest.raises(CheckpointError) as caught:
        parse_label_maps("xnli=entailment|ENTAILMENT|entailment")
    assert str(caught.value) == constant
    assert main(["check-bundle", str(tiny_models.bundle), "--label-map", "xnli=entailment,ENTAILMENT,entailment"]) == 2
    assert capsys.readouterr().err == f"xtreme check-bundle: {constant}\n"
    # Two distinct labels are a real (if partial) map: a repeat reads a class the task lacks as one it has.
    assert parse_label_maps("xnli=entailment,entailment,neutral") == {"xnli": ("entailment", "entailment", "neutral")}
    bundle = copy_bundle(tiny_models, tmp_path)
    (bundle / "manifest.json").write_text(
        '{"format": 1, "checkpoints": {"pawsx": {"label_map": ["1", "paraphrase"]}}}', encoding="utf-8")
    assert check_bundle(bundle).manifest_problem == (
        f"{bundle / 'manifest.json'}: checkpoints.pawsx.label_map: pawsx label map ['1', 'paraphrase'] names only '1': "
        "every class id would predict it, a constant predictor whose score says nothing; give the pawsx label of each "
        "class id, id 0 first, from 0, 1")
