"""Dual-encoder target phases (LAReQA, Mewsli-X): training pairs, the model and its loss, dev selection.

As the XTREME-R baselines train them (google-research/xtreme third_party/bert.py ``BertForRetrieval``, run
by run_retrieval_qa.py and run_retrieval_el.py):

* one encoder embeds both sides ("two towers" sharing every weight); a text's vector is the last layer's
  first token through the encoder's pooler, L2-normalised;
* loss: the in-batch softmax. Within a micro-batch of B pairs, the logits are the B x B inner products of
  the query vectors with the candidate vectors times a learned scale (``logit_scale``, one parameter,
  initialised to 100 and multiplied in, not exponentiated, as there), and the cross-entropy of each query
  against its own candidate; the other B - 1 candidates are its negatives (one direction only: query ->
  candidates). A candidate that is also another pair's in the batch is a false negative, as there.

What a vector is must be exactly what the harness embeds at scoring time (harness_tasks.inference.
dual_encoder.first_token_vectors): the pooler's output where the model has a pooler *with weights*, else
the first token's last hidden state. A starting checkpoint without pooler weights (XLM-R as released, the
tiny encoder) would get a random pooler from AutoModel; it is dropped here before training, as the harness
drops it when loading, so the saved head has no pooler and both sides read the first token.

The head is saved as the bare encoder (``AutoModel``, harness_tasks.heads kind ``dual_encoder``) plus
``dual_encoder.json`` beside its config, which records how it was made (pooling, normalisation, the learned
scale, the loss, the input lengths). The harness does not need the scale: a positive scale does not change
a ranking.

Inputs, per family of the task the head serves (its declaration, evaluators/tasks/):

* ``answer_retrieval`` (LAReQA, from SQuAD v1.1): the query is the question; the candidate its answer
  sentence followed directly by its paragraph, line breaks removed (``(sentence + context).replace("\\n",
  "")``, as run_retrieval_qa.py and the harness's LAReQA task). SQuAD has no sentence annotation, so
  paragraphs are split by :func:`sentence_breaks` (below); the pool and each question's targets are then
  built by harness_tasks.readers.answer_retrieval.answer_pool, the harness's own LAReQA pool builder, and a
  question whose (first) answer starts in no sentence is left out, as the benchmark leaves it out.
* ``entity_retrieval`` (Mewsli-X, from English Wikipedia mention-entity pairs): the query is
  harness_tasks.readers.entity_retrieval.mention_query, the candidate the entity's description, as the
  reader makes them for scoring.

Model selection (English dev; exact top 20 through evaluators.knn_blocked, the harness's search): LAReQA
mAP@20 (evaluators.lareqa) of SQuAD dev questions against every sentence of SQuAD dev; Mewsli-X MRR@20
(evaluators.mewslix, the reference's "map@20") of wikipedia_pairs-dev mentions against the dev pairs' own
entities. ``max_eval_examples`` keeps the first queries and the whole candidate pool.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from evaluators.tasks import get_task
from harness_tasks.atomic import write_json_atomic
from harness_tasks.heads import DUAL_ENCODER, tasks_of_head
from harness_tasks.inference.dual_encoder import first_token_vectors

NOTES_FILE = "dual_encoder.json"  # beside the head's config.json: how the head was made
INITIAL_SCALE = 100.0  # bert.py BertForRetrieval: logit_scale = constant 100.0, learned
LOSS = "in-batch softmax cross-entropy, query -> the micro-batch's candidates, logits = scale x cosine"
TOP_K = 20

# ---------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class RetrievalPair:
    """One training example: a query and the candidate it should retrieve."""

    id: str
    query: str
    candidate_id: str
    candidate: str


@dataclass(frozen=True)
class RetrievalQuery:
    """A dev query and the candidate ids that answer it."""

    id: str
    query: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class RetrievalPool(Sequence):
    """Dev data for selection: the queries, ranked against every candidate. A sequence of its queries, so the
    recipe counts, hashes and cuts it (``max_eval_examples``) as it does other records; a cut keeps every
    candidate."""

    queries: tuple[RetrievalQuery, ...]
    candidate_ids: tuple[str, ...]
    candidates: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.queries)

    def __iter__(self) -> Iterator[RetrievalQuery]:
        return iter(self.queries)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return replace(self, queries=self.queries[index])
        return self.queries[index]


@dataclass(frozen=True)
class RetrievalData:
    pairs: list[RetrievalPair]
    pool: RetrievalPool
    left_out: tuple[str, ...] = ()  # ids of examples the family's rule leaves out (LAReQA: no answer sentence)


# ---------------------------------------------------------------------------------------------------------
# Sentences of a SQuAD paragraph

# A sentence ends at . ? or ! (with any closing quotes or brackets after it) where white space follows and
# the next sentence starts with a capital letter or a digit, possibly after an opening quote or bracket.
# This is the main rule of the sentence breaker the LAReQA data was made with (the benchmark's
# third_party/processors/sb_sed.py, a SQuAD-tuned sed script); its special cases for Wikipedia's editorial
# brackets and quoted ellipses are not reproduced. Abbreviations before a capital ("Dr. Smith") split.
_SENTENCE_END = re.compile(r"[.?!][)\]'\"\u2019\u201d]*(?=\s+[(\['\"\u2018\u201c]?[A-Z0-9])")


def sentence_breaks(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of each sentence of ``text``, in order, without the white space between them."""
    spans = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        left = start + len(piece) - len(piece.lstrip())
        right = start + len(piece.rstrip())
        if right > left:
            spans.append((left, right))
        start = end
    return tuple(spans)


