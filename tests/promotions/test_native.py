"""What `make install` says while it compiles the pricing engine (promotions/native.py)."""

from __future__ import annotations

from shopkeeper.promotions import native


def test_the_build_names_each_engine_module_as_it_compiles_and_the_runtime_once() -> None:
    done: set[str] = set()
    build = "/src/shopkeeper/promotions/_native/build-x/c"
    sources = [f"{build}/__native_shopkeeper___promotions___engine___{name.replace('/', '___')}.c" for name in native.ENGINE]
    sources[3:3] = [f"{build}/init.c", f"{build}/list_ops.c", f"{build}/__native_54da1026.c"]
    sources += [f"{build}/shopkeeper/promotions/engine/{name}.c" for name in native.ENGINE]  # the entry points
    said = [line for line in (native.progress_line(source, done) for source in sources) if line]
    names = ["terms", "ledger", "passes", "dispatch", "results", "analysis", "search", "price", "index",
             "benefits.unit_price", "benefits.early_bird", "benefits.bulk_price", "benefits.nth_unit", "benefits.bundle",
             "benefits.points_price", "benefits.reduction", "benefits.gift", "benefits.free_shipping"]
    assert said == [
        *(f"compiling the pricing engine ({n}/18): {name}" for n, name in enumerate(names[:3], 1)),
        "compiling mypyc's runtime library for it",
        *(f"compiling the pricing engine ({n}/18): {name}" for n, name in enumerate(names[3:], 4)),
    ]
