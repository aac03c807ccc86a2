"""The X-STILTs recipe, from config to checkpoint bundle: the whole flow reads top to bottom in this file.
(Small helpers sit beside it: batch_plan.py, checkpoints.py, metrics_log.py, finite.py, run_output.py,
base_model.py.)

    base encoder ─► intermediate step 1 ─► step 2 ─► ... ─► encoder E ─┬─► xnli  (best on English dev)
                    (one task, or several                               ├─► pawsx
                     with a shared encoder)                             ├─► ... one target phase per task
                                                                        └─► bundle: E + every head + manifest

Phases run in order; each writes into ``OUTPUT/phases/NN-kind-name/``:

* ``checkpoint/``  model, optimizer, scheduler and step, replaced atomically every ``save_every_steps``;
* ``final/``       (intermediate) the encoder + tokenizer the next phase starts from;
* ``best/``        (target) the head with the best English-dev score so far, and ``selection.json``;
  a head declared in stages (``TrainingData.first``: xcopa, SocialIQA then English COPA) has one target
  phase per stage (``NN-target-xcopa-siqa``, then ``NN-target-xcopa``), each starting from the previous
  stage's ``best/`` with the same head and selecting on its own English dev data;
* ``done.json``    written last: a phase with it is finished and never run again.

Resuming (``--resume``) skips finished phases and restarts the current one from its checkpoint. That is
exact, not approximate: the order of batches is a pure function of the seed (planned up front, see
``plan_batches``), and dropout is re-seeded from (seed, phase, step) before every step, so no random state
has to survive the crash. A resumed run ends with the same weights as an uninterrupted one (tested).

A NaN or infinite loss or gradient norm stops the run at that step, before the update, and no bundle is
written; weights are checked again before every save that can reach the bundle (training/finite.py). The
base model and all training data are checked and read before the run folder is changed. The folder is
locked first, with the lock ``xtreme score`` uses, so that a second run into it stops at once naming the
first (training/run_output.py); every folder of weights is swapped in by ``checkpoints.replace_dir``,
which gives its files the modes of the user's umask.

Each target is a trainable head declared in evaluators/tasks/training_data.py (``TrainingData``: its kind,
English data, epochs and what model selection maximises); nothing here lists them. Model selection uses
English dev data only (zero-shot): accuracy (XNLI, PAWS-X; XCOPA on English COPA, its SocialIQA stage on
SocialIQA), seqeval chunk F1 as the benchmark computes it (UD-POS, PAN-X), SQuAD v1.1 F1 on SQuAD dev (SQuAD;
also TyDiQA, whose only English dev data is XTREME's test set), the dev predictions decoded as the harness
decodes them (training/features.py); for the dual encoders (LAReQA, Mewsli-X: training/dual_encoder.py, an
in-batch softmax with a learned scale) mAP@20 of SQuAD dev questions over SQuAD dev sentences and MRR@20 over
wikipedia_pairs-dev, exact top 20. Selection points: every epoch (or ``eval_every_steps``) and the last
step.

Multi-GPU and mixed precision come from accelerate: ``accelerate launch -m training.command CONFIG``
(or ``accelerate launch $(which xtreme) train CONFIG``). ``batch_size`` is per device; each optimizer step
sees batch_size x devices x gradient_accumulation_steps examples, so the number of steps shrinks with more
devices. Checked on CPU with two processes (``ACCELERATE_USE_CPU=1 torchrun --nproc_per_node 2 -m
training.command CONFIG``); logged losses are the main process's. fp16 runs save the loss scaler too.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from evaluators.task_spec import TrainingData
from harness_tasks.atomic import write_json_atomic
from harness_tasks.bundle import ENCODER, HEAD_KIND, record_checkpoint
from harness_tasks.inference.loading import drop_random_pooler
from harness_tasks.heads import (
    CLASSIFIER_KINDS,
    DUAL_ENCODER,
    MULTIPLE_CHOICE,
    QUESTION_ANSWERING,
    SEQUENCE_CLASSIFICATION,
    TOKEN_CLASSIFICATION,
    auto_class,
    encoder_only_class_name,
    head_labels,
    training_for,
)
from harness_tasks.readers.errors import DataFormatError, MissingDataError
from training import dual_encoder as DE
from training import features as F
from training.base_model import check_base_model, loading
from training.batch_plan import plan_batches, step_seed
from training.checkpoints import latest_checkpoint, replace_dir, save_checkpoint
from training.config import TINY_BASE_MODEL, ExperimentConfig, Hyperparameters
from training.errors import RecipeError  # callers import it from here too
from training.finite import check_step, require_finite_folder, require_finite_weights
from training.hashing import package_versions, sha256_file, sha256_records
from training.intermediate_tasks import TaskDataError, load_task
from training.metrics_log import MetricsLog
from training.run_output import RunLock, check_output, clear_run, holds_run, lock_run, start_run

StepHook = Callable[[str, int], None]  # (phase name, optimizer steps done); raise to stop (tests: a crash)


@dataclass
class Run:
    """What every phase needs: config, folders, accelerator, tokenizer, metrics log."""

    config: ExperimentConfig
    out: Path
    accelerator: object
    hook: StepHook | None
    log: "MetricsLog"
    base_model: str = ""
    tokenizer: object = None


# ---------------------------------------------------------------------------------------------------------
# Entry point


def run_recipe(config: ExperimentConfig, output_dir: str | Path, *, resume: bool = False, overwrite: bool = False,
               hook: StepHook | None = None) -> Path:
    """Run every phase of ``config`` not yet done under ``output_dir``; return the bundle folder.

    A folder that holds a run is refused unless ``resume`` (same config: continue it) or ``overwrite``
    (delete it first); one that another run is using (its lock, training/run_output.py) is refused at once.
    The base model and all data are checked and read before the folder is changed, so a run that fails on
    them leaves nothing to resume or overwrite (and no folder, if it had to create it). ``fp16`` on a
    machine without a GPU is refused here (see training/config.py).
    """
    from accelerate import Accelerator, PartialState

    out = Path(output_dir)
    # Asked of the device before the Accelerator exists: its precision, once set, is fixed for the process.
    if config.hyperparameters.mixed_precision == "fp16" and PartialState().device.type == "cpu":
        raise RecipeError(f"{config.at('hyperparameters.mixed_precision')}: 'fp16' needs a GPU and this run has"
                          " none (accelerate would silently train in float32 on the CPU); use 'bf16', which CPUs"
                          " run, or 'no'")
    accelerator = Accelerator(mixed_precision=config.hyperparameters.mixed_precision)
    lock = _lock_output(out, accelerator)  # before anything looks at the folder: one run at a time
    try:
        return _run_locked(config, out, accelerator, resume, overwrite, hook)
    finally:
        if lock is not None:
            lock.release()


def _lock_output(out: Path, accelerator) -> RunLock | None:
    """The main process locks the run folder (training/run_output.py); a refusal reaches every process."""
    lock, problem = None, None
    if accelerator.is_main_process:
        try:
            lock = lock_run(out)
        except RecipeError as err:
            problem = str(err)
    if accelerator.num_processes > 1:
        from accelerate.utils import broadcast_object_list

        problem = broadcast_object_list([problem])[0]
    if problem is not None:
        raise RecipeError(problem)
    return lock


def _run_locked(config: ExperimentConfig, out: Path, accelerator, resume: bool, overwrite: bool,
                hook: StepHook | None) -> Path:
    """run_recipe's work, under the folder's lock; returns the bundle folder."""
    import transformers

    current = json.loads(json.dumps(config.to_dict()))  # as config.json holds it (tuples become lists)
    current.pop("output_dir", None)
    # Every process looks before the main one writes, so that none mistakes a new run for an old one.
    holds = holds_run(out)
    accelerator.wait_for_everyone()
    check_output(out, current, config.source, holds=holds, resume=resume, overwrite=overwrite)
    if config.base_model != TINY_BASE_MODEL:
        check_base_model(config.base_model, config.at("base_model"))
    # Our own progress lines say what happens; transformers' per-load reports (a new head's weights are
    # "MISSING", by design) and shard progress bars would bury them.
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    data_root = _data_root(config)
    intermediate_data = [
        [_read_data(f"intermediate task {name!r}", load_task, name, config.intermediate_tasks.get(name),
                    xtreme_dir=data_root, max_examples=(step.hyperparameters or config.hyperparameters).max_train_examples)
         for name in step.tasks]
        for step in config.intermediate
    ]
    targets = config.target.tasks if config.target else ()
    target_data = {task: _read_data(f"target {task!r}", _target_data, config, task) for task in targets}
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        if overwrite and holds:
            print(f"--overwrite: deleting the run in {out}", file=sys.stderr, flush=True)
            clear_run(out)
        start_run(out, current)
    accelerator.wait_for_everyone()
    run = Run(config, out, accelerator, hook, MetricsLog(out, accelerator.is_main_process))
    run.base_model = _base_model(run, intermediate_data, target_data)

    from transformers import AutoTokenizer

    with loading(run.base_model, "tokenizer"):
        run.tokenizer = AutoTokenizer.from_pretrained(run.base_model)
    start = run.base_model
    history = []  # the intermediate steps so far, for the manifest
    for index, (step, data) in enumerate(zip(config.intermediate, intermediate_data), start=1):
        phase = f"{index:02d}-intermediate-{step.name}"
        start = train_intermediate(run, phase, index, step, data, start)
        history.append(json.loads((out / "phases" / phase / "done.json").read_text(encoding="utf-8")))
    encoder_dir = start
    heads = {}
    offset = len(config.intermediate)
    for task in targets:
        begin = encoder_dir if config.target.start_from == "intermediate" else run.base_model
        stages = target_data[task]
        done_stages = []  # the earlier stages' done.json, for the last one's (and the manifest)
        for stage in stages:
            offset += 1
            last = stage is stages[-1]
            phase = f"{offset:02d}-target-{task}" + ("" if last else f"-{stage.training.reader}")
            epochs = config.target.epochs_for(task) if last else stage.training.epochs
            done = train_target(run, phase, offset, task, stage, begin, epochs, done_stages)
            done_stages.append(done)
            begin = done["best"]  # the next stage goes on with this head
        heads[task] = done_stages[-1]
    bundle = out / "bundle"
    if accelerator.is_main_process:
        write_bundle(run, bundle, encoder_dir, heads, history)
    accelerator.wait_for_everyone()
    run.log.close()
    return bundle


def _read_data(what: str, read: Callable, *args, **kwargs):
    """``read(*args, **kwargs)``, with the readers' errors (they name file and line) and I/O errors as one
    RecipeError that says which task's data it was."""
    try:
        return read(*args, **kwargs)
    except (DataFormatError, MissingDataError, TaskDataError) as err:
        raise RecipeError(f"{what}: {err}") from None
    except OSError as err:  # unreadable file (permissions), or the hub out of reach (datasets' ConnectionError)
        where = f"{err.filename}: " if err.filename else ""
        raise RecipeError(f"{what}: cannot read its data: {where}{err.strerror or err}") from None


