"""The recipe's dual-encoder targets (LAReQA on SQuAD v1.1, Mewsli-X on Wikipedia mention-entity pairs): pairs
and pools built as the harness builds them, the in-batch softmax with a learned scale, English-dev selection
through the evaluators' metrics, the saved head (AutoModel + dual_encoder.json), the manifest, resume."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from evaluators.lareqa import lareqa_scores
from evaluators.mewslix import mewslix_scores
from harness_tasks.bundle import HEAD_KIND, read_manifest
from harness_tasks.heads import auto_class
from harness_tasks.readers import load_training_data
from harness_tasks.inference.loading import drop_random_pooler
from harness_tasks.readers.entity_retrieval import mention_query
from harness_tasks.records import Answer, QAExample
from tests.training_fixtures import (
    Crash,
    assert_same_tensors,
    bundle_tensors,
    crash_at,
    one_thread,  # noqa: F401  (autouse: one torch thread)
    write_config,
)
from training import dual_encoder as DE
from training.config import TARGET_EPOCHS, load_config
from training.recipe import run_recipe

HEADS = ("lareqa", "mewslix")
EPOCHS = 30  # 8 pairs a head, one batch an epoch: 30 optimizer steps each




def dual_config(folder: Path, name: str = "config.yaml") -> Path:
    """Both dual-encoder heads from the tiny encoder, 8 training pairs each, 30 steps each."""
    return write_config(folder, name, intermediate=[],
                        target={"tasks": list(HEADS), "epochs": {head: EPOCHS for head in HEADS}},
                        hyperparameters={"learning_rate": 1e-3, "batch_size": 8, "max_length": 64,
                                         "save_every_steps": 5, "eval_every_steps": 10, "log_every_steps": 1,
                                         "max_train_examples": 8, "max_eval_examples": 12})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dual_encoder_train")
    out = folder / "out"
    return out, run_recipe(load_config(dual_config(folder)), out)


def _logged(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------------------------------------------------
# Pairs, pools, sentences, loss


def test_sentences_break_where_a_capital_or_digit_follows_the_end_punctuation():
    text = 'Eva was born in 1990. "She left." (Later) she came back! 2001 was the year? yes. Dr. Lee. '
    spans = DE.sentence_breaks(text)
    assert [text[s:e] for s, e in spans] == [
        "Eva was born in 1990.", '"She left."', "(Later) she came back!", "2001 was the year? yes.", "Dr.", "Lee."]
    assert DE.sentence_breaks("  ") == ()
    assert DE.sentence_breaks("no end") == ((0, 6),)


def test_squad_questions_become_question_answer_sentence_pairs_and_a_sentence_pool():
    context = "Ana lives in Rome.\nShe was born in Oslo. She sings. She was born in Oslo."
    examples = [
        QAExample("q1", "Where does Ana live?", context, (Answer("Rome", 13),), "en"),
        QAExample("q2", "Where was she born?", context, (Answer("Oslo", 35),), "en"),
        QAExample("q3", "What is between?", context, (Answer(" ", 18),), "en"),  # starts between sentences
        QAExample("q4", "Where?", "Bo is here.", (Answer("here", 6),), "en"),
    ]
    data = DE.answer_sentence_data(examples, "dev")
    flat = context.replace("\n", "")
    assert [(p.id, p.query, p.candidate_id, p.candidate) for p in data.pairs] == [
        ("q1", "Where does Ana live?", "en_1_0", "Ana lives in Rome." + flat),
        ("q2", "Where was she born?", "en_1_1", "She was born in Oslo." + flat),
        ("q4", "Where?", "en_2_0", "Bo is here.Bo is here."),
    ]
    assert data.left_out == ("q3",)
    pool = data.pool
    assert pool.candidate_ids == ("en_1_0", "en_1_1", "en_1_2", "en_1_3", "en_2_0")
    assert pool.candidates[2] == "She sings." + flat
    # Both sentences of the answer's text are targets (utils_lareqa's rule).
    assert [(q.id, q.targets) for q in pool] == [("q1", ("en_1_0",)), ("q2", ("en_1_1", "en_1_3")),
                                                 ("q4", ("en_2_0",))]
    assert len(pool[:1]) == 1 and pool[:1].candidate_ids == pool.candidate_ids  # a cut keeps every candidate


def test_mention_pairs_are_the_readers_query_and_the_entity_description():
    corpus = load_training_data("mewslix", "dev")
    data = DE.mention_entity_data(corpus, "dev")
    descriptions = dict(zip(corpus.candidates.ids, corpus.candidates.descriptions))
    assert [(p.id, p.query, p.candidate_id, p.candidate) for p in data.pairs] == [
        (m.id, mention_query(m), m.entity, descriptions[m.entity]) for m in corpus.mentions]
    assert data.pool.candidate_ids == corpus.candidates.ids
    assert [(q.id, q.targets) for q in data.pool] == [(m.id, (m.entity,)) for m in corpus.mentions]


def test_the_loss_is_the_in_batch_softmax_over_scaled_cosines():
    torch.manual_seed(0)

    class Toy(torch.nn.Module):
        def forward(self, input_ids, attention_mask):
            class Out:
                pooler_output = None
                last_hidden_state = input_ids.float().unsqueeze(-1).repeat(1, 1, 3) * torch.tensor([1.0, -2.0, 0.5])
            return Out

    model = DE.DualEncoder(Toy(), {"query": 8, "candidate": 8})
    q = torch.tensor([[1, 5], [2, 1], [3, 3]])
    c = torch.tensor([[4, 0], [1, 1], [2, 2]])
    mask = torch.ones_like(q)
    loss = model(q, mask, c, mask)
    qv = torch.nn.functional.normalize(q[:, :1].float() * torch.tensor([1.0, -2.0, 0.5]), dim=1)
    cv = torch.nn.functional.normalize(c[:, :1].float() * torch.tensor([1.0, -2.0, 0.5]), dim=1)
    expected = torch.nn.functional.cross_entropy(100.0 * qv @ cv.T, torch.arange(3))
    assert torch.allclose(loss, expected)
    assert model.logit_scale.requires_grad and model.logit_scale.item() == 100.0


# ---------------------------------------------------------------------------------------------------------
# A tiny run


def test_both_heads_are_trained_and_their_loss_decreases(trained):
    out, _ = trained
    assert (TARGET_EPOCHS["lareqa"], TARGET_EPOCHS["mewslix"]) == (3, 2)
    assert sorted(p.name for p in (out / "phases").iterdir()) == ["01-target-lareqa", "02-target-mewslix"]
    logged = _logged(out)
    for phase in ("01-target-lareqa", "02-target-mewslix"):
        losses = [r["loss"] for r in logged if r["phase"] == phase and "loss" in r]
        assert len(losses) == EPOCHS and all(math.isfinite(x) for x in losses)
        first, last = sum(losses[:10]) / 10, sum(losses[-10:]) / 10
        assert last < 0.75 * first, (phase, first, last)
        assert [r["step"] for r in logged if r["phase"] == phase and "dev_score" in r] == [10, 20, 30]


def test_the_manifest_says_how_each_head_was_made(trained):
    _, bundle = trained
    manifest = read_manifest(bundle)
    assert sorted(manifest["checkpoints"]) == ["encoder", "lareqa", "mewslix"]
    metrics = {"lareqa": "mAP@20 on SQuAD v1.1 dev sentences", "mewslix": "MRR@20 on wikipedia_pairs-dev (its own entities)"}
    lengths = {"lareqa": {"query": 64, "candidate": 64}, "mewslix": {"query": 64, "candidate": 64}}
    for head in HEADS:
        entry = manifest["checkpoints"][head]
        assert entry["kind"] == HEAD_KIND[head] == "dual_encoder"
        assert entry["tasks"] == [[head]]
        assert entry["target"]["selection"]["metric"] == metrics[head]
        assert (entry["target"]["data"]["train"]["examples"], entry["target"]["data"]["dev"]["examples"]) == (8, 12)
        made = entry["dual_encoder"]
        assert made == json.loads((bundle / head / "dual_encoder.json").read_text(encoding="utf-8"))
        assert {k: v for k, v in made.items() if k != "logit_scale"} == {
            "kind": "dual_encoder", "pooling": "first_token", "normalisation": "l2",
            "similarity": "inner product of the unit vectors (cosine)", "initial_logit_scale": 100.0,
            "loss": DE.LOSS, "max_lengths": lengths[head]}
        assert math.isfinite(made["logit_scale"]) and made["logit_scale"] != 100.0  # learned
    squad_train = manifest["checkpoints"]["lareqa"]["target"]["data"]["train"]
    assert [Path(p).as_posix().endswith("sample_data/squad/train-v1.1.json") for p in squad_train["files"]] == [True]
    assert squad_train["left_out"] == 0


def _head_vectors(folder: Path, texts, max_length: int) -> np.ndarray:
    """Vectors as the harness makes them from the saved head: AutoModel, pooler dropped when its weights are
    missing, first token, L2-normalised; in the dev scorer's batches (16), so the arithmetic is the same."""
    from transformers import AutoTokenizer

    encoder, info = auto_class(HEAD_KIND["lareqa"]).from_pretrained(folder, output_loading_info=True)
    assert type(encoder).__name__ == "BertModel" and encoder.config.architectures == ["BertModel"]
    assert sorted(info["missing_keys"]) == ["pooler.dense.bias", "pooler.dense.weight"]  # saved without one
    encoder.pooler = None
    encoder.eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    rows = []
    for i in range(0, len(texts), 16):
        enc = tokenizer(list(texts[i:i + 16]), truncation=True, max_length=max_length, padding=True,
                        return_tensors="pt")
        with torch.no_grad():
            hidden = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        rows.append(torch.nn.functional.normalize(hidden[:, 0], p=2, dim=1).numpy())
    return np.concatenate(rows)


