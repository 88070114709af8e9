"""Group buying (拼团, RULES.md §4.1, §3.6.2): buyers with the same purchase intent pool into a group of N; when it
fills, each gets the group price; when time runs out first, everyone is refunded in full."""
