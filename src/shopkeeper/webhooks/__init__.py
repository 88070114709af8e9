"""Outbound webhooks: a store's partner systems (an ERP, a storefront) hear its events, signed and retried."""
