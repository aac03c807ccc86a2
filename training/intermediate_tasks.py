"""The intermediate tasks of X-STILTs, declared as data: name, head kind, where the data lives, how to read it.

The nine tasks of Phang et al. (2020) are in ``TASKS``. Each one's data comes from, in this order:

1. local files named in the YAML (``intermediate_tasks: {mnli: {train: [...], format: nli_jsonl}}``);
2. the XTREME raw-layout folder (``data:`` in the config, the bundled sample data when null), for the two
   tasks XTREME itself ships (MNLI is ``xnli/train-en.tsv``, SQuAD v1.1 is ``squad/train-v1.1.json``);
3. the Hugging Face hub (``datasets.load_dataset(hub_id, hub_config, split=...)``).

CCG supertagging has no public download: it reads local files only. A user adds a task of their own (any
language) in the YAML with ``head``, ``format``, ``train`` (and ``labels`` for classifiers) without touching
this module; ``FORMATS`` lists the local formats a declaration can name.

Records: pair tasks give ``PairExample``, tagging ``TaggedSentence``, extractive QA ``QAExample`` (an empty
``answers`` tuple is an unanswerable SQuAD v2.0 question), multiple choice ``ChoiceExample`` (below).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from evaluators.json_input import DuplicateKeyError, unique_keys
from harness_tasks.heads import MULTIPLE_CHOICE, QUESTION_ANSWERING, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION
from harness_tasks.readers._text import read_text
from harness_tasks.readers.errors import DataFormatError, MissingDataError
from harness_tasks.readers.qa import read_squad_json as read_squad_file
from harness_tasks.records import Answer, PairExample, QAExample, TaggedSentence

# The head kinds an intermediate task can have: those training.heads.TaskHead trains on a shared encoder.
INTERMEDIATE_HEAD_KINDS = (SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION, QUESTION_ANSWERING, MULTIPLE_CHOICE)

NLI_LABELS = ("contradiction", "entailment", "neutral")


@dataclass(frozen=True)
class ChoiceExample:
    """Multiple choice (HellaSwag, CosmosQA, CommonsenseQA): pick one of ``choices`` given ``context``."""

    id: str
    context: str
    choices: tuple[str, ...]
    label: int  # index into choices
    language: str = "en"


class TaskDataError(ValueError):
    """A task's data cannot be read; the message names the file (and line) or the hub id."""


# ---------------------------------------------------------------------------------------------------------
# Local formats: one reader per format, ``reader(path, task_name, language) -> list of records``.


def _lines(path: Path) -> list[str]:
    # The readers' strict text reader (UTF-8, no BOM, not empty), with this module's error type.
    try:
        return read_text(path, "the task's data file").split("\n")
    except (DataFormatError, MissingDataError) as err:
        raise TaskDataError(str(err)) from None


def _jsonl(path: Path) -> Iterable[tuple[int, dict]]:
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            # The scoring layer's hook: a repeated key is an error, not "the last one wins".
            obj = json.loads(line, object_pairs_hook=unique_keys)
        except DuplicateKeyError as err:
            raise TaskDataError(f"{path}:{number}: {err}; expected one object a line") from None
        except json.JSONDecodeError as err:
            raise TaskDataError(f"{path}:{number}: not valid JSON ({err.msg}); expected one object a line") from None
        except (ValueError, RecursionError):  # a 5,000-digit integer, or nesting deeper than Python's stack
            raise TaskDataError(f"{path}:{number}: JSON that cannot be read (an integer too long or nesting too "
                                "deep); expected one object a line") from None
        if not isinstance(obj, dict):
            raise TaskDataError(f"{path}:{number}: expected a JSON object, got {type(obj).__name__}")
        yield number, obj


