"""Small intermediate-task files in each local format the training module reads (the sample data has MNLI
and SQuAD v1.1 only), a config writer, and weight comparison helpers for tests/test_training.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml

WORDS = "the cat sat on a mat while dogs ran far away from big red houses near blue lakes".split()


def _sentence(i: int, n: int = 6) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n))


def write_qqp(folder: Path, n: int = 24) -> Path:
    path = folder / "qqp_train.tsv"
    rows = ["id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate"]
    rows += [f"{i}\t{2 * i}\t{2 * i + 1}\t{_sentence(i)}?\t{_sentence(i + 1)}?\t{i % 2}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_hellaswag(folder: Path, n: int = 16) -> Path:
    path = folder / "hellaswag_train.jsonl"
    lines = [json.dumps({"ctx": _sentence(i), "endings": [_sentence(i + k, 3) for k in range(4)], "label": i % 4})
             for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_squad_v2(folder: Path, n: int = 12) -> Path:
    """SQuAD v2.0 form: every third question unanswerable (is_impossible, no answers)."""
    qas_paragraphs = []
    for i in range(n):
        context = f"{_sentence(i, 10)} . Paris is the capital of France . {_sentence(i + 3, 8)}"
        impossible = i % 3 == 0
        qa = {"id": f"v2-{i}", "question": "What is the capital of France?" if not impossible else "Who owns the moon?",
              "is_impossible": impossible,
              "answers": [] if impossible else [{"text": "Paris", "answer_start": context.index("Paris")}]}
        qas_paragraphs.append({"context": context, "qas": [qa]})
    path = folder / "squad_v2_train.json"
    path.write_text(json.dumps({"version": "v2.0", "data": [{"title": "t", "paragraphs": qas_paragraphs}]}),
                    encoding="utf-8")
    return path


def write_ccg(folder: Path, n: int = 12) -> Path:
    supertags = ["NP", "S\\NP", "(S\\NP)/NP", "N/N", "N"]
    blocks = []
    for i in range(n):
        words = _sentence(i, 5).split()
        blocks.append("\n".join(f"{w}\t{supertags[(i + k) % len(supertags)]}" for k, w in enumerate(words)))
    path = folder / "ccg_train.conll"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def write_german_pairs(folder: Path, n: int = 16) -> Path:
    """A user-declared task: German sentence pairs in the XTREME pair_tsv format, labels ja/nein."""
    german = "der Hund lief schnell nach Hause und die Katze schlief im warmen Haus".split()
    rows = [f"{' '.join(german[(i + k) % len(german)] for k in range(5))}\t"
            f"{' '.join(german[(i + 2 * k) % len(german)] for k in range(5))}\t{'ja' if i % 2 else 'nein'}"
            for i in range(n)]
    path = folder / "de_pairs.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_config(folder: Path, name: str = "config.yaml", **overrides) -> Path:
    """A tiny-encoder config on the sample data; keyword arguments replace top-level keys."""
    config = {
        "base_model": "tiny",
        "tiny_encoder": {"hidden_size": 32, "layers": 2, "heads": 2, "vocab_size": 800, "max_length": 96},
        "seed": 7,
        "hyperparameters": {
            "learning_rate": 1e-3, "batch_size": 8, "max_length": 96, "qa_max_length": 96, "doc_stride": 32,
            "max_steps": 6, "save_every_steps": 2, "log_every_steps": 100, "eval_every_steps": 3,
            "max_train_examples": 48, "max_eval_examples": 12,
        },
        "intermediate": [{"tasks": ["mnli"]}],
        "target": {"tasks": ["xnli", "udpos", "squad"]},
    }
    config.update(overrides)
    path = folder / name
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def bundle_tensors(bundle: Path) -> dict[str, object]:
    """Every tensor of every model in a bundle, keyed ``folder/tensor name``."""
    from safetensors.torch import load_file

    out = {}
    for weights in sorted(Path(bundle).glob("*/model.safetensors")):
        for key, tensor in load_file(str(weights)).items():
            out[f"{weights.parent.name}/{key}"] = tensor
    return out


def assert_same_tensors(a: dict, b: dict) -> None:
    import torch

    assert sorted(a) == sorted(b)
    different = [key for key in a if not torch.equal(a[key], b[key])]
    assert different == []


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models gain nothing from intra-op threads, and on a shared 2-core machine they spin-wait."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class Crash(RuntimeError):
    """What a test's step hook raises to stop a training run mid-phase (a simulated crash)."""


def crash_at(phase_prefix: str, step: int):
    """A run_recipe hook that crashes the phase whose name starts with ``phase_prefix`` after ``step`` steps."""
    def hook(phase: str, done: int) -> None:
        if phase.startswith(phase_prefix) and done == step:
            raise Crash(f"{phase} step {done}")

    return hook
