"""Pair classification (XNLI, PAWS-X) as lm-eval tasks: one ``classify`` request per sentence pair."""

from __future__ import annotations

from harness_tasks.tasks.families import register
from harness_tasks.tasks.xtreme_task import XtremeTask


@register
class PairClassificationTask(XtremeTask):
    """The head's label for each pair; scored as accuracy over the labels (evaluators.families)."""

    FAMILY = "pair_classification"
    REQUEST_TYPE = "classify"

    def make_docs(self):
        return [{"id": r.id, "index": i, "sentence1": r.sentence1, "sentence2": r.sentence2,
                 "text": f"{r.sentence1}\t{r.sentence2}", "gold": r.label}
                for i, r in enumerate(self.load_records())]

    def arguments(self, doc):
        return (doc["sentence1"], doc["sentence2"])

    def item(self, doc, prediction):
        return (doc["index"], doc["gold"], prediction)

    def summarize(self, items):
        return self.scored(*self.in_order(items))
