"""Dual-encoder retrieval (Mewsli-X, LAReQA) through lm-eval: one lm-eval task over all languages, the
`encode` request kind, the submission and outcomes `xtreme score` writes, LAReQA's pooled task score, the
bare-encoder fallback, and the refusals."""

from __future__ import annotations

import json
import shutil

import lm_eval
import numpy as np
import pytest
import torch

import harness_tasks
from evaluators.lareqa import TOP_K
from evaluators.submission import score_submission
from harness_tasks.cli import main
from harness_tasks.encoder_model import XtremeEncoder, parse_task_name
from harness_tasks.readers import SAMPLE_DATA_DIR
from harness_tasks.tasks import XtremeTaskError
from harness_tasks.tasks.selection import limit_problem
from tests.sample_files import XTREME_R_SAMPLE_LANGUAGES

LABELS = SAMPLE_DATA_DIR / "labels"
TASKS = ("mewslix", "lareqa")
FALLBACK = ("bundle {bundle} has no '{head}' head: scored on the bare encoder (untrained for retrieval), its "
            "first-token vector L2-normalised as a dual encoder's; not a fine-tuned dual encoder's score")


def _results(out):
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def retrieval_run(tiny_models, tmp_path_factory):
    out = tmp_path_factory.mktemp("retrieval")
    code = main(["score", "--benchmark", "xtreme-r", "--tasks", "mewslix,lareqa", "--model", str(tiny_models.bundle),
                 "--output", str(out)])
    return code, out, _results(out)


