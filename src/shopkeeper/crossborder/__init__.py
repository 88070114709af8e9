"""Cross-border selling: destinations, customs thresholds, duty payer, HS-code inspection flags, delivery promises.

Pure rules only so far (`rules`, `hs_codes`, `seizures`) over the data in `customs.toml`; the tables, use cases and
routes come later and call these functions.
"""
