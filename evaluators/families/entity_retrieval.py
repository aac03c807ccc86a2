"""Entity retrieval (Mewsli-X): each mention's entities, ranked; mean reciprocal rank over the top 20.

Submission file: ``{task}/test-{lang}.json``, a JSON object mapping each query (mention) id to the list of
entity ids retrieved for it, best first (only the first 20 count). Gold: the same shape, each query id
mapped to a list holding its gold entity id (the benchmark's own files: ``{id: ["Q46930"]}``).

Scores: evaluators.mewslix, under the reference's key ``map@20`` (with one gold entity a query it is the
reciprocal rank). As the reference: only a query's first gold entity counts (stripped), predictions are cut
at 20 and compared as written, a gold query without predictions scores 0, predictions for other ids are
ignored; the last two are counted here (``unanswered``, ``unknown_ids``), and a prediction file sharing no
id with its gold is refused. Refused too, where the reference would fail or silently mis-read: a gold list
that is empty or not a list (a string's first character would be read as the entity), an entity id that is
not a string, a top-level ``"data"`` key (the reference would read its value as the whole file).

Outcome per gold query: ``reciprocal_rank`` (in [0, 1]); ``map@20 = 100 * mean`` of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from evaluators.errors import InputFileError, quote
from evaluators.families.base import FamilyInfo, LanguageScore, Outcome, ScoringOptions
from evaluators.mewslix import (
    mewslix_scores,
    mrr_from_reciprocal_ranks,
    reciprocal_ranks,
)
from evaluators.squad_form import type_name
from evaluators.submission_files import load_json, unknown_id_count
from evaluators.task_spec import TaskSpec

Ranked = Mapping[str, Sequence[str]]


def read_ranked_lists(path: str | Path, expected: str, *, root: Path | None = None, gold: bool = False,
                      item: str = "entity id", stripped: bool = False) -> dict[str, list[str]]:
    """``{id: [item, ...]}`` from a JSON object of string lists (shared with answer_retrieval).

    Gold lists must be non-empty and hold no item twice; a prediction list may be empty. An item with
    white space around it is refused unless ``stripped`` (the scorer strips it): compared as written, it
    would silently never match. A top-level ``"data"`` key is refused: the reference would read its value
    as the whole file.
    """
    doc = load_json(path, expected, root=root)
    if not isinstance(doc.value, dict):
        raise InputFileError(path, 1, f"found a JSON {type_name(doc.value)}; expected {expected}")
    if "data" in doc.value:
        raise InputFileError(path, doc.line_of(("data",)),
                             f"a top-level \"data\" key: the reference scorer would read its value as the whole "
                             f"file; expected {expected}")
    for key, values in doc.value.items():
        if not isinstance(values, list):
            raise InputFileError(path, doc.line_of((key,)),
                                 f"{quote(key)} maps to a JSON {type_name(values)}; expected a list of "
                                 f"{item}s{', even for one' if gold else ''}")
        for value in values:
            if not isinstance(value, str) or not value.strip():
                shown = quote(value) if isinstance(value, str) else f"a JSON {type_name(value)}"
                raise InputFileError(path, doc.line_of((key,)),
                                     f"{quote(key)}: {shown} is not an {item}; expected non-blank strings")
            if not stripped and value != value.strip():
                raise InputFileError(path, doc.line_of((key,)),
                                     f"{quote(key)}: {item} {quote(value)} has white space around it; ids are "
                                     f"compared as written, so it would never match {quote(value.strip())}")
        if gold and not values:
            raise InputFileError(path, doc.line_of((key,)), f"gold {quote(key)} has an empty list; every gold "
                                                            f"entry needs at least one {item}")
        if gold and len(set(values)) != len(values):
            twice = next(v for i, v in enumerate(values) if v in values[:i])
            raise InputFileError(path, doc.line_of((key,)), f"gold {quote(key)} lists {quote(twice)} twice")
    if gold and not doc.value:
        raise InputFileError(path, None, f"holds no entries: gold labels need at least one; expected {expected}")
    return doc.value


def format_ranked_lists(spec: TaskSpec, ranked: Ranked) -> str:
    if not isinstance(ranked, Mapping):
        raise TypeError(f"{spec.name}: predictions must map ids to lists of ids")
    return json.dumps({str(k): [str(v) for v in values] for k, values in ranked.items()},
                      ensure_ascii=False, indent=1) + "\n"


class EntityRetrieval:
    name = "entity_retrieval"
    OUTCOME_FIELDS = ("reciprocal_rank",)
    info = FamilyInfo(name, example="a mention in context and the entity descriptions to link it to",
                      prediction="a JSON object mapping mention ids to entity ids, best first (top 20 count)")
    EXPECTED = "a JSON object mapping mention ids to lists of entity ids"

    def read_predictions(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                         language: str | None = None) -> dict[str, list[str]]:
        return read_ranked_lists(path, self.EXPECTED + ", best first", root=root)

    def read_gold(self, spec: TaskSpec, path: Path, *, root: Path | None = None,
                  language: str | None = None) -> dict[str, list[str]]:
        # The reference strips the gold id (and reads only the first: the data has one a mention).
        return read_ranked_lists(path, self.EXPECTED + " (the gold entity id first)", root=root, gold=True,
                                 stripped=True)

    def score(self, spec: TaskSpec, gold: Ranked, predictions: Ranked, language: str, options: ScoringOptions,
              *, pred_path: Path | None = None, gold_path: Path | None = None) -> LanguageScore:
        unknown = unknown_id_count(pred_path, gold_path, predictions, gold, "mention ids")
        outcomes = tuple({"id": qid, "reciprocal_rank": rank} for qid, rank in reciprocal_ranks(gold, predictions))
        return LanguageScore(mewslix_scores(gold, predictions), outcomes,
                             unanswered=sum(1 for qid in gold if qid not in predictions), unknown_ids=unknown)

    def metric_from_outcomes(self, spec: TaskSpec, outcomes: Sequence[Outcome], language: str,
                             options: ScoringOptions) -> dict[str, float]:
        return mrr_from_reciprocal_ranks([o["reciprocal_rank"] for o in outcomes])

    def format_predictions(self, spec: TaskSpec, predictions: Ranked) -> str:
        return format_ranked_lists(spec, predictions)

    format_gold = format_predictions


FAMILY = EntityRetrieval()
