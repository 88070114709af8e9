"""The pricing engine: what `native` compiles with mypyc, and nothing that touches a database.

`price.price_cart` is the entry point: a cart and its candidate promotions in, a priced and
explained cart out. `terms` is the vocabulary; `benefits/` holds one module per benefit kind
and the registry of kinds; `ledger` is a cart while a pass runs and `passes` applies promotions
in stage order, reaching each kind through `dispatch`; `analysis` and `search` choose which
promotions run; `results` is what comes out; `index` files live promotions by what they cover.

The modules load compiled when `native` has built them for these very sources; this
`__init__` stays plain Python so that it can say where to load them from.
"""

from shopkeeper.promotions import native

native.activate(__path__)
