"""Documented, seeded subsets of BUCC 2018 for CPU and CI runs.

Encoding all of XTREME's BUCC (about 2.66M sentences over de/fr/ru/zh, test + dev) takes about 31 hours
for a base-size model on 2 CPU cores. A subset keeps every gold pair and adds a stated number of
non-gold "distractor" sentences per side, so mining is still a search among many candidates, but F1 on
a subset is NOT comparable with full-corpus (published) F1: fewer distractors make mining easier. Every
result must therefore name its subset: record ``subset.describe()``.

Which sentences ``bucc_subset(corpus, n_distractors, seed)`` keeps, on each side separately:

1. gold sentences: every sentence whose id occurs in a gold pair on that side, and also every other
   sentence with exactly the same text as one of them (so a gold text repeated under several ids stays
   repeated, and the duplicate policy treats it as on the full corpus);
2. distractors: ``n_distractors`` of the remaining sentences, drawn without replacement: each remaining
   sentence is ranked by sha256("{seed}\\t{side}\\t{id}") (side = "source" / "target") and the lowest
   ranks are taken. Drawing by hash, not by a library's random generator, gives the same subset on any
   platform and library version, keeps each sentence's chance independent of corpus order, and nests:
   for one seed the 1,000-distractor subset is contained in the 20,000 one. When fewer remain than
   asked, all are kept and ``describe()`` shows the shortfall.

Kept sentences stay in corpus order, with their ids, and gold is unchanged. The result is a
BitextSubset, a BitextCorpus (everything that reads one works unchanged) that also carries describe().

Presets (``bucc_preset(corpus, name, seed=0)``):

| name | sentences per side | use |
|------|--------------------|-----|
| full | all | published-comparable numbers (about 31 h for a base model on 2 CPU cores) |
| ci   | gold + 1,000 distractors | CI gates on the sample data and quick checks |
| cpu  | gold + 20,000 distractors | a CPU evaluation of a real checkpoint within hours |

Expected size and encode time for XTREME's BUCC test split (the BUCC 2017/2018 training data, about
2.66M sentences): sentences = sum over languages of 2 x (gold + n_distractors). The gold counts used
here are APPROXIMATE and UNVERIFIED (recalled, not read from the data files or checked against the
BUCC shared-task overview papers, Zweigenbaum et al. 2017/2018): about de 9.6k, fr 9.1k, ru 14.4k,
zh 1.9k pairs, giving ci about 78k and cpu about 230k sentences. The dev split (BUCC's sample data,
about a tenth of the size, gold roughly 4.6k pairs in all, equally unverified) adds at most 17k (ci)
and 170k (cpu), less where a dev side has fewer sentences than asked. For exact figures count the lines
of the ``*.gold`` files, or read ``describe()["gold_pairs"]`` from a run's results.json.

Measured on this machine (2 cores, load about 1, 2026-11-22): a BERT-base-shaped model (12 layers,
hidden 768) stopping at layer 8 encodes 30 sentences/s with embed_texts as it was then, with 32
sentences per batch (the token-budget batching shipped since is faster; the figure came from
``python benchmarks/bench_encoder.py --shape base --rate-only --sentences 256``), so test + dev took
about: full 27 h (the issue's 31 h at 24/s), cpu 2-3.7 h, ci about 50 min.
A large model (hidden 1024, stopping at layer 14) costs about 3x as much per sentence (layers x hidden^2).
Other processes on the machine slow all of this down in proportion to the load they add.

Fit the BUCC threshold on a dev subset and apply it to a test subset drawn with the same preset: the
margin score depends on each sentence's nearest neighbours, so it shifts with the number of distractors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from harness_tasks.records import BitextCorpus

PRESETS: dict[str, int | None] = {"full": None, "ci": 1_000, "cpu": 20_000}


@dataclass(frozen=True)
class BitextSubset(BitextCorpus):
    """A BitextCorpus that knows which subset of which corpus it is."""

    subset: str = "full"  # "full" or "gold+distractors"
    preset: str | None = None  # the preset's name when made by bucc_preset
    n_distractors: int | None = None  # requested per side; None for "full"
    seed: int | None = None
    full_source_sentences: int = 0
    full_target_sentences: int = 0
    source_distractors: int = 0  # kept on the source side (less than requested when too few remain)
    target_distractors: int = 0

    def describe(self) -> dict:
        """What was scored, for the results file."""
        return {
            "subset": self.subset,
            "preset": self.preset,
            "n_distractors": self.n_distractors,
            "seed": self.seed,
            "language": self.language,
            "split": self.split,
            "source_sentences": len(self.source_ids),
            "target_sentences": len(self.target_ids),
            "full_source_sentences": self.full_source_sentences,
            "full_target_sentences": self.full_target_sentences,
            "source_distractors": self.source_distractors,
            "target_distractors": self.target_distractors,
            "gold_pairs": None if self.gold is None else len(self.gold),
        }

    def describe_text(self) -> str:
        d = self.describe()
        if d["subset"] == "full":
            return (f"bucc2018 {d['language']}-en {d['split']}: full corpus "
                    f"({d['source_sentences']:,} + {d['target_sentences']:,} sentences)")
        return (f"bucc2018 {d['language']}-en {d['split']}: gold + {d['n_distractors']:,} distractors per side, "
                f"seed {d['seed']} ({d['source_sentences']:,} of {d['full_source_sentences']:,} source and "
                f"{d['target_sentences']:,} of {d['full_target_sentences']:,} target sentences; "
                f"{d['source_distractors']:,}/{d['target_distractors']:,} distractors kept); "
                "F1 not comparable with full-corpus numbers")


def _rank(seed: int, side: str, sid: str) -> bytes:
    return hashlib.sha256(f"{seed}\t{side}\t{sid}".encode("utf-8")).digest()


def _keep(ids, sentences, gold_ids: set[str], n: int, seed: int, side: str) -> tuple[list[int], int]:
    gold_texts = {text for sid, text in zip(ids, sentences) if sid in gold_ids}
    anchored = {i for i, text in enumerate(sentences) if text in gold_texts}
    rest = [i for i in range(len(ids)) if i not in anchored]
    # Ties in the hash are impossible in practice; the id breaks them anyway, so the order is total.
    drawn = sorted(rest, key=lambda i: (_rank(seed, side, ids[i]), ids[i]))[:n]
    return sorted(anchored | set(drawn)), len(drawn)


def _full(corpus: BitextCorpus, preset: str | None) -> BitextSubset:
    return BitextSubset(
        language=corpus.language, split=corpus.split,
        source_ids=corpus.source_ids, source_sentences=corpus.source_sentences,
        target_ids=corpus.target_ids, target_sentences=corpus.target_sentences, gold=corpus.gold,
        subset="full", preset=preset,
        full_source_sentences=len(corpus.source_ids), full_target_sentences=len(corpus.target_ids),
    )


def bucc_subset(corpus: BitextCorpus, n_distractors: int, seed: int, *, preset: str | None = None) -> BitextSubset:
    """All gold sentences plus ``n_distractors`` seeded non-gold sentences per side (module docstring)."""
    if isinstance(n_distractors, bool) or not isinstance(n_distractors, int) or n_distractors < 0:
        raise ValueError(f"n_distractors must be a non-negative int, got {n_distractors!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an int, got {seed!r}")
    if corpus.gold is None:
        raise ValueError(f"bucc2018 {corpus.language}-en {corpus.split} has no gold pairs, so no gold+distractors "
                         "subset can be drawn; score the full corpus (preset 'full') or use a split with gold")
    src, src_n = _keep(corpus.source_ids, corpus.source_sentences, {s for s, _ in corpus.gold},
                       n_distractors, seed, "source")
    tgt, tgt_n = _keep(corpus.target_ids, corpus.target_sentences, {t for _, t in corpus.gold},
                       n_distractors, seed, "target")
    return BitextSubset(
        language=corpus.language, split=corpus.split,
        source_ids=tuple(corpus.source_ids[i] for i in src),
        source_sentences=tuple(corpus.source_sentences[i] for i in src),
        target_ids=tuple(corpus.target_ids[i] for i in tgt),
        target_sentences=tuple(corpus.target_sentences[i] for i in tgt),
        gold=corpus.gold,
        subset="gold+distractors", preset=preset, n_distractors=n_distractors, seed=seed,
        full_source_sentences=len(corpus.source_ids), full_target_sentences=len(corpus.target_ids),
        source_distractors=src_n, target_distractors=tgt_n,
    )


def bucc_preset(corpus: BitextCorpus, name: str, seed: int = 0) -> BitextSubset:
    """The named preset ("full", "ci", "cpu"; see PRESETS) of ``corpus``."""
    if name not in PRESETS:
        raise ValueError(f"unknown BUCC subset preset {name!r}; expected one of {', '.join(PRESETS)}")
    n = PRESETS[name]
    if n is None:
        return _full(corpus, name)
    return bucc_subset(corpus, n, seed, preset=name)
