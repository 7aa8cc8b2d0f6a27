"""Chapter 10: the chapter's ONNX model as plain weights, and the widget that runs it in the page.

``layers_from_onnx`` reads the weights of an MLP graph (Gemm, Relu, …, Gemm) from its ONNX
initializers, so the browser runs exactly the numbers ONNX Runtime runs.
``widget_html`` renders an 8×8 drawing grid, a choice of sample digits and a Predict
button. The page's only runtime is ``_static/ch10/mlp-forward.js`` (about 1 kB, served by
the site itself), loaded on the first Predict. The ONNX file travels in the page as a
download link, which the browser test also uses to check the page's predictions against
ONNX Runtime in Python.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import numpy as np

FORWARD_JS = Path(__file__).resolve().parent.parent / "_static" / "ch10" / "mlp-forward.js"


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
            weight = init[node.input[1]]
            weight = weight if attrs.get("transB", 0) == 1 else weight.T
            layers.append({"weight": np.ascontiguousarray(weight, dtype=np.float32), "bias": init[node.input[2]].astype(np.float32)})
        elif node.op_type not in {"Relu"}:
            raise ValueError(f"layers_from_onnx reads Gemm/Relu graphs only, found {node.op_type}")
    return layers


def _f32(value: float) -> float:
    """The shortest decimal that reads back as the same float32 (keeps the JSON small)."""
    return float(repr(np.float32(value)).replace("np.float32(", "").rstrip(")"))


def model_json(layers: list[dict]) -> str:
    """The layers as compact JSON: {"layers": [{"weight": [[...]], "bias": [...]}]}."""
    doc = {"layers": [{"weight": [[_f32(v) for v in row] for row in layer["weight"]], "bias": [_f32(v) for v in layer["bias"]]} for layer in layers]}
    return json.dumps(doc, separators=(",", ":"))


WIDGET_SCRIPT = r"""
(function () {
  const box = document.getElementById("ch10-widget");
  if (!box || box.dataset.ready) return;
  box.dataset.ready = "1";
  const data = JSON.parse(document.getElementById("ch10-widget-data").textContent);
  const cells = Array.from(box.querySelectorAll("button.ch10-cell"));
  const out = box.querySelector(".ch10-output");
  const ink = new Array(64).fill(0);
  function paint(i) {
    const v = ink[i];
    const shade = Math.round(255 - v * 255 / 16);
    cells[i].style.background = "rgb(" + shade + "," + shade + "," + shade + ")";
    cells[i].setAttribute("aria-label", "row " + (Math.floor(i / 8) + 1) + ", column " + (i % 8 + 1) + ": ink " + v + " of 16");
  }
  function show(values) { values.forEach(function (v, i) { ink[i] = v; paint(i); }); box.dataset.pixels = JSON.stringify(ink); }
  cells.forEach(function (cell, i) {
    cell.addEventListener("click", function () { ink[i] = ink[i] >= 16 ? 0 : ink[i] + 8; paint(i); box.dataset.pixels = JSON.stringify(ink); });
  });
  box.querySelector(".ch10-sample").addEventListener("change", function (e) {
    if (e.target.value !== "") show(data.samples[Number(e.target.value)].counts);
  });
  box.querySelector(".ch10-clear").addEventListener("click", function () { show(new Array(64).fill(0)); });
  let runtime = null;
  function loadRuntime() {
    if (!runtime) {
      runtime = new Promise(function (resolve, reject) {
        const s = document.createElement("script");
        s.src = box.dataset.runtime;
        s.onload = function () { resolve(window.ch10Forward); };
        s.onerror = function () { reject(new Error("could not load " + s.src)); };
        document.head.appendChild(s);
      });
    }
    return runtime;
  }
  box.querySelector(".ch10-predict").addEventListener("click", function () {
    loadRuntime().then(function (forward) {
      const t0 = performance.now();
      const result = forward(data.model, ink.map(function (v) { return v / 16; }));
      const ms = performance.now() - t0;
      box.dataset.probabilities = JSON.stringify(result.probabilities);
      box.dataset.label = String(result.label);
      const p = result.probabilities[result.label];
      out.textContent = "Predicted digit: " + result.label + " (probability " + p.toFixed(3) + "), computed in this page in " + ms.toFixed(2) + " ms.";
    }).catch(function (err) { out.textContent = String(err); });
  });
  show(new Array(64).fill(0));
})();
"""

WIDGET_STYLE = """
#ch10-widget .ch10-grid { display: grid; grid-template-columns: repeat(8, 2rem); gap: 2px; margin: 0.5rem 0; }
#ch10-widget button.ch10-cell { width: 2rem; height: 2rem; border: 1px solid #767676; padding: 0; background: #ffffff; }
#ch10-widget .ch10-controls { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
#ch10-widget .ch10-output { font-weight: bold; min-height: 1.5em; }
"""


def widget_html(layers: list[dict], samples: list[dict], onnx_path: str | Path, runtime: str = "../_static/ch10/mlp-forward.js") -> str:
    """The widget's HTML: grid, sample picker, Predict, output line, model data, ONNX download.

    ``samples``: [{"label": int, "counts": 64 ints 0..16}] the reader can load into the grid.
    """
    payload = {"model": json.loads(model_json(layers)), "samples": samples}
    data = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    onnx_b64 = base64.b64encode(Path(onnx_path).read_bytes()).decode()
    options = "".join(f'<option value="{i}">test image {i + 1} (labelled {s["label"]})</option>' for i, s in enumerate(samples))
    buttons = "".join('<button type="button" class="ch10-cell"></button>' for _ in range(64))
    return (
        f"<style>{WIDGET_STYLE}</style>"
        f'<div id="ch10-widget" data-runtime="{html.escape(runtime)}">'
        '<p>Click a square to add ink (0, 8, 16 of 16), or load a held-out test image, then press <b>Predict</b>. '
        "The prediction is computed by your browser; nothing is sent anywhere.</p>"
        '<div class="ch10-controls">'
        '<label for="ch10-sample">Load a test image:</label>'
        f'<select id="ch10-sample" class="ch10-sample"><option value="">choose…</option>{options}</select>'
        '<button type="button" class="ch10-clear">Clear</button>'
        '<button type="button" class="ch10-predict">Predict</button>'
        "</div>"
        f'<div class="ch10-grid" role="group" aria-label="8 by 8 drawing grid">{buttons}</div>'
        '<p class="ch10-output" aria-live="polite"></p>'
        f'<p><a download="ch10-digits-mlp.onnx" href="data:application/octet-stream;base64,{onnx_b64}">Download the ONNX model this page runs</a></p>'
        "</div>"
        f'<script type="application/json" id="ch10-widget-data">{data}</script>'
        f"<script>{WIDGET_SCRIPT}</script>"
    )
