"""Settings come from the environment, nowhere else."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    payment_secret: str = DEV_PAYMENT_SECRET
    clock: Literal["system", "simulated"] = "system"
    host: str = "127.0.0.1"
    port: int = 8000
    evidence_dir: str = DEFAULT_EVIDENCE_DIR
    evidence_max_bytes: int = DEFAULT_EVIDENCE_MAX_BYTES
    env: Environment = "development"
    payment_provider: PaymentProvider = "sandbox"
    session_secret: str = DEV_SESSION_SECRET

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def sandbox_payments(self) -> bool:
        """Whether buyers may mark their own orders paid: never in production, whatever the provider says."""
        return self.payment_provider == "sandbox" and not self.production
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

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
            env=env,  # type: ignore[arg-type]
            payment_provider=provider,  # type: ignore[arg-type]
            session_secret=os.environ.get("SHOPKEEPER_SESSION_SECRET", DEV_SESSION_SECRET),
            max_body_bytes=int(os.environ.get("SHOPKEEPER_MAX_BODY_BYTES", str(DEFAULT_MAX_BODY_BYTES))),
        )
