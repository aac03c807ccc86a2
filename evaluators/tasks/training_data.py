"""The English data each trainable head is fine-tuned on, declared once and shared by the tasks it serves.

SQuAD v1.1 trains the one ``squad`` head that scores both XQuAD and MLQA, so it is declared here rather
than in a task. Epochs are the X-STILTs paper's target-phase settings (Phang et al. 2020, appendix).
"""

from evaluators.task_spec import TrainingData, frozen_map, hub_splits

XTREME_HUB = "google/xtreme"

MNLI_FOR_XNLI = TrainingData(
    head="xnli", reader="xnli", family="pair_classification", head_kind="sequence_classification",
    # MNLI train as the benchmark's download script ships it; model selection on XNLI's English dev set.
    raw=frozen_map({"train": ("xnli/train-en.tsv",), "dev": ("xnli/dev-{lang}.tsv",)}),
    hub=frozen_map({
        **hub_splits("nyu-mll/multi_nli", None, train="train"),
        **hub_splits(XTREME_HUB, "XNLI", language_column="language", dev="validation"),
    }),
    epochs=2, max_length=128, selection="accuracy on XNLI English dev",
    citation="Williams, Nangia and Bowman. A Broad-Coverage Challenge Corpus for Sentence Understanding "
             "through Inference. NAACL 2018.",
)

PAWS_EN = TrainingData(
    head="pawsx", reader="pawsx", family="pair_classification", head_kind="sequence_classification",
    raw=frozen_map({"train": ("pawsx/train-{lang}.tsv",), "dev": ("pawsx/dev-{lang}.tsv",)}),
    hub=hub_splits(XTREME_HUB, "PAWS-X.{lang}", train="train", dev="validation"),
    epochs=5, max_length=128, selection="accuracy on PAWS-X English dev",
    citation="Zhang, Baldridge and He. PAWS: Paraphrase Adversaries from Word Scrambling. NAACL 2019.",
)

UD_ENGLISH = TrainingData(
    head="udpos", reader="udpos", family="tagging", head_kind="token_classification",
    raw=frozen_map({"train": ("udpos/train-{lang}.tsv",), "dev": ("udpos/dev-{lang}.tsv",)}),
    hub=hub_splits(XTREME_HUB, "udpos.English", train="train", dev="validation"),
    epochs=10, max_length=128, selection="chunk F1 (evaluators.tagging, mode xtreme) on UD-POS English dev",
    citation="Nivre et al. Universal Dependencies v2.5. 2019.",
)

PANX_EN = TrainingData(
    head="panx", reader="panx", family="tagging", head_kind="token_classification",
    raw=frozen_map({"train": ("panx/train-{lang}.tsv",), "dev": ("panx/dev-{lang}.tsv",)}),
    hub=hub_splits(XTREME_HUB, "PAN-X.{lang}", train="train", dev="validation"),
    epochs=10, max_length=128, selection="entity F1 (evaluators.tagging, mode xtreme) on PAN-X English dev",
    citation="Pan et al. Cross-lingual Name Tagging and Linking for 282 Languages. ACL 2017.",
)

SQUAD_V1 = TrainingData(
    head="squad", reader="squad", family="span_qa", head_kind="question_answering",
    raw=frozen_map({"train": ("squad/train-v1.1.json",), "dev": ("squad/dev-v1.1.json",)}),
    hub=hub_splits(XTREME_HUB, "SQuAD", train="train", dev="validation"),
    epochs=2, max_length=384, selection="SQuAD v1.1 F1 on SQuAD v1.1 dev",
    citation="Rajpurkar et al. SQuAD: 100,000+ Questions for Machine Comprehension of Text. EMNLP 2016.",
)

TYDIQA_GOLDP_EN = TrainingData(
    head="tydiqa", reader="tydiqa", family="span_qa", head_kind="question_answering",
    raw=frozen_map({"train": ("tydiqa/tydiqa-goldp-v1.1-train/tydiqa.{lang}.train.json",
                              "tydiqa/tydiqa-goldp-v1.1-train/tydiqa.goldp.{lang}.train.json"),
                     # TyDiQA-GoldP's only English dev data is XTREME's test set: select on SQuAD dev instead.
                     "dev": ("squad/dev-v1.1.json",)}),
    hub=frozen_map({**hub_splits(XTREME_HUB, "tydiqa", id_prefix="english-", train="train"),
                    **hub_splits(XTREME_HUB, "SQuAD", dev="validation")}),
    epochs=2, max_length=384,
    selection="SQuAD v1.1 F1 on SQuAD v1.1 dev (TyDiQA-GoldP has no English dev set)",
    citation="Clark et al. TyDi QA: A Benchmark for Information-Seeking Question Answering in Typologically "
             "Diverse Languages. TACL 2020.",
)
