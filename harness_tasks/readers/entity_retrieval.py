"""Entity retrieval data (Mewsli-X) in the benchmark's layout -> EntityRetrievalCorpus.

The layout the download script writes (scripts/download_data.sh ``download_mewslix``, then
utils_preprocess.py ``mewslix_preprocess``), declared as the task's ``raw[split]`` = (mentions, labels,
candidate set); the JSON shapes are Mewsli-X's own (google-research dense_representations_for_entity_retrieval
/mel/mewsli_x/schema.py, copied into the benchmark as third_party/utils_mewslix.py):

- ``mewslix/wikinews_mentions/{split}-{lang}.jsonl``: one passage a line with the mentions in it,
  ``{"context": {"document_title", "document_url", "document_id", "language", "text", "sentence_spans":
  [{"start", "end"}, ...], "section_title" (optional)}, "mentions": [{"example_id", "mention_span": {"start",
  "end", "text"}, "entity_id", "metadata" (optional)}, ...]}``;
- ``mewslix/wikinews_labels/{split}-{lang}.json``: ``{example_id: [gold entity id]}``. The script blanks the
  test labels (``""`` in both files): such mentions are unlabelled (``entity=None``);
- ``mewslix/candidate_set_entities.jsonl``: one entity a line, ``{"entity_id", "title", "description",
  "sentence_spans", "description_language", "description_url"}``. About a million, shared by every
  language: read once and cached while the file is unchanged, kept as parallel tuples.

English training data (``TrainingData.raw[split]`` = one file): ``mewslix/wikipedia_pairs-{train,dev}.jsonl``,
one pair a line, ``{"contextual_mention": {"context": {...}, "mention": {...}}, "entity": {...}}`` (shapes as
above); the candidates are then the pairs' own entities.

Checked as the benchmark's schema classes check them, with the file and line: spans inside their text,
``mention_span.text`` equal to the text it spans, a passage's ``language`` the file's; further, unique
ids, one gold entity a mention, a gold entity that is in the candidate set (one that is not could never be
retrieved), and a mention inside one sentence of its passage (the benchmark's query is that sentence;
its preprocessing fails on any other).

A model sees a mention as :func:`mention_query` and an entity as its ``descriptions`` text, both made as the
benchmark's baseline makes them (utils_mewslix.preprocess_mention / preprocess_entity_description).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import replace
from pathlib import Path

from evaluators.errors import quote
from harness_tasks.records import EntityCandidates, EntityMention, EntityRetrievalCorpus

from ._text import read_json, reader_errors, require_file
from .data_spec import DataSpec
from .errors import DataFormatError
from .json_lines import JsonLine, json_lines

CONTEXT = ("context",)
MENTIONS_LINE = ('{"context": {"language", "text", "sentence_spans", ...}, "mentions": [{"example_id", '
                 '"mention_span": {"start", "end", "text"}, "entity_id"}, ...]}')
PAIR_LINE = '{"contextual_mention": {"context": {...}, "mention": {...}}, "entity": {"entity_id", "description", ...}}'
ENTITY_LINE = '{"entity_id", "title", "description", "sentence_spans", "description_language", "description_url"}'
LABELS = '{mention id: [gold entity id]}'

_BRACED = re.compile(r"\{(.*?)\}")  # the mention markers, escaped where the text already has them


def _tidy(text: str) -> str:
    """Line breaks to spaces, a double space to one, trimmed: the benchmark's normalisation of model inputs."""
    return " ".join(text.splitlines()).replace("  ", " ").strip()


def mention_query(mention: EntityMention) -> str:
    """The text a model embeds for a mention: the sentence holding it, the mention set off in braces, and
    the mention again in front so that truncation never drops it (``Smith: ... for { Smith }, who ...``)."""
    start, end = _sentence_of(mention.sentence_spans, mention.start, mention.end)
    text = mention.context
    left = _BRACED.sub(r"(\1)", text[start:mention.start])
    right = _BRACED.sub(r"(\1)", text[mention.end:end])
    return _tidy(f"{mention.mention}: {left} {{ {mention.mention} }} {right}")


def _sentence_of(spans, start: int, end: int) -> tuple[int, int]:
    """The first sentence span holding ``[start:end]``; ValueError when none does."""
    for span in spans:
        if span[0] <= start < span[1] and span[0] < end <= span[1]:
            return span
    raise ValueError(f"the mention [{start}:{end}] is in no single sentence of its context")


def _spans(line: JsonLine, keys: tuple, length: int) -> tuple[tuple[int, int], ...]:
    """``sentence_spans`` of the object at ``keys``: ``{"start", "end"}`` objects inside ``length`` characters."""
    spans = line.get(keys, "sentence_spans", list)
    for i in range(len(spans)):
        line.object_at((*keys, "sentence_spans", i))
    return tuple(line.offsets((*keys, "sentence_spans"), i, length) for i in range(len(spans)))


