"""The tiny model builders and the `xtreme-encoder` lm-eval adapter (steps 1-2 of the harness)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from lm_eval.api.instance import Instance
from safetensors.torch import load_file
from transformers import AutoModel, AutoModelForQuestionAnswering, AutoModelForSequenceClassification
from transformers import AutoModelForTokenClassification, AutoTokenizer

from evaluators.tasks import TASKS

XNLI_LABELS, UPOS_LABELS, PANX_LABELS = (TASKS[task].labels for task in ("xnli", "udpos", "panx"))
from harness_tasks.bundle import CheckpointError
from harness_tasks.encoder_model import XtremeEncoder, is_bundle, parse_task_name
from harness_tasks.inference import embedding, loading, spans, tagging
from harness_tasks.tiny_encoder import build_tiny_encoder, build_tiny_head


def request(kind: str, task_name: str, args: tuple, doc_id: int = 0) -> Instance:
    return Instance(request_type=kind, doc={}, arguments=args, idx=0, metadata=(task_name, doc_id, 1))


# ---- step 1: builders ----------------------------------------------------------------------------
def test_tiny_encoder_is_deterministic_and_seeded(tmp_path):
    texts = ["alpha beta gamma", "北京是中国的首都。", "delta epsilon"]
    a = build_tiny_encoder(tmp_path / "a", texts, seed=3)
    b = build_tiny_encoder(tmp_path / "b", texts, seed=3)
    c = build_tiny_encoder(tmp_path / "c", texts, seed=4)
    wa, wb, wc = (load_file(str(p / "model.safetensors")) for p in (a, b, c))
    assert sorted(wa) == sorted(wb)
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert not all(torch.equal(wa[k], wc[k]) for k in wa)
    assert (a / "tokenizer.json").read_text() == (b / "tokenizer.json").read_text()
    config = json.loads((a / "config.json").read_text())
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"]) == (32, 2, 2)


def test_tiny_models_load_with_auto_classes(tiny_models):
    tokenizer = AutoTokenizer.from_pretrained(tiny_models.encoder)
    assert tokenizer.is_fast
    encoded = tokenizer("北京 test", return_offsets_mapping=True)
    assert encoded["offset_mapping"][1:3] == [(0, 1), (1, 2)]  # one CJK ideograph per token
    encoder = AutoModel.from_pretrained(tiny_models.encoder, use_safetensors=True)
    xnli = AutoModelForSequenceClassification.from_pretrained(tiny_models.head("xnli"), use_safetensors=True)
    assert xnli.config.id2label == dict(enumerate(XNLI_LABELS))
    udpos = AutoModelForTokenClassification.from_pretrained(tiny_models.head("udpos"), use_safetensors=True)
    assert udpos.config.id2label == dict(enumerate(UPOS_LABELS))
    squad = AutoModelForQuestionAnswering.from_pretrained(tiny_models.head("squad"), use_safetensors=True)
    # Heads carry the encoder's weights unchanged.
    for head in (xnli, udpos, squad):
        assert torch.equal(head.bert.embeddings.word_embeddings.weight, encoder.embeddings.word_embeddings.weight)
        assert torch.equal(head.bert.encoder.layer[1].output.dense.weight, encoder.encoder.layer[1].output.dense.weight)


def test_tiny_head_rejects_bad_kind_and_missing_labels(tiny_models, tmp_path):
    with pytest.raises(ValueError, match="unknown head kind 'regression'"):
        build_tiny_head(tiny_models.encoder, tmp_path / "x", "regression")
    with pytest.raises(ValueError, match="needs a non-empty label list"):
        build_tiny_head(tiny_models.encoder, tmp_path / "x", "token_classification")


# ---- step 2: the adapter -------------------------------------------------------------------------
def test_task_names_route_to_bundle_heads(tiny_models):
    assert parse_task_name("xtreme_bucc2018_de") == ("bucc2018", "de")
    with pytest.raises(ValueError, match="expected 'xtreme_<task>_<language>'"):
        parse_task_name("xnli_de")
    lm = XtremeEncoder(bundle=str(tiny_models.bundle), device="cuda:0")
    assert lm.device.type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert lm.path_for("xquad") == str(tiny_models.bundle / "squad")
    assert lm.path_for("mlqa") == str(tiny_models.bundle / "squad")
    assert lm.path_for("tatoeba") == str(tiny_models.bundle / "encoder")
    override = XtremeEncoder(bundle=str(tiny_models.bundle), xquad=str(tiny_models.head("tydiqa")))
    assert override.path_for("xquad") == str(tiny_models.head("tydiqa"))
    assert override.path_for("mlqa") == str(tiny_models.bundle / "squad")
    plain = XtremeEncoder(pretrained=str(tiny_models.encoder))
    assert plain.has_checkpoint_for("tatoeba") and not plain.has_checkpoint_for("xnli")
    with pytest.raises(ValueError, match="no checkpoint for task 'xnli'"):
        plain.classify([request("classify", "xtreme_xnli_de", ("a", "b"))])
    with pytest.raises(TypeError, match="unknown model_args \\['xnlii'\\]"):
        XtremeEncoder(xnlii="x")
    assert is_bundle(tiny_models.bundle) and not is_bundle(tiny_models.encoder)


def test_classify_matches_unbatched_forward_and_keeps_order(tiny_models):
    pairs = [("The dog runs.", "A dog is running fast today."), ("Hi", "Hello there, how are you doing?"),
             ("北京是中国的首都。", "北京"), ("x", "y")] * 2
    lm = XtremeEncoder(bundle=str(tiny_models.bundle), batch_size=3)
    # Interleave two tasks: answers must come back one-to-one, in request order.
    reqs = [request("classify", "xtreme_xnli_de" if i % 2 else "xtreme_pawsx_de", p, i) for i, p in enumerate(pairs)]
    got = lm.classify(reqs)
    for name in ("xnli", "pawsx"):
        tok = AutoTokenizer.from_pretrained(tiny_models.head(name))
        model = AutoModelForSequenceClassification.from_pretrained(tiny_models.head(name)).eval()
        for i, (s1, s2) in enumerate(pairs):
            if (name == "xnli") != bool(i % 2):
                continue
            with torch.inference_mode():
                logits = model(**tok(s1, s2, return_tensors="pt")).logits
            assert got[i] == model.config.id2label[int(logits.argmax())], (name, i)


def _direct_tags(folder, words):
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForTokenClassification.from_pretrained(folder).eval()
    enc = tok(words, is_split_into_words=True, return_tensors="pt")
    with torch.inference_mode():
        best = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.argmax(-1)[0]
    word_ids, tags, seen = enc.word_ids(), [], set()
    for position, w in enumerate(word_ids):
        if w is not None and w not in seen:
            seen.add(w)
            tags.append(model.config.id2label[int(best[position])])
    return tags


def test_tag_first_subtoken_matches_direct_forward(tiny_models):
    words = ["Der", "schnelle", "braune", "Fuchs", "springt", "."]
    lm = XtremeEncoder(bundle=str(tiny_models.bundle))
    got = lm.tag([request("tag", "xtreme_panx_de", (" ".join(words), words))])
    assert got == [_direct_tags(tiny_models.head("panx"), words)]
    assert set(got[0]) <= set(PANX_LABELS)


def test_tag_long_sentence_is_windowed_and_stitched(tiny_models):
    words = [f"word{i}" for i in range(150)] + ["北京是中国的首都", "\u200b"]  # the last one tokenizes to nothing
    lm = XtremeEncoder(bundle=str(tiny_models.bundle), max_length=16, batch_size=4)
    got = lm.tag([request("tag", "xtreme_udpos_en", (" ".join(words), words)),
                  request("tag", "xtreme_udpos_en", ("a b", ["a", "b"]), 1)])
    assert [len(t) for t in got] == [152, 2]
    # Windows hold whole words and never exceed the budget.
    windows = tagging.word_windows([3, 3, 3, 20, 1], budget=6)
    assert windows == [(0, 2), (2, 3), (3, 4), (4, 5)]
    # Each window of the stitched sentence equals the window tagged on its own.
    tok = AutoTokenizer.from_pretrained(tiny_models.head("udpos"))
    counts = [max(1, len(p)) for p in tok(words, add_special_tokens=False)["input_ids"]]
    start, end = tagging.word_windows(counts, 14)[1]
    alone = lm.tag([request("tag", "xtreme_udpos_en", ("", words[start:end]))])[0]
    assert got[0][start:end] == alone


class _PointingQA(torch.nn.Module):
    """A QA 'model' whose start logit peaks on one token id and end logit on another."""

    def __init__(self, config, start_id: int, end_id: int):
        super().__init__()
        self.config, self.start_id, self.end_id = config, start_id, end_id

    def forward(self, input_ids, attention_mask, **_):
        class Out:
            start_logits = (input_ids == self.start_id).float() * 10
            end_logits = (input_ids == self.end_id).float() * 10
        return Out


def test_extract_span_maps_offsets_back_to_a_zh_context(tiny_models):
    tok = AutoTokenizer.from_pretrained(tiny_models.head("squad"))
    config = AutoModelForQuestionAnswering.from_pretrained(tiny_models.head("squad")).config
    model = _PointingQA(config, tok.convert_tokens_to_ids("中"), tok.convert_tokens_to_ids("国"))
    context = "这是一个很长的句子，" * 8 + "北京是中国的首都。"
    question = "首都在哪里？"
    with torch.inference_mode():
        short = spans.extract_spans(tok, model, [(question, context)], max_length=128, doc_stride=64,
                                    max_query_tokens=64, max_answer_length=30, n_best=20, batch_size=2,
                                    device="cpu")
        # A small window forces several features: the answer sits in a later one.
        windowed = spans.extract_spans(tok, model, [(question, context), (question, "没有答案。")], max_length=24,
                                       doc_stride=8, max_query_tokens=64, max_answer_length=30, n_best=20,
                                       batch_size=2, device="cpu")
    assert short == ["中国"]
    # SQuAD v1.1 always answers: with flat logits the earliest one-token span wins the tie.
    assert windowed == ["中国", "没"]
    # Spans longer than max_answer_length or ending before they start are never chosen.
    # (1, 3) would score 14 but is 3 tokens long; (2, 1) would score 18 but ends before it starts.
    assert spans.best_span([0, 5, 0, 0], [0, 0, 0, 9], [1, 2, 3], n_best=3, max_answer_length=2) == (9, 2, 3)
    assert spans.best_span([0, 1, 9], [0, 9, 0], [1, 2], n_best=2, max_answer_length=5) == (10, 1, 1)


def test_extract_span_answers_are_context_substrings(tiny_models):
    context = "The quick brown fox jumps over the lazy dog near the river bank."
    lm = XtremeEncoder(bundle=str(tiny_models.bundle))
    got = lm.extract_span([request("extract_span", "xtreme_xquad_en", ("What jumps?", context)),
                           request("extract_span", "xtreme_tydiqa_en", ("Where?", context), 1)])
    assert len(got) == 2
    assert all(answer and answer in context for answer in got)
    # A question longer than the whole window budget is clipped, and a long context is windowed.
    short = XtremeEncoder(bundle=str(tiny_models.bundle), max_length=48)
    long_context = " ".join(f"w{i}" for i in range(300))
    (answer,) = short.extract_span([request("extract_span", "xtreme_xquad_en", (" ".join(["why"] * 80), long_context))])
    assert answer and answer in long_context


def test_embedding_layer_is_computed_without_upper_layers(tiny_models):
    tok = AutoTokenizer.from_pretrained(tiny_models.encoder)
    model = AutoModel.from_pretrained(tiny_models.encoder).eval()
    enc = tok(["a short one", "a somewhat longer sentence here"], padding=True, return_tensors="pt")
    with torch.inference_mode():
        full = model(**enc, output_hidden_states=True).hidden_states
        calls = []
        handle = model.encoder.layer[1].register_forward_hook(lambda *a: calls.append(1))
        for n in (0, 1):
            got = embedding.hidden_at_layer(model, enc["input_ids"], enc["attention_mask"], n)
            assert torch.allclose(got, full[n], atol=1e-6), n
        assert calls == []  # layer 1 (the upper one) never ran for layers 0 and 1
        top = embedding.hidden_at_layer(model, enc["input_ids"], enc["attention_mask"], 2)
        assert calls == [1] and torch.allclose(top, full[2], atol=1e-6)
        handle.remove()
    with pytest.raises(ValueError, match="layer 3 out of range"):
        embedding.hidden_at_layer(model, enc["input_ids"], enc["attention_mask"], 3)


def test_embed_mean_and_cls_pooling_match_numpy(tiny_models):
    texts = ["Der Hund läuft.", "北京是中国的首都。", "x"]
    tok = AutoTokenizer.from_pretrained(tiny_models.encoder)
    model = AutoModel.from_pretrained(tiny_models.encoder).eval()
    for pooling in ("mean", "cls"):
        lm = XtremeEncoder(encoder=str(tiny_models.encoder), layer=1, pooling=pooling, batch_size=2)
        got = lm.embed([request("embed", "xtreme_tatoeba_de", (t,), i) for i, t in enumerate(texts)])
        for text, vector in zip(texts, got):
            with torch.inference_mode():
                hidden = model(**tok(text, return_tensors="pt"), output_hidden_states=True).hidden_states[1][0]
            expected = hidden.mean(0).numpy() if pooling == "mean" else hidden[0].numpy()
            np.testing.assert_allclose(vector, expected, rtol=1e-5, atol=1e-6)
    default = XtremeEncoder(encoder=str(tiny_models.encoder))
    default.embed([request("embed", "xtreme_tatoeba_de", ("x",))])
    assert list(default.used_layers.values()) == [
        {"layer": 1, "why": "middle layer (num_hidden_layers // 2): our default", "pooling": "mean"}]


def test_default_layers_are_the_published_ones():
    class Config:
        def __init__(self, model_type, layers, vocab):
            self.model_type, self.num_hidden_layers, self.vocab_size = model_type, layers, vocab

    assert embedding.default_layer(Config("bert", 12, 119547)) == (8, "published XTREME setting")
    assert embedding.default_layer(Config("xlm-roberta", 24, 250002)) == (14, "published XTREME setting")
    assert embedding.default_layer(Config("xlm-roberta", 12, 250002))[0] == 6


def test_pickled_weights_need_allow_pickle(tiny_models, tmp_path):
    folder = tmp_path / "pickled"
    shutil.copytree(tiny_models.encoder, folder)
    model = AutoModel.from_pretrained(folder)
    (folder / "model.safetensors").unlink()
    torch.save(model.state_dict(), folder / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match="pass --allow-pickle .* only for checkpoints you trust"):
        loading.load_model(str(folder), "encoder", device=torch.device("cpu"), dtype=torch.float32)
    _, loaded = loading.load_model(str(folder), "encoder", device=torch.device("cpu"), dtype=torch.float32,
                                   allow_pickle=True)
    assert torch.equal(loaded.embeddings.word_embeddings.weight, model.embeddings.word_embeddings.weight)


def test_cpu_refuses_half_precision_and_cuda_falls_back():
    if not torch.cuda.is_available():
        assert loading.pick_device("cuda:0") == torch.device("cpu")
        assert loading.pick_dtype("bf16", torch.device("cpu")) == torch.float32
    assert loading.pick_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="dtype 'int8'"):
        loading.pick_dtype("int8", torch.device("cpu"))


def test_prediction_cache_resumes_without_running_the_model(tiny_models, tmp_path, monkeypatch):
    reqs = [request("embed", "xtreme_tatoeba_de", (t,), i) for i, t in enumerate(["a b", "c d e"])]
    first = XtremeEncoder(encoder=str(tiny_models.encoder), cache_dir=str(tmp_path)).embed(reqs)
    assert len(list(tmp_path.glob("xtreme_tatoeba_de.embed.*.npy"))) == 1

    def fail(*_args, **_kwargs):
        raise AssertionError("the model ran although predictions were cached")

    monkeypatch.setattr(embedding, "embed_texts", fail)
    second = XtremeEncoder(encoder=str(tiny_models.encoder), cache_dir=str(tmp_path)).embed(reqs)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    # Other data (or another layer) is a different key: it must run, and here it fails loudly.
    with pytest.raises(AssertionError, match="the model ran"):
        XtremeEncoder(encoder=str(tiny_models.encoder), cache_dir=str(tmp_path), layer=2).embed(reqs)


def test_embedding_cache_runs_no_forward_pass_for_texts_already_embedded(tiny_models, tmp_path, monkeypatch):
    calls: list[list[str]] = []
    real = embedding.embed_texts

    def counting(tokenizer, model, texts, **kwargs):
        calls.append(list(texts))
        return real(tokenizer, model, texts, **kwargs)

    monkeypatch.setattr(embedding, "embed_texts", counting)
    texts = ["a b", "c d e", "a b"]
    uncached = XtremeEncoder(encoder=str(tiny_models.encoder), layer=1).embed(
        [request("embed", "xtreme_tatoeba_de", (t,), i) for i, t in enumerate(texts)])
    calls.clear()
    lm = XtremeEncoder(encoder=str(tiny_models.encoder), layer=1, cache_dir=str(tmp_path))
    first = lm.embed([request("embed", "xtreme_tatoeba_de", (t,), i) for i, t in enumerate(texts)])
    assert calls == [["a b", "c d e"]]  # distinct texts only, in first-occurrence order
    assert len(list((tmp_path / "embeddings" / "v1").glob("*/*/meta.json"))) == 1
    # Bit-identical to the uncached path: the cache stores embed_texts' float32 output unchanged.
    assert all(np.array_equal(a, b) for a, b in zip(first, uncached, strict=True))

    # Another task name misses the prediction cache (keyed by task); the embedding cache is keyed by
    # text, so only the new text reaches the model, and a fresh adapter reads what the first one wrote.
    calls.clear()
    again = XtremeEncoder(encoder=str(tiny_models.encoder), layer=1, cache_dir=str(tmp_path))
    second = again.embed([request("embed", "xtreme_tatoeba_fr", (t,), i)
                          for i, t in enumerate(["c d e", "a b", "f g"])])
    assert calls == [["f g"]]
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[1], first[0])
    assert again.info()["embedding"]["cache"] == {"folder": str(tmp_path / "embeddings"), "hits": 2, "computed": 1}

    # The layer is part of the key: another layer embeds everything again, in a namespace of its own.
    calls.clear()
    XtremeEncoder(encoder=str(tiny_models.encoder), layer=2, cache_dir=str(tmp_path)).embed(
        [request("embed", "xtreme_tatoeba_de", (t,), i) for i, t in enumerate(texts)])
    assert calls == [["a b", "c d e"]]
    assert len(list((tmp_path / "embeddings" / "v1").glob("*/*/meta.json"))) == 2
