"""Name resolution under test control: chosen answers per lookup, and every outgoing connection recorded and refused."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import pytest

PUBLIC_V4 = "93.184.216.34"

# DNS answers that must never be connected to without the operator's consent.
PRIVATE_ANSWERS: dict[str, list[str]] = {
    "loopback-v4": ["127.0.0.1"],
    "loopback-v6": ["::1"],
    "v4-mapped-loopback": ["::ffff:127.0.0.1"],
    "cloud-metadata": ["169.254.169.254"],
    "private-10": ["10.20.30.40"],
    "unique-local-fc00": ["fc00::1"],
    "unique-local-fd": ["fd12:3456:789a::1"],
    "6to4-loopback": ["2002:7f00:1::1"],
    "public-then-loopback": [PUBLIC_V4, "127.0.0.1"],
    "private-then-public": ["10.0.0.1", PUBLIC_V4],
    "public-v6-and-loopback-v6": ["2606:2800:220:1:248:1893:25c8:1946", "::1"],
}


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class FakeDns:
    """Answers every name lookup from `answer(host, nth_lookup)`; IP literals pass through; connections are recorded, never made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Callable[[str, int], list[str]]) -> None:
        self.answer = answer
        self.lookups: list[str] = []
        self.connections: list[Any] = []
        self._real_getaddrinfo = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)
        connections = self.connections

        def connect(sock: socket.socket, address: Any) -> None:
            connections.append(address)
            raise ConnectionRefusedError("tests never leave the machine")

        monkeypatch.setattr(socket.socket, "connect", connect)

    def getaddrinfo(self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> list[Any]:
        """Resolve as the test says (IP literals as the system would)."""
        name = host.decode() if isinstance(host, bytes) else str(host)
        if _is_literal(name):
            return self._real_getaddrinfo(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        self.lookups.append(name)
        port_number = int(port or 0)
        infos = []
        for address in self.answer(name, len(self.lookups)):
            if ":" in address:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port_number, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port_number)))
        return infos


def always(addresses: list[str]) -> Callable[[str, int], list[str]]:
    """Every lookup answers `addresses`."""
    return lambda host, nth: addresses


def public_first(addresses: list[str]) -> Callable[[str, int], list[str]]:
    """The first lookup answers a public address, every later one `addresses` (a name that rebinds)."""
    return lambda host, nth: [PUBLIC_V4] if nth == 1 else addresses
