"""Distribution (分销, S2B2C, RULES.md §4.2, §17.2): buyers promote a store's goods for commission on real sales to
other buyers; joining is free, recruiting is never paid, and commission reaches at most two levels, the second only
as a warned opt-in."""
