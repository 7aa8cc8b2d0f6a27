"""One cold start of a handler variant, measured from inside a fresh Python process.

    .venv-functions/bin/python apps/ch12_functions/coldstart.py VARIANT WORKDIR

VARIANT is sklearn_eager, numpy_eager or sklearn_lazy (the modules handler_<VARIANT>.py).
Prints JSON: init_ms (importing the handler module: Lambda's init phase), first_ms (the
first call), warm_ms (a second call) and the handler's answer. WORKDIR holds the models
and the batch to score. The interpreter's own start-up is not included.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path


def main(variant: str, workdir: Path) -> dict:
    os.environ["MODEL_DIR"] = str(workdir)
    event = {"body": (workdir / "request.csv").read_text(encoding="utf-8")}
    sys.path.insert(0, str(Path(__file__).parent))
    start = time.perf_counter()
    module = importlib.import_module(f"handler_{variant}")
    imported = time.perf_counter()
    answer = module.handler(event, None)
    first = time.perf_counter()
    module.handler(event, None)
    warm = time.perf_counter()
    return {
        "init_ms": (imported - start) * 1000,
        "first_ms": (first - imported) * 1000,
        "warm_ms": (warm - first) * 1000,
        "answer": answer,
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], Path(sys.argv[2])), sys.stdout)
