"""Reward and interaction programs (RULES.md §3.6 families 4, 5 and 9): check-in gifts (签到有礼), follow and
favourite gifts (关注送券, 收藏有礼), purchase lotteries (满就抽奖), cash back (返现), free orders (免单, 整点免单) and red
packets (红包). One `RewardProgram` per store or for the platform; its kind (`kinds/`) says what triggers it and
what it grants; its budget and per-person caps are taken by conditional UPDATEs, never overspent."""
