"""SQuAD v1.1 exact match and F1 (XQuAD, TyDiQA-GoldP), as the official v1.1 evaluation script defines them.

Normalisation, in this order: lowercase; drop ASCII punctuation (``string.punctuation``); replace the
English articles a/an/the (whole words) by a space; collapse white space. Tokens are the white-space
split of the normalised text. Non-ASCII punctuation (。，« ») is kept, and languages written without
spaces (zh, ja, th) compare whole strings: see ``evaluators.segmented_qa`` for an opt-in alternative.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence

from evaluators.qa import qa_scores

_ASCII_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _ASCII_PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def squad_scores(answers: Mapping[str, Sequence[str]], predictions: Mapping[str, str]) -> dict[str, float]:
    """{'exact_match', 'f1'} in percent; ``answers`` maps question id to its gold answer texts."""
    return qa_scores(answers, predictions, normalize_answer)
