"""The FastAPI application: every domain's router, problem+json errors, the console."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

import shopkeeper.models  # noqa: F401  (every table, so foreign keys resolve)
from shopkeeper import __version__
from shopkeeper.api import limits, openapi, problems
from shopkeeper.api.routes import api_router, sandbox_router
from shopkeeper.clock import Clock, SystemClock
from shopkeeper.console import security_headers
from shopkeeper.console.routes import router as console_router
from shopkeeper.db import Database
from shopkeeper.ratelimit import RateLimits
from shopkeeper.settings import Settings


def create_app(db: Database, clock: Clock | None = None, settings: Settings | None = None) -> FastAPI:
    # The API reference at /docs and /redoc is served from the package, not a CDN: it works offline.
    app = FastAPIOffline(title="Shopkeeper", version=__version__,
                         description="Rules and automation for an online store or marketplace.")
    app.state.db = db
    app.state.clock = clock or SystemClock()
    app.state.settings = settings or Settings.from_env()
    app.state.limits = RateLimits.of(app.state.settings)
    problems.install(app)
    app.add_middleware(limits.BodyLimit, max_body_bytes=app.state.settings.max_body_bytes,
                       evidence_max_bytes=app.state.settings.evidence_max_bytes)
    security_headers.install(app)
    openapi.install(app)
    app.include_router(api_router, prefix="/api/v1")
    if app.state.settings.sandbox_payments:  # the sandbox's pay button exists nowhere else, not even in /openapi.json
        app.include_router(sandbox_router, prefix="/api/v1")
    app.include_router(console_router)
    return app