def _context(line: JsonLine, keys: tuple) -> tuple[str, str, tuple[tuple[int, int], ...]]:
    """(language, text, sentence spans) of the context object at ``keys``."""
    line.object_at(keys)
    text = line.text(keys, "text")
    return line.text(keys, "language"), text, _spans(line, keys, len(text))


def _mention(line: JsonLine, keys: tuple, text: str, spans, language: str, entity: str | None) -> EntityMention:
    line.object_at(keys)
    example_id = line.text(keys, "example_id")
    if not example_id:
        raise line.error((*keys, "example_id"), "empty; expected the mention's id")
    line.get(keys, "mention_span", dict)
    start, end = line.offsets(keys, "mention_span", len(text))
    shown = line.text((*keys, "mention_span"), "text")
    if shown != text[start:end]:
        raise line.error((*keys, "mention_span", "text"), f"{quote(shown)} is not the text it spans, "
                                                          f"{quote(text[start:end])}")
    try:
        _sentence_of(spans, start, end)
    except ValueError as err:
        raise line.error((*keys, "mention_span"), f"{err}; expected it inside one of context.sentence_spans "
                                                  "(the benchmark's query is the mention's sentence)") from None
    return EntityMention(id=example_id, context=text, start=start, end=end, sentence_spans=spans, entity=entity,
                         language=language)


def _entity_id(line: JsonLine, keys: tuple) -> str:
    entity_id = line.text(keys, "entity_id")
    if entity_id != entity_id.strip():
        raise line.error((*keys, "entity_id"), f"{quote(entity_id)} has white space around it; expected an id")
    return entity_id


def read_mentions(path: Path, *, language: str, root: Path | None = None) -> list[tuple[EntityMention, JsonLine]]:
    """The mentions of a ``wikinews_mentions`` file, each with its line, in file order; ``entity`` as the
    file gives it (None where blanked)."""
    out: list[tuple[EntityMention, JsonLine]] = []
    seen: dict[str, int] = {}
    for line in json_lines(path, f"one passage with its mentions a line, {MENTIONS_LINE}", root):
        found, text, spans = _context(line, CONTEXT)
        if found != language:
            raise line.error(("context", "language"), f"{quote(found)}; this file holds the {language!r} mentions")
        for i in range(len(line.get((), "mentions", list))):
            keys = ("mentions", i)
            line.object_at(keys)
            mention = _mention(line, keys, text, spans, language, _entity_id(line, keys) or None)
            if mention.id in seen:
                raise line.error((*keys, "example_id"), f"{quote(mention.id)} already used on line {seen[mention.id]}; "
                                                        "expected unique mention ids")
            seen[mention.id] = line.number
            out.append((mention, line))
    return out


def read_gold_entities(path: Path, root: Path | None = None) -> tuple[dict[str, str | None], object]:
    """``wikinews_labels``: mention id -> gold entity id (None where blanked), and the parsed document."""
    doc = read_json(path, f"a JSON object {LABELS}", root)
    if not isinstance(doc.value, dict):
        raise DataFormatError(path, 1, f"expected a JSON object {LABELS}")
    gold: dict[str, str | None] = {}
    with reader_errors():
        for key, values in doc.value.items():
            if not (isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)):
                raise doc.error((key,), "expected a list of one gold entity id")
            gold[key] = values[0].strip() or None  # the benchmark's scorer strips the gold id too
    return gold, doc


@functools.lru_cache(maxsize=1)
def _cached_candidates(path: str, root: str | None, stamp: tuple) -> EntityCandidates:
    return _read_candidates(Path(path), None if root is None else Path(root))


def read_candidates(path: Path, root: Path | None = None) -> EntityCandidates:
    """``candidate_set_entities.jsonl`` -> EntityCandidates; read once while the file is unchanged (every
    language's corpus shares the one object)."""
    try:
        info = os.lstat(path)
    except OSError:
        return _read_candidates(path, root)  # absent or unreadable: the reader says why
    stamp = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return _cached_candidates(os.fspath(path), None if root is None else os.fspath(root), stamp)


def _entity(line: JsonLine, keys: tuple) -> tuple[str, str]:
    """(entity id, the text a model embeds for it) of the entity object at ``keys``."""
    line.object_at(keys)
    entity_id = _entity_id(line, keys)
    if not entity_id:
        raise line.error((*keys, "entity_id"), "empty; expected the entity's id")
    description = line.text(keys, "description")
    spans = _spans(line, keys, len(description))
    return entity_id, _tidy(" ".join(description[start:end] for start, end in spans))


def _read_candidates(path: Path, root: Path | None) -> EntityCandidates:
    ids: list[str] = []
    descriptions: list[str] = []
    seen: dict[str, int] = {}
    for line in json_lines(path, f"one candidate entity a line, {ENTITY_LINE}", root):
        entity_id, text = _entity(line, ())
        if entity_id in seen:
            raise line.error(("entity_id",), f"{quote(entity_id)} already on line {seen[entity_id]}; expected "
                                             "each candidate entity once")
        seen[entity_id] = line.number
        ids.append(entity_id)
        descriptions.append(text)
    return EntityCandidates(ids=tuple(ids), descriptions=tuple(descriptions))


