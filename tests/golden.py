"""Where the shared golden cases live (../shared/golden beside the clone), and how to compare to them."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1].parent / "shared" / "golden" / "xtreme-mock"


def require_golden() -> Path:
    """The golden folder; a skip on a developer's machine without it, a failure in CI."""
    if not GOLDEN.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"golden cases not found at {GOLDEN}: CI must run beside shared/")
        pytest.skip(f"golden cases not found at {GOLDEN}")
    return GOLDEN


def numeric_leaves(obj, path=()):
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from numeric_leaves(value, path + (key,))
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield path, float(obj)


def assert_matches_expected(expected_file: Path, scores: dict) -> int:
    """Every number in ``expected_file`` is in ``scores`` to 1e-9; returns how many were compared."""
    expected = dict(numeric_leaves(json.loads(expected_file.read_text())))
    actual = dict(numeric_leaves(scores))
    missing = [p for p in expected if p not in actual]
    wrong = [(p, v, actual[p]) for p, v in expected.items() if p in actual and not math.isclose(v, actual[p], rel_tol=0, abs_tol=1e-9)]
    assert not missing, f"missing keys: {missing[:5]}"
    assert not wrong, f"differs from the reference scorer: {wrong[:5]}"
    return len(expected)
