"""A real server bounds idle, slow and oversized requests and the number of open connections, answering in the error shape."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from live import live_server

HEALTH = b"GET /healthz HTTP/1.1\r\nHost: encore\r\n\r\n"


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A live Encore with one-second header, read and keep-alive timeouts and an 8 KB header cap."""
    work = tmp_path_factory.mktemp("strict")
    env = {"MV_HEADER_TIMEOUT": "1", "MV_READ_TIMEOUT": "1", "MV_KEEP_ALIVE_TIMEOUT": "1", "MV_MAX_HEADER_KB": "8"}
    with live_server(work, **env) as url:
        host, port = url.removeprefix("http://").split(":")
        yield host, int(port)


def connect(address: tuple[str, int]) -> socket.socket:
    """A raw connection that gives up reading after 20 s (the bounds under test are 1 s)."""
    return socket.create_connection(address, timeout=20)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; raises TimeoutError if it never does."""
    received = b""
    with sock:
        while chunk := sock.recv(65536):
            received += chunk
    return received


def send(address: tuple[str, int], data: bytes) -> socket.socket:
    """A new connection that has sent `data`."""
    sock = connect(address)
    sock.sendall(data)
    return sock


def one_answer(address: tuple[str, int]) -> bytes:
    """The whole answer to one `/healthz` request sent with `Connection: close`."""
    return read_until_closed(send(address, b"GET /healthz HTTP/1.1\r\nHost: encore\r\nConnection: close\r\n\r\n"))


def error_of(raw: bytes) -> tuple[int, dict[str, str]]:
    """Status and JSON body of the last response in `raw`."""
    head, _, body = raw.rpartition(b"\r\n\r\n")
    status_line = head[head.rfind(b"HTTP/1.1 "):].split(b"\r\n")[0]
    return int(status_line.split()[1]), json.loads(body)


def test_a_connection_that_sends_nothing_is_closed_with_408(strict_server: tuple[str, int]) -> None:
    status, body = error_of(read_until_closed(connect(strict_server)))
    assert status == 408
    assert body["error"] == "RequestTimeout" and body["detail"]


def test_headers_sent_a_byte_at_a_time_are_cut_off(strict_server: tuple[str, int]) -> None:
    sock = connect(strict_server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: encore\r\nX-Slow: ")
    sent = 0
    try:
        for _ in range(100):  # 100 bytes over about 20 s, each byte resetting nothing
            sock.sendall(b"a")
            sent += 1
            time.sleep(0.2)
    except OSError:
        pass
    raw = read_until_closed(sock)
    assert sent < 100, "the server kept a connection whose headers never finished"
    assert error_of(raw)[0] == 408


def test_a_body_that_stops_arriving_closes_the_connection(strict_server: tuple[str, int]) -> None:
    sock = connect(strict_server)
    sock.sendall(b"POST /api/mv/create_scenes HTTP/1.1\r\nHost: encore\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"idea\":")
    assert b"200 OK" not in read_until_closed(sock)
    assert one_answer(strict_server).startswith(b"HTTP/1.1 200"), "the server still answers others"


def test_an_idle_keep_alive_connection_is_closed(strict_server: tuple[str, int]) -> None:
    sock = send(strict_server, HEALTH)
    sock.settimeout(4)  # MV_KEEP_ALIVE_TIMEOUT is 1 s here; uvicorn's own default would be 5 s
    raw = read_until_closed(sock)
    assert raw.startswith(b"HTTP/1.1 200") and raw.count(b"HTTP/1.1") == 1


def test_oversized_headers_are_431_in_the_error_shape(strict_server: tuple[str, int]) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: encore\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n"
    status, body = error_of(read_until_closed(send(strict_server, request)))
    assert status == 431 and body["error"] == "HeadersTooLarge"


def test_invalid_http_is_400_in_the_error_shape(strict_server: tuple[str, int]) -> None:
    status, body = error_of(read_until_closed(send(strict_server, b"BR\x00KEN / HTTP/1.1\r\n\r\n")))
    assert status == 400 and body == {"error": "BadRequest", "detail": "The request is not valid HTTP/1.1."}


def test_connections_past_the_cap_get_503_until_one_closes(tmp_path: Path) -> None:
    with live_server(tmp_path, MV_MAX_CONNECTIONS="3", MV_HEADER_TIMEOUT="60") as url:
        host, port = url.removeprefix("http://").split(":")
        address = (host, int(port))
        idle = [connect(address) for _ in range(3)]
        try:
            refused = read_until_closed(send(address, HEALTH))
            status, body = error_of(refused)
            assert status == 503 and body["error"] == "ServiceUnavailable"
            assert b"retry-after: 1" in refused.lower()
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 20
        answer = b""
        while time.monotonic() < deadline and not answer.startswith(b"HTTP/1.1 200"):
            answer = one_answer(address)
        assert answer.startswith(b"HTTP/1.1 200"), "closing idle connections frees their slots"
