"""The shared half of the XTREME lm-eval tasks: the base class every family's task class extends.

The generated YAML files (see generate.py) name a family's class (harness_tasks/tasks/families/, one
module per family of evaluators.families) with the task and language; the class reads the data through
harness_tasks.readers, emits custom requests (classify / tag / extract_span / choose / embed / encode,
answered by the `xtreme-encoder` model), and scores at corpus level in ``aggregation()``, where lm-eval
hands over all per-example items at once (seqeval F1, BUCC mining and every retrieval task need that).
What a task is (its metrics, headline, languages) comes from its declaration, evaluators.tasks; how it is
scored from its scoring family, evaluators.families.

Settings live under ``metadata`` (TaskConfig is strict): ``xtreme_task``, ``language``, and the runtime
ones (``TASK_SETTINGS``) a caller gives through ``harness_tasks.task_manager(**settings)`` (or
``TaskManager(metadata=...)``; lm-eval's command line merges --model_args into it): ``data`` (None / "sample": bundled
sample data, a folder in the raw layout, or "hub"), ``split`` ("test" by default), ``tagging_mode``
("xtreme" | "seqeval"), ``bucc_duplicates`` ("drop", the reference's policy | "expand" | "first") and
the BUCC subset: ``bucc_subset`` (a harness_tasks.bucc_subsets preset: "full" by default, "ci", "cpu"),
``bucc_distractors`` (an explicit distractor count per side, instead of a preset) and ``bucc_seed`` (0).

Predictions and per-example outcomes leave lm-eval through what ``simple_evaluate`` returns: with
``log_samples=True`` each sample record holds this task's item under every metric name, and
``task.summary(items)`` (or ``task.summary_of_samples(records)``) gives the :class:`Summary`: predictions
in submission order, the family's per-example outcomes, the scores and notes. The corpus-level work
(BUCC mining, retrieval) runs once per list of items: the summary is kept on the task object, keyed by the
items' identity, so lm-eval's one aggregation per metric and a caller's summary of the samples share it.

Unlabelled data (the raw layout's test splits) yields predictions only: every metric is NaN and a
warning says so, rather than scoring placeholder labels.

A family whose candidates are shared by every language (Mewsli-X's entity set, LAReQA's pool of every
language's sentences) is one lm-eval task over all its languages (``ALL_LANGUAGES``, ``xtreme_<task>``, no
``language`` in its YAML): the candidates are then embedded once, not once per language. It scores the
languages that have data, or those a ``languages`` setting names (comma-separated codes; `xtreme score`
passes --languages so), and its :class:`Summary` holds one part per language (``per_language``) beside the
task score (a mean over languages, or pooled over their examples: ``TaskSpec.average``).

A language whose files the data folder lacks (or a split the task does not have, e.g. XQuAD dev) builds
an *absent* task: ``task.absent`` says why, and the task refuses to run. harness_tasks.tasks.manager's
task manager drops absent tasks from the groups and records them, so a group scores the languages
present. Malformed files are never absent: they stop the run with the file and line.

The YAML's ``output_type`` is ``loglikelihood`` only because lm-eval wants one of its four (its
``generate_until`` would log generation settings for tasks that generate nothing); requests carry our
own types.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import datasets
from lm_eval.api.instance import Instance
from lm_eval.api.task import ConfigurableTask

from harness_tasks.tasks import TASK_SETTINGS, XtremeTaskError, settings_problem

log = logging.getLogger(__name__)

DEFAULT_SPLIT = "test"
HEADLINE_METRIC = "score"  # the lm-eval metric every task reports its headline under (groups average it)


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


@dataclass(frozen=True)
class Summary:
    """One task and language as scored: what `xtreme score` writes and results.json records.

    ``language_scores`` are the scoring family's (the reference's metrics, in its order, as
    `xtreme score-submission` computes them from the written files); ``scores`` the lm-eval metrics,
    those plus ``score`` (the task's headline), all NaN when the data has no labels.
    """

    predictions: Any  # in submission order, as the family's format_predictions takes them
    labelled: bool
    language_scores: dict[str, float] = field(default_factory=dict)  # empty when unlabelled
    scores: dict[str, float] = field(default_factory=dict)
    outcomes: tuple = ()  # the family's per-example outcomes (gold order); empty when unlabelled
    notes: tuple[str, ...] = ()
    record: dict = field(default_factory=dict)  # extra facts for results.json (e.g. the BUCC subset)
    # An ALL_LANGUAGES task: language -> that language's summary (predictions, scores, outcomes, notes);
    # ``scores`` above are then the task's (evaluators.aggregate.task_summary over these parts).
    per_language: dict[str, Summary] = field(default_factory=dict)


def headline_score(spec, scores: dict[str, float]) -> float:
    """The task's headline (``TaskSpec.headline``) of one language's scores, made as evaluators.aggregate
    makes it of the language means: (EM + F1) / 2 for QA, else the task's first metric."""
    from evaluators.aggregate import headline_metrics

    parts = headline_metrics(spec)
    return sum(scores[metric] for metric in parts) / len(parts)


def stack_vectors(vectors):
    """The embedding vectors as one float32 matrix, one row each (0 x 0 for none): made when a corpus is
    searched and dropped after, since the logged samples hold the vectors already."""
    import numpy as np

    if not vectors:
        return np.zeros((0, 0), np.float32)
    return np.stack([np.asarray(v, dtype=np.float32) for v in vectors])


class XtremeTask(ConfigurableTask):
    """One task and language. A family's class (harness_tasks/tasks/families/) says how documents are made
    from the reader's records (``make_docs``), what a request carries (``arguments``), what one answer
    becomes (``item``) and how the items are summarised (``summarize``); everything else is here."""

    FAMILY = ""  # the evaluators.families name this class serves (its registry key)
    REQUEST_TYPE = ""  # the xtreme-encoder method that answers the requests
    EXTRA_METRICS: tuple[str, ...] = ()  # lm-eval metrics besides the declaration's (the family scores them too)
    NEEDS_EVERY_DOC = False  # mining / retrieval: a limit or sample of the documents is refused
    ALL_LANGUAGES = False  # one lm-eval task over every language (see the module docstring)
    UNIT = "example"  # what one document is, for messages

    def __init__(self, config: dict | None = None, **_unused) -> None:
        from evaluators.tasks import TASKS

        config = dict(config or {})
        config.pop("class", None)  # lm-eval passes it through; TaskConfig would reject it
        meta = dict(config.get("metadata") or {})
        for key in ("xtreme_task",) if self.ALL_LANGUAGES else ("xtreme_task", "language"):
            if key not in meta:
                raise XtremeTaskError(f"task {config.get('task')!r}: metadata.{key} is missing "
                                      "(regenerate the YAML with harness_tasks/tasks/generate.py)")
        self.xtreme_task = meta["xtreme_task"]
        self.spec = TASKS.get(self.xtreme_task)
        if self.spec is None or self.spec.family != self.FAMILY:
            what = "not a declared task" if self.spec is None else f"a {self.spec.family} task"
            raise XtremeTaskError(f"task {config.get('task')!r}: {self.xtreme_task!r} is {what}, not one for "
                                  f"{type(self).__name__} ({self.FAMILY}); regenerate the YAML with "
                                  "harness_tasks/tasks/generate.py")
        self.language = None if self.ALL_LANGUAGES else meta["language"]
        self.split = meta.get("split") or DEFAULT_SPLIT
        self.data = _source(meta.get("data"))
        self.meta = meta
        self._check_settings(config.get("task"))
        self.settings = effective_settings(meta)
        self.metrics = self.lm_eval_metrics(self.spec)
        self.absent: str | None = None  # why this language has no data here (set by download)
        self.absent_languages: list[str] = []  # an ALL_LANGUAGES task: the languages asked for without data
        self._summary: tuple[list, Summary] | None = None  # (the items summarised, their summary)
        # lm-eval wants one of its four types; requests carry our own. Not generate_until: lm-eval logs
        # generation settings for those, and nothing is generated here.
        config["output_type"] = "loglikelihood"
        config["test_split"] = "test"
        config["metadata"] = meta
        super().__init__(config=config)

    @classmethod
    def lm_eval_metrics(cls, spec) -> tuple[str, ...]:
        """The metrics a task of this class reports (and its groups average): the declaration's, the
        family's extras, then the headline ``score``."""
        return (*spec.metrics, *cls.EXTRA_METRICS, HEADLINE_METRIC)

    def _check_settings(self, name) -> None:
        """Settings that would fail only after the model ran, or read nothing at all, fail here by name."""
        problem = settings_problem(self.meta)
        if problem:
            raise XtremeTaskError(f"task {name}: {problem}")

    @property
    def family(self):
        """The scoring family (evaluators.families): gold and predictions -> scores and outcomes."""
        from evaluators.families import get_family

        return get_family(self.FAMILY)

    # ---- data ---------------------------------------------------------------------------------
    def load_records(self, split: str | None = None, language: str | None = None):
        from harness_tasks.readers import load_split

        return load_split(self.xtreme_task, language or self.language, split or self.split, self.data)

    def requested_languages(self) -> tuple[str, ...]:
        """An ALL_LANGUAGES task's languages: the ``languages`` setting's (a list, or codes separated by commas
        or spaces), else every language the task declares; in declared order."""
        declared = self.spec.all_languages
        given = self.meta.get("languages")
        if given in (None, "", [], ()):
            return declared
        codes = given.replace(",", " ").split() if isinstance(given, str) else [str(code) for code in given]
        unknown = [code for code in codes if code not in declared]
        if unknown:
            raise XtremeTaskError(f"task {self.config.task}: languages {' '.join(unknown)}: not {self.spec.title} "
                                  f"languages; expected some of {' '.join(declared)}")
        return tuple(lang for lang in declared if lang in codes)

    def load_languages(self, split: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
        """An ALL_LANGUAGES task's data: {language: records} for the languages read, and {language: why} for
        those without data. MissingDataError (the first language's) when none has data: the task is absent."""
        from harness_tasks.readers import MissingDataError

        found, absent, first = {}, {}, None
        for language in self.requested_languages():
            try:
                found[language] = self.load_records(split, language)
            except MissingDataError as err:
                absent[language] = str(err)
                first = first or err
        if not found:
            raise first
        self.absent_languages = list(absent)  # recorded by the task manager's groups with their absent members
        return found, absent

    def make_docs(self) -> list[dict]:
        raise NotImplementedError

    @classmethod
    def splits_read(cls, split: str) -> list[str]:
        """The splits a task of this class scoring ``split`` reads (BUCC also reads dev, where its threshold
        is fitted), the scored one first."""
        return [split]

    def download(self, dataset_kwargs=None, **_unused) -> None:
        from harness_tasks.readers import MissingDataError, available_splits

        have = available_splits(self.xtreme_task)
        lacking = [split for split in self.splits_read(self.split) if split not in have]
        if lacking:
            self.absent = f"{self.xtreme_task} has no {lacking[0]} split (it has {', '.join(have)})"
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
        from evaluators.benchmarks import BENCHMARKS
        from harness_tasks.tasks.selection import whole_corpus_groups

        total = len(self.eval_docs)
        kept = None
        if limit is not None and limit < total:
            kept, how = int(limit), f"limit={limit} (--limit)"
        elif samples is not None and sorted(set(samples)) != list(range(total)):
            kept, how = len(set(samples)), "samples= (--samples)"
        if kept is not None:
            # The groups of the retrieval tasks of the first benchmark this task is in (the run's, usually).
            benchmark = next(b for b in BENCHMARKS.values() if self.xtreme_task in b.task_names)
            raise XtremeTaskError(
                f"{self.config.task}: {self.spec.title} needs every {self.UNIT} embedded, but {how} keeps {kept} "
                f"of its {total} {self.UNIT}s: drop it or leave out "
                f"{' and '.join(whole_corpus_groups(benchmark=benchmark))}")

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
        """What lm-eval keeps of one document and its answer, for ``summarize`` (logged in each sample)."""
        raise NotImplementedError

    def process_results(self, doc, results):
        item = self.item(doc, results[0])
        return {metric: item for metric in self.metrics}  # one object under every name: no copies

    # ---- corpus-level scoring -----------------------------------------------------------------
    def summarize(self, items: list) -> Summary:
        """The summary of this task's items (any order): a pure function of the items and the task's data.
        Families build the gold and the predictions in the scoring family's form and call ``scored``."""
        raise NotImplementedError

    @property
    def scoring_options(self):
        from evaluators.families.base import ScoringOptions

        return ScoringOptions(tagging_mode=self.settings["tagging_mode"])

    @staticmethod
    def in_order(items) -> tuple[list | None, list]:
        """(gold, predictions) of ``(index, gold, prediction)`` items in document order; gold is None unless
        every example has one (unlabelled data is predicted, never scored)."""
        items = sorted(items, key=lambda item: item[0])
        labelled = all(gold is not None for _, gold, _ in items)
        return ([gold for _, gold, _ in items] if labelled else None), [p for _, _, p in items]

    def scored(self, gold, predictions, notes: Sequence[str] = (), record: dict | None = None,
               language: str | None = None) -> Summary:
        """``predictions`` scored against ``gold`` by the scoring family (``gold`` None: unlabelled data);
        ``language``: the one scored, for an ALL_LANGUAGES task."""
        notes, record = list(notes), dict(record or {})
        if gold is None:
            notes.append(f"{self.split} split has no labels: predictions only, not scored")
            log.warning("%s: %s", self.config.task, notes[-1])
            return Summary(predictions=predictions, labelled=False, notes=tuple(notes), record=record,
                           scores={metric: math.nan for metric in self.metrics})
        scored = self.family.score(self.spec, gold, predictions, language or self.language, self.scoring_options)
        language_scores = dict(scored.scores)
        scores = {metric: language_scores[metric] for metric in self.metrics if metric != HEADLINE_METRIC}
        scores[HEADLINE_METRIC] = headline_score(self.spec, language_scores)
        return Summary(predictions=predictions, labelled=True, language_scores=language_scores, scores=scores,
                       outcomes=tuple(scored.outcomes), notes=tuple(notes), record=record)

    def scored_languages(self, parts: dict[str, tuple[Any, Any]], notes: Sequence[str] = (),
                         record: dict | None = None) -> Summary:
        """An ALL_LANGUAGES task's summary: ``parts`` {language: (gold, predictions)} in declared order, each
        scored as ``scored`` scores one language; the task's scores are evaluators.aggregate.task_summary's
        over the languages (pooled over their outcomes for a task declared so), NaN if any is unlabelled.
        ``notes`` concern the whole task: every part carries them too."""
        from evaluators.aggregate import task_summary

        per_language = {lang: self.scored(gold, predictions, notes, record, language=lang)
                        for lang, (gold, predictions) in parts.items()}
        scores = {metric: math.nan for metric in self.metrics}
        if per_language and all(part.labelled for part in per_language.values()):
            summary = task_summary(self.spec, {lang: part.language_scores for lang, part in per_language.items()},
                                   outcomes={lang: part.outcomes for lang, part in per_language.items()},
                                   options=self.scoring_options)
            scores = {metric: summary[f"avg_{metric}"] for metric in self.metrics if metric != HEADLINE_METRIC}
            scores[HEADLINE_METRIC] = summary["avg_metric"]
        return Summary(predictions={lang: part.predictions for lang, part in per_language.items()},
                       labelled=all(part.labelled for part in per_language.values()), scores=scores,
                       notes=tuple(notes), record=dict(record or {}), per_language=per_language)

    def summary(self, items: Sequence) -> Summary:
        """``summarize(items)``, once per list of items.

        lm-eval aggregates each metric from its own list of the same item objects, and `xtreme score` asks
        again with the items of the logged samples (the same objects): mining and retrieval must not run
        twice. The summary is kept with the items it was made from, compared by identity; holding the
        items (references, not copies) costs nothing while the samples live, which hold them too.
        """
        items = list(items)
        if self._summary is not None:
            seen, summary = self._summary
            if len(seen) == len(items) and all(a is b for a, b in zip(seen, items)):
                return summary
        summary = self.summarize(list(items))  # a copy: summarize may sort it
        self._summary = (items, summary)
        return summary

    def summary_of_samples(self, samples: Sequence[dict]) -> Summary:
        """The summary from lm-eval's logged samples of this task (``simple_evaluate(log_samples=True)``)."""
        return self.summary([sample[self.metrics[0]] for sample in samples])

    def _aggregate(self, metric: str, items: list) -> float:
        return float(self.summary(items).scores[metric])

    def aggregation(self) -> dict:
        return {metric: partial(self._aggregate, metric) for metric in self.metrics}

    def higher_is_better(self) -> dict:
        return {metric: True for metric in self.metrics}
