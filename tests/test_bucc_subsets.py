"""BUCC subsets: gold kept, exact distractor counts, seeded and nested draws, ids and order preserved."""

from __future__ import annotations

import pytest

from harness_tasks.bucc_subsets import PRESETS, BitextSubset, bucc_preset, bucc_subset
from harness_tasks.readers import load_split
from harness_tasks.records import BitextCorpus


def corpus(n_src: int = 50, n_tgt: int = 60, n_gold: int = 5) -> BitextCorpus:
    return BitextCorpus(
        language="de", split="dev",
        source_ids=tuple(f"de-{i:03d}" for i in range(n_src)),
        source_sentences=tuple(f"Satz {i}" for i in range(n_src)),
        target_ids=tuple(f"en-{i:03d}" for i in range(n_tgt)),
        target_sentences=tuple(f"sentence {i}" for i in range(n_tgt)),
        gold=frozenset((f"de-{10 * i:03d}", f"en-{10 * i + 1:03d}") for i in range(n_gold)),
    )


def test_gold_kept_exact_counts_and_corpus_order():
    full = corpus()
    sub = bucc_subset(full, 7, seed=0)
    assert isinstance(sub, BitextCorpus) and isinstance(sub, BitextSubset)
    assert {s for s, _ in full.gold} <= set(sub.source_ids)
    assert {t for _, t in full.gold} <= set(sub.target_ids)
    assert sub.gold == full.gold
    assert (len(sub.source_ids), len(sub.target_ids)) == (5 + 7, 5 + 7)
    # Ids keep their sentences and the corpus order.
    assert list(sub.source_ids) == sorted(sub.source_ids)
    assert all(full.source_sentences[full.source_ids.index(sid)] == text
               for sid, text in zip(sub.source_ids, sub.source_sentences))
    assert all(full.target_sentences[full.target_ids.index(sid)] == text
               for sid, text in zip(sub.target_ids, sub.target_sentences))


def test_seeded_determinism_and_nesting():
    full = corpus()
    a, b = bucc_subset(full, 7, seed=3), bucc_subset(full, 7, seed=3)
    assert a == b
    other = bucc_subset(full, 7, seed=4)
    assert other.source_ids != a.source_ids
    bigger = bucc_subset(full, 20, seed=3)
    assert set(a.source_ids) < set(bigger.source_ids) and set(a.target_ids) < set(bigger.target_ids)
    # The draw is by id, not by position: reversing the corpus keeps the same sentences.
    flipped = BitextCorpus(language="de", split="dev",
                           source_ids=full.source_ids[::-1], source_sentences=full.source_sentences[::-1],
                           target_ids=full.target_ids[::-1], target_sentences=full.target_sentences[::-1],
                           gold=full.gold)
    assert set(bucc_subset(flipped, 7, seed=3).source_ids) == set(a.source_ids)


def test_texts_equal_to_gold_texts_come_along_and_shortfall_is_reported():
    base = corpus(n_src=8, n_tgt=8, n_gold=1)  # gold ("de-000", "en-001")
    sentences = list(base.source_sentences)
    sentences[5] = sentences[0]  # de-005 repeats the gold source text
    dup = BitextCorpus(language="de", split="dev", source_ids=base.source_ids, source_sentences=tuple(sentences),
                       target_ids=base.target_ids, target_sentences=base.target_sentences, gold=base.gold)
    sub = bucc_subset(dup, 0, seed=0)
    assert sub.source_ids == ("de-000", "de-005")
    assert sub.target_ids == ("en-001",)
    everything = bucc_subset(dup, 100, seed=0)
    assert (everything.source_distractors, everything.target_distractors) == (6, 7)
    assert (len(everything.source_ids), len(everything.target_ids)) == (8, 8)


def test_describe_records_what_was_scored():
    sub = bucc_preset(corpus(n_src=1500, n_tgt=1600), "ci", seed=0)
    assert sub.describe() == {
        "subset": "gold+distractors", "preset": "ci", "n_distractors": 1000, "seed": 0,
        "language": "de", "split": "dev",
        "source_sentences": 1005, "target_sentences": 1005,
        "full_source_sentences": 1500, "full_target_sentences": 1600,
        "source_distractors": 1000, "target_distractors": 1000, "gold_pairs": 5,
    }
    assert sub.describe_text() == (
        "bucc2018 de-en dev: gold + 1,000 distractors per side, seed 0 (1,005 of 1,500 source and 1,005 of "
        "1,600 target sentences; 1,000/1,000 distractors kept); F1 not comparable with full-corpus numbers")
    full = bucc_preset(corpus(), "full")
    assert full.describe()["subset"] == "full" and full.n_distractors is None
    assert (full.source_ids, full.target_ids) == (corpus().source_ids, corpus().target_ids)
    assert PRESETS == {"full": None, "ci": 1000, "cpu": 20000}


def test_sample_data_subset():
    dev = load_split("bucc2018", "de", "dev", None)
    sub = bucc_subset(dev, 2, seed=0)
    gold_src, gold_tgt = {s for s, _ in dev.gold}, {t for _, t in dev.gold}
    assert set(sub.source_ids) - gold_src <= set(dev.source_ids) - gold_src
    assert sub.source_distractors == 2 and sub.target_distractors == 2
    assert len(sub.source_ids) == len(gold_src | {i for i, t in zip(dev.source_ids, dev.source_sentences)
                                                  if t in {dev.source_sentences[dev.source_ids.index(g)]
                                                           for g in gold_src}}) + 2


def test_errors():
    no_gold = BitextCorpus(language="de", split="test", source_ids=("a",), source_sentences=("x",),
                           target_ids=("b",), target_sentences=("y",), gold=None)
    with pytest.raises(ValueError, match="has no gold pairs"):
        bucc_subset(no_gold, 10, seed=0)
    assert bucc_preset(no_gold, "full").source_ids == ("a",)
    with pytest.raises(ValueError, match="unknown BUCC subset preset 'tiny'"):
        bucc_preset(corpus(), "tiny")
    with pytest.raises(ValueError, match="n_distractors must be a non-negative int"):
        bucc_subset(corpus(), -1, seed=0)
    with pytest.raises(ValueError, match="seed must be an int"):
        bucc_subset(corpus(), 5, seed="0")