def _data_root(config: ExperimentConfig) -> Path | None:
    """The XTREME raw-layout folder that ``config.data`` (a source as harness_tasks.readers.parse_source
    gives it) names: the bundled sample for None, None for the hub."""
    from harness_tasks.readers import SAMPLE_DATA_DIR

    if config.data is None:
        return SAMPLE_DATA_DIR
    if config.data == "hub" or config.data.startswith("hub:"):
        return None
    return Path(config.data)


# ---------------------------------------------------------------------------------------------------------
# Data


@dataclass
class TargetData:
    training: TrainingData  # the declaration: kind, data, epochs, selection
    train: list
    dev: list
    labels: tuple[str, ...]
    sources: dict


def _target_data(config: ExperimentConfig, head: str) -> tuple[TargetData, ...]:
    """The English train and dev data of a target head, one TargetData per stage it is trained in, in order
    (its declared ``first`` stages, then its own), as its TrainingData declares them (TyDiQA-GoldP's dev
    split is SQuAD v1.1 dev: it has no English dev set apart from XTREME's test data)."""
    final = training_for(head)
    return tuple(_stage_data(config, head, stage) for stage in (*final.first, final))


def _stage_data(config: ExperimentConfig, head: str, training: TrainingData) -> TargetData:
    from harness_tasks.readers import load_training_data

    train = load_training_data(training, "train", source=config.data)
    dev = load_training_data(training, "dev", source=config.data)
    left_out = {}
    if training.head_kind == DUAL_ENCODER:  # query / candidate pairs to train on, a pool to select on
        built = {split: DE.retrieval_data(head, records, split) for split, records in (("train", train), ("dev", dev))}
        train, dev = built["train"].pairs, built["dev"].pool
        left_out = {split: len(data.left_out) for split, data in built.items()}
    hyper = config.hyperparameters
    if hyper.max_train_examples:
        train = train[: hyper.max_train_examples]
    if hyper.max_eval_examples:
        dev = dev[: hyper.max_eval_examples]
    sources = {split: {"files": _data_files(config, training, split), "records_sha256": sha256_records(records),
                       "examples": len(records), **({"left_out": left_out[split]} if left_out else {})}
               for split, records in (("train", train), ("dev", dev))}
    return TargetData(training, train, dev, head_labels(head), sources)


