"""Promotions, coupons, campaigns and the pricing engine.

The engine's modules load compiled when `native` has built them for these very sources.
"""

from shopkeeper.promotions import native

native.activate(__path__)
