"""Each after-sales name has one home and one import path: no module re-exports another's names."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

import pytest

import shopkeeper.aftersales
from shopkeeper.aftersales.cases import evidence as case_evidence
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases import rules, service
from shopkeeper.aftersales.complaints import service as complaint_service
from shopkeeper.aftersales.metrics import service as metrics_service

# Names the case service used to re-export, and the one module that now holds each (the service still uses
# some, such as `HELD` and `DEADLINE`, by name: used, not offered).
HOMES = [
    ("shipping_class", rules), ("describe", case_rows), ("CaseView", case_rows), ("CaseFilter", case_rows),
    ("get_case", case_rows), ("list_cases", case_rows),
    ("add_evidence", case_evidence), ("post_message", case_evidence), ("timeline", case_evidence),
    ("open_complaint", complaint_service), ("ComplaintFilter", complaint_service),
    ("store_metrics", metrics_service), ("StoreMetrics", metrics_service),
]


@pytest.mark.parametrize("name, home", HOMES)
def test_a_name_is_imported_from_its_home_only(name: str, home: object) -> None:
    assert hasattr(home, name)
    assert not hasattr(service, name)


def test_no_aftersales_module_is_a_facade() -> None:
    modules = [import_module(m.name) for m in pkgutil.walk_packages(shopkeeper.aftersales.__path__, "shopkeeper.aftersales.")]
    assert [m.__name__ for m in modules if hasattr(m, "__all__")] == []


def test_the_signatures_other_code_calls_did_not_change() -> None:
    assert list(inspect.signature(case_rows.describe).parameters) == ["row"]
    assert list(inspect.signature(case_rows.get_case).parameters) == ["session", "actor", "case_id"]
    assert list(inspect.signature(case_evidence.add_evidence).parameters) == [
        "session", "now", "actor", "case_id", "directory", "max_bytes", "filename", "content_type", "data"]
    # a store's filed carriers come first (RULES.md §15 #6); callers that pass none get the rulebook's table
    assert list(inspect.signature(rules.shipping_class).parameters) == ["carrier", "book", "filed"]
    assert list(inspect.signature(metrics_service.store_metrics).parameters) == ["session", "store_id", "start", "end"]