def _data_files(config: ExperimentConfig, training: TrainingData, split: str) -> dict:
    """sha256 of the raw-layout file a split was read from (hub data: none; its records hash stands)."""
    from harness_tasks.readers import training_file

    path = training_file(training, split, source=config.data)
    return {} if path is None else {str(path): sha256_file(path)}


def _texts(records) -> list[str]:
    out = []
    for r in records:
        for name in ("sentence1", "sentence2", "premise", "question", "context", "query", "candidate"):
            if hasattr(r, name):
                out.append(getattr(r, name))
        if hasattr(r, "tokens"):
            out.append(" ".join(r.tokens))
        if hasattr(r, "choices"):
            out.extend(r.choices)
    return out


def _base_model(run: Run, intermediate_data, target_data) -> str:
    """The pretrained encoder's name or folder; ``tiny`` builds one from the training texts (once)."""
    config = run.config
    if config.base_model != TINY_BASE_MODEL:
        return config.base_model
    folder = run.out / "base-model"
    if run.accelerator.is_main_process and not (folder / "config.json").exists():
        from harness_tasks.tiny_encoder import build_tiny_encoder

        texts = [t for step in intermediate_data for data in step for t in _texts(data.examples)]
        for stages in target_data.values():
            texts += [t for data in stages for t in _texts(data.train)]
        tiny = config.tiny_encoder
        tmp = run.out / "base-model.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        build_tiny_encoder(tmp, texts, hidden_size=tiny.hidden_size, layers=tiny.layers, heads=tiny.heads,
                           vocab_size=tiny.vocab_size, max_length=tiny.max_length, seed=config.seed)
        replace_dir(tmp, folder)
    run.accelerator.wait_for_everyone()
    return str(folder)


