"""Sentence retrieval (Tatoeba) as lm-eval tasks: one ``embed`` request per sentence of both sides.

Each English line retrieves its nearest non-English sentence (cosine, top 1), as the reference does.
"""

from __future__ import annotations

import numpy as np

from harness_tasks.tasks import XtremeTaskError
from harness_tasks.tasks.families import register
from harness_tasks.tasks.xtreme_task import XtremeTask, stack_vectors


@register
class SentenceRetrievalTask(XtremeTask):
    """The retrieved line for each English line, in the English file's order; scored as top-1 accuracy."""

    FAMILY = "sentence_retrieval"
    REQUEST_TYPE = "embed"
    NEEDS_EVERY_DOC = True
    UNIT = "sentence"

    def make_docs(self):
        self.corpus = self.load_records()
        docs = [{"side": "src", "position": i, "text": t, "gold": None} for i, t in enumerate(self.corpus.source)]
        docs += [{"side": "tgt", "position": i, "text": t, "gold": None} for i, t in enumerate(self.corpus.target)]
        return docs

    def arguments(self, doc):
        return (doc["text"],)

    def item(self, doc, prediction):
        return (doc["side"], doc["position"], prediction)

    def summarize(self, items):
        from evaluators.retrieval import tatoeba_top1

        emb: dict[str, dict[int, np.ndarray]] = {"src": {}, "tgt": {}}
        for side, position, vector in items:
            emb[side][position] = vector
        n_src, n_tgt = len(self.corpus.source), len(self.corpus.target)
        if len(emb["src"]) != n_src or len(emb["tgt"]) != n_tgt:
            raise XtremeTaskError(f"{self.config.task}: {self.spec.title} needs every sentence embedded "
                                  f"({len(emb['src'])}/{n_src} source, {len(emb['tgt'])}/{n_tgt} English); do not use --limit")
        src = stack_vectors([emb["src"][i] for i in range(n_src)])
        tgt = stack_vectors([emb["tgt"][i] for i in range(n_tgt)])
        predicted = [int(i) for i in tatoeba_top1(tgt, src)]  # English queries, as the reference
        del src, tgt  # copies of the vectors: gone before scoring
        gold = None if self.corpus.gold is None else [int(g) for g in self.corpus.gold]
        return self.scored(gold, predicted)
