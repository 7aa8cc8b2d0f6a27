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
calls them there and returns the JSON they print.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import tempfile
import time
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
    seed: int, batches: int = 60, size: int = 400, *, drift: bool = True
) -> list[pd.DataFrame]:
    """``batches`` hourly batches of ``size`` rows; with ``drift``, drift_schedule applies."""
    rng = np.random.default_rng(seed)
    return [readings(rng, size, **(drift_schedule(b) if drift else {})) for b in range(batches)]


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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FunctionServer:
    """Google's Functions Framework serving one function on 127.0.0.1, in the functions' env.

    Use it as a context manager: the server is stopped when the block ends, even if a cell
    fails, and at interpreter exit otherwise. ``url`` is where to POST events; never print it
    (the port is chosen at run time).
    """

    def __init__(self, source: Path, target: str, env: dict[str, str], ready_s: float = 30.0):
        self.source, self.target, self.env, self.ready_s = source, target, env, ready_s
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> FunctionServer:
        port = _free_port()
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                str(FUNCTIONS_PYTHON.parent / "functions-framework"),
                "--source",
                str(self.source),
                "--target",
                self.target,
                "--signature-type",
                "cloudevent",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],  # fmt: skip
            env={**os.environ, **self.env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        atexit.register(self.stop)
        deadline = time.monotonic() + self.ready_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                self.url = f"http://127.0.0.1:{port}/"
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(
            f"the function server did not start:\n{self.log.read().decode()[-2000:]}"
        )

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> FunctionServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
