"""The Python half of the XTREME lm-eval tasks: one class per task family.

The generated YAML files (see generate.py) say which class, task and language; these classes read the
data through harness_tasks.readers, emit one custom request per example (classify / tag / extract_span /
embed, answered by the `xtreme-encoder` model), and score at corpus level in ``aggregation()``, where
lm-eval hands over all per-example items at once (seqeval F1, BUCC mining, Tatoeba retrieval need that).

Settings live under ``metadata`` (TaskConfig is strict): ``xtreme_task``, ``language``, and the runtime
ones (``TASK_SETTINGS``) a caller gives through ``harness_tasks.task_manager(**settings)`` (or
``TaskManager(metadata=...)``; lm-eval's command line merges --model_args into it): ``data`` (None / "sample": bundled
sample data, a folder in the raw layout, or "hub"), ``split`` ("test" by default), ``tagging_mode``
("xtreme" | "seqeval"), ``bucc_duplicates`` ("drop", the reference's policy | "expand" | "first") and
the BUCC subset: ``bucc_subset`` (a harness_tasks.bucc_subsets preset: "full" by default, "ci", "cpu"),
``bucc_distractors`` (an explicit distractor count per side, instead of a preset) and ``bucc_seed`` (0).

Unlabelled data (the raw layout's test splits) yields predictions only: every metric is NaN and a
warning says so, rather than scoring placeholder labels. Each task's predictions (in submission order)
and its summary are kept in ``PREDICTIONS[task name]`` for the `xtreme score` command's submission writer.

A language whose files the data folder lacks (or a split the task does not have, e.g. XQuAD dev) builds
an *absent* task: ``task.absent`` says why, and the task refuses to run. harness_tasks.tasks.manager's
task manager drops absent tasks from the ``xtreme_<task>`` and ``xtreme`` groups and records them, so a
group scores the languages present. Malformed files are never absent: they stop the run with the file
and line.

The YAML's ``output_type`` is ``loglikelihood`` only because lm-eval wants one of its four (its
``generate_until`` would log generation settings for tasks that generate nothing); requests carry our
own types.
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import datasets
import numpy as np
from lm_eval.api.instance import Instance
from lm_eval.api.task import ConfigurableTask

from harness_tasks.tasks import TASK_SETTINGS, XtremeTaskError, settings_problem

log = logging.getLogger(__name__)

# task name -> {"task", "language", "split", "labelled", "predictions", "scores", "notes"}
PREDICTIONS: dict[str, dict] = {}

DEFAULT_SPLIT = "test"


def _source(data):
    """metadata 'data' -> the readers' source argument (None = bundled sample data)."""
    if data in (None, "", "sample"):
        return None
    return str(data)


# What each setting means when it is not given (the effective values recorded per task).
SETTING_DEFAULTS = {"data": "sample", "split": DEFAULT_SPLIT, "tagging_mode": "xtreme", "bucc_duplicates": "drop",
                    "bucc_subset": "full", "bucc_distractors": None, "bucc_seed": "0"}


def effective_settings(meta: dict, keys=TASK_SETTINGS) -> dict[str, str | None]:
    """The task settings in ``meta`` as comparable strings, defaults filled in (see SETTING_DEFAULTS)."""
    settings = {}
    for key in keys:
        value = meta.get(key)
        if value in (None, ""):
            settings[key] = SETTING_DEFAULTS[key]
        elif key == "data":
            settings[key] = _source(value) or "sample"
        else:
            settings[key] = str(value)
    return settings


@dataclass
class XtremeRequest(Instance):
    """An lm-eval request that also says which data it came from (``effective_settings`` of its task), so
    the model can refuse settings that disagree with the ones it was given."""

    settings: dict = field(default_factory=dict)


