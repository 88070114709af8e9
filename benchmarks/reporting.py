"""What the benchmark scripts share in reporting: the machine's CPU model, and RESULTS.md, where each script
rewrites only its own section, between its markers, and keeps the rest."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = "# Benchmark results\n\nWritten by the scripts in this folder (see README.md); each script rewrites only its own section.\n"


def rewrite_section(results: Path, section: str, intro: str, parts: tuple[str, ...], blocks: dict[str, str]) -> None:
    """Rewrite `section` of `results` with its `intro` and its `parts` in that order: each part from `blocks`, or as
    it was when this run has none (the other database's figures, Oscar's when Oscar was skipped)."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    current = results.read_text(encoding="utf-8") if results.exists() else HEADER
    kept: dict[str, str] = {}
    if start in current and end in current:
        old = current[current.index(start):current.index(end) + len(end)]
        for part in parts:
            found = re.search(rf"<!-- {section}/{part}:start -->\n(.*?)\n<!-- {section}/{part}:end -->", old, re.S)
            if found:
                kept[part] = found.group(1)
    kept.update(blocks)
    lines = [start, intro, ""]
    for part in parts:
        if part in kept:
            lines += [f"<!-- {section}/{part}:start -->", kept[part], f"<!-- {section}/{part}:end -->", ""]
    lines.append(end)
    text = "\n".join(lines)
    if start in current and end in current:
        updated = current[:current.index(start)] + text + current[current.index(end) + len(end):]
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    results.write_text(updated, encoding="utf-8")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("" where there is none)."""
    try:
        return next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), "")
    except OSError:
        return ""
