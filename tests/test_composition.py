"""The composition root's timer table: every kind of timer the engine schedules has its handler there."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import shopkeeper
from shopkeeper.composition import TIMER_HANDLERS

SRC = Path(shopkeeper.__file__).parent


def scheduled_kinds() -> dict[str, str]:
    """kind → where it is scheduled, from every `timers.schedule(session, KIND, ...)` call in the package."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        module_name = "shopkeeper." + ".".join(path.relative_to(SRC).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "schedule"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "timers" and len(node.args) >= 2):
                kind = node.args[1]
                if isinstance(kind, ast.Constant):
                    found[str(kind.value)] = f"{path.name}:{node.lineno}"
                else:  # a constant's name: read it from the module
                    assert isinstance(kind, ast.Name), f"{path.name}:{node.lineno}: name the kind by a constant"
                    found[str(getattr(importlib.import_module(module_name), kind.id))] = f"{path.name}:{node.lineno}"
    return found


def test_every_scheduled_timer_kind_has_a_handler_in_the_table() -> None:
    kinds = scheduled_kinds()
    assert len(kinds) >= 5
    assert {kind: where for kind, where in kinds.items() if kind not in TIMER_HANDLERS} == {}


def test_the_table_handles_nothing_that_is_never_scheduled() -> None:
    assert set(TIMER_HANDLERS) - set(scheduled_kinds()) == set()
