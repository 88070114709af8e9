"""The awaiting-shipment queue's strings (待发货, 打单配货), in English and Chinese; `i18n` merges them into its two dicts."""

from __future__ import annotations

EN_SHIPPING: dict[str, str] = {
    "nav.queue": "Awaiting shipment",
    "sq.title": "Awaiting shipment",
    "sq.lead": "Paid orders not yet shipped, the soonest ship-by first. Tick orders, then book and print their labels: "
               "one PDF with the pick list walked shelf by shelf, then a label per parcel.",
    "sq.none": "Nothing waits to ship.",
    "sq.choose_one": "Pick",
    "sq.choose_order": "Choose order {number}",
    "sq.f.order": "Order",
    "sq.f.ship_by": "Ship by",
    "sq.f.allocation": "Warehouse → channel",
    "sq.f.label": "Label",
    "sq.overdue": "overdue",
    "sq.unallocated": "not allocated yet",
    "sq.rule": "rule: {rule}",
    "sq.held": "held: {reason}",
    "sq.no_label": "no label",
    "sq.printed": "printed ×{n}",
    "sq.book_print": "Book & print labels",
    "sq.pick_list": "Pick list",
    "sq.choose": "Tick 1 to {n} orders first.",
    "sq.gone": "One of the orders ticked no longer waits to ship. The queue is shown as it stands now.",
    "sq.one_store": "Tick orders of one store: a batch carries one store's sender and shelves.",
}

ZH_SHIPPING: dict[str, str] = {
    "nav.queue": "待发货",
    "sq.title": "待发货",
    "sq.lead": "已付款未发货的订单，最早到期的排在前面。勾选订单后获取并打印面单：一个 PDF，先是按货架顺序的配货单，再是每个包裹的面单。",
    "sq.none": "没有待发货的订单。",
    "sq.choose_one": "选择",
    "sq.choose_order": "选择订单 {number}",
    "sq.f.order": "订单",
    "sq.f.ship_by": "最晚发货",
    "sq.f.allocation": "仓库 → 物流渠道",
    "sq.f.label": "面单",
    "sq.overdue": "已超时",
    "sq.unallocated": "尚未分配",
    "sq.rule": "规则：{rule}",
    "sq.held": "暂缓：{reason}",
    "sq.no_label": "无面单",
    "sq.printed": "已打印 {n} 次",
    "sq.book_print": "获取并打印面单",
    "sq.pick_list": "配货单",
    "sq.choose": "请先勾选 1 至 {n} 个订单。",
    "sq.gone": "所勾选的订单中有一个已不再待发货。以下为当前的队列。",
    "sq.one_store": "请只勾选同一店铺的订单：一批面单使用同一店铺的寄件人和货架。",
}
