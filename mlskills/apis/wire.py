"""Count the bytes a protocol really puts on the wire, with a relay on 127.0.0.1.

:class:`ByteCounter` listens on a free loopback port and relays every connection to a
target port, counting the bytes in each direction: HTTP headers, WebSocket frames,
HTTP/2 frames and all. Point a client at ``counter.port`` instead of the server's port.
It is for counting only: the extra hop adds latency, so time calls without it.
"""

from __future__ import annotations

import socket
import threading


class ByteCounter:
    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.target = (host, target_port)
        self.up = 0  # client → server bytes
        self.down = 0  # server → client bytes
        self._lock = threading.Lock()
        self._listener = socket.create_server((host, 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.up = self.down = 0

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, direction: str) -> None:
        try:
            while chunk := source.recv(65536):
                with self._lock:
                    setattr(self, direction, getattr(self, direction) + len(chunk))
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        for s in self._sockets:
            s.close()

    def __enter__(self) -> ByteCounter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
