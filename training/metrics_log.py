"""Training metrics: metrics.jsonl always, TensorBoard and W&B when they are installed."""

from __future__ import annotations

import json
import time
from pathlib import Path


class MetricsLog:
    """metrics.jsonl always; TensorBoard when installed; W&B when installed and WANDB_PROJECT is set."""

    def __init__(self, out: Path, main: bool) -> None:
        import os

        self.main = main
        self.path = out / "metrics.jsonl"
        self.tb = self.wandb = None
        if not main:
            return
        try:
            from torch.utils.tensorboard import SummaryWriter

            self.tb = SummaryWriter(str(out / "tensorboard"))
        except ImportError:
            pass
        if os.environ.get("WANDB_PROJECT"):
            try:
                import wandb

                self.wandb = wandb.init(project=os.environ["WANDB_PROJECT"], dir=str(out), resume="allow")
            except ImportError:
                pass

    def write(self, record: dict) -> None:
        if not self.main:
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"time": round(time.time(), 3), **record}) + "\n")
        for key in ("loss", "lr", "dev_score"):
            if key in record:
                if self.tb is not None:
                    self.tb.add_scalar(f"{record['phase']}/{key}", record[key], record["step"])
                if self.wandb is not None:
                    self.wandb.log({f"{record['phase']}/{key}": record[key]})

    def close(self) -> None:
        if self.tb is not None:
            self.tb.close()
        if self.wandb is not None:
            self.wandb.finish()
