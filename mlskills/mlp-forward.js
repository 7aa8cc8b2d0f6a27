/* Beyond Algorithms, Chapter 10: a multilayer perceptron's forward pass in plain JavaScript.
 *
 * model = {layers: [{shape: [n_out, n_in], weight: base64, bias: base64}, ...]}: the float32
 * initializers of the chapter's ONNX graph, little-endian, weight row-major [out][in] (Gemm
 * with transB=1), ReLU between layers and none after the last. pixels: 64 numbers in 0..1.
 * Returns {logits, probabilities, label}. No dependencies and no network: it runs wherever
 * JavaScript runs (a browser, or V8 alone, which has no atob: hence the small decoder).
 */
(function (root) {
  "use strict";
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  function float32s(text) {
    const clean = text.replace(/=+$/, "");
    const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
    let bits = 0, value = 0, at = 0;
    for (let i = 0; i < clean.length; i += 1) {
      value = (value << 6) | ALPHABET.indexOf(clean[i]);
      bits += 6;
      if (bits >= 8) { bits -= 8; bytes[at++] = (value >> bits) & 255; }
    }
    return new Float32Array(bytes.buffer);
  }
  const decoded = new WeakMap();
  function layersOf(model) {
    if (!decoded.has(model)) {
      decoded.set(model, model.layers.map(function (l) {
        return { rows: l.shape[0], cols: l.shape[1], weight: float32s(l.weight), bias: float32s(l.bias) };
      }));
    }
    return decoded.get(model);
  }
  function forward(model, pixels) {
    const layers = layersOf(model);
    let x = Array.from(pixels, Number);
    layers.forEach(function (layer, index) {
      const last = index === layers.length - 1;
      const next = new Array(layer.rows);
      for (let j = 0; j < layer.rows; j += 1) {
        let sum = layer.bias[j];
        for (let i = 0; i < layer.cols; i += 1) sum += layer.weight[j * layer.cols + i] * x[i];
        next[j] = last || sum > 0 ? sum : 0;
      }
      x = next;
    });
    const top = Math.max.apply(null, x);
    const exps = x.map(function (v) { return Math.exp(v - top); });
    const total = exps.reduce(function (a, b) { return a + b; }, 0);
    return { logits: x, probabilities: exps.map(function (v) { return v / total; }), label: x.indexOf(top) };
  }
  root.ch10Forward = forward;
})(typeof globalThis !== "undefined" ? globalThis : this);
