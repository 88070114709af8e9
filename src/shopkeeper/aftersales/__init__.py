"""After-sales: refunds, returns, reships, disputes and their deadlines, rulings, complaints,
compensation and seller metrics (RULES.md §7, §8.1).

`cases` holds a case as plain data; `rules` moves it from state to state and
says when each clock runs out; `complaints` and `metrics` work on closed
cases. All of it is pure: numbers come from the store's rulebook, time from
the caller. A service (later) stores cases, schedules `next_deadline` as a
timer and applies `on_deadline` when it fires.
"""
