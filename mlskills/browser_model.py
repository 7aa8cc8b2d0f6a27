"""Chapter 10: the chapter's ONNX model as plain weights, and the widget that runs it in the page.

``layers_from_onnx`` reads the weights of an MLP graph (Gemm, Relu, …, Gemm) from its ONNX
initializers, so the browser runs exactly the numbers ONNX Runtime runs. ``model_json``
packs the float32 weights as base64 for the page; ``layers_from_json`` and
``onnx_from_layers`` turn them back into an ONNX graph (the browser test runs it in ONNX
Runtime and compares with the page). ``widget_html`` renders the widget: an 8×8 drawing
grid and sample digits (``widget.js``), and a Predict button that loads the page's only
runtime, ``mlp-forward.js`` (a few kB), on first use. Both live in ``mlskills/static/ch10/``
and the site serves them from ``_static/ch10/``: copied there after the build, so that no
other page loads them.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import numpy as np

#: The page's scripts; the site build copies mlskills/static/ to _static/ (see _ext/book_extras.py).
STATIC = Path(__file__).resolve().parent / "static" / "ch10"
FORWARD_JS = STATIC / "mlp-forward.js"
WIDGET_JS = STATIC / "widget.js"


def layers_from_onnx(path: str | Path) -> list[dict]:
    """[{"weight": (out, in) float32 array, "bias": (out,) array}] for each Gemm, in order."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    layers = []
    for node in graph.node:
        if node.op_type == "Gemm":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            weight = init[node.input[1]] if attrs.get("transB", 0) == 1 else init[node.input[1]].T
            layers.append({"weight": np.ascontiguousarray(weight, dtype=np.float32), "bias": init[node.input[2]].astype(np.float32)})
        elif node.op_type != "Relu":
            raise ValueError(f"layers_from_onnx reads Gemm/Relu graphs only, found {node.op_type}")
    return layers


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode()


def model_json(layers: list[dict]) -> str:
    """The layers as compact JSON for mlp-forward.js: shape [out, in], and the float32 weights
    and biases as base64 of their little-endian bytes, so the page runs the exact float32 values."""
    doc = {"layers": [{"shape": list(layer["weight"].shape), "weight": _b64(layer["weight"]), "bias": _b64(layer["bias"])} for layer in layers]}
    return json.dumps(doc, separators=(",", ":"))


def layers_from_json(doc: str | dict) -> list[dict]:
    """The inverse of :func:`model_json`."""
    doc = json.loads(doc) if isinstance(doc, str) else doc
    return [
        {
            "weight": np.frombuffer(base64.b64decode(layer["weight"]), dtype="<f4").reshape(layer["shape"]).astype(np.float32),
            "bias": np.frombuffer(base64.b64decode(layer["bias"]), dtype="<f4").astype(np.float32),
        }
        for layer in doc["layers"]
    ]


def onnx_from_layers(layers: list[dict]):
    """An ONNX model (Gemm, Relu, …, Gemm) with these weights: input "pixels", output "logits"."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, current = [], [], "pixels"
    for k, layer in enumerate(layers):
        inits += [numpy_helper.from_array(layer["weight"], f"W{k}"), numpy_helper.from_array(layer["bias"], f"b{k}")]
        last = k == len(layers) - 1
        nodes.append(helper.make_node("Gemm", [current, f"W{k}", f"b{k}"], ["logits" if last else f"g{k}"], transB=1))
        if not last:
            nodes.append(helper.make_node("Relu", [f"g{k}"], [f"h{k}"]))
            current = f"h{k}"
    n_in, n_out = layers[0]["weight"].shape[1], layers[-1]["weight"].shape[0]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", n_in])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", n_out])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


WIDGET_STYLE = (
    "#ch10-widget .ch10-grid{display:grid;grid-template-columns:repeat(8,2rem);gap:2px;margin:0.5rem 0}"
    "#ch10-widget button.ch10-cell{width:2rem;height:2rem;border:1px solid #767676;padding:0;background:#fff}"
    "#ch10-widget .ch10-controls{display:flex;gap:0.75rem;align-items:center;flex-wrap:wrap}"
    "#ch10-widget .ch10-output{font-weight:bold;min-height:1.5em}"
)


def widget_html(layers: list[dict], samples: list[dict], static: str = "../_static/ch10/") -> str:
    """The widget's HTML: a grid, a sample picker, Predict, an output line, and the model data.

    ``samples``: [{"label": int, "counts": 64 ints 0..16}] the reader can load into the grid
    (stored as one letter per pixel, "a" + count). ``static``: where the page finds
    widget.js and mlp-forward.js (the site's own _static/ch10/).
    """
    packed = [{"label": int(s["label"]), "counts": "".join(chr(97 + int(c)) for c in s["counts"])} for s in samples]
    data = json.dumps({"model": json.loads(model_json(layers)), "samples": packed}, separators=(",", ":")).replace("</", "<\\/")
    where = html.escape(static)
    return (
        f"<style>{WIDGET_STYLE}</style>"
        f'<div id="ch10-widget" data-runtime="{where}mlp-forward.js">'
        "<p>Click a square to add ink (0, 8, 16 of 16), or load a held-out test image, then press <b>Predict</b>. "
        "The prediction is computed by your browser; nothing is sent anywhere.</p>"
        '<div class="ch10-controls">'
        '<label for="ch10-sample">Load a test image:</label>'
        '<select id="ch10-sample" class="ch10-sample"><option value="">choose…</option></select>'
        '<button type="button" class="ch10-clear">Clear</button>'
        '<button type="button" class="ch10-predict">Predict</button>'
        "</div>"
        '<div class="ch10-grid" role="group" aria-label="8 by 8 drawing grid"></div>'
        '<p class="ch10-output" aria-live="polite"></p>'
        "</div>"
        f'<script type="application/json" id="ch10-widget-data">{data}</script>'
        f'<script src="{where}widget.js"></script>'
    )
