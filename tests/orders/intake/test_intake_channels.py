"""Channels: the seam orders come in through and shipments go back (RULES.md §5.1 stage 1)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orders.intake.files import SAMPLES
from shopkeeper.errors import NotFound
from shopkeeper.orders.intake.channels import Channel, FileChannel, PushedShipment, SandboxChannel
from shopkeeper.orders.intake.statuses import IntakeStatus

START = datetime(2026, 11, 1, tzinfo=UTC)
SHIPPED_AT = datetime(2026, 11, 10, 9, tzinfo=UTC)


def test_a_file_channel_reads_its_file_and_keeps_orders_placed_since() -> None:
    # given the Amazon sample read through a file channel, the layout sniffed
    channel: Channel = FileChannel(SAMPLES / "amazon_all_orders.txt")
    # when asked for orders since 4 November
    result = channel.fetch_orders(datetime(2026, 11, 4, tzinfo=UTC))
    # then it names the channel and returns only the later orders
    assert channel.name == "amazon"
    assert [o.channel_order_id for o in result.orders] == [
        "333-3333333-3333333",
        "444-4444444-4444444",
        "503-5555555-5555555",
    ]


def test_a_file_channel_reports_the_file_row_errors(tmp_path: Path) -> None:
    # given a copy of the bad eBay sample, with a byte-order mark as spreadsheets write it
    path = tmp_path / "orders.csv"
    path.write_text("\ufeff" + (SAMPLES / "ebay_orders_us_bad.csv").read_text(encoding="utf-8"), encoding="utf-8")
    # when fetched
    result = FileChannel(path, "ebay").fetch_orders(START)
    # then the good orders and the six errors come back
    assert len(result.orders) == 2
    assert [e.line_number for e in result.errors] == [5, 6, 7, 8, 9, 10]


def test_a_file_of_no_known_layout_is_one_file_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n", encoding="utf-8")
    result = FileChannel(path).fetch_orders(START)
    assert result.orders == ()
    assert [(e.line_number, e.column) for e in result.errors] == [(1, "file")]


def test_a_file_channel_keeps_the_shipments_pushed_to_it(tmp_path: Path) -> None:
    path = tmp_path / "shopify.csv"
    shutil.copy(SAMPLES / "shopify_orders.csv", path)
    channel = FileChannel(path, "shopify")
    channel.push_shipment("#1001", "UPS", "1Z999", SHIPPED_AT)
    assert channel.shipments == [PushedShipment("#1001", "UPS", "1Z999", SHIPPED_AT)]


def test_the_sandbox_makes_the_same_orders_for_the_same_seed() -> None:
    # given two sandboxes of seed 7 and one of seed 8
    one, same, other = SandboxChannel(7), SandboxChannel(7), SandboxChannel(8)
    # then seed 7 gives identical orders twice, and seed 8 different ones
    assert one.fetch_orders(START) == same.fetch_orders(START)
    assert one.fetch_orders(START) != other.fetch_orders(START)


def test_sandbox_orders_are_plausible() -> None:
    # given a sandbox of 40 orders
    orders = SandboxChannel(3, count=40).fetch_orders(START).orders
    # then each has lines, a total that reconciles, and an aware UTC time after the start
    assert len(orders) == 40
    assert len({o.channel_order_id for o in orders}) == 40
    for order in orders:
        assert order.lines and all(line.quantity >= 1 for line in order.lines)
        assert order.reconciles
        assert order.placed_at >= START and order.placed_at.utcoffset() is not None
    assert IntakeStatus.AWAITING_SHIPMENT in {o.status for o in orders}


def test_a_shipment_pushed_to_the_sandbox_is_recorded_and_the_order_comes_back_shipped() -> None:
    # given a sandbox and one of its orders
    channel = SandboxChannel(11)
    order_id = channel.fetch_orders(START).orders[0].channel_order_id
    # when its shipment is pushed
    channel.push_shipment(order_id, "DHL", "JD0001", SHIPPED_AT)
    # then the sandbox records it, and the next fetch shows the order shipped
    assert channel.shipments == [PushedShipment(order_id, "DHL", "JD0001", SHIPPED_AT)]
    again = {o.channel_order_id: o for o in channel.fetch_orders(START).orders}
    assert again[order_id].status is IntakeStatus.SHIPPED


def test_pushing_a_shipment_for_an_order_the_sandbox_never_made_is_refused() -> None:
    with pytest.raises(NotFound):
        SandboxChannel(1).push_shipment("SBX-99999", "DHL", "X", SHIPPED_AT)
