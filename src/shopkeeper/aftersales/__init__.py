"""After-sales: refunds, returns, reships, disputes and their deadlines, rulings, complaints,
compensation and seller metrics (RULES.md §7, §8.1).

Three parts, each with its rules (pure: numbers from the store's rulebook, time
from the caller), its use cases (`service`) and its routes (`api`, shapes in
`schemas`); every name is imported from the one module that defines it.

- `cases`: a case as plain data (`case`), its moves (`rules`), its clocks
  (`clocks`), the evidence owed (`evidence_rules`); rows ↔ pure cases (`rows`),
  money and events of a transition (`settlement`), messages and evidence files
  (`evidence`), and the case use cases and deadline timer (`service`).
- `complaints`: complaints after an order closes and their compensation.
- `metrics`: a store's figures for a period.

The tables of all three are in `models`; `programs` holds the quality-merchant review.
"""
