"""Which shipping class a carrier belongs to, and the clocks it sets: when a case may open and when receipt confirms
itself (RULES.md §5.5, §5.6, §7.3, §17.1 and the §15 #6 reading)."""

from __future__ import annotations

import pytest

from aftersales_clock import ALI, DAY, DEFAULT, DH, T0, TAOBAO, TMALL
from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.rules import case_window, shipping_class
from shopkeeper.orders.rules import confirm_by
from shopkeeper.rulebooks.carriers import Carrier


@pytest.mark.parametrize("carrier, found", [("DHL", "express"), ("UPS Saver", "express"), ("fedex", "express"),
                                            ("  tnt express ", "express"), ("敦豪", "express"), ("ＤＨＬ", "express"),
                                            ("DHLX", "standard"), ("DHL eCommerce", "standard"), ("DHL Supply", "standard"),
                                            ("SF Express", "standard"), ("顺丰国际", "standard"), ("YunExpress", "standard"),
                                            ("China Post", "post"), ("中国邮政", "post"), ("Posti", "standard"),
                                            (None, "standard")])
def test_shipping_class_of_a_carrier_on_dhgate(carrier: str | None, found: str) -> None:
    """§5.6, §15 #6 reading: DHL, UPS, FedEx, TNT are Big-4 express, by whole name or alias, case and spaces aside;
    SF is general express there; a name no list has is the default class (standard), never matched by a prefix."""
    # given a DHgate store, when a shipment goes with this carrier (or none named), then it is of this class
    assert shipping_class(carrier, DH) == found


@pytest.mark.parametrize("carrier", ["SF Express", "顺丰国际", "sf international", "Shunfeng", "UPS", "TNT"])
def test_sf_international_is_commercial_express_on_aliexpress(carrier: str) -> None:
    """§5.5: commercial logistics = air express excluding EMS, by UPS, DHL, FedEx, TNT and SF (顺丰国际)."""
    # given an AliExpress store, when a shipment goes with SF or one of the Big 4, then it is express
    assert shipping_class(carrier, ALI) == "express"
    # when it goes by EMS or DHL eCommerce, then it is not
    assert shipping_class("EMS", ALI) == "standard" and shipping_class("DHL eCommerce", ALI) == "standard"


def test_a_stores_filed_carrier_comes_before_the_rulebooks_list_and_the_default() -> None:
    """§15 #6: the store files its own carriers; they win over the rulebook's entry of the same name."""
    # given a DHgate store that filed SF Express as express and Royal Mail as post
    filed = (Carrier("SF Express", ("顺丰",), "express"), Carrier("Royal Mail", ("皇家邮政",), "post"))
    # then its filing wins over the rulebook, adds carriers the rulebook does not know, and still matches whole names
    assert shipping_class("sf express", DH, filed) == "express"  # the rulebook says standard
    assert shipping_class(" 皇家邮政 ", DH, filed) == "post"  # the rulebook does not know it
    assert shipping_class("Royal Mail Tracked", DH, filed) == "standard"  # no prefix match: the default
    assert shipping_class("DHL", DH, filed) == "express"  # the rulebook's list still applies


@pytest.mark.parametrize("book, carrier, days", [(TAOBAO, "YTO", 10), (TAOBAO, "中通快递", 10), (TAOBAO, "平邮", 30),
                                                 (TMALL, "China Post", 30), (TMALL, "Unknown Courier", 10),
                                                 (DEFAULT, "DHL", 10), (DEFAULT, "China Post", 30), (ALI, "China Post", 90)])
def test_auto_confirm_follows_the_shipping_class_of_the_carrier(book: rulebooks.Rulebook, carrier: str, days: int) -> None:
    """§17.1: on Taobao/Tmall receipt confirms itself 10 days after an express shipment, 30 after surface post."""
    # given an order shipped at T0 with this carrier, then receipt confirms itself this many days later
    assert confirm_by(T0, book, shipping_class(carrier, book)) == T0 + days * DAY


@pytest.mark.parametrize("book", [TAOBAO, TMALL])
def test_the_case_window_ends_15_days_after_receipt_would_confirm_itself(book: rulebooks.Rulebook) -> None:
    """§17.1, §7.3: the window closes 15 days after receipt would confirm itself, for each class alike."""
    # given a shipment at T0 of each class, then a case may be opened until 15 days after its automatic receipt
    for shipping in ("express", "standard", "post"):
        _, closes = case_window(book, shipping, T0)
        assert closes == confirm_by(T0, book, shipping) + 15 * DAY