def test_score_writes_a_submission_that_score_submission_scores_the_same(retrieval_run):
    code, out, results = retrieval_run
    assert code == 0
    section = results["xtreme"]
    assert list(section["tasks"]) == ["lareqa", "mewslix"]  # XTREME-R's order
    scored = score_submission(out / "submission", LABELS, benchmark="xtreme-r", tasks=list(TASKS), outcomes=True)
    for task in TASKS:
        languages = XTREME_R_SAMPLE_LANGUAGES[task]
        assert list(section["tasks"][task]["map@20"]) == list(languages), task
        assert scored.scores[task] == section["tasks"][task], task
        for lang in languages:
            entry = section["outcomes"][task][lang]
            assert entry["file"] == f"outcomes/{task}/test-{lang}.jsonl"
            lines = (out / entry["file"]).read_text(encoding="utf-8").splitlines()
            assert [json.loads(line) for line in lines] == [dict(o) for o in scored.outcomes[task][lang]]
            assert entry["examples"] == len(lines) > 0
    # One lm-eval task each, whose metrics are the task scores.
    for task in TASKS:
        row = results["results"][f"xtreme_{task}"]
        assert row["map@20,none"] == row["score,none"] == section["tasks"][task]["avg_metric"], task
        assert results["groups"][f"xtreme_r_{task}"]["score,none"] == section["task_scores"][task]
    first = json.loads((out / "outcomes/mewslix/test-de.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"id", "reciprocal_rank"}
    first = json.loads((out / "outcomes/lareqa/test-de.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"id", "average_precision"}


def test_every_query_gets_twenty_candidates_in_the_written_files(retrieval_run):
    _, out, _ = retrieval_run
    for task, ids_in in (("mewslix", "Q"), ("lareqa", "_")):
        for lang in XTREME_R_SAMPLE_LANGUAGES[task]:
            ranked = json.loads((out / f"submission/{task}/test-{lang}.json").read_text(encoding="utf-8"))
            gold = json.loads((LABELS / task / f"test-{lang}.json").read_text(encoding="utf-8"))
            assert list(ranked) == list(gold), (task, lang)
            assert all(len(ids) == TOP_K == len(set(ids)) and all(ids_in in i for i in ids) for ids in ranked.values())


def test_a_missing_dual_encoder_head_falls_back_to_the_encoder_with_a_note(retrieval_run, tiny_models):
    _, _, results = retrieval_run
    section = results["xtreme"]
    expected = {task: FALLBACK.format(bundle=tiny_models.bundle, head=task) for task in TASKS}
    assert section["dual_encoder_fallbacks"] == expected
    assert section["skipped_tasks"] == {}
    assert section["notes"]["mewslix_de"] == [expected["mewslix"]]
    assert section["notes"]["lareqa_de"] == [
        "the candidate pool holds 4 of the 11 languages (de en ru zh; no data for ar el es hi th tr vi): scores are "
        "not the benchmark's", expected["lareqa"]]


def test_a_plain_encoder_scores_them_too(tiny_models, tmp_path, capsys):
    assert main(["score", "--benchmark", "xtreme-r", "--tasks", "mewslix", "--model", str(tiny_models.encoder),
                 "--output", str(tmp_path), "--languages", "de"]) == 0
    note = ("no 'mewslix' head given: scored on the bare encoder (untrained for retrieval), its first-token vector "
            "L2-normalised as a dual encoder's; not a fine-tuned dual encoder's score")
    assert f"mewslix: {note}\n" in capsys.readouterr().err
    section = _results(tmp_path)["xtreme"]
    assert section["dual_encoder_fallbacks"] == {"mewslix": note}
    assert list(section["tasks"]["mewslix"]["map@20"]) == ["de"]


def test_a_dual_encoder_head_in_the_bundle_is_used(tiny_models, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_models.bundle / "encoder", bundle / "encoder")
    shutil.copytree(tiny_models.bundle / "encoder", bundle / "mewslix")  # a dual encoder is saved bare
    lm = XtremeEncoder(bundle=str(bundle))
    assert lm.path_for("mewslix") == str(bundle / "mewslix") and lm.kind_for("mewslix") == "dual_encoder"
    assert lm.fallback_note("mewslix") is None
    assert lm.path_for("lareqa") == str(bundle / "encoder") and lm.kind_for("lareqa") == "encoder"
    shutil.rmtree(bundle / "encoder")
    lm = XtremeEncoder(bundle=str(bundle))
    assert lm.path_for("lareqa") is None and lm.fallback_note("lareqa") is None  # nothing to fall back to


def test_lareqa_is_one_task_whose_score_pools_every_question(tiny_models, tmp_path):
    # Uneven question counts (de keeps one question a paragraph of its first article): the pooled mean differs
    # from the mean of languages.
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR / "lareqa", data / "lareqa")
    path = data / "lareqa/xquad-r/de.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for article in doc["data"]:
        for paragraph in article["paragraphs"]:
            paragraph["qas"] = paragraph["qas"][:1]
    doc["data"] = doc["data"][:1]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", "--benchmark", "xtreme-r", "--tasks", "lareqa", "--model", str(tiny_models.bundle),
                 "--output", str(out), "--data", str(data)]) == 0
    results = _results(out)
    summary = results["xtreme"]["tasks"]["lareqa"]
    precisions, counts = [], {}
    for lang in ("de", "en", "ru", "zh"):
        lines = (out / f"outcomes/lareqa/test-{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        precisions += [json.loads(line)["average_precision"] for line in lines]
        counts[lang] = len(lines)
    assert counts["de"] < min(counts["en"], counts["ru"], counts["zh"])
    pooled = 100 * float(np.mean(precisions))
    assert summary["avg_map@20"] == pytest.approx(pooled, abs=1e-9) and summary["avg_metric"] == summary["avg_map@20"]
    macro = sum(summary["map@20"].values()) / 4
    assert abs(macro - pooled) > 1e-3
    assert results["results"]["xtreme_lareqa"]["map@20,none"] == summary["avg_map@20"]


def test_languages_asked_for_are_the_ones_scored(tiny_models, tmp_path):
    assert main(["score", "--benchmark", "xtreme-r", "--tasks", "lareqa", "--model", str(tiny_models.bundle),
                 "--output", str(tmp_path), "--languages", "en,zh"]) == 0
    section = _results(tmp_path)["xtreme"]
    assert list(section["tasks"]["lareqa"]["map@20"]) == ["en", "zh"]
    assert sorted(p.name for p in (tmp_path / "submission/lareqa").iterdir()) == ["test-en.json", "test-zh.json"]
    # The pool is every language the data holds, whichever are asked.
    assert section["notes"]["lareqa_en"][0].startswith("the candidate pool holds 4 of the 11 languages (de en ru zh;")


def test_candidates_are_embedded_once_for_every_language(tiny_models, monkeypatch):
    from harness_tasks.inference import dual_encoder

    embedded = []
    plain = dual_encoder.encode_texts
    monkeypatch.setattr(dual_encoder, "encode_texts",
                        lambda tokenizer, model, texts, **kw: embedded.extend(texts) or plain(tokenizer, model, texts, **kw))
    manager = harness_tasks.task_manager()
    built = manager.load(["xtreme_mewslix"])["tasks"]
    lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                            tasks=list(built.values()), task_manager=manager, bootstrap_iters=0)
    task = built["xtreme_mewslix"]
    n_candidates = len(task.retrieval.candidate_ids)
    n_mentions = sum(len(q) for q in task.retrieval.queries.values())
    assert list(task.retrieval.queries) == ["ar", "de", "ja"] and n_candidates == 300
    assert len(embedded) == n_candidates + n_mentions


def test_ties_go_to_the_lower_candidate_index(tiny_models):
    manager = harness_tasks.task_manager()
    task = manager.load(["xtreme_mewslix"])["tasks"]["xtreme_mewslix"]
    task.download()
    same = np.ones(4, np.float32) / 2
    items = [(doc["side"], doc["language"], doc["start"], np.tile(same, (len(doc["texts"]), 1)))
             for doc in task.dataset["test"]]
    summary = task.summary(items)
    first_twenty = list(task.retrieval.candidate_ids[:TOP_K])
    for part in summary.per_language.values():
        assert all(ranked == first_twenty for ranked in part.predictions.values())


def test_a_document_limit_is_refused(tiny_models):
    manager = harness_tasks.task_manager()
    built = manager.load(["xtreme_lareqa"])["tasks"]
    with pytest.raises(XtremeTaskError) as err:
        lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                                tasks=list(built.values()), task_manager=manager, bootstrap_iters=0, limit=2)
    # Documents are blocks of texts: the 66 candidates, then each language's questions.
    assert str(err.value) == ("xtreme_lareqa: LAReQA needs every text block embedded, but limit=2 (--limit) keeps 2 "
                              "of its 5 text blocks: drop it or leave out xtreme_r_tatoeba and xtreme_r_lareqa and "
                              "xtreme_r_mewslix")
    assert limit_problem(["xtreme_mewslix", "xtreme_r_lareqa", "xtreme_xnli_de"], "--limit 2") == (
        "--limit 2: xtreme_mewslix, xtreme_r_lareqa run LAReQA/Mewsli-X, and retrieval tasks need every sentence (a "
        "cut corpus mines among other candidates): drop --limit or leave out xtreme_r_lareqa and xtreme_r_mewslix")


