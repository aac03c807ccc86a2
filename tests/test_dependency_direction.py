"""The packages depend one way: evaluators <- harness_tasks <- training <- leaderboards.

evaluators (pure scoring) imports none of the others; harness_tasks (lm-eval tasks, model adapter, readers,
CLI) imports neither training nor leaderboards; training imports no leaderboards. Checked on the source with
``ast``, every import statement anywhere in a module (inside functions too, where lazy imports live), so a
cycle cannot come back unnoticed. The command line names command modules by string (harness_tasks.cli
COMMANDS) and imports them only to run them: that is not an import of the package.

And one table maps head kinds to transformers Auto classes (harness_tasks.heads): no other product module
names an ``AutoModelFor...`` class in code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("evaluators", "harness_tasks", "training", "leaderboards")
# package -> the packages of ours it must never import
FORBIDDEN = {
    "evaluators": ("harness_tasks", "training", "leaderboards"),
    "harness_tasks": ("training", "leaderboards"),
    "training": ("leaderboards",),
}
AUTO_CLASS_TABLE = "harness_tasks/heads.py"


def product_modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """``(line, absolute module name)`` of every import in ``path`` (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[:len(package) - node.level + 1], *([base] if base else [])])
            # ``from pkg import module`` imports pkg.module: count each name under its package too.
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_the_checker_sees_relative_lazy_and_from_imports(tmp_path, monkeypatch):
    package = tmp_path / "harness_tasks" / "inner"
    package.mkdir(parents=True)
    module = package / "mod.py"
    module.write_text("import os\n\ndef f():\n    from training import recipe\n    from ..readers import raw\n"
                      "    from . import sibling\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imported_modules(module) == [
        (1, "os"), (4, "training"), (4, "training.recipe"), (5, "harness_tasks.readers"),
        (5, "harness_tasks.readers.raw"), (6, "harness_tasks.inner"), (6, "harness_tasks.inner.sibling")]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downstream(package):
    wrong = []
    for path in product_modules(package):
        for line, name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN[package]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    assert sorted(set(wrong)) == []


def _names_an_auto_class(node: ast.AST) -> bool:
    """Code that names a transformers head class: ``"AutoModelForX"`` as a whole string (a table entry),
    or the name / attribute ``AutoModelForX``. Prose in docstrings and comments does not count."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith("AutoModelFor") and node.value.isidentifier()
    if isinstance(node, ast.Name):
        return node.id.startswith("AutoModelFor")
    if isinstance(node, ast.Attribute):
        return node.attr.startswith("AutoModelFor")
    if isinstance(node, ast.alias):
        return node.name.startswith("AutoModelFor")
    return False


def test_one_table_maps_head_kinds_to_auto_classes():
    naming = sorted({
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES for path in product_modules(package)
        if any(_names_an_auto_class(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    })
    assert naming == [AUTO_CLASS_TABLE]


def test_the_table_covers_every_declared_head_kind():
    from evaluators.task_spec import HEAD_KINDS
    from harness_tasks.heads import AUTO_CLASSES

    assert sorted(AUTO_CLASSES) == sorted(HEAD_KINDS)
    text = (ROOT / AUTO_CLASS_TABLE).read_text(encoding="utf-8")
    assert text.count('"AutoModelForQuestionAnswering"') == 1
