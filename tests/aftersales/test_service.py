"""`aftersales.service` stays the one door to the domain's use cases, whichever module now holds each of them."""

from __future__ import annotations

import inspect

import pytest

from shopkeeper.aftersales import case_rows, complaint_service, evidence, metrics_service, rules, service, settlement

# Every name the service had before it was split, and the new use cases.
BEFORE_THE_SPLIT = (
    "DEADLINE", "REMINDER", "HELD", "EVIDENCE_TYPES", "MAX_FILES_PER_CASE",
    "FileTooLarge", "UnsupportedFileType", "CaseRequest", "CaseFilter", "CaseView", "subject", "as_case", "describe",
    "get_case", "list_cases", "shipping_class", "open_case", "take_late_shipment_refund", "deadline_passed", "remind",
    "answer", "accept", "refuse_prepared", "give_tracking", "confirm_received", "report_problem", "escalate", "withdraw",
    "arbitrate", "correct_responsibility", "post_message", "messages", "add_evidence", "evidence_files", "evidence_file",
    "timeline",
)
NEW = ("ask_for_evidence", "open_complaint", "get_complaint", "list_complaints", "uphold_complaint", "dismiss_complaint",
       "ComplaintFilter", "store_metrics", "StoreMetrics")


@pytest.mark.parametrize("name", BEFORE_THE_SPLIT + NEW)
def test_every_use_case_is_importable_from_the_service(name: str) -> None:
    assert name in service.__all__
    assert getattr(service, name) is not None


@pytest.mark.parametrize("name, home", [
    ("shipping_class", rules), ("describe", case_rows), ("CaseView", case_rows),
    ("HELD", settlement), ("add_evidence", evidence), ("post_message", evidence), ("open_complaint", complaint_service),
    ("store_metrics", metrics_service),
])
def test_a_moved_name_is_the_same_object(name: str, home: object) -> None:
    assert getattr(service, name) is getattr(home, name)


def test_the_signatures_other_code_calls_did_not_change() -> None:
    assert list(inspect.signature(service.describe).parameters) == ["row"]
    assert list(inspect.signature(service.get_case).parameters) == ["session", "actor", "case_id"]
    assert list(inspect.signature(service.add_evidence).parameters) == [
        "session", "now", "actor", "case_id", "directory", "max_bytes", "filename", "content_type", "data"]
    # a store's filed carriers come first (RULES.md §15 #6); callers that pass none get the rulebook's table
    assert list(inspect.signature(service.shipping_class).parameters) == ["carrier", "book", "filed"]
    assert list(inspect.signature(service.store_metrics).parameters) == ["session", "store_id", "start", "end"]
