"""Where a webhook may go in production: the URL's host, resolved now, must lead only to public addresses.

The rule is `rules.host_problem`; this module does the looking up (DNS is I/O). The service asks it when a URL is
subscribed or changed, and the delivery asks it again before every attempt, since a name may be pointed elsewhere
after it was checked. Outside production nothing is looked up: development and the tests send to localhost.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

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