# ---------------------------------------------------------------------------------------------------------
# Pairs and pools, per family of the task the head serves


def answer_sentence_data(records, split: str) -> RetrievalData:
    """SQuAD QAExamples (consecutive questions on one context are one paragraph) -> question / answer
    sentence-in-context pairs, and the pool of every sentence of every paragraph (one language, "en")."""
    from harness_tasks.readers.answer_retrieval import Paragraph, answer_pool

    groups: list[tuple[str, list]] = []
    for example in records:
        if not groups or groups[-1][0] != example.context:
            groups.append((example.context, []))
        start = example.answers[0].start if example.answers else -1  # the first answer, as run_retrieval_qa.py
        groups[-1][1].append((example.id, example.question, start))
    paragraphs = [Paragraph(context, sentence_breaks(context), tuple(questions)) for context, questions in groups]
    corpus = answer_pool({"en": paragraphs}, split, ["en"])
    found = corpus.candidates
    texts = found.texts()
    index = {cid: i for i, cid in enumerate(found.ids)}
    pairs = []
    for question in corpus.questions:
        # The first target is the answer sentence itself or one of the same text in the same paragraph:
        # its candidate text is the same.
        target = corpus.targets[question.id][0]
        pairs.append(RetrievalPair(question.id, question.question, target, texts[index[target]]))
    pool = RetrievalPool(tuple(RetrievalQuery(q.id, q.question, tuple(corpus.targets[q.id])) for q in corpus.questions),
                         found.ids, texts)
    return RetrievalData(pairs, pool, tuple(uid.rsplit("_", 1)[0] for uid in corpus.skipped))


def mention_entity_data(corpus, split: str) -> RetrievalData:
    """An EntityRetrievalCorpus (wikipedia_pairs) -> mention / entity-description pairs, and the pool of its
    own entities."""
    from harness_tasks.readers.entity_retrieval import mention_query

    descriptions = dict(zip(corpus.candidates.ids, corpus.candidates.descriptions))
    queries = [(m, mention_query(m)) for m in corpus.mentions]
    pairs = [RetrievalPair(m.id, text, m.entity, descriptions[m.entity]) for m, text in queries]
    pool = RetrievalPool(tuple(RetrievalQuery(m.id, text, (m.entity,)) for m, text in queries),
                         corpus.candidates.ids, corpus.candidates.descriptions)
    return RetrievalData(pairs, pool)


def _lareqa_metric(gold, predictions) -> float:
    from evaluators.lareqa import lareqa_scores

    return lareqa_scores(gold, predictions)["map@20"]


def _mewslix_metric(gold, predictions) -> float:
    from evaluators.mewslix import mewslix_scores

    return mewslix_scores(gold, predictions)["map@20"]


@dataclass(frozen=True)
class FamilyTraining:
    """How a retrieval family's English data becomes pairs and a dev pool, and how the pool is scored."""

    build: Callable[..., RetrievalData]
    metric: Callable[[Mapping, Mapping], float]  # (gold {qid: [targets]}, predictions {qid: [ranked]}) -> x100


FAMILIES: Mapping[str, FamilyTraining] = {
    "answer_retrieval": FamilyTraining(answer_sentence_data, _lareqa_metric),
    "entity_retrieval": FamilyTraining(mention_entity_data, _mewslix_metric),
}


def head_task(head: str):
    """The declaration of the (one) task a dual-encoder head serves."""
    tasks = tasks_of_head(head)
    if len(tasks) != 1:
        raise ValueError(f"dual-encoder head {head!r} serves {len(tasks)} tasks ({', '.join(tasks)}); expected one")
    return get_task(tasks[0])


def family_training(head: str) -> FamilyTraining:
    spec = head_task(head)
    if spec.family not in FAMILIES:
        raise ValueError(f"head {head!r}: no dual-encoder training for family {spec.family!r}; one of "
                         f"{', '.join(FAMILIES)}")
    return FAMILIES[spec.family]


def retrieval_data(head: str, records, split: str) -> RetrievalData:
    return family_training(head).build(records, split)


def side_lengths(head: str, max_length: int) -> dict[str, int]:
    """Token lengths of each side: the task's ``retrieval_max_lengths`` (what the harness embeds at), never
    more than the phase's ``max_length`` (already clamped to the encoder's positions)."""
    declared = head_task(head).retrieval_max_lengths
    return {side: min(declared.get(side, max_length), max_length) for side in ("query", "candidate")}


# ---------------------------------------------------------------------------------------------------------
# Features


def _ids(tokenizer, texts: Sequence[str], max_length: int) -> tuple[list, list]:
    enc = tokenizer(list(texts), truncation=True, max_length=max_length)
    return enc["input_ids"], enc["attention_mask"]


