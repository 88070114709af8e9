"""Where a webhook may go in production: the URL's host, resolved now, must lead only to public addresses.

The rule is `rules.host_problem`; this module does the looking up (DNS is I/O). The service asks it when a URL is
subscribed or changed, and the delivery asks it again before every attempt, since a name may be pointed elsewhere
after it was checked. The production POST then goes through `public_transport`, which resolves the name once more as
it connects and opens the socket to the very address it checked: a name that answers a public address to the check
and a private one a moment later (DNS rebinding) gets no connection. That transport connects directly, never through
an HTTP(S)_PROXY of the environment (a proxy is itself an address the check would have to trust). Outside production
nothing is looked up: development and the tests send to localhost.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

from shopkeeper.webhooks import rules


def addresses_of(host: str, port: int) -> list[rules.Address]:
    """Every address the host stands for now: itself when it is an address, else what DNS answers (none on failure)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses: list[rules.Address] = []
    for _family, _kind, _proto, _name, sockaddr in found:
        text = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 scope id (fe80::1%eth0) is no part of the address
        try:
            addresses.append(ipaddress.ip_address(text))
        except ValueError:
            continue
    return addresses


def url_problem(url: str) -> rules.WebhookUrlNotPublic | None:
    """Why a production webhook may not be sent to this URL now, or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").strip("[]")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 443
    return rules.host_problem(host, addresses_of(host, port))


class _PublicOnly(httpcore.SyncBackend):
    """Opens a connection only to a public address: the one it resolved and checked, not a second lookup's."""

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        addresses = addresses_of(host, port)
        refused = rules.host_problem(host, addresses)
        if refused is not None:
            raise httpcore.ConnectError(refused.detail)
        # TLS still checks the certificate against the URL's host name, not this address
        return super().connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)


def public_transport() -> httpx.HTTPTransport:
    """An httpx transport whose every connection goes to a public address only (see the module's docstring)."""
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                              network_backend=_PublicOnly())
    return transport
