"""Chapter 10's model runs in the reader's browser, from the site's own files, and agrees with
ONNX Runtime in Python.

The page carries the model's float32 weights (``#ch10-widget-data``); the runtime,
``_static/ch10/mlp-forward.js`` (from ``mlskills/static/ch10/``), is loaded only when the reader first presses Predict. The
browser resolves no host but 127.0.0.1 (tests/site/conftest.py), and ``visit`` records any
request to another host as a problem. For held-out test images and for a digit drawn by
clicking, the page's probabilities must equal those of ONNX Runtime in Python on a graph
built from the same weights (``browser_model.onnx_from_layers``).
"""

from __future__ import annotations

import json
import re

import numpy as np
import onnxruntime as ort
import pytest

from mlskills import browser_model
from tests.site.test_site import visit

pytestmark = pytest.mark.site

PAGE = "chapters/10-emerging.html"


def python_probabilities(session, pixels_counts) -> np.ndarray:
    x = np.asarray(pixels_counts, dtype=np.float32)[None, :] / 16.0
    logits = session.run(None, {"pixels": x})[0][0].astype(np.float64)
    e = np.exp(logits - logits.max())
    return e / e.sum()


def predict_in_page(page) -> tuple[list[int], np.ndarray, int]:
    before = page.get_attribute("#ch10-widget", "data-probabilities")
    page.click("#ch10-widget .ch10-predict")
    page.wait_for_function(
        "before => document.getElementById('ch10-widget').dataset.probabilities !== before && document.getElementById('ch10-widget').dataset.probabilities !== undefined",
        arg=before,
    )
    box = page.eval_on_selector("#ch10-widget", "el => ({pixels: el.dataset.pixels, p: el.dataset.probabilities, label: el.dataset.label})")
    return json.loads(box["pixels"]), np.array(json.loads(box["p"])), int(box["label"])


def test_the_model_runs_in_the_page_and_equals_onnx_runtime(site, server, browser):
    page, problems, weight = visit(browser, f"{server}/{PAGE}")
    requested = lambda name: any(p.endswith(name) for p in weight["paths"])  # noqa: E731
    assert requested("_static/ch10/widget.js"), "the widget's script did not load from the site"
    assert not requested("mlp-forward.js"), "the model runtime loaded before the reader used the widget"

    data = json.loads(page.inner_text("#ch10-widget-data"))
    layers = browser_model.layers_from_json(data["model"])
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(browser_model.onnx_from_layers(layers).SerializeToString(), options, providers=["CPUExecutionProvider"])

    compared = 0
    for index, sample in enumerate(data["samples"]):
        page.select_option("#ch10-sample", str(index))
        pixels, p_page, label = predict_in_page(page)
        assert pixels == [ord(c) - 97 for c in sample["counts"]], "the grid does not show the chosen test image"
        p_python = python_probabilities(session, pixels)
        assert label == int(p_python.argmax()), f"test image {index + 1}: page says {label}, ONNX Runtime says {p_python.argmax()}"
        assert np.abs(p_page - p_python).max() < 1e-5, f"test image {index + 1}: probabilities differ by {np.abs(p_page - p_python).max():.2g}"
        compared += 1
    assert requested("_static/ch10/mlp-forward.js"), "Predict did not load the runtime from the site"
    assert compared == len(data["samples"]) >= 10

    # a digit drawn by the reader: clear, then ink a vertical stroke (a "1") with clicks
    page.click("#ch10-widget .ch10-clear")
    cells = page.locator("#ch10-widget button.ch10-cell")
    for row in range(1, 7):
        cells.nth(row * 8 + 4).click()
        cells.nth(row * 8 + 4).click()  # twice: ink 16
    pixels, p_page, label = predict_in_page(page)
    assert sum(1 for v in pixels if v == 16) == 6
    p_python = python_probabilities(session, pixels)
    assert label == int(p_python.argmax()) and np.abs(p_page - p_python).max() < 1e-5
    assert "Predicted digit" in page.inner_text("#ch10-widget .ch10-output")
    assert not problems, problems
    files = [site / p.lstrip("/") for p in weight["paths"] if (site / p.lstrip("/")).is_file()]
    loaded = sum(f.stat().st_size for f in files)
    runtime = sum(f.stat().st_size for f in files if f.parent.name == "ch10")
    print(f"\n{PAGE}: {loaded / 1e3:,.0f} kB loaded in all after using the widget, of which _static/ch10/ {runtime / 1e3:.1f} kB")
    assert loaded < 2_000_000, f"the chapter page loads {loaded / 1e6:.1f} MB"
    page.context.close()


def test_only_chapter_10_loads_the_widget(site):
    refers = re.compile(r'="[^"]*_static/ch10/')  # a src= or data-runtime= attribute, not prose
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts and refers.search(p.read_text(encoding="utf-8"))]
    assert [p.relative_to(site).as_posix() for p in pages] == [PAGE]
    for name in ("mlp-forward.js", "widget.js"):
        assert (site / "_static" / "ch10" / name).is_file(), f"{name} is not in the site's _static/ch10/"
