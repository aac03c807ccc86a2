"""Cross-lingual answer retrieval (LAReQA on XQuAD-R) as one lm-eval task over its languages: each question
ranks the sentences of every language's paragraphs at once.

As the benchmark's evaluate_retrieval.py: a question is embedded as its text, a candidate as its sentence
followed by its paragraph with line breaks removed (``(sentence + context).replace("\\n", "")``). The pool
is every language the data holds, whichever languages are asked (readers.answer_retrieval); a pool short of
XQuAD-R's eleven is noted, since its scores are then not the benchmark's. The task score is mAP@20 pooled
over the questions of every language asked (``TaskSpec.average = "pooled"``); each language's own mAP@20
is its part.
"""

from __future__ import annotations

from harness_tasks.tasks import XtremeTaskError
from harness_tasks.tasks.dual_encoder import (
    DualEncoderRetrievalTask,
    RetrievalSet,
    absent_note,
)
from harness_tasks.tasks.families import register


@register
class AnswerRetrievalTask(DualEncoderRetrievalTask):
    """Each question's 20 nearest candidate sentences (any language), best first, per question language."""

    FAMILY = "answer_retrieval"

    def retrieval_set(self) -> RetrievalSet:
        corpora, absent = self.load_languages()
        pool = next(iter(corpora.values()))
        for language, corpus in corpora.items():
            if corpus.candidates.ids != pool.candidates.ids:
                raise XtremeTaskError(f"{self.config.task}: the {language} questions come with another candidate "
                                      f"pool than the {pool.language} ones; every language must share one")
        notes = absent_note(absent)
        declared = self.spec.all_languages
        if pool.absent_languages:
            notes.append(f"the candidate pool holds {len(pool.languages)} of the {len(declared)} languages "
                         f"({' '.join(pool.languages)}; no data for {' '.join(pool.absent_languages)}): scores are "
                         f"not the benchmark's")
        if pool.skipped:
            notes.append(f"{len(pool.skipped)} question(s) left out as the benchmark leaves them out (the answer "
                         f"starts in no sentence): {' '.join(pool.skipped[:5])}")
        candidates = pool.candidates
        return RetrievalSet(
            candidate_ids=candidates.ids,
            candidate_texts=candidates.texts(),
            queries={language: tuple((q.id, q.question) for q in corpus.questions)
                     for language, corpus in corpora.items()},
            gold={language: {q.id: list(pool.targets[q.id]) for q in corpus.questions}
                  for language, corpus in corpora.items()},
            notes=tuple(notes))
