from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import XTREME_HUB

XTREME = tuple(
    "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh kk tr et fi"
    " hu".split())
XTREME_R = XTREME + tuple("az lt pl uk ro".split())

TASK = TaskSpec(
    name="tatoeba", title="Tatoeba", family="sentence_retrieval",
    metrics=("accuracy",), headline="accuracy",
    languages=frozen_map({"xtreme": XTREME, "xtreme-r": XTREME_R}),
    submission_ext="tsv",
    # Files name languages by ISO 639-3 code (tatoeba.{xxx}-eng.{xxx}); so do the hub configs.
    raw=frozen_map({"test": ("tatoeba/tatoeba.{name}-eng.{name}", "tatoeba/{lang}-en.{lang}")}),
    hub=hub_splits(XTREME_HUB, "tatoeba.{name}", test="validation"),
    language_names=frozen_map({
        "ar": "ara", "he": "heb", "vi": "vie", "id": "ind", "jv": "jav", "tl": "tgl", "eu": "eus", "ml": "mal",
        "ta": "tam", "te": "tel", "af": "afr", "nl": "nld", "de": "deu", "el": "ell", "bn": "ben", "hi": "hin",
        "mr": "mar", "ur": "urd", "fa": "pes", "fr": "fra", "it": "ita", "pt": "por", "es": "spa", "bg": "bul",
        "ru": "rus", "ja": "jpn", "ka": "kat", "ko": "kor", "th": "tha", "sw": "swh", "zh": "cmn", "kk": "kaz",
        "tr": "tur", "et": "est", "fi": "fin", "hu": "hun", "az": "aze", "lt": "lit", "pl": "pol", "uk": "ukr",
        "ro": "ron",
    }),
    head_kind="encoder",
    citation="Artetxe and Schwenk. Massively Multilingual Sentence Embeddings for Zero-Shot Cross-Lingual "
             "Transfer and Beyond. TACL 2019.",
)
