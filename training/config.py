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
      tasks: [xnli, pawsx, udpos, panx, squad, tydiqa, xcopa]
      epochs: {xnli: 2}                    # per-task overrides of the declared (the paper's) target epochs
    intermediate_tasks:                    # declare your own intermediate task (or point one at files)
      my_task: {head: sequence_classification, format: pair_tsv, train: data/my.tsv, labels: [a, b]}

The target tasks are the trainable heads that evaluators/tasks/training_data.py declares (``TrainingData``):
each declares its epochs, learning rate and maximum length, the defaults of its target phase; what the
config writes under ``hyperparameters`` (or ``target.epochs``) wins. A head declared in stages
(``TrainingData.first``: xcopa, trained on SocialIQA and then on English COPA) runs one target phase per
stage, each with its stage's declared epochs, the same hyperparameters, and model selection on its own dev
data; ``target.epochs`` sets the last stage's. ``data`` is read by the one data-source
parser, harness_tasks.readers.parse_source (null or ``sample``, ``hub``, ``hub:PATH`` or a folder).

Relative paths (``data`` and ``hub:PATH``, ``intermediate_tasks.*.train``) are read from the YAML file's folder.
Every error names the YAML file, the line of the key and the dotted key, e.g. ``sample.yaml:21:
intermediate[0].sampling: ...`` (for a key that is missing, the line of the mapping that lacks it).

Numbers are checked for range before anything runs (see ``_hyperparameters`` and ``_tiny_encoder``): every
float must be finite (``.nan``, ``.inf`` and overflowing literals such as ``1e999`` are refused), counts are
integers >= 1, ``learning_rate`` in (0, 1], ``max_grad_norm`` > 0, ``weight_decay`` >= 0 with
``learning_rate x weight_decay`` <= 1 (AdamW's per-step decay factor stays within [0, 1]), ``warmup_ratio``
in [0, 1), epochs in (0, 1000], sampling ``temperature`` in (0, 100] (at 100 a task a million times larger
than another is drawn only 1.15 times as often; for that, write ``sampling: uniform``), ``seed`` in [0, 2^32).
Integer sizes have upper bounds far beyond any real run (``INT_LIMITS``): ``batch_size`` and
``gradient_accumulation_steps`` at most 65536, ``max_length`` and ``qa_max_length`` at most 65536,
``max_answer_length`` at most ``qa_max_length``, step and example counts at most 2^31 - 1; a larger value is a
typo. ``mixed_precision`` is set once for the whole run (not per intermediate step); ``fp16`` needs a GPU and
is refused when the run starts on a machine without one (on a CPU accelerate would silently train in
float32), ``bf16`` runs on CPUs too. With ``base_model: tiny``, a ``max_length`` or ``qa_max_length`` written
in the config above ``tiny_encoder.max_length`` is refused (the encoder has no positions for it); the
defaults (256 and 384) are lowered to it. A file listed twice in an intermediate task's ``train`` (under any
name: the same file through a link counts too) is refused: its examples would count twice.
The file must be UTF-8 and a YAML mapping, and a key may appear only once in each mapping.
This module imports only the standard library, PyYAML and the (plain data) task declarations, so
``xtreme train --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness_tasks.heads import (
    DUAL_ENCODER,
    HEAD_FOR_TASK,
    MULTIPLE_CHOICE,
    QUESTION_ANSWERING,
    SEQUENCE_CLASSIFICATION,
    TOKEN_CLASSIFICATION,
    TRAINING_HEADS,
    tasks_of_head,
)

# The head kinds whose target phase training.recipe implements (fine-tuning and an English-dev score).
TARGET_KINDS = (SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION, QUESTION_ANSWERING, MULTIPLE_CHOICE, DUAL_ENCODER)
# The trainable targets, by bundle head name (TrainingData.head: squad, SQuAD v1.1, serves XQuAD and
# MLQA), with their declared epochs (the X-STILTs paper's), in declaration order.
TARGET_EPOCHS: dict[str, float] = {head: data.epochs for head, data in TRAINING_HEADS.items()
                                   if data.head_kind in TARGET_KINDS}
