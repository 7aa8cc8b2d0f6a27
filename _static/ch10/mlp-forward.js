/* Beyond Algorithms, Chapter 10: a multilayer perceptron's forward pass in plain JavaScript.
 *
 * model = {layers: [{weight: [[...n_in] x n_out], bias: [...n_out]}, ...]}: the initializers
 * of the chapter's ONNX graph (Gemm with transB=1, so weight is [out][in]), ReLU between
 * layers, none after the last. pixels: 64 numbers in 0..1. Returns {logits, probabilities,
 * label}. No dependencies, no network: it runs wherever JavaScript runs (a browser, V8).
 */
(function (root) {
  "use strict";
  function forward(model, pixels) {
    let x = Array.from(pixels, Number);
    model.layers.forEach(function (layer, index) {
      const last = index === model.layers.length - 1;
      x = layer.weight.map(function (row, j) {
        let sum = layer.bias[j];
        for (let i = 0; i < row.length; i += 1) sum += row[i] * x[i];
        return last || sum > 0 ? sum : 0;
      });
    });
    const top = Math.max.apply(null, x);
    const exps = x.map(function (v) { return Math.exp(v - top); });
    const total = exps.reduce(function (a, b) { return a + b; }, 0);
    const probabilities = exps.map(function (v) { return v / total; });
    return { logits: x, probabilities: probabilities, label: x.indexOf(top) };
  }
  root.ch10Forward = forward;
})(typeof globalThis !== "undefined" ? globalThis : this);
