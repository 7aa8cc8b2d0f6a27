"""Export a small PyTorch model to a reproducible ONNX file (Chapters 10 and 13).

``export_onnx`` uses PyTorch's ``torch.export``-based exporter (``dynamo=True``), keeps the
weights inside the file (``external_data=False``), marks the batch dimension as variable,
collects the exporter's log notes and warnings instead of printing them, and strips the
per-node debugging notes (stack traces with the paths of PyTorch's source files), so the
file's bytes depend on the model alone and not on where Python is installed.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path


class ExporterLog(logging.Handler):
    """Keeps the exporter's log records instead of printing them."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def strip_debug_metadata(path: str | Path) -> None:
    """Drop the exporter's per-node debugging notes (stack traces with the paths of the
    Python files that built the model), so the artifact's bytes depend on the model alone."""
    import onnx

    model = onnx.load(path)
    for node in model.graph.node:
        del node.metadata_props[:]
    onnx.save(model, path)


def export_onnx(
    model,
    path: str | Path,
    dynamic_batch: bool = True,
    *,
    n_features: int = 64,
    input_name: str = "pixels",
    output_name: str = "logits",
) -> list[str]:
    """Export ``model`` (``n_features`` inputs in, one output) to ``path``.

    Returns the exporter's notes (log records and warnings) as strings.
    """
    import torch

    onnx_log = logging.getLogger("torch.onnx")
    capture, saved_handlers = ExporterLog(), onnx_log.handlers
    onnx_log.handlers = [capture]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.onnx.export(
                model.eval(),
                (torch.zeros(1, n_features),),
                path,
                dynamo=True,
                external_data=False,
                verbose=False,
                input_names=[input_name],
                output_names=[output_name],
                dynamic_shapes=({0: torch.export.Dim("batch")},) if dynamic_batch else None,
            )
    finally:
        onnx_log.handlers = saved_handlers
    strip_debug_metadata(path)
    return [r.getMessage() for r in capture.records] + [f"{w.category.__name__}: {w.message}" for w in caught]
