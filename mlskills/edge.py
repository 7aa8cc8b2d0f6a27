"""Chapter 10's device profile and its loopback model server.

Two command-line tools, each a fresh process, so what they measure is that process alone:

``python -m mlskills.edge profile MODEL.onnx --threads 1 --arena 0 --batch 1 --calls 200``
    loads the model in ONNX Runtime under a device profile (threads, memory arena on or
    off, optionally a hard cap on the address space with ``--max-mb``), runs ``calls``
    predictions on zeros and prints one JSON line: resident memory before the session
    and at its peak (``VmHWM``), in kB.

``tflite_from_layers(layers)``
    writes the same MLP as a LiteRT (TensorFlow Lite) ``.tflite`` flat buffer, one
    FULLY_CONNECTED operator per layer, with the schema that ``ai-edge-litert`` ships, so no
    TensorFlow converter is needed.

``python -m mlskills.edge serve MODEL.onnx --port PORT``
    a small HTTP server on 127.0.0.1: ``GET /health`` and ``POST /predict`` with
    ``{"pixels": [[...], ...]}`` answered by ``{"logits": [[...], ...]}``. Start it with
    :class:`mlskills.services.Service`, which also stops it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: The command that starts the loopback model server (append MODEL and --port {port}).
SERVE_COMMAND = [sys.executable, "-m", "mlskills.edge", "serve"]


def _rss_kb(field: str = "VmRSS") -> int:
    """This process's resident set size now (``VmRSS``) or at its peak (``VmHWM``), in kB.

    Linux /proc; 0 elsewhere. (``ru_maxrss`` would not do: a child started with fork keeps
    its parent's high-water mark, here the whole notebook kernel's.)
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak() -> None:
    """Reset this process's resident high-water mark (``VmHWM``) to its current size.

    Linux: writing 5 to /proc/self/clear_refs (since Linux 4.0); elsewhere nothing happens.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def session(model: str, threads: int, arena: bool):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = arena
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def profile(model: str, threads: int, arena: bool, batch: int, calls: int, max_mb: int | None) -> dict:
    if max_mb:
        cap = max_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    import numpy as np
    import onnxruntime  # noqa: F401 - loaded before the baseline, so the session is measured alone

    _reset_peak()  # so the peak below is the session's and its calls', not a transient of the imports
    before = _rss_kb()
    sess = session(model, threads, arena)
    name = sess.get_inputs()[0].name
    features = sess.get_inputs()[0].shape[1]
    x = np.zeros((batch, features), dtype=np.float32)
    for _ in range(calls):
        sess.run(None, {name: x})
    peak = _rss_kb("VmHWM")
    return {"rss_before_kb": before, "peak_rss_kb": peak, "threads": threads, "arena": arena, "batch": batch}


def peak_memory(model: str | Path, *, threads: int = 1, arena: bool = False, batch: int = 1, calls: int = 200, max_mb: int | None = None) -> dict:
    """Run :func:`profile` in a fresh Python process and return its JSON record."""
    command = [sys.executable, "-m", "mlskills.edge", "profile", str(model), "--threads", str(threads),
               "--arena", str(int(arena)), "--batch", str(batch), "--calls", str(calls)]
    if max_mb:
        command += ["--max-mb", str(max_mb)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"the device profile failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def tflite_from_layers(layers: list[dict], *, int8: bool = False, description: str = "Beyond Algorithms, chapter 10: digits MLP") -> bytes:
    """A ``.tflite`` model of an MLP: ``layers`` as from ``browser_model.layers_from_onnx``
    (weight (out, in) and bias, float32), ReLU fused into every layer but the last.

    ``int8=True`` stores each weight matrix as int8 with one symmetric scale per output row
    (what LiteRT's converter calls dynamic-range quantization): the interpreter then runs its
    hybrid kernels, which quantize the float input on the fly. Biases stay float32.
    Input "pixels" and output "logits" have a variable batch dimension (resize the input
    before ``allocate_tensors``). Buffer 0 is the empty buffer, by the format's convention.
    """
    import flatbuffers
    import numpy as np
    from ai_edge_litert import schema_py_generated as tfl

    buffers, tensors, operators = [tfl.BufferT()], [], []

    def tensor(name, shape, data=None, quantize=False):
        t = tfl.TensorT()
        t.name, t.shape, t.type, t.buffer = name, list(shape), tfl.TensorType.FLOAT32, 0
        if data is None:  # an activation: batch dimension variable
            t.shapeSignature = [-1, *list(shape)[1:]]
        else:  # a constant: its bytes go into a buffer of the file
            buffer = tfl.BufferT()
            if quantize:  # int8, symmetric, one scale per output row (axis 0)
                scale = np.maximum(np.abs(data).max(axis=1), 1e-12) / 127
                t.type = tfl.TensorType.INT8
                t.quantization = tfl.QuantizationParametersT()
                t.quantization.scale, t.quantization.zeroPoint = [float(v) for v in scale], [0] * len(scale)
                t.quantization.quantizedDimension = 0
                buffer.data = np.clip(np.round(data / scale[:, None]), -127, 127).astype(np.int8).tobytes()
            else:
                buffer.data = np.ascontiguousarray(data, dtype="<f4").tobytes()
            buffers.append(buffer)
            t.buffer = len(buffers) - 1
        tensors.append(t)
        return len(tensors) - 1

    current = first = tensor("pixels", [1, layers[0]["weight"].shape[1]])
    for k, layer in enumerate(layers):
        last = k == len(layers) - 1
        weight = tensor(f"W{k}", layer["weight"].shape, layer["weight"], quantize=int8)
        bias = tensor(f"b{k}", layer["bias"].shape, layer["bias"])
        out = tensor("logits" if last else f"h{k}", [1, layer["weight"].shape[0]])
        options = tfl.FullyConnectedOptionsT()
        options.fusedActivationFunction = tfl.ActivationFunctionType.NONE if last else tfl.ActivationFunctionType.RELU
        op = tfl.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = 0, [current, weight, bias], [out]
        op.builtinOptionsType, op.builtinOptions = tfl.BuiltinOptions.FullyConnectedOptions, options
        operators.append(op)
        current = out
    subgraph = tfl.SubGraphT()
    subgraph.name, subgraph.tensors, subgraph.inputs, subgraph.outputs, subgraph.operators = "main", tensors, [first], [current], operators
    code = tfl.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = tfl.BuiltinOperator.FULLY_CONNECTED
    code.version = 1
    model = tfl.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers, model.description = 3, [code], [subgraph], buffers, description
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def serve(model: str, port: int) -> None:
    import numpy as np

    sess = session(model, threads=1, arena=False)
    name = sess.get_inputs()[0].name

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 - http.server's method name
            self._reply(200, {"status": "ok"}) if self.path == "/health" else self._reply(404, {"error": "not found"})

        def do_POST(self):  # noqa: N802 - http.server's method name
            if self.path != "/predict":
                return self._reply(404, {"error": "not found"})
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                pixels = np.asarray(body["pixels"], dtype=np.float32)
                logits = sess.run(None, {name: pixels})[0]
            except Exception as exc:  # noqa: BLE001 - bad JSON, a missing key or a shape ONNX Runtime refuses
                return self._reply(422, {"error": " ".join(str(exc).split())[:300]})
            self._reply(200, {"logits": logits.tolist()})

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mlskills.edge", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("profile", help="peak memory of a model under a device profile")
    p.add_argument("model")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--arena", type=int, default=0)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--max-mb", type=int, default=None)
    s = sub.add_parser("serve", help="serve the model on 127.0.0.1")
    s.add_argument("model")
    s.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "profile":
        print(json.dumps(profile(args.model, args.threads, bool(args.arena), args.batch, args.calls, args.max_mb)))
    else:
        serve(args.model, args.port)


if __name__ == "__main__":
    main()
