"""The batch plan: every micro-batch of a phase, decided before the first one runs.

Deciding the whole plan up front from string-seeded generators is what makes resume exact: a restarted
phase rebuilds the same plan and skips the steps already taken.
"""

from __future__ import annotations

import math
import random


def plan_batches(sizes: dict[str, int], batch_size: int, epochs: float, sampling: str, temperature: float,
                 seed: int) -> list[tuple[str, list[int]]]:
    """(task, example indices) for every micro-batch of a phase.

    A phase lasts ``epochs`` x (the batches of one pass over every task). Each task is a stream of
    shuffled passes over its data; each micro-batch draws a task with probability proportional to its
    size (``proportional``), equal (``uniform``) or size ** (1 / temperature) (``temperature``). With one
    task this is plain epoch-by-epoch training. Python's ``random.Random`` seeded from strings is stable
    across runs and machines (it hashes the seed with SHA-512), which is what makes resume exact.
    """
    names = list(sizes)
    per_pass = {n: math.ceil(sizes[n] / batch_size) for n in names}
    total = math.ceil(epochs * sum(per_pass.values()))
    largest = max(sizes.values())
    weights = {
        "proportional": [sizes[n] for n in names],
        "uniform": [1.0] * len(names),
        # Relative to the largest task, so that a small temperature drives the weights of the others
        # towards 0 instead of overflowing (size ** 100 is beyond float range).
        "temperature": [(sizes[n] / largest) ** (1.0 / temperature) for n in names],
    }[sampling]
    chooser = random.Random(f"{seed}:tasks")
    shufflers = {n: random.Random(f"{seed}:{n}") for n in names}
    pending: dict[str, list[list[int]]] = {n: [] for n in names}
    plan = []
    for _ in range(total):
        name = names[0] if len(names) == 1 else chooser.choices(names, weights)[0]
        if not pending[name]:
            order = list(range(sizes[name]))
            shufflers[name].shuffle(order)
            pending[name] = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        plan.append((name, pending[name].pop(0)))
    return plan


def step_seed(seed: int, phase_index: int, step: int, process: int) -> int:
    return (seed * 1_000_003 + phase_index * 10_007 + step) * 16 + process
