"""Every domain's routes under one router (mounted at /api/v1)."""

from fastapi import APIRouter

from shopkeeper.aftersales import api as aftersales
from shopkeeper.api import admin
from shopkeeper.catalog import api as catalog
from shopkeeper.customers import api as customers
from shopkeeper.fulfillment import api as fulfillment
from shopkeeper.fulfillment import carrier_api as carriers
from shopkeeper.inventory import api as inventory
from shopkeeper.orders import api as orders
from shopkeeper.orders import pricing_api as cart_pricing
from shopkeeper.orders import receipt_api as receipt
from shopkeeper.promotions import api as promotions
from shopkeeper.promotions.campaigns import api as campaigns

api_router = APIRouter()
for module in (catalog, customers, inventory, fulfillment, carriers, orders, receipt, aftersales, promotions, cart_pricing, campaigns,
               admin):
    api_router.include_router(module.router)

# The sandbox payment provider's pay button: mounted only when `Settings.sandbox_payments` (api/app.py).
sandbox_router = orders.sandbox_router