@pytest.mark.parametrize("head, score", [("lareqa", lareqa_scores), ("mewslix", mewslix_scores)])
def test_the_selected_score_is_the_evaluators_metric_of_the_saved_heads_exact_top_20(trained, head, score):
    _, bundle = trained
    entry = read_manifest(bundle)["checkpoints"][head]
    pool = DE.retrieval_data(head, load_training_data(head, "dev"), "dev").pool[:12]
    lengths = entry["dual_encoder"]["max_lengths"]
    keys = _head_vectors(bundle / head, pool.candidates, lengths["candidate"])
    asked = _head_vectors(bundle / head, [q.query for q in pool], lengths["query"])
    products = asked.astype(np.float64) @ keys.T.astype(np.float64)
    predictions = {}
    for q, row in zip(pool, products):
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))[:20]
        predictions[q.id] = [pool.candidate_ids[j] for j in order]
    gold = {q.id: list(q.targets) for q in pool}
    selected = entry["target"]["selection"]["score"]
    assert selected == pytest.approx(score(gold, predictions)["map@20"], abs=1e-9)
    # The recipe's own ranking of the reloaded head gives that very number through the same function.
    encoder, info = auto_class("dual_encoder").from_pretrained(bundle / head, output_loading_info=True)
    drop_random_pooler(encoder, info)
    model = DE.DualEncoder(encoder, lengths)
    from transformers import AutoTokenizer

    ranked = DE.rankings(model, pool, AutoTokenizer.from_pretrained(bundle / head), batch_size=16, device="cpu",
                         autocast=torch.no_grad)
    assert score(gold, ranked)["map@20"] == selected
    assert len(pool.candidates) < 20 or all(len(r) == 20 for r in ranked.values())


def test_a_crash_in_the_mewslix_phase_resumes_to_the_uninterrupted_heads(trained, tmp_path):
    _, bundle = trained
    config = load_config(dual_config(tmp_path))
    out = tmp_path / "out"

    with pytest.raises(Crash):
        run_recipe(config, out, hook=crash_at("02-target-mewslix", 13))
    state = json.loads((out / "phases" / "02-target-mewslix" / "checkpoint" / "state.json").read_text())
    assert state["step"] == 10
    first = out / "phases" / "01-target-lareqa" / "done.json"
    before = (first.stat().st_mtime_ns, first.read_text(encoding="utf-8"))
    resumed = run_recipe(config, out, resume=True)
    assert (first.stat().st_mtime_ns, first.read_text(encoding="utf-8")) == before
    assert_same_tensors(bundle_tensors(bundle), bundle_tensors(resumed))
    for head in HEADS:
        assert (resumed / head / "dual_encoder.json").read_text() == (bundle / head / "dual_encoder.json").read_text()
    manifest, again = read_manifest(bundle), read_manifest(resumed)
    assert [again["checkpoints"][h]["target"]["selection"] for h in HEADS] == [
        manifest["checkpoints"][h]["target"]["selection"] for h in HEADS]