def check_task_settings(model_settings: dict, request) -> None:
    """Refuse a run whose model_args name task settings (data, split, ...) that the task was not built with.

    lm-eval's command line hands --model_args to the tasks itself; its Python API does not when a
    task_manager is given, so ``model_args="data=DIR"`` there would silently score other data.
    """
    task_settings = getattr(request, "settings", None)
    if not task_settings:
        return
    given = effective_settings(model_settings, [k for k in TASK_SETTINGS if k in model_settings])
    for key, value in given.items():
        if task_settings.get(key) != value:
            raise XtremeTaskError(
                f"xtreme-encoder: model_args give {key}={value} but task {request.task_name} was built with "
                f"{key}={task_settings.get(key)}: in Python pass task settings to the task manager, "
                f"harness_tasks.task_manager({key}=...); lm-eval's command line hands --model_args to the tasks")


@contextmanager
def _labelled_request_bar(label: str):
    """lm-eval draws an unlabelled bar per task while it builds requests; name the task on it."""
    import lm_eval.api.task as task_module

    plain = task_module.tqdm
    task_module.tqdm = partial(plain, desc=label, leave=False)
    try:
        yield
    finally:
        task_module.tqdm = plain


class XtremeTask(ConfigurableTask):
    REQUEST_TYPE = ""
    METRICS: tuple[str, ...] = ()
    NEEDS_EVERY_DOC = False  # mining / retrieval: a limit or sample of the documents is refused
    FAMILY = ""

    def __init__(self, config: dict | None = None, **_unused) -> None:
        config = dict(config or {})
        config.pop("class", None)  # lm-eval passes it through; TaskConfig would reject it
        meta = dict(config.get("metadata") or {})
        for key in ("xtreme_task", "language"):
            if key not in meta:
                raise XtremeTaskError(f"task {config.get('task')!r}: metadata.{key} is missing "
                                      "(regenerate the YAML with harness_tasks/tasks/generate.py)")
        self.xtreme_task = meta["xtreme_task"]
        self.language = meta["language"]
        self.split = meta.get("split") or DEFAULT_SPLIT
        self.data = _source(meta.get("data"))
        self.meta = meta
        self._check_settings(config.get("task"))
        self.settings = effective_settings(meta)
        self.absent: str | None = None  # why this language has no data here (set by download)
        self._memo: tuple | None = None
        # lm-eval wants one of its four types; requests carry our own. Not generate_until: lm-eval logs
        # generation settings for those, and nothing is generated here.
        config["output_type"] = "loglikelihood"
        config["test_split"] = "test"
        config["metadata"] = meta
        super().__init__(config=config)

    def _check_settings(self, name) -> None:
        """Settings that would fail only after the model ran, or read nothing at all, fail here by name."""
        problem = settings_problem(self.meta)
        if problem:
            raise XtremeTaskError(f"task {name}: {problem}")

    # ---- data ---------------------------------------------------------------------------------
    def load_records(self, split: str | None = None):
        from harness_tasks.readers import load_split

        return load_split(self.xtreme_task, self.language, split or self.split, self.data)

    def make_docs(self) -> list[dict]:
        raise NotImplementedError

    def download(self, dataset_kwargs=None, **_unused) -> None:
        from harness_tasks.readers import MissingDataError, available_splits

        if self.split not in available_splits(self.xtreme_task):
            splits = ", ".join(available_splits(self.xtreme_task))
            self.absent = f"{self.xtreme_task} has no {self.split} split (it has {splits})"
        else:
            try:
                docs = self.make_docs()
            except MissingDataError as err:  # a file the layout names is not there: this language is absent
                self.absent = str(err)
        if self.absent is not None:
            # lm-eval inspects one document while it builds a task: give it a placeholder, never run.
            self.dataset = {"test": datasets.Dataset.from_list([{"text": "", "gold": None, "answers": []}])}
            return
        if not docs:
            raise XtremeTaskError(f"{self.config.task}: no examples in the {self.split} split of {self.data or 'sample data'}")
        self.dataset = {"test": datasets.Dataset.from_list(docs)}

    def build_all_requests(self, **kwargs) -> None:
        if self.absent is not None:
            raise XtremeTaskError(
                f"{self.config.task}: no data: {self.absent}. Load groups through harness_tasks.task_manager(...), "
                "which scores the languages present and records the others, or name languages that have data")
        shots = self.config.num_fewshot or 0
        if shots:  # lm-eval would report n-shot N for a zero-shot score
            raise XtremeTaskError(f"{self.config.task}: XTREME is zero-shot cross-lingual transfer, so num_fewshot={shots} "
                                  f"(--num_fewshot) does not apply: leave it out")
        limit = kwargs.get("limit")
        if limit is not None and limit < 1:  # lm-eval itself would fail with "did not find any docs!"
            raise XtremeTaskError(f"{self.config.task}: limit={limit} (--limit) keeps no document: give at least 1")
        if self.NEEDS_EVERY_DOC:
            self._refuse_a_cut_corpus(limit, kwargs.get("samples"))
        with _labelled_request_bar(f"{self.config.task} requests"):
            super().build_all_requests(**kwargs)

    def _refuse_a_cut_corpus(self, limit, samples) -> None:
        """lm-eval's limit / samples keep some documents of each task: mining and retrieval would then search
        among other candidates and score something else. Refused before any request is built."""
        total = len(self.eval_docs)
        kept = None
        if limit is not None and limit < total:
            kept, how = int(limit), f"limit={limit} (--limit)"
        elif samples is not None and sorted(set(samples)) != list(range(total)):
            kept, how = len(set(samples)), "samples= (--samples)"
        if kept is not None:
            raise XtremeTaskError(
                f"{self.config.task}: {self.FAMILY} needs every sentence embedded, but {how} keeps {kept} of its "
                f"{total} sentences: drop it or leave out xtreme_bucc2018 and xtreme_tatoeba")

    def has_training_docs(self) -> bool:
        return False

    def has_validation_docs(self) -> bool:
        return False

    def has_test_docs(self) -> bool:
        return True

    def test_docs(self):
        return self.dataset["test"]

    def fewshot_docs(self):
        return None

    def fewshot_context(self, doc, num_fewshot=0, **_unused) -> str:
        return self.doc_to_text(doc)  # zero-shot transfer: no demonstrations, no prompt

    def doc_to_text(self, doc, doc_to_text=None) -> str:
        return str(doc.get("text", ""))

    def doc_to_target(self, doc, doc_to_target=None):
        return "" if doc.get("gold") is None else str(doc["gold"])

    # ---- requests -----------------------------------------------------------------------------
    def arguments(self, doc) -> tuple:
        raise NotImplementedError

    def construct_requests(self, doc, ctx, **kwargs):
        kwargs.pop("apply_chat_template", None)
        kwargs.pop("chat_template", None)
        return XtremeRequest(request_type=self.REQUEST_TYPE, doc=doc, arguments=self.arguments(doc), idx=0,
                             settings=self.settings, **kwargs)

    def item(self, doc, prediction):
        raise NotImplementedError

    def process_results(self, doc, results):
        item = self.item(doc, results[0])
        return {metric: item for metric in self.METRICS}

    # ---- corpus-level scoring -----------------------------------------------------------------
    def summarize(self, items: list) -> tuple[dict, list, bool, list[str]]:
        """(scores, predictions in submission order, labelled, notes)."""
        raise NotImplementedError

    def _aggregate(self, metric: str, items: list) -> float:
        # lm-eval calls each metric's aggregation with its own list of the same item objects: score once.
        key = (len(items), id(items[0]) if items else None)
        if self._memo is None or self._memo[0] != key:
            scores, predictions, labelled, notes = self.summarize(list(items))
            if not labelled:
                notes.append(f"{self.split} split has no labels: predictions only, not scored")
                log.warning("%s: %s", self.config.task, notes[-1])
                scores = {m: math.nan for m in self.METRICS}
            PREDICTIONS[self.config.task] = {
                "task": self.xtreme_task, "language": self.language, "split": self.split,
                "data": self.data or "sample", "labelled": labelled, "predictions": predictions,
                "scores": scores, "notes": notes, "n": len(items), **self.record(),
            }
            self._memo = (key, scores)
        return float(self._memo[1][metric])

    def record(self) -> dict:
        """Extra fields for this task's PREDICTIONS entry."""
        return {}

    def aggregation(self) -> dict:
        return {metric: partial(self._aggregate, metric) for metric in self.METRICS}

    def higher_is_better(self) -> dict:
        return {metric: True for metric in self.METRICS}


