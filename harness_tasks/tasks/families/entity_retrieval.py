"""Entity retrieval (Mewsli-X) as one lm-eval task over its languages: each mention ranks the entity set.

A mention is embedded as the benchmark's baseline writes it (its sentence with the mention set off in
braces, harness_tasks.readers.entity_retrieval.mention_query), an entity as its description; the entity set
(about a million) is shared by every language, so it is embedded once for all of them
(harness_tasks.tasks.dual_encoder). Scored per language as mean reciprocal rank in the top 20, under the
reference's key map@20; the task score is the mean over languages.
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
class EntityRetrievalTask(DualEncoderRetrievalTask):
    """Each mention's 20 nearest entities, best first, per language."""

    FAMILY = "entity_retrieval"

    def retrieval_set(self) -> RetrievalSet:
        from harness_tasks.readers.entity_retrieval import mention_query

        corpora, absent = self.load_languages()
        entities = next(iter(corpora.values())).candidates
        for language, corpus in corpora.items():
            if corpus.candidates is not entities and corpus.candidates.ids != entities.ids:
                raise XtremeTaskError(f"{self.config.task}: the {language} mentions come with another entity set "
                                      f"than the {next(iter(corpora))} ones; every language must share one")
        gold = {}
        for language, corpus in corpora.items():
            labelled = all(m.entity is not None for m in corpus.mentions)
            gold[language] = {m.id: [m.entity] for m in corpus.mentions} if labelled else None
        return RetrievalSet(
            candidate_ids=entities.ids, candidate_texts=entities.descriptions,
            queries={language: tuple((m.id, mention_query(m)) for m in corpus.mentions)
                     for language, corpus in corpora.items()},
            gold=gold, notes=tuple(absent_note(absent)))
