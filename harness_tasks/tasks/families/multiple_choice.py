"""Multiple choice (XCOPA) as lm-eval tasks: one ``choose`` request per example, the chosen index back.

A request carries the prompt and the choices: ``(prompt, [choice, ...])``, the prompt made as the
benchmark's run_xcopa.py makes it (harness_tasks.readers.multiple_choice.choice_prompt: COPA asks
"What was the cause?" in English whatever the language). The model scores each (prompt, choice) pair
with the task's multiple-choice head and answers with the index of the best one; the index, as text,
is the label the scoring family compares and writes (``{"label": 1}``).
"""

from __future__ import annotations

from harness_tasks.tasks.families import register
from harness_tasks.tasks.xtreme_task import XtremeTask


@register
class MultipleChoiceTask(XtremeTask):
    """The chosen answer's index for each example; scored as accuracy (evaluators.families.multiple_choice)."""

    FAMILY = "multiple_choice"
    REQUEST_TYPE = "choose"

    def make_docs(self):
        from harness_tasks.readers.multiple_choice import choice_prompt

        return [{"id": r.id, "index": i, "text": choice_prompt(r), "choices": list(r.choices),
                 "gold": None if r.label is None else str(r.label)}
                for i, r in enumerate(self.load_records())]

    def arguments(self, doc):
        return (doc["text"], list(doc["choices"]))

    def item(self, doc, prediction):
        if not 0 <= prediction < len(doc["choices"]):
            raise AssertionError(f"{self.config.task} example {doc['id']}: chose {prediction!r} of "
                                 f"{len(doc['choices'])} choices")
        return (doc["index"], doc["gold"], str(prediction))

    def summarize(self, items):
        return self.scored(*self.in_order(items))
