"""Which URLs an import may fetch: YouTube, or hosts an operator allowed; never private addresses by surprise."""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from mv.core.errors import BadRequest

YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"})
# Hosts the YouTube extractor itself talks to while importing one video.
YOUTUBE_MEDIA_SUFFIXES = (".googlevideo.com", ".youtube.com", ".ytimg.com", ".ggpht.com")
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f]")


class ForbiddenHost(OSError):
    """A connection to a host the import may not reach."""


@dataclass(frozen=True)
class Target:
    """A checked import URL."""

    url: str
    host: str
    port: int | None
    youtube: bool


def _host_key(host: str, port: int | None) -> tuple[str, str]:
    return host, f"{host}:{port}" if port is not None else host


def allowlisted(host: str, port: int | None, allowed: frozenset[str]) -> bool:
    """Whether the operator allowlist names this host (any port) or this host:port."""
    host = host.lower().rstrip(".")
    bare = f"[{host}]" if ":" in host else host
    return host in allowed or bare in allowed or (port is not None and f"{bare}:{port}" in allowed)


def check_url(url: str, allowed: frozenset[str]) -> Target:
    """Refuse, without any network traffic, everything but http(s) links to YouTube or allowlisted hosts."""
    if _UNSAFE.search(url):
        raise BadRequest("The link contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadRequest("The link is not a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadRequest("Only http and https links can be imported.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise BadRequest("Links with user names or passwords are not accepted.")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise BadRequest("The link has no host.")
    if allowlisted(host, port, allowed):
        return Target(url=url, host=host, port=port, youtube=False)
    if host not in YOUTUBE_HOSTS or port not in (None, 80, 443):
        raise BadRequest("Only YouTube links (youtube.com, youtu.be, music.youtube.com) can be imported.")
    path = parts.path.rstrip("/")
    video = parse_qs(parts.query).get("v")
    if host == "youtu.be":
        single = bool(path.strip("/"))
    else:
        single = bool(video) or bool(re.match(r"^/(shorts|live|embed|v)/[\w-]+$", path))
    if not single:
        if path == "/playlist" or "list" in parse_qs(parts.query):
            raise BadRequest("Playlist links are not supported; link to one video instead.")
        raise BadRequest("The link does not point to one YouTube video.")
    return Target(url=url, host=host, port=port, youtube=True)


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _globally_routed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _globally_routed(ip)
    if ip.ipv4_mapped is not None:
        return _globally_routed(ip.ipv4_mapped)
    if ip in _NAT64:
        return _globally_routed(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    embedded = [ip.sixtofour] if ip.sixtofour else list(ip.teredo or ())
    return _globally_routed(ip) and all(_globally_routed(v4) for v4 in embedded)


def resolve(host: str, port: int, *, allow_private: bool = False) -> list[tuple[int, str]]:
    """Every address of `host`; unless `allow_private`, refuses if any is private, loopback, link-local or reserved."""
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except OSError:
        raise BadRequest("The link's host could not be resolved.") from None
    addresses = [(info[0], str(info[4][0])) for info in infos]
    if not addresses or not (allow_private or all(_is_public(address) for _, address in addresses)):
        raise BadRequest("The link's host resolves to a private or local address.")
    return addresses


@dataclass
class Policy:
    """Where one import's connections may go; records the first refusal and why."""

    youtube: bool
    allowed: frozenset[str]
    allow_private: bool = False
    refused: str | None = None
    connections: list[str] = field(default_factory=list)

    def refuse(self, reason: str, message: str) -> ForbiddenHost:
        """Record why the import stopped (the first reason wins); the error to raise."""
        self.refused = self.refused or reason
        return ForbiddenHost(message)

    def permits(self, host: str, port: int) -> bool:
        """Whether a connection to this host is in scope for the import."""
        host = host.lower().rstrip(".")
        if allowlisted(host, port, self.allowed):
            return True
        return self.youtube and (host in YOUTUBE_HOSTS or host.endswith(YOUTUBE_MEDIA_SUFFIXES))

    def vet(self, host: str, port: int) -> list[tuple[int, str]]:
        """The addresses to connect to, resolved and checked now; raises ForbiddenHost when out of scope."""
        if not self.permits(host, port):
            raise self.refuse("host", f"connection to {host} is not allowed")
        private_ok = self.allow_private and allowlisted(host, port, self.allowed)
        try:
            addresses = resolve(host, port, allow_private=private_ok)
        except BadRequest:
            raise self.refuse("address", f"{host} resolves to a non-public address") from None
        self.connections.append(f"{host}:{port}")
        return addresses
