from evaluators.task_spec import TaskSpec, frozen_map
from evaluators.tasks.training_data import WIKIPEDIA_MENTION_PAIRS

TASK = TaskSpec(
    name="mewslix", title="Mewsli-X", family="entity_retrieval",
    # The reference calls it map@20; with one gold entity a query it is the reciprocal rank within the
    # top 20, and the task score is their mean (MRR@20), macro-averaged over languages.
    metrics=("map@20",), headline="mrr@20",
    languages=frozen_map({"xtreme-r": tuple("ar de en es fa ja pl ro ta tr uk".split())}),
    submission_ext="json",
    # Mentions in context, their gold entity ids, and the ~1M candidate entity descriptions shared by all
    # languages, as the benchmark's download script (utils_preprocess.py) writes them.
    raw=frozen_map({split: (f"mewslix/wikinews_mentions/{split}-{{lang}}.jsonl",
                            f"mewslix/wikinews_labels/{split}-{{lang}}.json",
                            "mewslix/candidate_set_entities.jsonl") for split in ("dev", "test")}),
    head_kind="dual_encoder", training=WIKIPEDIA_MENTION_PAIRS,
    # scripts/run_eval_mewslix.sh: MAX_SEQ_LEN=64 for mentions and entity descriptions alike.
    retrieval_max_lengths=frozen_map({"query": 64, "candidate": 64}),
    citation="Ruder et al. XTREME-R: Towards More Challenging and Nuanced Multilingual Evaluation. EMNLP 2021.",
)