class PairClassificationTask(XtremeTask):
    """XNLI, PAWS-X: accuracy over stripped label strings."""

    REQUEST_TYPE = "classify"
    METRICS = ("accuracy", "score")

    def make_docs(self):
        return [{"id": r.id, "index": i, "sentence1": r.sentence1, "sentence2": r.sentence2,
                 "text": f"{r.sentence1}\t{r.sentence2}", "gold": r.label}
                for i, r in enumerate(self.load_records())]

    def arguments(self, doc):
        return (doc["sentence1"], doc["sentence2"])

    def item(self, doc, prediction):
        return (doc["index"], doc["gold"], prediction)

    def summarize(self, items):
        from evaluators.classification import accuracy

        items.sort(key=lambda x: x[0])
        predictions = [p for _, _, p in items]
        labelled = all(g is not None for _, g, _ in items)
        if not labelled:
            return {}, predictions, False, []
        scores = accuracy([g for _, g, _ in items], predictions)
        return {"accuracy": scores["accuracy"], "score": scores["accuracy"]}, predictions, True, []


class TaggingTask(XtremeTask):
    """UD-POS, PAN-X: chunk F1 (tagging mode recorded), precision, recall and token accuracy."""

    REQUEST_TYPE = "tag"
    METRICS = ("f1", "precision", "recall", "token_accuracy", "score")

    def make_docs(self):
        return [{"id": r.id, "index": i, "tokens": list(r.tokens), "text": " ".join(r.tokens),
                 "gold": None if r.tags is None else list(r.tags)}
                for i, r in enumerate(self.load_records())]

    def doc_to_target(self, doc, doc_to_target=None):
        return "" if doc.get("gold") is None else " ".join(doc["gold"])

    def arguments(self, doc):
        return (doc["text"], list(doc["tokens"]))

    def item(self, doc, prediction):
        if len(prediction) != len(doc["tokens"]):
            raise AssertionError(f"{self.config.task} sentence {doc['id']}: {len(doc['tokens'])} words "
                                 f"but {len(prediction)} predicted tags")
        return (doc["index"], doc["gold"], list(prediction))

    def summarize(self, items):
        from evaluators.tagging import tagging_scores

        mode = self.meta.get("tagging_mode") or "xtreme"
        items.sort(key=lambda x: x[0])
        predictions = [p for _, _, p in items]
        if not all(g is not None for _, g, _ in items):
            return {}, predictions, False, []
        scores = tagging_scores([list(g) for _, g, _ in items], predictions, mode)
        scores["score"] = scores["f1"]
        return scores, predictions, True, [f"tagging mode {mode}"]


