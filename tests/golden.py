"""Where the shared golden cases live, and how to compare to them.

The cases are the folder ``xtreme-mock`` inside a golden folder: ``$XTREME_GOLDEN`` when that variable is
set (the folder that holds ``xtreme-mock``, like ``../shared/golden``), else ``../shared/golden`` beside
the clone. Without them the tests that need them skip and say where they looked; under CI (``CI`` set to
anything but ``0``/``false``) they fail instead, and a set ``XTREME_GOLDEN`` that holds no ``xtreme-mock``
always fails (a typo should not pass as a skip).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

ENV = "XTREME_GOLDEN"
BESIDE_CLONE = Path(__file__).resolve().parents[1].parent / "shared" / "golden"
CASES = "xtreme-mock"


def golden_root() -> Path:
    """The golden folder: ``$XTREME_GOLDEN`` if set, else ../shared/golden beside the clone."""
    given = os.environ.get(ENV, "").strip()
    return Path(given).expanduser() if given else BESIDE_CLONE


GOLDEN = golden_root() / CASES


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_golden() -> Path:
    """The xtreme-mock folder; a skip on a developer's machine without it, a failure in CI (see above)."""
    cases = golden_root() / CASES
    if cases.is_dir():
        return cases
    from_env = bool(os.environ.get(ENV, "").strip())
    message = (f"golden cases not found at {cases}" + (f" (from ${ENV})" if from_env else "")
               + f": set {ENV} to the folder that holds {CASES}/, or place it at {BESIDE_CLONE / CASES}")
    if from_env or _in_ci():
        pytest.fail(message)
    pytest.skip(message)


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
