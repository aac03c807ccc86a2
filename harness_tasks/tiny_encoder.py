"""Tiny, randomly initialised encoders and heads for tests and demos (no hub access).

``build_tiny_encoder`` builds a WordPiece fast tokenizer from the given texts with the ``tokenizers``
library and saves a BERT-style encoder (``save_pretrained``, safetensors) next to it, so that
``AutoTokenizer`` / ``AutoModel`` load the folder offline. ``build_tiny_head`` turns such an encoder
into a classification / tagging / QA head whose encoder weights equal the bare encoder's (a head is
"fine-tuned" from it only in name: the head layer is random, seeded).

Both are deterministic for a given seed and input order. The training helper imports
``build_tiny_encoder`` for its demo, so its signature is a contract.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")

# The head kinds build_tiny_head makes (each saved as its harness_tasks.heads Auto class).
TINY_HEAD_KINDS = ("sequence_classification", "token_classification", "question_answering", "multiple_choice")
# Kinds whose head has no label set: QA (start and end logits), multiple choice (one logit per choice).
_UNLABELLED_KINDS = ("question_answering", "multiple_choice")


def _train_tokenizer(texts: Iterable[str], vocab_size: int, max_length: int):
    """A WordPiece fast tokenizer whose vocabulary is built deterministically from ``texts``.

    The ``tokenizers`` WordPiece trainer breaks frequency ties in hash order, so two runs can give
    different vocabularies; instead the vocabulary here is: special tokens, every character (alone and
    as a ``##`` continuation), then the most frequent pre-tokenized words (ties by the word itself).
    Unknown words then split into characters, so nothing common becomes [UNK].
    """
    from collections import Counter

    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    # No lowercasing or accent stripping: character offsets then map 1:1 onto the original text,
    # which the QA and tagging code relies on. handle_chinese_chars isolates each CJK ideograph.
    normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
    )
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    words: Counter[str] = Counter()
    for text in texts:
        if text and text.strip():
            for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text)):
                words[word] += 1
    if not words:
        raise ValueError("build_tiny_encoder: no non-empty texts to train the tokenizer on")
    chars = sorted({c for word in words for c in word})
    vocab: dict[str, int] = {}
    for token in [*SPECIAL_TOKENS, *chars, *(f"##{c}" for c in chars)]:
        vocab.setdefault(token, len(vocab))
    for word, _ in sorted(words.items(), key=lambda item: (-item[1], item[0])):
        if len(vocab) >= vocab_size:
            break
        vocab.setdefault(word, len(vocab))

    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
        model_max_length=max_length,
    )


def build_tiny_encoder(
    out_dir: str | os.PathLike,
    texts: Iterable[str],
    *,
    hidden_size: int = 32,
    layers: int = 2,
    heads: int = 2,
    vocab_size: int = 1500,
    max_length: int = 128,
    seed: int = 0,
) -> Path:
    """Write a random BERT-style encoder + fast tokenizer trained on ``texts`` to ``out_dir``.

    Returns the folder. ``max_length`` is both the tokenizer's model_max_length and the number of
    position embeddings, so windows longer than it cannot be built by mistake.
    """
    import torch
    from transformers import BertConfig, BertModel

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = _train_tokenizer(texts, vocab_size, max_length)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden_size * 2,
        max_position_embeddings=max_length,
        type_vocab_size=2,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = BertModel(config, add_pooling_layer=False)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


def build_tiny_head(
    encoder_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    kind: str,
    labels: Sequence[str] | None = None,
    *,
    seed: int = 0,
) -> Path:
    """Save a head of ``kind`` (one of TINY_HEAD_KINDS) on top of the encoder in ``encoder_dir``.

    Classifier kinds need ``labels`` (written as id2label/label2id in config.json); question answering and
    multiple choice take none. The encoder
    weights are copied from ``encoder_dir``; the head layer is initialised from ``seed``.
    """
    import torch
    from safetensors.torch import load_file
    from transformers import AutoConfig

    from harness_tasks.heads import auto_class

    if kind not in TINY_HEAD_KINDS:
        raise ValueError(f"unknown head kind {kind!r}; expected one of {', '.join(TINY_HEAD_KINDS)}")
    if kind not in _UNLABELLED_KINDS and not labels:
        raise ValueError(f"head kind {kind!r} needs a non-empty label list")
    config = AutoConfig.from_pretrained(encoder_dir)
    if kind in _UNLABELLED_KINDS:
        config.num_labels = 2  # QA: start and end logits (a multiple-choice head has one logit per choice)
    else:
        config.id2label = {i: label for i, label in enumerate(labels)}
        config.label2id = {label: i for i, label in enumerate(labels)}
        config.num_labels = len(labels)
    torch.manual_seed(seed)
    head = auto_class(kind).from_config(config)
    # Read the saved tensors directly (not AutoModel, which would add a random pooler).
    prefix = head.base_model_prefix + "."
    state = {
        (k[len(prefix):] if k.startswith(prefix) else k): v
        for k, v in load_file(str(Path(encoder_dir) / "model.safetensors")).items()
    }
    base = getattr(head, head.base_model_prefix)
    # Sequence classifiers have a pooler the bare encoder lacks: it stays random, nothing else may.
    missing, unexpected = base.load_state_dict(state, strict=False)
    if unexpected or any(not name.startswith("pooler.") for name in missing):
        raise RuntimeError(f"encoder weights do not fit the head: missing {missing}, unexpected {unexpected}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    head.eval()
    head.save_pretrained(out, safe_serialization=True)
    for name in os.listdir(encoder_dir):
        if name.startswith("tokenizer") or name in ("special_tokens_map.json", "vocab.txt"):
            shutil.copy2(Path(encoder_dir) / name, out / name)
    return out