def _choice_label(value, n_choices: int, path: Path, number: int) -> int:
    """A multiple-choice answer index: an int (or ASCII-digit string) in [0, n_choices). int() alone would
    take True, 1.9 and '٣', and a label past the choices would only fail deep inside training."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n_choices:
        raise TaskDataError(f"{path}:{number}: label {repr(value)[:40]}: expected the index of the right "
                            f"choice, an integer from 0 to {n_choices - 1}")
    return value


def _first(obj: dict, keys: tuple[str, ...], path: Path, number: int):
    for key in keys:
        if key in obj:
            return obj[key]
    raise TaskDataError(f"{path}:{number}: missing key; expected one of {', '.join(keys)}")


# NLI label spellings across SNLI, MNLI, ANLI (letters) and the hub (0 entailment, 1 neutral, 2 contradiction).
_NLI_NAMES = {
    "entailment": "entailment", "e": "entailment", "0": "entailment",
    "neutral": "neutral", "n": "neutral", "1": "neutral",
    "contradiction": "contradiction", "contradictory": "contradiction", "c": "contradiction", "2": "contradiction",
}


def _nli_label(value) -> str | None:
    """The NLI label name, or None for SNLI's no-consensus '-' and the hub's -1 (such pairs are skipped)."""
    return _NLI_NAMES.get(str(value).strip().lower())


def read_pair_tsv(path: Path, task: str, language: str) -> list[PairExample]:
    """``sentence1<TAB>sentence2<TAB>label``, no header: the XTREME layout (csv quoting as its script writes)."""
    text = "\n".join(_lines(path))
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    out = []
    for row in reader:
        if not row:
            continue
        if len(row) != 3:
            raise TaskDataError(f"{path}:{reader.line_num}: expected 3 tab-separated fields, got {len(row)}")
        label = row[2].strip()
        if task in ("mnli", "anli_plus"):
            label = _nli_label(label) or label
        out.append(PairExample(f"{task}.{len(out)}", row[0], row[1], label, language))
    return out


def read_nli_jsonl(path: Path, task: str, language: str) -> list[PairExample]:
    """SNLI / MNLI / ANLI jsonl: premise (sentence1, context) + hypothesis (sentence2) + label (gold_label)."""
    out = []
    for number, obj in _jsonl(path):
        label = _nli_label(_first(obj, ("gold_label", "label"), path, number))
        if label is None:
            continue  # SNLI/MNLI pairs without annotator consensus carry no label
        premise = _first(obj, ("premise", "sentence1", "context"), path, number)
        hypothesis = _first(obj, ("hypothesis", "sentence2"), path, number)
        out.append(PairExample(f"{task}.{len(out)}", premise, hypothesis, label, language))
    return out


def read_qqp_tsv(path: Path, task: str, language: str) -> list[PairExample]:
    """GLUE's QQP tsv with its header: id, qid1, qid2, question1, question2, is_duplicate."""
    lines = [line for line in _lines(path) if line]
    if not lines:
        raise TaskDataError(f"{path}: empty; expected GLUE QQP tsv with a header line")
    header = lines[0].split("\t")
    try:
        q1, q2, dup = header.index("question1"), header.index("question2"), header.index("is_duplicate")
    except ValueError:
        raise TaskDataError(f"{path}:1: header {header} lacks question1/question2/is_duplicate") from None
    out = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise TaskDataError(f"{path}:{number}: expected {len(header)} fields, got {len(fields)}")
        out.append(PairExample(f"{task}.{len(out)}", fields[q1], fields[q2], fields[dup].strip(), language))
    return out


def read_squad_json(path: Path, task: str, language: str) -> list[QAExample]:
    """SQuAD v1.1 or v2.0 JSON via the harness's SQuAD reader; an unanswerable v2.0 question (``answers: []``)
    gets ``answers=()``."""
    try:
        return read_squad_file(path, language=language)
    except (DataFormatError, MissingDataError) as err:
        raise TaskDataError(str(err)) from None


def read_hellaswag_jsonl(path: Path, task: str, language: str) -> list[ChoiceExample]:
    """HellaSwag's jsonl: ctx, endings (4), label."""
    out = []
    for number, obj in _jsonl(path):
        endings = tuple(_first(obj, ("endings",), path, number))
        label = _choice_label(_first(obj, ("label",), path, number), len(endings), path, number)
        out.append(ChoiceExample(f"{task}.{len(out)}", _first(obj, ("ctx",), path, number), endings, label,
                                 language))
    return out


def read_cosmosqa_jsonl(path: Path, task: str, language: str) -> list[ChoiceExample]:
    """CosmosQA's jsonl: context, question, answer0..answer3, label."""
    out = []
    for number, obj in _jsonl(path):
        context = f"{_first(obj, ('context',), path, number)} {_first(obj, ('question',), path, number)}"
        choices = tuple(_first(obj, (f"answer{i}",), path, number) for i in range(4))
        label = _choice_label(_first(obj, ("label",), path, number), len(choices), path, number)
        out.append(ChoiceExample(f"{task}.{len(out)}", context, choices, label, language))
    return out


