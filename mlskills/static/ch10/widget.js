/* Beyond Algorithms, Chapter 10: the drawing widget. It draws the 8x8 grid and loads the
 * model's runtime (mlp-forward.js, next to this file) only when the reader first presses
 * Predict. The model and the sample images are in the page (#ch10-widget-data). */
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
  let runtime = null;
  function loadRuntime() {
    if (!runtime) {
      runtime = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = box.dataset.runtime;
        script.onload = function () { resolve(window.ch10Forward); };
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return runtime;
  }
  box.querySelector(".ch10-predict").addEventListener("click", function () {
    loadRuntime().then(function (forward) {
      const x = ink.map(function (v) { return v / 16; });
      const result = forward(data.model, x);
      // Browsers coarsen performance.now() (to 0.1 ms in some), so time many repeats,
      // after untimed warm-up runs that let the JavaScript engine compile the loop.
      const repeats = 500;
      for (let r = 0; r < 50; r += 1) forward(data.model, x);
      const started = performance.now();
      for (let r = 0; r < repeats; r += 1) forward(data.model, x);
      const us = ((performance.now() - started) / repeats) * 1000;
      box.dataset.probabilities = JSON.stringify(result.probabilities);
      box.dataset.label = String(result.label);
      out.textContent = "Predicted digit: " + result.label + " (probability " + result.probabilities[result.label].toFixed(3) +
        "), computed in this page in about " + us.toFixed(1) + " µs per prediction (mean of " + repeats + " runs after 50 warm-up runs).";
    }).catch(function (error) { out.textContent = String(error); });
  });
  show(new Array(64).fill(0));
})();
