"""The experiment config: one YAML file, validated into dataclasses before any training starts.

A config names the base model, the intermediate phase (zero or more steps run in sequence, each step one
task or several trained together), the target phase, the hyperparameters and the seed::

    base_model: xlm-roberta-large          # hub id or local folder; "tiny" builds a tiny encoder (demo)
    seed: 42
    data: null                             # XTREME raw-layout folder for target data; null: sample data;
                                           # "hub": google/xtreme from the hub
    hyperparameters:                       # defaults are the paper's (Phang et al. 2020)
      learning_rate: 1.0e-5
      warmup_ratio: 0.1
      batch_size: 8                        # per device; the effective batch is x devices x accumulation
    intermediate:                          # a list: A then B then C, each step a checkpoint
      - tasks: [squad_v2]                  # one task ...
      - tasks: [mnli, qqp]                 # ... or several at once (shared encoder, one head per task)
        sampling: temperature              # proportional (default) | uniform | temperature
        temperature: 2.0
    target:
      tasks: [xnli, pawsx, udpos, panx, squad, tydiqa]
      epochs: {xnli: 2}                    # per-task overrides of the paper's target epochs
    intermediate_tasks:                    # declare your own intermediate task (or point one at files)
      my_task: {head: sequence_classification, format: pair_tsv, train: data/my.tsv, labels: [a, b]}

Relative paths (``data``, ``intermediate_tasks.*.train``) are read from the YAML file's folder.
Every error names the YAML file and the dotted key, e.g. ``sample.yaml: intermediate[0].sampling: ...``.
This module imports only the standard library and PyYAML, so ``xtreme train --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The trainable XTREME targets, by bundle head name (see harness_tasks.bundle.HEAD_FOR_TASK), with the
# paper's epochs. squad (SQuAD v1.1) serves XQuAD and MLQA.
TARGET_EPOCHS: dict[str, float] = {"xnli": 2, "pawsx": 5, "udpos": 10, "panx": 10, "squad": 2, "tydiqa": 2}
SAMPLING = ("proportional", "uniform", "temperature")
MIXED_PRECISION = ("no", "fp16", "bf16")
TINY_BASE_MODEL = "tiny"


class ConfigError(ValueError):
    """A config problem, already phrased as ``FILE: key: what is wrong``."""


@dataclass(frozen=True)
class Hyperparameters:
    learning_rate: float = 1e-5  # the paper's
    warmup_ratio: float = 0.1  # the paper's: 10% linear warm-up, then linear decay
    batch_size: int = 8  # per device; the spec fixes none, so this is ours
    gradient_accumulation_steps: int = 1
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    max_length: int = 256  # the paper's, for classification, tagging and multiple choice
    qa_max_length: int = 384  # the paper's, for extractive QA
    doc_stride: int = 128  # overlap between QA windows over a long context
    max_answer_length: int = 30  # longest span, in tokens, the QA dev decoding considers
    intermediate_epochs: float = 3  # the paper's
    max_steps: int | None = None  # cap on optimizer steps per phase step (smoke tests and demos)
    max_train_examples: int | None = None  # cap per task (taken from the start of the file, in order)
    max_eval_examples: int | None = None  # cap on English dev examples per target task
    eval_every_steps: int | None = None  # model selection points; None: once per epoch (and at the end)
    save_every_steps: int = 500  # a resumable checkpoint every N optimizer steps, and at phase end
    mixed_precision: str = "no"  # no | fp16 | bf16, through accelerate
    gradient_checkpointing: bool = False  # for large encoders on small GPUs
    log_every_steps: int = 10


@dataclass(frozen=True)
class IntermediateStep:
    tasks: tuple[str, ...]
    sampling: str = "proportional"
    temperature: float = 2.0  # only read by temperature sampling: p_i proportional to n_i ** (1 / T)
    epochs: float | None = None  # None: hyperparameters.intermediate_epochs
    hyperparameters: Hyperparameters | None = None  # None: the global ones

    @property
    def name(self) -> str:
        return "+".join(self.tasks)


@dataclass(frozen=True)
class TargetPhase:
    tasks: tuple[str, ...] = tuple(TARGET_EPOCHS)
    epochs: dict[str, float] = field(default_factory=dict)  # overrides of TARGET_EPOCHS
    start_from: str = "intermediate"  # intermediate | base (the baseline: no intermediate training)

    def epochs_for(self, task: str) -> float:
        return self.epochs.get(task, TARGET_EPOCHS[task])


@dataclass(frozen=True)
class TaskDeclaration:
    """An intermediate task declared (or redirected to local files) in the YAML; see intermediate_tasks."""

    name: str
    head: str | None = None  # required for a new task; built-in tasks keep theirs
    format: str | None = None
    train: tuple[str, ...] = ()  # local files, resolved against the YAML file's folder
    labels: tuple[str, ...] = ()
    language: str = "en"
    hub_id: str | None = None
    hub_config: str | None = None
    hub_split: str = "train"


@dataclass(frozen=True)
class TinyEncoder:
    """Options for ``base_model: tiny``: a random encoder built from the training texts (demos, tests)."""

    hidden_size: int = 32
    layers: int = 2
    heads: int = 2
    vocab_size: int = 1500
    max_length: int = 128


@dataclass(frozen=True)
class ExperimentConfig:
    base_model: str
    source: str  # the YAML file (for messages and relative paths)
    seed: int = 42
    data: str | None = None  # local XTREME raw-layout folder for the target data; None: bundled sample data
    hyperparameters: Hyperparameters = Hyperparameters()
    intermediate: tuple[IntermediateStep, ...] = ()
    target: TargetPhase | None = TargetPhase()
    intermediate_tasks: dict[str, TaskDeclaration] = field(default_factory=dict)
    tiny_encoder: TinyEncoder = TinyEncoder()
    output_dir: str | None = None

    def to_dict(self) -> dict:
        """A JSON-able view (for the manifest and the resume check)."""
        out = dataclasses.asdict(self)
        out.pop("source")
        return out


# ---------------------------------------------------------------------------------------------------------
# Loading and validation. Hand-rolled (no pydantic) so messages name the YAML file and the exact key.


SHIPPED_CONFIGS = Path(__file__).resolve().parent / "configs"


def resolve_config_path(name_or_path: str | Path) -> Path:
    """A YAML path as given, or, when no such file exists, the shipped config of that name
    (``sample`` -> training/configs/sample.yaml), so shipped recipes run from any folder."""
    path = Path(name_or_path)
    shipped = SHIPPED_CONFIGS / f"{name_or_path}.yaml"
    return shipped if not path.exists() and shipped.exists() else path


def load_config(path: str | Path) -> ExperimentConfig:
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config ({err.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from None
    return parse_config(raw, source=str(path))


def parse_config(raw: Any, *, source: str = "<config>") -> ExperimentConfig:
    where = _Where(source)
    if not isinstance(raw, dict):
        raise where.error("", "the config must be a mapping of keys to values")
    allowed = {
        "base_model", "seed", "data", "hyperparameters", "intermediate", "target",
        "intermediate_tasks", "tiny_encoder", "output_dir",
    }
    where.check_keys("", raw, allowed)
    if "base_model" not in raw:
        raise where.error("base_model", "is required (a hub id, a local folder, or 'tiny')")
    base_model = where.typed("base_model", raw["base_model"], str)
    hyper = _hyperparameters(where, "hyperparameters", raw.get("hyperparameters") or {}, Hyperparameters())
    declarations = _declarations(where, raw.get("intermediate_tasks") or {})
    steps_raw = raw.get("intermediate") or []
    if not isinstance(steps_raw, list):
        raise where.error("intermediate", "must be a list of steps (each with 'tasks')")
    steps = tuple(
        _step(where, f"intermediate[{i}]", step, hyper, declarations) for i, step in enumerate(steps_raw)
    )
    target = _target(where, raw["target"]) if "target" in raw else TargetPhase()
    if target is not None and not steps and (raw.get("target") or {}).get("start_from") == "intermediate":
        raise where.error("target.start_from", "is 'intermediate' but the config has no intermediate steps")
    tiny = TinyEncoder()
    if "tiny_encoder" in raw:
        tiny = _dataclass_from(where, "tiny_encoder", raw["tiny_encoder"] or {}, TinyEncoder())
    return ExperimentConfig(
        base_model=base_model,
        source=source,
        seed=where.typed("seed", raw.get("seed", 42), int),
        data=_data_folder(where, raw.get("data")),
        hyperparameters=hyper,
        intermediate=steps,
        target=target,
        intermediate_tasks=declarations,
        tiny_encoder=tiny,
        output_dir=where.typed("output_dir", raw.get("output_dir"), str, optional=True),
    )


class _Where:
    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {message}" if key else f"{self.source}: {message}")

    def check_keys(self, key: str, value: dict, allowed: set[str]) -> None:
        unknown = sorted(set(value) - allowed)
        if unknown:
            prefix = f"{key}." if key else ""
            raise self.error(
                f"{prefix}{unknown[0]}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )

    def typed(self, key: str, value: Any, kind: type, *, optional: bool = False):
        if value is None and optional:
            return None
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind is float and isinstance(value, str):
            # PyYAML reads 1e-5 (no dot) as a string; accept the number people mean.
            try:
                return float(value)
            except ValueError:
                pass
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise self.error(key, f"expected {kind.__name__}, got {type(value).__name__} {value!r}")
        return value


def _data_folder(where: _Where, value: Any) -> str | None:
    value = where.typed("data", value, str, optional=True)
    if value is None or value == "hub" or value.startswith("hub:"):
        return value
    path = Path(value) if Path(value).is_absolute() else Path(where.source).parent / value
    if not path.is_dir():
        raise where.error("data", f"no such folder: {value} (looked at {path}); expected the XTREME raw layout")
    return str(path)


def _field_kind(dc_field: dataclasses.Field) -> tuple[type, bool]:
    text = str(dc_field.type)
    optional = "None" in text
    for name, kind in (("bool", bool), ("int", int), ("float", float), ("str", str)):
        if text.startswith(name):
            return kind, optional
    raise TypeError(f"unsupported field type {text}")


def _dataclass_from(where: _Where, key: str, raw: Any, defaults):
    if not isinstance(raw, dict):
        raise where.error(key, "must be a mapping")
    fields = {f.name: f for f in dataclasses.fields(defaults)}
    where.check_keys(key, raw, set(fields))
    values = {}
    for name, value in raw.items():
        kind, optional = _field_kind(fields[name])
        values[name] = where.typed(f"{key}.{name}", value, kind, optional=optional)
    return dataclasses.replace(defaults, **values)


def _hyperparameters(where: _Where, key: str, raw: Any, defaults: Hyperparameters) -> Hyperparameters:
    hyper = _dataclass_from(where, key, raw, defaults)
    positive = (
        "learning_rate", "batch_size", "gradient_accumulation_steps", "max_length", "qa_max_length",
        "intermediate_epochs", "save_every_steps", "log_every_steps", "max_answer_length",
    )
    for name in positive:
        if getattr(hyper, name) <= 0:
            raise where.error(f"{key}.{name}", f"must be > 0, got {getattr(hyper, name)}")
    for name in ("max_steps", "max_train_examples", "max_eval_examples", "eval_every_steps"):
        value = getattr(hyper, name)
        if value is not None and value <= 0:
            raise where.error(f"{key}.{name}", f"must be > 0 (or null), got {value}")
    if not 0 <= hyper.warmup_ratio < 1:
        raise where.error(f"{key}.warmup_ratio", f"must be in [0, 1), got {hyper.warmup_ratio}")
    if not 0 <= hyper.doc_stride < hyper.qa_max_length:
        raise where.error(f"{key}.doc_stride", "must be >= 0 and smaller than qa_max_length")
    if hyper.mixed_precision not in MIXED_PRECISION:
        raise where.error(
            f"{key}.mixed_precision", f"{hyper.mixed_precision!r} is not one of {', '.join(MIXED_PRECISION)}"
        )
    return hyper


def _string_list(where: _Where, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(key, f"expected a list of strings, got {value!r}")
    return tuple(value)


def _declarations(where: _Where, raw: Any) -> dict[str, TaskDeclaration]:
    from training.intermediate_tasks import FORMATS, HEAD_KINDS, TASKS

    if not isinstance(raw, dict):
        raise where.error("intermediate_tasks", "must be a mapping of task name to declaration")
    out = {}
    base_dir = Path(where.source).parent
    for name, spec in raw.items():
        key = f"intermediate_tasks.{name}"
        if not isinstance(spec, dict):
            raise where.error(key, "must be a mapping (head, format, train, ...)")
        allowed = {f.name for f in dataclasses.fields(TaskDeclaration)} - {"name"}
        where.check_keys(key, spec, allowed)
        head = where.typed(f"{key}.head", spec.get("head"), str, optional=True)
        fmt = where.typed(f"{key}.format", spec.get("format"), str, optional=True)
        train = _string_list(where, f"{key}.train", spec.get("train", []))
        labels = _string_list(where, f"{key}.labels", spec.get("labels", []))
        if name not in TASKS and head is None:
            raise where.error(f"{key}.head", f"is required for a new task; one of {', '.join(HEAD_KINDS)}")
        if head is not None and head not in HEAD_KINDS:
            raise where.error(f"{key}.head", f"{head!r} is not one of {', '.join(HEAD_KINDS)}")
        if fmt is not None and fmt not in FORMATS:
            raise where.error(f"{key}.format", f"{fmt!r} is not one of {', '.join(sorted(FORMATS))}")
        if name not in TASKS and not train and not spec.get("hub_id"):
            raise where.error(f"{key}.train", "a new task needs local files (train) or a hub_id")
        if train and fmt is None and name not in TASKS:
            raise where.error(f"{key}.format", "is required with local files")
        resolved = tuple(str(p if Path(p).is_absolute() else (base_dir / p)) for p in train)
        for original, path in zip(train, resolved):
            if not Path(path).exists():
                raise where.error(f"{key}.train", f"file not found: {original} (looked at {path})")
        head_kind = head or TASKS[name].head
        if head_kind in ("sequence_classification", "token_classification") and name not in TASKS and not labels:
            raise where.error(f"{key}.labels", f"a {head_kind} task needs its label list")
        out[name] = TaskDeclaration(
            name=name, head=head, format=fmt, train=resolved, labels=labels,
            language=where.typed(f"{key}.language", spec.get("language", "en"), str),
            hub_id=where.typed(f"{key}.hub_id", spec.get("hub_id"), str, optional=True),
            hub_config=where.typed(f"{key}.hub_config", spec.get("hub_config"), str, optional=True),
            hub_split=where.typed(f"{key}.hub_split", spec.get("hub_split", "train"), str),
        )
    return out


def _step(where, key, raw, hyper, declarations) -> IntermediateStep:
    from training.intermediate_tasks import TASKS

    if not isinstance(raw, dict):
        raise where.error(key, "must be a mapping with 'tasks'")
    where.check_keys(key, raw, {"tasks", "sampling", "temperature", "epochs", "hyperparameters"})
    if "tasks" not in raw:
        raise where.error(f"{key}.tasks", "is required (one task, or several for multi-task)")
    tasks = _string_list(where, f"{key}.tasks", raw["tasks"])
    if not tasks:
        raise where.error(f"{key}.tasks", "must name at least one task")
    if len(set(tasks)) != len(tasks):
        raise where.error(f"{key}.tasks", f"names a task twice: {list(tasks)}")
    for task in tasks:
        if task not in TASKS and task not in declarations:
            known = sorted(set(TASKS) | set(declarations))
            raise where.error(f"{key}.tasks", f"unknown intermediate task {task!r}; known: {', '.join(known)}")
    sampling = where.typed(f"{key}.sampling", raw.get("sampling", "proportional"), str)
    if sampling not in SAMPLING:
        raise where.error(f"{key}.sampling", f"{sampling!r} is not one of {', '.join(SAMPLING)}")
    temperature = where.typed(f"{key}.temperature", raw.get("temperature", 2.0), float)
    if temperature <= 0:
        raise where.error(f"{key}.temperature", f"must be > 0, got {temperature}")
    epochs = where.typed(f"{key}.epochs", raw.get("epochs"), float, optional=True)
    if epochs is not None and epochs <= 0:
        raise where.error(f"{key}.epochs", f"must be > 0, got {epochs}")
    step_hyper = None
    if raw.get("hyperparameters"):
        step_hyper = _hyperparameters(where, f"{key}.hyperparameters", raw["hyperparameters"], hyper)
    return IntermediateStep(tasks, sampling, temperature, epochs, step_hyper)


def _target(where: _Where, raw: Any) -> TargetPhase | None:
    if raw is None:
        return None  # `target: null`: intermediate training only (the bundle has just the encoder)
    if not isinstance(raw, dict):
        raise where.error("target", "must be a mapping (tasks, epochs, start_from) or null")
    where.check_keys("target", raw, {"tasks", "epochs", "start_from"})
    tasks = _string_list(where, "target.tasks", raw.get("tasks", list(TARGET_EPOCHS)))
    for task in tasks:
        if task not in TARGET_EPOCHS:
            hint = " (SQuAD v1.1 serves XQuAD and MLQA: name it 'squad')" if task in ("xquad", "mlqa") else ""
            raise where.error(
                "target.tasks", f"{task!r} is not a trainable target; one of {', '.join(TARGET_EPOCHS)}{hint}"
            )
    if len(set(tasks)) != len(tasks):
        raise where.error("target.tasks", f"names a task twice: {list(tasks)}")
    epochs_raw = raw.get("epochs") or {}
    if not isinstance(epochs_raw, dict):
        raise where.error("target.epochs", "must be a mapping of task to epochs")
    epochs = {}
    for task, value in epochs_raw.items():
        if task not in TARGET_EPOCHS:
            raise where.error(f"target.epochs.{task}", f"not a target task; one of {', '.join(TARGET_EPOCHS)}")
        value = where.typed(f"target.epochs.{task}", value, float)
        if value <= 0:
            raise where.error(f"target.epochs.{task}", f"must be > 0, got {value}")
        epochs[task] = value
    start_from = where.typed("target.start_from", raw.get("start_from", "intermediate"), str)
    if start_from not in ("intermediate", "base"):
        raise where.error("target.start_from", f"{start_from!r} is not one of intermediate, base")
    return TargetPhase(tasks, epochs, start_from)
