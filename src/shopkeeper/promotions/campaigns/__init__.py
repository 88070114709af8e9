"""Campaigns (活动): the ten elements of RULES.md §3.1, phases (§3.3), merchant sign-up checks (§3.2, §3.5)."""
