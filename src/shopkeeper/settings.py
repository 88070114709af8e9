"""Settings come from the environment, nowhere else."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///shopkeeper.db"
# A development secret: the sandbox payment provider signs its callbacks with it. It is public (it is right
# here), so the `callback` provider refuses it and production mode refuses to start with it.
DEV_PAYMENT_SECRET = "shopkeeper-dev-payment-secret"
# The development default of the console's session signing key; production mode refuses to start with it.
DEV_SESSION_SECRET = "shopkeeper-dev-session-secret"
# `sandbox`: the demo and tests, a buyer may press "pay" on their own order (POST /payments/{id}/simulate).
# `callback`: payments are confirmed only by the provider's callback signed with SHOPKEEPER_PAYMENT_SECRET.
PaymentProvider = Literal["sandbox", "callback"]
PAYMENT_PROVIDERS: tuple[PaymentProvider, ...] = ("sandbox", "callback")
Environment = Literal["development", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")
# Files buyers and sellers attach to after-sales cases, under the local data directory (var/, git-ignored).
DEFAULT_EVIDENCE_DIR = "var/evidence"
DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a phone photo or a short video clip
DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # 1 MB: any JSON request body; evidence uploads have their own cap
# The console's operator key, written once by `shopkeeper serve` for curl and scripts (var/ is git-ignored).
DEFAULT_OPERATOR_KEY_FILE = "var/operator.key"
# The platform's own clock: its campaigns, promotions and vouchers are set and shown on it. Our choice: Beijing
# time, as the platforms of our sources run their calendars (双11 opens at 00:00 there).
DEFAULT_PLATFORM_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    payment_secret: str = DEV_PAYMENT_SECRET
    clock: Literal["system", "simulated"] = "system"
    host: str = "127.0.0.1"
    port: int = 8000
    evidence_dir: str = DEFAULT_EVIDENCE_DIR
    evidence_max_bytes: int = DEFAULT_EVIDENCE_MAX_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    env: Environment = "development"
    payment_provider: PaymentProvider = "sandbox"
    session_secret: str = DEV_SESSION_SECRET
    # Signing in and limits (auth.py, sessions.py, ratelimit.py); README "Settings" lists each.
    trusted_proxies: tuple[str, ...] = ()  # addresses/CIDRs whose X-Forwarded-For/-Proto are believed
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    sign_in_link_minutes: int = 10
    failed_sign_ins_per_minute: int = 10  # per client address
    api_requests_per_minute: int = 600  # per key
    coupon_claims_per_minute: int = 20  # per buyer
    operator_key_file: str = DEFAULT_OPERATOR_KEY_FILE
    redis_url: str | None = None  # shared rate-limit windows for several processes (ratelimit.py)
    platform_timezone: str = DEFAULT_PLATFORM_TIMEZONE

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def sandbox_payments(self) -> bool:
        """Whether buyers may mark their own orders paid: never in production, whatever the provider says."""
        return self.payment_provider == "sandbox" and not self.production

    @classmethod
    def from_env(cls) -> "Settings":
        clock = os.environ.get("SHOPKEEPER_CLOCK", "system")
        if clock not in ("system", "simulated"):
            raise ValueError(f"SHOPKEEPER_CLOCK must be 'system' or 'simulated', not {clock!r}")
        env = os.environ.get("SHOPKEEPER_ENV", "development")
        if env not in ENVIRONMENTS:
            raise ValueError(f"SHOPKEEPER_ENV must be 'development' or 'production', not {env!r}")
        # the sandbox is the default outside production only
        provider = os.environ.get("SHOPKEEPER_PAYMENT_PROVIDER", "callback" if env == "production" else "sandbox")
        if provider not in PAYMENT_PROVIDERS:
            raise ValueError(f"SHOPKEEPER_PAYMENT_PROVIDER must be 'sandbox' or 'callback', not {provider!r}")
        return cls(
            database_url=os.environ.get("SHOPKEEPER_DATABASE_URL", DEFAULT_DATABASE_URL),
            payment_secret=os.environ.get("SHOPKEEPER_PAYMENT_SECRET", DEV_PAYMENT_SECRET),
            clock=clock,  # type: ignore[arg-type]
            host=os.environ.get("SHOPKEEPER_HOST", "127.0.0.1"),
            port=int(os.environ.get("SHOPKEEPER_PORT", "8000")),
            evidence_dir=os.environ.get("SHOPKEEPER_EVIDENCE_DIR", DEFAULT_EVIDENCE_DIR),
            evidence_max_bytes=int(os.environ.get("SHOPKEEPER_EVIDENCE_MAX_BYTES", str(DEFAULT_EVIDENCE_MAX_BYTES))),
            env=env,
            payment_provider=provider,
            session_secret=os.environ.get("SHOPKEEPER_SESSION_SECRET", DEV_SESSION_SECRET),
            max_body_bytes=int(os.environ.get("SHOPKEEPER_MAX_BODY_BYTES", str(DEFAULT_MAX_BODY_BYTES))),
            trusted_proxies=_networks(os.environ.get("SHOPKEEPER_TRUSTED_PROXIES", "")),
            session_idle_minutes=_positive("SHOPKEEPER_SESSION_IDLE_MINUTES", 60),
            session_max_hours=_positive("SHOPKEEPER_SESSION_MAX_HOURS", 12),
            sign_in_link_minutes=_positive("SHOPKEEPER_SIGN_IN_LINK_MINUTES", 10),
            failed_sign_ins_per_minute=_positive("SHOPKEEPER_FAILED_SIGN_INS_PER_MINUTE", 10),
            api_requests_per_minute=_positive("SHOPKEEPER_API_REQUESTS_PER_MINUTE", 600),
            coupon_claims_per_minute=_positive("SHOPKEEPER_COUPON_CLAIMS_PER_MINUTE", 20),
            operator_key_file=os.environ.get("SHOPKEEPER_OPERATOR_KEY_FILE", DEFAULT_OPERATOR_KEY_FILE),
            redis_url=os.environ.get("SHOPKEEPER_REDIS_URL") or None,
            platform_timezone=_zone(os.environ.get("SHOPKEEPER_PLATFORM_TIMEZONE", DEFAULT_PLATFORM_TIMEZONE)),
        )


def production_env() -> bool:
    """Whether this process runs in production (SHOPKEEPER_ENV), for code that runs outside a request, such as a
    timer handler, and has no `Settings` in hand; the same reading as `Settings.from_env().production`."""
    return os.environ.get("SHOPKEEPER_ENV", "development") == "production"


def _networks(text: str) -> tuple[str, ...]:
    """SHOPKEEPER_TRUSTED_PROXIES: addresses or CIDRs, comma- or space-separated; a typo fails at start, not later."""
    items = tuple(item for item in text.replace(",", " ").split() if item)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"SHOPKEEPER_TRUSTED_PROXIES: {item!r} is not an address or CIDR") from None
    return items


def _positive(name: str, default: int) -> int:
    value = int(os.environ.get(name, str(default)))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"SHOPKEEPER_PLATFORM_TIMEZONE must be an IANA time zone like 'Asia/Shanghai', not {name!r}") from None
    return name
