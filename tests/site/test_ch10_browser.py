"""Chapter 10's model runs in the reader's browser with ONNX Runtime Web, from the site's own
files, and agrees with ONNX Runtime in Python.

The page carries the exported ONNX file (base64 in ``#ch10-widget-data``) and ``widget.js``;
the runtime (onnxruntime-web's WebAssembly-only bundle and its one ``.wasm`` file, copied by
the build from ``web/node_modules`` to ``_static/ch10/ort/``) must not be fetched until the
reader first uses the widget, and then only from the site itself. The browser resolves no
host but 127.0.0.1 (tests/site/conftest.py), and ``visit`` records any request to another
host as a problem. For held-out test images, for a digit drawn by clicking and for one drawn
with the keyboard, the page's probabilities must equal those of ONNX Runtime in Python on the
same ONNX bytes, to within 1e-5.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlparse

import numpy as np
import onnxruntime as ort
import pytest

from mlskills import browser_model
from tests.site.test_site import MAX_PAGE_BYTES, visit

pytestmark = pytest.mark.site

PAGE = "chapters/10-emerging.html"
RUNTIME_DIR = "/_static/ch10/ort/"
WASM = next(f for f in browser_model.RUNTIME_FILES if f.endswith(".wasm"))


def python_probabilities(session, pixels_counts) -> np.ndarray:
    x = np.asarray(pixels_counts, dtype=np.float32)[None, :] / 16.0
    logits = session.run(None, {session.get_inputs()[0].name: x})[0][0].astype(np.float64)
    e = np.exp(logits - logits.max())
    return e / e.sum()


def predict_in_page(page, press=None) -> tuple[list[int], np.ndarray, int]:
    before = page.get_attribute("#ch10-widget", "data-probabilities")
    if press:  # the keyboard: focus Predict and press the key
        page.focus("#ch10-widget .ch10-predict")
        page.keyboard.press(press)
    else:
        page.click("#ch10-widget .ch10-predict")
    page.wait_for_function(
        "before => document.getElementById('ch10-widget').dataset.probabilities !== before && document.getElementById('ch10-widget').dataset.probabilities !== undefined",
        arg=before,
        timeout=60_000,
    )
    box = page.eval_on_selector("#ch10-widget", "el => ({pixels: el.dataset.pixels, p: el.dataset.probabilities, label: el.dataset.label})")
    return json.loads(box["pixels"]), np.array(json.loads(box["p"])), int(box["label"])


def loaded_bytes(site, paths) -> int:
    files = [site / p.lstrip("/") for p in paths if (site / p.lstrip("/")).is_file()]
    return sum(f.stat().st_size for f in files)


def test_the_model_runs_in_the_page_and_equals_onnx_runtime(site, server, browser):
    page, problems, weight = visit(browser, f"{server}/{PAGE}")
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    requested = lambda name: any(p.endswith(name) for p in weight["paths"])  # noqa: E731
    assert requested("_static/ch10/widget.js"), "the widget's script did not load from the site"

    # before first use: the page is loaded and idle, and no byte of the runtime has been fetched
    page.wait_for_timeout(500)
    before_paths = set(weight["paths"])
    fetched = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not any(RUNTIME_DIR in p for p in before_paths), f"the runtime loaded before the reader used the widget: {sorted(before_paths)}"
    assert not any(u.endswith(".wasm") or RUNTIME_DIR in u for u in fetched), "the runtime was fetched before first use"
    before = loaded_bytes(site, before_paths)
    assert before < MAX_PAGE_BYTES, f"the chapter page loads {before / 1e6:.1f} MB before the widget is used"

    data = json.loads(page.inner_text("#ch10-widget-data"))
    onnx_bytes = base64.b64decode(data["onnx"])
    assert [layer["weight"].shape for layer in browser_model.layers_from_onnx(onnx_bytes)] == [(32, 64), (10, 32)]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])

    compared = 0
    for index, sample in enumerate(data["samples"]):
        page.select_option("#ch10-sample", str(index))
        pixels, p_page, label = predict_in_page(page)
        assert pixels == [ord(c) - 97 for c in sample["counts"]], "the grid does not show the chosen test image"
        p_python = python_probabilities(session, pixels)
        assert label == int(p_python.argmax()), f"test image {index + 1}: page says {label}, ONNX Runtime says {p_python.argmax()}"
        assert np.abs(p_page - p_python).max() < 1e-5, f"test image {index + 1}: probabilities differ by {np.abs(p_page - p_python).max():.2g}"
        compared += 1
    assert compared == len(data["samples"]) >= 10

    # after first use: the runtime came from this site, and only from it
    wasm_urls = [u for u in urls if urlparse(u).path.endswith(".wasm")]
    assert wasm_urls, "the widget ran without fetching the runtime's WebAssembly file"
    assert all(urlparse(u).netloc == urlparse(server).netloc and urlparse(u).path.endswith(RUNTIME_DIR + WASM) for u in wasm_urls), wasm_urls
    for name in browser_model.RUNTIME_FILES:
        assert requested(RUNTIME_DIR + name), f"{name} was not loaded from the site's {RUNTIME_DIR}"
    added = set(weight["paths"]) - before_paths
    assert added == {RUNTIME_DIR + name for name in browser_model.RUNTIME_FILES}, f"first use loaded more than the runtime: {sorted(added)}"
    after = loaded_bytes(site, weight["paths"])
    assert after - before == sum(browser_model.RUNTIME_FILES.values())

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

    # and with the keyboard only: Enter on a cell adds ink, Space on Predict predicts
    page.click("#ch10-widget .ch10-clear")
    for k in (3 * 8 + 3, 3 * 8 + 4, 4 * 8 + 3):
        cells.nth(k).focus()
        page.keyboard.press("Enter")
    assert cells.nth(3 * 8 + 3).get_attribute("aria-label") == "row 4, column 4: ink 8 of 16"
    pixels, p_page, label = predict_in_page(page, press="Space")
    assert sorted(v for v in pixels if v) == [8, 8, 8]
    assert np.abs(p_page - python_probabilities(session, pixels)).max() < 1e-5

    # the used widget passes the same accessibility audit as every page
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
    serious = [f"{v['id']}: {v['help']}" for v in violations if v.get("impact") in {"serious", "critical"}]
    assert not serious, serious
    assert not problems, problems
    microseconds = page.get_attribute("#ch10-widget", "data-microseconds")
    print(
        f"\n{PAGE}: {before / 1e3:,.0f} kB loaded before first use, {after / 1e3:,.0f} kB after "
        f"(the runtime, {RUNTIME_DIR}: {(after - before) / 1e3:,.0f} kB); ONNX Runtime Web in this browser: about {microseconds} µs per prediction"
    )
    page.context.close()


def test_only_chapter_10_loads_the_widget(site):
    refers = re.compile(r'="[^"]*_static/ch10/')  # a src= or data-runtime= attribute, not prose
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts and refers.search(p.read_text(encoding="utf-8"))]
    assert [p.relative_to(site).as_posix() for p in pages] == [PAGE]
    assert (site / "_static" / "ch10" / "widget.js").is_file(), "widget.js is not in the site's _static/ch10/"
    ort_dir = site / RUNTIME_DIR.strip("/")
    assert {f.name: f.stat().st_size for f in ort_dir.iterdir()} == browser_model.RUNTIME_FILES, "the site serves other runtime files than the widget loads"
    assert not list(site.rglob("mlp-forward.js")), "the hand-written forward pass is the notebook's, not the page's"
    # no other script of the site refers to the runtime (a theme or extension would load it on every page)
    others = [p for p in (site / "_static").rglob("*.js") if "ch10" not in p.parts and "ort-wasm" in p.read_text(encoding="utf-8", errors="ignore")]
    assert not others, others
