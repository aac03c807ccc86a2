"""One typed record per task family, so that readers, lm-eval tasks, training and scoring share one shape.

Records are frozen and hold plain Python values (str, tuples, ints): they hash, compare and serialise
without surprises. A missing gold label is ``None`` (the benchmark's test splits ship without labels in
the raw download layout); code that scores must check for it rather than score placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace


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


@dataclass(frozen=True)
class MultipleChoiceExample:
    """Multiple choice (XCOPA, English COPA, SocialIQA): a premise, a question and the choices to answer it with.

    COPA's question is the relation asked about, ``"cause"`` or ``"effect"`` (which choice caused the
    premise, or followed from it); SocialIQA's is the question's text.
    """

    id: str
    premise: str
    question: str
    choices: tuple[str, ...]
    label: int | None  # the 0-based index of the right choice; None when unlabelled
    language: str

    def __post_init__(self) -> None:
        if self.label is not None and not 0 <= self.label < len(self.choices):
            raise ValueError(f"example {self.id}: label {self.label} is not the index of one of its "
                             f"{len(self.choices)} choices")


@dataclass(frozen=True)
class EntityMention:
    """One entity mention in its context (Mewsli-X): the mention is ``context[start:end]``.

    ``context`` is the whole document passage (the mentions of one passage share the one string);
    ``sentence_spans`` are its sentences as ``(start, end)`` offsets, which decide how much of it a model
    sees (harness_tasks.readers.entity_retrieval.mention_query).
    """

    id: str
    context: str
    start: int
    end: int
    sentence_spans: tuple[tuple[int, int], ...]
    entity: str | None  # the gold entity id (a Wikidata QID); None when unlabelled
    language: str

    @property
    def mention(self) -> str:
        return self.context[self.start:self.end]


@dataclass(frozen=True)
class EntityCandidates:
    """The entities mentions are linked to, as parallel tuples rather than one object each (Mewsli-X has
    about a million, shared by every language): ``descriptions[i]`` is the text a model embeds for
    ``ids[i]``."""

    ids: tuple[str, ...]
    descriptions: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.ids) != len(self.descriptions):
            raise ValueError(f"{len(self.ids)} entity ids but {len(self.descriptions)} descriptions")

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class EntityRetrievalCorpus:
    """Entity retrieval (Mewsli-X): one language's mentions, each to be linked to one of ``candidates``."""

    language: str
    split: str
    mentions: tuple[EntityMention, ...]
    candidates: EntityCandidates


@dataclass(frozen=True)
class RetrievalQuestion:
    """A question of cross-lingual answer retrieval (LAReQA). Its translations share its ``id``."""

    id: str
    question: str
    language: str

    @property
    def uid(self) -> str:
        """The question in one language, as utils_lareqa names it: ``{id}_{language}``."""
        return f"{self.id}_{self.language}"


@dataclass(frozen=True)
class AnswerCandidates:
    """Every sentence of the pool with the paragraph it is from, as parallel tuples: candidate ``ids[i]``
    (``{lang}_{paragraph}_{sentence}``) is ``sentences[i]`` of ``contexts[i]``, in ``languages[i]``."""

    ids: tuple[str, ...]
    sentences: tuple[str, ...]
    contexts: tuple[str, ...]
    languages: tuple[str, ...]

    def __post_init__(self) -> None:
        if not len(self.ids) == len(self.sentences) == len(self.contexts) == len(self.languages):
            raise ValueError("candidate ids, sentences, contexts and languages differ in length")

    def __len__(self) -> int:
        return len(self.ids)

    def texts(self) -> tuple[str, ...]:
        """What a model embeds for each candidate: the sentence followed by its paragraph, line breaks
        removed (the benchmark's run_retrieval_qa.py); training and scoring both read it from here."""
        return tuple((s + c).replace("\n", "") for s, c in zip(self.sentences, self.contexts))


@dataclass(frozen=True)
class AnswerRetrievalCorpus:
    """Cross-lingual answer retrieval (LAReQA): questions ranked against the sentences of every language.

    ``targets[question id]`` are the candidates that answer the question: its answer sentence in every
    language of the pool (the same for each of its translations). ``questions`` are those of ``language``,
    or of every pool language when it is None. ``absent_languages``: declared pool languages with no data
    (a partial pool, e.g. the bundled sample: scores are then not the benchmark's); ``skipped``: the uids of
    questions left out as the benchmark leaves them out (no sentence holds the answer's start).
    """

    split: str
    languages: tuple[str, ...]  # the pool's languages, in declared order
    questions: tuple[RetrievalQuestion, ...]
    candidates: AnswerCandidates
    targets: Mapping[str, tuple[str, ...]] = field(hash=False)
    language: str | None = None
    absent_languages: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    def of_language(self, language: str) -> AnswerRetrievalCorpus:
        """The same pool, asked in one language only (of the whole pool: a one-language corpus has no other)."""
        if self.language is not None and language != self.language:
            raise ValueError(f"this corpus holds the {self.language!r} questions only; read the pool again for "
                             f"{language!r}")
        if language not in self.languages:
            raise ValueError(f"{language!r} is not a language of this pool ({' '.join(self.languages)})")
        return replace(self, questions=tuple(q for q in self.questions if q.language == language),
                       language=language)
