"""Shopkeeper: the rules and automation an online store or marketplace runs on."""

__version__ = "0.1.0"
