"""Chapter 12's shared pieces: a seeded stream of machine readings with injected drift, and a
runner for the serverless functions' own environment.

The stream stands in for hourly CSV batches from a factory: four sensor readings per machine
and whether the machine failed within a day. Drift is injected on purpose, so that the
chapter knows exactly when it starts:

- ``temp_offset``: the temperature sensor is recalibrated and reads ``temp_offset`` °C high
  (covariate shift: the physics, and so the label, do not change);
- ``vib_shift`` and ``pressure_weight``: new machines vibrate more and start to fail on
  pressure (the relation between features and label changes: concept drift).

The functions in ``apps/ch12_functions`` run in ``.venv-functions`` (``make functions-env``),
because botocore's pins conflict with the book's main environment; :func:`run_function`
calls them there and returns the JSON they print. The Cloud Function is served by
``functions-framework`` from the same environment, started with :class:`mlskills.services.Service`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from mlskills import ROOT

#: Sensor columns, in the order the model uses them.
FEATURES = ["temperature_c", "vibration_mm_s", "pressure_bar", "rpm"]
#: The serverless functions' code and their Python.
FUNCTIONS_DIR = ROOT / "apps" / "ch12_functions"
FUNCTIONS_PYTHON = Path(
    os.environ.get("FUNCTIONS_PYTHON", ROOT / ".venv-functions" / "bin" / "python")
)


def readings(
    rng: np.random.Generator,
    n: int,
    *,
    temp_offset: float = 0.0,
    vib_shift: float = 0.0,
    pressure_weight: float = 0.0,
) -> pd.DataFrame:
    """``n`` rows: the four FEATURES (°C, mm/s, bar, rev/min) and ``failed`` (0 or 1)."""
    temperature = rng.normal(70.0, 6.0, n)
    vibration = rng.normal(3.0 + vib_shift, 0.8, n)
    pressure = rng.normal(30.0, 3.0, n)
    rpm = rng.normal(1500.0, 120.0, n)
    logit = (
        -0.8
        + 1.6 * (temperature - 70.0) / 6.0
        + 1.4 * (vibration - 3.0) / 0.8
        + pressure_weight * (pressure - 30.0) / 3.0
    )
    failed = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "temperature_c": (temperature + temp_offset).round(2),
            "vibration_mm_s": vibration.round(3),
            "pressure_bar": pressure.round(2),
            "rpm": rpm.round(1),
            "failed": failed,
        }
    )


def drift_schedule(batch: int) -> dict:
    """The drift injected into batch ``batch`` of :func:`stream` (keyword arguments of readings)."""
    ramp = min(max((batch - 40) / 10, 0.0), 1.0)  # 0 before batch 40, 1 from batch 50
    return {
        "temp_offset": 6.0 if batch >= 20 else 0.0,
        "vib_shift": 1.0 * ramp,
        "pressure_weight": 2.0 * ramp,
    }


def stream(
    seed: int,
    batches: int = 60,
    size: int = 400,
    *,
    drift: bool = True,
    schedule: Callable[[int], dict] | None = None,
) -> list[pd.DataFrame]:
    """``batches`` hourly batches of ``size`` rows.

    With ``drift``, :func:`drift_schedule` applies; ``schedule(batch)`` replaces it with your
    own keyword arguments of :func:`readings` (for example concept drift alone).
    """
    rng = np.random.default_rng(seed)
    plan = schedule or (drift_schedule if drift else (lambda batch: {}))
    return [readings(rng, size, **plan(b)) for b in range(batches)]


def run_function(*args: str, timeout: float = 120) -> dict:
    """Run ``apps/ch12_functions/<args[0]>`` in the functions' environment; return its JSON."""
    if not FUNCTIONS_PYTHON.exists():
        raise RuntimeError(
            f"the functions' environment is missing ({FUNCTIONS_PYTHON.name} not found): "
            "run `make functions-env` from the repository root"
        )
    result = subprocess.run(
        [str(FUNCTIONS_PYTHON), str(FUNCTIONS_DIR / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)
