"""`xtreme score`: run a benchmark's tasks (XTREME or XTREME-R) on a checkpoint bundle (or one encoder)
through lm-eval.

Writes OUTPUT/results.json (lm-eval's result schema, merged over the tasks run, plus an ``xtreme``
section), OUTPUT/submission/ in the public layout, which `xtreme score-submission` scores to the same
numbers, and OUTPUT/outcomes/{task}/{split}-{lang}.jsonl: one JSON object per example, the scoring
family's per-example outcome (what paired significance tests resample). Predictions and outcomes come
from what lm-eval's ``simple_evaluate`` returns (its logged samples), summarised by each task
(``XtremeTask.summary_of_samples``), which reuses the corpus-level work its aggregation did.
Predictions are cached under OUTPUT/cache keyed by checkpoint hash, task, language and data, so an
interrupted run resumes without recomputing finished tasks.

Top-level imports stay light (argparse only): torch and lm-eval load inside ``run``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

INTERRUPTED_HINT = ("run the same command again to resume: tasks already scored come from the prediction cache "
                    "in OUTPUT/cache")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from harness_tasks.commands.arguments import max_length, non_negative_int, output_folder, positive_int

    parser.add_argument("--model", required=True,
                        help="a checkpoint bundle folder, one checkpoint folder, or a hub id (plain encoder)")
    parser.add_argument("--benchmark", default="xtreme",
                        help="xtreme or xtreme-r: the tasks, languages, groups and overall score "
                             "(default: %(default)s)")
    parser.add_argument("--tasks", default=None,
                        help="the benchmark's tasks (default: all of them) or a comma-separated list of tasks "
                             "and groups, e.g. xnli,udpos,retrieval (`xtreme tasks --benchmark B` lists them)")
    parser.add_argument("--languages", default=None,
                        help="comma-separated language codes, case-insensitive; each applies to the tasks that "
                             "have it (default: all)")
    parser.add_argument("--data", default=None,
                        help="a folder in the raw XTREME layout, or 'hub' (default: the bundled sample data)")
    parser.add_argument("--split", choices=("dev", "test"), default="test",
                        help="which split to score (the raw layout's test splits hold no labels: predictions only)")
    parser.add_argument("--output", default="xtreme-results", type=output_folder, help="output folder (default: %(default)s)")
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="at most N examples per language (classification, tagging, QA only; retrieval "
                             "needs every sentence and ignores it)")
    parser.add_argument("--layer", type=non_negative_int, default=None,
                        help="retrieval embeddings from hidden_states[N] (default: mBERT 8, XLM-R large 14, "
                             "else the middle layer)")
    parser.add_argument("--pooling", choices=("mean", "cls"), default="mean",
                        help="retrieval sentence vector: mean over the attention mask (the published setting) or [CLS]")
    parser.add_argument("--per-language", action="store_true", help="print one row per language too")
    parser.add_argument("--tagging-mode", choices=("xtreme", "seqeval"), default="xtreme",
                        help="chunking of the published numbers (seqeval 0.0.12, default) or seqeval 1.x")
    parser.add_argument("--max-length", type=max_length, default=None,
                        help="longest model input in tokens (default: the model's limit)")
    parser.add_argument("--doc-stride", type=positive_int, default=128, help="QA window overlap in tokens")
    parser.add_argument("--batch-size", type=positive_int, default=32,
                        help="sentences per batch at the longest length; shorter batches hold more (token budget)")
    parser.add_argument("--device", default=None, help="default: CUDA when available, else CPU")
    parser.add_argument("--dtype", choices=("float32", "bfloat16", "float16"), default=None,
                        help="half precision applies on GPU only (default: float32)")
    parser.add_argument("--allow-pickle", action="store_true",
                        help="allow pickled (.bin) weights: they run code when loaded; trusted checkpoints only")
    parser.add_argument("--trust-remote-code", action="store_true",
                        help="allow model code from the checkpoint's repository to run")
    parser.add_argument("--label-map", action="append", default=None, metavar="TASK=NAME,NAME,...",
                        help="the task label of each class id of a head, id 0 first, e.g. "
                             "xnli=contradiction,entailment,neutral, for a head whose config.json id2label does "
                             "not name them (LABEL_0, ...); repeat for more tasks. The bundle manifest may hold "
                             "the same as checkpoints.<head>.label_map; this flag wins")
    parser.add_argument("--keep-going", action="store_true",
                        help="when a checkpoint fails its checks, skip its tasks (recorded in results.json) and "
                             "score the others; without it nothing is scored. Exit 2 either way")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the results and submission of another run in --output (a rerun of the "
                             "same model and settings resumes without it)")
    parser.add_argument("--no-cache", action="store_true",
                        help="recompute predictions and embeddings even if cached (cache: OUTPUT/cache)")
    parser.add_argument("--bucc-subset", choices=("full", "ci", "cpu"), default="full",
                        help="BUCC on all sentences (full, published-comparable) or gold + 1,000 (ci) / 20,000 "
                             "(cpu) seeded distractors per side, on dev and test alike (harness_tasks.bucc_subsets)")
    parser.add_argument("--bucc-distractors", type=non_negative_int, default=None, metavar="N",
                        help="BUCC on gold + N seeded distractors per side (instead of --bucc-subset)")
    parser.add_argument("--bucc-seed", type=non_negative_int, default=0, help="seed of the BUCC distractor draw")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def select_tasks(text: str | None, benchmark) -> list[str]:
    """The tasks --tasks names in ``benchmark``, in its order (all of them for None);
    evaluators.names.UnknownNameError if any is unknown."""
    from evaluators.names import resolve_tasks

    return resolve_tasks(text, "--tasks", benchmark)


def available_languages(task: str, languages, split: str, data, benchmark) -> tuple[list[str], dict[str, str]]:
    """``task``'s languages in ``benchmark`` whose data can be read, and why the others were skipped."""
    from evaluators.tasks import get_task
    from harness_tasks.readers import available_splits, load_split
    from harness_tasks.readers.errors import MissingDataError
    from harness_tasks.tasks.families import task_class

    # Every split the task reads (BUCC's threshold comes from dev, so that must be readable too). A list,
    # not a set: the first failing split names the reason, the same one every run.
    needed_splits = task_class(get_task(task).family).splits_read(split)
    wanted = [lang for lang in benchmark.languages(task) if languages is None or lang in languages]
    absent = [s for s in needed_splits if s not in available_splits(task)]
    if absent:  # e.g. XQuAD has no dev split: no language can be read, which is absent data, not bad data
        why = f"{task} has no {absent[0]!r} split; it has {', '.join(available_splits(task))}"
        return [], dict.fromkeys(wanted, why)
    ok, skipped = [], {}
    for lang in wanted:
        try:
            for needed in needed_splits:
                load_split(task, lang, needed, data)
        except MissingDataError as err:  # absent data is skipped with its reason (and reported)
            skipped[lang] = str(err)
            continue
        # Anything else (a malformed file, a link, a FIFO) propagates: refused, never quietly skipped.
        ok.append(lang)
    return ok, skipped