SAMPLING = ("proportional", "uniform", "temperature")
MIXED_PRECISION = ("no", "fp16", "bf16")
TINY_BASE_MODEL = "tiny"
MAX_EPOCHS = 1000.0  # far beyond any recipe; a larger value is a typo that would plan billions of batches
MAX_TEMPERATURE = 100.0  # see the module docstring
SEED_LIMIT = 2**32  # the per-step seeds derived from it must stay within torch.manual_seed's range
# The tiny encoder is for demos and tests; these bounds keep a typo from allocating gigabytes.
TINY_LIMITS = {"hidden_size": 4096, "layers": 48, "heads": 64, "vocab_size": 1_000_000, "max_length": 8192}
TINY_MIN_LENGTH = 32  # [CLS] question [SEP] context-window [SEP] must fit with room for the context
MIN_LENGTHS = {"max_length": 16, "qa_max_length": 32}  # room for special tokens and a few words of each text
# Upper bounds of the integer settings, far beyond any real run: a larger value is a typo that would plan
# one batch of the whole data set or overflow a C integer further down (see the module docstring).
COUNT_LIMIT = 2**31 - 1
INT_LIMITS = {
    "batch_size": 65536, "gradient_accumulation_steps": 65536, "max_length": 65536, "qa_max_length": 65536,
    "max_steps": COUNT_LIMIT, "max_train_examples": COUNT_LIMIT, "max_eval_examples": COUNT_LIMIT,
    "eval_every_steps": COUNT_LIMIT, "save_every_steps": COUNT_LIMIT, "log_every_steps": COUNT_LIMIT,
}


class ConfigError(ValueError):
    """A config problem, already phrased as ``FILE:LINE: key: what is wrong``."""


def located(source: str, lines: dict[str, int], key: str, *, line_of: str | None = None) -> str:
    """``FILE:LINE: key`` (``FILE: key`` when the YAML gives no line): the start of a message about ``key``.

    ``lines`` maps dotted key paths (``intermediate[0].tasks``) to the line they are written on; a key that
    is not written (a required key that is missing) takes the line of the closest enclosing one. ``line_of``
    takes the line from a more precise path (one item of a list) than the key the message names.
    """
    path = line_of or key
    while path and path not in lines:
        path = path[:max(path.rfind("."), path.rfind("["), 0)]
    where = f"{source}:{lines[path]}" if path else source
    return f"{where}: {key}" if key else where


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
    # Per task, its declared target-phase settings (TrainingData.learning_rate and .max_length) for each
    # hyperparameter the config does not write; see ExperimentConfig.target_hyperparameters.
    declared: dict[str, dict[str, Any]] = field(default_factory=dict)

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
    # Where each key is written in the YAML file (dotted path -> line), for messages; not part of the run.
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict:
        """A JSON-able view (for the manifest and the resume check)."""
        out = dataclasses.asdict(self)
        out.pop("source")
        out.pop("key_lines")
        return out

    def at(self, key: str) -> str:
        """``FILE:LINE: key``, to start a message about ``key`` found after loading (e.g. at run start)."""
        return located(self.source, self.key_lines, key)

    def target_hyperparameters(self, task: str) -> Hyperparameters:
        """The hyperparameters of ``task``'s target phase: the config's, with the task's declared settings
        for those the config leaves unset."""
        declared = self.target.declared.get(task, {}) if self.target is not None else {}
        return dataclasses.replace(self.hyperparameters, **declared)


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
    if path.exists() and not path.is_file():
        raise ConfigError(f"{path}: not a file; expected a YAML config")  # a folder, or a FIFO that would block
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config ({err.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x}); save the config as UTF-8") from None
    loader = None
    try:
        loader = _unique_key_loader()(text)
        node = loader.get_single_node()
        raw = None if node is None else loader.construct_document(node)  # what yaml.load does, keeping the node
        lines = key_lines(node)
    except _DuplicateYamlKey as err:
        raise ConfigError(f"{path}:{err.line}: duplicate key {_show(err.key)} (first at line {err.first}); each key"
                          " may appear only once in a mapping") from None
    except _BadValue as err:
        raise ConfigError(f"{path}:{err.line}: {err.problem}") from None
    except yaml.MarkedYAMLError as err:  # one line: where PyYAML found the problem, and what it is
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        what = " ".join(part for part in (err.context, err.problem) if part)
        raise ConfigError(f"{where}: not valid YAML: {what}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {' '.join(str(err).split())}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a config") from None
    finally:
        if loader is not None:
            loader.dispose()
    return parse_config(raw, source=str(path), lines=lines)


