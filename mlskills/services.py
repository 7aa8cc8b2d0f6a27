"""Start a real server on 127.0.0.1 for a notebook, and always stop it.

Chapters that talk to a real web server, gRPC server, database or tracking server start
it as a child process on a free loopback port::

    from mlskills.services import Service

    api = Service([sys.executable, "-m", "uvicorn", "app:app", "--port", "{port}"],
                  ready="http", path="/health")
    api.start()            # returns once the server answers; api.url is http://127.0.0.1:PORT
    ...
    api.stop()             # idempotent; also runs when the kernel exits

or as a context manager (``with Service(...) as api:``) inside one cell. The server is
stopped even when a cell fails: ``stop`` runs at interpreter exit, and the child gets its
own process group so its children go with it. Never print ``api.port``: it changes from
run to run, and stored outputs must not.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class ServiceError(RuntimeError):
    """The server did not come up; the message carries the end of its log."""


class Service:
    """A server process on 127.0.0.1: ``{port}`` in ``command`` becomes a free port.

    ``ready`` is ``"tcp"`` (the port accepts connections) or ``"http"`` (``GET path``
    answers with any status below 500). The server's output goes to a log file, shown
    in the error if it fails to start.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        ready: str = "tcp",
        path: str = "/",
        port: int | None = None,
        cwd: str | Path | None = None,
        env: dict | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        if ready not in ("tcp", "http"):
            raise ValueError(f"ready must be 'tcp' or 'http', got {ready!r}")
        self.port = port or free_port()
        self.command = [part.replace("{port}", str(self.port)) for part in command]
        self.ready, self.path, self.cwd, self.timeout_s = ready, path, cwd, timeout_s
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="service-", suffix=".log")[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def start(self) -> Service:
        if self.process is not None and self.process.poll() is None:
            return self
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        atexit.register(self.stop)
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log, code = self.tail(), self.process.returncode
                self.stop()
                raise ServiceError(
                    f"{self.command[0]} exited with {code}:\n{log}"
                )
            if self._answers():
                return self
            time.sleep(0.05)
        log = self.tail()
        self.stop()
        raise ServiceError(
            f"{self.command[0]} did not answer within {self.timeout_s:g} s:\n{log}"
        )

    def _answers(self) -> bool:
        try:
            if self.ready == "tcp":
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return True
            with urllib.request.urlopen(self.url + self.path, timeout=1) as response:  # noqa: S310 - loopback only
                return response.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server and everything it started (idempotent)."""
        process, self.process = self.process, None
        self.log.unlink(missing_ok=True)  # the log only serves a failed start
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 20) -> str:
        """The last lines of the server's log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
