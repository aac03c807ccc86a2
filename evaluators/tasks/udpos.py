from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import UD_ENGLISH, UDPOS_COLUMNS, XTREME_HUB

XTREME = tuple(
    "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh".split())
# XTREME-R: UD v2.7, adding lt pl uk wo ro after XTREME's languages (the reference scorer's order).
XTREME_R = XTREME + tuple("lt pl uk wo ro".split())

TASK = TaskSpec(
    name="udpos", title="UD-POS", family="tagging",
    metrics=("f1", "precision", "recall"), headline="f1",
    languages=frozen_map({"xtreme": XTREME, "xtreme-r": XTREME_R}),
    submission_ext="tsv",
    # Universal POS tags (UD v2).
    labels=tuple("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()),
    # CONJ is the UD v1 name of what UD v2 calls CCONJ; heads trained on UD v1 treebanks still use it.
    label_synonyms=frozen_map({"conj": "CCONJ"}),
    raw=frozen_map({split: (f"udpos/{split}-{{lang}}.tsv",) for split in ("train", "dev", "test")}),
    hub=hub_splits(XTREME_HUB, "udpos.{name}", columns=UDPOS_COLUMNS, train="train", dev="validation",
                   test="test"),
    # The hub names udpos configs by English language name ("Afrikans" is the hub's own spelling).
    language_names=frozen_map({
        "af": "Afrikans", "ar": "Arabic", "bg": "Bulgarian", "de": "German", "el": "Greek", "en": "English",
        "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
        "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
        "kk": "Kazakh", "ko": "Korean", "mr": "Marathi", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian",
        "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "ur": "Urdu",
        "vi": "Vietnamese", "yo": "Yoruba", "zh": "Chinese", "lt": "Lithuanian", "pl": "Polish",
        "uk": "Ukrainian", "wo": "Wolof", "ro": "Romanian",
    }),
    head_kind="token_classification", training=UD_ENGLISH,
    citation="Nivre et al. Universal Dependencies v2.5 (XTREME) and v2.7 (XTREME-R).",
)
