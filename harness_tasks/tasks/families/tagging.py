"""Tagging (UD-POS, PAN-X) as lm-eval tasks: one ``tag`` request per sentence, one tag per word back."""

from __future__ import annotations

from harness_tasks.tasks.families import register
from harness_tasks.tasks.xtreme_task import XtremeTask


@register
class TaggingTask(XtremeTask):
    """Chunk F1, precision and recall in the chosen tagging mode (noted), and token accuracy."""

    FAMILY = "tagging"
    REQUEST_TYPE = "tag"
    EXTRA_METRICS = ("token_accuracy",)
    UNIT = "sentence"

    def make_docs(self):
        return [{"id": r.id, "index": i, "tokens": list(r.tokens), "text": " ".join(r.tokens),
                 "gold": None if r.tags is None else list(r.tags)}
                for i, r in enumerate(self.load_records())]

    def doc_to_target(self, doc, doc_to_target=None):
        return "" if doc.get("gold") is None else " ".join(doc["gold"])

    def arguments(self, doc):
        return (doc["text"], list(doc["tokens"]))

    def item(self, doc, prediction):
        if len(prediction) != len(doc["tokens"]):
            raise AssertionError(f"{self.config.task} sentence {doc['id']}: {len(doc['tokens'])} words "
                                 f"but {len(prediction)} predicted tags")
        return (doc["index"], doc["gold"], list(prediction))

    def summarize(self, items):
        gold, predictions = self.in_order(items)
        mode = self.settings["tagging_mode"]
        return self.scored(None if gold is None else [list(g) for g in gold], predictions,
                           notes=[f"tagging mode {mode}"] if gold is not None else [])
