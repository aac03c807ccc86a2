"""Hardening of `xtreme train` (issue 8, class 5): config ranges and YAML faults, unreachable models and
unreadable data as one-line errors, a stop at the first NaN/inf with no bundle, retrying a failed run
(--overwrite), and Ctrl-C (exit 130, nothing half written). Tiny encoder, sample data, a few steps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import yaml
from tests.training_fixtures import write_config

from training.config import ConfigError, load_config
from training.errors import NonFiniteError, RecipeError
from training.recipe import run_recipe
from tests.training_fixtures import one_thread  # noqa: F401  (autouse: one torch thread)


def small_config(folder: Path, name: str = "config.yaml", **overrides) -> Path:
    """One target (XNLI), no intermediate step: 6 optimizer steps, a checkpoint every 2."""
    return write_config(folder, name, **{"intermediate": [], "target": {"tasks": ["xnli"]}, **overrides})


def hyperparameters(folder: Path, **changes) -> dict:
    """tests.training_fixtures' hyperparameters with ``changes``."""
    defaults = yaml.safe_load(write_config(folder, "defaults.yaml").read_text(encoding="utf-8"))["hyperparameters"]
    return {**defaults, **changes}


# ---------------------------------------------------------------------------------------------------------
# Config: numeric ranges, every float finite


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("hyperparameters: {learning_rate: .nan}", "hyperparameters.learning_rate: must be a finite number, got nan"),
        ("hyperparameters: {learning_rate: .inf}", "hyperparameters.learning_rate: must be a finite number, got inf"),
        ("hyperparameters: {learning_rate: 1e999}",
         "hyperparameters.learning_rate: must be a finite number, got '1e999'"),
        ("hyperparameters: {learning_rate: 1.0e+999}",
         "hyperparameters.learning_rate: must be a finite number, got inf"),
        ("hyperparameters: {learning_rate: '-inf'}",
         "hyperparameters.learning_rate: must be a finite number, got '-inf'"),
        ("hyperparameters: {learning_rate: 1" + "0" * 400 + "}",
         "hyperparameters.learning_rate: must be a finite number, got 1" + "0" * 19 + "... (401 characters)"),
        ("hyperparameters: {learning_rate: 0}", "hyperparameters.learning_rate: must be > 0, got 0.0"),
        ("hyperparameters: {learning_rate: 2}",
         "hyperparameters.learning_rate: must be at most 1 (AdamW moves each weight by about the learning rate"
         " every step), got 2.0"),
        ("hyperparameters: {weight_decay: -0.01}", "hyperparameters.weight_decay: must be >= 0, got -0.01"),
        ("hyperparameters: {weight_decay: .inf}", "hyperparameters.weight_decay: must be a finite number, got inf"),
        ("hyperparameters: {learning_rate: 0.01, weight_decay: 1000}",
         "hyperparameters.weight_decay: times learning_rate must be at most 1 (AdamW scales every weight by"
         " 1 - learning_rate x weight_decay each step), got 1000.0 x 0.01"),
        ("hyperparameters: {max_grad_norm: 0}", "hyperparameters.max_grad_norm: must be > 0, got 0.0"),
        ("hyperparameters: {max_grad_norm: .nan}", "hyperparameters.max_grad_norm: must be a finite number, got nan"),
        ("hyperparameters: {warmup_ratio: 1}", "hyperparameters.warmup_ratio: must be in [0, 1), got 1.0"),
        ("hyperparameters: {warmup_ratio: -0.1}", "hyperparameters.warmup_ratio: must be in [0, 1), got -0.1"),
        ("hyperparameters: {intermediate_epochs: .inf}",
         "hyperparameters.intermediate_epochs: must be a finite number, got inf"),
        ("hyperparameters: {intermediate_epochs: 1e9}",
         "hyperparameters.intermediate_epochs: must be at most 1000, got 1000000000.0"),
        ("hyperparameters: {batch_size: 0}", "hyperparameters.batch_size: must be > 0, got 0"),
        ("hyperparameters: {batch_size: 8.5}", "hyperparameters.batch_size: expected int, got float 8.5"),
        ("hyperparameters: {batch_size: .inf}", "hyperparameters.batch_size: expected int, got float inf"),
        ("hyperparameters: {gradient_accumulation_steps: 0}",
         "hyperparameters.gradient_accumulation_steps: must be > 0, got 0"),
        ("hyperparameters: {max_steps: 0}", "hyperparameters.max_steps: must be > 0 (or null), got 0"),
        ("hyperparameters: {save_every_steps: true}", "hyperparameters.save_every_steps: expected int, got bool True"),
        ("hyperparameters: {max_length: 8}", "hyperparameters.max_length: must be at least 16, got 8"),
        ("hyperparameters: {qa_max_length: 128, doc_stride: 100}",
         "hyperparameters.doc_stride: must be >= 0 and smaller than qa_max_length: at most half of it (64), so"
         " that a question fits beside the overlap; got 100"),
        ("intermediate: [{tasks: [mnli], sampling: temperature, temperature: 0}]",
         "intermediate[0].temperature: must be > 0 and at most 100, got 0.0"),
        ("intermediate: [{tasks: [mnli], sampling: temperature, temperature: 101}]",
         "intermediate[0].temperature: must be > 0 and at most 100, got 101.0"),
        ("intermediate: [{tasks: [mnli], temperature: .nan}]",
         "intermediate[0].temperature: must be a finite number, got nan"),
        ("intermediate: [{tasks: [mnli], epochs: .inf}]", "intermediate[0].epochs: must be a finite number, got inf"),
        ("intermediate: [{tasks: [mnli], hyperparameters: {learning_rate: .nan}}]",
         "intermediate[0].hyperparameters.learning_rate: must be a finite number, got nan"),
        ("target: {tasks: [xnli], epochs: {xnli: .nan}}", "target.epochs.xnli: must be a finite number, got nan"),
        ("target: {tasks: [xnli], epochs: {xnli: 5000}}", "target.epochs.xnli: must be at most 1000, got 5000.0"),
        ("tiny_encoder: {layers: 0}", "tiny_encoder.layers: must be in [1, 48], got 0"),
        ("tiny_encoder: {vocab_size: 0}", "tiny_encoder.vocab_size: must be in [1, 1000000], got 0"),
        ("tiny_encoder: {heads: 0}", "tiny_encoder.heads: must be in [1, 64], got 0"),
        ("tiny_encoder: {hidden_size: 32, heads: 3}", "tiny_encoder.heads: must divide hidden_size (32), got 3"),
        ("tiny_encoder: {hidden_size: 100000}", "tiny_encoder.hidden_size: must be in [1, 4096], got 100000"),
        ("tiny_encoder: {max_length: 16}",
         "tiny_encoder.max_length: must be at least 32 (room for a question and a context window), got 16"),
        ("seed: -1", "seed: must be in [0, 2^32), got -1"),
        ("seed: 4294967296", "seed: must be in [0, 2^32), got 4294967296"),
        ("1: x\nfoo: y", "1: unknown key; expected one of"),
        # Upper bounds of integer sizes (a typo must not plan one batch of everything)
        ("hyperparameters: {batch_size: 99999999999999999999999}",
         "hyperparameters.batch_size: must be at most 65536 (per device), got 99999999999999999999999"),
        ("hyperparameters: {gradient_accumulation_steps: 65537}",
         "hyperparameters.gradient_accumulation_steps: must be at most 65536, got 65537"),
        ("hyperparameters: {max_length: 70000}", "hyperparameters.max_length: must be at most 65536, got 70000"),
        ("hyperparameters: {max_steps: 2147483648}",
         "hyperparameters.max_steps: must be at most 2147483647, got 2147483648"),
        ("hyperparameters: {save_every_steps: 1" + "0" * 60 + "}",
         "hyperparameters.save_every_steps: must be at most 2147483647, got 1" + "0" * 19 + "... (61 characters)"),
        ("hyperparameters: {qa_max_length: 64, doc_stride: 16, max_answer_length: 65}",
         "hyperparameters.max_answer_length: must be at most qa_max_length (64): an answer lies within one"
         " window; got 65"),
        ("intermediate: [{tasks: [mnli], hyperparameters: {mixed_precision: bf16}}]",
         "intermediate[0].hyperparameters.mixed_precision: is set once for the whole run (one accelerator trains"
         " every phase): set hyperparameters.mixed_precision instead"),
    ],
)
def test_config_ranges_are_named_errors(tmp_path, yaml_text, message):
    path = tmp_path / "bad.yaml"
    path.write_text("base_model: tiny\n" + yaml_text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:2: {message}")  # every key above is on line 2


def test_shipped_configs_and_test_configs_pass_the_ranges(tmp_path):
    from training.config import SHIPPED_CONFIGS

    assert sorted(load_config(path).seed for path in SHIPPED_CONFIGS.glob("*.yaml")) == [42, 42]
    assert load_config(write_config(tmp_path)).hyperparameters.max_grad_norm == 1.0


# ---------------------------------------------------------------------------------------------------------
# Config: the YAML file itself


def test_duplicate_keys_name_the_key_and_both_lines(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("base_model: tiny\nhyperparameters:\n  batch_size: 8\n  learning_rate: 1.0e-4\n"
                    "  batch_size: 16\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (f"{path}:5: duplicate key 'batch_size' (first at line 3); each key may appear"
                              " only once in a mapping")
    path.write_text("base_model: tiny\nintermediate: [{tasks: [mnli], tasks: [qqp]}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"dup\.yaml:2: duplicate key 'tasks' \(first at line 2\)"):
        load_config(path)  # in a flow mapping inside a list


def test_merge_keys_may_override_what_they_merge(tmp_path):
    path = tmp_path / "merge.yaml"
    text = ("base_model: tiny\nhyperparameters:\n  <<: {learning_rate: 1.0e-4, batch_size: 8}\n"
            "  batch_size: 4\n")
    path.write_text(text, encoding="utf-8")
    assert load_config(path).hyperparameters.batch_size == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("base_model: tiny\n# caf\xe9\nseed: 1\n".encode("latin-1"),
         "{path}:2: not UTF-8 (byte 0xe9); save the config as UTF-8"),
        (b"- base_model\n- tiny\n", "{path}: the config must be a mapping of keys to values, got a list"),
        (b"", "{path}: the config must be a mapping of keys to values, got an empty file"),
        (b"tiny\n", "{path}: the config must be a mapping of keys to values, got a str"),
        (b"base_model: tiny\nx: " + b"[" * 3000 + b"]" * 3000 + b"\n", "{path}: nested too deeply to be a config"),
        (b"base_model: ''\n", "{path}:1: base_model: is empty; expected a hub id, a local folder, or 'tiny'"),
        (b"base_model: tiny\nseed: 1" + b"0" * 5000 + b"\n",
         "{path}:2: a value of 5001 characters that is not a valid int"),
        (b"base_model: tiny\nseed: 2001-13-45\n",
         "{path}:2: '2001-13-45' is not a valid timestamp (month must be in 1..12)"),
        (b"base_model: tiny\nseed: {[1]: 2}\n",
         "{path}:2: not valid YAML: while constructing a mapping found unhashable key"),
        (b"base_model: tiny\nseed: !!python/name:os.system\n",
         "{path}:2: not valid YAML: could not determine a constructor for the tag"
         " 'tag:yaml.org,2002:python/name:os.system'"),
    ],
)
def test_unreadable_config_files_are_named_errors(tmp_path, content, message):
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == message.format(path=path)


def test_a_folder_given_as_config_is_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert str(err.value) == f"{tmp_path}: not a file; expected a YAML config"


def test_cli_config_error_is_one_line_exit_2(tmp_path, capsys):
    from harness_tasks.cli import main

    path = tmp_path / "c.yaml"
    path.write_text("base_model: tiny\nhyperparameters: {learning_rate: .inf}\n", encoding="utf-8")
    assert main(["train", str(path), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == f"xtreme train: {path}:2: hyperparameters.learning_rate: must be a finite number, got inf\n"
    assert not (tmp_path / "out").exists()


LINES_YAML = """\
base_model: tiny
hyperparameters: &defaults
  learning_rate: 1.0e-4
  batch_size: 8
intermediate:
  - tasks: [mnli]
    hyperparameters:
      <<: *defaults
      warmup_ratio: 0.1
  - tasks:
      - qqp
    sampling: temperature
    temperature: 2.0
target:
  tasks: [xnli]
  epochs:
    xnli: 2
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("      warmup_ratio: 0.1", "      warmup_ratio: 1.5",
         ":9: intermediate[0].hyperparameters.warmup_ratio: must be in [0, 1), got 1.5"),
        ("  learning_rate: 1.0e-4", "  learning_rate: .nan",
         ":3: hyperparameters.learning_rate: must be a finite number, got nan"),
        ("    temperature: 2.0", "    temperature: .inf",
         ":13: intermediate[1].temperature: must be a finite number, got inf"),
        ("      - qqp", "      - qqq", ":10: intermediate[1].tasks: unknown intermediate task 'qqq'"),
        ("    xnli: 2", "    xnli: 0", ":17: target.epochs.xnli: must be > 0, got 0.0"),
        ("  - tasks: [mnli]", "  - task: [mnli]", ":6: intermediate[0].task: unknown key"),
        # A required key that is missing: the line of the mapping that lacks it; at the top, the file alone.
        ("  - tasks:\n      - qqp\n    sampling", "  - sampling", ":10: intermediate[1].tasks: is required"),
        ("base_model: tiny\n", "", ": base_model: is required"),
    ],
)
def test_every_config_error_names_the_line_of_its_key(tmp_path, old, new, message):
    assert old in LINES_YAML
    path = tmp_path / "lines.yaml"
    path.write_text(LINES_YAML.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}{message}")


def test_key_lines_follow_merge_keys():
    from training.config import key_lines

    loader = yaml.SafeLoader(LINES_YAML)
    node = loader.get_single_node()
    loader.construct_document(node)  # flattens the merge key, as load_config does before it takes the lines
    lines = key_lines(node)
    assert lines["intermediate[0].hyperparameters.learning_rate"] == 3  # merged in: where it is written
    assert lines["intermediate[0].hyperparameters.warmup_ratio"] == 9
    assert lines["intermediate[1].tasks[0]"] == 11


def test_key_lines_do_not_explode_on_nested_aliases():
    from training.config import key_lines

    text = "a: &a [1, 2, 3]\n" + "".join(f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i - 1}'}, *{'a' if i == 0 else f'b{i - 1}'}]\n"
                                         for i in range(30))
    lines = key_lines(yaml.compose(text))  # 2^30 paths if every alias were walked again
    assert lines["a"] == 1 and lines["a[2]"] == 1 and lines["b29"] == 31 and len(lines) < 200


def test_tiny_encoder_shorter_than_a_written_max_length_is_refused(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text("base_model: tiny\ntiny_encoder: {max_length: 64}\nhyperparameters:\n  max_length: 128\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (f"{path}:4: hyperparameters.max_length: 128 is more than tiny_encoder.max_length (64),"
                              " the longest input the tiny encoder takes; raise tiny_encoder.max_length or lower"
                              " hyperparameters.max_length")
    path.write_text("base_model: tiny\ntiny_encoder: {max_length: 64}\nhyperparameters: {max_length: 64}\n"
                    "intermediate: [{tasks: [mnli], hyperparameters: {qa_max_length: 96, doc_stride: 16}}]\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:4: intermediate[0].hyperparameters.qa_max_length: 96 is more than"
                                     " tiny_encoder.max_length (64)")
    # Lengths left at their defaults (256, 384) are lowered to the tiny encoder's; a real model is not judged here.
    path.write_text("base_model: tiny\ntiny_encoder: {max_length: 64}\n", encoding="utf-8")
    assert load_config(path).hyperparameters.max_length == 256
    path.write_text("base_model: some/model\ntiny_encoder: {max_length: 64}\nhyperparameters: {max_length: 128}\n",
                    encoding="utf-8")
    assert load_config(path).hyperparameters.max_length == 128


def test_a_data_file_listed_twice_is_refused(tmp_path):
    (tmp_path / "pairs.tsv").write_text("a b\tc d\ta\n", encoding="utf-8")
    (tmp_path / "link.tsv").symlink_to(tmp_path / "pairs.tsv")
    declaration = "intermediate_tasks:\n  mine:\n    head: sequence_classification\n    format: pair_tsv\n" \
                  "    labels: [a, b]\n    train:\n      - pairs.tsv\n      - {second}\n"
    path = tmp_path / "twice.yaml"
    for second, problem in [("pairs.tsv", "lists 'pairs.tsv' twice"),
                            ("./pairs.tsv", f"lists one file twice: 'pairs.tsv' and './pairs.tsv' are both"
                                            f" {tmp_path / 'pairs.tsv'}"),
                            ("link.tsv", f"lists one file twice: 'pairs.tsv' and 'link.tsv' are both"
                                         f" {tmp_path / 'pairs.tsv'}")]:
        path.write_text("base_model: tiny\nintermediate: [{tasks: [mine]}]\n" + declaration.format(second=second),
                        encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load_config(path)
        assert str(err.value) == (f"{path}:10: intermediate_tasks.mine.train: {problem}; its examples would count"
                                  " twice in training: list each file once")


@pytest.mark.skipif(torch.cuda.is_available(), reason="fp16 is refused only on a machine without a GPU")
def test_fp16_without_a_gpu_is_refused_at_run_start(tmp_path, capsys):
    from harness_tasks.cli import main

    path = small_config(tmp_path, hyperparameters=hyperparameters(tmp_path, mixed_precision="fp16"))
    line = path.read_text(encoding="utf-8").splitlines().index("  mixed_precision: fp16") + 1
    assert main(["train", str(path), "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"xtreme train: {path}:{line}: hyperparameters.mixed_precision: 'fp16' needs a GPU and this run has none"
        " (accelerate would silently train in float32 on the CPU); use 'bf16', which CPUs run, or 'no'\n")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------------------
# Unreachable base model, unreadable data: one line, before the run folder is touched


def test_missing_base_model_folder(tmp_path):
    path = small_config(tmp_path, base_model=str(tmp_path / "no" / "model"))
    with pytest.raises(RecipeError) as err:
        run_recipe(load_config(path), tmp_path / "runs" / "out")
    assert str(err.value) == f"{path}:1: base_model: no such folder: {tmp_path / 'no' / 'model'} (looked at" \
                             f" {tmp_path / 'no' / 'model'})"
    assert not (tmp_path / "runs").exists()  # the folders made for the run (and its lock) are gone again


def test_base_model_folder_without_config(tmp_path):
    (tmp_path / "model").mkdir()
    path = small_config(tmp_path, base_model=str(tmp_path / "model"))
    with pytest.raises(RecipeError) as err:
        run_recipe(load_config(path), tmp_path / "out")
    assert str(err.value) == (f"{path}:1: base_model: {tmp_path / 'model'} has no config.json; expected a"
                              " folder written by save_pretrained")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"num_hidden_layers": 0}, "num_hidden_layers must be >= 1, got 0"),
        ({"vocab_size": 0}, "vocab_size must be >= 1, got 0"),
        ({"num_attention_heads": 5}, "num_attention_heads (5) must divide hidden_size (32)"),
    ],
)
def test_declared_architecture_of_a_local_base_model(tmp_path, tiny_encoder_dir, change, message):
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny_encoder_dir, model)
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    (model / "config.json").write_text(json.dumps({**config, "hidden_size": 32, **change}), encoding="utf-8")
    path = small_config(tmp_path, base_model=str(model))
    with pytest.raises(RecipeError) as err:
        run_recipe(load_config(path), tmp_path / "out")
    assert str(err.value) == f"{model / 'config.json'}: {message}"


def test_hub_model_while_offline_is_one_line_through_python_m(tmp_path):
    """Through `python -m training.command` (what accelerate launches), with the hub switched off."""
    path = small_config(tmp_path, base_model="no-such-org/no-such-model")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "training.command", str(path), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"xtreme train: {path}:1: base_model: 'no-such-org/no-such-model' is not a local folder (none at"
        f" {tmp_path / 'no-such-org' / 'no-such-model'}), and the hub is offline (HF_HUB_OFFLINE is set) with no"
        " cached copy of it; download it first or point base_model at a local folder\n")
    assert not (tmp_path / "out").exists()


def _copy_sample(tmp_path: Path) -> Path:
    import shutil

    from harness_tasks.readers import SAMPLE_DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    return data


def test_data_folder_without_the_files(tmp_path):
    (tmp_path / "data").mkdir()
    path = small_config(tmp_path, data="data")
    with pytest.raises(RecipeError) as err:
        run_recipe(load_config(path), tmp_path / "out")
    data = tmp_path / "data"
    assert str(err.value) == (f"target 'xnli': {data}/xnli/train-en.tsv: no such file; expected the XTREME raw"
                              f" download layout: xnli/train-en.tsv under {data}")
    assert not (tmp_path / "out").exists()  # nothing to resume or overwrite on the retry


def test_malformed_data_file_names_file_and_line(tmp_path):
    data = _copy_sample(tmp_path)
    train = data / "xnli" / "train-en.tsv"
    lines = train.read_text(encoding="utf-8").split("\n")
    lines[3] = "only\ttwo"
    train.write_text("\n".join(lines), encoding="utf-8")
    path = small_config(tmp_path, data="data")
    with pytest.raises(RecipeError) as err:
        run_recipe(load_config(path), tmp_path / "out")
    assert str(err.value) == (f"target 'xnli': {train}:4: expected 3 tab-separated fields (sentence1, sentence2,"
                              " label), got 2")


def test_malformed_intermediate_file_through_the_cli(tmp_path, capsys):
    from harness_tasks.cli import main

    bad = tmp_path / "nli.jsonl"
    bad.write_text('{"premise": "a", "hypothesis": "b", "label": "entailment"}\nnot json\n', encoding="utf-8")
    path = small_config(tmp_path, intermediate=[{"tasks": ["mnli"]}],
                        intermediate_tasks={"mnli": {"train": ["nli.jsonl"], "format": "nli_jsonl"}})
    assert main(["train", str(path), "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (f"xtreme train: intermediate task 'mnli': {bad}:2: not valid JSON (Expecting"
                                       " value); expected one object a line\n")


def test_intermediate_train_path_that_is_a_folder(tmp_path):
    (tmp_path / "folder").mkdir()
    path = small_config(tmp_path, intermediate=[{"tasks": ["mnli"]}],
                        intermediate_tasks={"mnli": {"train": ["folder"], "format": "nli_jsonl"}})
    with pytest.raises(ConfigError) as err:
        load_config(path)
    line = path.read_text(encoding="utf-8").splitlines().index("    - folder") + 1  # the list item's line
    assert str(err.value) == (f"{path}:{line}: intermediate_tasks.mnli.train: not a file: folder (looked at"
                              f" {tmp_path / 'folder'}); expected a data file")


# ---------------------------------------------------------------------------------------------------------
# Non-finite loss or gradient: stop at that step, no bundle


def _nan_loss_from_training_call(monkeypatch, call: int) -> None:
    """From the ``call``-th training forward pass on, the XNLI head's loss is NaN (a diverged run)."""
    from transformers import BertForSequenceClassification

    original = BertForSequenceClassification.forward
    calls = {"n": 0}

    def forward(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        if self.training:
            calls["n"] += 1
            if calls["n"] >= call:
                out.loss = out.loss * float("nan")
        return out

    monkeypatch.setattr(BertForSequenceClassification, "forward", forward)


def test_nan_loss_stops_the_run_with_no_bundle(tmp_path, monkeypatch, capsys):
    from harness_tasks.cli import main

    _nan_loss_from_training_call(monkeypatch, 4)
    path = small_config(tmp_path)
    out = tmp_path / "out"
    assert main(["train", str(path), "--output", str(out)]) == 2
    # Warm-up is int(0.1 x 6) = 0 steps, so step 4 runs at 1e-3 x (6 - 3) / 6.
    assert capsys.readouterr().err.splitlines()[-1] == (
        "xtreme train: [01-target-xnli] optimizer step 4 of 6, task xnli: the loss is nan (learning rate 0.0005);"
        " training stopped before the update, no bundle written: lower hyperparameters.learning_rate or"
        " max_grad_norm, or check the training data, then start afresh with --overwrite")
    assert not (out / "bundle").exists() and not (out / "bundle.tmp").exists()
    # The last checkpoint (step 2) predates the NaN and holds finite weights only.
    state = torch.load(out / "phases" / "01-target-xnli" / "checkpoint" / "model.pt")
    assert json.loads((out / "phases" / "01-target-xnli" / "checkpoint" / "state.json").read_text())["step"] == 2
    assert all(bool(torch.isfinite(t).all()) for t in state.values() if t.is_floating_point())

    # The retry: the same command is refused and says how to go on; --overwrite starts afresh.
    monkeypatch.undo()
    assert main(["train", str(path), "--output", str(out)]) == 2
    assert capsys.readouterr().err == (f"xtreme train: {out} already holds a run: pass --resume to continue it"
                                       " (same config), or --overwrite to delete it and start afresh\n")
    assert main(["train", str(path), "--output", str(out), "--overwrite"]) == 0
    assert (out / "bundle" / "manifest.json").exists()
    assert not (out / ".overwritten-run.tmp").exists()


def test_infinite_gradient_norm_stops_before_the_update(tmp_path, monkeypatch):
    import accelerate

    original = accelerate.Accelerator.clip_grad_norm_

    def clip(self, parameters, max_norm, norm_type=2):
        original(self, parameters, max_norm, norm_type)
        return torch.tensor(float("inf"))

    monkeypatch.setattr(accelerate.Accelerator, "clip_grad_norm_", clip)
    config = load_config(small_config(tmp_path, hyperparameters=hyperparameters(tmp_path, warmup_ratio=0.5)))
    with pytest.raises(NonFiniteError) as err:
        run_recipe(config, tmp_path / "out")
    assert str(err.value) == (
        "[01-target-xnli] optimizer step 1 of 6, task xnli: the gradient norm is inf (learning rate 0);"
        " training stopped before the update, no bundle written: lower hyperparameters.learning_rate or"
        " max_grad_norm, or check the training data, then start afresh with --overwrite")
    assert not (tmp_path / "out" / "bundle").exists()


def test_check_step_names_the_task_of_the_bad_micro_batch():
    from training.finite import check_step

    accelerator = SimpleNamespace(num_processes=1, device="cpu")
    check_step(accelerator, "p", 3, 9, [("qqp", 0.5), ("hellaswag", 0.25)], torch.tensor(2.0), 1e-5)  # fine
    with pytest.raises(NonFiniteError, match=r"^\[p\] optimizer step 3 of 9, task hellaswag: the loss is inf "):
        check_step(accelerator, "p", 3, 9, [("qqp", 0.5), ("hellaswag", float("inf"))], torch.tensor(2.0), 1e-5)
    with pytest.raises(NonFiniteError, match=r"^\[p\] optimizer step 3 of 9, task qqp, hellaswag: the gradient"
                                             r" norm is nan "):
        check_step(accelerator, "p", 3, 9, [("qqp", 0.5), ("hellaswag", 0.5), ("qqp", 1.0)],
                   torch.tensor(float("nan")), 1e-5)
    # fp16: the loss scaler handles overflowing gradients, so none is passed and only the loss is checked.
    check_step(accelerator, "p", 3, 9, [("qqp", 0.5)], None, 1e-5)


def test_weights_are_checked_before_they_can_reach_a_bundle(tmp_path):
    from safetensors.torch import save_file

    from training.finite import require_finite_folder, require_finite_weights

    layer = torch.nn.Linear(2, 2)
    require_finite_weights(layer, "the head")
    with torch.no_grad():
        layer.bias[1] = float("nan")
    with pytest.raises(NonFiniteError, match=r"^the head: 1 weight tensor\(s\) hold NaN or infinity \(first: bias\);"):
        require_finite_weights(layer, "the head")
    (tmp_path / "xnli").mkdir()
    save_file({"a": torch.zeros(3), "b": torch.tensor([1.0, float("-inf")])}, str(tmp_path / "xnli" / "model.safetensors"))
    with pytest.raises(NonFiniteError) as err:
        require_finite_folder(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'xnli' / 'model.safetensors'}: tensor b holds NaN or infinity;")
    save_file({"a": torch.zeros(3), "ids": torch.tensor([1, 2])}, str(tmp_path / "xnli" / "model.safetensors"))
    require_finite_folder(tmp_path)


# ---------------------------------------------------------------------------------------------------------
# The run folder: --resume, --overwrite


def _fake_run(out: Path, config: dict) -> None:
    (out / "phases" / "01-target-xnli").mkdir(parents=True)
    (out / "phases" / "01-target-xnli" / "done.json").write_text("{}", encoding="utf-8")
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")


def test_overwrite_deletes_only_the_run_and_never_follows_links(tmp_path):
    from training.run_output import check_output, clear_run, holds_run

    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep", encoding="utf-8")
    _fake_run(out, {"seed": 1})
    (out / "bundle").symlink_to(elsewhere)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert holds_run(out)
    check_output(out, {"seed": 2}, "c.yaml", holds=True, resume=False, overwrite=True)  # allowed
    clear_run(out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (elsewhere / "precious.txt").read_text(encoding="utf-8") == "keep"
    assert not holds_run(out)


def test_run_folder_refusals(tmp_path):
    from training.run_output import check_output

    out = tmp_path / "out"
    _fake_run(out, {"seed": 1})
    with pytest.raises(RecipeError) as err:
        check_output(out, {"seed": 1}, "c.yaml", holds=True, resume=False, overwrite=False)
    assert str(err.value) == (f"{out} already holds a run: pass --resume to continue it (same config), or"
                              " --overwrite to delete it and start afresh")
    check_output(out, {"seed": 1}, "c.yaml", holds=True, resume=True, overwrite=False)  # same config: resumes
    with pytest.raises(RecipeError) as err:
        check_output(out, {"seed": 2}, "c.yaml", holds=True, resume=True, overwrite=False)
    assert str(err.value) == (f"c.yaml: seed differ from the run in {out} (its config.json); a resumed run must"
                              " use the same config (or start afresh with --overwrite)")
    (out / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RecipeError, match=r"config\.json: cannot read the run's config \(.*\); start afresh with"
                                          r" --overwrite$"):
        check_output(out, {"seed": 1}, "c.yaml", holds=True, resume=True, overwrite=False)
    (out / "config.json").unlink()
    with pytest.raises(RecipeError) as err:
        check_output(out, {"seed": 1}, "c.yaml", holds=True, resume=True, overwrite=False)
    assert str(err.value) == (f"{out} holds part of a run but no config.json, so it cannot be resumed; start"
                              " afresh with --overwrite")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(RecipeError) as err:
        check_output(tmp_path / "file", {}, "c.yaml", holds=False, resume=False, overwrite=False)
    assert str(err.value) == f"{tmp_path / 'file'}: exists and is not a folder; --output takes a folder"


def test_resume_and_overwrite_are_exclusive(tmp_path, capsys):
    from harness_tasks.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["train", str(small_config(tmp_path)), "--resume", "--overwrite"])
    assert exited.value.code == 2
    assert "argument --overwrite: not allowed with argument --resume" in capsys.readouterr().err


HOLDER = """\
import sys

from training.config import load_config
from training.recipe import run_recipe


def pause(phase, step):  # a run caught in the middle: it holds the folder's lock until it ends or dies
    if step == 1:
        print("paused", flush=True)
        sys.stdin.readline()


run_recipe(load_config(sys.argv[1]), sys.argv[2], hook=pause)
"""


def test_a_second_run_into_a_busy_folder_stops_at_once_naming_the_first(tmp_path, capsys):
    """Two processes, one folder: whatever the second asks (resume, overwrite with another config, a fresh
    run), it is refused with exit 2 naming the first (pid, start time, command) and changes nothing. The
    lock dies with its holder: after a kill, --resume goes ahead."""
    import re
    import signal

    from harness_tasks.cli import main

    path, other = small_config(tmp_path), small_config(tmp_path, "other.yaml", seed=8)
    out, script = tmp_path / "out", tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    first = subprocess.Popen([sys.executable, str(script), str(path), str(out)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        assert first.stdout.readline() == "paused\n"
        holder = (out / ".xtreme.lock").read_text(encoding="utf-8").strip()
        assert re.fullmatch(rf"pid {first.pid} on \S+, started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d:"
                            rf" {re.escape(f'{script} {path} {out}')}", holder)
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        for config, flags in [(path, ["--resume"]), (other, ["--overwrite"]), (path, [])]:
            assert main(["train", str(config), "--output", str(out), *flags]) == 2
            assert capsys.readouterr().err == (f"xtreme train: {out} is in use by another xtreme train run ({holder});"
                                               " wait for it to finish or choose another --output\n")
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
        first.send_signal(signal.SIGKILL)
        assert first.wait() == -signal.SIGKILL
    finally:
        first.kill()
        first.wait()
    assert main(["train", str(path), "--output", str(out), "--resume"]) == 0
    assert json.loads((out / "bundle" / "manifest.json").read_text(encoding="utf-8"))
    assert (out / ".xtreme.lock").read_text(encoding="utf-8").startswith(f"pid {os.getpid()} on ")


def test_an_output_that_is_a_dangling_link_is_refused(tmp_path):
    (tmp_path / "out").symlink_to(tmp_path / "gone")
    with pytest.raises(RecipeError) as err:
        run_recipe(load_config(small_config(tmp_path)), tmp_path / "out")
    assert str(err.value) == f"{tmp_path / 'out'}: a link to {tmp_path / 'gone'}, which does not exist; --output" \
                             " takes a folder"
    assert not (tmp_path / "gone").exists()


# ---------------------------------------------------------------------------------------------------------
# The user's umask


@pytest.mark.parametrize(("mask", "file_mode", "folder_mode"), [(0o002, 0o664, 0o775), (0o077, 0o600, 0o700)],
                         ids=["umask-002", "umask-077"])
def test_every_file_and_folder_of_a_run_honours_the_umask(tmp_path, mask, file_mode, folder_mode):
    """The whole run folder, seen mid-run (a checkpoint and best/ exist) and at the end: safetensors writes
    its files 0600 and copies keep that, so this failed for every model file before."""
    import stat

    path = write_config(tmp_path, intermediate=[{"tasks": ["mnli"]}], target={"tasks": ["xnli"]})
    out = tmp_path / "out"

    def modes() -> dict[str, tuple[str, int]]:
        return {str(p.relative_to(out)): ("folder" if p.is_dir() else "file", stat.S_IMODE(p.lstat().st_mode))
                for p in [out, *out.rglob("*")]}

    seen = {}

    def hook(phase, step):
        if phase == "02-target-xnli" and step == 4:  # after the step-4 checkpoint, with best/ from step 3
            seen.update(modes())

    before = os.umask(mask)
    try:
        run_recipe(load_config(path), out, hook=hook)
    finally:
        os.umask(before)
    seen.update(modes())
    for name in ("base-model/model.safetensors", "phases/01-intermediate-mnli/final/model.safetensors",
                 "phases/02-target-xnli/best/model.safetensors", "phases/02-target-xnli/checkpoint/model.pt",
                 "bundle/encoder/model.safetensors", "bundle/xnli/model.safetensors", "bundle/manifest.json",
                 "metrics.jsonl", ".xtreme.lock"):
        assert seen[name][0] == "file"
    expected = {"file": file_mode, "folder": folder_mode}
    assert [f"{mode:o} {name}" for name, (kind, mode) in seen.items() if mode != expected[kind]] == []


# ---------------------------------------------------------------------------------------------------------
# Ctrl-C


def test_interrupt_inside_a_checkpoint_save_leaves_the_previous_one_then_resumes(tmp_path, monkeypatch, capsys):
    """Ctrl-C while the second checkpoint is being written: exit 130 with the hint, the first checkpoint
    intact, no bundle; --resume then finishes the run."""
    from training import checkpoints, command
    from training.checkpoints import latest_checkpoint

    original = checkpoints.torch.save
    calls = {"n": 0}

    def save(obj, path, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:  # model.pt, optimizer.pt, scheduler.pt per checkpoint: the 2nd one's optimizer
            raise KeyboardInterrupt
        return original(obj, path, *args, **kwargs)

    monkeypatch.setattr(checkpoints.torch, "save", save)
    path, out = small_config(tmp_path), tmp_path / "out"
    assert command.main([str(path), "--output", str(out)]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        "interrupted: rerun with --resume (same config and --output) to continue from the last checkpoint")
    phase = out / "phases" / "01-target-xnli"
    assert latest_checkpoint(phase) == phase / "checkpoint"
    assert json.loads((phase / "checkpoint" / "state.json").read_text())["step"] == 2
    assert not (phase / "checkpoint.tmp" / "state.json").exists()  # the half-written one counts for nothing
    assert not (out / "bundle").exists()
    monkeypatch.undo()
    assert command.main([str(path), "--output", str(out), "--resume"]) == 0
    assert (out / "bundle" / "xnli" / "model.safetensors").exists()


# ---------------------------------------------------------------------------------------------------------
# Numbers that used to overflow or crash the tokenizer


def test_small_temperature_does_not_overflow():
    from training.batch_plan import plan_batches

    plan = plan_batches({"big": 10**6, "small": 10}, 10**5, 0.001, "temperature", 0.01, seed=1)
    assert {task for task, _ in plan} == {"big"}  # (10 / 10^6) ** 100 is 0: the small task is never drawn


def test_overlong_questions_are_cut_to_fit_beside_the_stride(tmp_path):
    from harness_tasks.tiny_encoder import build_tiny_encoder
    from transformers import AutoTokenizer

    from training.config import Hyperparameters
    from training.features import _fit_questions

    build_tiny_encoder(tmp_path / "enc", ["what is the capital of france", "paris is"], vocab_size=60, max_length=32)
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "enc")
    settings = Hyperparameters(qa_max_length=32, doc_stride=16)
    long_question = "what is the capital of france " * 5
    short, cut = _fit_questions(tokenizer, ["what is", long_question], settings)
    assert short == "what is"
    room = 32 - tokenizer.num_special_tokens_to_add(pair=True) - 16 - 1
    assert len(tokenizer.tokenize(cut)) == room and long_question.startswith(cut)


@pytest.mark.parametrize("label, shown", [('"\\u0663"', "'٣'"), ("7", "7"), ("true", "True"), ("1.0", "1.0")])
def test_multiple_choice_labels_are_checked_indices(tmp_path, label, shown):
    from training.intermediate_tasks import TaskDataError, read_hellaswag_jsonl

    path = tmp_path / "hellaswag.jsonl"
    path.write_text('{"ctx": "A man", "endings": ["a", "b", "c", "d"], "label": 1}\n'
                    f'{{"ctx": "A man", "endings": ["a", "b", "c", "d"], "label": {label}}}\n', encoding="utf-8")
    with pytest.raises(TaskDataError) as err:
        read_hellaswag_jsonl(path, "hellaswag", "en")
    assert str(err.value) == (f"{path}:2: label {shown}: expected the index of the right choice, an integer "
                              "from 0 to 3")


def test_unreadable_json_lines_are_named(tmp_path):
    from training.intermediate_tasks import TaskDataError, read_hellaswag_jsonl

    path = tmp_path / "hellaswag.jsonl"
    path.write_text('{"ctx": "x", "endings": ["a"], "label": ' + "9" * 5000 + "}\n", encoding="utf-8")
    with pytest.raises(TaskDataError, match=r"hellaswag.jsonl:1: JSON that cannot be read"):
        read_hellaswag_jsonl(path, "hellaswag", "en")


def test_a_repeated_key_in_a_json_line_is_named(tmp_path):
    from training.intermediate_tasks import TaskDataError, read_hellaswag_jsonl

    path = tmp_path / "hellaswag.jsonl"
    path.write_text('{"ctx": "x", "endings": ["a", "b"], "label": 0, "label": 1}\n', encoding="utf-8")
    with pytest.raises(TaskDataError) as err:
        read_hellaswag_jsonl(path, "hellaswag", "en")
    assert str(err.value) == f"{path}:1: key 'label' given twice in one object; expected one object a line"
