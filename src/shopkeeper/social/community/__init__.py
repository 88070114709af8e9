"""Community group buying (社区团购, RULES.md §4.1): pickup points and their leaders, orders through a leader's link,
delivery waves and their pick lists, pickup by code, the leader's commission."""
