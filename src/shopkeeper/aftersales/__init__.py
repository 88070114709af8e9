"""After-sales: refunds, returns, reships, disputes and their deadlines, rulings, complaints,
compensation and seller metrics (RULES.md §7, §8.1).

Pure, numbers from the store's rulebook and time from the caller: `cases` holds
a case as plain data; `rules` moves it from state to state, says when each
clock runs out and what evidence is due when; `complaints` and `metrics` work
on closed orders and cases.

Use cases, all importable from `service`: `service` (a case's moves and its
timers), `case_rows` (rows ↔ pure cases, finding, locking), `settlement`
(money, order and event for a transition), `evidence` (messages, evidence
files and their deadlines), `complaint_service` (complaints and compensation),
`metrics_service` (a store's figures for a period). Routes: `api`,
`complaint_api`; shapes: `schemas`.
"""
