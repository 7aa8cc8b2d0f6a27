/* Beyond Algorithms, Chapter 10: the drawing widget. It draws the 8x8 grid and runs the
 * chapter's ONNX model (its bytes are in the page, #ch10-widget-data) with ONNX Runtime Web.
 * The runtime (the ES module named in data-runtime, and the WebAssembly file it fetches from
 * the same folder) is imported only when the reader first uses the widget, from this site. */
(function () {
  "use strict";
  const box = document.getElementById("ch10-widget");
  if (!box || box.dataset.ready) return;
  box.dataset.ready = "1";
  const data = JSON.parse(document.getElementById("ch10-widget-data").textContent);
  const grid = box.querySelector(".ch10-grid");
  const out = box.querySelector(".ch10-output");
  const ink = new Array(64).fill(0);
  const cells = [];
  function paint(i) {
    const shade = Math.round(255 - (ink[i] * 255) / 16);
    cells[i].style.background = "rgb(" + shade + "," + shade + "," + shade + ")";
    cells[i].setAttribute("aria-label", "row " + (Math.floor(i / 8) + 1) + ", column " + ((i % 8) + 1) + ": ink " + ink[i] + " of 16");
  }
  function show(values) {
    values.forEach(function (v, i) { ink[i] = v; paint(i); });
    box.dataset.pixels = JSON.stringify(ink);
  }
  for (let i = 0; i < 64; i += 1) {
    const cell = document.createElement("button");
    cell.type = "button";
    cell.className = "ch10-cell";
    cell.addEventListener("click", function () {
      ink[i] = ink[i] >= 16 ? 0 : ink[i] + 8;
      paint(i);
      box.dataset.pixels = JSON.stringify(ink);
    });
    grid.appendChild(cell);
    cells.push(cell);
  }
  const select = box.querySelector(".ch10-sample");
  data.samples.forEach(function (s, i) {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = "test image " + (i + 1) + " (labelled " + s.label + ")";
    select.appendChild(option);
  });
  select.addEventListener("change", function () {
    if (select.value !== "") {
      const counts = data.samples[Number(select.value)].counts;
      show(Array.from(counts, function (c) { return c.charCodeAt(0) - 97; }));
    }
  });
  box.querySelector(".ch10-clear").addEventListener("click", function () { show(new Array(64).fill(0)); });

  // The runtime: imported on the reader's first use of the widget, then kept.
  let session = null;
  function loadSession() {
    if (!session) {
      const entry = new URL(box.dataset.runtime, document.baseURI);
      session = import(entry.href).then(function (ort) {
        ort.env.wasm.numThreads = 1; // threads need cross-origin isolation, which a static host does not give
        ort.env.wasm.proxy = false;
        // the .wasm next to the bundle, on this site (only the binary: the bundle carries its own glue code)
        ort.env.wasm.wasmPaths = { wasm: new URL("ort-wasm-simd-threaded.wasm", entry).href };
        const bytes = Uint8Array.from(atob(data.onnx), function (c) { return c.charCodeAt(0); });
        return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] }).then(function (s) {
          return { ort: ort, session: s };
        });
      });
      session.catch(function () { session = null; }); // a failed load can be retried
    }
    return session;
  }
  ["pointerdown", "keydown", "change"].forEach(function (type) {
    box.addEventListener(type, function () { loadSession().catch(function () {}); }, { once: true });
  });

  function softmax(logits) {
    const x = Array.from(logits, Number);
    const top = Math.max.apply(null, x);
    const exps = x.map(function (v) { return Math.exp(v - top); });
    const total = exps.reduce(function (a, b) { return a + b; }, 0);
    return exps.map(function (v) { return v / total; });
  }
  let busy = false;
  box.querySelector(".ch10-predict").addEventListener("click", async function () {
    if (busy) return;
    busy = true;
    if (!box.dataset.runtimeLoaded) out.textContent = "Loading ONNX Runtime Web from this site\u2026";
    try {
      const loaded = await loadSession();
      box.dataset.runtimeLoaded = "1";
      const s = loaded.session;
      const input = {};
      input[s.inputNames[0]] = new loaded.ort.Tensor("float32", Float32Array.from(ink, function (v) { return v / 16; }), [1, 64]);
      const run = function () { return s.run(input); };
      const logits = (await run())[s.outputNames[0]].data;
      const probabilities = softmax(logits);
      const label = probabilities.indexOf(Math.max.apply(null, probabilities));
      // Browsers coarsen performance.now() (to 0.1 ms in some), so time many repeats,
      // after untimed warm-up runs.
      const repeats = 200;
      for (let r = 0; r < 20; r += 1) await run();
      const started = performance.now();
      for (let r = 0; r < repeats; r += 1) await run();
      const us = ((performance.now() - started) / repeats) * 1000;
      box.dataset.probabilities = JSON.stringify(probabilities);
      box.dataset.label = String(label);
      box.dataset.microseconds = us.toFixed(1);
      out.textContent = "Predicted digit: " + label + " (probability " + probabilities[label].toFixed(3) +
        "), computed in this page by ONNX Runtime Web in about " + us.toFixed(0) + " \u00b5s per prediction (mean of " + repeats + " runs after 20 warm-up runs).";
    } catch (error) {
      out.textContent = "The model could not run here: " + String(error);
    } finally {
      busy = false;
    }
  });
  show(new Array(64).fill(0));
})();
