"""Rulebooks are complete and consistent; a broken one is refused with a sentence naming the entry."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopkeeper import rulebooks
from shopkeeper.cli import app
from shopkeeper.errors import InvalidInput
from shopkeeper.rulebooks import check

runner = CliRunner()
SHIPPED = ["aliexpress", "default", "dhgate", "taobao", "tmall"]


def path_of(name: str) -> Path:
    return Path(str(resources.files("shopkeeper.rulebooks").joinpath(f"{name}.toml")))


def raw(name: str) -> dict[str, Any]:
    return tomllib.loads(path_of(name).read_text(encoding="utf-8"))


def test_the_five_platform_rulebooks_ship() -> None:
    assert rulebooks.names() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_rulebook_passes_the_check_and_loads(name: str) -> None:
    assert check.problems(raw(name)) == []
    book = rulebooks.load(name)
    assert book.name == name and book.aftersales.reasons


def leaves(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, inner in enumerate(value):
            yield from leaves(inner, f"{path}[{i}]")
    else:
        yield path


def delete(table: dict[str, Any], path: str) -> None:
    *parents, last = path.replace("[", ".[").split(".")
    here: Any = table
    for part in parents:
        here = here[int(part[1:-1])] if part.startswith("[") else here[part]
    del here[last]


@pytest.mark.parametrize("name", ["dhgate", "tmall"])
def test_removing_any_entry_is_reported_as_missing_by_its_full_name(name: str) -> None:
    whole = raw(name)
    for path in leaves(whole):
        broken = copy.deepcopy(whole)
        delete(broken, path)
        assert f"{path}: missing" in check.problems(broken), path


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(table: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        here = table
        for part in parents:
            here = here[part]
        here[last] = value
    return change


def _reason(index: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(table: dict[str, Any]) -> None:
        table["aftersales"]["reasons"][index][key] = value
    return change


def _carrier(index: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(table: dict[str, Any]) -> None:
        table["carriers"]["known"][index][key] = value
    return change


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("dhgate", _set("aftersales.reship.seller_tracking_days", 0),
     "aftersales.reship.seller_tracking_days: must be a positive whole number, not 0"),
    ("dhgate", _set("aftersales.negotiation.negotiate_days", "10"),
     "aftersales.negotiation.negotiate_days: must be a positive whole number, not '10'"),
    ("dhgate", _set("aftersales.pre_shipment.seller_may_refuse_prepared", "yes"),
     "aftersales.pre_shipment.seller_may_refuse_prepared: must be true or false, not 'yes'"),
    ("dhgate", _reason(3, "responsible", "sellerr"),
     "aftersales.reasons[3].responsible: 'sellerr' is not one of seller, buyer, third_party, investigation"),
    ("dhgate", _set("aftersales.reship.on_seller_silence", "release_seller"),
     "aftersales.reship.on_seller_silence: 'release_seller' is not one of refund_buyer, escalate"),
    ("dhgate", _set("aftersales.return_refund.remind_seller_on_days", [15, 35]),
     "aftersales.return_refund.remind_seller_on_days: day 35 is not before assume_received_on_day (30)"),
    ("dhgate", _set("aftersales.return_refund.remind_seller_on_days", [20, 15]),
     "aftersales.return_refund.remind_seller_on_days: must be a list of positive whole numbers of days in increasing order"),
    ("dhgate", _set("aftersales.reship.assume_received_on_day", 95),
     "aftersales.reship.assume_received_on_day: day 95 is after buyer_receive_days (90)"),
    ("dhgate", _set("aftersales.opening.post", {"opens_after_days": 95, "closes_after_days": 90}),
     "aftersales.opening.post: opens on day 95, not before it closes (day 90)"),
    ("dhgate", _set("aftersales.opening.post", {"opens_after_days": 10}), "aftersales.opening.post.closes_after_days: missing"),
    ("dhgate", _set("aftersales.negotiation.vip_member_levels", ["gold", "diamond"]),
     "aftersales.negotiation.vip_member_levels: must be a list of distinct member levels (regular, silver, gold, platinum)"),
    ("dhgate", _set("aftersales.negotiation.vip_may_escalate_after_days", 6),
     "aftersales.negotiation.vip_may_escalate_after_days: VIP buyers may not wait longer than others (6 > 5)"),
    ("dhgate", _set("aftersales.negotiation.others_may_escalate_after_days", 10),
     "aftersales.negotiation.others_may_escalate_after_days: must be before negotiate_days (10)"),
    ("dhgate", _set("aftersales.negotiation.seller_answer_days", 12),
     "aftersales.negotiation.seller_answer_days: day 12 is after negotiate_days (10)"),
    ("dhgate", _set("aftersales.platform.seller_feedback_days", 11),
     "aftersales.platform.seller_feedback_days: day 11 is after ruling_days (10)"),
    ("dhgate", _set("aftersales.return_refund.seller_report_from_day", 30),
     "aftersales.return_refund.seller_report_from_day: day 30 leaves the seller no time to report"),
    ("dhgate", _set("aftersales.pre_shipment.on_silence", "keep_order"),
     "aftersales.pre_shipment.silence_counts_as_sold_not_shipped: true needs on_silence = 'refund_buyer'"),
    ("dhgate", _reason(1, "code", "out_of_stock"), "aftersales.reasons[1].code: 'out_of_stock' is used twice"),
    ("dhgate", _reason(0, "stage", "post_shipment"),
     "aftersales.reasons[0].category: 'order' does not belong to stage 'post_shipment'"),
    ("dhgate", _set("aftersales.late_shipment.instant_refund", True),
     "aftersales.reasons: late_shipment.instant_refund is true but no reason has category 'late_shipment'"),
    ("dhgate", _set("aftersales.complaint.window_days", 15), "aftersales.complaint.window_days: not used when offered = false"),
    ("dhgate", _set("aftersales.seller_recieve_days", 30), "aftersales.seller_recieve_days: unknown entry"),
    ("dhgate", _set("timezone", "Mars/Olympus"), "timezone: 'Mars/Olympus' is not an IANA time zone"),
    ("taobao", _set("aftersales.complaint.compensation.min", "31.00"),
     "aftersales.complaint.compensation.min: 31.00 is above max (30.00)"),
    ("taobao", _set("aftersales.complaint.compensation.max", 30),
     "aftersales.complaint.compensation.max: must be an amount written as a string"),
    ("taobao", _set("aftersales.complaint.compensation.rate", "5"),
     "aftersales.complaint.compensation.rate: must be a fraction above 0"),
    ("taobao", _set("aftersales.complaint.compensation.min", "5.001"),
     "aftersales.complaint.compensation.min: '5.001' has more decimal places than CNY allows"),
    ("taobao", _set("aftersales.complaint.compensation.paid_in", "points"),
     "aftersales.complaint.compensation.points_per_major_unit: missing"),
    ("tmall", _set("aftersales.complaint.compensation.paid_in", "vouchers"),
     "aftersales.complaint.compensation.paid_in: 'vouchers' is not one of cash, points"),
    # carriers and the receipt clock per shipping class (RULES.md §5.6, §15 #6, §17.1)
    ("dhgate", _carrier(0, "shipping_class", "big4"),
     "carriers.known[0].shipping_class: 'big4' is not a shipping class of aftersales.opening (express, standard, post)"),
    ("dhgate", _carrier(5, "aliases", ["dhl express"]), "carriers.known[5]: 'dhl express' is already a name of carriers.known[0]"),
    ("dhgate", _carrier(1, "name", "  "), "carriers.known[1].name: must be a non-empty string"),
    ("dhgate", _carrier(1, "aliases", "UPS Saver"), "carriers.known[1].aliases: must be a list of non-empty names"),
    ("dhgate", _set("carriers.default_class", "air"),
     "carriers.default_class: 'air' is not a shipping class of aftersales.opening (express, standard, post)"),
    ("taobao", _set("receipt.auto_confirm_days", {"express": 10, "post": 30}), "receipt.auto_confirm_days.standard: missing"),
    ("taobao", _set("receipt.auto_confirm_days", {"express": 10, "standard": 10, "post": 30, "sea": 60}),
     "receipt.auto_confirm_days.sea: 'sea' is not a shipping class of aftersales.opening"),
    ("taobao", _set("receipt.auto_confirm_days", 10), "receipt.auto_confirm_days: must be a table of days per shipping class"),
    ("taobao", _set("receipt.auto_confirm_days", {"express": 10, "standard": 10, "post": 46}),
     "receipt.auto_confirm_days.post: day 46 is after aftersales.opening.post closes (day 45)"),
    ("taobao", _set("receipt.extension.seller_days", [10, 3]),
     "receipt.extension.seller_days: must be a list of positive whole numbers of days in increasing order"),
    ("taobao", _set("receipt.extension.buyer_from_days_left", 11),
     "receipt.extension.buyer_from_days_left: 11 days is more than the shortest auto_confirm_days"),
    ("dhgate", _set("receipt.extension.buyer_days", 3), "receipt.extension.buyer_days: not used when offered = false"),
    # AliExpress (RULES.md §7.2.2): the answer clock by kind of case; a platform that waits for its ruling
    ("aliexpress", _set("aftersales.negotiation.seller_answer_for", ["order"]),
     "aftersales.negotiation.seller_answer_for: must be a list of distinct reason categories after shipment"),
    ("aliexpress", _set("aftersales.platform.seller_feedback_days", 3),
     "aftersales.platform.seller_feedback_days: not used when on_seller_silence = 'await_ruling'"),
    ("dhgate", _set("aftersales.platform.on_seller_silence", "refund_buyer"),
     "aftersales.platform.on_seller_silence: 'refund_buyer' is not one of carry_out_buyer_proposal, await_ruling"),
]


@pytest.mark.parametrize("name, change, message", BROKEN, ids=[m.split(":")[0] for _, _, m in BROKEN])
def test_a_broken_copy_fails_with_a_message_naming_the_entry(name: str, change: Callable[[dict[str, Any]], None],
                                                             message: str) -> None:
    broken = raw(name)
    change(broken)
    found = check.problems(broken)
    assert any(p.startswith(message) for p in found), found


def test_a_rulebook_without_its_after_sales_part_is_told_so() -> None:
    broken = raw("taobao")
    del broken["aftersales"]
    assert check.problems(broken) == ["aftersales: missing"]


def test_text_that_is_not_toml_is_one_problem() -> None:
    (problem,) = check.check_text("title = \n")
    assert problem.startswith("not valid TOML")


def test_loading_a_broken_rulebook_raises_invalid_input_listing_every_problem() -> None:
    source = path_of("dhgate").read_text(encoding="utf-8").replace("seller_receive_days = 30 ", "seller_receive_days = 0 ", 1)
    with pytest.raises(InvalidInput) as refused:
        rulebooks.from_text("broken", source)
    assert refused.value.code == "invalid-input"
    assert "aftersales.return_refund.seller_receive_days: must be a positive whole number, not 0" in refused.value.detail
    assert refused.value.extra["problems"]


def test_an_unknown_rulebook_is_still_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match="unknown rulebook 'ebay'"):
        rulebooks.load("ebay")


# --- the command --------------------------------------------------------------------------------

def test_check_says_ok_for_every_shipped_file_and_exits_0() -> None:
    files = [str(path_of(name)) for name in SHIPPED]
    result = runner.invoke(app, ["rulebook", "check", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(SHIPPED)


def test_check_prints_each_problem_of_a_bad_file_and_exits_1(tmp_path: Path) -> None:
    source = path_of("dhgate").read_text(encoding="utf-8")
    source = source.replace('en = "Seller cannot ship order at this price and quantity", responsible = "seller"',
                            'en = "Seller cannot ship order at this price and quantity", responsible = "sellerr"')
    source = source.replace("seller_receive_days = 30            # §7.1.4 A", "# §7.1.4 A")
    bad = tmp_path / "bad.toml"
    bad.write_text(source, encoding="utf-8")
    result = runner.invoke(app, ["rulebook", "check", str(bad), str(path_of("taobao"))])
    assert result.exit_code == 1
    assert "aftersales.return_refund.seller_receive_days: missing" in result.output
    assert "aftersales.reasons[3].responsible: 'sellerr' is not one of seller, buyer, third_party, investigation" in result.output
    assert "taobao.toml: ok" in result.output


def test_check_names_a_carrier_filed_under_an_unknown_class_and_a_name_listed_twice(tmp_path: Path) -> None:
    """RULES.md §15 #6: the carriers' table is checked like any entry: each class is a case-window class, each name once."""
    source = path_of("aliexpress").read_text(encoding="utf-8")
    source = source.replace('{ name = "TNT", aliases = ["TNT Express", "天地快运"], shipping_class = "express" }',
                            '{ name = "TNT", aliases = ["TNT Express", "顺丰国际"], shipping_class = "big4" }')
    bad = tmp_path / "bad.toml"
    bad.write_text(source, encoding="utf-8")
    result = runner.invoke(app, ["rulebook", "check", str(bad)])
    assert result.exit_code == 1
    assert "carriers.known[3].shipping_class: 'big4' is not a shipping class of aftersales.opening" in result.output
    assert "carriers.known[4]: '顺丰国际' is already a name of carriers.known[3]" in result.output


