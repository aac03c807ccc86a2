"""Which task label each class id of a fine-tuned head stands for.

A classifier head names its classes in config.json (``id2label``); the harness writes those names into the
submission and compares them with the gold labels. A third-party head may use other spellings
(``ENTAILMENT``), other names for the same class, or names that say nothing (``LABEL_0``), and a wrong
guess would score silently wrong. So every head's names must map onto its task's labels
(evaluators/tasks: TaskSpec.labels) one to one, compared case-insensitively with ``-``, ``_`` and spaces
treated alike, plus the few synonyms the task declares (TaskSpec.label_synonyms). Anything else is refused
with the fix in the message.

The fix is an explicit map, the task label of each class id in id order (id 0 first):

    xtreme score --label-map xnli=contradiction,entailment,neutral
    model_args label_map=xnli=contradiction|entailment|neutral   (lm-eval splits model_args on commas)
    manifest.json: {"checkpoints": {"xnli": {"label_map": ["contradiction", "entailment", "neutral"]}}}

An explicit map is the user's word for what the head predicts: each name must be a task label (synonyms
accepted), there must be one per class id, but it need not name every task label (a UD-POS head that never
predicts SYM) and may name one twice (a CoNLL NER head's B-MISC read as O): a head trained on another label
set is scored as it is, on the classes it shares with the task. It must name at least two distinct labels:
a map of one label (``xnli=entailment,entailment,entailment``) makes a constant predictor, whose score says
nothing about the head, so it is a typo to refuse rather than a model to score.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from evaluators.tasks import TASKS
from harness_tasks.bundle import HEAD_FOR_TASK, CheckpointError
from harness_tasks.heads import CLASSIFIER_KINDS, TASK_ORDER

# Tasks scored by a classifier head, which predicts a closed label set, in the benchmarks' order.
LABELLED_TASKS: tuple[str, ...] = tuple(
    task for task in TASK_ORDER if TASKS[task].labels and TASKS[task].head_kind in CLASSIFIER_KINDS)

# transformers' placeholder names when a config was saved without label names.
_PLACEHOLDER = re.compile(r"label_?\d+")


def normalise(name: str) -> str:
    """The form names are compared in: case-folded, ``-``/space as ``_``, outer blanks dropped."""
    return re.sub(r"[-\s]+", "_", str(name).strip().casefold())


def task_label(task: str, name: str) -> str | None:
    """The task's own spelling of ``name`` (``ENTAILMENT`` -> ``entailment``), or None if it names none."""
    key = normalise(name)
    for label in TASKS[task].labels:
        if normalise(label) == key:
            return label
    return TASKS[task].label_synonyms.get(key)


def _check_task(task: str, where: str) -> None:
    if task not in LABELLED_TASKS:
        from evaluators.names import closest

        hint = closest(task, LABELLED_TASKS)
        raise CheckpointError(f"{where}: {task!r} is not a task with labels; label maps are for "
                              f"{', '.join(LABELLED_TASKS)}" + (f" (did you mean {hint!r}?)" if hint else ""))


def parse_names(task: str, names: Sequence[str], where: str) -> tuple[str, ...]:
    """An explicit map's names in the task's spelling; CheckpointError naming ``where`` if one is no label."""
    _check_task(task, where)
    if not names or any(not str(n).strip() for n in names):
        raise CheckpointError(f"{where}: {task} label map {list(names)} has an empty name; expected the "
                              f"{task} label of each class id, id 0 first, from {', '.join(TASKS[task].labels)}")
    out = []
    for name in names:
        label = task_label(task, name)
        if label is None:
            raise CheckpointError(f"{where}: {name!r} is not one of the {task} labels; expected names from "
                                  f"{', '.join(TASKS[task].labels)}")
        out.append(label)
    if len(set(out)) < 2:
        raise CheckpointError(f"{where}: {task} label map {list(names)} names only {out[0]!r}: every class id would "
                              f"predict it, a constant predictor whose score says nothing; give the {task} label of "
                              f"each class id, id 0 first, from {', '.join(TASKS[task].labels)}")
    return tuple(out)