class QATask(XtremeTask):
    """XQuAD, TyDiQA-GoldP (SQuAD v1.1 scoring) and MLQA (language-aware scoring): EM, F1, (EM+F1)/2."""

    REQUEST_TYPE = "extract_span"
    METRICS = ("exact_match", "f1", "score")

    def make_docs(self):
        return [{"id": r.id, "index": i, "question": r.question, "context": r.context, "text": r.question,
                 "gold": None, "answers": [a.text for a in r.answers]}
                for i, r in enumerate(self.load_records())]

    def doc_to_target(self, doc, doc_to_target=None):
        return " | ".join(doc["answers"])

    def arguments(self, doc):
        return (doc["question"], doc["context"])

    def item(self, doc, prediction):
        return (doc["index"], doc["id"], list(doc["answers"]), prediction)

    def summarize(self, items):
        from evaluators.mlqa import mlqa_scores
        from evaluators.squad import squad_scores

        items.sort(key=lambda x: x[0])
        predictions = {qid: p for _, qid, _, p in items}
        # The raw layout's unlabelled files keep questions but drop answers.
        if not any(answers for _, _, answers, _ in items):
            return {}, predictions, False, []
        answers = {qid: a for _, qid, a, _ in items}
        if self.xtreme_task == "mlqa":
            scores = mlqa_scores(answers, predictions, self.language)
        else:
            scores = squad_scores(answers, predictions)
        scores = {"exact_match": scores["exact_match"], "f1": scores["f1"]}
        scores["score"] = (scores["exact_match"] + scores["f1"]) / 2
        return scores, predictions, True, []


