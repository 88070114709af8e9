"""Webhook rules: which events a subscription hears, how a delivery is signed and verified, when it is retried.

Pure: no database, no web, no clock (`now` is a parameter).

Signing. Every attempt carries `Shopkeeper-Timestamp` (Unix seconds when it was sent) and
`Shopkeeper-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret>`. A receiver
recomputes it over the raw body and compares in constant time, and refuses a timestamp more than five minutes away
from its own clock: a captured request cannot be replayed later. Replays inside the window and our own retries carry
the same `Shopkeeper-Event-Id`: the receiver keeps the ids it has handled and skips a repeat.

Retries. A failed attempt (no 2xx, or no answer) is tried again on a fixed schedule, no jitter, so support can tell
a partner exactly when the next one comes: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h after the failure; after the
eighth failed attempt the delivery has failed (a person may still resend it).

Where a webhook may go. In production a URL must lead to the public internet: a host that resolves to a private,
loopback, link-local, reserved, multicast or unspecified address is refused, at subscribe time and again before
every attempt (DNS can change after the check), so a subscriber cannot make the engine call into our own network
(server-side request forgery). Development and the tests keep their receiver on localhost.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from shopkeeper.errors import InvalidInput

SIGNATURE_VERSION = "v1"
TOLERANCE = timedelta(minutes=5)  # how far a receiver lets a timestamp stray from its clock
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=6), timedelta(hours=12), timedelta(hours=24),
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
PREFIX = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]*)*$")
MAX_PREFIXES = 20
OWN_EVENTS = "webhook."
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookUrlNotPublic(InvalidInput):
    """A production webhook URL whose host does not lead only to public addresses."""

    code = "webhook-url-not-public"
    title = "The webhook URL does not lead to a public address"  # what webhooks record about themselves is never sent (a failure would feed itself)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Shopkeeper-Signature` header's value for a body sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: datetime) -> bool:
    """What a receiver checks: the signature matches the raw body and the timestamp is within five minutes of `now`
    (either way: a clock running ahead is as suspect as a replay)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now.timestamp() - sent) > TOLERANCE.total_seconds():
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def next_attempt_after(failures: int) -> timedelta | None:
    """How long after the `failures`-th failed attempt in a row the next one goes; None: give up."""
    if failures < 1:
        raise ValueError("a retry follows a failed attempt")
    return RETRY_DELAYS[failures - 1] if failures <= len(RETRY_DELAYS) else None


def succeeded(status_code: int | None) -> bool:
    """A 2xx, and only a 2xx, is a delivery: a redirect is not followed (the URL is to be fixed instead)."""
    return status_code is not None and 200 <= status_code < 300


def hears(prefixes: Sequence[str], event_type: str) -> bool:
    """Whether a subscription to these type prefixes (`order.`, `case.`, or a whole type) hears this event."""
    if event_type.startswith(OWN_EVENTS):
        return False
    return any(event_type.startswith(prefix) for prefix in prefixes)


def url_problem(url: str, development: bool) -> str | None:
    """Why a subscription may not send to this URL, or None: https only, except a local receiver in development."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and development and parts.hostname in LOCAL_HOSTS:
        return None
    return "a webhook URL must be https (http only to localhost or 127.0.0.1 in development)"


def prefixes_problem(prefixes: Sequence[str]) -> str | None:
    """Why these event type prefixes are not a valid subscription, or None."""
    if not prefixes or len(prefixes) > MAX_PREFIXES:
        return f"name 1 to {MAX_PREFIXES} event type prefixes"
    for prefix in prefixes:
        if not PREFIX.match(prefix) or prefix.startswith(OWN_EVENTS):
            return f"{prefix} is not an event type prefix such as order. or case."
    return None


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet; an IPv4 address written as IPv6 (::ffff:10.0.0.1, 64:ff9b::…)
    is judged as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is not None:
            return is_public(carried)
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified or not address.is_global)


def host_problem(host: str, addresses: Sequence[Address]) -> WebhookUrlNotPublic | None:
    """Why a production webhook may not go to this host, given every address it resolves to now; None if it may.
    One non-public address is enough to refuse: the client would pick any of them."""
    if not addresses:
        return WebhookUrlNotPublic(f"the webhook host {host} does not resolve to an address", host=host)
    for address in addresses:
        if not is_public(address):
            return WebhookUrlNotPublic(f"the webhook host {host} resolves to {address}, which is not a public address "
                                       "(private, loopback, link-local or reserved)", host=host, address=str(address))
    return None
