"""The generated XTREME lm-eval tasks, run through lm-eval's Python API on the bundled sample data."""

from __future__ import annotations

import math

import lm_eval
import lm_eval.models  # noqa: F401  (lm-eval's models first, then ours)
import numpy as np
import pytest
import torch
import yaml
from lm_eval.tasks import TaskManager
from transformers import AutoModel, AutoTokenizer

import harness_tasks.encoder_model  # noqa: F401  (registers xtreme-encoder)
from evaluators.benchmarks import BENCHMARKS, XTREME
from evaluators.classification import accuracy
from evaluators.mlqa import mlqa_scores
from evaluators.squad import squad_scores
from evaluators.tagging import tagging_scores
from harness_tasks.readers import SAMPLE_DATA_DIR, load_split
from harness_tasks.tasks import TASKS_DIR, generate

ONE_LANGUAGE_EACH = {
    "xnli": "de", "pawsx": "zh", "udpos": "zh", "panx": "de", "xquad": "zh", "mlqa": "de", "tydiqa": "ru",
    "bucc2018": "fr", "tatoeba": "zh",
}


def evaluate(bundle, names, metadata=None, include=None, **kwargs):
    """lm-eval's result and, per task, its summary of the logged samples (predictions, outcomes, notes)."""
    manager = TaskManager(include_path=[str(TASKS_DIR), *(include or [])], include_defaults=False,
                          metadata=metadata)
    loaded = manager.load(names)
    built = [loaded["groups"].get(name) or loaded["tasks"][name] for name in names]
    result = lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={bundle}", tasks=built,
                                     task_manager=manager, bootstrap_iters=0, log_samples=True, **kwargs)
    return result, {name: task.summary_of_samples(result["samples"][name]) for name, task in loaded["tasks"].items()}


@pytest.fixture(scope="module")
def one_language_run(tiny_models):
    names = [f"xtreme_{task}_{lang}" for task, lang in ONE_LANGUAGE_EACH.items()]
    return evaluate(tiny_models.bundle, names)


# The XTREME-R tasks whose family has no lm-eval task class yet (generate.py leaves them out, with a note).
NO_TASK_CLASS_YET: tuple[str, ...] = ()
# The XTREME-R tasks that are one lm-eval task over all their languages (candidates shared by every language).
ALL_LANGUAGE_TASKS = ("lareqa", "mewslix")


def test_generated_yaml_is_current_and_covers_every_language():
    assert generate.main(["--check"]) == 0
    for benchmark in BENCHMARKS.values():
        prefix = benchmark.name.replace("-", "_")
        tasks = [name for name in benchmark.task_names if name not in NO_TASK_CLASS_YET]
        for name in tasks:
            group = yaml.safe_load((TASKS_DIR / name / f"_{prefix}_{name}.yaml").read_text(encoding="utf-8"))
            assert all(m["weight_by_size"] is False for m in group["aggregate_metric_list"])
            if name in ALL_LANGUAGE_TASKS:
                assert group["task"] == [f"xtreme_{name}"]
                assert (TASKS_DIR / name / f"xtreme_{name}.yaml").is_file(), name
                continue
            assert group["task"] == [f"xtreme_{name}_{lang}" for lang in benchmark.languages(name)]
            for lang in benchmark.languages(name):
                assert (TASKS_DIR / name / f"xtreme_{name}_{lang}.yaml").is_file(), (name, lang)
        top = yaml.safe_load((TASKS_DIR / f"_{prefix}.yaml").read_text(encoding="utf-8"))
        assert top["task"] == [f"{prefix}_{name}" for name in tasks]


def test_generate_leaves_no_declared_task_out(capsys):
    # Every declared family has an lm-eval task class, so no task is left out (and none with a note).
    assert generate.main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_task_manager_indexes_all_tasks_and_groups():
    manager = TaskManager(include_path=str(TASKS_DIR), include_defaults=False)
    expected = set()
    for benchmark in BENCHMARKS.values():
        prefix = benchmark.name.replace("-", "_")
        tasks = [name for name in benchmark.task_names if name not in NO_TASK_CLASS_YET]
        expected |= {f"xtreme_{t}_{lang}" for t in tasks if t not in ALL_LANGUAGE_TASKS
                     for lang in benchmark.languages(t)}
        expected |= {f"xtreme_{t}" for t in tasks if t in ALL_LANGUAGE_TASKS}
        expected |= {f"{prefix}_{t}" for t in tasks} | {prefix}
    assert set(manager.all_tasks) == expected
    # XTREME: 162 languages of 9 tasks; XTREME-R adds udpos 5, panx 8, xquad 1, tatoeba 5, xcopa 11, and one
    # task each for lareqa and mewslix. Groups: 9 + 1 + 10 + 1.
    assert len(expected) == 162 + 32 + 21