def write_outcomes(output: Path, task: str, language: str, split: str, outcomes) -> dict:
    """OUTPUT/outcomes/{task}/{split}-{lang}.jsonl, one JSON object per example (atomically); its entry in
    results.json: the file (relative to OUTPUT) and how many examples it holds."""
    import json

    from harness_tasks.atomic import write_text_atomic

    relative = Path("outcomes") / task / f"{split}-{language}.jsonl"
    write_text_atomic(output / relative, "".join(json.dumps(dict(o), ensure_ascii=False) + "\n" for o in outcomes))
    return {"file": relative.as_posix(), "examples": len(outcomes)}


def _clean(obj):
    """JSON-safe copy: NaN -> None (JSON has no NaN), unknown objects -> str."""
    import json

    def fix(x):
        if isinstance(x, float) and math.isnan(x):
            return None
        if isinstance(x, dict):
            return {str(k): fix(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [fix(v) for v in x]
        return x

    return fix(json.loads(json.dumps(obj, default=str, allow_nan=True)))


def _merge(total: dict, part: dict) -> None:
    for key in ("results", "groups", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better",
                "n-samples"):
        if key in part and isinstance(part[key], dict):
            total.setdefault(key, {}).update(part[key])
    for key, value in part.items():
        total.setdefault(key, value)


def run(args: argparse.Namespace) -> int:
    import contextlib

    from harness_tasks.bundle import CheckpointError
    from harness_tasks.readers.errors import DataFormatError, DataSourceError
    from harness_tasks.run_folder import OutputFolderError

    with contextlib.ExitStack() as cleanup:  # releases the output folder's lock however the run ends
        try:
            return _run(args, cleanup)
        except (OutputFolderError, CheckpointError, DataFormatError, DataSourceError) as err:
            print(f"xtreme score: {err}", file=sys.stderr)
            return 2


def _inside(path, folder) -> bool:
    """Whether ``path`` is ``folder`` or lies below it (links resolved, so no alias slips through)."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def run_identity(args: argparse.Namespace, lm, tasks: list[str], languages, data) -> dict:
    """What makes two runs the same run (harness_tasks.run_folder): the checkpoints' contents, the
    requested tasks and languages, and every setting that changes a prediction or a score."""
    checkpoints = {task: lm.checkpoint_hash(lm.path_for(task)) for task in tasks if lm.has_checkpoint_for(task)}
    settings = {key: getattr(args, key) for key in (
        "split", "limit", "layer", "pooling", "tagging_mode", "max_length", "doc_stride", "dtype",
        "bucc_subset", "bucc_distractors", "bucc_seed")}
    return {
        "checkpoints": checkpoints,
        # The label names each classifier's ids were mapped onto (--label-map, manifest or config), as
        # resolved when the checkpoints were checked: another map is another run.
        "labels": {task: used["labels"] for task, used in sorted(lm.labels_used.items())},
        "benchmark": args.benchmark,  # as resolved (_run): its languages and overall score differ
        "tasks": list(tasks),
        "languages": sorted(languages) if languages else "all",
        "data": data or "sample",  # absolute (readers.parse_source): the same folder from any working folder
        **settings,
    }


def _run(args: argparse.Namespace, cleanup) -> int:
    from evaluators.benchmarks import BENCHMARKS, get_benchmark
    from evaluators.names import UnknownNameError, resolve_choice, resolve_languages
    from harness_tasks.readers import parse_source
    from harness_tasks.tasks.selection import layout

    # Names first, before lm-eval, torch or a model load: a typo costs nothing and is never dropped silently.
    try:
        benchmark = get_benchmark(resolve_choice(args.benchmark, BENCHMARKS, "benchmark", "--benchmark"))
        args.benchmark = benchmark.name
        tasks = select_tasks(args.tasks, benchmark)
        # A task of the benchmark without lm-eval tasks (not declared yet, or its family has no task class)
        # is skipped with its reason, never silently: the benchmark's overall score then stays unset.
        not_runnable = {task: f"no lm-eval tasks: {layout().left_out[task]}" for task in tasks
                        if task not in layout().tasks}
        tasks = [task for task in tasks if task not in not_runnable]
        languages = resolve_languages(args.languages, tasks, "--languages", benchmark) if tasks else None
    except UnknownNameError as err:
        print(f"xtreme score: {err}", file=sys.stderr)
        return 2
    data = parse_source(args.data)  # None: the bundled sample; DataSourceError (exit 2) for a bad --data

    # Then the model argument, still before lm-eval loads: a mistyped path, a training run folder or a hub id
    # while offline is one line (CheckpointError, caught in run) with no hub retries.
    from harness_tasks.label_maps import parse_label_maps
    from harness_tasks.model_location import locate_model

    model = locate_model(args.model)
    label_maps = parse_label_maps(args.label_map, "--label-map")
    if Path(model).is_dir() and _inside(Path(args.output), Path(model)):
        print(f"xtreme score: --output {args.output} lies inside the model folder {model}: what a run writes "
              "there would change the checkpoints it scores; give a folder outside it", file=sys.stderr)
        return 2

    import lm_eval
    import lm_eval.models  # lm-eval's own models register first

    from harness_tasks import quiet_git_hash

    quiet_git_hash()
    from lm_eval.tasks import TaskManager

    from evaluators.aggregate import overall_scores, task_summary
    from evaluators.families.base import ScoringOptions
    from evaluators.tasks import TASKS
    from harness_tasks.atomic import write_json_atomic
    from harness_tasks.encoder_model import XtremeEncoder, is_bundle
    from harness_tasks.submission_writer import write_submission
    from harness_tasks.tasks import TASKS_DIR
    from harness_tasks.tasks.selection import benchmark_group, layout, lm_eval_tasks, task_group, whole_corpus_tasks

    # Checked before any model loads: a bad flag should not cost a checkpoint load.
    if args.bucc_distractors is not None and (args.bucc_distractors < 0 or args.bucc_subset != "full"):
        print("xtreme score: --bucc-distractors takes N >= 0 and replaces --bucc-subset; give one", file=sys.stderr)
        return 2
    output = Path(args.output)
    model_args = {"layer": args.layer, "pooling": args.pooling, "batch_size": args.batch_size,
                  "max_length": args.max_length, "doc_stride": args.doc_stride,
                  "device": args.device, "dtype": args.dtype, "allow_pickle": args.allow_pickle,
                  "trust_remote_code": args.trust_remote_code,
                  "cache_dir": None if args.no_cache else str(output / "cache"), "label_map": label_maps}
    bundle_mode = is_bundle(model)
    if bundle_mode:
        lm = XtremeEncoder(bundle=model, **model_args)
    else:
        lm = XtremeEncoder(encoder=model, **model_args)
    # Every checkpoint the tasks need is loaded and checked (bundle_check) before anything is scored or written.
    broken = lm.check_checkpoints(tasks)
    if broken:
        for why, names in _group_tasks(broken).items():
            _say(f"xtreme score: {', '.join(names)}: {why}")
        if not args.keep_going:
            _say(f"xtreme score: nothing was scored: fix the checkpoint(s) above (`xtreme check-bundle {args.model}` "
                 f"checks every head) or pass --keep-going to score the other tasks")
            return 2

    from harness_tasks.run_folder import claim_output

    claim = claim_output(output, run_identity(args, lm, tasks, languages, data), overwrite=args.overwrite)
    cleanup.callback(claim.release)
    if claim.resumed:
        _say(f"{output} holds this run (same checkpoints, tasks and settings): " +
             ("rerunning it, predictions recomputed (--no-cache)" if args.no_cache else "resuming from its cache"))

    skipped: dict[str, str] = {}
    skipped_languages: dict[str, dict[str, str]] = {}
    fallbacks: dict[str, str] = {}  # dual-encoder task scored on the bare encoder -> why
    plan: dict[str, list[str]] = {}
    for task, why in not_runnable.items():
        skipped[task] = why
        _say(f"skipping {task}: {why}")
    for task in tasks:
        if task in broken:  # only with --keep-going
            skipped[task] = f"broken checkpoint: {broken[task]}"
            continue
        if not lm.has_checkpoint_for(task):
            head = TASKS[task].head
            skipped[task] = (f"no '{head}' head in bundle {args.model}" if bundle_mode else
                             f"{args.model} is a plain encoder: {task} needs a fine-tuned '{head}' head")
            _say(f"skipping {task}: {skipped[task]}")
            continue
        fallback = lm.fallback_note(task)  # it looks at the bundle folder: once
        if fallback:
            fallbacks[task] = fallback
            _say(f"{task}: {fallbacks[task]}")
        ok, missing = available_languages(task, languages, args.split, data, benchmark)
        if missing:
            skipped_languages[task] = missing
            if data is None:  # the bundled sample holds a few languages per task: say so briefly
                _say(f"{task}: the bundled sample has no {' '.join(missing)} ({len(missing)} skipped)")
            else:
                first = next(iter(missing.values()))
                _say(f"skipping {task} {' '.join(missing)} ({len(missing)} language(s)): no readable data, e.g. {first}")
        if not ok:
            # Nothing missing and nothing to run: --languages names none of this task's languages.
            skipped.setdefault(task, "no language with readable data" if missing else
                               f"none of the requested languages ({' '.join(languages)}) is a {task} language")
            continue
        plan[task] = ok
    if not plan:  # nothing to score: say why and write nothing (an empty results.json would pass for a run)
        _say("xtreme score: no task could run (see the reasons above); nothing was written")
        return 2

    metadata = {"split": args.split, "tagging_mode": args.tagging_mode, "data": data or "sample",
                "bucc_subset": args.bucc_subset, "bucc_seed": args.bucc_seed}
    if args.bucc_distractors is not None:
        metadata["bucc_distractors"] = args.bucc_distractors
    manager = TaskManager(include_path=str(TASKS_DIR), include_defaults=False, metadata=metadata)
    merged: dict = {}
    per_language: dict[str, dict[str, dict]] = {}
    notes: dict[str, list[str]] = {}
    bucc_subsets: dict[str, dict] = {}
    unscored: dict[str, list[str]] = {}
    outcomes: dict[str, dict[str, dict]] = {}
    example_outcomes: dict[str, dict[str, tuple]] = {}  # task -> language -> outcomes (a pooled task score)
    submission = output / "submission"
    for number, (task, langs) in enumerate(plan.items(), start=1):
        # Per-language tasks, not the task groups: group scores come from evaluators.aggregate below (the
        # reference's summation order), and a partial language set needs no special case. A task whose
        # languages share their candidates is one lm-eval task, told its languages by a setting.
        names = list(lm_eval_tasks(task, langs))
        task_manager = manager
        if task in layout().whole:
            task_manager = TaskManager(include_path=str(TASKS_DIR), include_defaults=False,
                                       metadata={**metadata, "languages": " ".join(langs)})
        limit = None if task in whole_corpus_tasks() else args.limit
        _say(f"[{number}/{len(plan)}] {task}: {len(langs)} language(s) {' '.join(langs)}")
        # Built here and handed to lm-eval, so that each task's summary of its samples is the one its
        # aggregation made (mining and retrieval run once).
        built = task_manager.load(names)["tasks"]
        result = lm_eval.simple_evaluate(model=lm, tasks=list(built.values()), task_manager=task_manager,
                                         limit=limit, bootstrap_iters=0, log_samples=True)
        samples = result.pop("samples")
        _merge(merged, result)
        for name in names:
            summary = built[name].summary_of_samples(samples.pop(name))
            parts = summary.per_language or {langs[names.index(name)]: summary}
            for lang, part in parts.items():
                write_submission(submission, task, lang, part.predictions, split=args.split)
                notes[f"{task}_{lang}"] = list(part.notes) + ([fallbacks[task]] if task in fallbacks else [])
                if "bucc_subset" in part.record:
                    bucc_subsets[lang] = part.record["bucc_subset"]
                if part.labelled:
                    per_language.setdefault(task, {})[lang] = part.language_scores
                    example_outcomes.setdefault(task, {})[lang] = part.outcomes
                    outcomes.setdefault(task, {})[lang] = write_outcomes(output, task, lang, args.split, part.outcomes)
                else:
                    unscored.setdefault(task, []).append(lang)
        del built, samples, result  # the embeddings they hold are not needed for the next task

    summaries, complete_tasks = {}, []
    for task, scores in per_language.items():
        ordered = {lang: scores[lang] for lang in benchmark.languages(task) if lang in scores}
        # The outcomes are read only for a task scored over every language's examples together (LAReQA).
        summaries[task] = task_summary(task, ordered, outcomes={lang: example_outcomes[task][lang] for lang in ordered},
                                       options=ScoringOptions(tagging_mode=args.tagging_mode))
        if len(ordered) == len(benchmark.languages(task)) and args.limit is None:
            complete_tasks.append(task)
    overall = overall_scores(summaries, complete_tasks, benchmark)

    info = lm.info()
    section = {
        "benchmark": benchmark.name,
        "tasks": summaries,
        "task_scores": {t: s["avg_metric"] for t, s in summaries.items()},
        "groups": {k: v for k, v in overall.items() if k != benchmark.overall},
        "overall_score": overall.get(benchmark.overall),  # the benchmark's: the mean of all its task scores
        "complete_tasks": complete_tasks,
        "skipped_tasks": skipped,
        "skipped_languages": skipped_languages,
        "dual_encoder_fallbacks": fallbacks,  # task -> why it was scored on the bare encoder (no dual-encoder head)
        "requested_languages": languages,  # None: all; else --languages, canonical codes in the order typed
        "unscored_languages": {t: v for t, v in unscored.items()},
        "notes": notes,
        "outcomes": outcomes,  # task -> language -> {"file": outcomes/..., "examples": N}
        "bucc_subset": bucc_subsets,  # language -> split -> bucc_subsets describe(): what BUCC scored
        "split": args.split,
        "limit": args.limit,
        "tagging_mode": args.tagging_mode,
        "layer": args.layer,
        "pooling": args.pooling,
        "max_length": args.max_length,
        "doc_stride": args.doc_stride,
        "embedding_layers_used": info["embedding"]["used"],
        # "cache" or "computed" per task and language: a resumed run says which numbers it did not recompute.
        "prediction_sources": info["prediction_sources"],
        "data_source": data or "sample",
        "model": args.model,
        "checkpoint_hashes": info["checkpoint_hashes"],
        "max_lengths": info["max_lengths"],  # the input length each checkpoint was run at (model/tokenizer/flag)
        "device": info["device"],
        "dtype": info["dtype"],
        "manifest": lm.manifest,
        "labels": info["labels"],  # per classifier task: the label of each class id, and where it came from
        "submission": str(submission),
    }
    # lm-eval-style group entries ("<metric>,none"), from the same summaries as the xtreme section.
    groups = merged.setdefault("groups", {})
    for task, summary in summaries.items():
        entry = {f"{k[4:]},none": v for k, v in summary.items() if k.startswith("avg_")}
        entry["score,none"] = entry.pop("metric,none")
        groups[task_group(benchmark, task)] = entry
    if section["overall_score"] is not None:
        groups[benchmark_group(benchmark)] = {"score,none": section["overall_score"]}
    merged["xtreme"] = section
    merged.pop("samples", None)
    write_json_atomic(output / "results.json", _clean(merged))
    print(format_table(section, args.per_language))
    from_cache = [name for name, source in info["prediction_sources"].items() if source == "cache"]
    if from_cache:
        _say(f"{len(from_cache)} of {len(info['prediction_sources'])} task-language predictions came from the "
             f"cache in {output / 'cache'} (--no-cache recomputes them)")
    _say(f"wrote {output / 'results.json'}, {submission}/ and {output / 'outcomes'}/")
    if broken:
        _say(f"xtreme score: {len(broken)} task(s) skipped for a broken checkpoint: {', '.join(broken)}")
        return 2
    return 0


def _group_tasks(problems: dict[str, str]) -> dict[str, list[str]]:
    """``{why: [task, ...]}``: tasks sharing a head (xquad, mlqa) share its one message."""
    grouped: dict[str, list[str]] = {}
    for task, why in problems.items():
        grouped.setdefault(why, []).append(task)
    return grouped


def format_table(section: dict, per_language_rows: bool) -> str:
    """The same tables as `xtreme score-submission` (harness_tasks.tables) for the benchmark scored, plus
    what was not scored."""
    from evaluators.benchmarks import get_benchmark
    from harness_tasks.tables import language_table, task_table

    benchmark = get_benchmark(section["benchmark"])
    scores = {**section["groups"], **section["tasks"]}
    if section["overall_score"] is not None:
        scores[benchmark.overall] = section["overall_score"]
    parts = [task_table(scores, benchmark)]
    if per_language_rows:
        parts += [language_table(scores, task) for task in section["tasks"]]
    lines = [f"{task}: skipped: {why}" for task, why in section["skipped_tasks"].items()]
    lines += [f"{task}: {why}" for task, why in section.get("dual_encoder_fallbacks", {}).items()]
    if section.get("requested_languages") is not None:  # asked for by name: say which the data lacks
        lines += [f"{task}: requested but not in the data: {' '.join(langs)}"
                  for task, langs in section["skipped_languages"].items()]
    lines += [f"{task}: predictions only (no labels): {' '.join(langs)}"
              for task, langs in section["unscored_languages"].items()]
    subsets = {lang: d for lang, per_split in section.get("bucc_subset", {}).items()
               for d in per_split.values() if d["subset"] != "full"}
    if subsets:
        d = next(iter(subsets.values()))  # one preset and seed for every language and split
        lines.append(f"bucc2018: scored on a subset, gold + {d['n_distractors']:,} distractors per side, seed "
                     f"{d['seed']} ({' '.join(sorted(subsets))}): F1 not comparable with full-corpus numbers")
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
