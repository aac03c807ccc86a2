"""Bitext mining (BUCC 2018) as lm-eval tasks: one ``embed`` request per sentence of both sides.

The margin threshold is fitted on the dev split's gold and applied unchanged to the test split
(split=test, the default); with split=dev it is fitted and applied on dev (in-sample, noted). Mining
is the corpus-level work that must run once: see XtremeTask.summary.
"""

from __future__ import annotations

import numpy as np

from harness_tasks.tasks import XtremeTaskError
from harness_tasks.tasks.families import register
from harness_tasks.tasks.xtreme_task import XtremeTask, stack_vectors


@register
class BitextMiningTask(XtremeTask):
    """Mined (source id, target id) pairs; scored as F1, precision and recall against the gold pairs."""

    FAMILY = "bitext_mining"
    REQUEST_TYPE = "embed"
    NEEDS_EVERY_DOC = True
    UNIT = "sentence"

    @classmethod
    def splits_read(cls, split: str) -> list[str]:
        return list(dict.fromkeys([split, "dev"]))  # dev: where the threshold is fitted

    def subset(self, corpus):
        """``corpus`` cut to the subset named in metadata; dev and test get the same preset and seed, since
        the margin threshold fitted on dev shifts with the number of distractors."""
        from harness_tasks.bucc_subsets import bucc_preset, bucc_subset

        seed = int(self.meta.get("bucc_seed") or 0)
        distractors = self.meta.get("bucc_distractors")
        name = self.meta.get("bucc_subset") or "full"
        if distractors not in (None, ""):
            if name != "full":
                raise XtremeTaskError(f"{self.config.task}: give bucc_subset ({name!r}) or bucc_distractors, not both")
            return bucc_subset(corpus, int(distractors), seed)
        return bucc_preset(corpus, name, seed)

    def make_docs(self):
        self.corpora = {"dev": self.subset(self.load_records("dev"))}
        if self.split != "dev":
            self.corpora[self.split] = self.subset(self.load_records(self.split))
        docs = []
        for split, corpus in self.corpora.items():
            for side, ids, texts in (("src", corpus.source_ids, corpus.source_sentences),
                                     ("tgt", corpus.target_ids, corpus.target_sentences)):
                docs.extend({"split": split, "side": side, "position": i, "id": sid, "text": text, "gold": None}
                            for i, (sid, text) in enumerate(zip(ids, texts)))
        return docs

    def arguments(self, doc):
        return (doc["text"],)

    def item(self, doc, prediction):
        return (doc["split"], doc["side"], doc["position"], prediction)

    def candidates(self, corpus, src_emb: np.ndarray, tgt_emb: np.ndarray):
        from evaluators.mining import mine_bitext, pairs_to_ids, unique_texts

        policy = self.settings["bucc_duplicates"]
        sides = []
        for ids, texts, emb in ((corpus.source_ids, corpus.source_sentences, src_emb),
                                (corpus.target_ids, corpus.target_sentences, tgt_emb)):
            unique = unique_texts(ids, texts)
            # One embedding per distinct text: the first occurrence's (identical texts embed identically).
            _, first = np.unique(unique.inverse, return_index=True)
            sides.append((unique, emb[first]))
        (src_u, src_e), (tgt_u, tgt_e) = sides
        return pairs_to_ids(mine_bitext(src_e, tgt_e, k=4), src_u, tgt_u, duplicates=policy), policy

    def summarize(self, items):
        from evaluators.mining import apply_threshold, fit_threshold

        emb: dict[tuple[str, str], dict[int, np.ndarray]] = {}
        for split, side, position, vector in items:
            emb.setdefault((split, side), {})[position] = vector
        for split, corpus in self.corpora.items():
            for side, n in (("src", len(corpus.source_ids)), ("tgt", len(corpus.target_ids))):
                if len(emb.get((split, side), {})) != n:
                    raise XtremeTaskError(f"{self.config.task}: {self.spec.title} needs every sentence embedded "
                                          f"({split} {side}: {len(emb.get((split, side), {}))} of {n}); do not use --limit")

        def matrix(split, side):  # built when mined and dropped after: the samples hold the vectors already
            block = emb[(split, side)]
            return stack_vectors([block[i] for i in range(len(block))])

        dev = self.corpora["dev"]
        if dev.gold is None:
            raise XtremeTaskError(f"{self.config.task}: the dev split has no gold pairs, so no threshold can be fitted")
        dev_candidates, policy = self.candidates(dev, matrix("dev", "src"), matrix("dev", "tgt"))
        fit = fit_threshold([(s, t, c) for s, t, c in dev_candidates], dev.gold)
        target = self.corpora[self.split]
        if self.split == "dev":
            candidates = dev_candidates
        else:
            candidates, _ = self.candidates(target, matrix(self.split, "src"), matrix(self.split, "tgt"))
        predicted = [tuple(p) for p in apply_threshold([(s, t, c) for s, t, c in candidates], fit.threshold)]
        notes = [f"threshold {fit.threshold!r} fitted on dev gold (dev F1 {fit.f1 * 100:.2f})",
                 f"duplicates policy {policy}"]
        notes += [c.describe_text() for c in self.corpora.values() if c.subset != "full"]
        if self.split == "dev":
            notes.append("scored on the split the threshold was fitted on (in-sample)")
        # What was scored, per split ("full" included), for results.json's xtreme section.
        record = {"bucc_subset": {split: corpus.describe() for split, corpus in self.corpora.items()}}
        # Sorted, as the label files list the gold pairs: outcomes then come in the files' order.
        gold = None if target.gold is None else sorted(target.gold)
        return self.scored(gold, predicted, notes=notes, record=record)
