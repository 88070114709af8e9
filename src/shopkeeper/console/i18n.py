"""Every string the console shows, in English and Chinese.

One flat dict per language with the same keys, so a missing translation is a
failing unit test rather than an English word on a Chinese page. Templates
call `t("key", **values)`; values are filled with `str.format`.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

EN: dict[str, str] = {
    "app.name": "Shopkeeper console",
    "lang.switch": "中文",
    "nav.dashboard": "Dashboard",
    "nav.orders": "Orders",
    "nav.docs": "API docs",
    "nav.logout": "Log out",
    "nav.role.operator": "Platform operator",
    "nav.role.staff": "Staff of store {store}",
    "times.utc": "Times are shown in each store's time zone.",
    # login
    "login.title": "Log in",
    "login.intro": "Paste an operator or store staff API key.",
    "login.key": "API key",
    "login.submit": "Log in",
    "login.invalid": "That API key is not valid.",
    "login.buyer_refused.title": "Buyer keys cannot open the console",
    "login.buyer_refused.body": "The console is for platform operators and store staff. Log in with an operator or staff key.",
    "login.again": "Log in with another key",
    # dashboard
    "dash.title": "Dashboard",
    "dash.now": "Now: {now} UTC",
    "dash.no_stores": "No stores yet.",
    "dash.today_orders": "Today's orders",
    "dash.today_gmv": "Today's GMV (paid)",
    "dash.escrow": "In escrow",
    "dash.balance": "Settled balance",
    "dash.awaiting": "Awaiting shipment",
    "dash.awaiting.none": "Nothing waiting to ship.",
    "dash.awaiting.more": "All {count} orders awaiting shipment",
    "dash.today_note": "Today = since 00:00 in each store's time zone.",
    # durations
    "dur.d": "d",
    "dur.h": "h",
    "dur.m": "m",
    "dur.m_alone": "m",
    "dur.sep": " ",
    "dur.left": "{t} left",
    "dur.overdue": "overdue {t}",
    # orders list
    "orders.title": "Orders",
    "orders.filter": "Filter",
    "orders.reset": "Clear",
    "orders.any_store": "All stores",
    "orders.any_status": "All statuses",
    "orders.date_from": "Placed from",
    "orders.date_to": "Placed to",
    "orders.none": "No orders match.",
    "orders.next": "Next page →",
    "orders.first": "← First page",
    "orders.bad_filter": "Some filters are not valid, so no orders are listed:",
    "orders.bad.store": "store must be one of the listed stores (got “{value}”)",
    "orders.bad.status": "status “{value}” is not an order status",
    "orders.bad.date": "{field} must be a date like 2026-11-25 (got “{value}”)",
    "orders.bad.range": "the “placed from” date is after the “placed to” date",
    "orders.bad.before": "the page cursor “{value}” is not valid",
    "orders.bad.number": "the order number is too long",
    # fields
    "f.number": "Order number",
    "f.store": "Store",
    "f.timezone": "Time zone",
    "f.status": "Status",
    "f.buyer": "Buyer",
    "f.total": "Total",
    "f.placed_at": "Placed",
    "f.ship_by": "Ship by",
    "f.time_left": "Time left",
    "f.ship_to": "Ship to",
    "f.title": "Item",
    "f.options": "Options",
    "f.sku": "SKU",
    "f.unit_price": "Unit price",
    "f.qty": "Qty",
    "f.line_total": "Line total",
    "f.goods": "Goods",
    "f.shipping": "Shipping",
    "f.discount": "Discount",
    "f.pay_by": "Pay by",
    "f.paid_at": "Paid",
    "f.shipped_at": "Shipped",
    "f.confirm_by": "Auto-confirm by",
    "f.completed_at": "Completed",
    "f.closed_at": "Closed",
    "f.carrier": "Carrier",
    "f.tracking": "Tracking number",
    "f.time": "Time",
    "f.event": "Event",
    "f.data": "Details",
    # order detail
    "order.title": "Order {number}",
    "order.lines": "Items",
    "order.totals": "Totals",
    "order.deadlines": "Deadlines",
    "order.shipment": "Shipment",
    "order.not_shipped": "Not shipped yet.",
    "order.timeline": "Timeline",
    "order.no_events": "No events.",
    "order.back": "← Orders",
    # errors
    "error.not_found.title": "Not found",
    "error.not_found.body": "There is no such order, or it belongs to a store you cannot see.",
    # order statuses
    "status.awaiting_payment": "Awaiting payment",
    "status.paid": "Awaiting shipment",
    "status.shipped": "Shipped",
    "status.delivered": "Delivered",
    "status.completed": "Completed",
    "status.closed": "Closed",
    # event types
    "event.order.placed": "Order placed",
    "event.order.paid": "Paid",
    "event.order.shipped": "Shipped",
    "event.order.delivered": "Delivered",
    "event.order.completed": "Completed",
    "event.order.closed": "Closed",
    "event.order.ship_overdue": "Shipping deadline missed",
    "event.payment.started": "Payment started",
    "event.payment.failed": "Payment failed",
    "event.payment.refunded": "Payment refunded",
}

ZH: dict[str, str] = {
    "app.name": "Shopkeeper 运营后台",
    "lang.switch": "English",
    "nav.dashboard": "概览",
    "nav.orders": "订单",
    "nav.docs": "API 文档",
    "nav.logout": "退出登录",
    "nav.role.operator": "平台运营",
    "nav.role.staff": "店铺 {store} 员工",
    "times.utc": "时间均按各店铺所在时区显示。",
    "login.title": "登录",
    "login.intro": "请粘贴平台运营或店铺员工的 API 密钥。",
    "login.key": "API 密钥",
    "login.submit": "登录",
    "login.invalid": "该 API 密钥无效。",
    "login.buyer_refused.title": "买家密钥不能登录运营后台",
    "login.buyer_refused.body": "运营后台仅供平台运营和店铺员工使用，请使用运营或员工密钥登录。",
    "login.again": "使用其他密钥登录",
    "dash.title": "概览",
    "dash.now": "当前时间：{now} UTC",
    "dash.no_stores": "暂无店铺。",
    "dash.today_orders": "今日订单",
    "dash.today_gmv": "今日成交额（已付款）",
    "dash.escrow": "担保中金额",
    "dash.balance": "已结算余额",
    "dash.awaiting": "待发货",
    "dash.awaiting.none": "没有待发货的订单。",
    "dash.awaiting.more": "查看全部 {count} 个待发货订单",
    "dash.today_note": "今日 = 各店铺所在时区 00:00 起。",
    "dur.d": "天",
    "dur.h": "小时",
    "dur.m": "分",
    "dur.m_alone": "分钟",
    "dur.sep": "",
    "dur.left": "剩余 {t}",
    "dur.overdue": "已超时 {t}",
    "orders.title": "订单",
    "orders.filter": "筛选",
    "orders.reset": "清除",
    "orders.any_store": "全部店铺",
    "orders.any_status": "全部状态",
    "orders.date_from": "下单起始日期",
    "orders.date_to": "下单截止日期",
    "orders.none": "没有符合条件的订单。",
    "orders.next": "下一页 →",
    "orders.first": "← 第一页",
    "orders.bad_filter": "部分筛选条件无效，未列出订单：",
    "orders.bad.store": "店铺必须是列表中的店铺（收到“{value}”）",
    "orders.bad.status": "“{value}”不是订单状态",
    "orders.bad.date": "{field}必须是形如 2026-11-25 的日期（收到“{value}”）",
    "orders.bad.range": "下单起始日期晚于截止日期",
    "orders.bad.before": "分页游标“{value}”无效",
    "orders.bad.number": "订单号过长",
    "f.number": "订单号",
    "f.store": "店铺",
    "f.timezone": "时区",
    "f.status": "状态",
    "f.buyer": "买家",
    "f.total": "实付金额",
    "f.placed_at": "下单时间",
    "f.ship_by": "最晚发货时间",
    "f.time_left": "剩余时间",
    "f.ship_to": "收货地址",
    "f.title": "商品",
    "f.options": "规格",
    "f.sku": "SKU",
    "f.unit_price": "单价",
    "f.qty": "数量",
    "f.line_total": "小计",
    "f.goods": "商品金额",
    "f.shipping": "运费",
    "f.discount": "优惠",
    "f.pay_by": "付款截止时间",
    "f.paid_at": "付款时间",
    "f.shipped_at": "发货时间",
    "f.confirm_by": "自动确认收货时间",
    "f.completed_at": "成交时间",
    "f.closed_at": "关闭时间",
    "f.carrier": "物流公司",
    "f.tracking": "运单号",
    "f.time": "时间",
    "f.event": "事件",
    "f.data": "详情",
    "order.title": "订单 {number}",
    "order.lines": "商品明细",
    "order.totals": "金额",
    "order.deadlines": "时限",
    "order.shipment": "物流",
    "order.not_shipped": "尚未发货。",
    "order.timeline": "订单动态",
    "order.no_events": "暂无动态。",
    "order.back": "← 订单列表",
    "error.not_found.title": "未找到",
    "error.not_found.body": "该订单不存在，或属于您无权查看的店铺。",
    "status.awaiting_payment": "待付款",
    "status.paid": "待发货",
    "status.shipped": "已发货",
    "status.delivered": "已签收",
    "status.completed": "交易成功",
    "status.closed": "交易关闭",
    "event.order.placed": "下单",
    "event.order.paid": "付款成功",
    "event.order.shipped": "已发货",
    "event.order.delivered": "已签收",
    "event.order.completed": "交易成功",
    "event.order.closed": "交易关闭",
    "event.order.ship_overdue": "超时未发货",
    "event.payment.started": "发起支付",
    "event.payment.failed": "支付失败",
    "event.payment.refunded": "支付已退回",
}

STRINGS: dict[Lang, dict[str, str]] = {"en": EN, "zh": ZH}


def translate(lang: Lang, key: str, **values: object) -> str:
    """A missing key shows itself, so a gap is visible on the page instead of crashing it."""
    text = STRINGS[lang].get(key, key)
    return text.format(**values) if values else text


def event_label(lang: Lang, event_type: str) -> str:
    """Known event types are translated; new ones show their raw type until added here."""
    return STRINGS[lang].get(f"event.{event_type}", event_type)


def pick_lang(query: str | None, cookie: str | None, accept_language: str | None) -> Lang:
    """?lang= wins, then the remembered cookie, then the browser's preference (zh* → zh)."""
    for choice in (query, cookie):
        if choice in LANGS:
            return choice  # type: ignore[return-value]
    return "zh" if _preferred(accept_language or "").startswith("zh") else "en"


def _preferred(header: str) -> str:
    best, best_q = "", -1.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > best_q:
            best, best_q = tag.strip().lower(), q
    return best
