"""Session-scoped tiny models for the tests: one random encoder + every head, as a checkpoint bundle.

Built once per test session under pytest's tmp dir (about 3 s on 2 cores). The tokenizer is trained on
a fixed multilingual corpus plus every line of the bundled sample data, so sample-data words are
mostly in the vocabulary (not all [UNK]).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from evaluators.tasks import TASKS

XNLI_LABELS, PAWSX_LABELS, UPOS_LABELS, PANX_LABELS = (TASKS[t].labels for t in ("xnli", "pawsx", "udpos", "panx"))

FIXED_TEXTS = (
    "The quick brown fox jumps over the lazy dog.",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "Le renard brun rapide saute par-dessus le chien paresseux.",
    "El rápido zorro marrón salta sobre el perro perezoso.",
    "Быстрая коричневая лиса прыгает через ленивую собаку.",
    "敏捷的棕色狐狸跳过了懒狗。北京是中国的首都。",
    "素早い茶色の狐がのろまな犬を飛び越える。",
    "빠른 갈색 여우가 게으른 개를 뛰어넘는다.",
    "الثعلب البني السريع يقفز فوق الكلب الكسول.",
    "तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है।",
)
SAMPLE_DATA = Path(__file__).resolve().parent.parent / "harness_tasks" / "sample_data"


def corpus() -> list[str]:
    texts = list(FIXED_TEXTS)
    if SAMPLE_DATA.is_dir():
        for path in sorted(SAMPLE_DATA.rglob("*")):
            if path.is_file():
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    texts.extend(part for part in line.split("\t") if part.strip())
    return texts


@dataclass(frozen=True)
class TinyModels:
    bundle: Path  # BUNDLE/{encoder,xnli,pawsx,udpos,panx,squad,tydiqa,xcopa}
    encoder: Path

    def head(self, name: str) -> Path:
        return self.bundle / name


def build_tiny_bundle(root: Path, *, max_length: int = 128) -> TinyModels:
    from harness_tasks.tiny_encoder import build_tiny_encoder, build_tiny_head

    encoder = build_tiny_encoder(root / "encoder", corpus(), vocab_size=1500, max_length=max_length, seed=0)
    heads = {
        "xnli": ("sequence_classification", XNLI_LABELS),
        "pawsx": ("sequence_classification", PAWSX_LABELS),
        "udpos": ("token_classification", UPOS_LABELS),
        "panx": ("token_classification", PANX_LABELS),
        "squad": ("question_answering", None),
        "tydiqa": ("question_answering", None),
        "xcopa": ("multiple_choice", None),
    }
    for seed, (name, (kind, labels)) in enumerate(heads.items(), start=1):
        build_tiny_head(encoder, root / name, kind, labels, seed=seed)
    return TinyModels(bundle=root, encoder=encoder)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> TinyModels:
    return build_tiny_bundle(tmp_path_factory.mktemp("tiny_bundle"))


@pytest.fixture(scope="session")
def tiny_encoder_dir(tiny_models) -> Path:
    return tiny_models.encoder