def test_every_family_scores_like_the_evaluators(one_language_run):
    result, predictions = one_language_run
    results = result["results"]
    for task, lang in ONE_LANGUAGE_EACH.items():
        name = f"xtreme_{task}_{lang}"
        entry, row = predictions[name], results[name]
        assert entry.labelled is True, name
        if task in ("bucc2018", "tatoeba"):
            continue  # checked against NumPy below
        records = load_split(task, lang, "test")
        if task in ("xnli", "pawsx"):
            expected = accuracy([r.label for r in records], entry.predictions)
            assert row["accuracy,none"] == expected["accuracy"] == row["score,none"]
        elif task in ("udpos", "panx"):
            assert [len(p) for p in entry.predictions] == [len(r.tokens) for r in records]
            expected = tagging_scores([list(r.tags) for r in records], entry.predictions, "xtreme")
            for metric in ("f1", "precision", "recall", "token_accuracy"):
                assert row[f"{metric},none"] == expected[metric], (name, metric)
        else:
            answers = {r.id: [a.text for a in r.answers] for r in records}
            assert set(entry.predictions) == set(answers)
            assert all(entry.predictions[r.id] in r.context for r in records)
            expected = (mlqa_scores(answers, entry.predictions, lang) if task == "mlqa"
                        else squad_scores(answers, entry.predictions))
            assert row["exact_match,none"] == expected["exact_match"]
            assert row["f1,none"] == expected["f1"]
            assert row["score,none"] == (expected["exact_match"] + expected["f1"]) / 2


def _embed(encoder_dir, texts, layer):
    """Brute force: full forward pass, hidden_states[layer], mean over the attention mask."""
    tok = AutoTokenizer.from_pretrained(encoder_dir)
    model = AutoModel.from_pretrained(encoder_dir).eval()
    rows = []
    with torch.inference_mode():
        for text in texts:
            enc = tok(text, return_tensors="pt", truncation=True, max_length=128)
            rows.append(model(**enc, output_hidden_states=True).hidden_states[layer][0].mean(0).numpy())
    return np.stack(rows).astype(np.float32)


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_tatoeba_equals_numpy_nearest_neighbour(one_language_run, tiny_models):
    result, predictions = one_language_run
    corpus = load_split("tatoeba", "zh", "test")
    src = _unit(_embed(tiny_models.encoder, corpus.source, 1))
    tgt = _unit(_embed(tiny_models.encoder, corpus.target, 1))
    nearest = np.argmax(tgt @ src.T, axis=1).tolist()  # English lines query, as the reference
    assert predictions["xtreme_tatoeba_zh"].predictions == nearest
    correct = sum(int(p == g) for p, g in zip(nearest, corpus.gold))
    assert result["results"]["xtreme_tatoeba_zh"]["accuracy,none"] == correct / len(nearest) * 100


def _numpy_mine(src, tgt, src_ids, tgt_ids, k=4):
    """Ratio-margin candidates from both directions, greedy one-to-one, as (src id, tgt id, score)."""
    src, tgt = _unit(src), _unit(tgt)
    cos = src @ tgt.T
    ks, kt = min(k, tgt.shape[0]), min(k, src.shape[0])
    src_mean = np.sort(cos, axis=1)[:, ::-1][:, :ks].mean(1)
    tgt_mean = np.sort(cos.T, axis=1)[:, ::-1][:, :kt].mean(1)
    margin = cos / ((src_mean[:, None] + tgt_mean[None, :]) / 2)
    candidates = []
    for i in range(cos.shape[0]):
        neighbours = np.argsort(-cos[i], kind="stable")[:ks]
        j = neighbours[np.argmax(margin[i, neighbours])]
        candidates.append((float(margin[i, j]), i, int(j)))
    for j in range(cos.shape[1]):
        neighbours = np.argsort(-cos[:, j], kind="stable")[:kt]
        i = neighbours[np.argmax(margin[neighbours, j])]
        candidates.append((float(margin[i, j]), int(i), j))
    used_s, used_t, mined = set(), set(), []
    for score, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_s and j not in used_t:
            used_s.add(i), used_t.add(j)
            mined.append((src_ids[i], tgt_ids[j], score))
    return mined


def _numpy_f1(gold, predicted):
    correct = len(set(gold) & set(predicted))
    if not correct:
        return 0.0
    p, r = correct / len(set(predicted)), correct / len(set(gold))
    return 2 * p * r / (p + r) * 100


def test_bucc_equals_numpy_mining_with_dev_threshold(one_language_run, tiny_models):
    result, predictions = one_language_run
    dev, test = load_split("bucc2018", "fr", "dev"), load_split("bucc2018", "fr", "test")
    for corpus in (dev, test):  # the brute force has no duplicate policy: the sample must not need one
        assert len(set(corpus.source_sentences)) == len(corpus.source_sentences)
        assert len(set(corpus.target_sentences)) == len(corpus.target_sentences)

    def mine(corpus):
        return _numpy_mine(_embed(tiny_models.encoder, corpus.source_sentences, 1),
                           _embed(tiny_models.encoder, corpus.target_sentences, 1),
                           corpus.source_ids, corpus.target_ids)

    dev_mined = sorted(mine(dev), key=lambda c: -c[2])
    best_f1, threshold = 0.0, math.inf
    for n in range(1, len(dev_mined) + 1):
        f1 = _numpy_f1(dev.gold, [(s, t) for s, t, _ in dev_mined[:n]])
        if f1 > best_f1:
            best_f1 = f1
            low = dev_mined[n][2] if n < len(dev_mined) else dev_mined[n - 1][2]
            threshold = (dev_mined[n - 1][2] + low) / 2
    predicted = {(s, t) for s, t, score in mine(test) if score >= threshold}
    assert predicted and best_f1 > 0  # a non-trivial case: something was mined and kept
    assert set(predictions["xtreme_bucc2018_fr"].predictions) == predicted
    assert result["results"]["xtreme_bucc2018_fr"]["f1,none"] == pytest.approx(_numpy_f1(test.gold, predicted), abs=1e-9)


