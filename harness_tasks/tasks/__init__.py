"""XTREME as lm-eval tasks: generated YAML (one file per task and language, see generate.py) plus the
task classes in xtreme_task.py. ``TASKS_DIR`` is the folder to give lm-eval as include_path."""

from pathlib import Path

TASKS_DIR = Path(__file__).resolve().parent
