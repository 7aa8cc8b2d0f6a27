"""Chapter 10: the chapter's ONNX model in the reader's browser, and the same maths by hand.

The page runs the chapter's ONNX file with **onnxruntime-web** (npm, pinned in
``web/package.json`` with its lockfile, installed by ``make web``). ``widget_html`` renders
the widget: an 8×8 drawing grid and sample digits (``static/ch10/widget.js``), the ONNX
file's bytes in the page, and a Predict button. The widget imports the runtime's
WebAssembly-only bundle (``RUNTIME_FILES``) only when the reader first uses it; the build
copies those files from ``web/node_modules`` to the site's ``_static/ch10/ort/``
(``_ext/book_extras.py``), and ``widget.js`` from ``static/ch10/`` to ``_static/ch10/``,
after the build, so that no other page loads them.

``layers_from_onnx`` reads the weights of an MLP graph (Gemm, Relu, …, Gemm) from its ONNX
initializers. The chapter runs them in V8 with ``mlp-forward.js`` (next to this module,
not served by the site): the runtime's computation for this one model, by hand, in about
30 lines. ``model_json`` packs the float32 weights for it; ``layers_from_json`` and
``onnx_from_layers`` turn them back into an ONNX graph.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: The widget's script; the site build copies mlskills/static/ to _static/ (see _ext/book_extras.py).
STATIC = HERE / "static" / "ch10"
WIDGET_JS = STATIC / "widget.js"
#: A forward pass of this MLP in plain JavaScript, run by the chapter in V8 (not by the page).
FORWARD_JS = HERE / "mlp-forward.js"
#: The npm package the page runs the model with, pinned in web/package.json.
ORT_WEB = "onnxruntime-web"
ORT_WEB_VERSION = "1.30.0"
#: The files of that package the page loads, in its dist/ folder, with their sizes in bytes
#: (the site tests check the served files against these): the WebAssembly-only ES-module
#: bundle (with the Emscripten glue inside) and the one WebAssembly binary it fetches.
RUNTIME_FILES = {"ort.wasm.bundle.min.mjs": 73_054, "ort-wasm-simd-threaded.wasm": 14_239_897}
RUNTIME_ENTRY = "ort/ort.wasm.bundle.min.mjs"


def layers_from_onnx(source: str | Path | bytes) -> list[dict]:
    """[{"weight": (out, in) float32 array, "bias": (out,) array}] for each Gemm, in order;
    ``source`` is an ONNX file's path or its bytes."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(io.BytesIO(source) if isinstance(source, bytes) else str(source)).graph
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


def widget_html(onnx_bytes: bytes, samples: list[dict], static: str = "../_static/ch10/") -> str:
    """The widget's HTML: a grid, a sample picker, Predict, an output line, and the model data.

    ``onnx_bytes``: the ONNX file the page runs, carried in the page as base64.
    ``samples``: [{"label": int, "counts": 64 ints 0..16}] the reader can load into the grid
    (stored as one letter per pixel, "a" + count). ``static``: where the page finds
    widget.js and the runtime (the site's own _static/ch10/).
    """
    packed = [{"label": int(s["label"]), "counts": "".join(chr(97 + int(c)) for c in s["counts"])} for s in samples]
    data = json.dumps({"onnx": base64.b64encode(onnx_bytes).decode(), "samples": packed}, separators=(",", ":")).replace("</", "<\\/")
    where = html.escape(static)
    return (
        f"<style>{WIDGET_STYLE}</style>"
        f'<div id="ch10-widget" data-runtime="{where}{RUNTIME_ENTRY}">'
        "<p>Click a square to add ink (0, 8, 16 of 16), or load a held-out test image, then press <b>Predict</b>. "
        f"Your first use loads ONNX Runtime Web ({sum(RUNTIME_FILES.values()) / 1e6:.1f} MB) from this site; "
        "the prediction is computed by your browser and nothing is sent anywhere.</p>"
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