def _lengths(run: Run, hyper: Hyperparameters) -> Hyperparameters:
    """Clamp window lengths to what the encoder can take (a tiny encoder has few positions)."""
    from dataclasses import replace

    limit = run.tokenizer.model_max_length
    if not limit or limit > 100_000:  # tokenizers without a recorded limit report a huge sentinel
        return hyper
    qa = min(hyper.qa_max_length, limit)
    return replace(hyper, max_length=min(hyper.max_length, limit), qa_max_length=qa,
                   doc_stride=min(hyper.doc_stride, qa // 2))


# ---------------------------------------------------------------------------------------------------------
# Phases


def train_intermediate(run: Run, phase: str, index: int, step, data, start: str) -> str:
    """One intermediate step (one task or several sharing the encoder); returns its encoder folder."""
    from training.heads import SharedEncoderModel

    folder = run.out / "phases" / phase
    final = folder / "final"
    if (folder / "done.json").exists():
        _say(run, f"[{phase}] finished before: skipped")
        return str(final)
    config = run.config
    hyper = _lengths(run, step.hyperparameters or config.hyperparameters)
    encoded = {d.name: F.encode(d.head, d.examples, run.tokenizer, d.labels, hyper) for d in data}
    torch.manual_seed(step_seed(config.seed, index, 0, 0))  # head initialisation
    model = SharedEncoderModel(_load_encoder(start), {d.name: (d.head, len(d.labels)) for d in data})
    if hyper.gradient_checkpointing:
        _checkpoint_activations(model.encoder)
    epochs = step.epochs if step.epochs is not None else hyper.intermediate_epochs
    plan = plan_batches({n: len(e.features) for n, e in encoded.items()},
                        hyper.batch_size * run.accelerator.num_processes, epochs, step.sampling,
                        step.temperature, step_seed(config.seed, index, 0, 0))
    feats = {n: e.features for n, e in encoded.items()}
    steps = _train_loop(run, phase, index, folder, model, lambda m, task, batch: m(task, batch), plan, feats,
                        hyper, evaluate=None, eval_at=set())
    if run.accelerator.is_main_process:
        encoder = run.accelerator.unwrap_model(model).encoder
        require_finite_weights(encoder, f"[{phase}] the trained encoder")
        tmp = folder / "final.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        encoder.save_pretrained(tmp, safe_serialization=True)
        run.tokenizer.save_pretrained(tmp)
        replace_dir(tmp, final)
        write_json_atomic(folder / "done.json", {
            "tasks": list(step.tasks), "sampling": step.sampling,
            "temperature": step.temperature if step.sampling == "temperature" else None,
            "epochs": epochs, "optimizer_steps": steps, "start": str(start),
            "examples": {d.name: len(d.examples) for d in data},
            "heads": {d.name: d.head for d in data},
            "data": {d.name: d.sources for d in data},
            "hyperparameters": asdict(hyper),
        })
        shutil.rmtree(folder / "checkpoint", ignore_errors=True)  # the phase is done; its state is not needed
    run.accelerator.wait_for_everyone()
    return str(final)


def train_target(run: Run, phase: str, index: int, task: str, data: TargetData, start: str, epochs: float,
                 earlier: Sequence[dict] = ()) -> dict:
    """One target phase (one stage of a head: ``earlier`` holds the done.json of the stages before it, whose
    last ``best`` is ``start``); returns its done.json (best folder, selection, data)."""
    folder = run.out / "phases" / phase
    if (folder / "done.json").exists():
        _say(run, f"[{phase}] finished before: skipped")
        done = json.loads((folder / "done.json").read_text(encoding="utf-8"))
        done["best"] = str(folder / "best")  # where it is now, should the run folder have moved
        return done
    config = run.config
    hyper = _lengths(run, config.target_hyperparameters(task))
    kind = data.training.head_kind
    torch.manual_seed(step_seed(config.seed, index, 0, 0))  # head initialisation
    if kind == DUAL_ENCODER:
        model, features, loss_of, evaluate = _dual_encoder_phase(run, task, data, start, hyper)
    else:
        model, features, loss_of, evaluate = _head_phase(run, task, data, start, hyper)
    if hyper.gradient_checkpointing:
        _checkpoint_activations(model.encoder if kind == DUAL_ENCODER else model)
    global_batch = hyper.batch_size * run.accelerator.num_processes
    plan = plan_batches({task: len(features)}, global_batch, epochs, "proportional", 1.0,
                        step_seed(config.seed, index, 0, 0))
    steps_per_epoch = math.ceil(math.ceil(len(features) / global_batch) / hyper.gradient_accumulation_steps)
    every = hyper.eval_every_steps or steps_per_epoch
    total = _total_steps(len(plan), hyper)
    eval_at = set(range(every, total + 1, every)) | {total}
    steps = _train_loop(run, phase, index, folder, model, loss_of, plan, {task: features}, hyper,
                        evaluate=evaluate, eval_at=eval_at, metric=data.training.selection)
    selection = json.loads((folder / "best" / "selection.json").read_text(encoding="utf-8"))
    done = {"task": task, "stage": data.training.reader, "training": data.training.title, "start": str(start),
            "epochs": epochs, "optimizer_steps": steps, "selection": selection, "data": data.sources,
            "hyperparameters": asdict(hyper), "best": str(folder / "best"),
            # How the head got to this stage: the earlier stages' records, without their folders.
            "stages": [{k: v for k, v in stage.items() if k not in ("best", "stages")} for stage in earlier]}
    if kind == DUAL_ENCODER:  # how the selected head was made: pooling, learned scale, loss, lengths
        done["dual_encoder"] = DE.read_notes(folder / "best")
    if run.accelerator.is_main_process:
        write_json_atomic(folder / "done.json", done)
        shutil.rmtree(folder / "checkpoint", ignore_errors=True)
    run.accelerator.wait_for_everyone()
    return done


def _head_phase(run: Run, task: str, data: TargetData, start: str, hyper: Hyperparameters):
    """A transformers head (its Auto class) for ``task``: (model, training features, loss_of, evaluate)."""
    kind = data.training.head_kind
    train = F.encode(kind, data.train, run.tokenizer, data.labels, hyper)
    dev = F.encode(kind, data.dev, run.tokenizer, data.labels, hyper)
    extra = {}
    if kind in CLASSIFIER_KINDS:  # config.json names its classes (the harness maps them onto the task's)
        extra = {"num_labels": len(data.labels), "id2label": dict(enumerate(data.labels)),
                 "label2id": {label: i for i, label in enumerate(data.labels)}}
    with loading(start, f"model to train {task} from"):
        model = auto_class(kind).from_pretrained(start, **extra)

    def loss_of(m, _task, batch):
        return m(**batch).loss

    def evaluate(m) -> float:
        return _dev_score(run, m, kind, task, dev, data, hyper)

    return model, train.features, loss_of, evaluate


def _dual_encoder_phase(run: Run, task: str, data: TargetData, start: str, hyper: Hyperparameters):
    """A dual encoder (training/dual_encoder.py) for ``task``: (model, training features, loss_of, evaluate)."""
    lengths = DE.side_lengths(task, hyper.max_length)
    features = DE.encode_pairs(data.train, run.tokenizer, lengths)
    encoder, info = _load_encoder(start, output_loading_info=True)
    drop_random_pooler(encoder, info)
    model = DE.DualEncoder(encoder, lengths)

    def loss_of(m, _task, batch):
        return m(**batch)

    def evaluate(m) -> float:
        return DE.dev_score(task, m, data.dev, run.tokenizer, batch_size=hyper.batch_size * 2,
                            device=run.accelerator.device, autocast=run.accelerator.autocast)

    return model, features, loss_of, evaluate


def _checkpoint_activations(model) -> None:
    """Recompute activations in the backward pass (memory for time); transformers 5 renamed the method."""
    enable = getattr(model, "activation_checkpointing_enable", None) or model.gradient_checkpointing_enable
    enable()


def _load_encoder(path: str, **options):
    """The bare encoder: AutoModel, or the encoder half of an encoder-decoder (mT5 -> MT5EncoderModel).
    ``options`` go to ``from_pretrained`` (``output_loading_info=True``: returns (model, info))."""
    import transformers
    from transformers import AutoConfig

    with loading(path, "encoder"):
        config = AutoConfig.from_pretrained(path)
        if getattr(config, "is_encoder_decoder", False):
            name = encoder_only_class_name(config)
            if not hasattr(transformers, name):
                raise RecipeError(f"{path}: an encoder-decoder model without an encoder-only class ({name})")
            return getattr(transformers, name).from_pretrained(path, **options)
        return auto_class(ENCODER).from_pretrained(path, **options)


def _dev_score(run: Run, model, kind: str, task: str, dev: F.Encoded, data: TargetData, hyper) -> float:
    """The English-dev score used for model selection (higher is better)."""
    from evaluators.classification import accuracy
    from evaluators.squad import squad_scores
    from evaluators.tagging import tagging_scores

    model.eval()
    outputs = []
    device = run.accelerator.device
    with torch.no_grad():
        for i in range(0, len(dev.features), hyper.batch_size * 2):
            batch = F.collate(dev.features[i:i + hyper.batch_size * 2], run.tokenizer.pad_token_id)
            batch = {k: v.to(device) for k, v in batch.items()
                     if k not in ("labels", "start_positions", "end_positions")}
            with run.accelerator.autocast():
                result = model(**batch)
            if kind == QUESTION_ANSWERING:
                outputs += list(zip(result.start_logits.float().cpu(), result.end_logits.float().cpu()))
            else:
                outputs += list(result.logits.float().cpu())
    model.train()
    if kind == SEQUENCE_CLASSIFICATION:
        return accuracy([e.label for e in data.dev], F.predict_classes(outputs, data.labels))["accuracy"]
    if kind == MULTIPLE_CHOICE:  # the chosen index, compared as the scorer compares labels
        return accuracy([str(e.label) for e in data.dev], [str(i) for i in F.predict_choices(outputs)])["accuracy"]
    if kind == TOKEN_CLASSIFICATION:
        predicted = F.predict_tags(dev, outputs, data.dev, data.labels)
        return tagging_scores([list(e.tags) for e in data.dev], predicted)["f1"]
    spans = F.predict_spans(dev, [s for s, _ in outputs], [e for _, e in outputs], data.dev, hyper.max_answer_length)
    gold = {e.id: [a.text for a in e.answers] for e in data.dev}
    return squad_scores(gold, spans)["f1"]


# ---------------------------------------------------------------------------------------------------------
# The training loop (shared by both phases)


def _total_steps(micro_batches: int, hyper: Hyperparameters) -> int:
    total = math.ceil(micro_batches / hyper.gradient_accumulation_steps)
    return min(total, hyper.max_steps) if hyper.max_steps else total


def _train_loop(run: Run, phase: str, index: int, folder: Path, model, loss_of, plan, feats, hyper,
                *, evaluate, eval_at: set[int], metric: str = "") -> int:
    """Run (or finish) the optimizer steps of one phase; returns how many it has in all."""
    from transformers import get_linear_schedule_with_warmup

    acc = run.accelerator
    ga = hyper.gradient_accumulation_steps
    total = _total_steps(len(plan), hyper)
    model.to(acc.device)
    # No weight decay on biases, norms and a dual encoder's learned logit scale (the reference decays none).
    keep = ("bias", "LayerNorm", "layer_norm", "logit_scale")
    decay = [p for n, p in model.named_parameters() if not any(k in n for k in keep)]
    no_decay = [p for n, p in model.named_parameters() if any(k in n for k in keep)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": hyper.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=hyper.learning_rate,
    )
    scheduler = get_linear_schedule_with_warmup(optimizer, int(hyper.warmup_ratio * total), total)
    state = {"step": 0, "best": None}
    for name in ("best", "final"):  # a crash in the middle of _replace_dir left only the old copy
        if not (folder / name).exists() and (folder / f"{name}.old").exists():
            (folder / f"{name}.old").rename(folder / name)
    checkpoint = latest_checkpoint(folder)
    if checkpoint is not None:
        model.load_state_dict(torch.load(checkpoint / "model.pt", map_location=acc.device))
        optimizer.load_state_dict(torch.load(checkpoint / "optimizer.pt", map_location=acc.device))
        scheduler.load_state_dict(torch.load(checkpoint / "scheduler.pt"))
        state = json.loads((checkpoint / "state.json").read_text(encoding="utf-8"))
        _say(run, f"[{phase}] resuming from step {state['step']}/{total}")
    # The scheduler stays outside prepare(): accelerate would step it once per process.
    model, optimizer = acc.prepare(model, optimizer)
    if checkpoint is not None and acc.scaler is not None and (checkpoint / "scaler.pt").exists():
        acc.scaler.load_state_dict(torch.load(checkpoint / "scaler.pt"))  # fp16 loss scale, for an exact resume
    pad = run.tokenizer.pad_token_id
    started, window = time.time(), []
    while state["step"] < total:
        step = state["step"]
        torch.manual_seed(step_seed(run.config.seed, index, step + 1, acc.process_index))  # dropout
        model.train()
        chunk = plan[step * ga:(step + 1) * ga]
        losses = []  # (task, loss) per micro-batch, for the non-finite check
        for j, (task, indices) in enumerate(chunk):
            mine = indices[acc.process_index::acc.num_processes] or indices[:1]
            batch = {k: v.to(acc.device) for k, v in F.collate([feats[task][i] for i in mine], pad).items()}
            # Gradients are synchronised across devices only on the last micro-batch of the step.
            sync = acc.no_sync(model) if j < len(chunk) - 1 else nullcontext()
            with sync, acc.autocast():
                loss = loss_of(model, task, batch) / len(chunk)
                acc.backward(loss)
            losses.append((task, loss.item()))
        # The config makes max_grad_norm > 0, so the norm is always computed; see training/finite.py for
        # what the checks cost. Both come before the update: the weights never take a non-finite step.
        grad_norm = acc.clip_grad_norm_(model.parameters(), hyper.max_grad_norm)
        check_step(acc, phase, step + 1, total, losses, None if acc.scaler is not None else grad_norm,
                   scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        state["step"] = step = step + 1
        window.append(sum(value for _, value in losses))
        if step % hyper.log_every_steps == 0 or step == total:
            mean = sum(window) / len(window)
            run.log.write({"phase": phase, "step": step, "of": total, "loss": mean,
                           "lr": scheduler.get_last_lr()[0]})
            _say(run, f"[{phase}] step {step}/{total}  loss {mean:.4f}  lr {scheduler.get_last_lr()[0]:.2e}"
                      f"  {time.time() - started:.0f}s")
            window = []
        if evaluate is not None and step in eval_at:
            score = evaluate(acc.unwrap_model(model))
            run.log.write({"phase": phase, "step": step, "dev_score": score})
            _say(run, f"[{phase}] step {step}: English dev {score:.2f}")
            # Strictly better only: on a tie the earlier step stays selected (fewer steps, same score).
            if state["best"] is None or score > state["best"]["score"]:
                state["best"] = {"step": step, "score": score}
                if acc.is_main_process:
                    _save_best(run, acc.unwrap_model(model), folder, state["best"], metric)
                acc.wait_for_everyone()
        if step % hyper.save_every_steps == 0 and step < total:
            if acc.is_main_process:
                save_checkpoint(acc.unwrap_model(model), optimizer, scheduler, acc.scaler, state, folder)
            acc.wait_for_everyone()
        if run.hook is not None:
            run.hook(phase, step)
    return total


def _save_best(run: Run, model, folder: Path, best: dict, metric: str) -> None:
    require_finite_weights(model, f"[{folder.name}] the model selected at step {best['step']}")
    tmp = folder / "best.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    run.tokenizer.save_pretrained(tmp)
    write_json_atomic(tmp / "selection.json", {**best, "metric": metric})
    replace_dir(tmp, folder / "best")


# ---------------------------------------------------------------------------------------------------------
# Bundle


def write_bundle(run: Run, bundle: Path, encoder_dir: str, heads: dict[str, dict], history: list[dict]) -> None:
    """Assemble harness_tasks.bundle's layout: encoder/, one folder per head, manifest.json."""
    config = run.config
    tmp = bundle.with_name(bundle.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if Path(encoder_dir).is_dir():
        shutil.copytree(encoder_dir, tmp / ENCODER)
    else:  # the baseline with a hub model: the pretrained encoder itself is the retrieval model
        _load_encoder(encoder_dir).save_pretrained(tmp / ENCODER, safe_serialization=True)
        run.tokenizer.save_pretrained(tmp / ENCODER)
    common = {
        "created_by": "xtreme train",
        "config": str(config.source),
        "base_model": config.base_model if config.base_model != TINY_BASE_MODEL
        else f"tiny (built from the training texts: {asdict(config.tiny_encoder)})",
        "seed": config.seed,
        "order": [step["tasks"] for step in history],
        "intermediate": history,
        "packages": package_versions(),
    }
    record_checkpoint(tmp, ENCODER, {**common, "kind": HEAD_KIND[ENCODER],
                                     "hyperparameters": asdict(config.hyperparameters)})
    from_intermediate = bool(history) and config.target is not None and config.target.start_from == "intermediate"
    for task, done in heads.items():
        shutil.copytree(done["best"], tmp / task, ignore=shutil.ignore_patterns("selection.json"))
        record_checkpoint(tmp, task, {
            **common, "kind": HEAD_KIND[task],
            # The training this head went through, in order (a head trained from the base model skips the
            # intermediate steps even though the bundle's encoder had them).
            # A head trained in stages lists each (xcopa: [..., ["siqa"], ["xcopa"]]).
            "tasks": ([s["tasks"] for s in history] if from_intermediate else [])
                     + [[stage["stage"]] for stage in done.get("stages", ())] + [[task]],
            "target": {k: done[k] for k in ("task", "epochs", "optimizer_steps", "selection", "data")},
            **({"stages": done["stages"]} if done.get("stages") else {}),
            **({"dual_encoder": done["dual_encoder"]} if "dual_encoder" in done else {}),
            "start": "intermediate" if from_intermediate else "base",
            "hyperparameters": done["hyperparameters"],
        })
    require_finite_folder(tmp)  # insurance: whatever path the weights came by, none leaves here non-finite
    replace_dir(tmp, bundle)
    _say(run, f"bundle written: {bundle}")


def _say(run: Run, message: str) -> None:
    if run.accelerator.is_main_process:
        print(message, file=sys.stderr, flush=True)
