"""Settings come from the environment, nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///shopkeeper.db"
# A development secret: the simulated payment provider signs its callbacks with it.
# Production sets SHOPKEEPER_PAYMENT_SECRET.
DEV_PAYMENT_SECRET = "shopkeeper-dev-payment-secret"
# Files buyers and sellers attach to after-sales cases, under the local data directory (var/, git-ignored).
DEFAULT_EVIDENCE_DIR = "var/evidence"
DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a phone photo or a short video clip
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
    platform_timezone: str = DEFAULT_PLATFORM_TIMEZONE

    @classmethod
    def from_env(cls) -> "Settings":
        clock = os.environ.get("SHOPKEEPER_CLOCK", "system")
        if clock not in ("system", "simulated"):
            raise ValueError(f"SHOPKEEPER_CLOCK must be 'system' or 'simulated', not {clock!r}")
        return cls(
            database_url=os.environ.get("SHOPKEEPER_DATABASE_URL", DEFAULT_DATABASE_URL),
            payment_secret=os.environ.get("SHOPKEEPER_PAYMENT_SECRET", DEV_PAYMENT_SECRET),
            clock=clock,  # type: ignore[arg-type]
            host=os.environ.get("SHOPKEEPER_HOST", "127.0.0.1"),
            port=int(os.environ.get("SHOPKEEPER_PORT", "8000")),
            evidence_dir=os.environ.get("SHOPKEEPER_EVIDENCE_DIR", DEFAULT_EVIDENCE_DIR),
            evidence_max_bytes=int(os.environ.get("SHOPKEEPER_EVIDENCE_MAX_BYTES", str(DEFAULT_EVIDENCE_MAX_BYTES))),
            platform_timezone=_zone(os.environ.get("SHOPKEEPER_PLATFORM_TIMEZONE", DEFAULT_PLATFORM_TIMEZONE)),
        )


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"SHOPKEEPER_PLATFORM_TIMEZONE must be an IANA time zone like 'Asia/Shanghai', not {name!r}") from None
    return name