def test_group_is_the_unweighted_language_mean(tiny_models, tmp_path):
    # The real groups need every language; a sample-language group exercises the same aggregation.
    langs = ("de", "en", "zh")
    (tmp_path / "sample_group.yaml").write_text(yaml.safe_dump({
        "group": "xtreme_pawsx_sample",
        "task": [f"xtreme_pawsx_{lang}" for lang in langs],
        "aggregate_metric_list": [{"metric": "accuracy", "aggregation": "mean", "weight_by_size": False}],
        "metadata": {"version": 1.0},
    }), encoding="utf-8")
    result, _ = evaluate(tiny_models.bundle, ["xtreme_pawsx_sample"], include=[str(tmp_path)])
    per_language = [result["results"][f"xtreme_pawsx_{lang}"]["accuracy,none"] for lang in langs]
    assert result["groups"]["xtreme_pawsx_sample"]["accuracy,none"] == pytest.approx(sum(per_language) / 3, abs=1e-12)


def test_unlabelled_test_split_gives_predictions_only(tiny_models, tmp_path):
    lines = load_split_lines()
    folder = tmp_path / "xnli"
    folder.mkdir()
    (folder / "test-de.tsv").write_text("".join(f"{a}\t{b}\n" for a, b, _ in lines), encoding="utf-8")
    result, predictions = evaluate(tiny_models.bundle, ["xtreme_xnli_de"], metadata={"data": str(tmp_path)})
    entry = predictions["xtreme_xnli_de"]
    assert entry.labelled is False and entry.outcomes == ()
    assert len(entry.predictions) == len(lines)
    assert "no labels: predictions only" in entry.notes[-1]
    assert math.isnan(result["results"]["xtreme_xnli_de"]["accuracy,none"])


def load_split_lines():
    return [(r.sentence1, r.sentence2, r.label) for r in load_split("xnli", "de", "test")]


def test_dev_split_and_seqeval_mode_are_metadata(tiny_models):
    result, predictions = evaluate(tiny_models.bundle, ["xtreme_udpos_de"],
                                   metadata={"split": "dev", "tagging_mode": "seqeval"})
    records = load_split("udpos", "de", "dev")
    entry = predictions["xtreme_udpos_de"]
    assert result["configs"]["xtreme_udpos_de"]["metadata"]["split"] == "dev"
    assert entry.notes == ("tagging mode seqeval",)
    expected = tagging_scores([list(r.tags) for r in records], entry.predictions, "seqeval")
    assert result["results"]["xtreme_udpos_de"]["f1,none"] == expected["f1"]


def test_retrieval_refuses_a_limit(tiny_models):
    with pytest.raises(ValueError, match="Tatoeba needs every sentence embedded"):
        evaluate(tiny_models.bundle, ["xtreme_tatoeba_de"], limit=5)


def test_a_language_group_runs_through_lm_eval_as_the_unweighted_language_mean(tiny_models, tmp_path):
    # Every XNLI language, each a different-sized slice of the sample, so that the unweighted mean
    # (XTREME's) and a size-weighted one differ.
    lines = (SAMPLE_DATA_DIR / "xnli" / "test-de.tsv").read_text(encoding="utf-8").splitlines()
    languages = XTREME.languages("xnli")
    for i, lang in enumerate(languages):
        path = tmp_path / "xnli" / f"test-{lang}.tsv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines[: 4 + i]) + "\n", encoding="utf-8")
    result, predictions = evaluate(tiny_models.bundle, ["xtreme_xnli"], metadata={"data": str(tmp_path)})
    per_language = [result["results"][f"xtreme_xnli_{lang}"]["accuracy,none"] for lang in languages]
    unweighted = sum(per_language) / len(per_language)
    weighted = sum(a * (4 + i) for i, a in enumerate(per_language)) / sum(4 + i for i in range(len(languages)))
    assert result["groups"]["xtreme_xnli"]["accuracy,none"] == pytest.approx(unweighted, abs=1e-9)
    assert result["groups"]["xtreme_xnli"]["score,none"] == pytest.approx(unweighted, abs=1e-9)
    assert len(predictions) == 15 and len(predictions["xtreme_xnli_zh"].predictions) == 18
    assert abs(weighted - unweighted) > 1e-3  # the slices make the two means differ, so the check above means something
