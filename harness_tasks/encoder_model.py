"""`xtreme-encoder`: the lm-eval model that scores XTREME with encoders and fine-tuned heads.

lm-eval hands each model method all requests of one request type at once (across tasks) and needs one
answer per request, in order. Our tasks emit five custom request types, one method each:

    classify(requests)      args (sentence1, sentence2)   -> label string (config.id2label)
    tag(requests)           args (text, [word, ...])      -> [tag per word]
    extract_span(requests)  args (question, context)      -> answer text, a substring of context
    choose(requests)        args (prompt, [choice, ...])  -> index of the chosen choice (a multiple-choice head)
    embed(requests)         args (sentence,)              -> float32 vector (hidden layer, pooled)
    encode(requests)        args (label, [text, ...], max_length)
                                                          -> float32 matrix, a unit-length row per text, from
                                                             the task's dual-encoder head (inference.dual_encoder)

Each request's ``task_name`` (``xtreme_<task>_<lang>``, or ``xtreme_<task>`` for a task that is one lm-eval
task over all its languages) picks the checkpoint: a bundle folder
(harness_tasks.bundle layout) and/or explicit per-task or per-head paths:

    model_args="bundle=DIR"  or  "xnli=DIR,udpos=DIR,squad=DIR,encoder=DIR,layer=8,pooling=mean"

Explicit paths win over the bundle. A dual-encoder task (Mewsli-X, LAReQA) whose head is missing falls back
to the bare encoder, embedded the same way, with a warning and a note (``fallback_note``, ``info()``): its
score is then an untrained encoder's, not a fine-tuned dual encoder's. Loading is lazy, so a bundle without
some heads is fine as long as no task needs them. Every checkpoint is checked as it loads (harness_tasks.bundle_check: labels, tokenizer,
weights coverage) and a broken one raises CheckpointError; ``check_checkpoints(tasks)`` loads and checks
the ones some tasks need up front, before anything is scored.

``label_map=xnli=contradiction|entailment|neutral`` gives the task label of each class id of a head whose
config.json id2label does not name them (``|`` because lm-eval splits model_args on commas; ``;`` between
tasks; from Python a dict ``{"xnli": [...]}``). The bundle manifest may hold the same (harness_tasks.bundle).

``cache_dir=DIR`` caches predictions per task and data (harness_tasks.results_cache) and, for ``embed``,
sentence vectors per text under DIR/embeddings/ (harness_tasks.embedding_cache, keyed by checkpoint hash,
layer, pooling, max_length and dtype): a text already embedded by the same checkpoint and settings costs
no forward pass, whichever task, split or BUCC subset it comes from. ``encode`` vectors are cached the
same way only (pooling "dual_encoder", the last layer): a candidate set shared by every language, or by a
rerun, is embedded once.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from pathlib import Path

from lm_eval.api.model import LM
from lm_eval.api.registry import register_model

from harness_tasks import bundle as bundle_layout
from harness_tasks.bundle import CheckpointError
from harness_tasks.heads import DUAL_ENCODER

log = logging.getLogger(__name__)

TASK_PREFIX = "xtreme_"
REQUEST_KINDS = {
    "classify": "sequence_classification",
    "tag": "token_classification",
    "extract_span": "question_answering",
    "choose": "multiple_choice",
    "embed": "encoder",
    "encode": "dual_encoder",
}


def parse_task_name(name: str | None) -> tuple[str, str | None]:
    """('xnli', 'de') from 'xtreme_xnli_de'; ('lareqa', None) from 'xtreme_lareqa', a task that is one lm-eval
    task over all its languages."""
    if name and name.startswith(TASK_PREFIX) and name[len(TASK_PREFIX):] in bundle_layout.HEAD_FOR_TASK:
        return name[len(TASK_PREFIX):], None
    if not name or not name.startswith(TASK_PREFIX) or name.count("_") < 2:
        raise ValueError(f"task name {name!r}: expected 'xtreme_<task>_<language>' or 'xtreme_<task>'")
    task, language = name[len(TASK_PREFIX):].rsplit("_", 1)
    if task not in bundle_layout.HEAD_FOR_TASK:
        raise ValueError(f"task name {name!r}: unknown XTREME task {task!r}")
    return task, language


@register_model("xtreme-encoder")
class XtremeEncoder(LM):
    def __init__(
        self,
        bundle: str | None = None,
        pretrained: str | None = None,  # alias of encoder=, the name other lm-eval models use
        layer: int | None = None,
        pooling: str = "mean",
        max_length: int | None = None,
        doc_stride: int = 128,
        max_query_length: int = 64,
        max_answer_length: int = 30,
        n_best: int = 20,
        batch_size=None,
        max_batch_size=None,
        device: str | None = None,
        dtype: str | None = None,
        allow_pickle=False,
        trust_remote_code=False,
        cache_dir: str | None = None,
        label_map=None,
        **paths,
    ) -> None:
        super().__init__()
        import inspect

        from harness_tasks import model_args as args
        from harness_tasks.inference.loading import pick_device, pick_dtype
        from harness_tasks.tasks import TASK_SETTINGS, settings_problem

        # Every argument is checked before anything loads (harness_tasks.model_args): ModelArgsError, or
        # CheckpointError for a checkpoint path that does not exist, each one line.
        # data, split, ...: task settings. lm-eval's command line hands --model_args to the tasks as well;
        # kept here only to refuse requests from tasks built with other settings (see _dispatch).
        self.task_settings = {key: paths.pop(key) for key in TASK_SETTINGS if key in paths}
        own = [name for name in inspect.signature(XtremeEncoder.__init__).parameters if name not in ("self", "paths")]
        args.unknown_args(paths, [*own, *TASK_SETTINGS], set(bundle_layout.HEAD_FOR_TASK) | set(bundle_layout.HEAD_KIND))
        problem = settings_problem(self.task_settings)
        if problem:
            raise args.ModelArgsError(f"{args.MODEL}: {problem}")
        if pretrained and not paths.get("encoder"):
            paths["encoder"] = pretrained
        self.bundle = args.bundle_path(bundle) if bundle else None
        self.paths = {k: args.checkpoint_path(k, v) for k, v in paths.items() if v}
        self.layer = args.optional_number("layer", layer, 0, unset=(None, "", "default"))
        self.pooling = args.choice("pooling", pooling, ("mean", "cls"))
        # The same floor as `xtreme score --max-length`: shorter cannot hold special tokens and text.
        from harness_tasks.commands.arguments import MIN_MAX_LENGTH

        self.max_length = args.optional_number("max_length", max_length, MIN_MAX_LENGTH)
        self.doc_stride = args.whole_number("doc_stride", doc_stride, 1)
        self.max_query_length = args.whole_number("max_query_length", max_query_length, 1)
        self.max_answer_length = args.whole_number("max_answer_length", max_answer_length, 1)
        self.n_best = args.whole_number("n_best", n_best, 1)
        self.batch_size = args.batch_size(batch_size)
        try:
            self._device = pick_device(None if device is None else str(device))
        except RuntimeError as err:  # torch: "Expected one of cpu, cuda, ... device type at start of ..."
            raise args.ModelArgsError(f"{args.MODEL}: device {device!r}: expected auto, cpu, cuda, cuda:N or "
                                      f"another device torch knows ({str(err).splitlines()[0]})") from None
        try:
            self.dtype = pick_dtype(dtype, self._device)
        except ValueError as err:
            raise args.ModelArgsError(f"{args.MODEL}: {err}") from None
        self.allow_pickle = args.flag("allow_pickle", allow_pickle)
        self.trust_remote_code = args.flag("trust_remote_code", trust_remote_code)
        if cache_dir and os.path.exists(cache_dir) and not os.path.isdir(cache_dir):
            raise args.ModelArgsError(f"{args.MODEL}: cache_dir {cache_dir}: a file, not a folder")
        from harness_tasks.bundle_check import manifest_label_maps
        from harness_tasks.label_maps import parse_label_maps

        self.label_maps = parse_label_maps(label_map, "label_map")  # task -> label of each class id
        # Read now, so a broken manifest stops the run before any model loads.
        self.manifest = bundle_layout.read_manifest(self.bundle) if self.bundle else None
        self.manifest_label_maps = manifest_label_maps(self.bundle, self.manifest) if self.bundle else {}
        self._label_task: dict[tuple[str, str], str] = {}  # loaded classifier -> the task its labels map onto
        self._broken: dict[tuple[str, str], str] = {}  # checkpoint that failed its checks -> why
        self.labels_used: dict[str, dict] = {}  # task -> {"labels": label of each class id, "from": where}
        self.cache = None
        self.embedding_cache = None
        if cache_dir:
            from harness_tasks.embedding_cache import EmbeddingCache
            from harness_tasks.results_cache import PredictionCache

            self.cache = PredictionCache(cache_dir)
            self.embedding_cache = EmbeddingCache(Path(cache_dir) / "embeddings")
        self.embedding_cache_counts = {"hits": 0, "computed": 0}  # distinct texts, summed over calls
        self._loaded: dict[tuple[str, str], tuple] = {}
        self._hashes: dict[str, str] = {}
        self.max_lengths: dict[str, int] = {}  # checkpoint path -> the input length its inputs are cut to
        self.used_layers: dict[str, dict] = {}  # embed path -> {"layer": N, "why": ...}
        self.prediction_sources: dict[str, str] = {}  # task name -> "cache" | "computed"
        self.fallbacks: dict[str, str] = {}  # dual-encoder task scored on the bare encoder -> why

    # ---- which checkpoint serves a task -------------------------------------------------------
    def _head_path(self, task: str, head: str) -> str | None:
        """The checkpoint of ``head`` for ``task``: ``task=PATH``, ``head=PATH``, then the bundle's folder."""
        for key in (task, head):
            if key in self.paths:
                return self.paths[key]
        if self.bundle:
            folder = Path(self.bundle) / head
            if folder.is_dir():
                return str(folder)
        return None

    def _falls_back(self, task: str) -> bool:
        """A dual-encoder task without its head, scored on the bare encoder instead."""
        head = bundle_layout.HEAD_FOR_TASK[task]
        return (bundle_layout.HEAD_KIND.get(head) == DUAL_ENCODER and self._head_path(task, head) is None
                and self._head_path(bundle_layout.ENCODER, bundle_layout.ENCODER) is not None)

    def path_for(self, task: str) -> str | None:
        """The checkpoint folder (or hub id) for ``task``, or None when none is configured."""
        if self._falls_back(task):
            return self._head_path(bundle_layout.ENCODER, bundle_layout.ENCODER)
        return self._head_path(task, bundle_layout.HEAD_FOR_TASK[task])

    def kind_for(self, task: str) -> str:
        """The kind ``task``'s checkpoint is loaded as: its head's, or the encoder's when it falls back."""
        if self._falls_back(task):
            return bundle_layout.ENCODER
        return bundle_layout.HEAD_KIND[bundle_layout.HEAD_FOR_TASK[task]]

    def fallback_note(self, task: str) -> str | None:
        """Why ``task`` is scored on the bare encoder (its dual-encoder head is missing), or None."""
        if not self._falls_back(task):
            return None
        head = bundle_layout.HEAD_FOR_TASK[task]
        where = f"bundle {self.bundle} has no '{head}' head" if self.bundle else f"no '{head}' head given"
        return (f"{where}: scored on the bare encoder (untrained for retrieval), its first-token vector "
                f"L2-normalised as a dual encoder's; not a fine-tuned dual encoder's score")

    def has_checkpoint_for(self, task: str) -> bool:
        return self.path_for(task) is not None

    def _model(self, task: str, kind: str):
        from harness_tasks.bundle_check import CLASSIFIER_KINDS, apply_labels, explicit_labels, open_checkpoint
        from harness_tasks.label_maps import LABELLED_TASKS

        path = self.path_for(task)
        if path is None:
            where = f"bundle {self.bundle}" if self.bundle else "model_args"
            raise ValueError(f"no checkpoint for task {task!r}: {where} has no "
                             f"'{bundle_layout.HEAD_FOR_TASK[task]}' (or '{task}=PATH')")
        key = (path, kind)
        labelled = task in LABELLED_TASKS and kind in CLASSIFIER_KINDS
        if key in self._broken:
            raise CheckpointError(self._broken[key])
        if key not in self._loaded:
            log.info("loading %s (%s) for %s", path, kind, task)
            from_manifest = self.manifest_label_maps if path == self._bundle_head(task) else {}
            label_tasks = {task: explicit_labels(task, self.label_maps, from_manifest)} if labelled else {}
            try:
                tokenizer, model, labels = open_checkpoint(
                    path, kind, label_tasks, device=self._device, dtype=self.dtype,
                    allow_pickle=self.allow_pickle, trust_remote_code=self.trust_remote_code,
                )
            except CheckpointError as err:
                self._broken[key] = str(err)
                raise
            if labelled:  # predictions then carry the task's own label names
                apply_labels(model, labels[task])
                self._label_task[key] = task
                explicit = label_tasks[task]
                self.labels_used[task] = {"labels": list(labels[task]),
                                          "from": "config.json id2label" if explicit is None else explicit.source}
            self._loaded[key] = (tokenizer, model)
            # Recorded at load, not per forward pass, so a run served from the cache reports it too.
            self.max_lengths[path] = self._limit(tokenizer, model)
        elif labelled and self._label_task.get(key, task) != task:
            raise CheckpointError(f"{path}: one classifier cannot serve both {self._label_task[key]} and {task}; "
                                  f"give each task its own head")
        return path, *self._loaded[key]

    def _bundle_head(self, task: str) -> str | None:
        return str(bundle_layout.head_dir(self.bundle, task)) if self.bundle else None

    def check_checkpoints(self, tasks) -> dict[str, str]:
        """Load and check the checkpoint of each task (kept loaded for scoring); ``{task: why}`` for the tasks
        whose checkpoint fails its checks. Tasks without a checkpoint are left out."""
        problems = {}
        for task in tasks:
            if self.path_for(task) is None:
                continue
            try:
                self._model(task, self.kind_for(task))
            except CheckpointError as err:
                problems[task] = str(err)
        return problems

    def _path_of(self, model) -> str:
        """The checkpoint path a loaded model came from."""
        for (path, _kind), (_tokenizer, loaded) in self._loaded.items():
            if loaded is model:
                return path
        raise KeyError(f"{type(model).__name__} was not loaded by this adapter")

    def checkpoint_hash(self, path: str) -> str:
        from harness_tasks.inference.loading import checkpoint_hash

        if path not in self._hashes:
            self._hashes[path] = checkpoint_hash(path)
        return self._hashes[path]

    def embedding_layer(self, model) -> tuple[int, str]:
        from harness_tasks.inference.embedding import default_layer

        if self.layer is not None:
            top = model.config.num_hidden_layers
            if self.layer > top:  # checked before any forward pass (see _dispatch)
                from harness_tasks.model_args import MODEL, ModelArgsError

                raise ModelArgsError(f"{MODEL}: layer {self.layer}: {getattr(model, 'name_or_path', 'the encoder')} "
                                     f"has hidden states 0 to {top}")
            return self.layer, "given"
        return default_layer(model.config)

    def _record_layer(self, model) -> None:
        layer, why = self.embedding_layer(model)
        self.used_layers[getattr(model, "name_or_path", "")] = {"layer": layer, "why": why, "pooling": self.pooling}

    # ---- dispatch --------------------------------------------------------------------------------
    def _settings(self, request_type: str, model) -> dict:
        settings = {"max_length": self.max_length, "dtype": str(self.dtype)}
        if request_type in ("classify", "tag"):  # a label map changes the predictions, not the checkpoint
            settings["labels"] = [model.config.id2label[i] for i in range(len(model.config.id2label))]
        if request_type == "embed":
            settings.update(layer=self.embedding_layer(model)[0], pooling=self.pooling)
        if request_type == "extract_span":
            settings.update(doc_stride=self.doc_stride, max_query_length=self.max_query_length,
                            max_answer_length=self.max_answer_length, n_best=self.n_best)
        return settings

    def _dispatch(self, requests, request_type: str, run) -> list:
        """Group requests by task, run each group on its checkpoint, answer in the original order."""
        from tqdm import tqdm

        groups: dict[str, list[int]] = defaultdict(list)
        for i, request in enumerate(requests):
            groups[request.task_name].append(i)
        answers: list = [None] * len(requests)
        for task_name, indices in groups.items():
            task, _language = parse_task_name(task_name)
            if self.task_settings:
                from harness_tasks.tasks.xtreme_task import check_task_settings

                check_task_settings(self.task_settings, requests[indices[0]])
            kind = REQUEST_KINDS[request_type]
            if request_type == "encode":
                kind = self.kind_for(task)
                note = self.fallback_note(task)
                if note and task not in self.fallbacks:
                    log.warning("%s: %s", task, note)
                    self.fallbacks[task] = note
            path, tokenizer, model = self._model(task, kind)
            arguments = [list(requests[i].args) for i in indices]
            key = None
            if request_type == "embed":
                # Recorded here, not in the forward pass: a run served from the cache must name its layer too.
                self._record_layer(model)
            # encode: vectors are cached per text by the embedding cache instead (a candidate set shared by
            # every language is then embedded once).
            if self.cache is not None and request_type != "encode":
                from harness_tasks.results_cache import cache_key, data_hash

                key = cache_key(checkpoint=self.checkpoint_hash(path), task=task_name,
                                request_type=request_type, settings=self._settings(request_type, model),
                                data=data_hash(arguments))
                labels = frozenset(str(v) for v in (getattr(model.config, "id2label", None) or {}).values())
                cached = self.cache.load(
                    key, request_type, len(indices),
                    labels=labels if request_type in ("classify", "tag") else None,
                    counts=[len(a[1]) for a in arguments] if request_type in ("tag", "choose") else None)
                if cached is not None:
                    log.info("%s: %d cached %s predictions", task_name, len(indices), request_type)
                    self.prediction_sources[task_name] = "cache"
                    for i, value in zip(indices, cached, strict=True):
                        answers[i] = value
                    continue
            self.prediction_sources[task_name] = "computed"
            import torch

            computed = self.embedding_cache_counts["computed"]
            with torch.inference_mode(), tqdm(total=len(indices), desc=f"{task_name} {request_type}",
                                               unit="ex", leave=False) as bar:
                values = run(tokenizer, model, arguments, bar)
            if request_type == "encode" and self.embedding_cache is not None and \
                    self.embedding_cache_counts["computed"] == computed:
                self.prediction_sources[task_name] = "cache"  # every vector from the embedding cache
            if len(values) != len(indices):
                raise AssertionError(f"{task_name}: {len(indices)} requests but {len(values)} answers")
            if key is not None:
                self.cache.save(key, request_type, values)
            for i, value in zip(indices, values, strict=True):
                answers[i] = value
        return answers

    def _limit(self, tokenizer, model) -> int:
        from harness_tasks.inference.loading import max_input_length

        return max_input_length(tokenizer, model, self.max_length)

    # ---- the five request types ------------------------------------------------------------------
    def classify(self, requests) -> list[str]:
        from harness_tasks.inference.classify import classify_pairs

        def run(tokenizer, model, arguments, bar):
            pairs = [(a[0], a[1] if len(a) > 1 else None) for a in arguments]
            return classify_pairs(tokenizer, model, pairs, max_length=self._limit(tokenizer, model),
                                  batch_size=self.batch_size, device=self._device, progress=bar)

        return self._dispatch(requests, "classify", run)

    def tag(self, requests) -> list[list[str]]:
        from harness_tasks.inference.tagging import tag_sentences

        def run(tokenizer, model, arguments, bar):
            sentences = [list(a[1]) for a in arguments]
            return tag_sentences(tokenizer, model, sentences, max_length=self._limit(tokenizer, model),
                                 batch_size=self.batch_size, device=self._device, progress=bar)

        return self._dispatch(requests, "tag", run)

    def extract_span(self, requests) -> list[str]:
        from harness_tasks.inference.spans import extract_spans

        def run(tokenizer, model, arguments, bar):
            limit = self._limit(tokenizer, model)
            query = min(self.max_query_length, limit // 2)
            # The overlap must stay below the context room left after the question and 3 special tokens,
            # or the tokenizer refuses to window (it matters for short limits only).
            stride = max(1, min(self.doc_stride, (limit - query - 3) // 2))
            return extract_spans(
                tokenizer, model, [(a[0], a[1]) for a in arguments], max_length=limit,
                doc_stride=stride, max_query_tokens=query,
                max_answer_length=self.max_answer_length, n_best=self.n_best,
                batch_size=self.batch_size, device=self._device, progress=bar,
            )

        return self._dispatch(requests, "extract_span", run)

    def choose(self, requests) -> list[int]:
        from harness_tasks.inference.multiple_choice import choose_answers

        def run(tokenizer, model, arguments, bar):
            return choose_answers(tokenizer, model, [(a[0], list(a[1])) for a in arguments],
                                  max_length=self._limit(tokenizer, model), batch_size=self.batch_size,
                                  device=self._device, progress=bar)

        return self._dispatch(requests, "choose", run)

    def embed(self, requests) -> list:
        import numpy as np

        # Looked up at call time (not imported by name) so tests can count calls by monkeypatching it.
        from harness_tasks.inference import embedding

        def run(tokenizer, model, arguments, bar):
            layer, _why = self.embedding_layer(model)
            limit = self._limit(tokenizer, model)
            texts = [a[0] for a in arguments]

            def compute(batch: list[str]):
                return embedding.embed_texts(tokenizer, model, batch, layer=layer, pooling=self.pooling,
                                             max_length=limit, batch_size=self.batch_size,
                                             device=self._device, progress=bar)

            if self.embedding_cache is None:
                return compute(texts)
            # The effective truncation length, not the requested one: it is what shapes the vectors.
            settings = {"max_length": limit, "dtype": str(self.dtype)}
            rows = self.embedding_cache.get_or_compute(
                self.checkpoint_hash(self._path_of(model)), layer, self.pooling, texts,
                lambda batch: np.stack(compute(batch)), settings=settings)
            stats = self.embedding_cache.stats
            self.embedding_cache_counts["hits"] += stats.hits
            self.embedding_cache_counts["computed"] += stats.computed
            if stats.hits:
                log.info("embedding cache: %d of %d distinct texts already embedded", stats.hits, stats.unique)
            # A private float32 copy: the cache may return its read-only memory-mapped shard.
            return list(np.array(rows, dtype=np.float32))

        return self._dispatch(requests, "embed", run)

    def encode(self, requests) -> list:
        """Dual-encoder vectors of blocks of texts: args (label, texts, max_length) -> a float32 matrix, one unit
        row per text (the label names the block: lm-eval hashes a request's first argument as its prompt). A
        request carries many texts so that a million candidates are a few thousand lm-eval documents,
        not a million (lm-eval keeps several objects per document). max_length None takes the model's limit;
        --max-length (``max_length=``) caps it."""
        import numpy as np

        from harness_tasks.inference import dual_encoder

        def run(tokenizer, model, arguments, bar):
            limit = self._limit(tokenizer, model)
            bar.reset(total=sum(len(a[1]) for a in arguments))  # the bar counts texts, not blocks
            by_length: dict[int, list[int]] = defaultdict(list)  # queries and candidates have their own
            for i, (_label, _texts, max_length) in enumerate(arguments):
                by_length[min(limit, int(max_length)) if max_length else limit].append(i)
            out: list = [None] * len(arguments)
            for length, blocks in by_length.items():
                texts = [text for i in blocks for text in arguments[i][1]]

                def compute(batch: list[str], length=length):
                    return np.stack(dual_encoder.encode_texts(tokenizer, model, batch, max_length=length,
                                                              batch_size=self.batch_size, device=self._device,
                                                              progress=bar))

                if self.embedding_cache is None:
                    rows = compute(texts) if texts else np.zeros((0, 0), np.float32)
                else:
                    rows = self.embedding_cache.get_or_compute(
                        self.checkpoint_hash(self._path_of(model)), model.config.num_hidden_layers,
                        dual_encoder.POOLING, texts, compute, settings={"max_length": length, "dtype": str(self.dtype)})
                    stats = self.embedding_cache.stats
                    self.embedding_cache_counts["hits"] += stats.hits
                    self.embedding_cache_counts["computed"] += stats.computed
                    bar.update(len(texts) - stats.computed)  # texts from the cache count as done too
                # One private float32 matrix per length (the cache may return its read-only memory-mapped
                # shard), each block a view of it: the task can then take consecutive blocks without a copy.
                own = type(rows) is np.ndarray and rows.dtype == np.float32 and rows.flags.writeable
                matrix = rows if own else np.array(rows, dtype=np.float32)
                start = 0
                for i in blocks:
                    n = len(arguments[i][1])
                    out[i] = matrix[start:start + n]
                    start += n
            return out

        return self._dispatch(requests, "encode", run)

    # ---- lm-eval's generative request types do not apply to encoders -----------------------------
    def loglikelihood(self, requests):
        raise NotImplementedError("xtreme-encoder scores XTREME tasks (classify/tag/extract_span/choose/embed/encode), "
                                  "not loglikelihood tasks")

    def loglikelihood_rolling(self, requests):
        raise NotImplementedError("xtreme-encoder does not compute loglikelihood_rolling")

    def generate_until(self, requests):
        raise NotImplementedError("xtreme-encoder does not generate text")

    def info(self) -> dict:
        """What produced the predictions: checkpoint paths + hashes, embedding layer and pooling, and the input
        length each checkpoint's inputs were cut to (``max_lengths``: the least of --max-length, its position
        embeddings and its tokenizer's model_max_length)."""
        return {
            "bundle": self.bundle,
            "paths": dict(self.paths),
            "checkpoint_hashes": {path: self.checkpoint_hash(path) for path, _ in self._loaded},
            "embedding": {"layer_requested": self.layer, "pooling": self.pooling,
                          "used": dict(self.used_layers),
                          "cache": None if self.embedding_cache is None else
                          {"folder": str(self.embedding_cache.root), **self.embedding_cache_counts}},
            "device": str(self._device),
            "dtype": str(self.dtype),
            "prediction_sources": dict(sorted(self.prediction_sources.items())),
            "dual_encoder_fallbacks": dict(self.fallbacks),  # task -> why it was scored on the bare encoder
            "labels": dict(sorted(self.labels_used.items())),
            "max_lengths": dict(sorted(self.max_lengths.items())),
        }


is_bundle = bundle_layout.is_bundle  # kept importable from here; it lives with the bundle layout