def _stack(vectors) -> np.ndarray:
    return np.stack([np.asarray(v, dtype=np.float32) for v in vectors]) if vectors else np.zeros((0, 0), np.float32)


class BuccTask(XtremeTask):
    """BUCC 2018 mining. The threshold is fitted on the dev split's gold and applied unchanged to the test
    split (split=test, the default); with split=dev it is fitted and applied on dev (in-sample, noted)."""

    REQUEST_TYPE = "embed"
    METRICS = ("f1", "precision", "recall", "score")
    NEEDS_EVERY_DOC = True
    FAMILY = "BUCC"

    def subset(self, corpus):
        """``corpus`` cut to the subset named in metadata; dev and test get the same preset and seed, since
        the margin threshold fitted on dev shifts with the number of distractors."""
        from harness_tasks.bucc_subsets import bucc_preset, bucc_subset

        seed = int(self.meta.get("bucc_seed") or 0)
        distractors = self.meta.get("bucc_distractors")
        name = self.meta.get("bucc_subset") or "full"
        if distractors not in (None, ""):
            if name != "full":
                raise XtremeTaskError(f"{self.config.task}: give bucc_subset ({name!r}) or bucc_distractors, not both")
            return bucc_subset(corpus, int(distractors), seed)
        return bucc_preset(corpus, name, seed)

    def make_docs(self):
        self.corpora = {"dev": self.subset(self.load_records("dev"))}
        if self.split != "dev":
            self.corpora[self.split] = self.subset(self.load_records(self.split))
        docs = []
        for split, corpus in self.corpora.items():
            for side, ids, texts in (("src", corpus.source_ids, corpus.source_sentences),
                                     ("tgt", corpus.target_ids, corpus.target_sentences)):
                docs.extend({"split": split, "side": side, "position": i, "id": sid, "text": text, "gold": None}
                            for i, (sid, text) in enumerate(zip(ids, texts)))
        return docs

    def arguments(self, doc):
        return (doc["text"],)

    def item(self, doc, prediction):
        return (doc["split"], doc["side"], doc["position"], prediction)

    def candidates(self, corpus, src_emb: np.ndarray, tgt_emb: np.ndarray):
        from evaluators.mining import mine_bitext, pairs_to_ids, unique_texts

        policy = self.meta.get("bucc_duplicates") or "drop"
        sides = []
        for ids, texts, emb in ((corpus.source_ids, corpus.source_sentences, src_emb),
                                (corpus.target_ids, corpus.target_sentences, tgt_emb)):
            unique = unique_texts(ids, texts)
            # One embedding per distinct text: the first occurrence's (identical texts embed identically).
            _, first = np.unique(unique.inverse, return_index=True)
            sides.append((unique, emb[first]))
        (src_u, src_e), (tgt_u, tgt_e) = sides
        return pairs_to_ids(mine_bitext(src_e, tgt_e, k=4), src_u, tgt_u, duplicates=policy), policy

    def summarize(self, items):
        from evaluators.bitext import bitext_f1
        from evaluators.mining import apply_threshold, fit_threshold

        emb: dict[tuple[str, str], dict[int, np.ndarray]] = {}
        for split, side, position, vector in items:
            emb.setdefault((split, side), {})[position] = vector
        for split, corpus in self.corpora.items():
            for side, n in (("src", len(corpus.source_ids)), ("tgt", len(corpus.target_ids))):
                if len(emb.get((split, side), {})) != n:
                    raise XtremeTaskError(f"{self.config.task}: BUCC needs every sentence embedded "
                                          f"({split} {side}: {len(emb.get((split, side), {}))} of {n}); do not use --limit")

        def matrix(split, side):
            block = emb[(split, side)]
            return _stack([block[i] for i in range(len(block))])

        dev = self.corpora["dev"]
        if dev.gold is None:
            raise XtremeTaskError(f"{self.config.task}: the dev split has no gold pairs, so no threshold can be fitted")
        dev_candidates, policy = self.candidates(dev, matrix("dev", "src"), matrix("dev", "tgt"))
        fit = fit_threshold([(s, t, c) for s, t, c in dev_candidates], dev.gold)
        target = self.corpora[self.split]
        if self.split == "dev":
            candidates = dev_candidates
        else:
            candidates, _ = self.candidates(target, matrix(self.split, "src"), matrix(self.split, "tgt"))
        predicted = [tuple(p) for p in apply_threshold([(s, t, c) for s, t, c in candidates], fit.threshold)]
        notes = [f"threshold {fit.threshold!r} fitted on dev gold (dev F1 {fit.f1 * 100:.2f})",
                 f"duplicates policy {policy}"]
        notes += [c.describe_text() for c in self.corpora.values() if c.subset != "full"]
        if self.split == "dev":
            notes.append("scored on the split the threshold was fitted on (in-sample)")
        if target.gold is None:
            return {}, predicted, False, notes
        scores = bitext_f1(target.gold, predicted)
        scores["score"] = scores["f1"]
        return scores, predicted, True, notes

    def record(self) -> dict:
        # What was scored, per split ("full" included), for results.json's xtreme section.
        return {"bucc_subset": {split: corpus.describe() for split, corpus in self.corpora.items()}}


