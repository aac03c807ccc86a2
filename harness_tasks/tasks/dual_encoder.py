"""The shared half of the dual-encoder retrieval families (entity retrieval: Mewsli-X; answer retrieval:
LAReQA): queries of every language ranked against one candidate set.

One lm-eval task holds every language (``ALL_LANGUAGES``): its documents are blocks of texts, the
candidates' once, then each language's queries. A block is one ``encode`` request, ``(label, texts,
max_length)``,
answered with one unit vector per text by the task's dual-encoder head (or the bare encoder, noted, when
the bundle lacks it) at the length the task declares for its side (``TaskSpec.retrieval_max_lengths``).
Blocks, not one document a text: lm-eval keeps a request, a sample record and their hashes per document
(about 10 KB), which for Mewsli-X's million candidates would be gigabytes beside the embeddings.

``summarize`` takes each query's top 20 candidates by exact inner product in one blocked pass over the
candidates (evaluators.knn_blocked: memory bounded by a block, not by queries x candidates; ties go to the
lower candidate index, so the ranking is deterministic) and scores each language with the family.

A family module says what the texts and ids are (``retrieval_set``); nothing here depends on which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness_tasks.tasks import XtremeTaskError
from harness_tasks.tasks.xtreme_task import XtremeTask

TOP_K = 20  # both families score the top 20 (evaluators.mewslix / evaluators.lareqa)
BLOCK = 512  # texts per document (request)


@dataclass(frozen=True)
class RetrievalSet:
    """What one retrieval task embeds and scores: candidates shared by every language, each language's
    queries, and each language's gold ({query id: [target candidate ids]}, None when unlabelled)."""

    candidate_ids: Sequence[str]
    candidate_texts: Sequence[str]
    queries: Mapping[str, tuple[tuple[str, str], ...]]  # language -> ((query id, text), ...)
    gold: Mapping[str, Mapping[str, list[str]] | None]
    notes: tuple[str, ...] = ()


def absent_note(absent: Mapping[str, str]) -> list[str]:
    """The note for languages asked for that have no data (an ALL_LANGUAGES task scores the others)."""
    return [f"no data for {' '.join(absent)}, so not scored"] if absent else []


def _blocks(side: str, language: str, texts: Sequence[str], max_length: int | None) -> list[dict]:
    return [{"side": side, "language": language, "start": start, "texts": list(texts[start:start + BLOCK]),
             "max_length": max_length, "gold": None,
             "text": f"{side}s {start}-{min(start + BLOCK, len(texts)) - 1}{f' ({language})' if language else ''}"}
            for start in range(0, len(texts), BLOCK)]


def _stacked(blocks: dict[int, object], total: int):
    """The rows of blocks keyed by their first row, as one float32 matrix (None when a row is missing). Blocks
    that are consecutive rows of one matrix (as the xtreme-encoder answers them) give a view of it, not a copy:
    a million candidates' vectors are then held once."""
    import numpy as np

    parts, expected = [], 0
    for start in sorted(blocks):
        if start != expected:
            return None
        parts.append(np.asarray(blocks[start], dtype=np.float32))
        expected += len(parts[-1])
    if expected != total or not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    base, width = parts[0].base, parts[0].shape[1]
    address = [part.__array_interface__["data"][0] for part in parts]
    if (isinstance(base, np.ndarray) and base.dtype == np.float32 and base.flags.c_contiguous
            and all(part.base is base and part.flags.c_contiguous for part in parts)
            and all(address[i + 1] == address[i] + parts[i].nbytes for i in range(len(parts) - 1))):
        first = (address[0] - base.__array_interface__["data"][0]) // base.itemsize
        return base.reshape(-1)[first:first + total * width].reshape(total, width)
    return np.concatenate(parts)


class DualEncoderRetrievalTask(XtremeTask):
    """Queries against shared candidates, every language in one task; a family subclass gives ``retrieval_set``."""

    REQUEST_TYPE = "encode"
    NEEDS_EVERY_DOC = True
    ALL_LANGUAGES = True
    UNIT = "text block"  # one document: up to BLOCK texts

    def retrieval_set(self) -> RetrievalSet:
        raise NotImplementedError

    def make_docs(self):
        self.retrieval = found = self.retrieval_set()
        lengths = self.spec.retrieval_max_lengths
        docs = _blocks("candidate", "", found.candidate_texts, lengths.get("candidate"))
        for language, queries in found.queries.items():
            docs += _blocks("query", language, [text for _qid, text in queries], lengths.get("query"))
        return docs

    def arguments(self, doc):
        return (doc["text"], tuple(doc["texts"]), doc["max_length"])

    def item(self, doc, prediction):
        return (doc["side"], doc["language"], doc["start"], prediction)

    def summarize(self, items):
        from evaluators.knn_blocked import bidirectional_knn

        found = self.retrieval
        blocks: dict[tuple[str, str], dict[int, object]] = {}
        for side, language, start, matrix in items:
            blocks.setdefault((side, language), {})[start] = matrix
        keys = _stacked(blocks.pop(("candidate", ""), {}), len(found.candidate_ids))
        asked = {language: _stacked(blocks.pop(("query", language), {}), len(queries))
                 for language, queries in found.queries.items() if queries}
        missing = [what for what, matrix in (("candidates", keys), *asked.items()) if matrix is None]
        if missing:
            raise XtremeTaskError(f"{self.config.task}: {self.spec.title} needs every text embedded, but some of the "
                                  f"{', '.join(missing)} were not; do not use --limit or --samples")
        import numpy as np

        matrix = np.concatenate(list(asked.values())) if len(asked) > 1 else next(iter(asked.values()), None)
        # The candidates are the blocked side: its per-query lists (the backward ones) are what is kept; the
        # per-candidate lists it also makes take 12 bytes x 20 a candidate, once.
        ranked = bidirectional_knn(keys, matrix, TOP_K, normalize=False)[3] if matrix is not None else []
        del keys, asked, matrix  # copies of the vectors: gone before scoring
        parts, row = {}, 0
        for language, language_queries in found.queries.items():
            predictions = {}
            for qid, _text in language_queries:
                predictions[qid] = [found.candidate_ids[j] for j in ranked[row]]
                row += 1
            parts[language] = (found.gold[language], predictions)
        return self.scored_languages(parts, notes=found.notes)
