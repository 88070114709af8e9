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
    assert said == [
        "compiling the pricing engine (1/7): terms",
        "compiling the pricing engine (2/7): passes",
        "compiling the pricing engine (3/7): results",
        "compiling mypyc's runtime library for it",
        "compiling the pricing engine (4/7): analysis",
        "compiling the pricing engine (5/7): search",
        "compiling the pricing engine (6/7): price",
        "compiling the pricing engine (7/7): index",
    ]
