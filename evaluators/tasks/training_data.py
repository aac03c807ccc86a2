"""The English data each trainable head is fine-tuned on, declared once and shared by the tasks it serves.

SQuAD v1.1 trains the one ``squad`` head that scores both XQuAD and MLQA, so it is declared here rather
than in a task. Epochs and input lengths are the X-STILTs paper's target-phase settings (Phang et al.
2020: 256 tokens for classification and tagging, 384 for QA); a config's own values win.
"""

from evaluators.task_spec import TrainingData, frozen_map, hub_splits

XTREME_HUB = "google/xtreme"
MNLI_HUB = "nyu-mll/multi_nli"

# Hub columns whose names differ from the family's record fields (HubSource.columns), shared by a task
# and its English training data where both come from the same hub configs.
XNLI_COLUMNS = frozen_map({"label": "gold_label"})
UDPOS_COLUMNS = frozen_map({"tags": "pos_tags"})
PANX_COLUMNS = frozen_map({"tags": "ner_tags"})
# multi_nli names the pair premise/hypothesis; its label is a ClassLabel in this order (-1: no gold label).
MNLI_HUB_TRAIN = hub_splits(MNLI_HUB, None, columns={"sentence1": "premise", "sentence2": "hypothesis"},
                            class_names=("entailment", "neutral", "contradiction"), train="train")

MNLI_FOR_XNLI = TrainingData(
    head="xnli", title="MNLI", reader="xnli", family="pair_classification", head_kind="sequence_classification",
    # MNLI train as the benchmark's download script ships it; model selection on XNLI's English dev set.
    raw=frozen_map({"train": ("xnli/train-en.tsv",), "dev": ("xnli/dev-{lang}.tsv",)}),
    hub=frozen_map({
        **MNLI_HUB_TRAIN,
        **hub_splits(XTREME_HUB, "XNLI", language_column="language", columns=XNLI_COLUMNS, dev="validation"),
    }),
    epochs=2, max_length=256, selection="accuracy on XNLI English dev",
    citation="Williams, Nangia and Bowman. A Broad-Coverage Challenge Corpus for Sentence Understanding "
             "through Inference. NAACL 2018.",
)

PAWS_EN = TrainingData(
    head="pawsx", title="PAWS", reader="pawsx", family="pair_classification", head_kind="sequence_classification",
    raw=frozen_map({"train": ("pawsx/train-{lang}.tsv",), "dev": ("pawsx/dev-{lang}.tsv",)}),
    hub=hub_splits(XTREME_HUB, "PAWS-X.{lang}", train="train", dev="validation"),
    epochs=5, max_length=256, selection="accuracy on PAWS-X English dev",
    citation="Zhang, Baldridge and He. PAWS: Paraphrase Adversaries from Word Scrambling. NAACL 2019.",
)

UD_ENGLISH = TrainingData(
    head="udpos", title="UD English-EWT", reader="udpos", family="tagging", head_kind="token_classification",
    raw=frozen_map({"train": ("udpos/train-{lang}.tsv",), "dev": ("udpos/dev-{lang}.tsv",)}),
    hub=hub_splits(XTREME_HUB, "udpos.English", columns=UDPOS_COLUMNS, train="train", dev="validation"),
    epochs=10, max_length=256, selection="chunk F1 (evaluators.tagging, mode xtreme) on UD-POS English dev",
    citation="Nivre et al. Universal Dependencies v2.5. 2019.",
)

PANX_EN = TrainingData(
    head="panx", title="PAN-X English", reader="panx", family="tagging", head_kind="token_classification",
    raw=frozen_map({"train": ("panx/train-{lang}.tsv",), "dev": ("panx/dev-{lang}.tsv",)}),
    hub=hub_splits(XTREME_HUB, "PAN-X.{lang}", columns=PANX_COLUMNS, train="train", dev="validation"),
    epochs=10, max_length=256, selection="entity F1 (evaluators.tagging, mode xtreme) on PAN-X English dev",
    citation="Pan et al. Cross-lingual Name Tagging and Linking for 282 Languages. ACL 2017.",
)