def read_commonsenseqa_jsonl(path: Path, task: str, language: str) -> list[ChoiceExample]:
    """CommonsenseQA's jsonl: question.stem, question.choices [{label, text}], answerKey."""
    out = []
    for number, obj in _jsonl(path):
        question = _first(obj, ("question",), path, number)
        try:
            keys = [c["label"] for c in question["choices"]]
            choices = tuple(c["text"] for c in question["choices"])
            out.append(ChoiceExample(f"{task}.{len(out)}", question["stem"], choices,
                                     keys.index(obj["answerKey"]), language))
        except (KeyError, TypeError, ValueError) as err:
            raise TaskDataError(f"{path}:{number}: not CommonsenseQA form ({err!r})") from None
    return out


def read_choice_jsonl(path: Path, task: str, language: str) -> list[ChoiceExample]:
    """Generic multiple choice for user tasks: {"context": str, "choices": [str, ...], "label": int}."""
    out = []
    for number, obj in _jsonl(path):
        choices = _first(obj, ("choices",), path, number)
        label = _first(obj, ("label",), path, number)
        if not isinstance(choices, list) or not isinstance(label, int) or not 0 <= label < len(choices):
            raise TaskDataError(f"{path}:{number}: expected choices (a list) and label (an index into it)")
        out.append(ChoiceExample(f"{task}.{len(out)}", _first(obj, ("context",), path, number), tuple(choices),
                                 label, language))
    return out


def read_conll(path: Path, task: str, language: str) -> list[TaggedSentence]:
    """``token<TAB>tag`` a line, blank line between sentences (CCG supertags, or any tagging task)."""
    out, tokens, tags = [], [], []
    for number, line in enumerate(_lines(path) + [""], start=1):
        if not line.strip():
            if tokens:
                out.append(TaggedSentence(f"{task}.{len(out)}", tuple(tokens), tuple(tags), language))
                tokens, tags = [], []
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise TaskDataError(f"{path}:{number}: expected token<TAB>tag, got {len(fields)} fields")
        tokens.append(fields[0])
        tags.append(fields[1].strip())
    return out


FORMATS: dict[str, tuple[str, Callable]] = {
    "pair_tsv": (SEQUENCE_CLASSIFICATION, read_pair_tsv),
    "nli_jsonl": (SEQUENCE_CLASSIFICATION, read_nli_jsonl),
    "qqp_tsv": (SEQUENCE_CLASSIFICATION, read_qqp_tsv),
    "squad_json": (QUESTION_ANSWERING, read_squad_json),
    "hellaswag_jsonl": (MULTIPLE_CHOICE, read_hellaswag_jsonl),
    "cosmosqa_jsonl": (MULTIPLE_CHOICE, read_cosmosqa_jsonl),
    "commonsenseqa_jsonl": (MULTIPLE_CHOICE, read_commonsenseqa_jsonl),
    "choice_jsonl": (MULTIPLE_CHOICE, read_choice_jsonl),
    "conll": (TOKEN_CLASSIFICATION, read_conll),
}


# ---------------------------------------------------------------------------------------------------------
# Hub rows -> records (one converter per dataset schema).


def _hub_nli(row: dict, i: int, task: str):
    label = _nli_label(row["label"])
    if label is None:
        return None
    premise = row.get("premise", row.get("context"))
    return PairExample(f"{task}.{i}", premise, row["hypothesis"], label, "en")


def _hub_qqp(row: dict, i: int, task: str):
    return PairExample(f"{task}.{i}", row["question1"], row["question2"], str(row["label"]), "en")


def _hub_squad(row: dict, i: int, task: str):
    answers = tuple(Answer(t, int(s)) for t, s in zip(row["answers"]["text"], row["answers"]["answer_start"]))
    return QAExample(row["id"], row["question"], row["context"], answers, "en", row.get("title", ""))


def _hub_hellaswag(row: dict, i: int, task: str):
    if row["label"] in ("", None):
        return None  # the hub's test split has no labels
    return ChoiceExample(f"{task}.{i}", row["ctx"], tuple(row["endings"]), int(row["label"]))


