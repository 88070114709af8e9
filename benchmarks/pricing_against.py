"""The pricing engine at this checkout beside the engine at another commit, on the same carts, in one run.

    .venv/bin/python benchmarks/pricing_against.py REF [--sizes 1000,10000] [--carts 3000] [--pairs 5] [--cpu C]

A change that should not touch the engine's speed or results (a reshaping, a move of modules) is measured
against the commit before it: REF is checked out into a temporary git worktree and its engine compiled
there as `make install` compiles it (plain Python where no C compiler is at hand, the same for both sides).
Then, for every size, `--pairs` pairs of runs alternate the two engines (A B, B A, A B ...), each run a
fresh process pinned to the same core that builds the same marketplace and carts as `pricing.py` (same
seed), prices the warm-up carts, then times every cart once. Alternating spreads the load of a shared
machine over both sides; the median run of each side is kept and the spread is printed beside it.

Both sides must give the same checksum of every cart's totals and verdicts (`pricing.py` computes it);
the script says so, or exits 1. Figures go to the terminal and to benchmarks/RESULTS.md (section
"pricing-against"); the last line is `ratio_at_<size>=<this ÷ REF>` for the largest size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reporting import rewrite_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
SECTION = "pricing-against"
BUILD = "from shopkeeper.promotions import native; native.main(['build'])"


@dataclass
class Side:
    name: str  # "this checkout" or the commit measured against
    src: Path
    rates: list[float]
    checksums: set[str]
    build: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def spread(self) -> str:
        return f"{min(self.rates):,.0f}–{max(self.rates):,.0f}"


def child(size: int, carts: int) -> None:
    """One timed run in this process: the engine is whatever `shopkeeper` PYTHONPATH gives."""
    import pricing  # the marketplace, the carts and the timing, exactly as pricing.py builds them

    market = pricing.build_market(size)
    all_carts = pricing.make_carts(market, carts + pricing.WARMUP)
    run = pricing.time_engine(market, all_carts[pricing.WARMUP:], all_carts[:pricing.WARMUP], 1)
    build = "compiled" if pricing.native.running_compiled() else "plain Python"
    print(json.dumps({"rate": run.rate, "checksum": run.checksum, "build": build, "engine": pricing.native.__file__}))


def run_side(side: Side, size: int, carts: int, cpu: int) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(side.src), str(HERE)])}
    out = subprocess.run(["taskset", "-c", str(cpu), sys.executable, __file__, "--child", str(size), "--carts", str(carts)],
                         env=env, capture_output=True, text=True, check=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    if not report["engine"].startswith(str(side.src)):
        raise SystemExit(f"{side.name}: ran the engine at {report['engine']}, not the one under {side.src}")
    side.rates.append(report["rate"])
    side.checksums.add(report["checksum"])
    side.build = report["build"]


def checkout(ref: str, folder: Path) -> tuple[Path, str]:
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(folder), sha], cwd=ROOT, check=True)
    return folder / "src", sha


def build(src: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", BUILD], env=env, check=True, stdout=subprocess.DEVNULL)


def table(rows: list[list[str]]) -> str:
    headers = ["live promotions", "carts", "pairs", "REF carts/s (median, range)", "this carts/s (median, range)",
               "this ÷ REF", "same checksum"]
    lines = ["| " + " | ".join(headers) + " |", "| --- |" + " ---: |" * (len(headers) - 2) + " --- |"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", nargs="?", help="the commit to measure against (e.g. HEAD~3, a tag, a hash)")
    parser.add_argument("--sizes", default="1000,10000", help="live promotion counts (default 1000,10000)")
    parser.add_argument("--carts", type=int, default=3_000, help="timed carts per run (default 3000)")
    parser.add_argument("--pairs", type=int, default=5, help="runs of each side per size, alternated (default 5)")
    parser.add_argument("--cpu", type=int, help="the CPU to pin to (default: the last one this process may use)")
    parser.add_argument("--child", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.carts)
        return 0
    if not args.ref:
        parser.error("name the commit to measure against")
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    cpu = sorted(os.sched_getaffinity(0))[-1] if args.cpu is None else args.cpu

    with tempfile.TemporaryDirectory(prefix="shopkeeper-against-") as folder:
        base_src, sha = checkout(args.ref, Path(folder) / "tree")
        try:
            print(f"compiling the engine at {sha} and at this checkout", flush=True)
            build(base_src)
            build(ROOT / "src")
            rows, ratio, agree = [], 0.0, True
            for size in sizes:
                base = Side(sha, base_src, [], set())
                this = Side("this checkout", ROOT / "src", [], set())
                for pair in range(args.pairs):
                    for side in ((base, this) if pair % 2 == 0 else (this, base)):
                        run_side(side, size, args.carts, cpu)
                    print(f"{size:,} live promotions, pair {pair + 1}/{args.pairs}: {sha} {base.rates[-1]:,.0f}, "
                          f"this {this.rates[-1]:,.0f} carts/s", flush=True)
                same = len(base.checksums | this.checksums) == 1
                agree = agree and same
                ratio = this.median / base.median
                rows.append([f"{size:,}", f"{args.carts:,}", str(args.pairs), f"{base.median:,.0f} ({base.spread()})",
                             f"{this.median:,.0f} ({this.spread()})", f"{ratio:.3f}",
                             "yes " + next(iter(base.checksums)) if same else f"NO: {sorted(base.checksums)} vs {sorted(this.checksums)}"])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(Path(folder) / "tree")], cwd=ROOT, check=False)

    text = table(rows).replace("REF", sha)
    print()
    print(text)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    intro = (f"## Pricing engine beside an earlier commit (`benchmarks/pricing_against.py`)\n\n"
             f"This checkout ({head}, engine {this.build}) against {sha} (engine {base.build}), on the same carts, "
             f"one core (CPU {cpu}), runs alternated; load average {os.getloadavg()[0]:.2f} at the end.\n")
    rewrite_section(RESULTS, SECTION, intro, ("table",), {"table": text})
    print(f"figures written to {os.path.relpath(RESULTS)}")
    print(f"ratio_at_{sizes[-1]}={ratio:.3f}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
