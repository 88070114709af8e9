"""Order intake from the marketplaces (RULES.md §5.1 stage 1): export files and channels → ImportedOrders."""
