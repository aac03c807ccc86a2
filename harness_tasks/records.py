"""One typed record per task family, so that readers, lm-eval tasks, training and scoring share one shape.

Records are frozen and hold plain Python values (str, tuples, ints): they hash, compare and serialise
without surprises. A missing gold label is ``None`` (the benchmark's test splits ship without labels in
the raw download layout); code that scores must check for it rather than score placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PairExample:
    """Sentence-pair classification (XNLI, PAWS-X, and NLI/paraphrase intermediate tasks)."""

    id: str
    sentence1: str
    sentence2: str
    label: str | None  # the label as the benchmark writes it ("entailment", "1"); None when unlabelled
    language: str


@dataclass(frozen=True)
class TaggedSentence:
    """Word-level tagging (UD-POS, PAN-X): one tag per word, never per sub-token."""

    id: str
    tokens: tuple[str, ...]
    tags: tuple[str, ...] | None  # same length as tokens; None when unlabelled
    language: str

    def __post_init__(self) -> None:
        if self.tags is not None and len(self.tags) != len(self.tokens):
            raise ValueError(
                f"sentence {self.id}: {len(self.tokens)} tokens but {len(self.tags)} tags"
            )


@dataclass(frozen=True)
class Answer:
    text: str
    start: int  # character offset into the context; -1 when the source does not give one


@dataclass(frozen=True)
class QAExample:
    """Extractive QA in SQuAD v1.1 form (XQuAD, MLQA, TyDiQA-GoldP, SQuAD)."""

    id: str
    question: str
    context: str
    answers: tuple[Answer, ...]  # empty when unlabelled
    language: str
    title: str = ""


@dataclass(frozen=True)
class BitextCorpus:
    """BUCC-style comparable corpora: two sides with ids, and the gold translation pairs between them."""

    language: str  # the non-English side; the other side is English
    split: str
    source_ids: tuple[str, ...]
    source_sentences: tuple[str, ...]
    target_ids: tuple[str, ...]
    target_sentences: tuple[str, ...]
    gold: frozenset[tuple[str, str]] | None = None  # (source id, target id); None when not shipped

    def __post_init__(self) -> None:
        if len(self.source_ids) != len(self.source_sentences):
            raise ValueError("source ids and sentences differ in length")
        if len(self.target_ids) != len(self.target_sentences):
            raise ValueError("target ids and sentences differ in length")


@dataclass(frozen=True)
class ParallelSentences:
    """Tatoeba-style retrieval: every English line's translation is one non-English line.

    XTREME's reference indexes the non-English side and queries it with each English sentence, so a
    prediction and ``gold[j]`` are, for English line ``target[j]``, the index in ``source`` of its
    translation. The submission file has one such integer a line,
    in the order of the English file (shipped sorted alphabetically).
    """

    language: str  # the non-English side
    source: tuple[str, ...]  # the non-English sentences (searched)
    target: tuple[str, ...]  # English (the queries)
    gold: tuple[int, ...] | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