def parse_label_maps(value, where: str = "--label-map") -> dict[str, tuple[str, ...]]:
    """``{task: names}`` from what a user typed.

    Accepts a mapping (``{"xnli": ["contradiction", ...]}`` or ``{"xnli": "contradiction,..."}``), one string
    ``TASK=NAME,NAME,...`` (names may be separated by ``|`` instead, as lm-eval's model_args split on
    commas; several tasks by ``;``), or a list of such strings (a repeated flag). None gives ``{}``.
    """
    if value is None or value == "":
        return {}
    if isinstance(value, Mapping):
        items = [(str(task), names) for task, names in value.items()]
    else:
        texts = [value] if isinstance(value, str) else list(value)
        items = []
        for text in texts:
            for part in str(text).split(";"):
                if not part.strip():
                    continue
                task, sep, names = part.partition("=")
                if not sep or not task.strip():
                    raise CheckpointError(f"{where} {part.strip()!r}: expected TASK=NAME,NAME,... (the label of "
                                          f"each class id, id 0 first), e.g. xnli=contradiction,entailment,neutral")
                items.append((task.strip(), names))
    maps: dict[str, tuple[str, ...]] = {}
    for task, names in items:
        if isinstance(names, str):
            names = re.split(r"[,|]", names)
        if task in maps:
            raise CheckpointError(f"{where}: {task} is mapped twice; give one map per task")
        maps[task] = parse_names(task, list(names), where)
    return maps


def _suggestion(task: str, names: Sequence[str]) -> str:
    """An example map for the message: each id's label where its name gives it, else the unused labels in
    the task's order (a guess the message tells the user to check)."""
    labels = TASKS[task].labels
    mapped = [task_label(task, n) for n in names]
    unused = [label for label in labels if label not in mapped]
    out = []
    for label in mapped:
        out.append(label if label is not None else (unused.pop(0) if unused else "?"))
    return ",".join(out)


def head_labels(task: str, id2label: Mapping, *, explicit: Sequence[str] | None, head: str,
                explicit_from: str = "--label-map (label_map)") -> tuple[str, ...]:
    """The task label of each class id (index = id) for a head with ``id2label`` (config.json).

    ``explicit`` (already parsed by parse_names) wins over the config's names and only has to match the
    number of classes. Otherwise the config's names must map one to one onto the task's labels.
    CheckpointError names ``head`` (the checkpoint folder) and says how to fix it.
    """
    labels = TASKS[task].labels
    try:
        ids = sorted(int(i) for i in id2label)
    except (TypeError, ValueError):
        raise CheckpointError(f"{head}: config.json id2label has keys that are not class ids: "
                              f"{sorted(map(str, id2label))[:5]}") from None
    if ids != list(range(len(ids))) or not ids:
        raise CheckpointError(f"{head}: config.json id2label must number the classes 0..N-1, got ids {ids[:10]}")
    names = [str(id2label[i] if i in id2label else id2label[str(i)]) for i in ids]
    if explicit is not None:
        if len(explicit) != len(names):
            raise CheckpointError(f"{head}: {explicit_from} names {len(explicit)} {task} labels but the head has "
                                  f"{len(names)} classes ({', '.join(names)}); give one label per class id, id 0 first")
        return tuple(explicit)
    mapped = [task_label(task, n) for n in names]
    if None not in mapped and sorted(mapped) == sorted(labels):
        return tuple(mapped)
    if all(_PLACEHOLDER.fullmatch(normalise(n)) for n in names):
        why = f"its class names {', '.join(names)} say nothing about which {task} label each id is"
    elif None in mapped:
        strange = [n for n, m in zip(names, mapped) if m is None]
        why = (f"{strange[0]!r} is not one of them" if len(strange) == 1
               else f"{', '.join(map(repr, strange))} are not among them")
    elif len(set(mapped)) < len(mapped):
        twice = sorted({m for m in mapped if mapped.count(m) > 1})
        why = f"several class ids name {', '.join(twice)}"
    else:
        why = f"no class is {', '.join(sorted(set(labels) - set(mapped)))}"
    raise _refusal(task, head, names, why)


def _refusal(task: str, head: str, names: Sequence[str], why: str) -> CheckpointError:
    labels = TASKS[task].labels
    example = _suggestion(task, names)
    return CheckpointError(
        f"{head}: the head's labels ({', '.join(names)}, config.json id2label) do not map onto the {task} "
        f"labels ({', '.join(labels)}): {why}. Give the {task} label of each class id, id 0 first, as the model "
        f"card says, e.g. --label-map {task}={example} (lm-eval: model_args label_map={task}="
        f"{example.replace(',', '|')}), or \"label_map\": [...] under checkpoints.{HEAD_FOR_TASK[task]} in the "
        f"bundle's manifest.json"
        + (f" (each ? stands for the {task} label that class means)" if "?" in example else "")
    )