def _hub_cosmosqa(row: dict, i: int, task: str):
    choices = tuple(row[f"answer{k}"] for k in range(4))
    return ChoiceExample(f"{task}.{i}", f"{row['context']} {row['question']}", choices, int(row["label"]))


def _hub_commonsenseqa(row: dict, i: int, task: str):
    if not row["answerKey"]:
        return None
    labels = list(row["choices"]["label"])
    return ChoiceExample(f"{task}.{i}", row["question"], tuple(row["choices"]["text"]), labels.index(row["answerKey"]))


@dataclass(frozen=True)
class HubSource:
    hub_id: str
    config: str | None
    split: str
    convert: Callable


@dataclass(frozen=True)
class IntermediateTask:
    name: str
    head: str
    description: str
    labels: tuple[str, ...] = ()  # empty: read from the data (sorted), for tagging sets such as CCG's
    hub: tuple[HubSource, ...] = ()  # several sources are concatenated in order (ANLI+)
    local_format: str | None = None  # the format of local files declared in the YAML
    xtreme_layout: tuple[str, ...] = ()  # a file of the XTREME raw layout holding this task's training data


_NLI_HUB = "nyu-mll/multi_nli"
TASKS: dict[str, IntermediateTask] = {
    t.name: t
    for t in (
        IntermediateTask(
            "anli_plus", SEQUENCE_CLASSIFICATION, "SNLI + MNLI + ANLI rounds 1-3, one NLI head", NLI_LABELS,
            hub=(
                HubSource("stanfordnlp/snli", None, "train", _hub_nli),
                HubSource(_NLI_HUB, None, "train", _hub_nli),
                HubSource("facebook/anli", None, "train_r1", _hub_nli),
                HubSource("facebook/anli", None, "train_r2", _hub_nli),
                HubSource("facebook/anli", None, "train_r3", _hub_nli),
            ),
            local_format="nli_jsonl",
        ),
        IntermediateTask(
            "mnli", SEQUENCE_CLASSIFICATION, "MultiNLI", NLI_LABELS,
            hub=(HubSource(_NLI_HUB, None, "train", _hub_nli),),
            local_format="nli_jsonl", xtreme_layout=("xnli", "train-en.tsv"),
        ),
        IntermediateTask(
            "qqp", SEQUENCE_CLASSIFICATION, "Quora Question Pairs (GLUE)", ("0", "1"),
            hub=(HubSource("nyu-mll/glue", "qqp", "train", _hub_qqp),), local_format="qqp_tsv",
        ),
        IntermediateTask(
            "squad", QUESTION_ANSWERING, "SQuAD v1.1",
            hub=(HubSource("rajpurkar/squad", None, "train", _hub_squad),),
            local_format="squad_json", xtreme_layout=("squad", "train-v1.1.json"),
        ),
        IntermediateTask(
            "squad_v2", QUESTION_ANSWERING, "SQuAD v2.0 (unanswerable questions: the null span)",
            hub=(HubSource("rajpurkar/squad_v2", None, "train", _hub_squad),), local_format="squad_json",
        ),
        IntermediateTask(
            "hellaswag", MULTIPLE_CHOICE, "HellaSwag",
            hub=(HubSource("Rowan/hellaswag", None, "train", _hub_hellaswag),), local_format="hellaswag_jsonl",
        ),
        IntermediateTask(
            "cosmosqa", MULTIPLE_CHOICE, "CosmosQA",
            hub=(HubSource("allenai/cosmos_qa", None, "train", _hub_cosmosqa),), local_format="cosmosqa_jsonl",
        ),
        IntermediateTask(
            "commonsenseqa", MULTIPLE_CHOICE, "CommonsenseQA",
            hub=(HubSource("tau/commonsense_qa", None, "train", _hub_commonsenseqa),),
            local_format="commonsenseqa_jsonl",
        ),
        IntermediateTask(
            "ccg", TOKEN_CLASSIFICATION, "CCG supertagging (CCGbank: licensed, local files only)",
            local_format="conll",
        ),
    )
}


@dataclass(frozen=True)
class TaskData:
    """What one intermediate task trains on, and where it came from (for the manifest)."""

    name: str
    head: str
    labels: tuple[str, ...]
    examples: list
    sources: dict  # file path -> sha256, or hub "id[/config]:split" -> dataset fingerprint


