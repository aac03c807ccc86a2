"""Extractive QA (XQuAD, MLQA, TyDiQA-GoldP) as lm-eval tasks: one ``extract_span`` request per question.

How answers are compared (SQuAD v1.1's normalisation, or MLQA's language-aware one) is the scoring
family's, read from the task's declaration: nothing here depends on which task it is.
"""

from __future__ import annotations

from harness_tasks.tasks.families import register
from harness_tasks.tasks.xtreme_task import XtremeTask


@register
class SpanQATask(XtremeTask):
    """Exact match and F1 per question; the headline is (EM + F1) / 2."""

    FAMILY = "span_qa"
    REQUEST_TYPE = "extract_span"
    UNIT = "question"

    def make_docs(self):
        return [{"id": r.id, "index": i, "question": r.question, "context": r.context, "text": r.question,
                 "gold": None, "answers": [a.text for a in r.answers]}
                for i, r in enumerate(self.load_records())]

    def doc_to_target(self, doc, doc_to_target=None):
        return " | ".join(doc["answers"])

    def arguments(self, doc):
        return (doc["question"], doc["context"])

    def item(self, doc, prediction):
        return (doc["index"], doc["id"], list(doc["answers"]), prediction)

    def summarize(self, items):
        items.sort(key=lambda x: x[0])
        predictions = {qid: p for _, qid, _, p in items}
        # The raw layout's unlabelled files keep questions but drop answers.
        labelled = any(answers for _, _, answers, _ in items)
        return self.scored({qid: a for _, qid, a, _ in items} if labelled else None, predictions)