def key_lines(node) -> dict[str, int]:
    """The line (1-based) of every mapping key and list item under ``node``, by dotted path as messages
    write it (``hyperparameters.learning_rate``, ``intermediate[0].tasks``).

    Runs after construction, so merge keys (``<<: *base``) are already flattened into their mappings (the
    last occurrence of a key wins, as in the loaded dict). The walk is breadth first and enters each node
    once, by its shortest path (where an anchor is defined, usually): the keys under an alias take the
    line of the alias (closest enclosing path), and nested aliases cannot make the walk explode.
    """
    from collections import deque

    import yaml

    lines: dict[str, int] = {}
    seen: set[int] = set()
    queue = deque([("", node)] if node is not None else [])
    while queue:
        path, current = queue.popleft()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            children = [(f"{path}.{k.value}" if path else str(k.value), k.start_mark.line + 1, v)
                        for k, v in current.value if isinstance(k, yaml.ScalarNode)]
        elif isinstance(current, yaml.SequenceNode):
            children = [(f"{path}[{i}]", v.start_mark.line + 1, v) for i, v in enumerate(current.value)]
        else:
            continue
        for child, line, value in children:
            lines[child] = line
            queue.append((child, value))
    return lines


class _DuplicateYamlKey(Exception):
    def __init__(self, key, first: int, line: int) -> None:
        super().__init__(key)
        self.key, self.first, self.line = key, first, line


class _BadValue(Exception):
    """A scalar PyYAML cannot build (``2001-13-45``, ``!!float abc``, an integer of 5000 digits); PyYAML
    raises a bare ValueError for these, without the line."""

    def __init__(self, problem: str, line: int) -> None:
        super().__init__(problem)
        self.problem, self.line = problem, line


_LOADER = None


def _unique_key_loader():
    """yaml.SafeLoader, but a mapping that names a key twice is an error (PyYAML keeps the last silently).

    Built on first use so that importing this module does not import PyYAML. Merge keys (``<<: *base``)
    are left to PyYAML: overriding a merged key is what they are for.
    """
    global _LOADER
    if _LOADER is None:
        import yaml

        class UniqueKeyLoader(yaml.SafeLoader):
            def construct_mapping(self, node, deep=False):
                if isinstance(node, yaml.MappingNode):
                    seen: dict = {}
                    for key_node, _ in node.value:
                        if key_node.tag == "tag:yaml.org,2002:merge":
                            continue
                        key = self.construct_object(key_node, deep=True)
                        line = key_node.start_mark.line + 1
                        try:
                            if key in seen:
                                raise _DuplicateYamlKey(key, seen[key], line)
                            seen[key] = line
                        except TypeError:  # an unhashable key: PyYAML's own error says so
                            continue
                return super().construct_mapping(node, deep=deep)

            def construct_object(self, node, deep=False):
                try:
                    return super().construct_object(node, deep=deep)
                except (ValueError, TypeError, AttributeError) as err:
                    if isinstance(node, yaml.ScalarNode) and len(node.value) > 40:
                        problem = f"a value of {len(node.value)} characters that is not a valid {node.tag.split(':')[-1]}"
                    else:
                        problem = f"{_show(getattr(node, 'value', ''))} is not a valid {node.tag.split(':')[-1]} ({err})"
                    raise _BadValue(problem, node.start_mark.line + 1) from None

        _LOADER = UniqueKeyLoader
    return _LOADER


def parse_config(raw: Any, *, source: str = "<config>", lines: dict[str, int] | None = None) -> ExperimentConfig:
    """Validate the loaded YAML ``raw``; ``lines`` (from ``key_lines``) puts the line into every message."""
    where = _Where(source, lines or {})
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise where.error("", f"the config must be a mapping of keys to values, got {got}")
    allowed = {
        "base_model", "seed", "data", "hyperparameters", "intermediate", "target",
        "intermediate_tasks", "tiny_encoder", "output_dir",
    }
    where.check_keys("", raw, allowed)
    if "base_model" not in raw:
        raise where.error("base_model", "is required (a hub id, a local folder, or 'tiny')")
    base_model = where.typed("base_model", raw["base_model"], str)
    if not base_model.strip():
        raise where.error("base_model", "is empty; expected a hub id, a local folder, or 'tiny'")
    hyper = _hyperparameters(where, "hyperparameters", raw.get("hyperparameters") or {}, Hyperparameters())
    declarations = _declarations(where, raw.get("intermediate_tasks") or {})
    steps_raw = raw.get("intermediate") or []
    if not isinstance(steps_raw, list):
        raise where.error("intermediate", "must be a list of steps (each with 'tasks')")
    steps = tuple(
        _step(where, f"intermediate[{i}]", step, hyper, declarations) for i, step in enumerate(steps_raw)
    )
    written = set(raw.get("hyperparameters") or {})
    target = _target(where, raw.get("target", {}), written)
    if target is not None and not steps and (raw.get("target") or {}).get("start_from") == "intermediate":
        raise where.error("target.start_from", "is 'intermediate' but the config has no intermediate steps")
    tiny = TinyEncoder()
    if "tiny_encoder" in raw:
        tiny = _tiny_encoder(where, raw["tiny_encoder"] or {})
    if base_model == TINY_BASE_MODEL:
        _check_tiny_lengths(where, tiny, [("hyperparameters", raw.get("hyperparameters") or {})] + [
            (f"intermediate[{i}].hyperparameters", step.get("hyperparameters") or {})
            for i, step in enumerate(steps_raw)])
    seed = where.typed("seed", raw.get("seed", 42), int)
    if not 0 <= seed < SEED_LIMIT:
        raise where.error("seed", f"must be in [0, 2^32), got {_show(seed)}")
    return ExperimentConfig(
        base_model=base_model,
        source=source,
        seed=seed,
        data=_data_folder(where, raw.get("data")),
        hyperparameters=hyper,
        intermediate=steps,
        target=target,
        intermediate_tasks=declarations,
        tiny_encoder=tiny,
        output_dir=where.typed("output_dir", raw.get("output_dir"), str, optional=True),
        key_lines=dict(where.lines),
    )


