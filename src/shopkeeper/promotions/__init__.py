"""Promotions, coupons, campaigns and the pricing engine (`engine/`)."""
