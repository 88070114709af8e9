"""Social commerce (社交电商, RULES.md §4): group buys first; assists, referral commissions and community leaders later."""
