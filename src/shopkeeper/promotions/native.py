"""The pricing engine compiled to C with mypyc, used only when built from exactly the sources in this folder.

The engine (`promotions/engine/`, modules listed in `ENGINE` below) is ordinary typed Python.
`make install` also compiles it with mypyc (part of mypy) into `_native/<fingerprint>/`, where
the fingerprint is a hash of those sources (by their path under `engine/`) and of the Python
that runs them. Importing `shopkeeper.promotions.engine` (and each subpackage of it) puts the
matching folder first on the package's path (`activate`), so
the compiled modules load instead of the sources, about twice as fast. A source edited
since the build changes the fingerprint, so a stale build is never loaded: the sources
run as written until the next `make install`. Without a C compiler the build is
skipped and the sources run. `SHOPKEEPER_PURE_ENGINE=1` runs the sources regardless.

    python -c 'from shopkeeper.promotions import native; native.main(["build"])'   # a no-op when up to date
    python -c 'from shopkeeper.promotions import native; native.main(["status"])'  # which engine loads
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

# module paths under engine/; a subpackage's `__init__` stays plain Python (it only calls `activate`)
ENGINE = ("terms", "ledger", "passes", "dispatch", "results", "analysis", "search", "price", "index",
          *(f"benefits/{kind}" for kind in ("unit_price", "early_bird", "bulk_price", "nth_unit", "bundle", "points_price",
                                             "reduction", "gift", "free_shipping")))
HERE = Path(__file__).resolve().parent
SOURCES = HERE / "engine"
PACKAGE = "shopkeeper/promotions/engine"
NATIVE = HERE / "_native"
READY = "built"  # written last: a folder without it is a build that did not finish


def fingerprint() -> str:
    digest = hashlib.sha256(f"{sys.implementation.cache_tag} {platform.machine()}".encode())
    for name in ENGINE:
        digest.update(f"{name}\n".encode())  # a module moved or renamed is a different engine
        digest.update((SOURCES / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def build_dir() -> Path:
    return NATIVE / fingerprint()


def wanted() -> bool:
    return os.environ.get("SHOPKEEPER_PURE_ENGINE", "") in ("", "0")


def activate(package_path: list[str], subpackage: str = "") -> bool:
    """Put the compiled engine first on the path of `engine` (or of its `subpackage`, "benefits") when it
    matches the sources; say whether it did."""
    if not wanted():
        return False
    folder = build_dir()
    if not (folder / READY).exists():
        return False
    if str(folder) not in sys.path:
        sys.path.append(str(folder))  # mypyc's runtime library for the engine is a top-level module
    package_path.insert(0, str(folder / PACKAGE / subpackage) if subpackage else str(folder / PACKAGE))
    return True


def running_compiled() -> bool:
    from shopkeeper.promotions.engine import price

    return not (price.__file__ or "").endswith(".py")


def build() -> Path:
    """Compile the engine into `build_dir()` (nothing to do when it is there already)."""
    target = build_dir()
    if (target / READY).exists():
        return target
    from mypyc.build import mypycify  # a development dependency, needed only here
    from setuptools import setup  # type: ignore[import-untyped]

    source_root = HERE.parent.parent  # the folder holding the `shopkeeper` package
    NATIVE.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="build-", dir=NATIVE))
    here = Path.cwd()
    try:
        os.chdir(source_root)  # mypyc names modules by their path from here
        say(f"translating the pricing engine to C ({len(ENGINE)} modules, types checked first)")
        # one C file per module (multi_file) so the compile below can say which module it is at; the
        # modules still share one library, and the pricing benchmark measured no difference
        modules = mypycify([f"{PACKAGE}/{name}.py" for name in ENGINE], opt_level="3",
                           target_dir=str(scratch / "c"), multi_file=True)
        setup(name="shopkeeper-engine", ext_modules=modules, script_name="native.py", cmdclass={"build_ext": _announcing()},
              script_args=["--quiet", "build_ext", "--build-lib", str(scratch / "lib"), "--build-temp", str(scratch / "tmp")])
    finally:
        os.chdir(here)
    (scratch / "lib" / READY).write_text(fingerprint() + "\n")
    for old in NATIVE.iterdir():
        if old.is_dir() and old != scratch:
            shutil.rmtree(old, ignore_errors=True)
    (scratch / "lib").rename(target)
    shutil.rmtree(scratch, ignore_errors=True)
    return target


def say(line: str) -> None:
    print(line, flush=True)  # flushed: `make install` shows each step as it starts, not at the end


def progress_line(source: str, done: set[str]) -> str | None:
    """What compiling one C file is, in words, or None when it was said already (the engine's own
    modules one by one, mypyc's runtime once, the small per-module entry points not at all)."""
    name = Path(source).name
    marker = "__native_shopkeeper___promotions___engine___"
    if name.startswith(marker):
        module = name.removeprefix(marker).removesuffix(".c").replace("___", ".")
        done.add(module)
        return f"compiling the pricing engine ({len(done - {'runtime'})}/{len(ENGINE)}): {module}"
    if "engine" in Path(source).parent.parts[-2:] or "runtime" in done:
        return None  # an entry point, or the runtime said already
    done.add("runtime")
    return "compiling mypyc's runtime library for it"


def _announcing() -> type:
    """setuptools' build_ext, saying each C file it compiles (`progress_line`)."""
    from setuptools.command.build_ext import build_ext  # type: ignore[import-untyped]

    class Announcing(build_ext):  # type: ignore[misc]
        def build_extensions(self) -> None:
            compile_one, done = self.compiler._compile, set[str]()

            def announced(obj: str, source: str, *rest: object) -> None:
                line = progress_line(source, done)
                if line:
                    say(line)
                compile_one(obj, source, *rest)

            self.compiler._compile = announced
            super().build_extensions()

    return Announcing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "build":
        try:
            print(f"pricing engine compiled: {build()}")
        except Exception as failure:  # no compiler, no headers: the engine runs as plain Python
            print(f"pricing engine not compiled ({type(failure).__name__}: {failure}); it runs as plain Python")
        return 0
    if command == "status":
        print("compiled (mypyc)" if running_compiled() else "plain Python")
        return 0
    print(__doc__)
    return 2