def test_check_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rulebook", "check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_list_names_every_rulebook_with_its_title() -> None:
    result = runner.invoke(app, ["rulebook", "list"])
    assert result.exit_code == 0
    for name in SHIPPED:
        assert name in result.output
    assert "DHgate (敦煌网)" in result.output and "Tmall (天猫)" in result.output


def test_the_shortage_outcomes_are_rulebook_entries() -> None:
    """RULES.md §7.2.2: proved and signed → release to the seller; otherwise (§15 #8) the platform rules."""
    for name in SHIPPED:
        e = rulebooks.load(name).aftersales.evidence
        assert (e.shortage_agree.days, e.on_shortage_proven, e.on_shortage_no_agreement) == (3, "release_seller", "escalate")
    broken = raw("aliexpress")
    broken["aftersales"]["evidence"]["on_shortage_proven"] = "refund_buyer"
    assert "aftersales.evidence.on_shortage_proven: 'refund_buyer' is not one of release_seller, escalate" in check.problems(broken)


def test_programs_are_optional_but_checked_when_present() -> None:
    """RULES.md §7.4: the Mogujie thresholds are in the default rulebook's [programs] table."""
    assert "programs" not in raw("dhgate") and check.problems(raw("dhgate")) == []
    whole = raw("default")
    assert set(whole["programs"]["mogujie_quality_merchant"]) == {
        "min_star_level", "min_denim_gmv_share", "denim_gmv_share_inclusive", "min_on_time_shipping_rate", "min_qc_pass_rate"}
    broken = copy.deepcopy(whole)
    del broken["programs"]["mogujie_quality_merchant"]["min_qc_pass_rate"]
    broken["programs"]["mogujie_quality_merchant"]["min_on_time_shipping_rate"] = "98"
    broken["programs"]["elsewhere"] = {}
    found = check.problems(broken)
    assert "programs.mogujie_quality_merchant.min_qc_pass_rate: missing" in found
    assert any(p.startswith("programs.mogujie_quality_merchant.min_on_time_shipping_rate: must be a fraction") for p in found)
    assert "programs.elsewhere: unknown entry" in found
