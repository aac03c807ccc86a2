"""The XTREME benchmark as data: every task, its languages, metric, group and submission format.

This is the one place language lists live. Everything else (the scorer, the lm-eval task generator, the
training recipe, the submission writer) reads them from here, so adding a language is one line.

Language order matters: it is the order the benchmark's reference scorer (google-research/xtreme,
evaluate.py) iterates, and the per-task averages are summed in that order, which fixes their last bit.
"""

from __future__ import annotations

from dataclasses import dataclass

# Task families: the shape of one example, shared by readers, tasks, training and scoring.
PAIR_CLASSIFICATION = "pair_classification"
TAGGING = "tagging"
QA = "qa"
BITEXT_MINING = "bitext_mining"
PARALLEL_RETRIEVAL = "parallel_retrieval"


@dataclass(frozen=True)
class TaskSpec:
    """One XTREME target, declared (MTEB style): the runner, scorer and readers read these fields."""

    name: str  # the reference scorer's name, also the submission folder name
    family: str  # one of the family constants above
    group: str  # classification | tagging | qa | retrieval
    metric: str  # what enters the aggregate: accuracy | f1 | em_f1
    languages: tuple[str, ...]  # XTREME (2020) test languages, in the reference scorer's order
    xtreme_r_languages: tuple[str, ...] = ()  # XTREME-R (2021); empty: not part of XTREME-R
    labels: tuple[str, ...] = ()  # closed label set, where there is one
    trainable: bool = True  # False: scored on the encoder alone (no English training data)

    @property
    def submission_ext(self) -> str:
        return "json" if self.family == QA else "tsv"

    def submission_file(self, language: str, split: str = "test") -> str:
        return f"{self.name}/{split}-{language}.{self.submission_ext}"


def _langs(text: str) -> tuple[str, ...]:
    return tuple(text.split())


XNLI_LABELS = ("contradiction", "entailment", "neutral")
PAWSX_LABELS = ("0", "1")
# Universal POS tags (UD v2): the UD-POS label set.
UPOS_LABELS = (
    "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
)
PANX_LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")

TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        TaskSpec(
            "pawsx", PAIR_CLASSIFICATION, "classification", "accuracy",
            _langs("de en es fr ja ko zh"), labels=PAWSX_LABELS,
        ),
        TaskSpec(
            "xnli", PAIR_CLASSIFICATION, "classification", "accuracy",
            _langs("ar bg de el en es fr hi ru sw th tr ur vi zh"),
            xtreme_r_languages=_langs("ar bg de el en es fr hi ru sw th tr ur vi zh"),
            labels=XNLI_LABELS,
        ),
        TaskSpec(
            "udpos", TAGGING, "tagging", "f1",
            _langs("af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh"),
            xtreme_r_languages=_langs(
                "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko lt mr nl pl pt ro ru ta te th tl tr uk"
                " ur vi wo yo zh"
            ),
            labels=UPOS_LABELS,
        ),
        TaskSpec(
            "panx", TAGGING, "tagging", "f1",
            _langs(
                "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw yo"
                " my zh kk tr et fi hu"
            ),
            xtreme_r_languages=_langs(
                "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw yo"
                " my zh kk tr et fi hu qu pl uk az lt pa gu ro"
            ),
            labels=PANX_LABELS,
        ),
        TaskSpec(
            "xquad", QA, "qa", "em_f1",
            _langs("en es de el ru tr ar vi th zh hi"),
            xtreme_r_languages=_langs("en es de el ru tr ar vi th zh hi ro"),
        ),
        TaskSpec(
            "mlqa", QA, "qa", "em_f1",
            _langs("en es de ar hi vi zh"),
            xtreme_r_languages=_langs("en es de ar hi vi zh"),
        ),
        TaskSpec(
            "tydiqa", QA, "qa", "em_f1",
            _langs("en ar bn fi id ko ru sw te"),
            xtreme_r_languages=_langs("en ar bn fi id ko ru sw te"),
        ),
        TaskSpec(
            "bucc2018", BITEXT_MINING, "retrieval", "f1",
            _langs("de fr ru zh"), trainable=False,
        ),
        TaskSpec(
            "tatoeba", PARALLEL_RETRIEVAL, "retrieval", "accuracy",
            _langs(
                "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh kk"
                " tr et fi hu"
            ),
            xtreme_r_languages=_langs(
                "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh kk"
                " tr et fi hu az lt pl uk ro"
            ),
            trainable=False,
        ),
    )
}

# The reference scorer's groups, in its order.
GROUPS: dict[str, tuple[str, ...]] = {
    "classification": ("pawsx", "xnli"),
    "tagging": ("udpos", "panx"),
    "qa": ("xquad", "mlqa", "tydiqa"),
    "retrieval": ("bucc2018", "tatoeba"),
}

# Tatoeba's files name languages by ISO 639-3 code (tatoeba.{xxx}-eng.*); the hub configs do too.
TATOEBA_ISO3 = {
    "ar": "ara", "he": "heb", "vi": "vie", "id": "ind", "jv": "jav", "tl": "tgl", "eu": "eus", "ml": "mal",
    "ta": "tam", "te": "tel", "af": "afr", "nl": "nld", "de": "deu", "el": "ell", "bn": "ben", "hi": "hin",
    "mr": "mar", "ur": "urd", "fa": "pes", "fr": "fra", "it": "ita", "pt": "por", "es": "spa", "bg": "bul",
    "ru": "rus", "ja": "jpn", "ka": "kat", "ko": "kor", "th": "tha", "sw": "swh", "zh": "cmn", "kk": "kaz",
    "tr": "tur", "et": "est", "fi": "fin", "hu": "hun", "az": "aze", "lt": "lit", "pl": "pol", "uk": "ukr",
    "ro": "ron",
}


def get_task(name: str) -> TaskSpec:
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"unknown XTREME task {name!r}; known: {', '.join(TASKS)}") from None
