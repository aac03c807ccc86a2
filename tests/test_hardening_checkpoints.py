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

from evaluators.benchmark import PANX_LABELS, XNLI_LABELS
from harness_tasks import model_location
from harness_tasks.bundle import CheckpointError, read_manifest
from harness_tasks.bundle_check import check_bundle
from harness_tasks.cli import main
from harness_tasks.encoder_model import XtremeEncoder
from harness_tasks.inference import loading
from harness_tasks.label_maps import head_labels, parse_label_maps

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
        "head     task(s)           status  problem\n"
        "xnli     xnli              ok\n"
        "pawsx    pawsx             ok\n"
        "udpos    udpos             ok\n"
        "panx     panx              ok\n"
        "squad    xquad,mlqa        ok\n"
        "tydiqa   tydiqa            ok\n"
        "encoder  bucc2018,tatoeba  ok\n"
        "manifest.json: none (optional: it records how the heads were made)\n"
        "7 of 7 present head(s) valid\n"
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
                        "1 of 6 present head(s) valid\n")


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
