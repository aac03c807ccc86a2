"""Stop at the first NaN or infinity: a diverged run must end with an error, never with a bundle.

Three checks, each cheap next to the work it guards:

* every optimizer step, the micro-batch losses (already fetched with ``.item()`` for logging, so testing
  them costs nothing) and the gradient norm that ``clip_grad_norm_`` computes anyway (one ``isfinite`` on a
  scalar: a single device sync per step). Both run before ``optimizer.step()``, so the weights never take
  a non-finite update and the last checkpoint stays usable. With several processes the verdict is
  all-reduced (one scalar), so that every process stops at the same step instead of some waiting forever;
* every save of weights that can end in a bundle (an intermediate encoder, a target head's best model):
  one ``isfinite`` pass over the state dict, next to the cost of writing it;
* the assembled bundle, read back tensor by tensor before it is moved into place.

fp16 is the exception for the gradient: its loss scaler makes overflowing steps on purpose, skips them and
lowers the scale, so there an infinite gradient norm is routine and only the loss is checked.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch

from harness_tasks.finite import first_nonfinite_tensor, nonfinite_tensors
from training.errors import NonFiniteError

WHAT_TO_DO = ("lower hyperparameters.learning_rate or max_grad_norm, or check the training data, then start"
              " afresh with --overwrite")


def check_step(accelerator, phase: str, step: int, total: int, losses: list[tuple[str, float]],
               grad_norm, lr: float) -> None:
    """Raise NonFiniteError if optimizer step ``step`` (1-based) has a non-finite loss or gradient norm.

    ``losses`` holds (task, loss) per micro-batch of this process; ``grad_norm`` is what clip_grad_norm_
    returned (None: not computed, or fp16, where the loss scaler deals with overflow).
    """
    bad = next(((task, value) for task, value in losses if not math.isfinite(value)), None)
    anywhere = bad is not None
    if accelerator.num_processes > 1:
        flag = torch.tensor([float(anywhere)], device=accelerator.device)
        anywhere = accelerator.reduce(flag, reduction="sum").item() > 0
    where = f"[{phase}] optimizer step {step} of {total}"
    if anywhere:
        what = (f"task {bad[0]}: the loss is {bad[1]}" if bad is not None
                else "the loss is not finite on another process")
        raise NonFiniteError(f"{where}, {what} (learning rate {lr:g}); training stopped before the update,"
                             f" no bundle written: {WHAT_TO_DO}")
    if grad_norm is not None and not torch.isfinite(torch.as_tensor(grad_norm)).item():
        tasks = ", ".join(dict.fromkeys(task for task, _ in losses))
        value = float(torch.as_tensor(grad_norm))
        raise NonFiniteError(f"{where}, task {tasks}: the gradient norm is {value} (learning rate {lr:g});"
                             f" training stopped before the update, no bundle written: {WHAT_TO_DO}")


def require_finite_weights(model, what: str) -> None:
    """Refuse to save ``model`` (``what`` says which, for the message) if any weight is not finite."""
    bad = nonfinite_tensors(model.state_dict().items())
    if bad:
        raise NonFiniteError(f"{what}: {len(bad)} weight tensor(s) hold NaN or infinity (first: {bad[0]});"
                             f" not saved, no bundle written: {WHAT_TO_DO}")


def require_finite_folder(folder: Path) -> None:
    """Read every ``*.safetensors`` below ``folder``, streamed (harness_tasks.finite, the check the harness
    runs before scoring); refuse any non-finite tensor."""
    for weights in sorted(folder.rglob("*.safetensors")):
        name = first_nonfinite_tensor(weights)
        if name is not None:
            raise NonFiniteError(f"{weights}: tensor {name} holds NaN or infinity; the bundle was not"
                                 f" written: {WHAT_TO_DO}")
