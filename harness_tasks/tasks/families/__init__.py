"""The lm-eval task class of each task family: one module per family, named after it.

A module here is the harness half of a family of evaluators.families (which scores it): how documents
are made from the reader's records, what each request carries, what is kept of each answer, and how
the answers become predictions in submission order. Its class registers itself with
``@register`` under its family name; generate.py writes that class into every YAML file of a task of
the family, and a declared task whose family has no module here yet is left out (with a note).

Listing the families that have a class stays light (the folder is read, nothing imported): `xtreme
tasks` and the name checks use it before lm-eval loads. ``task_class`` imports the module (and lm-eval).
"""

from __future__ import annotations

import importlib
import pkgutil

from evaluators.families import FAMILY_NAMES

_REGISTRY: dict[str, type] = {}

# The families whose task class is one lm-eval task over all its languages (``XtremeTask.ALL_LANGUAGES``:
# their candidates are shared by every language), named here so that the task names can be listed without
# importing lm-eval; ``register`` checks each class agrees.
ALL_LANGUAGE_FAMILIES = frozenset({"entity_retrieval", "answer_retrieval"})


def register(cls: type) -> type:
    """Class decorator: ``cls`` is the lm-eval task class of the family ``cls.FAMILY``."""
    if cls.FAMILY not in FAMILY_NAMES:
        raise ValueError(f"{cls.__qualname__}: FAMILY {cls.FAMILY!r} is not one of {', '.join(FAMILY_NAMES)}")
    if bool(cls.ALL_LANGUAGES) != (cls.FAMILY in ALL_LANGUAGE_FAMILIES):
        raise ValueError(f"{cls.__qualname__}: ALL_LANGUAGES is {cls.ALL_LANGUAGES} but {cls.FAMILY} is "
                         f"{'' if cls.FAMILY in ALL_LANGUAGE_FAMILIES else 'not '}in {__name__}.ALL_LANGUAGE_FAMILIES")
    if cls.__module__ != f"{__name__}.{cls.FAMILY}":
        raise ValueError(f"{cls.__qualname__}: the {cls.FAMILY} task class belongs in {__name__}.{cls.FAMILY}")
    _REGISTRY[cls.FAMILY] = cls
    return cls


def families_with_tasks() -> tuple[str, ...]:
    """The families that have a task class here, in evaluators.families' order (no import)."""
    present = {info.name for info in pkgutil.iter_modules(__path__)}
    return tuple(family for family in FAMILY_NAMES if family in present)


def task_class(family: str) -> type:
    """The lm-eval task class of ``family`` (its module imported on first use)."""
    if family not in families_with_tasks():
        raise KeyError(f"no lm-eval task class for family {family!r} (no {__name__}.{family} module); "
                       f"families with one: {', '.join(families_with_tasks())}")
    importlib.import_module(f"{__name__}.{family}")
    if family not in _REGISTRY:
        raise KeyError(f"{__name__}.{family} registers no task class (decorate it with @register)")
    return _REGISTRY[family]


def class_path(family: str) -> str:
    """The dotted path the YAML's ``class: !function`` names, e.g. ``...families.tagging.TaggingTask``."""
    cls = task_class(family)
    return f"{cls.__module__}.{cls.__qualname__}"
