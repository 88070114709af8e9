"""The composition root: the one module that knows every domain.

It builds the web application (every domain's router under /api/v1, the console, the shared plumbing) and holds
the table of timer kinds and the use cases that handle them. Domains never register themselves by being
imported; whatever fires timers (the app, the worker, `shopkeeper simulate`, the demo) installs this table.
Where a domain needs an answer from one it may not import, this root hands it over (`install_ports`). Whatever
runs the domains calls `install()` once before it starts.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline

import shopkeeper.models  # noqa: F401  (every table, so foreign keys resolve)
from shopkeeper import __version__, events, platform_api, timers
from shopkeeper.aftersales.cases import api as cases
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases import service as case_service
from shopkeeper.aftersales.complaints import api as complaints
from shopkeeper.aftersales.metrics import api as seller_metrics
from shopkeeper.api import limits, openapi, problems
from shopkeeper.catalog import api as catalog
from shopkeeper.catalog import service as catalog_service
from shopkeeper.clock import Clock, SystemClock
from shopkeeper.console import security_headers
from shopkeeper.console.routes import router as console_router
from shopkeeper.crossborder import api as customs
from shopkeeper.customers import api as customers
from shopkeeper.db import Database
from shopkeeper.fulfillment import allocation_api as allocation
from shopkeeper.fulfillment import api as fulfillment
from shopkeeper.fulfillment import carrier_api as carriers
from shopkeeper.fulfillment import label_api as labels
from shopkeeper.fulfillment import service as fulfillment_service
from shopkeeper.inventory import api as inventory
from shopkeeper.orders import api as orders
from shopkeeper.orders import pricing_api as cart_pricing
from shopkeeper.orders import receipt_api as receipt
from shopkeeper.orders import service as order_service
from shopkeeper.orders.intake import api as order_imports
from shopkeeper.promotions import api as promotions
from shopkeeper.promotions.campaigns import api as campaigns
from shopkeeper.purchasing import api as purchasing
from shopkeeper.ratelimit import RateLimits
from shopkeeper.settings import Settings
from shopkeeper.social.assists import api as assists
from shopkeeper.social.assists import helping as assist_helping
from shopkeeper.social.community import api as community
from shopkeeper.social.community import service as community_service
from shopkeeper.social.community import waves as community_waves
from shopkeeper.social.content import api as content
from shopkeeper.social.content import service as content_service
from shopkeeper.social.distribution import api as distribution
from shopkeeper.social.distribution import commissions
from shopkeeper.social.groupbuys import api as group_buys
from shopkeeper.social.groupbuys import seats as group_buy_seats
from shopkeeper.social.packets import api as platform_packets
from shopkeeper.social.packets import service as packet_service
from shopkeeper.social.packets import spending as packet_spending
from shopkeeper.social.pools import api as pools
from shopkeeper.social.pools import basket as pool_basket
from shopkeeper.social.rewards import api as rewards
from shopkeeper.social.rewards import draws as reward_draws
from shopkeeper.social.rewards import service as reward_service
from shopkeeper.warehouse import api as warehouse
from shopkeeper.webhooks import api as webhooks
from shopkeeper.webhooks import delivery as webhook_delivery
from shopkeeper.webhooks import outbox as webhook_outbox

# kind of timer → the use case that fires it (each re-checks its subject first, so a stale timer does nothing)
TIMER_HANDLERS: Mapping[str, timers.Handler | timers.Outside] = {
    "order.close_unpaid": order_service.close_unpaid,
    "order.auto_confirm": order_service.auto_confirm,
    "order.ship_deadline": order_service.ship_deadline,
    case_rows.DEADLINE: case_service.deadline_passed,
    case_rows.REMINDER: case_service.remind,
    group_buy_seats.EXPIRE: group_buy_seats.expire,
    commissions.RELEASE: commissions.release,
    assist_helping.EXPIRE: assist_helping.expire,
    content_service.TASK_DEADLINE: content_service.deadline_passed,
    packet_service.EXPIRE: packet_spending.expire,
    pool_basket.EXPIRE: pool_basket.expire,
    community_service.CUTOFF: community_waves.close_wave,
    community_service.PICKUP_DEADLINE: community_waves.pickup_deadline,
    reward_draws.TRIAL_DRAW: reward_draws.close_trial,
    webhook_outbox.DELIVER: timers.Outside(webhook_delivery.deliver),  # the POST runs in no transaction
}

API_ROUTERS: tuple[APIRouter, ...] = tuple(module.router for module in (
    catalog, customers, inventory, fulfillment, carriers, orders, receipt, complaints, cases, seller_metrics,
    promotions, cart_pricing, campaigns, group_buys, pools, assists, distribution, content, rewards, platform_packets,
    community, platform_api, order_imports, allocation, labels, webhooks, customs, purchasing, warehouse))


def install_ports() -> None:
    """Give a domain what it asks of one it may not import: the catalog checks the shipping template a product names
    with fulfillment's answer (fulfillment builds on the catalog, never the other way round); orders tell the social
    domain that an order was paid, closed, completed or refunded, in the same transaction (orders never import it).
    Group buys and pools hear a payment first: a payer refused a seat (or a place in an ended pool) is refunded before
    commission or reward looks at the order. Community group buying gathers a paid order placed through a leader in
    its wave, and lets a closed one go. Webhooks hear every event, in its transaction (their outbox)."""
    catalog_service.use_shipping_templates(fulfillment_service.template_store)
    order_service.listen("paid", group_buy_seats.member_paid, pool_basket.member_paid, commissions.order_paid,
                         reward_service.order_paid, community_service.order_paid)
    order_service.listen("closed", group_buy_seats.member_closed, pool_basket.member_closed, commissions.order_closed,
                         packet_spending.order_closed, community_service.order_closed)
    order_service.listen("completed", commissions.order_completed, reward_service.order_completed,
                         packet_spending.order_completed)
    order_service.listen("refunded", commissions.order_refunded)
    events.listen(webhook_outbox.event_recorded)


def install_timers() -> None:
    """Let `timers.run_due_timers` fire every kind of timer the engine schedules."""
    timers.install(TIMER_HANDLERS)


def install() -> None:
    """Wire the domains for whatever runs them (the app, the worker, the CLI, the demo, the tests): the ports, then
    the timer table."""
    install_ports()
    install_timers()


def built_in(settings: Settings) -> tuple[object, ...]:
    """The settings `create_app` builds into the app itself: the body limits of its middleware and whether the
    sandbox's pay button has a route. Every other setting, the database and the clock are read per request from
    `app.state`, so an app may be attached to others (`attach`) as long as these stay the same."""
    return settings.max_body_bytes, settings.evidence_max_bytes, settings.sandbox_payments


def attach(app: FastAPI, db: Database, clock: Clock, settings: Settings) -> None:
    """Point an app at a database, a clock and settings, with fresh rate-limit windows. The routes read these from
    `app.state` on every request; building the routes is the costly part (FastAPI analyses each one on first use),
    which is why the tests build one app per process and attach each test's database to it."""
    app.state.db = db
    app.state.clock = clock
    app.state.settings = settings
    app.state.limits = RateLimits.of(settings)


def create_app(db: Database, clock: Clock | None = None, settings: Settings | None = None) -> FastAPI:
    # The API reference at /docs and /redoc is served from the package, not a CDN: it works offline.
    app = FastAPIOffline(title="Shopkeeper", version=__version__,
                         description="Rules and automation for an online store or marketplace.")
    attach(app, db, clock or SystemClock(), settings or Settings.from_env())
    install()  # POST /timers/run and the worker thread `serve` starts fire the timers; products check templates
    problems.install(app)
    app.add_middleware(limits.BodyLimit, max_body_bytes=app.state.settings.max_body_bytes,
                       evidence_max_bytes=app.state.settings.evidence_max_bytes)
    security_headers.install(app)
    openapi.install(app)
    for router in API_ROUTERS:
        app.include_router(router, prefix="/api/v1")
    if app.state.settings.sandbox_payments:  # the sandbox's pay button exists nowhere else, not even in /openapi.json
        app.include_router(orders.sandbox_router, prefix="/api/v1")
    app.include_router(console_router)
    return app