SQUAD_V1 = TrainingData(
    head="squad", title="SQuAD v1.1", reader="squad", family="span_qa", head_kind="question_answering",
    raw=frozen_map({"train": ("squad/train-v1.1.json",), "dev": ("squad/dev-v1.1.json",)}),
    hub=hub_splits(XTREME_HUB, "SQuAD", train="train", dev="validation"),
    epochs=2, max_length=384, selection="SQuAD v1.1 F1 on SQuAD v1.1 dev",
    citation="Rajpurkar et al. SQuAD: 100,000+ Questions for Machine Comprehension of Text. EMNLP 2016.",
)

TYDIQA_GOLDP_EN = TrainingData(
    head="tydiqa", title="TyDiQA-GoldP English", reader="tydiqa", family="span_qa", head_kind="question_answering",
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

# XTREME-R's new targets (settings from the benchmark's scripts/train_{xcopa,lareqa,mewslix}.sh).
SOCIAL_IQA = TrainingData(
    head="xcopa", title="SocialIQA", reader="siqa", family="multiple_choice", head_kind="multiple_choice",
    raw=frozen_map({"train": ("siqa/socialIQa_v1.4_trn.jsonl",), "dev": ("siqa/socialIQa_v1.4_dev.jsonl",)}),
    hub=hub_splits("allenai/social_i_qa", None, train="train", dev="validation"),
    epochs=5, learning_rate=2e-5, max_length=128, selection="accuracy on SocialIQA dev",
    citation="Sap et al. Social IQa: Commonsense Reasoning about Social Interactions. EMNLP 2019.",
)

COPA_EN = TrainingData(
    head="xcopa", title="COPA", reader="xcopa", family="multiple_choice", head_kind="multiple_choice",
    raw=frozen_map({"train": ("xcopa/train-{lang}.jsonl",), "dev": ("xcopa/val-{lang}.jsonl",)}),
    hub=hub_splits("super_glue", "copa", train="train", dev="validation"),
    epochs=5, learning_rate=2e-5, max_length=128, selection="accuracy on English COPA dev",
    citation="Roemmele, Bejan and Gordon. Choice of Plausible Alternatives: An Evaluation of Commonsense "
             "Causal Reasoning. AAAI Spring Symposium 2011.",
    first=(SOCIAL_IQA,),
)

SQUAD_V1_DUAL_ENCODER = TrainingData(
    # LAReQA: SQuAD v1.1 questions against their answer sentences, as a dual encoder (in-batch softmax).
    head="lareqa", title="SQuAD v1.1 (dual encoder)", reader="squad", family="span_qa", head_kind="dual_encoder",
    raw=SQUAD_V1.raw, hub=SQUAD_V1.hub,
    epochs=3, learning_rate=2e-5, max_length=352, selection="mAP@20 on SQuAD v1.1 dev sentences",
    citation=SQUAD_V1.citation,
)

WIKIPEDIA_MENTION_PAIRS = TrainingData(
    # Mewsli-X: English Wikipedia mention-entity pairs, as a dual encoder.
    head="mewslix", title="Wikipedia mention-entity pairs", reader="mewslix", family="entity_retrieval", head_kind="dual_encoder",
    # Each pair carries its entity, so the ~1M candidate set is not read for training: the reference
    # (run_retrieval_el.py) trains with in-batch negatives and never loads it. Dev selection ranks the dev
    # pairs' own entities.
    raw=frozen_map({"train": ("mewslix/wikipedia_pairs-train.jsonl",),
                    "dev": ("mewslix/wikipedia_pairs-dev.jsonl",)}),
    hub=frozen_map(),  # Mewsli-X is built by the benchmark's script; it is not on the hub
    epochs=2, learning_rate=2e-5, max_length=64, selection="MRR@20 on wikipedia_pairs-dev (its own entities)",
    citation="Botha, Shan and Gillick. Entity Linking in 100 Languages. EMNLP 2020.",
)
