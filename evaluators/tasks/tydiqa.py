from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import TYDIQA_GOLDP_EN, XTREME_HUB

LANGUAGES = tuple("en ar bn fi id ko ru sw te".split())
_TRAIN = "tydiqa/tydiqa-goldp-v1.1-train"
_DEV = "tydiqa/tydiqa-goldp-v1.1-dev"

TASK = TaskSpec(
    name="tydiqa", title="TyDiQA-GoldP", family="span_qa",
    metrics=("exact_match", "f1"), headline="em_f1",
    languages=frozen_map({"xtreme": LANGUAGES, "xtreme-r": LANGUAGES}),
    submission_ext="json",
    # Two names each: the benchmark's preprocessing renamed its files between releases. XTREME's
    # TyDiQA-GoldP "test" is the official GoldP dev set.
    raw=frozen_map({
        "train": (f"{_TRAIN}/tydiqa.{{lang}}.train.json", f"{_TRAIN}/tydiqa.goldp.{{lang}}.train.json"),
        "test": (f"{_DEV}/tydiqa.{{lang}}.dev.json", f"{_DEV}/tydiqa.goldp.{{lang}}.dev.json"),
    }),
    # One config for all languages: a question's language is the prefix of its id ("finnish-...").
    hub=hub_splits(XTREME_HUB, "tydiqa", id_prefix="{name}-", train="train", test="validation"),
    language_names=frozen_map({
        "en": "english", "ar": "arabic", "bn": "bengali", "fi": "finnish", "id": "indonesian",
        "ko": "korean", "ru": "russian", "sw": "swahili", "te": "telugu",
    }),
    head_kind="question_answering", training=TYDIQA_GOLDP_EN,
    citation="Clark et al. TyDi QA: A Benchmark for Information-Seeking Question Answering in Typologically "
             "Diverse Languages. TACL 2020.",
)
