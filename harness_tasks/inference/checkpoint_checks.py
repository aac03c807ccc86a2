"""The checks that keep a broken checkpoint from being scored with random weights or an empty vocabulary.

transformers loads what it can and fills the rest: weights missing from the file are initialised at
random (a log line, no error), and a folder without tokenizer files yields a tokenizer of the five special
tokens. Either way every prediction is made and the score is silently low. loading.load_model runs these
checks on every load, so nothing is scored from a checkpoint that fails them; each failure is a
CheckpointError naming the checkpoint folder. Beyond coverage: no weight and no number in config.json may
be NaN or infinite (a NaN weight makes every logit NaN, read by argmax as class 0), and the length the
checkpoint allows must hold a task's special tokens and some text (:func:`check_usable_length`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from harness_tasks.bundle import CheckpointError
from harness_tasks.heads import ARCHITECTURE_SUFFIXES, AUTO_CLASSES, is_bare_encoder

# A tokenizer folder holds the fast tokenizer's own file or a vocabulary it can be built from.
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "sentencepiece.bpe.model", "spiece.model",
                   "tokenizer.model", "spm.model")
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
_SAFETENSORS_INDEX = "model.safetensors.index.json"
# One file, or shards listed by an index: a folder holds one of the two for each format.
_WEIGHT_SETS = (("model.safetensors", _SAFETENSORS_INDEX), ("pytorch_model.bin", "pytorch_model.bin.index.json"))

# What a checkpoint may lack or hold beyond the model built from its config.json. Short on purpose; the
# position_ids buffers older checkpoints hold need no entry: transformers drops them itself.
#  - encoder: a pooler (the dense layer over the first token). Retrieval reads hidden states, never the
#    pooled output, and many pretrained encoders ship without one (XLM-R) or drop it (our tiny encoder).
#    A sequence classifier reads it (BERT), so there a missing pooler is an error.
_ENCODER_MAY_LACK = re.compile(r"(^|\.)pooler\.")
#  - encoder: the tensors of a pretraining or task head saved with the encoder (mBERT is saved as
#    BertForPreTraining, XLM-R as XLMRobertaForMaskedLM, a fine-tuned head as ...ForSequenceClassification,
#    mT5 with its decoder): the encoder is the part of that checkpoint retrieval uses, and AutoModel leaves
#    the head unused. Only tensors under these top-level names, whatever config.json "architectures" says:
#    a tensor of the encoder itself that the model built from config.json has no place for (a layer beyond
#    num_hidden_layers) means the config does not describe the weights, and that is an error.
HEAD_PREFIXES = (
    "cls", "lm_head", "pred_layer", "predictions", "generator_predictions", "generator_lm_head",  # MLM heads
    "lm_predictions", "mask_predictions", "vocab_transform", "vocab_layer_norm", "vocab_projector",
    "seq_relationship", "sop_classifier", "discriminator_predictions",  # other pretraining heads
    "classifier", "pre_classifier", "pooler", "score", "qa_outputs",  # task heads (and their poolers)
    "decoder",  # the decoder of an encoder-decoder model (mT5), which the encoder-only class leaves out
)
_ENCODER_MAY_HOLD = re.compile(rf"^({'|'.join(map(re.escape, HEAD_PREFIXES))})\.")

PICKLE_REFUSAL = ("pickled weights run code when loaded: pass --allow-pickle (lm-eval: model_args "
                  "allow_pickle=true) only for checkpoints you trust, or convert them to safetensors")


def _examples(keys, limit: int = 3) -> str:
    keys = sorted(keys)
    return ", ".join(keys[:limit]) + (f", ... ({len(keys)} in all)" if len(keys) > limit else "")


def check_tokenizer_files(folder: Path) -> None:
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise CheckpointError(
            f"{folder}: no tokenizer files (tokenizer.json, or a vocabulary such as vocab.txt, vocab.json or a "
            f"sentencepiece .model); save the tokenizer the checkpoint was trained with into this folder "
            f"(tokenizer.save_pretrained)")


def check_vocabulary(path: str, tokenizer, config) -> None:
    """The tokenizer must fit the embedding (no id past config.vocab_size) and not be a stub: fewer tokens
    than half the embedding rows means files from another model or a vocabulary built from nothing. (Real
    checkpoints pad vocab_size by at most a few hundred rows beyond their tokenizer.)"""
    vocab_size = getattr(config, "vocab_size", None)
    if not isinstance(vocab_size, int) or vocab_size <= 0:
        return  # a config without a flat vocabulary (character models): nothing to compare with
    size = len(tokenizer)
    if size > vocab_size:
        raise CheckpointError(f"{path}: the tokenizer has {size:,} tokens but the model only {vocab_size:,} "
                              f"embedding rows (config.json vocab_size): the tokenizer belongs to another model")
    if size < vocab_size / 2:
        raise CheckpointError(f"{path}: the tokenizer has only {size:,} tokens for a model with a "
                              f"{vocab_size:,}-token vocabulary (config.json vocab_size): its files are incomplete "
                              f"or belong to another model")


def check_special_tokens(path: str, tokenizer) -> None:
    """A tokenizer that names a [CLS] and a [SEP] token must add them: BERT-style encoders are trained on
    inputs framed by them. One that adds nothing (tokenizer.json without its post_processor) still
    tokenizes, and every task scores silently off (the probe: XNLI 33.3 became 40.7 on a random head)."""
    if tokenizer.cls_token and tokenizer.sep_token and tokenizer.num_special_tokens_to_add(pair=False) == 0:
        raise CheckpointError(f"{path}: the tokenizer adds no special tokens although it defines {tokenizer.cls_token} "
                              f"and {tokenizer.sep_token}, which the model was trained with (tokenizer.json "
                              f"post_processor); save the tokenizer the checkpoint was trained with into this folder "
                              f"(tokenizer.save_pretrained)")


def weight_format(folder: Path, allow_pickle: bool) -> bool | None:
    """The ``use_safetensors`` to load a local folder with; CheckpointError when it has no weights it may
    load. True: safetensors present. None: only pickled files, and ``allow_pickle``."""
    names = os.listdir(folder)
    for single, index in _WEIGHT_SETS:
        if single in names and index in names:
            raise CheckpointError(f"{folder}: both {single} and {index} (the index of sharded weights): two sets of "
                                  f"weights in one folder, and nothing says which is the model; keep the one it was "
                                  f"saved as and remove the other")
    if any(name.endswith(".safetensors") or name == _SAFETENSORS_INDEX for name in names):
        return True
    pickled = sorted(name for name in names if name.endswith(PICKLE_SUFFIXES))
    if not pickled:
        raise CheckpointError(f"{folder}: no weights file (model.safetensors)")
    if not allow_pickle:
        raise CheckpointError(f"{folder}: only pickled weights ({', '.join(pickled)}), no safetensors; "
                              f"{PICKLE_REFUSAL}")
    return None


def check_coverage(path: str, kind: str, model, loading_info: dict) -> None:
    """The weights file must hold every tensor of the model, in its shape, and nothing else (beyond the
    allowances above); ``loading_info`` is what ``from_pretrained(output_loading_info=True)`` returns."""
    missing = set(loading_info.get("missing_keys", ()))
    unexpected = set(loading_info.get("unexpected_keys", ()))
    mismatched = sorted(loading_info.get("mismatched_keys", ()))
    if is_bare_encoder(kind):
        missing = {key for key in missing if not _ENCODER_MAY_LACK.search(key)}
        unexpected = {key for key in unexpected if not _ENCODER_MAY_HOLD.match(key)}
    problems = []
    if mismatched:
        key, in_file, in_model = mismatched[0]
        problems.append(f"{len(mismatched)} tensor(s) have another shape in the file than in the model built from "
                        f"config.json (e.g. {key}: {list(in_file)} in the file, {list(in_model)} in the model)")
    if missing:
        total = len(model.state_dict())
        share = f"all {total}" if len(missing) >= total else f"{len(missing)} of the model's {total}"
        problems.append(f"the weights lack {share} tensors, which would be random ({_examples(missing)})")
    if unexpected:
        problems.append(f"{len(unexpected)} tensor(s) in the weights belong to no part of the "
                        f"{type(model).__name__} built from config.json ({_examples(unexpected)})")
    if problems:
        raise CheckpointError(f"{path}: the weights do not fit the model: {'; '.join(problems)}")


def check_head_class(path: str, kind: str, config, model_class) -> None:
    """The folder must hold a head of ``kind`` that transformers can build for its model type.

    Two ways a head of another kind would load and score silently wrong, or fail with transformers' words:
    config.json ``architectures`` naming a head of another kind (its tensors may fit this kind's exactly:
    see heads.ARCHITECTURE_SUFFIXES), and a model type with no class of this kind at all (``model_class``:
    the Auto class the head loads with; a model with its own code is not looked up)."""
    wanted = ARCHITECTURE_SUFFIXES.get(kind)
    if wanted is None:
        return  # a bare encoder may be read out of any checkpoint of its model
    named = [str(name) for name in (getattr(config, "architectures", None) or [])]
    others = {name: other for name in named for other, suffix in ARCHITECTURE_SUFFIXES.items()
              if other != kind and name.endswith(suffix)}
    if others and not any(name.endswith(wanted) for name in named):
        name, other = next(iter(others.items()))
        raise CheckpointError(f"{path}: config.json architectures names {name}, a {other} head, but this folder "
                              f"must hold a {kind} head (a class ending in {wanted}); put the checkpoint "
                              f"trained for this task here")
    mapping = getattr(model_class, "_model_mapping", None)
    if mapping is not None and not getattr(config, "auto_map", None) and type(config) not in mapping:
        raise CheckpointError(f"{path}: transformers has no {kind} head for model type "
                              f"{getattr(config, 'model_type', type(config).__name__)!r} ({AUTO_CLASSES[kind]} "
                              f"cannot build one); this task needs an encoder that it can")


# ---- NaN and infinity ------------------------------------------------------------------------------------
def safetensors_files(folder: Path) -> list[Path]:
    """The safetensors files transformers loads from ``folder``: the shards its index lists, else
    model.safetensors; none when it loads something else (pickled weights)."""
    import json

    index = folder / _SAFETENSORS_INDEX
    if index.is_file():
        try:
            shards = json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return []  # transformers loaded from it, so this is not reached for a broken index
        return [folder / name for name in sorted(set(map(str, shards)))]
    single = folder / "model.safetensors"
    return [single] if single.is_file() else []


def check_finite_weights(path: str, model, files: list[Path]) -> None:
    """No weight may be NaN or infinite. ``files``: the safetensors files the model was loaded from, read
    again tensor by tensor (harness_tasks.finite: bounded memory, one more read of every weight, as hashing
    the checkpoint does) so the message names the file and the tensor as saved. Then, when the model was
    loaded from other files (pickled, a hub snapshot) or in float16, whose range float32 weights can
    overflow, the loaded weights themselves (in memory already: no extra read)."""
    import torch

    from harness_tasks.finite import first_nonfinite_tensor, nonfinite_tensors

    broken = "the checkpoint is broken (training diverged, or the file was damaged): retrain or re-export it"
    for weights in files:
        name = first_nonfinite_tensor(weights)
        if name is not None:
            raise CheckpointError(f"{path}: {weights.name}: tensor {name} holds NaN or infinity, so every prediction "
                                  f"would be made from NaN scores; {broken}")
    if files and model.dtype != torch.float16:
        return
    bad = nonfinite_tensors(model.state_dict().items())
    if bad:
        why = ("once loaded in float16, whose range its float32 weights exceed: use bfloat16 or float32" if files
               else f"so every prediction would be made from NaN scores; {broken}")
        raise CheckpointError(f"{path}: {len(bad)} weight tensor(s) hold NaN or infinity (first: {bad[0]}) {why}")


def check_finite_config(path: str, config) -> None:
    """No number in config.json may be NaN or infinite (Python's json reads ``NaN`` and ``1e999``): a NaN
    layer_norm_eps or initializer setting makes every output NaN."""
    import json

    from evaluators.json_input import json_path
    from harness_tasks.finite import nonfinite_numbers

    for keys, number in nonfinite_numbers(config.to_dict()):
        raise CheckpointError(f"{path}: config.json {json_path(keys)} is {json.dumps(number)}: every setting must be "
                              f"a finite number; write the value the model was trained with")


# ---- the input length ------------------------------------------------------------------------------------
# The shortest input a checkpoint may allow: its special tokens plus MIN_TEXT_TOKENS tokens of each text
# segment (a sentence pair and a question with its context have two). Below that a sentence is cut to a few
# words, and the score measures the cut, not the model (a model_max_length of 1 made tagging fail and QA
# score 1.63). Real checkpoints allow 128 to 512; 6 keeps --max-length 16 (its minimum) usable for every
# task with up to 4 special tokens (XLM-R's pair).
MIN_TEXT_TOKENS = 6
_PAIR_KINDS = ("sequence_classification", "question_answering", "multiple_choice")
_WHAT_NEEDS_IT = {"encoder": "a sentence to embed", "dual_encoder": "a sentence to embed",
                  "token_classification": "a sentence to tag", "sequence_classification": "a sentence pair",
                  "question_answering": "a question with its context", "multiple_choice": "a premise with one choice"}


def length_limits(tokenizer, config) -> list[tuple[int, str, int]]:
    """``(usable tokens, what sets it, its value)`` for each bound on a checkpoint's input length: the
    position embeddings (RoBERTa-style models start positions at padding_idx + 1, so two are never usable)
    and the tokenizer's own limit (transformers' huge "no limit" value left out)."""
    limits = []
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        offset = 2 if getattr(config, "model_type", "") in ("roberta", "xlm-roberta", "camembert") else 0
        limits.append((positions - offset, "config.json max_position_embeddings", positions))
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if (isinstance(tokenizer_limit, (int, float)) and not isinstance(tokenizer_limit, bool)
            and tokenizer_limit < 1_000_000):  # "no limit" is a huge sentinel value (an int or a float)
        limits.append((int(tokenizer_limit), "tokenizer_config.json model_max_length", tokenizer_limit))
    return limits


def minimum_length(kind: str, tokenizer) -> int:
    """The shortest input length a head of ``kind`` is scored with (see MIN_TEXT_TOKENS)."""
    pair = kind in _PAIR_KINDS
    return tokenizer.num_special_tokens_to_add(pair=pair) + MIN_TEXT_TOKENS * (2 if pair else 1)


def check_usable_length(path: str, kind: str, tokenizer, config) -> None:
    """The input length the checkpoint allows must reach :func:`minimum_length`."""
    need = minimum_length(kind, tokenizer)
    for usable, source, value in length_limits(tokenizer, config):
        if usable < need:
            specials = tokenizer.num_special_tokens_to_add(pair=kind in _PAIR_KINDS)
            each = " for each of the two" if kind in _PAIR_KINDS else ""
            shown = f"{value} ({usable} usable)" if usable != value else str(value)
            raise CheckpointError(
                f"{path}: {source} is {shown}, too short for {_WHAT_NEEDS_IT[kind]}: that needs at least {need} "
                f"tokens ({specials} special tokens and {MIN_TEXT_TOKENS} of text{each}); set it to the length the "
                f"model was trained with")
