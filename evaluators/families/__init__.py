"""Task families: the shape of one example, and how a family is scored.

Each family is one module here exposing ``FAMILY``, an :class:`evaluators.families.base.ScoringFamily`:
its submission file reader and writer, its per-language score with per-example outcomes, and its corpus
metric. Tasks name their family in their declaration (evaluators/tasks/); the harness keeps the other half
of each family (records, requests, decoding) under harness_tasks. A family module is imported when it is
first used, so reading a label file never imports faiss.
"""

from __future__ import annotations

import importlib

# family name -> its module under evaluators/families/
FAMILY_MODULES = {
    "pair_classification": "pair_classification",
    "multiple_choice": "multiple_choice",
    "tagging": "tagging",
    "span_qa": "span_qa",
    "bitext_mining": "bitext_mining",
    "sentence_retrieval": "sentence_retrieval",
    "entity_retrieval": "entity_retrieval",
    "answer_retrieval": "answer_retrieval",
}
FAMILY_NAMES = tuple(FAMILY_MODULES)


def get_family(name: str):
    """The family's ``FAMILY`` object (its module imported on first use)."""
    if name not in FAMILY_MODULES:
        raise KeyError(f"unknown task family {name!r}; known: {', '.join(FAMILY_NAMES)}")
    return importlib.import_module(f"{__name__}.{FAMILY_MODULES[name]}").FAMILY