def _check_tiny_lengths(where: _Where, tiny: TinyEncoder, written: list[tuple[str, dict]]) -> None:
    """A window length written in the config must fit the tiny encoder's positions (defaults are lowered
    to fit by the recipe; a value the user wrote is not silently cut)."""
    for key, raw in written:
        for name in ("max_length", "qa_max_length"):
            value = raw.get(name) if isinstance(raw, dict) else None
            if isinstance(value, int) and value > tiny.max_length:
                raise where.error(f"{key}.{name}", f"{value} is more than tiny_encoder.max_length ({tiny.max_length}),"
                                                   " the longest input the tiny encoder takes; raise"
                                                   f" tiny_encoder.max_length or lower {key}.{name}")


class _Where:
    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source, self.lines = source, lines

    def error(self, key: str, message: str, *, line_of: str | None = None) -> ConfigError:
        """The error about ``key``, on the line of ``line_of`` (a more precise path, e.g. a list item)."""
        return ConfigError(f"{located(self.source, self.lines, key, line_of=line_of)}: {message}")

    def check_keys(self, key: str, value: dict, allowed: set[str]) -> None:
        unknown = sorted(set(value) - allowed, key=str)  # keys need not be strings in YAML
        if unknown:
            prefix = f"{key}." if key else ""
            raise self.error(
                f"{prefix}{unknown[0]}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )

    def typed(self, key: str, value: Any, kind: type, *, optional: bool = False):
        if value is None and optional:
            return None
        if kind is float and not isinstance(value, bool) and isinstance(value, (int, float, str)):
            number = _to_float(value)
            if number is not None:
                if not math.isfinite(number):  # .nan, .inf, 1e999, "inf", an integer beyond float range
                    raise self.error(key, f"must be a finite number, got {_show(value)}")
                return number
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise self.error(key, f"expected {kind.__name__}, got {type(value).__name__} {_show(value)}")
        return value


def _show(value: Any) -> str:
    """``repr(value)``, shortened when long (a 400-digit number need not be echoed whole)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(text)} characters)"


def _to_float(value: int | float | str) -> float | None:
    """The number a YAML value means, or None if it is no number. PyYAML reads ``1e-5`` (no dot) as a
    string: accept the number people mean."""
    try:
        return float(value)
    except ValueError:
        return None
    except OverflowError:  # an integer too large for a float
        return math.inf


def _data_folder(where: _Where, value: Any) -> str | None:
    """The data source as the readers take it (harness_tasks.readers.parse_source), a relative folder (or
    the PATH of ``hub:PATH``) read from the YAML file's folder."""
    from harness_tasks.readers import parse_source
    from harness_tasks.readers.errors import DataSourceError

    value = where.typed("data", value, str, optional=True)
    text = value
    if value is not None and value not in ("sample", "hub"):
        prefix = "hub:" if value.startswith("hub:") else ""
        folder = Path(value[len(prefix):]).expanduser()
        text = prefix + str(folder if folder.is_absolute() else Path(where.source).parent / folder)
    try:
        return parse_source(text)
    except DataSourceError as err:
        raise where.error("data", str(err)) from None


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
    for name in (*positive, "max_grad_norm"):  # max_grad_norm 0 would turn off clipping and the gradient check
        if getattr(hyper, name) <= 0:
            raise where.error(f"{key}.{name}", f"must be > 0, got {_show(getattr(hyper, name))}")
    for name in ("max_steps", "max_train_examples", "max_eval_examples", "eval_every_steps"):
        value = getattr(hyper, name)
        if value is not None and value <= 0:
            raise where.error(f"{key}.{name}", f"must be > 0 (or null), got {value}")
    for name, limit in INT_LIMITS.items():
        value = getattr(hyper, name)
        if value is not None and value > limit:
            per_device = " (per device)" if name == "batch_size" else ""
            raise where.error(f"{key}.{name}", f"must be at most {limit}{per_device}, got {_show(value)}")
    if hyper.max_answer_length > hyper.qa_max_length:
        raise where.error(f"{key}.max_answer_length", f"must be at most qa_max_length ({hyper.qa_max_length}): an"
                                                      f" answer lies within one window; got {hyper.max_answer_length}")
    if hyper.learning_rate > 1:
        raise where.error(f"{key}.learning_rate", f"must be at most 1 (AdamW moves each weight by about the learning"
                                                  f" rate every step), got {hyper.learning_rate}")
    if hyper.weight_decay < 0:
        raise where.error(f"{key}.weight_decay", f"must be >= 0, got {hyper.weight_decay}")
    if hyper.learning_rate * hyper.weight_decay > 1:
        raise where.error(f"{key}.weight_decay", f"times learning_rate must be at most 1 (AdamW scales every weight"
                                                 f" by 1 - learning_rate x weight_decay each step), got"
                                                 f" {hyper.weight_decay} x {hyper.learning_rate}")
    _check_epochs(where, f"{key}.intermediate_epochs", hyper.intermediate_epochs)
    if not 0 <= hyper.warmup_ratio < 1:
        raise where.error(f"{key}.warmup_ratio", f"must be in [0, 1), got {hyper.warmup_ratio}")
    for name, least in MIN_LENGTHS.items():
        if getattr(hyper, name) < least:
            raise where.error(f"{key}.{name}", f"must be at least {least}, got {getattr(hyper, name)}")
    if not 0 <= hyper.doc_stride <= hyper.qa_max_length // 2:
        raise where.error(f"{key}.doc_stride", f"must be >= 0 and smaller than qa_max_length: at most half of it"
                                               f" ({hyper.qa_max_length // 2}), so that a question fits beside the"
                                               f" overlap; got {hyper.doc_stride}")
    if hyper.mixed_precision not in MIXED_PRECISION:
        raise where.error(
            f"{key}.mixed_precision", f"{hyper.mixed_precision!r} is not one of {', '.join(MIXED_PRECISION)}"
        )
    return hyper


def _check_epochs(where: _Where, key: str, value: float | None) -> None:
    if value is not None and value <= 0:
        raise where.error(key, f"must be > 0, got {value}")
    if value is not None and value > MAX_EPOCHS:
        raise where.error(key, f"must be at most {MAX_EPOCHS:g}, got {value}")


def _tiny_encoder(where: _Where, raw: Any) -> TinyEncoder:
    tiny = _dataclass_from(where, "tiny_encoder", raw, TinyEncoder())
    for name, limit in TINY_LIMITS.items():
        value = getattr(tiny, name)
        if not 1 <= value <= limit:
            raise where.error(f"tiny_encoder.{name}", f"must be in [1, {limit}], got {value}")
    if tiny.hidden_size % tiny.heads:
        raise where.error("tiny_encoder.heads", f"must divide hidden_size ({tiny.hidden_size}), got {tiny.heads}")
    if tiny.max_length < TINY_MIN_LENGTH:
        raise where.error("tiny_encoder.max_length", f"must be at least {TINY_MIN_LENGTH} (room for a question and"
                                                     f" a context window), got {tiny.max_length}")
    return tiny


def _string_list(where: _Where, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(key, f"expected a list of strings, got {value!r}")
    return tuple(value)


def _declarations(where: _Where, raw: Any) -> dict[str, TaskDeclaration]:
    from training.intermediate_tasks import FORMATS, INTERMEDIATE_HEAD_KINDS, TASKS

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
            raise where.error(f"{key}.head",
                              f"is required for a new task; one of {', '.join(INTERMEDIATE_HEAD_KINDS)}")
        if head is not None and head not in INTERMEDIATE_HEAD_KINDS:
            raise where.error(f"{key}.head", f"{head!r} is not one of {', '.join(INTERMEDIATE_HEAD_KINDS)}")
        if fmt is not None and fmt not in FORMATS:
            raise where.error(f"{key}.format", f"{fmt!r} is not one of {', '.join(sorted(FORMATS))}")
        if name not in TASKS and not train and not spec.get("hub_id"):
            raise where.error(f"{key}.train", "a new task needs local files (train) or a hub_id")
        if train and fmt is None and name not in TASKS:
            raise where.error(f"{key}.format", "is required with local files")
        resolved = tuple(str(p if Path(p).is_absolute() else (base_dir / p)) for p in train)
        listed: dict[tuple[int, int], int] = {}  # (device, inode) -> position in train: one file, any name
        for i, (original, path) in enumerate(zip(train, resolved)):
            at = f"{key}.train[{i}]" if isinstance(spec.get("train"), list) else None
            if not Path(path).exists():
                raise where.error(f"{key}.train", f"file not found: {original} (looked at {path})", line_of=at)
            if not Path(path).is_file():
                raise where.error(f"{key}.train", f"not a file: {original} (looked at {path}); expected a data"
                                                  " file", line_of=at)
            stat = Path(path).stat()
            first = listed.setdefault((stat.st_dev, stat.st_ino), i)
            if first != i:
                same = f"{train[first]!r} twice" if train[first] == original else \
                    f"one file twice: {train[first]!r} and {original!r} are both {Path(path).resolve()}"
                raise where.error(f"{key}.train", f"lists {same}; its examples would count twice in training: list"
                                                  " each file once", line_of=at)
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
    if not 0 < temperature <= MAX_TEMPERATURE:
        raise where.error(f"{key}.temperature", f"must be > 0 and at most {MAX_TEMPERATURE:g}, got {temperature}")
    epochs = where.typed(f"{key}.epochs", raw.get("epochs"), float, optional=True)
    _check_epochs(where, f"{key}.epochs", epochs)
    step_hyper = None
    if raw.get("hyperparameters"):
        step_hyper = _hyperparameters(where, f"{key}.hyperparameters", raw["hyperparameters"], hyper)
        if step_hyper.mixed_precision != hyper.mixed_precision:
            raise where.error(f"{key}.hyperparameters.mixed_precision",
                              "is set once for the whole run (one accelerator trains every phase): set"
                              " hyperparameters.mixed_precision instead")
    return IntermediateStep(tasks, sampling, temperature, epochs, step_hyper)


def _target(where: _Where, raw: Any, written: set[str]) -> TargetPhase | None:
    """``written``: the hyperparameters the config sets (the declared settings of a target yield to them)."""
    if raw is None:
        return None  # `target: null`: intermediate training only (the bundle has just the encoder)
    if not isinstance(raw, dict):
        raise where.error("target", "must be a mapping (tasks, epochs, start_from) or null")
    where.check_keys("target", raw, {"tasks", "epochs", "start_from"})
    tasks = _string_list(where, "target.tasks", raw.get("tasks", list(TARGET_EPOCHS)))
    for task in tasks:
        if task not in TARGET_EPOCHS:
            hint = ""
            if task in TRAINING_HEADS:
                hint = (f" (the {task} head is a {TRAINING_HEADS[task].head_kind} head, which this recipe does"
                        f" not train yet)")
            elif HEAD_FOR_TASK.get(task) in TARGET_EPOCHS:  # a task scored by a head of another name
                head = HEAD_FOR_TASK[task]
                from evaluators.tasks import TASKS

                served = " and ".join(TASKS[name].title for name in tasks_of_head(head))
                hint = f" ({TRAINING_HEADS[head].title} serves {served}: name it {head!r})"
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
        _check_epochs(where, f"target.epochs.{task}", value)
        epochs[task] = value
    start_from = where.typed("target.start_from", raw.get("start_from", "intermediate"), str)
    if start_from not in ("intermediate", "base"):
        raise where.error("target.start_from", f"{start_from!r} is not one of intermediate, base")
    return TargetPhase(tasks, epochs, start_from, {task: _declared_settings(task, written) for task in tasks})


def _declared_settings(task: str, written: set[str]) -> dict[str, Any]:
    """The declared learning rate and maximum length of a target (the length of QA windows for a QA head),
    less what the config writes."""
    data = TRAINING_HEADS[task]
    length = "qa_max_length" if data.head_kind == QUESTION_ANSWERING else "max_length"
    settings = {"learning_rate": data.learning_rate, length: data.max_length}
    return {name: value for name, value in settings.items() if name not in written}