def resolve_task(name: str, declaration=None) -> IntermediateTask:
    """The task as declared: built-in, built-in redirected to local files, or the user's own."""
    builtin = TASKS.get(name)
    if declaration is None:
        if builtin is None:
            raise KeyError(f"unknown intermediate task {name!r}; known: {', '.join(TASKS)}")
        return builtin
    head = declaration.head or builtin.head
    hub = builtin.hub if builtin else ()
    if declaration.hub_id:
        convert = {
            SEQUENCE_CLASSIFICATION: _hub_nli, QUESTION_ANSWERING: _hub_squad, MULTIPLE_CHOICE: _hub_hellaswag,
        }.get(head)
        if builtin is not None and builtin.hub:
            convert = builtin.hub[0].convert
        if convert is None:
            raise TaskDataError(f"intermediate task {name!r}: hub_id is not supported for {head} tasks")
        hub = (HubSource(declaration.hub_id, declaration.hub_config, declaration.hub_split, convert),)
    return IntermediateTask(
        name=name,
        head=head,
        description=builtin.description if builtin else "declared in the config",
        labels=declaration.labels or (builtin.labels if builtin else ()),
        hub=hub,
        local_format=declaration.format or (builtin.local_format if builtin else None),
        xtreme_layout=builtin.xtreme_layout if builtin and not declaration.train else (),
    )


def load_task(
    name: str,
    declaration=None,
    *,
    xtreme_dir: Path | None,
    max_examples: int | None = None,
    language: str = "en",
) -> TaskData:
    """Read one intermediate task's training data (local files, XTREME layout or hub; see the module doc)."""
    from training.hashing import sha256_file

    task = resolve_task(name, declaration)
    language = declaration.language if declaration else language
    examples: list = []
    sources: dict = {}
    files = [Path(p) for p in declaration.train] if declaration and declaration.train else []
    if not files and task.xtreme_layout and xtreme_dir is not None:
        candidate = xtreme_dir.joinpath(*task.xtreme_layout)
        if candidate.is_file():
            files = [candidate]
    if files:
        fmt = task.local_format
        if task.xtreme_layout and files[0].name == task.xtreme_layout[-1]:
            fmt = "pair_tsv" if task.head == SEQUENCE_CLASSIFICATION else "squad_json"
        if fmt is None:
            raise TaskDataError(f"intermediate task {name!r} has local files but no format")
        head_of_format, reader = FORMATS[fmt]
        if head_of_format != task.head:
            raise TaskDataError(f"intermediate task {name!r}: format {fmt} gives {head_of_format} data, head is {task.head}")
        for path in files:
            examples.extend(reader(path, name, language))
            sources[str(path)] = sha256_file(path)
    elif task.hub:
        import datasets

        for source in task.hub:
            rows = datasets.load_dataset(source.hub_id, source.config, split=source.split)
            key = f"{source.hub_id}{'/' + source.config if source.config else ''}:{source.split}"
            sources[key] = getattr(rows, "_fingerprint", "")
            for i, row in enumerate(rows):
                record = source.convert(row, len(examples), name)
                if record is not None:
                    examples.append(record)
                if max_examples is not None and len(examples) >= max_examples:
                    break
    else:
        raise TaskDataError(
            f"intermediate task {name!r} has no public download: declare its local files in the config"
            f" (intermediate_tasks: {{{name}: {{train: [...], format: {task.local_format}}}}})"
        )
    if max_examples is not None:
        examples = examples[:max_examples]
    if not examples:
        raise TaskDataError(f"intermediate task {name!r}: no training examples in {', '.join(sources) or 'its source'}")
    labels = task.labels
    if task.head == SEQUENCE_CLASSIFICATION:
        labels = labels or tuple(sorted({e.label for e in examples}))
        unknown = sorted({e.label for e in examples} - set(labels))
        if unknown:
            raise TaskDataError(f"intermediate task {name!r}: labels {unknown} are not in its label list {list(labels)}")
    elif task.head == TOKEN_CLASSIFICATION:
        seen = {tag for e in examples for tag in e.tags}
        labels = labels or tuple(sorted(seen))
        unknown = sorted(seen - set(labels))
        if unknown:
            raise TaskDataError(f"intermediate task {name!r}: tags {unknown} are not in its label list")
    return TaskData(name, task.head, tuple(labels), examples, sources)
