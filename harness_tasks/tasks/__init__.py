"""XTREME as lm-eval tasks: generated YAML (one file per task and language, see generate.py), the task
classes in xtreme_task.py, and the task manager in manager.py that runs the ``xtreme_<task>`` and
``xtreme`` groups on whatever languages a data folder holds. ``TASKS_DIR`` is the folder to give lm-eval
as include_path.

This module stays light (no lm-eval, no torch): the ``xtreme`` command imports it to list tasks.
"""

from pathlib import Path

TASKS_DIR = Path(__file__).resolve().parent

# The runtime settings every XTREME task reads from its metadata (harness_tasks.task_manager(...) keyword
# arguments, or lm-eval's --model_args / --metadata on its command line); see xtreme_task.py.
TASK_SETTINGS = ("data", "split", "tagging_mode", "bucc_duplicates", "bucc_subset", "bucc_distractors",
                 "bucc_seed")
SPLITS = ("test", "dev")
TAGGING_MODES = ("xtreme", "seqeval")
