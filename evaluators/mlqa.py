"""MLQA exact match and F1 (language-aware), as MLQA's official evaluation script (v1) defines them.

Normalisation, in this order:
1. lowercase;
2. drop every punctuation character: Unicode categories P* plus ASCII ``string.punctuation``
   (which adds symbols such as $ + < = > ^ ` | ~);
3. drop articles, per language: en a an the; es un una unos unas el la los las; de ein eine einen einem
   eines einer der die das den dem des; vi của là cái chiếc những (each a whole word, replaced by a
   space); ar: every occurrence of "ال" anywhere in the text is replaced by a space (the official
   pattern's first alternative can never match, so the second deletes the prefix even inside words;
   a known bug that published numbers include, kept for comparability); hi and zh: none;
4. tokenise: zh splits every CJK ideograph U+4E00..U+9FA5 and every punctuation character into its own
   token and the rest on white space; the other languages split on white space; tokens are joined
   with single spaces.
Other languages are refused: the official script raises for them too.
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from evaluators.qa import qa_scores

LANGUAGES = ("en", "es", "de", "ar", "hi", "vi", "zh")


@lru_cache(maxsize=1)
def punctuation() -> frozenset[str]:
    """All Unicode P* characters plus ASCII punctuation (built once: it scans every code point)."""
    chars = {chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")}
    return frozenset(chars | set(string.punctuation))


_ARTICLES = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(un|una|unos|unas|el|la|los|las)\b"),
    "de": re.compile(r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b"),
    "vi": re.compile(r"\b(của|là|cái|chiếc|những)\b"),
    # Equivalent to the official r'\sال^|ال': its first branch needs "^" after two characters.
    "ar": re.compile("ال"),
}
_CJK = re.compile("[\u4e00-\u9fa5]")


def _mixed_segmentation(text: str) -> list[str]:
    tokens: list[str] = []
    pending = ""
    marks = punctuation()
    for char in text:
        if _CJK.match(char) or char in marks:
            tokens.extend(pending.split())
            pending = ""
            tokens.append(char)
        else:
            pending += char
    tokens.extend(pending.split())
    return tokens


def normalize_answer(text: str, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"MLQA has no rules for language {language!r}; expected one of {', '.join(LANGUAGES)}")
    marks = punctuation()
    text = "".join(ch for ch in text.lower() if ch not in marks)
    if language in _ARTICLES:
        text = _ARTICLES[language].sub(" ", text)
    tokens = _mixed_segmentation(text) if language == "zh" else text.split()
    return " ".join(t for t in tokens if t.strip() != "")


def mlqa_scores(
    answers: Mapping[str, Sequence[str]], predictions: Mapping[str, str], language: str
) -> dict[str, float]:
    """{'exact_match', 'f1'} in percent for one MLQA language (context language = question language)."""
    if language not in LANGUAGES:
        raise ValueError(f"MLQA has no rules for language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return qa_scores(answers, predictions, lambda text: normalize_answer(text, language))
