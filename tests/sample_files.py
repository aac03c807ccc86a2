"""What the tests know about the bundled sample data, and a small file writer for hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

# The languages the bundled sample holds per task (harness_tasks/sample_data), in the benchmark's order.
SAMPLE_LANGUAGES = {
    "pawsx": ("de", "en", "zh"), "xnli": ("de", "en", "zh"), "udpos": ("de", "en", "zh"),
    "panx": ("en", "de", "zh"), "xquad": ("en", "de", "zh"), "mlqa": ("en", "de", "zh"),
    "tydiqa": ("en", "fi", "ru"), "bucc2018": ("de", "fr", "zh"), "tatoeba": ("de", "fr", "zh"),
}
# What the sample adds for XTREME-R: its new tasks, and one XTREME-R-only language of some XTREME tasks.
XTREME_R_SAMPLE_LANGUAGES = {
    "xnli": ("de", "en", "zh"), "panx": ("en", "de", "zh", "pl"), "udpos": ("de", "en", "zh", "uk"),
    "tatoeba": ("de", "fr", "zh", "uk"), "xcopa": ("th", "tr", "zh"), "lareqa": ("de", "en", "ru", "zh"),
    "mewslix": ("ar", "de", "ja"), "xquad": ("en", "de", "zh", "ro"), "mlqa": ("en", "de", "zh"),
    "tydiqa": ("en", "fi", "ru"),
}


def write(root: Path, relative: str, content) -> Path:
    """Write ``root/relative`` (folders made): bytes as they are, text as UTF-8, anything else as JSON."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2), encoding="utf-8")
    return path