class TatoebaTask(XtremeTask):
    """Tatoeba: each English line retrieves its nearest non-English sentence (cosine, top 1), as the reference."""

    REQUEST_TYPE = "embed"
    METRICS = ("accuracy", "score")
    NEEDS_EVERY_DOC = True
    FAMILY = "Tatoeba"

    def make_docs(self):
        self.corpus = self.load_records()
        docs = [{"side": "src", "position": i, "text": t, "gold": None} for i, t in enumerate(self.corpus.source)]
        docs += [{"side": "tgt", "position": i, "text": t, "gold": None} for i, t in enumerate(self.corpus.target)]
        return docs

    def arguments(self, doc):
        return (doc["text"],)

    def item(self, doc, prediction):
        return (doc["side"], doc["position"], prediction)

    def summarize(self, items):
        from evaluators.retrieval import tatoeba_top1, top1_accuracy

        emb: dict[str, dict[int, np.ndarray]] = {"src": {}, "tgt": {}}
        for side, position, vector in items:
            emb[side][position] = vector
        n_src, n_tgt = len(self.corpus.source), len(self.corpus.target)
        if len(emb["src"]) != n_src or len(emb["tgt"]) != n_tgt:
            raise XtremeTaskError(f"{self.config.task}: Tatoeba needs every sentence embedded "
                                  f"({len(emb['src'])}/{n_src} source, {len(emb['tgt'])}/{n_tgt} English); do not use --limit")
        src = _stack([emb["src"][i] for i in range(n_src)])
        tgt = _stack([emb["tgt"][i] for i in range(n_tgt)])
        predicted = [int(i) for i in tatoeba_top1(tgt, src)]  # English queries, as the reference
        if self.corpus.gold is None:
            return {}, predicted, False, []
        accuracy = top1_accuracy(list(self.corpus.gold), predicted)
        return {"accuracy": accuracy, "score": accuracy}, predicted, True, []


FAMILY_CLASSES = {
    "pair_classification": PairClassificationTask,
    "tagging": TaggingTask,
    "qa": QATask,
    "bitext_mining": BuccTask,
    "parallel_retrieval": TatoebaTask,
}
