"""The model's HTTP service: GET /healthz, POST /predict (JSON in, JSON out).

Standard library only. The container's HEALTHCHECK and Kubernetes' probes call /healthz.
Configuration comes from the environment (a ConfigMap in Kubernetes): PORT, MODEL_THRESHOLD_NOTE.
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from penguin_model import __version__, load_weights, predict

WEIGHTS = load_weights()


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 - the name http.server calls
        if self.path == "/healthz":
            self._send(200, {"status": "ok", "version": __version__})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):  # noqa: N802
        if self.path != "/predict":
            self._send(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length", 0))
            features = json.loads(self.rfile.read(length))
            self._send(200, {"species": predict(features, WEIGHTS), "model_version": __version__})
        except (ValueError, KeyError, TypeError) as error:
            self._send(422, {"error": f"{type(error).__name__}: {error}"})

    def log_message(self, *args):  # quiet: one line per request would flood the log
        pass


def main() -> None:
    port = int(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "0.0.0.0")  # noqa: S104 - inside a container, all interfaces
    ThreadingHTTPServer((host, port), Handler).serve_forever()


if __name__ == "__main__":
    main()
