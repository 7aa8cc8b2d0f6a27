"""mlskills.services: a real server on loopback that is always stopped."""

import sys
import urllib.request

import pytest

from mlskills.services import Service, ServiceError, free_port

HTTP_SERVER = [sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1"]


def test_a_server_starts_answers_and_stops(tmp_path):
    (tmp_path / "hello.txt").write_text("hi")
    with Service(HTTP_SERVER, ready="http", cwd=tmp_path) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/hello.txt") as response:
            assert response.read() == b"hi"
        assert server.running
    assert not server.running
    server.stop()  # idempotent


def test_a_server_that_exits_at_once_reports_its_log():
    failing = Service([sys.executable, "-c", "import sys; print('bad config'); sys.exit(3)"])
    with pytest.raises(ServiceError, match="exited with 3(.|\n)*bad config"):
        failing.start()


def test_a_server_that_never_listens_times_out_and_is_stopped():
    silent = Service([sys.executable, "-c", "import time; print('starting', flush=True); time.sleep(60)"], timeout_s=0.5)
    with pytest.raises(ServiceError, match="did not answer within 0.5 s:\nstarting"):
        silent.start()
    assert not silent.running


def test_free_port_is_bindable():
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_stopping_removes_the_log_file(tmp_path):
    server = Service(HTTP_SERVER, ready="http", cwd=tmp_path).start()
    log = server.log
    assert log.exists()
    server.stop()
    assert not log.exists()
