from evaluators.task_spec import TaskSpec, frozen_map, hub_splits
from evaluators.tasks.training_data import SQUAD_V1_DUAL_ENCODER

TASK = TaskSpec(
    name="lareqa", title="LAReQA", family="answer_retrieval",
    # Each question ranks the answer-bearing sentences of XQuAD-R in all eleven languages at once; its
    # targets are its answer sentence in every language. AP@20 divides by min(targets, 20) and the mean is
    # pooled over the questions of every language (utils_lareqa), not averaged per language.
    metrics=("map@20",), headline="map@20", average="pooled",
    languages=frozen_map({"xtreme-r": tuple("ar de el en es hi ru th tr vi zh".split())}),
    # Our layout (the reference has none): {question id: [ranked candidate ids]}, one file a language.
    submission_ext="json",
    raw=frozen_map({"test": ("lareqa/xquad-r/{lang}.json",)}),
    hub=hub_splits("google-research-datasets/xquad_r", "{lang}", test="validation"),
    head_kind="dual_encoder", training=SQUAD_V1_DUAL_ENCODER,
    # scripts/run_eval_lareqa.sh: MAX_QUERY_LEN=96 for questions, MAX_ANSWER_LEN=256 for sentence + context.
    retrieval_max_lengths=frozen_map({"query": 96, "candidate": 256}),
    citation="Roy et al. LAReQA: Language-Agnostic Answer Retrieval from a Multilingual Pool. EMNLP 2020.",
)
