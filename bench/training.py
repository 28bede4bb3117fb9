"""Training time of the Rasa model: the recorded value, or a fresh measurement on request.

Why recorded: training takes minutes on this machine, so `make bench` reports what
`scripts/train-if-needed` wrote to var/train-time.json at the last training (with its date,
and saying that it is a recorded value). `BENCH_TRAIN=1` retrains into a temporary folder and
measures, under the project's training lock so that no other training shares the CPUs.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from engine.settings import PROJECT_ROOT

RECORD = PROJECT_ROOT / "var" / "train-time.json"
LOCK = PROJECT_ROOT / ".train.lock"


def recorded() -> dict[str, Any]:
    """What the last `scripts/train-if-needed` training recorded, if anything."""
    if not RECORD.exists():
        return {"source": "none", "note": "no training recorded yet (var/train-time.json)"}
    data = json.loads(RECORD.read_text())
    return {"source": "recorded", **data}


def measure() -> dict[str, Any]:
    """Train the model from scratch into a temporary folder and time it."""
    rasa = Path(sys.executable).parent / "rasa"
    with (
        tempfile.TemporaryDirectory(prefix="bench-train-") as out,
        tempfile.TemporaryDirectory(prefix="bench-cache-") as cache,
        LOCK.open("a") as lock,
    ):
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.perf_counter()
        subprocess.run(
            [
                str(rasa),
                "train",
                "--domain",
                "bot/domain",
                "--config",
                "config.yml",
                "--data",
                "bot/data",
                "--out",
                out,
                "--quiet",
            ],
            cwd=PROJECT_ROOT,
            check=True,
            # An empty training cache: with Rasa's own (.rasa/cache) only changed components
            # retrain, and a 10-minute training measures as 40 s.
            env={**os.environ, "RASA_CACHE_DIRECTORY": cache},
        )
        seconds = time.perf_counter() - started
    return {
        "source": "measured",
        "cache": False,
        "seconds": round(seconds),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
    }


def training_time() -> dict[str, Any]:
    return measure() if os.environ.get("BENCH_TRAIN") == "1" else recorded()