def test_dual_encoder_vectors_are_unit_first_token_vectors(tiny_models):
    from harness_tasks.inference.dual_encoder import encode_texts
    from harness_tasks.inference.loading import load_model

    tokenizer, model = load_model(str(tiny_models.encoder), "dual_encoder", device=torch.device("cpu"),
                                  dtype=torch.float32)
    assert model.pooler is None  # the checkpoint has no pooler weights: never a random one
    texts = ["Anna Berger hielt eine Rede.", "Pane is a small village on the river Danren."]
    vectors = encode_texts(tokenizer, model, texts, max_length=8, batch_size=2, device=torch.device("cpu"))
    assert [float(np.linalg.norm(v)) for v in vectors] == pytest.approx([1.0, 1.0], abs=1e-6)
    with torch.inference_mode():
        encoded = tokenizer(texts[0], truncation=True, max_length=8, return_tensors="pt")
        first = model(**encoded).last_hidden_state[0, 0]
    np.testing.assert_allclose(vectors[0], (first / first.norm()).numpy(), atol=1e-6)


def test_whole_task_names_and_refused_languages():
    assert parse_task_name("xtreme_lareqa") == ("lareqa", None)
    assert parse_task_name("xtreme_mewslix_de") == ("mewslix", "de")
    manager = harness_tasks.task_manager()
    task = manager.load(["xtreme_mewslix"])["tasks"]["xtreme_mewslix"]
    task.meta["languages"] = "de xx"
    with pytest.raises(XtremeTaskError) as err:
        task.requested_languages()
    assert str(err.value) == ("task xtreme_mewslix: languages xx: not Mewsli-X languages; expected some of ar de en es "
                              "fa ja pl ro ta tr uk")


