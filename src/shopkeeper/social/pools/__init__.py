"""Pool buying (拼单, RULES.md §4.1, §3.6 "拼单折扣"): a buyer opens a pool on a store's pool offer, friends add their own
orders to the shared basket, and when the paid basket reaches the offer's threshold every order in it ships at the
pool's price; a basket short at its time limit is refunded in full, order by order, and its stock goes back on sale."""
