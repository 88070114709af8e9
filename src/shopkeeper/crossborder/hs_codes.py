"""HS-code inspection conditions A/B and the 2017 adjustment (RULES.md §6.2).

In the Customs Import/Export Tariff (海关进出口税则) a 10-digit HS code's supervision conditions (监管条件) may carry
"A" (import needs inspection and quarantine, 进口需检验检疫) and "B" (export needs it, 出口需检验检疫). A joint
AQSIQ / General Administration of Customs announcement changed 197 codes in three ways: cancel A/B (12 codes),
A/B → A (17), cancel A (168). Everything the catalogue marks needs inspection (§6.2).

Readings chosen:
- §15 #17: the announcement's date is printed "2017年1月日", the day missing. Reading chosen: 2017-01-01, the first
  day the month allows, so a shipment in January 2017 is never held to a condition the announcement cancels.
- "Cancel A" on a code catalogued A/B leaves B: only the import condition goes.
- A code the catalogue does not hold is refused (`unknown-hs-code`), never assumed free of inspection: §6.2 says to
  check the catalogue or ask the inspection authority when in doubt.

`SAMPLE_CATALOGUE` is a handful of examples of each change kind, not the 197 codes of the announcement: the
sources list none of them, so the codes and their 2016 conditions are illustrative, drawn from the goods the
announcement names (auto parts, medical instrument parts, food-processing equipment parts, phototypesetting
equipment, cables, pesticides). A service passes the real catalogue as `catalogue=` once we hold one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Iterable, Literal, Mapping, get_args

from shopkeeper.errors import DomainError, InvalidInput

Condition = Literal["A", "B"]
Direction = Literal["import", "export"]
ChangeKind = Literal["cancel-ab", "ab-to-a", "cancel-a"]
CHANGE_KINDS: tuple[str, ...] = get_args(ChangeKind)

ADJUSTMENT_2017 = date(2017, 1, 1)  # §15 #17 reading: the day is missing from "2017年1月日"
ADJUSTMENT_2017_COUNTS: Mapping[ChangeKind, int] = MappingProxyType({"cancel-ab": 12, "ab-to-a": 17, "cancel-a": 168})

_CONDITION_FOR: Mapping[Direction, Condition] = MappingProxyType({"import": "A", "export": "B"})
_AB: frozenset[Condition] = frozenset({"A", "B"})


class UnknownHsCode(DomainError):
    code = "unknown-hs-code"
    status = 422
    title = "The HS code is not in the inspection catalogue"


def check_hs_code(code: object) -> str:
    """A 10-digit HS code (十位HS编码) as the tariff prints it, digits only."""
    if not (isinstance(code, str) and len(code) == 10 and code.isascii() and code.isdigit()):
        raise InvalidInput(f"an HS code must be 10 digits, not {code!r}")
    return code


def _after(kind: ChangeKind, conditions: frozenset[Condition]) -> frozenset[Condition]:
    if kind == "cancel-ab":
        return conditions - _AB
    if kind == "ab-to-a":
        return frozenset({"A"})
    return conditions - {"A"}


@dataclass(frozen=True)
class HsEntry:
    """One code's conditions as catalogued before any change, and the change that applies to it, if any."""

    code: str
    goods: str
    conditions: frozenset[Condition]
    change: ChangeKind | None = None
    effective: date = ADJUSTMENT_2017

    def __post_init__(self) -> None:
        check_hs_code(self.code)
        if not self.conditions <= _AB:
            raise InvalidInput(f"HS {self.code}: conditions must be A and/or B, not {sorted(self.conditions)}")
        if self.change is not None and self.change not in CHANGE_KINDS:
            raise InvalidInput(f"HS {self.code}: {self.change!r} is not one of {', '.join(CHANGE_KINDS)}")
        # a change can only take away what the code carried (§6.2)
        if self.change in ("cancel-ab", "ab-to-a") and self.conditions != _AB:
            raise InvalidInput(f"HS {self.code}: {self.change} needs a code catalogued A/B, not {sorted(self.conditions)}")
        if self.change == "cancel-a" and "A" not in self.conditions:
            raise InvalidInput(f"HS {self.code}: cancel-a needs a code catalogued with A")

    def conditions_on(self, day: date) -> frozenset[Condition]:
        if self.change is None or day < self.effective:
            return self.conditions
        return _after(self.change, self.conditions)


def catalogue(entries: Iterable[HsEntry]) -> Mapping[str, HsEntry]:
    """A read-only catalogue keyed by code; a code listed twice is refused."""
    found: dict[str, HsEntry] = {}
    for entry in entries:
        if entry.code in found:
            raise InvalidInput(f"HS {entry.code} is listed twice in the catalogue")
        found[entry.code] = entry
    return MappingProxyType(found)


# Illustrative examples, not codes taken from the announcement (see the module docstring).
SAMPLE_CATALOGUE = catalogue([
    # cancel A/B: no more import or export inspection
    HsEntry("8708295900", "auto body parts, other", frozenset({"A", "B"}), "cancel-ab"),
    HsEntry("8438900000", "parts of food-processing machinery", frozenset({"A", "B"}), "cancel-ab"),
    HsEntry("8544421900", "insulated cables with connectors, other", frozenset({"A", "B"}), "cancel-ab"),
    # A/B → A: import inspection only
    HsEntry("3808911900", "insecticides (pesticides), other", frozenset({"A", "B"}), "ab-to-a"),
    HsEntry("3808931900", "herbicides (pesticides), other", frozenset({"A", "B"}), "ab-to-a"),
    HsEntry("8442301000", "phototypesetting machines", frozenset({"A", "B"}), "ab-to-a"),
    # cancel A: no more import inspection; a code that also carried B keeps it
    HsEntry("9018909990", "parts and accessories of medical instruments, other", frozenset({"A"}), "cancel-a"),
    HsEntry("8708999990", "parts of motor vehicles, other", frozenset({"A"}), "cancel-a"),
    HsEntry("8544492100", "cables for voltages up to 1,000 V, other", frozenset({"A", "B"}), "cancel-a"),
    # untouched by the adjustment, for contrast
    HsEntry("0201100010", "beef carcasses, fresh or chilled", frozenset({"A", "B"})),
])


def conditions_on(hs_code: str, day: date, *, catalogue: Mapping[str, HsEntry] = SAMPLE_CATALOGUE) -> frozenset[Condition]:
    """The inspection conditions `hs_code` carries on `day` (RULES.md §6.2)."""
    entry = catalogue.get(check_hs_code(hs_code))
    if entry is None:
        # §6.2: when in doubt, check the tariff or ask the inspection authority; never assume no inspection
        raise UnknownHsCode(f"HS {hs_code} is not in the inspection catalogue; check the tariff or ask the "
                            "inspection authority", hs_code=hs_code)
    return entry.conditions_on(day)


def needs_inspection(hs_code: str, direction: Direction, day: date, *,
                     catalogue: Mapping[str, HsEntry] = SAMPLE_CATALOGUE) -> bool:
    """Must goods of `hs_code` be inspected to move in `direction` on `day`? A for import, B for export (§6.2)."""
    if direction not in _CONDITION_FOR:
        raise InvalidInput(f"direction must be import or export, not {direction!r}")
    return _CONDITION_FOR[direction] in conditions_on(hs_code, day, catalogue=catalogue)
