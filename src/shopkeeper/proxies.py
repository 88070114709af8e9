"""Who is asking, and over what: the client address and scheme, believing forwarded headers only from our proxies.

`X-Forwarded-For` and `X-Forwarded-Proto` are set by whoever sends the request;
they mean something only when the socket peer is a proxy we run
(SHOPKEEPER_TRUSTED_PROXIES, addresses or CIDRs). Otherwise a client could name
any address to escape its rate limit, or claim TLS it does not have.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def is_trusted(address: str | None, trusted: Iterable[Network]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in trusted)


def client_address(peer: str | None, headers: Mapping[str, str], trusted: tuple[str, ...]) -> str:
    """The socket peer; behind a trusted proxy, the last address in X-Forwarded-For that is not one of ours.

    Proxies append the address they received from, so the list is read from the right: the
    first entry not written by a trusted hop is the client (anything further left is its claim).
    """
    peer = peer or "unknown"
    nets = networks(trusted)
    if not is_trusted(peer, nets):
        return peer
    hops = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, nets):
            return hop[:64]
    return hops[0][:64] if hops else peer


def over_tls(scheme: str, peer: str | None, headers: Mapping[str, str], trusted: tuple[str, ...]) -> bool:
    """Whether the browser's connection is https: our own socket, or what a trusted proxy says it received."""
    if scheme == "https":
        return True
    if not is_trusted(peer, networks(trusted)):
        return False
    return headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