def test_a_rerun_embeds_nothing_again(tiny_models, tmp_path, monkeypatch):
    from harness_tasks.inference import dual_encoder

    command = ["score", "--benchmark", "xtreme-r", "--tasks", "mewslix", "--model", str(tiny_models.bundle),
               "--output", str(tmp_path), "--languages", "de"]
    assert main(command) == 0
    assert _results(tmp_path)["xtreme"]["prediction_sources"] == {"xtreme_mewslix": "computed"}
    first = (tmp_path / "submission/mewslix/test-de.json").read_text(encoding="utf-8")
    embedded = []
    plain = dual_encoder.encode_texts
    monkeypatch.setattr(dual_encoder, "encode_texts",
                        lambda tokenizer, model, texts, **kw: embedded.extend(texts) or plain(tokenizer, model, texts, **kw))
    assert main(command) == 0  # the same run: resumed, every vector from the embedding cache in OUTPUT/cache
    assert embedded == []
    assert (tmp_path / "submission/mewslix/test-de.json").read_text(encoding="utf-8") == first
    assert _results(tmp_path)["xtreme"]["prediction_sources"] == {"xtreme_mewslix": "cache"}


def test_blocks_of_any_size_give_the_same_rankings(tiny_models, monkeypatch):
    from harness_tasks.tasks import dual_encoder

    def rankings():
        manager = harness_tasks.task_manager()
        built = manager.load(["xtreme_mewslix"])["tasks"]
        result = lm_eval.simple_evaluate(model="xtreme-encoder", model_args=f"bundle={tiny_models.bundle}",
                                         tasks=list(built.values()), task_manager=manager, bootstrap_iters=0,
                                         log_samples=True)
        samples = result["samples"]["xtreme_mewslix"]
        return len(samples), built["xtreme_mewslix"].summary_of_samples(samples).predictions

    whole = rankings()
    monkeypatch.setattr(dual_encoder, "BLOCK", 7)
    blocked = rankings()
    assert whole[0] == 4 and blocked[0] == 300 // 7 + 1 + 3 * 3  # 15 mentions a language: 3 blocks each
    assert blocked[1] == whole[1]


def test_consecutive_blocks_of_one_matrix_are_stacked_without_a_copy():
    from harness_tasks.tasks.dual_encoder import _stacked

    matrix = np.arange(40, dtype=np.float32).reshape(10, 4)
    views = {0: matrix[2:5], 3: matrix[5:9]}
    stacked = _stacked(views, 7)
    assert np.shares_memory(stacked, matrix) and np.array_equal(stacked, matrix[2:9])
    apart = {0: matrix[2:5], 3: matrix[6:10]}  # a gap: copied, in block order
    assert not np.shares_memory(_stacked(apart, 7), matrix)
    assert np.array_equal(_stacked(apart, 7), np.concatenate([matrix[2:5], matrix[6:10]]))
    assert _stacked(views, 8) is None and _stacked({0: matrix[:3], 4: matrix[3:7]}, 7) is None  # rows missing
