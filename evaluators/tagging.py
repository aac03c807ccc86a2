"""Tagging F1 for UD-POS and PAN-X: seqeval chunk F1, micro over a language, in two stated modes.

``mode="xtreme"`` reproduces seqeval 0.0.12, the release behind every published XTREME number. It is
re-implemented here (below) rather than installed because 0.0.12 depends on Keras and cannot sit beside
seqeval 1.x in one environment. ``mode="seqeval"`` calls the installed seqeval 1.x as it is.

How a tag becomes a chunk (both modes): the tag's first character is read as the chunk prefix (B, I, E,
S or O) and the rest as the chunk type. That is exact for IOB2 NER tags; for UPOS tags it means the
first letter of a part-of-speech tag acts as a prefix (INTJ starts with I, SCONJ and SYM with S) and a
run of equal tags merges into one chunk, so UD-POS "F1" is not token accuracy. The modes differ in how
the type is read:

* 0.0.12 (xtreme): ``type = tag.split('-')[-1]``, so ``NOUN`` has type ``NOUN`` and ``B-PER`` type ``PER``.
* 1.x (seqeval): ``type = tag[1:].split('-', 1)[-1] or '_'``, so ``SCONJ`` and ``CCONJ`` share type
  ``CONJ`` and ``X`` has type ``_``; 19 UPOS bigrams chunk differently, which moves UD-POS averages by
  about 0.2 points.

Sentences are concatenated with an ``O`` between them (as both seqeval versions do for nested lists);
with the benchmark's tags that ends every chunk in 0.0.12, not always in 1.x (see below). A chunk is
(type, first index, last index); precision, recall and F1 are computed over the sets of gold and
predicted chunks:
``p = correct / predicted`` (0 when nothing predicted), ``r = correct / gold`` (0 when no gold),
``f1 = 2pr / (p + r)`` (0 when p + r = 0), each times 100. Token accuracy (equal tags / tokens * 100)
is reported beside F1: it is what UD-POS is usually understood to mean.

Per-sentence outcomes (for paired significance tests): :func:`sentence_counts` gives, for every sentence,
the chunks correct / predicted / gold and the tokens correct / total, each chunk counted in the sentence it
starts in; :func:`scores_from_counts` sums them and applies the mode's arithmetic, reproducing
:func:`tagging_scores` exactly (same sums, same operations, integer 0 where 0.0.12 gives it). In seqeval
1.x mode a chunk can run on across the "O" between sentences (``X`` and ``O`` both have type ``_`` there);
it is counted once, in the sentence where it starts.

Prediction and gold must agree sentence by sentence in length; the reference scorer does not check,
and a shifted sentence silently mis-aligns every chunk after it. Here a mismatch is an error.
"""

from __future__ import annotations

import warnings
from bisect import bisect_right
from collections.abc import Sequence

XTREME = "xtreme"
SEQEVAL = "seqeval"
MODES = (XTREME, SEQEVAL)

Sentences = Sequence[Sequence[str]]


class TagCountMismatch(ValueError):
    """A predicted sentence has a different number of tags than its gold sentence."""

    def __init__(self, sentence_index: int, n_gold: int, n_predicted: int):
        self.sentence_index = sentence_index
        self.n_gold = n_gold
        self.n_predicted = n_predicted
        super().__init__(
            f"sentence {sentence_index + 1}: {n_predicted} predicted tags for {n_gold} gold tags"
        )


def _flatten(sentences: Sentences) -> list[str]:
    flat: list[str] = []
    for sentence in sentences:
        flat.extend(sentence)
        flat.append("O")
    return flat


def _end_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    # The 0.0.12 rules, in the original order; each may set the flag.
    end = prev_tag in ("E", "S")
    if prev_tag == "B" and tag in ("B", "S", "O"):
        end = True
    if prev_tag == "I" and tag in ("B", "S", "O"):
        end = True
    if prev_tag not in ("O", ".") and prev_type != type_:
        end = True
    return end


def _start_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    start = tag in ("B", "S")
    if prev_tag in ("E", "S", "O") and tag in ("E", "I"):
        start = True
    if tag not in ("O", ".") and prev_type != type_:
        start = True
    return start


def chunks_xtreme(sentences: Sentences) -> set[tuple[str, int, int]]:
    """The chunks seqeval 0.0.12 reads from a list of tagged sentences (prefix mode, no suffix)."""
    chunks = set()
    prev_tag, prev_type, begin = "O", "", 0
    for i, label in enumerate(_flatten(sentences) + ["O"]):
        tag, type_ = label[0], label.split("-")[-1]
        if _end_of_chunk(prev_tag, tag, prev_type, type_):
            chunks.add((prev_type, begin, i - 1))
        if _start_of_chunk(prev_tag, tag, prev_type, type_):
            begin = i
        prev_tag, prev_type = tag, type_
    return chunks


def _prf_xtreme(gold: Sentences, predicted: Sentences) -> dict[str, float]:
    gold_chunks, pred_chunks = chunks_xtreme(gold), chunks_xtreme(predicted)
    correct = len(gold_chunks & pred_chunks)
    # Integer 0 (not 0.0) where 0.0.12 returns it; the reference JSON shows the difference.
    p = correct / len(pred_chunks) if pred_chunks else 0
    r = correct / len(gold_chunks) if gold_chunks else 0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0
    return {"f1": f1 * 100, "precision": p * 100, "recall": r * 100}


