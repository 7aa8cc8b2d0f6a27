"""Chapter 10's claims, re-checked outside the notebook.

- The page's stored model (the widget cell's output: the exported ONNX file, in base64) is a
  64 → 32 → 10 MLP, and the hand-written ``mlskills/mlp-forward.js`` run in V8 on its weights
  equals ONNX Runtime on the file.
- The page's runtime is onnxruntime-web pinned exactly (web/package.json and its lockfile agree
  with ``browser_model.ORT_WEB_VERSION``), and the files the build copies are the ones the
  widget loads (the browser test, tests/site/test_ch10_browser.py, runs it).
- ``edge.tflite_from_layers`` writes a file the LiteRT interpreter runs to the same numbers
  (and, with int8 weights, a file about a third the size, to close numbers).
- The loopback model server answers like the in-process session and refuses bad input.
- The device profile runs under its address-space cap; ratios the prose relies on hold with
  generous margins (HTTP on loopback is much slower than in-process; LiteRT's call is not
  slower than ONNX Runtime's at batch 1).
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from mlskills import ROOT, browser_model, edge, measure
from mlskills.services import Service

CHAPTER = ROOT / "chapters" / "10-emerging.ipynb"


@pytest.fixture(scope="module")
def page_model():
    nb = nbformat.read(CHAPTER, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "widget")
    html = "".join(o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {}))
    data = json.loads(re.search(r'<script type="application/json" id="ch10-widget-data">(.*?)</script>', html, re.S).group(1))
    return data, browser_model.layers_from_onnx(base64.b64decode(data["onnx"]))


@pytest.fixture(scope="module")
def onnx_file(page_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("ch10") / "page_model.onnx"
    path.write_bytes(base64.b64decode(page_model[0]["onnx"]))  # the exact file the page runs
    return path


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_stored_page_model_is_the_chapters_mlp(page_model):
    data, layers = page_model
    assert [layer["weight"].shape for layer in layers] == [(32, 64), (10, 32)]
    assert sum(layer["weight"].size + layer["bias"].size for layer in layers) == 2410
    assert sorted(s["label"] for s in data["samples"]) == list(range(10))


def test_the_javascript_forward_pass_equals_onnx_runtime(page_model, onnx_file):
    from py_mini_racer import MiniRacer

    data, layers = page_model
    rng = np.random.default_rng(10)
    pixels = np.vstack([[(ord(c) - 97) / 16 for c in s["counts"]] for s in data["samples"]] + [rng.random((40, 64))]).astype(np.float32)
    v8 = MiniRacer()
    v8.eval(browser_model.FORWARD_JS.read_text(encoding="utf-8"))
    v8.eval(f"var MODEL = {browser_model.model_json(layers)};")
    js = np.array(v8.eval(f"{json.dumps(pixels.tolist())}.map(function (r) {{ return ch10Forward(MODEL, r).probabilities; }})"))
    python = softmax(measure.onnx_session(onnx_file).run(None, {"pixels": pixels})[0].astype(np.float64))
    assert (js.argmax(1) == python.argmax(1)).all()
    assert np.abs(js - python).max() < 1e-5
    # the stored samples are predicted as labelled (they are held-out images of a healthy model)
    assert (python[:10].argmax(1) == np.array([s["label"] for s in data["samples"]])).mean() >= 0.8


def test_the_page_runtime_is_onnxruntime_web_pinned_exactly():
    web = ROOT / "web"
    package = json.loads((web / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((web / "package-lock.json").read_text(encoding="utf-8"))
    name, version = browser_model.ORT_WEB, browser_model.ORT_WEB_VERSION
    assert package["dependencies"] == {name: version}, "pin onnxruntime-web exactly (no ^ or ~): npm ci installs what the lockfile says"
    assert lock["packages"][""]["dependencies"] == {name: version}
    locked = lock["packages"][f"node_modules/{name}"]
    assert locked["version"] == version and locked["integrity"].startswith("sha512-")
    # every package comes from the registry (a "resolved" URL, when npm writes one, names it), checked by its sha512
    entries = [entry for key, entry in lock["packages"].items() if key]
    assert entries and all(entry["integrity"].startswith("sha512-") for entry in entries)
    assert all(entry.get("resolved", "https://registry.npmjs.org/").startswith("https://registry.npmjs.org/") for entry in entries)
    # the build copies exactly the files the widget loads (see _ext/book_extras.py)
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_extras_for_test", ROOT / "_ext" / "book_extras.py")
    extras = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extras)
    copied = {f"{where}/{Path(name).name}" for name, where in extras.NPM_STATIC if name.startswith(f"{browser_model.ORT_WEB}/")}
    assert copied == {f"ch10/ort/{f}" for f in browser_model.RUNTIME_FILES}
    assert browser_model.RUNTIME_ENTRY == "ort/" + next(f for f in browser_model.RUNTIME_FILES if f.endswith(".mjs"))
    widget = browser_model.WIDGET_JS.read_text(encoding="utf-8")
    assert next(f for f in browser_model.RUNTIME_FILES if f.endswith(".wasm")) in widget
    assert "numThreads = 1" in widget, "no cross-origin isolation on a static host: the widget must ask for one thread"
    dist = web / "node_modules" / name / "dist"
    if dist.is_dir():  # after `make web`: the sizes the chapter prints are the installed files'
        assert {f: (dist / f).stat().st_size for f in browser_model.RUNTIME_FILES} == browser_model.RUNTIME_FILES


def test_the_tflite_file_runs_in_litert_to_the_same_numbers(page_model, onnx_file):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    blob = edge.tflite_from_layers(page_model[1])
    assert blob[4:8] == b"TFL3"
    x = np.random.default_rng(0).random((16, 64)).astype(np.float32)
    interpreter = Interpreter(model_content=blob, num_threads=1, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], list(x.shape))
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    want = measure.onnx_session(onnx_file).run(None, {"pixels": x})[0]
    assert np.abs(got - want).max() < 1e-5
    # int8 weights (dynamic-range quantization): about a third of the bytes, close logits
    small = edge.tflite_from_layers(page_model[1], int8=True)
    assert len(small) < 0.45 * len(blob)
    hybrid = Interpreter(model_content=small, num_threads=1, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    hybrid.resize_tensor_input(hybrid.get_input_details()[0]["index"], list(x.shape))
    hybrid.allocate_tensors()
    hybrid.set_tensor(hybrid.get_input_details()[0]["index"], x)
    hybrid.invoke()
    approx = hybrid.get_tensor(hybrid.get_output_details()[0]["index"])
    assert np.abs(approx - want).max() < 0.05 * np.abs(want).max()


def test_the_model_server_answers_like_the_session_and_refuses_bad_input(onnx_file):
    x = np.random.default_rng(1).random((3, 64)).astype(np.float32)
    with Service([*edge.SERVE_COMMAND, str(onnx_file), "--port", "{port}"], ready="http", path="/health") as api:
        request = urllib.request.Request(api.url + "/predict", data=json.dumps({"pixels": x.tolist()}).encode())
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
            logits = np.array(json.loads(response.read())["logits"])
        bad = urllib.request.Request(api.url + "/predict", data=json.dumps({"pixels": [[1.0, 2.0]]}).encode())
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad, timeout=5)  # noqa: S310 - loopback only
    assert refused.value.code == 422
    assert np.abs(logits - measure.onnx_session(onnx_file).run(None, {"pixels": x})[0]).max() < 1e-5
    assert not api.running


def test_the_device_profile_runs_under_its_memory_cap(onnx_file):
    record = edge.peak_memory(onnx_file, threads=1, arena=False, batch=1, calls=50, max_mb=1536)
    assert 0 < record["rss_before_kb"] <= record["peak_rss_kb"] < 1536 * 1024
    # the session and 50 calls of a 10 kB model add far less than the runtime itself
    assert record["peak_rss_kb"] - record["rss_before_kb"] < record["rss_before_kb"]


def test_latency_ratios_the_prose_relies_on(onnx_file):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    session = edge.session(str(onnx_file), threads=1, arena=False)
    one = np.zeros((1, 64), dtype=np.float32)
    litert = Interpreter(model_content=edge.tflite_from_layers(browser_model.layers_from_onnx(onnx_file)), num_threads=1,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    litert.allocate_tensors()
    li, lo = litert.get_input_details()[0]["index"], litert.get_output_details()[0]["index"]

    def lite():
        litert.set_tensor(li, one)
        litert.invoke()
        return litert.get_tensor(lo)

    payload = json.dumps({"pixels": one.tolist()}).encode()
    with Service([*edge.SERVE_COMMAND, str(onnx_file), "--port", "{port}"], ready="http", path="/health") as api:

        def http():
            with urllib.request.urlopen(urllib.request.Request(api.url + "/predict", data=payload), timeout=5) as r:  # noqa: S310
                return r.read()

        with threadpool_limits(1):
            result = measure.compare({"http": http, "ort": lambda: session.run(None, {"pixels": one}), "litert": lite},
                                     threads=1, trials=3, repeats=50, warmup=5)
    assert result.ratio("http", "ort") > 5, result.table()
    assert result.ratio("ort", "litert") > 0.8, result.table()