def encode_pairs(pairs: Sequence[RetrievalPair], tokenizer, lengths: Mapping[str, int]) -> list[dict]:
    """One feature a pair: the query as ``input_ids``/``attention_mask``, the candidate as ``candidate_*``
    (training.features.collate pads each side to its own longest)."""
    q_ids, q_mask = _ids(tokenizer, [p.query for p in pairs], lengths["query"])
    c_ids, c_mask = _ids(tokenizer, [p.candidate for p in pairs], lengths["candidate"])
    return [{"input_ids": q_ids[i], "attention_mask": q_mask[i], "candidate_input_ids": c_ids[i],
             "candidate_attention_mask": c_mask[i]} for i in range(len(pairs))]


# ---------------------------------------------------------------------------------------------------------
# The model


class DualEncoder(nn.Module):
    """``forward(query ids/mask, candidate ids/mask) -> in-batch softmax loss``; one encoder for both sides."""

    def __init__(self, encoder, lengths: Mapping[str, int], scale: float = INITIAL_SCALE) -> None:
        super().__init__()
        self.encoder = encoder
        self.lengths = dict(lengths)
        self.logit_scale = nn.Parameter(torch.full((1,), float(scale)))

    @property
    def pooling(self) -> str:
        return "pooler" if getattr(self.encoder, "pooler", None) is not None else "first_token"

    def embed(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return nn.functional.normalize(first_token_vectors(self.encoder, ids, mask), p=2, dim=1)

    def forward(self, input_ids, attention_mask, candidate_input_ids, candidate_attention_mask) -> torch.Tensor:
        queries = self.embed(input_ids, attention_mask)
        candidates = self.embed(candidate_input_ids, candidate_attention_mask)
        logits = queries @ candidates.T * self.logit_scale
        return nn.functional.cross_entropy(logits.float(), torch.arange(len(queries), device=logits.device))

    def notes(self) -> dict:
        """What ``dual_encoder.json`` records: how a vector is made and how the head was trained."""
        return {"kind": DUAL_ENCODER, "pooling": self.pooling, "normalisation": "l2",
                "similarity": "inner product of the unit vectors (cosine)",
                "logit_scale": float(self.logit_scale.detach().float().item()), "initial_logit_scale": INITIAL_SCALE,
                "loss": LOSS, "max_lengths": dict(self.lengths)}

    def save_pretrained(self, folder, safe_serialization: bool = True) -> None:
        """The encoder as ``AutoModel`` loads it, and ``dual_encoder.json`` beside it."""
        self.encoder.save_pretrained(folder, safe_serialization=safe_serialization)
        write_json_atomic(Path(folder) / NOTES_FILE, self.notes())


def read_notes(folder: Path) -> dict:
    return json.loads((Path(folder) / NOTES_FILE).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------
# Dev selection


def _vectors(model: DualEncoder, tokenizer, texts: Sequence[str], max_length: int, batch_size: int, device,
             autocast) -> np.ndarray:
    from training.features import collate

    ids, mask = _ids(tokenizer, texts, max_length)
    out = []
    for i in range(0, len(ids), batch_size):
        batch = collate([{"input_ids": a, "attention_mask": m} for a, m in zip(ids[i:i + batch_size],
                                                                               mask[i:i + batch_size])],
                        tokenizer.pad_token_id)
        with torch.no_grad(), autocast():
            vectors = model.embed(batch["input_ids"].to(device), batch["attention_mask"].to(device))
        out.append(vectors.float().cpu().numpy())
    hidden = model.encoder.config.hidden_size if hasattr(model.encoder.config, "hidden_size") else model.encoder.config.d_model
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, hidden), np.float32)


def rankings(model: DualEncoder, pool: RetrievalPool, tokenizer, *, batch_size: int, device,
             autocast) -> dict[str, list[str]]:
    """Each dev query's 20 nearest candidates by inner product, best first (exact; ties to the lower index,
    as the harness's search)."""
    from evaluators.knn_blocked import bidirectional_knn

    was_training = model.training
    model.eval()
    try:
        keys = _vectors(model, tokenizer, pool.candidates, model.lengths["candidate"], batch_size, device, autocast)
        asked = _vectors(model, tokenizer, [q.query for q in pool], model.lengths["query"], batch_size, device,
                         autocast)
    finally:
        model.train(was_training)
    ranked = bidirectional_knn(keys, asked, TOP_K, normalize=False)[3] if len(pool) else []
    return {q.id: [pool.candidate_ids[j] for j in row] for q, row in zip(pool, ranked)}


def dev_score(head: str, model: DualEncoder, pool: RetrievalPool, tokenizer, *, batch_size: int, device,
              autocast) -> float:
    """The head's English-dev selection metric (x100) over ``pool``: evaluators.lareqa's mAP@20 or
    evaluators.mewslix's MRR@20 of :func:`rankings`."""
    predictions = rankings(model, pool, tokenizer, batch_size=batch_size, device=device, autocast=autocast)
    gold = {q.id: list(q.targets) for q in pool}
    return family_training(head).metric(gold, predictions)
