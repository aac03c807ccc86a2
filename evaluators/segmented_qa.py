"""An opt-in QA mode that segments languages written without spaces: NOT the official XTREME score.

The official SQuAD v1.1 normalisation splits on white space, so a Chinese, Japanese or Thai answer is
one token and F1 degenerates to exact match for those languages. This mode applies the SQuAD v1.1
normalisation and then segments: zh with sacrebleu's Chinese tokenizer (each CJK character its own
token; Latin runs and numbers kept), ja and th at the character level (every non-space character a
token). Other languages are scored exactly as the official mode. Results from this mode are labelled
``qa_mode: segmented`` and must not be compared with published numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from evaluators.qa import qa_scores
from evaluators.squad import normalize_answer as squad_normalize

OFFICIAL = "official"
SEGMENTED = "segmented"
QA_MODES = (OFFICIAL, SEGMENTED)
CHARACTER_LEVEL = ("ja", "th")


@lru_cache(maxsize=1)
def _zh_tokenizer():
    # sacrebleu's zh tokenizer is the well-kept segmenter MT evaluation already agrees on.
    from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

    return TokenizerZh()


def segment(text: str, language: str) -> str:
    """SQuAD-normalise ``text`` then segment it for ``language``; tokens joined by single spaces."""
    text = squad_normalize(text)
    if language == "zh":
        return " ".join(_zh_tokenizer()(text).split())
    if language in CHARACTER_LEVEL:
        return " ".join(ch for ch in text if not ch.isspace())
    return text


def segmented_qa_scores(
    answers: Mapping[str, Sequence[str]], predictions: Mapping[str, str], language: str
) -> dict[str, float]:
    """{'exact_match', 'f1'} in percent with segmentation for zh, ja and th (see module docstring)."""
    return qa_scores(answers, predictions, lambda text: segment(text, language))