def read_mention_entity_pairs(path: Path, *, language: str, split: str,
                              root: Path | None = None) -> EntityRetrievalCorpus:
    """``wikipedia_pairs-{split}.jsonl`` -> a corpus whose candidates are the pairs' own entities (first seen
    first); each mention's gold is its pair's entity."""
    mentions: list[EntityMention] = []
    entities: dict[str, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    for line in json_lines(path, f"one mention-entity pair a line, {PAIR_LINE}", root):
        found, text, spans = _context(line, ("contextual_mention", "context"))
        entity_id, description = _entity(line, ("entity",))
        keys = ("contextual_mention", "mention")
        mention = _mention(line, keys, text, spans, found, entity_id)
        named = _entity_id(line, keys)
        if named != entity_id:
            raise line.error((*keys, "entity_id"), f"{quote(named)}, but the pair's entity is {quote(entity_id)}")
        if mention.id in seen:
            raise line.error((*keys, "example_id"), f"{quote(mention.id)} already used on line {seen[mention.id]}; "
                                                    "expected unique mention ids")
        seen[mention.id] = line.number
        if entity_id in entities and entities[entity_id][0] != description:
            raise line.error(("entity", "description"), f"entity {quote(entity_id)} is described differently on "
                                                        f"line {entities[entity_id][1]}")
        entities.setdefault(entity_id, (description, line.number))
        mentions.append(mention)
    candidates = EntityCandidates(ids=tuple(entities), descriptions=tuple(d for d, _ in entities.values()))
    return EntityRetrievalCorpus(language=language, split=split, mentions=tuple(mentions), candidates=candidates)


def read_mewslix(root: Path, mentions_rel: str, labels_rel: str, candidates_rel: str, *, language: str,
                 split: str, allow_unlabelled: bool) -> EntityRetrievalCorpus:
    """One language and split of the evaluation layout (paths relative to ``root``): mentions joined with
    their labels, checked against the candidate set."""
    layout = f"{mentions_rel}, {labels_rel} and {candidates_rel} (the benchmark's Mewsli-X layout)"
    mentions_path, labels_path, candidates_path = (require_file(root / rel, layout, root)
                                                   for rel in (mentions_rel, labels_rel, candidates_rel))
    found = read_mentions(mentions_path, language=language, root=root)
    gold, doc = read_gold_entities(labels_path, root)
    candidates = read_candidates(candidates_path, root)
    known = set(candidates.ids)
    mentions = []
    for mention, line in found:
        if mention.id not in gold:
            raise line.error((), f"mention {quote(mention.id)} has no entry in {labels_path}; expected its gold "
                                 "entity there")
        entity = gold[mention.id]
        if mention.entity is not None and mention.entity != entity:
            raise line.error((), f"mention {quote(mention.id)} names entity {quote(mention.entity)}, but "
                                 f"{labels_path} gives {quote(entity or '')}")
        if entity is None and not allow_unlabelled:
            raise line.error((), f"mention {quote(mention.id)} has no gold entity (only test data may be "
                                 "unlabelled)")
        if entity is not None and entity not in known:
            raise DataFormatError(labels_path, doc.line_of((mention.id,)),
                                  f"gold entity {quote(entity)} of {quote(mention.id)} is not in {candidates_path}; "
                                  "a gold entity outside the candidate set can never be retrieved")
        mentions.append(replace(mention, entity=entity))
    extra = sorted(set(gold) - {m.id for m in mentions})
    if extra:
        raise DataFormatError(labels_path, doc.line_of((extra[0],)),
                              f"{len(extra)} id(s) ({quote(extra[0])} first) are not mentions in {mentions_path}")
    return EntityRetrievalCorpus(language=language, split=split, mentions=tuple(mentions), candidates=candidates)


def read_raw_entity_retrieval(root: Path, spec: DataSpec, language: str, split: str) -> EntityRetrievalCorpus:
    """``RAW_READERS`` entry: ``raw[split]`` names three files (mentions, labels, candidate set: a task's
    evaluation data) or one (mention-entity pairs: English training data)."""
    templates = [spec.fill(t, language) for t in spec.raw[split]]
    if len(templates) == 3:
        return read_mewslix(root, *templates, language=language, split=split,
                            allow_unlabelled=spec.allows_unlabelled(split))
    if len(templates) == 1:
        layout = f"{templates[0]} (mention-entity pairs, one a line)"
        return read_mention_entity_pairs(require_file(root / templates[0], layout, root), language=language,
                                         split=split, root=root)
    raise ValueError(f"{spec.name}: raw[{split!r}] must name 3 files (mentions, labels, candidate set) or 1 "
                     f"(mention-entity pairs) for the entity_retrieval family; it names {len(templates)}")
