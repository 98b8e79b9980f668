"""Loopback servers for URL-fetch tests: an HTTP server with scripted replies, and a bare TCP listener that counts who calls."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Body = bytes | Path | Callable[[], Iterable[bytes]]


@dataclass
class Reply:
    """One scripted answer: status, headers, a body (bytes, a file, or a stream of pieces) and how its length is told."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""
    length: bool = True
    chunked: bool = False


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to `location`."""
    return Reply(status=status, headers={"Location": location})


def file_reply(path: Path, content_type: str = "audio/mpeg") -> Reply:
    """A file with its true length."""
    return Reply(headers={"Content-Type": content_type}, body=path)


def endless(piece: bytes = b"\0" * 65536, total: int = 64 * 2**20, head: bytes = b"") -> Callable[[], Iterable[bytes]]:
    """A stream of `total` bytes (after `head`), in pieces."""

    def pieces() -> Iterable[bytes]:
        if head:
            yield head
        for _ in range(total // len(piece)):
            yield piece

    return pieces


class LoopbackServer:
    """An HTTP server on 127.0.0.1 that answers scripted replies, and records paths, connections and bytes sent."""

    def __init__(self, routes: dict[str, Reply] | None = None) -> None:
        self.routes = dict(routes or {})
        self.paths: list[str] = []
        self.connections = 0
        self.sent = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 20

            def log_message(self, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                self.do_GET(head=True)

            def do_GET(self, head: bool = False) -> None:
                outer.paths.append(self.path)
                reply = outer.routes.get(self.path)
                if reply is None:
                    self.send_error(404)
                    return
                body = reply.body.read_bytes() if isinstance(reply.body, Path) else reply.body
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                if reply.length and isinstance(body, bytes) and "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if head:
                    return
                try:
                    for piece in [body] if isinstance(body, bytes) else body():
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if reply.chunked else piece)
                        outer.sent += len(piece)
                    if reply.chunked:
                        self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request: Any, client_address: Any) -> None:
                outer.connections += 1
                super().process_request(request, client_address)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The URL of `path` on this server."""
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Listener:
    """A bare TCP listener (FTP-ish: it greets with 220) that counts every connection it accepts."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                try:
                    conn.sendall(b"220 Encore test listener\r\n")
                    conn.settimeout(1.0)
                    conn.recv(1024)
                except OSError:
                    pass

    def close(self) -> None:
        """Stop listening."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
