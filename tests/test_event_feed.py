"""The event feed: everything that happened, in order, scoped like everything else."""

from __future__ import annotations

from support import Shop


def test_a_client_syncs_from_the_feed_and_sees_only_its_store(api, shop) -> None:
    other = Shop(api, rulebook="tmall")
    order = shop.order((shop.skus[0], 1))
    other.order((other.skus[0], 1))

    first = shop.staff.get("/events?type=order.")
    assert [(e["type"], e["subject"]) for e in first["items"]] == [("order.placed", f"order:{order['id']}")]
    assert {e["store_id"] for e in shop.staff.get("/events")["items"]} == {shop.store_id}

    # when more happens, polling from where we left off returns just that
    shop.pay(order)
    later = shop.staff.get(f"/events?after={first['next_after']}&type=order.")
    assert [e["type"] for e in later["items"]] == ["order.paid"]
    assert shop.staff.get(f"/events?after={later['next_after']}&type=order.") == {"items": [], "next_after": later["next_after"]}

    # the operator sees both stores; a buyer sees no feed
    assert {e["store_id"] for e in api.get("/events?type=order.")["items"]} == {shop.store_id, other.store_id}
    shop.shopper.get("/events", expect=403)


def test_event_ids_increase_with_time(shop, clock) -> None:
    for _ in range(3):
        shop.order((shop.skus[1], 1))
        clock.advance(minutes=1)
    items = shop.operator.get("/events?limit=200")["items"]
    assert [e["id"] for e in items] == sorted(e["id"] for e in items)
    assert [e["at"] for e in items] == sorted(e["at"] for e in items)