def _prf_seqeval(gold: Sentences, predicted: Sentences) -> dict[str, float]:
    from seqeval.metrics import f1_score, precision_score, recall_score

    gold_lists = [list(s) for s in gold]
    pred_lists = [list(s) for s in predicted]
    with warnings.catch_warnings():
        # UPOS tags are not NE tags; seqeval warns once per tag and divides 0/0 with a warning.
        warnings.simplefilter("ignore")
        f1 = f1_score(gold_lists, pred_lists)
        p = precision_score(gold_lists, pred_lists)
        r = recall_score(gold_lists, pred_lists)
    return {"f1": float(f1) * 100, "precision": float(p) * 100, "recall": float(r) * 100}


def check_tag_counts(gold: Sentences, predicted: Sentences) -> None:
    """Raise ValueError / TagCountMismatch unless every sentence pair has the same length."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(predicted)} predicted sentences for {len(gold)} gold sentences")
    for index, (g, p) in enumerate(zip(gold, predicted)):
        if len(g) != len(p):
            raise TagCountMismatch(index, len(g), len(p))


def token_accuracy(gold: Sentences, predicted: Sentences) -> float:
    """Percentage of tokens whose predicted tag equals the gold tag."""
    check_tag_counts(gold, predicted)
    total = sum(len(s) for s in gold)
    if total == 0:
        raise ValueError("no tokens to score")
    correct = sum(g == p for gs, ps in zip(gold, predicted) for g, p in zip(gs, ps))
    return correct / total * 100


def tagging_scores(gold: Sentences, predicted: Sentences, mode: str = XTREME) -> dict[str, float]:
    """{'f1', 'precision', 'recall', 'token_accuracy'} as percentages; see the module docstring."""
    if mode not in MODES:
        raise ValueError(f"unknown tagging mode {mode!r}; expected one of {', '.join(MODES)}")
    check_tag_counts(gold, predicted)
    scores = _prf_xtreme(gold, predicted) if mode == XTREME else _prf_seqeval(gold, predicted)
    scores["token_accuracy"] = token_accuracy(gold, predicted)
    return scores


def chunks_seqeval(sentences: Sentences) -> set[tuple[str, int, int]]:
    """The chunks seqeval 1.x reads from a list of tagged sentences (its default, non-strict mode)."""
    from seqeval.metrics.sequence_labeling import get_entities

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "NOUN seems not to be NE tag", once per tag
        return set(get_entities([list(s) for s in sentences]))


CHUNKERS = {XTREME: chunks_xtreme, SEQEVAL: chunks_seqeval}
COUNT_FIELDS = ("tp", "n_pred", "n_gold", "correct_tokens", "n_tokens")


def sentence_counts(gold: Sentences, predicted: Sentences, mode: str = XTREME) -> list[dict[str, int]]:
    """Per sentence, in order: ``{"tp", "n_pred", "n_gold", "correct_tokens", "n_tokens"}`` (see the module
    docstring). Chunks are found on the whole concatenation, exactly as the corpus metric finds them, and
    each is counted in the sentence holding its first token, so the sums are the corpus counts."""
    if mode not in MODES:
        raise ValueError(f"unknown tagging mode {mode!r}; expected one of {', '.join(MODES)}")
    check_tag_counts(gold, predicted)
    starts, position = [], 0
    for sentence in gold:
        starts.append(position)
        position += len(sentence) + 1  # the "O" between sentences
    counts = [{"tp": 0, "n_pred": 0, "n_gold": 0,
               "correct_tokens": sum(g == p for g, p in zip(gs, ps)), "n_tokens": len(gs)}
              for gs, ps in zip(gold, predicted)]
    gold_chunks, pred_chunks = CHUNKERS[mode](gold), CHUNKERS[mode](predicted)
    for field, chunks in (("tp", gold_chunks & pred_chunks), ("n_pred", pred_chunks), ("n_gold", gold_chunks)):
        for chunk in chunks:
            counts[bisect_right(starts, chunk[1]) - 1][field] += 1
    return counts


def scores_from_counts(counts: Sequence[dict[str, int]], mode: str = XTREME) -> dict[str, float]:
    """:func:`tagging_scores` from :func:`sentence_counts`, with the mode's own arithmetic."""
    if mode not in MODES:
        raise ValueError(f"unknown tagging mode {mode!r}; expected one of {', '.join(MODES)}")
    tp, n_pred, n_gold, correct, total = (sum(c[field] for c in counts) for field in COUNT_FIELDS)
    if total == 0:
        raise ValueError("no tokens to score")
    if mode == XTREME:  # 0.0.12: integer 0 where it divides nothing
        p = tp / n_pred if n_pred else 0
        r = tp / n_gold if n_gold else 0
        f1 = 2 * p * r / (p + r) if p + r > 0 else 0
        scores = {"f1": f1 * 100, "precision": p * 100, "recall": r * 100}
    else:  # seqeval 1.x, micro average: 0.0 for an empty division, the F denominator 0 replaced by 1
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        denominator = p + r if p + r != 0 else 1
        scores = {"f1": float(2 * p * r / denominator) * 100, "precision": float(p) * 100, "recall": float(r) * 100}
    scores["token_accuracy"] = correct / total * 100
    return scores
