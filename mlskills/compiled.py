"""Compile a small C function with the system compiler and call it from Python (Chapter 9).

:func:`build` writes the C source to a temporary folder, compiles it into a shared
library with ``cc -O2 -ffp-contract=off -shared -fPIC`` and loads it with :mod:`ctypes`. The folder is
deleted as soon as the library is loaded (Linux and macOS keep the loaded code mapped), so
nothing is left in the repository and no path is ever printed.

:data:`NEAREST_CENTROID_C` is the chapter's hot loop: for each row of ``X`` (n × d),
the index of the nearest row of ``C`` (k × d) by squared Euclidean distance, and that
distance. Ties go to the lowest index, as with ``np.argmin``. :func:`nearest_centroid_c`
wraps it with the argument types and array checks that ctypes cannot do for you.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

NEAREST_CENTROID_C = r"""
#include <stdint.h>

/* For each of the n rows of X (n x d, row-major doubles), find the nearest of the k rows
   of C (k x d) by squared Euclidean distance. Write its index to labels[i] and the
   distance to dist[i]. Strict '<' keeps the lowest index on ties, like np.argmin. */
void nearest_centroid(const double *X, int64_t n, int64_t d,
                      const double *C, int64_t k,
                      int64_t *labels, double *dist)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t best = 0;
        double best_d = 0.0;
        for (int64_t j = 0; j < k; j++) {
            double s = 0.0;
            for (int64_t t = 0; t < d; t++) {
                double diff = X[i * d + t] - C[j * d + t];
                s += diff * diff;
            }
            if (j == 0 || s < best_d) {
                best = j;
                best_d = s;
            }
        }
        labels[i] = best;
        dist[i] = best_d;
    }
}
"""


class CompilerNotFound(RuntimeError):
    """No C compiler on PATH (install gcc or clang, e.g. ``apt-get install gcc``)."""


def compiler() -> str:
    """The C compiler that :func:`build` uses: ``cc``, ``gcc`` or ``clang``, first found."""
    for name in ("cc", "gcc", "clang"):
        if shutil.which(name):
            return name
    raise CompilerNotFound("no C compiler found on PATH: install gcc (Debian: apt-get install gcc)")


def build(
    source: str, name: str = "kernel", flags: tuple[str, ...] = ("-O2", "-ffp-contract=off")
) -> ctypes.CDLL:
    """Compile ``source`` into a shared library in a temporary folder and load it.

    ``flags`` are passed to the compiler. The default ``-O2`` gives code that runs on any
    CPU of the same architecture (no ``-march=native``) and keeps IEEE arithmetic (no
    ``-ffast-math``). ``-ffp-contract=off`` forbids fusing ``s += a * b`` into one
    fused multiply-add: GCC and Clang (14 and later) do that by default where the base
    instruction set has FMA (ARM64), which rounds once instead of twice and changes the last
    bits. With both, results match a straightforward loop bit for bit on any CPU.
    """
    with tempfile.TemporaryDirectory(prefix="ch09-c-") as folder:
        c_file, library = Path(folder) / f"{name}.c", Path(folder) / f"lib{name}.so"
        c_file.write_text(source, encoding="utf-8")
        result = subprocess.run(
            [compiler(), *flags, "-shared", "-fPIC", "-o", str(library), str(c_file)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            # the compiler's message names the temporary file; keep only the diagnostics
            message = result.stderr.replace(str(c_file), f"{name}.c")
            raise RuntimeError(f"compiling {name}.c failed:\n{message}")
        return ctypes.CDLL(str(library))


def load_nearest_centroid() -> ctypes.CDLL:
    """Build :data:`NEAREST_CENTROID_C` and declare the C function's argument types."""
    library = build(NEAREST_CENTROID_C, "nearest")
    double_p = np.ctypeslib.ndpointer(np.float64, flags="C_CONTIGUOUS")
    long_p = np.ctypeslib.ndpointer(np.int64, flags="C_CONTIGUOUS")
    library.nearest_centroid.argtypes = [
        double_p,
        ctypes.c_int64,
        ctypes.c_int64,
        double_p,
        ctypes.c_int64,
        long_p,
        double_p,
    ]
    library.nearest_centroid.restype = None
    return library


def nearest_centroid_c(
    library: ctypes.CDLL, X: np.ndarray, C: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Call the compiled kernel: (labels int64 of shape (n,), squared distances of shape (n,)).

    ctypes checks nothing about shapes: a wrong ``d`` reads past the end of the array.
    So the shapes are checked here, and the arrays made C-contiguous float64.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    C = np.ascontiguousarray(C, dtype=np.float64)
    if X.ndim != 2 or C.ndim != 2 or X.shape[1] != C.shape[1] or len(C) == 0:
        raise ValueError(
            f"need X (n, d) and C (k >= 1, d) with the same d, got {X.shape} and {C.shape}"
        )
    labels = np.empty(len(X), np.int64)
    distances = np.empty(len(X), np.float64)
    library.nearest_centroid(X, len(X), X.shape[1], C, len(C), labels, distances)
    return labels, distances


def nearest_centroid_python(
    X: list[list[float]], C: list[list[float]]
) -> tuple[list[int], list[float]]:
    """The same loop as :data:`NEAREST_CENTROID_C`, in pure Python on lists of floats.

    It lives in a module (not in a notebook cell) so that a process pool can pickle it by
    reference on every platform.
    """
    labels, distances = [], []
    for row in X:
        best, best_d = 0, 0.0
        for j, centre in enumerate(C):
            s = 0.0
            for x, c in zip(row, centre, strict=True):
                diff = x - c
                s += diff * diff
            if j == 0 or s < best_d:
                best, best_d = j, s
        labels.append(best)
        distances.append(best_d)
    return labels, distances
