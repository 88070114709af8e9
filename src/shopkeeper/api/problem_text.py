"""Every problem's words in English and Chinese: one catalog for the whole API.

The English detail a raise site writes (`raise NotFound(f"store {store_id} does not exist")`) is
the message id. Each entry of `DETAILS_ZH` is that English text as a template, placeholders
standing for whatever the f-string filled in, and its Chinese. A detail is translated by
matching it against the templates (the most specific first) and filling the Chinese template
with the captured parts, each itself translated when it is a known term ("store" → "店铺") or a
known message. A detail no template matches stays English: tests/test_problems.py walks every
raise site so that does not happen to ours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from shopkeeper.languages import Lang, pick_lang

# English titles live on the error classes (errors.py); these are their Chinese, by code.
TITLES_ZH: dict[str, str] = {
    "domain-error": "请求违反了规则",
    "invalid-input": "请求无效",
    "invalid-request": "请求格式错误",
    "unauthenticated": "需要有效的 API 密钥",
    "forbidden": "此密钥无权执行该操作",
    "not-found": "对象不存在",
    "method-not-allowed": "不支持该请求方法",
    "http-error": "请求出错",
    "not-allowed-in-state": "对象当前状态下不允许该操作",
    "out-of-stock": "库存不足",
    "conflict": "请求与现有数据冲突",
    "idempotency-key-reused": "该 Idempotency-Key 已用于另一个请求",
    "invalid-signature": "支付通知的签名校验失败",
    "payment-mismatch": "支付与订单不符",
    "file-too-large": "文件超过允许的大小",
    "unsupported-file-type": "不接受此类文件作为凭证",
    "deadline-passed": "已超过期限",
    "not-deliverable": "店铺不配送到该地址",
    "coupon-unavailable": "无法领取该优惠券",
    "coupon-limit-reached": "该买家持有的此券已达上限",
    "busy": "数据库繁忙",
    "group-not-complete": "该订单的拼团尚未成团",
    "pool-not-complete": "该订单的拼单尚未达到门槛",
    "group-not-joinable": "该拼团不再接受参团",
    "already-in-group": "买家已在该拼团中",
    "group-buy-limit-reached": "买家已达到该拼团活动的限购数量",
    "group-price-not-applied": "拼团价不适用于该买家",
    "pool-not-joinable": "该拼单不再接受订单",
    "already-in-pool": "买家在该拼单中已有订单",
    "pool-price-not-applied": "拼单价不适用于该订单",
    "not-in-pool-offer": "有商品不在该拼单活动范围内",
    "pyramid-rule": "该分销方案违反禁止传销的规定",
    "payout-exceeds-balance": "提现金额超过推广员的可提现余额",
    "not-a-promoter": "该店铺没有使用此推广码的推广员",
    "distribution-closed": "该店铺未开展分销",
    "not-an-influencer": "店铺未签约您为达人",
    "task-deadline-passed": "内容任务已过截止时间",
    "task-taken": "该内容任务已被其他达人抢先接下",
    "shipment-refused": "目的国不接受该货件",
    "unknown-hs-code": "该 HS 编码不在检验检疫目录中",
    "unknown-content-code": "没有直播场次或内容任务使用此代码",
    "reward-unavailable": "该奖励活动现在不发放奖励",
    "reward-budget-spent": "该奖励活动的预算已用完",
    "reward-limit-reached": "买家已获得该活动每人可得的全部奖励",
    "already-rewarded": "该行为已获得过奖励",
    "packet-unavailable": "该平台红包活动现在不发放红包",
    "packets-gone": "该活动的红包已被抢完",
    "packet-limit-reached": "买家已抢到允许的全部红包",
    "ad-view-refused": "该广告观看记录不能用于抢红包",
    "assist-not-open": "该助力任务不再接受助力",
    "own-assist": "买家不能为自己的助力任务助力",
    "already-helped": "该买家已为此任务助力过",
    "assist-new-users-only": "仅限店铺新客为该任务助力",
    "assist-daily-cap": "该买家今日助力次数已达上限",
    "assist-task-open": "买家在该活动已有进行中的助力任务",
    "community-closed": "店铺未开展社区团购",
    "leader-not-active": "团长或其自提点当前不接单",
    "pickup-point-has-leader": "该自提点已有团长",
    "already-leader": "该买家已是本店某自提点的团长",
    "pickup-code-unknown": "该自提点没有与此提货码对应的待提订单",
    "already-collected": "该订单已被提货",
    "internal-error": "内部错误",
    "body-too-large": "请求体过大",
    "rate-limited": "请求过于频繁",
    "webhook-url-not-public": "Webhook 地址不指向公网地址",
    # purchasing
    "over-receipt": "到货数量超过采购单未到数量",
    # fulfillment: labels and logistics channels
    "channel-refused": "物流渠道拒绝了该包裹",
    # warehouse: scans, verification, stocktakes
    "scan-blocked": "扫描的商品不属于该订单",
    "order-not-verified": "已扫描的商品与订单明细尚不一致",
    "count-below-reserved": "盘点数量低于订单已占用的库存",
}

# Titles of answers that no DomainError gives (the framework's and the catch-all handlers'), in English.
TITLES_EN: dict[str, str] = {
    "invalid-request": "The request is malformed",
    "not-found": "No such object",
    "method-not-allowed": "Method not allowed",
    "unauthenticated": "A valid API key is required",
    "http-error": "The request cannot be read",
    "conflict": "The request conflicts with existing data",
    "busy": "The database is busy",
    "internal-error": "Internal error",
}

# Words that a detail's placeholders carry: object kinds, states, roles, parties.
TERMS_ZH: dict[str, str] = {
    "store": "店铺", "product": "商品", "SKU": "SKU", "sku": "SKU", "category": "类目", "buyer": "买家",
    "seller": "卖家", "operator": "平台运营", "staff": "店铺员工", "platform": "平台", "order": "订单",
    "case": "售后单", "complaint": "投诉", "campaign": "活动", "promotion": "促销", "coupon": "优惠券",
    "warehouse": "仓库", "payment": "支付单", "address": "地址", "cart": "购物车", "evidence": "凭证",
    "a promotion": "促销", "claiming": "领取期", "a coupon's validity": "优惠券有效期",
    # states
    "awaiting_payment": "待付款", "paid": "已付款", "shipped": "已发货", "delivered": "已签收",
    "completed": "已完成", "closed": "已关闭", "active": "进行中", "paused": "已暂停", "ended": "已结束",
    "available": "可用", "locked": "已锁定", "used": "已使用", "cancelled": "已取消", "delisted": "已下架",
    "open": "处理中", "upheld": "已成立", "rejected": "已驳回", "negotiating": "协商中", "escalated": "平台介入中",
    "performing": "履行中", "draft": "草稿", "scheduled": "未开始", "running": "进行中", "failed": "失败",
    "succeeded": "已成功", "pending": "待处理",
    # actions
    "pause": "暂停", "resume": "恢复", "end": "结束", "pay": "付款", "ship": "发货", "deliver": "签收",
    "complete": "完成", "close": "关闭", "cancel": "取消", "confirm receipt": "确认收货",
    # fields and parties
    "whole-store": "全店", "refund": "退款", "return": "退货", "reship": "补发",
    "group offer": "拼团活动", "group buy": "拼团", "join": "参团", "leave": "退团", "take seat": "占座",
    "fill": "成团", "expire": "过期", "auto fill": "模拟成团", "abandon": "放弃开团", "empty": "清空",
    "distribution program": "分销方案", "promoter": "推广员", "payout": "提现", "approve": "批准", "reject": "驳回",
    "release": "结算", "claw_back": "追回", "requested": "待审核", "approved": "已批准", "frozen": "冻结中",
    "released": "已结算", "clawed_back": "已追回",
    "form 1: pay for recruiting people (拉人头)": "第（一）项：按发展人员数量计酬（拉人头）",
    "form 2: a fee or a required purchase to join (入门费)": "第（二）项：以缴费或购买商品作为加入条件（入门费）",
    "form 3: pay on a downline's sales (团队计酬)": "第（三）项：以下线销售业绩计酬（团队计酬）",
    "reward program": "奖励活动", "draw": "抽奖记录", "red-packet program": "平台红包活动",
    "pool offer": "拼单活动", "pool": "拼单", "add": "加入拼单", "reach": "拼单成功",
    "assist offer": "助力活动", "assist task": "助力任务", "help": "助力", "expired": "已过期",
    "live session": "直播场次", "content task": "内容任务", "accept": "接受", "submit": "提交", "withdraw": "撤回",
    "published": "待接单", "accepted": "已接单", "submitted": "已提交", "withdrawn": "已撤回",
    "pickup point": "自提点", "leader": "团长", "wave": "波次", "community order": "社区团购订单",
    "settle": "结清", "collect": "提货", "collected": "已提货", "settled": "已结清", "returned": "已退回",
    # webhooks
    "webhook": "Webhook 订阅", "webhook delivery": "Webhook 推送",
    # purchasing
    "supplier": "供应商", "purchase order": "采购单", "supplier payment request": "供应商付款申请",
    "placed": "已下单", "partly_received": "部分到货", "pending_approval": "待审批",
    "place": "下单", "receive": "收货",
    "lead_days": "采购周期天数", "safety_days": "安全天数", "review_days": "补货间隔天数",
    # warehouse
    "transfer": "调拨单", "stocktake": "盘点单", "created": "已创建", "in_transit": "在途", "received": "已收货",
    "not-on-order": "不在订单中", "more-than-ordered": "超过订购数量", "unknown-code": "未知条码",
}

# English detail (a template: `{name}` matches any text) → Chinese with the same placeholders.
DETAILS_ZH: dict[str, str] = {
    # objects that are not there (scope.py and every service)
    "{what} {id} does not exist": "{what} {id} 不存在",
    "shipping template {id} does not exist": "运费模板 {id} 不存在",
    "the file of evidence {id} is missing from storage": "凭证 {id} 的文件在存储中缺失",
    # limits (api/limits.py, ratelimit.py)
    "the request body may be at most {n} bytes": "请求体最多 {n} 字节",
    "too many {what}; try again in {wait} s": "{what}过多；请 {wait} 秒后再试",
    "failed sign-ins from this address": "此地址登录失败次数",
    "requests with this key": "此密钥的请求",
    "coupon claims by this buyer": "此买家的领券次数",
    # carriers a store files (fulfillment/carrier_service.py)
    "a carrier has a name and at most {n} aliases, each 1 to {m} characters": "承运商有一个名称和至多 {n} 个别名，每个 1 到 {m} 个字符",
    "carrier {id} ({name}) already goes by one of these names": "承运商 {id}（{name}）已使用其中某个名称",
    "alias {alias} is empty or repeats a name of this carrier": "别名 {alias} 为空或与该承运商的名称重复",
    "shipping_class {value} is not one of {classes} ({book})": "物流类别 {value} 不是 {classes} 之一（{book}）",
    "carrier {id} is not filed for store {store}": "店铺 {store} 没有登记承运商 {id}",
    # receipt-deadline extension (orders/extensions.py, RULES.md §17.1)
    "{rulebook} offers no extension of the time to confirm receipt": "{rulebook} 不提供延长确认收货时间",
    "receipt was due to confirm itself at {at} UTC; it is too late to extend": "已于 {at} UTC 自动确认收货，无法再延长",
    "a buyer extends by {n} days, not {days}": "买家只能延长 {n} 天，不能是 {days} 天",
    "a buyer may extend {times} on an order; the extension was used": "买家每个订单可延长{times}；已用过",
    "a buyer may extend once {n} days or less are left, from {at} UTC": "剩余 {n} 天或更少时买家才可延长，即从 {at} UTC 起",
    "a seller extends by one of {choices} days, not {days}": "卖家可延长 {choices} 天之一，不能是 {days} 天",
    "a seller may extend {times} on an order; the extension was used": "卖家每个订单可延长{times}；已用过",
    "once": "一次",
    "{n} times": "{n}次",
    "no such route": "没有该路由",
    "no such file {name}": "没有文件 {name}",
    "no such campaign": "没有该活动",
    "no such evidence": "没有该凭证",
    "no coupon has the code {code}": "没有券码为 {code} 的优惠券",
    "SKU {sku} is not sold by store {store}": "店铺 {store} 不出售 SKU {sku}",
    "SKU {sku} is not in the cart": "SKU {sku} 不在购物车中",
    "SKU {sku} is not a SKU of product {product}": "SKU {sku} 不属于商品 {product}",
    "{what} {id} is not in store {store}": "{what} {id} 不在店铺 {store} 中",
    "order {order} has no line {line}": "订单 {order} 没有第 {line} 行",
    # keys and roles
    "only {roles} keys may do this": "只有{roles}密钥可以执行此操作",
    "only the {who} may {doing}": "只有{who}可以{doing}",
    "only the platform may {doing}": "只有平台可以{doing}",
    "send an API key as 'Authorization: Bearer <key>'": "请以 'Authorization: Bearer <key>' 发送 API 密钥",
    "the API key is not valid": "API 密钥无效",
    "a staff key belongs to one store: give store_id": "员工密钥属于一个店铺：请提供 store_id",
    "a buyer key belongs to one buyer: give buyer_id": "买家密钥属于一个买家：请提供 buyer_id",
    "an operator key is not tied to a store or a buyer": "平台运营密钥不绑定店铺或买家",
    "only the buyer who placed the order complains about it": "只有下单的买家可以投诉该订单",
    "only the buyer who placed the order opens a case on it": "只有下单的买家可以对该订单发起售后",
    "only the buyer who placed the order takes the late-shipment refund": "只有下单的买家可以申请延迟发货退款",
    "only the seller or the operator records the shortage proof": "只有卖家或平台运营可以登记少件证明",
    "only the buyer or the seller reports a problem with goods on the way": "只有买家或卖家可以报告运输途中的问题",
    # request shape and values
    "cursor is not one this list gave out with this sort": "游标不是该列表在此排序下给出的",
    "give both ends of the allowed range, or neither": "允许范围请同时给出两端，或都不给",
    "{field} is out of range": "{field} 超出范围",
    "{field} has more decimal places than {currency} allows": "{field} 的小数位数超过 {currency} 允许的位数",
    "{currency} is not an ISO 4217 currency code": "{currency} 不是 ISO 4217 货币代码",
    "{zone} is not an IANA time zone such as Asia/Shanghai": "{zone} 不是 IANA 时区（如 Asia/Shanghai）",
    "country must be an ISO 3166 alpha-2 code such as CN or US": "国家必须是 ISO 3166 两字母代码，如 CN 或 US",
    "not an ISO 3166 alpha-2 country code: {country}": "不是 ISO 3166 两字母国家代码：{country}",
    "member level must be one of {levels}": "会员等级必须是以下之一：{levels}",
    "status must be 'active' or 'delisted'": "状态必须是 'active' 或 'delisted'",
    "Idempotency-Key must be 1–{n} printable characters": "Idempotency-Key 必须是 1–{n} 个可打印字符",
    "this Idempotency-Key was already used with a different request body": "该 Idempotency-Key 已用于不同的请求体",
    "{name} is a fraction from 0 to 1, not {value}": "{name} 是 0 到 1 之间的小数，不能是 {value}",
    "a star level is 0 or more, not {value}": "星级为 0 或以上，不能是 {value}",
    "{name} must be an integer >= {minimum}, got {value}": "{name} 必须是 >= {minimum} 的整数，实际为 {value}",
    "{field} counts items: a whole number": "{field} 是件数：必须为整数",
    "the amount is not a number": "金额不是数字",
    "too many decimal places": "小数位数过多",
    "unknown agreement {agreement}": "未知的协议类型 {agreement}",
    "choose a decision and who is responsible": "请选择裁决结果和责任方",
    # catalog
    "a product needs at least one SKU": "商品至少需要一个 SKU",
    "SKU codes must be unique within the product": "同一商品内的 SKU 编码必须唯一",
    "SKU code already used in this store: {codes}": "SKU 编码已在本店使用：{codes}",
    "SKU code already used in this store": "SKU 编码已在本店使用",
    "a price cannot be negative": "价格不能为负",
    "SKU {sku} is no longer on sale": "SKU {sku} 已停售",
    # customers and inventory
    "not enough points": "积分不足",
    "quantity must not be zero": "数量不能为零",
    "a correction cannot take available stock below zero": "库存修正不能使可售库存低于零",
    "not enough stock of SKU {sku} for {quantity} more; {available} left": "SKU {sku} 库存不足，无法再下 {quantity} 件；仅剩 {available} 件",
    # carts, checkout, orders, payments
    "quantity must be between 1 and {n}": "数量必须在 1 到 {n} 之间",
    "the cart is empty": "购物车是空的",
    "the cart for store {store} is empty": "店铺 {store} 的购物车是空的",
    "nothing to check out": "没有可结算的商品",
    "check out at most {n} different stores at once": "一次最多结算 {n} 家不同店铺",
    "an order needs at least one line": "订单至少需要一行商品",
    "an order has at most {n} lines": "订单最多 {n} 行商品",
    "quantities must be positive": "数量必须为正数",
    "stores that sell in different currencies are checked out separately": "以不同货币销售的店铺须分开结算",
    "cannot {action} an order that is {status}": "无法对{status}的订单执行{action}",
    "carrier and tracking number are required": "必须提供承运商和运单号",
    "the carrier picks up a shipped order; this one is {status}": "承运商揽收的应是已发货订单；该订单为{status}",
    "the pickup scan cannot be in the future": "揽收扫描时间不能在未来",
    "the pickup scan cannot be before the payment": "揽收扫描时间不能早于付款时间",
    "an after-sales case is open on this order; its outcome settles the money": "该订单有进行中的售后，款项由其结果决定",
    "the notification is too old or from the future; replays are refused": "通知过旧或来自未来；拒绝重放",
    "malformed payment notification: {why}": "支付通知格式错误：{why}",
    "malformed payment notification": "支付通知格式错误",
    "payment {id} is already {status}": "支付单 {id} 已经是{status}",
    "amount or currency differs from the payment": "金额或币种与支付单不符",
    "missing or malformed {header} header": "{header} 请求头缺失或格式错误",
    "template {name} does not deliver to {where}": "运费模板 {name} 不配送到 {where}",
    # shipping templates
    "a region must be a string, not {entry}": "地区必须是字符串，不能是 {entry}",
    "region {entry} is not 'CC' or 'CC/Region' with an ISO 3166 alpha-2 code": "地区 {entry} 不是 'CC' 或 'CC/地区' 形式（CC 为 ISO 3166 两字母代码）",
    "{where}: regions must be a tuple of strings": "{where}：地区必须是字符串元组",
    "{where} must be an object": "{where} 必须是对象",
    "{where}: missing keys {missing}, unknown keys {unknown}": "{where}：缺少键 {missing}，未知键 {unknown}",
    "{where} must be a list of strings": "{where} 必须是字符串列表",
    "{where} must be a list": "{where} 必须是列表",
    "region must be a non-blank string or None, got {region}": "地区必须是非空字符串或 None，实际为 {region}",
    "a free rule needs min_amount_minor or min_items": "包邮规则需要 min_amount_minor 或 min_items",
    "a shipping template needs a non-blank name": "运费模板需要非空名称",
    "mode must be one of {modes}, got {mode}": "计费方式必须是 {modes} 之一，实际为 {mode}",
    "the default rule applies everywhere; its regions must be empty": "默认规则适用于所有地区；其地区必须为空",
    "region {entry} appears in more than one rule": "地区 {entry} 出现在多条规则中",
    "region {entry} is priced but also excluded": "地区 {entry} 既有运费又被排除",
    "{where}: {detail}": "{where}：{detail}",
    # rulebooks
    "unknown rulebook {name}; choose one of {names}": "未知的规则集 {name}；请从以下选择：{names}",
    "rulebook {name} is not valid: {problems}": "规则集 {name} 无效：{problems}",
    "rulebook {name} has no [programs.mogujie_quality_merchant] table": "规则集 {name} 没有 [programs.mogujie_quality_merchant] 表",
    # group buys (social/groupbuys, orders.ship)
    "order {id} waits for its group buy to fill; it ships once the group is complete": "订单 {id} 正在等待拼团成团；成团后方可发货",
    "order {id} waits for its pool to reach its threshold; it ships once the pool is complete": "订单 {id} 正在等待拼单达到门槛；拼单成功后方可发货",
    "a group has {low} to {high} members on this platform, not {n}": "本平台拼团人数为 {low} 到 {high} 人，不能是 {n}",
    "a group has {low} to {high} hours to fill on this platform, not {n}": "本平台成团时限为 {low} 到 {high} 小时，不能是 {n}",
    "the group price must be below the SKU's own price": "拼团价必须低于该 SKU 的售价",
    "the opener's price must not be above the group price": "团长价不能高于拼团价",
    "the per-buyer limit is at least 1": "每人限购至少为 1",
    "the system may fill 1 to {high} seats on this platform, not {n}": "本平台模拟成团可补 1 到 {high} 个名额，不能是 {n}",
    "the group buy is {status}; it takes no more members": "该拼团{status}，不再接受参团",
    "the group buy's time is up": "该拼团已超过成团时限",
    "the group buy is full": "该拼团已满员",
    "a buyer may buy {limit} at this group price; {bought} bought or ordered already": "每位买家以此拼团价限购 {limit} 件；已购买或下单 {bought} 件",
    "this group buy is for new customers of the store only": "该拼团仅限店铺新客参加",
    "the group price does not apply to this order ({reason})": "拼团价不适用于该订单（{reason}）",
    "cannot {action} a group buy that is {status}": "无法对{status}的拼团执行{action}",
    "cannot end a group offer that is {status}": "无法结束{status}的拼团活动",
    "the group offer has ended; no new group opens on it": "该拼团活动已结束，不能再开新团",
    "you are in this group buy already": "你已在该拼团中",
    # pools (拼单, social/pools)
    "a pool has {low} to {high} hours to fill on this platform, not {n}": "本平台拼单时限为 {low} 到 {high} 小时，不能是 {n}",
    "a pool's threshold is at least 1": "拼单门槛至少为 1",
    "a pool's discount is more than 0% and less than 100%, in hundredths of a percent at most":
        "拼单折扣须大于 0% 且小于 100%，最多精确到 0.01%",
    "a pool order has at least one item": "拼单订单至少包含一件商品",
    "SKU {id} is not part of this pool offer": "SKU {id} 不在该拼单活动范围内",
    "the pool is {status}; it takes no more orders": "该拼单{status}，不再接受订单",
    "the pool's time is up": "该拼单已超过时限",
    "the pool's price does not apply to this order ({reason})": "拼单价不适用于该订单（{reason}）",
    "cannot {action} a pool that is {status}": "无法对{status}的拼单执行{action}",
    "cannot end a pool offer that is {status}": "无法结束{status}的拼单活动",
    "the pool offer has ended; no new pool opens on it": "该拼单活动已结束，不能再开新拼单",
    "you have an order in this pool already; cancel it to place another": "你在该拼单中已有订单；取消后才能再下单",
    "give either threshold_amount or threshold_items": "请给出 threshold_amount（金额门槛）或 threshold_items（件数门槛）之一",
    # distribution (social/distribution; RULES.md §4.2, §17.2)
    "becoming a promoter is free; an entry fee is refused: 禁止传销条例 Art. 7 {form}": "成为推广员免费；不得收取入门费：《禁止传销条例》第七条{form}",
    "becoming a promoter needs no purchase; a required purchase is refused: 禁止传销条例 Art. 7 {form}": "成为推广员无需购买；不得要求购买商品：《禁止传销条例》第七条{form}",
    "nothing is paid for recruiting a promoter: 禁止传销条例 Art. 7 {form}": "不得按发展推广员人数计酬：《禁止传销条例》第七条{form}",
    "a promoter level rises with sales only, never with recruits: 禁止传销条例 Art. 7 {form}": "推广员等级只随销售额提升，不得按发展人数提升：《禁止传销条例》第七条{form}",
    "commission reaches at most {max} levels, not {n}: 禁止传销条例 Art. 7 {form}": "佣金最多分配 {max} 级，不能是 {n} 级：《禁止传销条例》第七条{form}",
    "a second level needs levels_paid 2, second_level_opt_in and acknowledged_warning: 禁止传销条例 Art. 7 {form}":
        "二级佣金须 levels_paid 为 2，并明确开启 second_level_opt_in 且确认风险提示 acknowledged_warning：《禁止传销条例》第七条{form}",
    "commission reaches at least the promoter's own level: levels_paid is 1 or 2": "佣金至少分配给推广员本人：levels_paid 为 1 或 2",
    "attribution lasts 1 to {high} days on this platform, not {n}": "本平台归因期为 1 到 {high} 天，不能是 {n} 天",
    "a commission rule is a percentage or a fixed amount per unit, not both or neither": "佣金规则为百分比或每件固定金额，二者取其一",
    "a commission percentage is 0 to 100": "佣金百分比为 0 到 100",
    "a fixed commission is not negative": "固定佣金不能为负",
    "a store rule names no target; a product or category rule names one": "全店规则不指定对象；商品或类目规则须指定对象",
    "the second level's percentage is above 0 and below every first-level percentage": "二级佣金百分比须大于 0 且低于所有一级佣金百分比",
    "levels rise with sales: distinct thresholds, 0 or more, in increasing order": "等级随销售额提升：门槛须不重复、不小于 0 且递增",
    "a level's bonus percentage is 0 to 100": "等级加成百分比为 0 到 100",
    "a payout is a positive amount": "提现金额须大于 0",
    "the payout {amount} is more than the released balance {balance}": "提现金额 {amount} 超过已结算余额 {balance}",
    "no promoter has the code {code}": "没有推广员使用推广码 {code}",
    "store {id} runs no distribution program": "店铺 {id} 未开展分销",
    "a promoter's own code does not count for their own orders": "推广员自己的推广码不计入本人订单",
    "cannot {action} a commission or payout that is {status}": "无法对{status}的佣金或提现执行{action}",
    # influencers, live sessions, content tasks (social/content; RULES.md §4.3)
    "you are not an influencer of store {id}": "您不是店铺 {id} 的签约达人",
    "promoter {id} is not an influencer of store {store}": "推广员 {id} 不是店铺 {store} 的签约达人",
    "a live session ends after it starts": "直播场次的结束时间须晚于开始时间",
    "the rate is above the program's second-level percentage {n}": "佣金比例须高于分销方案的二级佣金百分比 {n}",
    "a live session cannot end in the past": "直播场次的结束时间不能早于现在",
    "a content task's deadline is in the future": "内容任务的截止时间须晚于现在",
    "a content task's sales window lasts at least until its deadline": "内容任务的带货期须至少持续到截止时间",
    "a content task's fee is not negative": "内容任务的稿费不能为负",
    "the task was due at {at}": "任务截止时间为 {at}",
    "content task {id} was accepted first by another influencer": "内容任务 {id} 已被其他达人抢先接下",
    "no live session or content task has the code {code}": "没有直播场次或内容任务使用代码 {code}",
    "an influencer lists one store's tasks: give store_id": "达人须按店铺查看任务：请提供 store_id",
    "cannot {action} a content task that is {status}": "无法对{status}的内容任务执行{action}",
    # reward programs (social/rewards)
    "a {kind} program gives {types}, not {type}": "{kind} 活动只能发放 {types}，不能是 {type}",
    "a {kind} program's coupon is a code coupon, off the claimable list: only the program gives it":
        "{kind} 活动的优惠券须为口令券（不在可领取列表中）：只能通过本活动获得",
    "coupon {id} does not cover SKU {sku}, the trial's": "优惠券 {id} 不适用于试用的 SKU {sku}",
    "a free trial is a store's and has an end: its winners are drawn when it ends": "免费试用属于店铺且须有结束时间：结束时抽取中选者",
    "this program's claim is a draw: POST its draw": "本活动的领取方式为抽奖：请调用其抽奖接口",
    "this program grants by claim, not by a draw": "本活动通过领取发放奖励，而非抽奖",
    "a reward is a coupon (template_id), points (points > 0) or a credit (amount > 0)": "奖励须为优惠券（template_id）、积分（points > 0）或现金（amount > 0）",
    "a count budget is at least 1": "次数预算至少为 1",
    "a money budget is above zero": "金额预算须大于零",
    "the per-person limit is at least 1": "每人限领至少为 1",
    "a red-packet pool has at least one packet of at least the minimum": "红包池至少有一个不低于最小金额的红包",
    "a red-packet pool has at most {n} packets on this platform, not {m}": "本平台红包池最多 {n} 个红包，不能是 {m}",
    "a red packet holds at least {n} minor units on this platform": "本平台每个红包至少 {n} 个最小货币单位",
    "{count} packets of at least {minimum} need {need}, more than the pool's {total}": "{count} 个红包每个至少 {minimum}，共需 {need}，超过红包池的 {total}",
    "a lottery has prizes whose odds (parts per million) are not negative and sum to at most {n}": "抽奖须有奖品，各奖品中奖率（百万分之）不为负且合计不超过 {n}",
    "a reward program's kind is one of {kinds}, not {name}": "奖励活动类型须为 {kinds} 之一，不能是 {name}",
    "the term {name} is a whole number from {low} to {high}": "条款 {name} 须为 {low} 到 {high} 之间的整数",
    "the term product_ids is a list of product ids": "条款 product_ids 须为商品编号列表",
    "say which product was favourited (product_id)": "请指明收藏的商品（product_id）",
    "product {id} is not one this program rewards": "商品 {id} 不在本活动奖励范围内",
    "cash back is at most 10000 basis points (all of it)": "返现比例最多 10000 个基点（全额）",
    "the term hours lists hours of the day, 0 to 23": "条款 hours 须列出 0 到 23 之间的整点",
    "the term minutes is at most 60": "条款 minutes 最多为 60",
    "this was rewarded already ({trigger})": "该行为已获得过奖励（{trigger}）",
    "one buyer gets at most {n} reward(s) from this program": "每位买家在本活动中最多获得 {n} 次奖励",
    "the program's budget is spent": "活动预算已用完",
    "a platform program pays money only on an order's store": "平台活动只能在订单所属店铺发放现金",
    "a platform program pays money only on an order's store; give coupons or points": "平台活动只能在订单所属店铺发放现金；请改为优惠券或积分",
    "say what the program gives (reward)": "请说明活动发放什么（reward）",
    "a red-packet pool is a store's: its packets are paid out of the store's balance": "红包池属于店铺：红包从店铺余额中支付",
    "a lottery has at least one prize": "抽奖至少要有一个奖品",
    "a program ends after it starts": "活动的结束时间必须晚于开始时间",
    "a prize's stock is not negative": "奖品库存不能为负",
    "coupon {id} is not the program owner's": "优惠券 {id} 不属于本活动的主办方",
    "this program is earned by orders, not claimed": "本活动由订单触发，不能领取",
    "the program is not running now": "活动当前未在进行",
    # platform red packets (social/packets)
    "a red-packet pool splits into at most {n} packets": "红包池最多拆分为 {n} 个红包",
    "a red packet holds at least {n} minor unit(s)": "每个红包至少 {n} 个最小货币单位",
    "a platform red packet is valid for {low} to {high} days": "平台红包有效期为 {low} 到 {high} 天",
    "a per-person or per-day cap is from 1 to {n}": "每人或每日限抢数须在 1 到 {n} 之间",
    "the per-day cap is no more than the per-person cap": "每日限抢数不能超过每人限抢数",
    "an ad is watched {low} to {high} seconds before a grab": "抢红包前须观看广告 {low} 到 {high} 秒",
    "an ad view is usable {low} to {high} minutes after it starts": "广告观看记录在开始后 {low} 到 {high} 分钟内可用",
    "an ad view stays usable at least as long as the ad is watched": "广告观看记录的可用时间不能短于观看时长",
    "only an ad program (mode ad) has a watch time": "只有看广告抢红包活动（mode ad）才有观看时长",
    "the spend threshold is not negative": "使用门槛不能为负",
    "this ad view was used for a grab already": "该广告观看记录已用于抢红包",
    "watch the ad for at least {n} seconds before grabbing": "请至少观看广告 {n} 秒后再抢红包",
    "this ad view is too old; watch the ad again": "该广告观看记录已过期，请重新观看广告",
    "a red-packet program that is {status} takes no more stores": "{status}的平台红包活动不再接受店铺参加",
    "a red-packet program that is {status} cannot be ended": "{status}的平台红包活动无法结束",
    "store {id} sells in {currency}; the program pays in {other}": "店铺 {id} 以 {currency} 销售，本活动以 {other} 支付",
    "this program's packets are grabbed without an ad": "本活动的红包无需观看广告即可抢",
    "every packet of this program has been grabbed": "本活动的红包已被抢完",
    "watch the program's ad first: a grab needs its ad view token": "请先观看活动广告：抢红包需要广告观看凭证",
    "this ad view is not yours for this program": "该广告观看记录不属于你或不属于本活动",
    "one buyer grabs at most {n} packet(s) of this program in all": "每位买家在本活动中最多抢 {n} 个红包",
    "one buyer grabs at most {n} packet(s) of this program a day": "每位买家在本活动中每天最多抢 {n} 个红包",
    "the prize is gone": "奖品已发完",
    "this earned its draw already ({trigger})": "该订单已抽过奖（{trigger}）",
    "say which order line was reviewed (order_id and sku_id)": "请指明评价的订单商品（order_id 和 sku_id）",
    "order {id} has no line of SKU {sku}": "订单 {id} 中没有 SKU {sku} 的商品",
    "the order is not from this program's store": "该订单不属于本活动的店铺",
    "a review is rewarded once the order is completed": "订单完成后评价方可获得奖励",
    "this program rewards no invitations": "本活动不奖励邀请",
    "a buyer cannot invite themselves": "买家不能邀请自己",
    "you said who invited you already": "你已填写过邀请人",
    # assists (social/assists)
    "a pool (拼单) is offered as a pool offer (POST /pools/offers), not an assist offer; an assist offer is boost or share":
        "拼单通过拼单活动提供（POST /pools/offers），不是助力活动；助力活动只能是 boost（邀请助力）或 share（分享互惠）",
    # community group buying (social/community)
    "a store sets 1 to {high} cut-offs a day on this platform, not {n}": "本平台店铺每天设 1 到 {high} 个截单时间，不能是 {n}",
    "a cut-off is a time of day as HH:MM, not {x}": "截单时间须为 HH:MM 格式的时刻，不能是 {x}",
    "each cut-off comes once": "每个截单时间只能出现一次",
    "a delivered order waits {low} to {high} days for its buyer on this platform, not {n}":
        "本平台送达自提点的订单等待买家 {low} 到 {high} 天，不能是 {n}",
    "an order not collected in time is refunded or returned, not {x}": "逾期未提的订单只能退款（refund）或退回（return），不能是 {x}",
    "a leader's commission is 0 to {high} of what the order paid on this platform, not {n}":
        "本平台团长佣金为订单实付的 0 到 {high}，不能是 {n}",
    "the pickup point is closed": "该自提点已关闭",
    "the pickup point has an active leader already": "该自提点已有在任团长",
    "the buyer leads a pickup point of this store already": "该买家已是本店某自提点的团长",
    "the store runs no community group buying": "店铺未开展社区团购",
    "the leader or their pickup point takes no orders now": "团长或其自提点当前不接单",
    "no order waits at this pickup point with that code": "该自提点没有与此提货码对应的待提订单",
    "the order with that code was collected already": "该提货码对应的订单已被提货",
    "community settings {id} do not exist": "社区团购设置 {id} 不存在",
    "only the point's active leader or the store's staff hand out its orders": "只有该自提点的在任团长或店铺员工可以办理提货",
    "cannot {action} a wave that is {status}": "无法对{status}的波次执行{action}",
    "cannot {action} a community order that is {status}": "无法对{status}的社区团购订单执行{action}",
    "an assist offer has 1 to {high} steps on this platform, not {n}": "本平台助力活动设 1 到 {high} 个阶梯，不能是 {n}",
    "each step needs more helpers than the one before, the first at least 1": "每个阶梯所需助力人数须多于上一阶梯，第一阶梯至少 1 人",
    "an assist task has {low} to {high} hours on this platform, not {n}": "本平台助力时限为 {low} 到 {high} 小时，不能是 {n}",
    "a helper may help 1 to {high} tasks a day on this platform, not {n}": "本平台每人每天可助力 1 到 {high} 个任务，不能是 {n}",
    "a coupon reward names its coupon template": "优惠券奖励须指明优惠券模板",
    "a price or free-item reward needs the offer to be for one SKU": "特价或免单奖励须指定一个 SKU",
    "a price reward is above zero and below the SKU's own price": "特价奖励须大于零且低于该 SKU 的售价",
    "coupon {id} is not this store's coupon": "优惠券 {id} 不属于本店",
    "cannot end an assist offer that is {status}": "无法结束{status}的助力活动",
    "the assist offer has ended; no new task opens on it": "该助力活动已结束，不能再发起任务",
    "you have an open task on this offer already ({code})": "你在该活动已有进行中的助力任务（{code}）",
    "you have an open task on this offer already": "你在该活动已有进行中的助力任务",
    "you cannot help your own task; share its code with friends": "不能为自己的任务助力；请把助力码分享给好友",
    "the assist task is {status}; it takes no more help": "该助力任务{status}，不再接受助力",
    "the assist task's time is up": "该助力任务已超过时限",
    "this task may be helped by new customers of the store only": "该任务仅限店铺新客助力",
    "you have helped this task already": "你已为该任务助力过",
    "a helper may help {cap} tasks of this store a day; you have today": "每人每天最多为本店 {cap} 个任务助力；你今天已达上限",
    "cannot {action} an assist task that is {status}": "无法对{status}的助力任务执行{action}",
    "the SKU's price is at or below the reward's price already": "该 SKU 的售价已不高于奖励价",
    # promotions and coupons
    "a platform promotion names its currency": "平台促销须指明货币",
    "cart {id} does not exist": "购物车 {id} 不存在",
    "store {store} sells in {currency}": "店铺 {store} 以 {currency} 销售",
    "a store promotion covers its store, or categories, products or SKUs of it": "店铺促销覆盖本店，或本店的类目、商品或 SKU",
    "name at least one {level} for the scope": "范围内至少指定一个{level}",
    "platform promotions take money off orders or shipping; item prices and gifts belong to stores": "平台促销只减订单金额或运费；单品价格和赠品归店铺",
    "a platform promotion covers the whole platform (scope level 'platform')": "平台促销覆盖整个平台（范围级别 'platform'）",
    "{what} must end after it starts": "{what}的结束时间必须晚于开始时间",
    "cannot {action} a {what} that is {status}": "无法对{status}的{what}执行{action}",
    "give either a fixed validity window (valid_until) or valid_days after claiming": "请给出固定有效期（valid_until）或领取后有效天数（valid_days）之一",
    "the code {code} is taken": "券码 {code} 已被占用",
    "the code {code}": "券码 {code}",
    "coupon {id}": "优惠券 {id}",
    "{coupon} is all claimed": "{coupon} 已领完",
    "{coupon} cannot be claimed now": "{coupon} 现在不能领取",
    "{coupon} is not for this buyer ({why})": "{coupon} 不面向该买家（{why}）",
    "at most {n} of {coupon} per buyer": "每位买家最多领取 {n} 张{coupon}",
    "{coupon} is {status}": "{coupon} {status}",
    "the code {code} has been used up": "券码 {code} 已用完",
    "the code {code} is not for this store": "券码 {code} 不适用于本店",
    "coupon {id} was used by another order": "优惠券 {id} 已被另一订单使用",
    "the price of promotion {id} is no longer available; price the cart again": "促销 {id} 的价格已失效；请重新计算购物车价格",
    "each tier needs its own threshold": "每个档位需要各自的门槛",
    "tiers give either amounts off or fractions off, not both": "档位要么减金额要么打折，不能两者兼有",
    "a higher tier must give more than the tier below it": "更高的档位必须比下一档优惠更多",
    "a repeating reduction needs a positive `every` and an amount_off": "每满减需要正的 `every` 和 amount_off",
    "a gift per threshold needs a positive threshold": "满赠需要正的门槛",
    # campaigns
    "a campaign must end after it starts": "活动的结束时间必须晚于开始时间",
    "a campaign may run at most {n} days; it must not run indefinitely": "活动最长 {n} 天；不能无限期进行",
    "the campaign would already be over": "该活动已经结束",
    "each phase may appear once": "每个阶段只能出现一次",
    "a campaign with phases needs a main phase (正式期), when the activity prices apply": "分阶段的活动需要正式期（活动价生效的阶段）",
    "basis last_n_days needs basis_days of 1 or more": "基准 last_n_days 需要 basis_days 为 1 或以上",
    "phase {name} must end after it starts": "阶段 {name} 的结束时间必须晚于开始时间",
    "phase {name} must lie inside the campaign's start and end": "阶段 {name} 必须在活动的起止时间之内",
    "phase {later} must start after {earlier} ends (order: {order})": "阶段 {later} 必须在 {earlier} 结束后开始（顺序：{order}）",
    "each SKU may be ticked once": "每个 SKU 只能勾选一次",
    "a campaign needs a theme (活动主题)": "活动需要活动主题",
    "discount is a fraction from 0 up to (not including) 1, e.g. '0.10' for 10% below the basis":
        "折扣是 0 到 1（不含 1）之间的小数，如 '0.10' 表示比基准价低 10%",
    "ship_within_hours must be a positive number of hours": "ship_within_hours 必须是正的小时数",
    "basis last_n_days needs basis_days (the lowest price of the last N days is the basis)":
        "基准 last_n_days 需要 basis_days（以最近 N 天最低价为基准）",
    "per_account_limit must be 1 or more, or null for no limit": "per_account_limit 必须为 1 或以上，或为 null 表示不限",
    "min_stock cannot be negative": "min_stock 不能为负",
    "a {scope} campaign names at least one {scope2}": "{scope}范围的活动至少指定一个{scope2}",
    "campaign {id} is already cancelled": "活动 {id} 已取消",
    "campaign {id} has ended": "活动 {id} 已结束",
    "campaign {id} is cancelled": "活动 {id} 已取消",
    "tick at least one SKU with its activity price": "请至少勾选一个 SKU 并填写活动价",
    "an activity price cannot be negative": "活动价不能为负",
    "audience min_level needs min_member_level, one of {levels}": "受众 min_level 需要 min_member_level，取值之一：{levels}",
    "min_member_level goes with audience min_level only": "min_member_level 只能与受众 min_level 一起使用",
    "a whole-store campaign names no categories or SKUs": "全店活动不指定类目或 SKU",
    # after-sales: cases
    "case {id} is closed": "售后单 {id} 已关闭",
    "case {id} is closed ({resolution})": "售后单 {id} 已关闭（{resolution}）",
    "case {id} is already open on this order; it must end before another opens": "该订单已有进行中的售后单 {id}；须结束后才能再发起",
    "the case is closed": "售后单已关闭",
    "the case is {stage}; there is no request to answer": "售后单处于{stage}；没有需要回应的请求",
    "the case is {stage}; the shortage proof is recorded while the parties negotiate": "售后单处于{stage}；少件证明应在双方协商期间登记",
    "a case opens on a paid order; this one is {status}": "售后只能对已付款订单发起；该订单为{status}",
    "a case on a {shipping} shipment opens on {opens}": "{shipping}物流的售后于 {opens} 开放",
    "a case on a {shipping} shipment could be opened until {closes}": "{shipping}物流的售后可在 {closes} 之前发起",
    "unknown shipping class {shipping}; {book} has {classes}": "未知的物流类别 {shipping}；{book} 有 {classes}",
    "a case holds at most {n} files": "一个售后单最多 {n} 个文件",
    "a message needs some text": "留言需要有内容",
    "the file is empty": "文件为空",
    "a file may be at most {n} bytes": "文件最大 {n} 字节",
    "evidence must be one of {types}, and be what its type says": "凭证必须是 {types} 之一，且与其类型相符",
    "{code} is not a {stage} reason of {book}; choose one of {codes}": "{code} 不是 {book} 的 {stage} 原因；请从以下选择：{codes}",
    "{reason} is the instant refund's reason; use take_instant_refund": "{reason} 是极速退款的原因；请使用 take_instant_refund",
    "{book} has no instant refund for late shipment": "{book} 没有延迟发货极速退款",
    "the order is shipped or still within its ship-by time ({deadline})": "订单已发货或仍在发货时限内（{deadline}）",
    "the late-shipment refund is for a paid order not yet shipped; this one is {status} (picked up by the carrier)":
        "延迟发货退款仅适用于已付款未发货的订单；该订单为{status}（承运商已揽收）",
    "the late-shipment refund is for a paid order not yet shipped; this one is {status}":
        "延迟发货退款仅适用于已付款未发货的订单；该订单为{status}",
    "the order is {status} now; this request before shipment lapses at its deadline": "订单现为{status}；此发货前请求将在期限到时失效",
    "before shipment the request is a refund of the whole order, everything paid": "发货前的请求是整单退款，退还全部实付",
    "a refund of {refund} is more than the {limit} left on the lines": "退款 {refund} 超过这些商品行剩余的 {limit}",
    "a {agreement} agreement refunds nothing; the refund must be 0": "{agreement}协议不退款；退款金额必须为 0",
    "the refund must be above 0 and at most {limit} (what was paid for the lines, less refunds)":
        "退款必须大于 0 且不超过 {limit}（这些商品行的实付减去已退）",
    "a refund before shipment is agreed or rejected; there is nothing to counter": "发货前退款只能同意或拒绝；没有可还价的内容",
    "an answer either agrees or makes a counter-proposal, not both": "回应要么同意要么提出反提议，不能两者兼有",
    "too late: {what} ({due})": "已超时：{what}（{due}）",
    "too late: {what}, was due by {due} UTC": "已超时：{what}，期限为 {due} UTC",
    "only a refund request before shipment can be refused as prepared": "只有发货前的退款请求可以以已备货为由拒绝",
    "{book} does not let a seller refuse a refund because the goods are prepared": "{book} 不允许卖家以已备货为由拒绝退款",
    "there is no counter-proposal to accept": "没有可接受的反提议",
    "only an unsettled case can be withdrawn": "只有未解决的售后单可以撤销",
    "a {vip} buyer may escalate an unsettled case after shipment from day {from_day} to day {to_day} after it opened":
        "{vip}买家可在发货后售后发起的第 {from_day} 天到第 {to_day} 天申请平台介入",
    "{reason} is not a short-quantity case; there is no shortage proof to record": "{reason} 不是少件售后；没有少件证明可登记",
    "there is nothing to report on this case now": "该售后单目前没有可报告的事项",
    "no tracking number is awaited on this case": "该售后单不需要运单号",
    "no receipt is awaited on this case": "该售后单不需要确认收货",
    "the {who} has nothing to report at this step": "{who}在此步骤没有可报告的事项",
    "the seller may report a missing return from {opens}": "卖家可从 {opens} 起报告退货未到",
    "the seller may ask a specialist only once the wait after delivery has passed": "卖家须在签收后的等待期过后才能申请专员介入",
    "upload the waybill showing the shipped quantity and weight first": "请先上传显示发货数量和重量的运单",
    "only a case on the platform can be ruled on": "只有平台介入的售后单可以裁决",
    "a partial refund needs its amount": "部分退款需要金额",
    "a partial refund is above 0 and below the {limit} left on the lines": "部分退款须大于 0 且小于这些商品行剩余的 {limit}",
    "the refund must lie within the allowed range {low} – {high}": "退款必须在允许范围 {low} – {high} 之内",
    "only a refund request before shipment is corrected this way; after shipment the ruling decides":
        "只有发货前的退款请求可以这样更正；发货后由裁决决定",
    "the reason already puts the responsibility on the buyer": "该原因已将责任归于买家",
    "damage is claimed within {days} days of receipt, by {due} UTC; the claim is rejected and {outcome}":
        "破损须在签收后 {days} 天内（{due} UTC 前）申报；申报被驳回，{outcome}",
    "a short quantity is claimed with its evidence within {days} days of receipt, by {due} UTC":
        "少件须在签收后 {days} 天内（{due} UTC 前）附凭证申报",
    # after-sales: complaints and metrics
    "{book} offers no complaints with compensation": "{book} 不提供带赔付的投诉",
    "{book} offers no complaint compensation": "{book} 不提供投诉赔付",
    "a complaint opens once the order is completed or closed with its refund; this one is {status}":
        "订单完成或退款关闭后才能投诉；该订单为{status}",
    "a complaint could be made until {until} UTC, {days} days after the order {status}": "投诉期限为 {until} UTC，即订单{status}后 {days} 天",
    "complaint {id} was made on this order already": "该订单已有投诉 {id}",
    "complaint {id} is {status} already": "投诉 {id} 已经{status}",
    "{why}: this order cannot be compensated": "{why}：该订单不能赔付",
    "the period must end after it starts": "统计期的结束必须晚于开始",
    "follow the store first: the reward is for its fans": "请先关注店铺：该奖励仅限店铺粉丝",
    "fans are a store's: a fans-only promotion or coupon belongs to a store": "粉丝属于店铺：粉丝专享的活动或优惠券只能由店铺创建",
    "the first day comes after the last": "起始日期晚于结束日期",
    "those days are outside the calendar": "这些日期超出了日历范围",
    "a growth read covers at most {n} days": "一次查询最多覆盖 {n} 天",
    # fulfillment: tracking numbers, allocation rules, labels; order intake
    "the S10 serial series runs 0 to {last}, got {serial}": "S10 序列号范围为 0 至 {last}，收到的是 {serial}",
    "no {channel} sandbox order {order}": "没有 {channel} 沙箱订单 {order}",
    # crossborder: customs, HS codes, delivery promises
    "no exchange rate from {a} to {b}": "没有从 {a} 到 {b} 的汇率",
    "exchange rate {a}→{b} must be positive, not {rate}": "{a}→{b} 的汇率必须为正数，而不是 {rate}",
    "goods value must not be negative, not {value}": "货值不能为负数，而不是 {value}",
    "shipping must not be negative, not {value}": "运费不能为负数，而不是 {value}",
    "goods and shipping must share a currency: {a} and {b}": "货值与运费必须使用同一币种：{a} 和 {b}",
    "{country} refuses this shipment: {codes}": "{country} 不接受该货件：{codes}",
    "promised delivery days must be a positive whole number, not {days}": "承诺运达天数必须是正整数，而不是 {days}",
    "customs table is not valid: {problems}": "关税规则表无效：{problems}",
    "customs table is not valid TOML: {error}": "关税规则表不是有效的 TOML：{error}",
    "an HS code must be 10 digits, not {code}": "HS 编码必须是 10 位数字，而不是 {code}",
    "direction must be import or export, not {direction}": "方向必须是进口或出口，而不是 {direction}",
    "HS {code} is not in the inspection catalogue; check the tariff or ask the inspection authority":
        "HS {code} 不在检验检疫目录中；请查阅海关进出口税则或咨询检验检疫机构",
    "HS {code} is listed twice in the catalogue": "HS {code} 在目录中出现了两次",
    "HS {code}: conditions must be A and/or B, not {found}": "HS {code}：监管条件只能是 A 和/或 B，而不是 {found}",
    "HS {code}: {change} is not one of {options}": "HS {code}：{change} 不是 {options} 之一",
    "HS {code}: {change} needs a code catalogued A/B, not {found}": "HS {code}：{change} 只适用于监管条件为 A/B 的编码，而不是 {found}",
    "HS {code}: cancel-a needs a code catalogued with A": "HS {code}：cancel-a 只适用于监管条件含 A 的编码",
    # the framework's and the catch-all handlers' own details (api/problems.py)
    "Not Found": "未找到", "Method Not Allowed": "不支持该请求方法", "Not authenticated": "未认证",
    "Unauthorized": "未认证", "Forbidden": "禁止访问", "Request Entity Too Large": "请求体过大",
    "Content Too Large": "请求体过大", "There was an error parsing the body": "无法解析请求体", "Too Many Requests": "请求过于频繁", "Unsupported Media Type": "不支持的媒体类型",
    "a database constraint refused the change": "数据库约束拒绝了该修改",
    "try again shortly": "请稍后重试",
    "an unexpected error; it has been logged": "发生意外错误；已记录日志",
    # order intake: importing marketplace export files (orders/intake/api.py, service.py)
    "the file is not UTF-8 text": "文件不是 UTF-8 文本",
    "not an Amazon, Shopify or eBay export": "不是亚马逊、Shopify 或 eBay 的导出文件",
    "the file is a {sniffed} export, not {format}": "该文件是 {sniffed} 导出文件，而不是 {format}",
    "a multipart upload carries the export in its file field": "multipart 上传须将导出文件放在 file 字段中",
    "send the export as text/csv, text/tab-separated-values or a multipart upload":
        "请以 text/csv、text/tab-separated-values 或 multipart 上传发送导出文件",
    "import {id} does not exist": "导入批次 {id} 不存在",
    # fulfillment: allocation rules run over orders, the buyer's shipping method
    "{field} must be an object with minor and currency": "{field} 必须是包含 minor 和 currency 的对象",
    "{field} is not an amount: {error}": "{field} 不是有效金额：{error}",
    "unknown condition {names}": "未知的条件 {names}",
    "{field} must be a list of codes": "{field} 必须是代码列表",
    "warehouse {code} is not one of this store's": "仓库 {code} 不属于本店铺",
    "the new order must name each of the store's allocation rules exactly once": "新的顺序必须恰好列出本店铺每条分配规则一次",
    "order {number} is not paid and waiting to ship": "订单 {number} 不是已付款待发货状态",
    "order {number} has no shipping method left to change": "订单 {number} 已无可更改的物流方式",
    "order {number} ships by {method} already": "订单 {number} 已经使用 {method} 发货方式",
    "order {number} has a change of shipping method waiting for the buyer": "订单 {number} 已有一项物流方式变更等待买家答复",
    "shipping method change {id} is {status} already": "物流方式变更 {id} 已经是{status}状态",
    "only the buyer may accept or refuse a change of shipping method": "只有买家可以接受或拒绝物流方式的变更",
    # webhooks: subscriptions, deliveries, resend and ping
    "a webhook URL must be https (http only to localhost or 127.0.0.1 in development)":
        "Webhook 地址必须使用 https（仅在开发环境中可用 http 指向 localhost 或 127.0.0.1）",
    "name 1 to {n} event type prefixes": "请填写 1 至 {n} 个事件类型前缀",
    "{prefix} is not an event type prefix such as order. or case.": "{prefix} 不是事件类型前缀（例如 order. 或 case.）",
    "webhook {id} is {status}; resume it to resend": "Webhook 订阅 {id} {status}；请先恢复再重发",
    "webhook {id} is {status}; resume it to ping": "Webhook 订阅 {id} {status}；请先恢复再发送测试事件",
    # crossborder: customs profiles, shipment checks, duty payer, commercial invoice, seizures
    "store {id} has no customs profile": "店铺 {id} 没有跨境报关设置",
    "the rate to {currency} must be a positive number, not {rate}": "兑 {currency} 的汇率必须为正数，而不是 {rate}",
    "order {number} does not cross a border: it has no duty payer": "订单 {number} 不是跨境订单：没有税务承担方",
    "the duty payer of an order to {country} cannot change once the carrier has picked it up":
        "发往 {country} 的订单一经揽收，税务承担方不能再更改",
    "order {number} is {status}: its duty payer no longer matters": "订单 {number} 已{status}：税务承担方不再适用",
    "order {number} does not cross a border: it has no commercial invoice": "订单 {number} 不是跨境订单：没有商业发票",
    "unknown seizure cause {cause}; one of {options}": "未知的扣关原因 {cause}；可选 {options}",
    "a customs seizure is recorded on order {number} already": "订单 {number} 已记录过海关扣关",
    "customs hold goods on their way: a shipped order, not one that is {status}": "海关扣留的是运输途中的货物：须为已发货订单，而不是{status}订单",
    "{book} has no reason for goods not received": "{book} 没有“未收到货”的原因",
    "order {number} does not cross a border: no customs hold it": "订单 {number} 不是跨境订单：不涉及海关扣关",
    # webhooks: production sends to public addresses only (SSRF guard)
    "the webhook host {host} does not resolve to an address": "Webhook 主机 {host} 无法解析到任何地址",
    "the webhook host {host} resolves to {address}, which is not a public address (private, loopback, link-local or reserved)":
        "Webhook 主机 {host} 解析到 {address}，不是公网地址（属于私有、回环、链路本地或保留地址）",
    # the back-office console's forms (allocation rules and settings, order imports)
    "{field} must be a whole number >= 0, got {value}": "{field} 必须是大于或等于 0 的整数，收到 {value}",
    "promised days must read like US=30, got {value}": "承诺运达天数的格式应为 US=30，收到 {value}",
    "choose an export file to upload": "请选择要上传的导出文件",
    "unknown export format {format}": "未知的导出格式 {format}",
    # purchasing: suppliers, replenishment suggestions, purchase orders, receiving, supplier payment requests
    "{field} must not be negative": "{field}不能为负数",
    "pack size and minimum order must be at least 1": "箱规和起订量至少为 1",
    "stock on hand and in transit must not be negative": "在库和在途库存不能为负数",
    "a supplier named {name} exists already": "已有名为 {name} 的供应商",
    "supplier {id} has SKU costs in {currency}; link them anew to change currency":
        "供应商 {id} 已有以 {currency} 计价的 SKU 成本；请重新关联后再更改币种",
    "supplier {id} is inactive": "供应商 {id} 已停用",
    "SKU {id} has no supplier": "SKU {id} 没有供应商",
    "SKU {id} has no cost from supplier {supplier}; give unit_cost": "SKU {id} 没有来自供应商 {supplier} 的成本；请填写 unit_cost",
    "a purchase order needs at least one line": "采购单至少需要一行",
    "a purchase order names each SKU once": "采购单中每个 SKU 只能出现一次",
    "purchase order {number} is {status}; it cannot {action}": "采购单 {number} 为{status}状态，不能{action}",
    "line {line} is not on purchase order {number}": "第 {line} 行不在采购单 {number} 上",
    "line {line} of purchase order {number} has {open} open, not {quantity}": "采购单 {number} 第 {line} 行未到 {open} 件，而不是 {quantity} 件",
    "line {line} of purchase order {number} has less open than {quantity}": "采购单 {number} 第 {line} 行未到数量少于 {quantity}",
    "name each received line with a positive quantity": "请为每个到货行填写正数数量",
    "supplier payment request {id} is {status}; it cannot {action}": "供应商付款申请 {id} 为{status}状态，不能{action}",
    "the window is 1 to 90 days": "统计窗口为 1 至 90 天",
    "a campaign start lies within the last 90 days": "活动开始时间须在最近 90 天内",
    "choose at least one SKU": "请至少选择一个 SKU",
    "nothing is suggested for SKU {code}": "SKU {code} 没有采购建议",
    # fulfillment: labels (面单), logistics channels, tracking events
    "order {number} has no allocation yet: run the allocation rules first": "订单 {number} 尚未分配：请先运行分配规则",
    "order {number} is not allocated: {reason}": "订单 {number} 未分配成功：{reason}",
    "order {number} has no label; book one first": "订单 {number} 还没有面单；请先获取面单",
    "name 1 to {n} orders": "请指定 1 至 {n} 个订单",
    "no allocated one-piece order waits for {sku}": "没有等待 {sku} 的已分配单件订单",
    "no SKU of this store has the code or barcode {code}": "本店铺没有编码或条码为 {code} 的 SKU",
    "label {id} does not exist": "面单 {id} 不存在",
    "label {id} left with its parcel; it cannot be voided": "面单 {id} 已随包裹发出，不能作废",
    "channel {code} has issued every number of its series": "渠道 {code} 的号段已用完",
    "no parcel of this store has the tracking number {number}": "本店铺没有运单号为 {number} 的包裹",
    "a tracking number is 1 to 64 characters": "运单号为 1 至 64 个字符",
    "tracking event kind {kind} is not one of {kinds}": "物流事件类型 {kind} 不是 {kinds} 之一",
    "a tracking event's time needs its time zone (e.g. 2026-12-05T09:30:00+08:00)":
        "物流事件的时间须带时区（例如 2026-12-05T09:30:00+08:00）",
    "a location is at most {n} characters": "地点最多 {n} 个字符",
    "{text} is not an ISO 8601 time": "{text} 不是 ISO 8601 时间",
    "the header lacks {columns}": "表头缺少 {columns}",
    "give sku_code or barcode, one of them": "请提供 sku_code 或 barcode 其中之一",
    "a tracking event's time must lie between the years 1000 and 9000": "物流事件的时间须在 1000 年至 9000 年之间",
    "a scan cannot come from the future": "物流扫描的时间不能晚于现在",
    # warehouse: shelf locations, scans, stocktakes, transfers (warehouse/, inventory adjust and transfer)
    "an adjustment of {n} would take available stock of SKU {id} below zero": "调整 {n} 会使 SKU {id} 的可用库存低于零",
    "warehouse {id} has {n} of SKU {sku} available, fewer than {wanted}": "仓库 {id} 中 SKU {sku} 的可用库存为 {n}，少于 {wanted}",
    "no SKU of this store has the code {code}": "本店铺没有编码为 {code} 的 SKU",
    "quantity received must be positive": "入库数量必须为正数",
    "order {id} has nothing to ship from warehouse {code}": "订单 {id} 没有需要从仓库 {code} 发出的商品",
    "order {id} is {status}: only paid orders are picked, packed and verified": "订单 {id} {status}：只有已付款订单才能拣货、装箱和核验",
    "measured_grams must be positive": "measured_grams 必须为正数",
    "quantity scanned must be positive": "扫描数量必须为正数",
    "order {id} still misses {n} item(s) at the door": "订单 {id} 出库核验还差 {n} 件商品",
    "{code} is blocked on order {id}: {reason}": "{code} 在订单 {id} 中被拦截：{reason}",
    "a shelf scheme is made of A (a letter), 9 (a digit) and the separators - . _, at most {n} long, e.g. A-99-99":
        "库位编码规则由 A（字母）、9（数字）和分隔符 - . _ 组成，最长 {n} 位，例如 A-99-99",
    "a shelf scheme needs at least one letter (A) or digit (9) position": "库位编码规则至少需要一个字母（A）或数字（9）位",
    "the warehouse has no shelf scheme yet: set one first": "该仓库尚未设置库位编码规则：请先设置",
    "shelf code {code} does not follow the warehouse's scheme {scheme}": "库位编码 {code} 不符合该仓库的编码规则 {scheme}",
    "{prefix} does not start a shelf code of the scheme {scheme}": "{prefix} 不是编码规则 {scheme} 的库位编码前缀",
    "shelf slots of this warehouse are numbered otherwise; move them before changing to {scheme}":
        "该仓库的库位按其他规则编码；请先调整库位再改为 {scheme}",
    "home_country is a two-letter country code": "home_country 必须是两位字母的国家代码",
    "warehouse {code} has a stocktake open already: close it first": "仓库 {code} 已有进行中的盘点单：请先关闭",
    "stocktake {id} is closed": "盘点单 {id} 已关闭",
    "quantity counted must be positive": "盘点数量必须为正数",
    "{code} is no SKU on the shelves this stocktake counts": "{code} 不是本次盘点库位上的 SKU",
    "at most {n} counts at once": "一次最多 {n} 条盘点记录",
    "each SKU code may appear once": "每个 SKU 编码只能出现一次",
    "a count is never negative": "盘点数量不能为负数",
    "not on the shelves this stocktake counts: {codes}": "不在本次盘点的库位上：{codes}",
    "counts of {codes} are below the units reserved for orders; recount, or release those orders first":
        "{codes} 的盘点数量低于订单已占用的数量；请重新盘点，或先释放这些订单",
    "a transfer goes to another warehouse": "调拨必须调往另一个仓库",
    "a transfer has 1 to {n} lines": "调拨单须有 1 至 {n} 行",
    "each SKU appears once on a transfer": "每个 SKU 在调拨单中只能出现一次",
    "quantities are positive": "数量必须为正数",
    "a SKU of the transfer does not exist": "调拨单中的某个 SKU 不存在",
    "transfer {id} is {status}: only a created one ships": "调拨单 {id} {status}：只有已创建的调拨单可以发出",
    "transfer {id} is {status}: only one in transit is received": "调拨单 {id} {status}：只有在途的调拨单可以收货",
    "a received SKU is not on the transfer": "收货的 SKU 不在调拨单中",
    "received quantities are between 0 and what was shipped": "收货数量须在 0 与发出数量之间",
    "a pick scan is pick_start or pick_end": "拣货扫描须为 pick_start 或 pick_end",
    # text PostgreSQL cannot store, from a query or a form (api.problems)
    "text must not contain the NUL character (U+0000)": "文本不能包含空字符（U+0000）",
    # analytics and CRM: the pure rules' refusals (analytics/, crm/)
    "the lookback window must be positive": "回溯窗口必须为正",
    "an order's revenue to attribute cannot be negative": "待归因的订单收入不能为负",
    "order and touch times must carry a time zone": "订单和触点的时间必须带时区",
    "the percentile must be between 1 and 100": "百分位必须在 1 到 100 之间",
    "{field} must be a whole number of at least 0": "{field} 必须是不小于 0 的整数",
    "{numerator} cannot exceed {denominator}": "{numerator} 不能超过 {denominator}",
    "a funnel needs at least one stage": "漏斗至少需要一个阶段",
    "funnel stages must be distinct and in journey order": "漏斗阶段不能重复，且须按顾客路径的顺序排列",
    "ask for at least one path": "至少要查看一条路径",
    "journey event times must carry a time zone": "路径事件的时间必须带时区",
    "the end of a period cannot come before its start": "时段的结束不能早于开始",
    "unknown person event {kind}": "未知的用户事件 {kind}",
    "an event time must carry its time zone": "事件时间必须带时区",
    "{name} cannot be negative": "{name} 不能为负",
    "RFM scores run from 1 to 5": "RFM 分值在 1 到 5 之间",
    "as_of must carry its time zone": "as_of 必须带时区",
    "orders in {currency} and {other} cannot be scored together": "{currency} 和 {other} 的订单不能一起评分",
    "now must carry its time zone": "now 必须带时区",
    "take between 1 and {count} keywords by exposure": "按曝光量选取的关键词数须在 1 到 {count} 之间",
    "the title length limit must be at least 1 character": "标题长度上限至少为 1 个字符",
    "a keyword needs at least one word": "关键词至少要有一个词",
    "keyword {keyword} appears more than once": "关键词 {keyword} 重复出现",
    "clicks cannot exceed exposure": "点击量不能超过曝光量",
    "exposure must be a whole number of at least 0": "曝光量必须是不小于 0 的整数",
    "clicks must be a whole number of at least 0": "点击量必须是不小于 0 的整数",
    "orders must be a whole number of at least 0": "订单数必须是不小于 0 的整数",
    "min_orders must be at least 1": "min_orders 至少为 1",
    "limit must be at least 1": "limit 至少为 1",
    "{field} must be between 0 and 1": "{field} 必须在 0 到 1 之间",
    "rules run over pairs (max_size 2) or triples (max_size 3)": "关联规则只统计二元组（max_size 2）或三元组（max_size 3）",
    "the bundle discount must be more than 0 and less than 1": "套餐折扣必须大于 0 且小于 1",
    "a bundle's start and end must carry a time zone": "套餐的开始和结束时间必须带时区",
    "bundle prices must all be in one currency": "套餐商品的价格必须使用同一币种",
    "a bundle must end after it starts": "套餐的结束时间必须晚于开始时间",
}

# A few captured phrases that are whole sentences of their own (the VIP wording, outcomes).
TERMS_ZH.update({
    "VIP": "VIP", "non-VIP": "非 VIP",
    "the buyer is refunded": "买家获得退款", "the funds go to the seller": "款项给卖家",
    "the case goes to the platform": "售后单转平台处理",
    # allocation outcomes a refused label names (fulfillment/allocation.py, allocation_service.py)
    "warehouse-short": "仓库库存不足", "stock-short": "各仓库存均不足", "no-rule-matched": "没有匹配的分配规则",
    "no-rules": "店铺没有分配规则", "order-unreadable": "订单信息无法识别",
})

# crossborder: why a destination refuses a parcel (RULES.md §6.1), listed in "{country} refuses this shipment: {codes}"
TERMS_ZH.update({
    "the original commercial invoice is required": "须附原始商业发票",
    "used goods are not accepted": "不接受二手或旧货",
    "the goods type or invoice type is wrong": "货物类型或发票类型有误",
})

# Pydantic's error types (422 invalid-request) → a Chinese detail; `{loc}` is where, the rest come from `ctx`.
VALIDATION_ZH: dict[str, str] = {
    "missing": "{loc}：必填",
    "extra_forbidden": "{loc}：不允许的字段",
    "string_too_long": "{loc}：过长（最多 {max_length} 个字符）",
    "string_too_short": "{loc}：过短（至少 {min_length} 个字符）",
    "too_long": "{loc}：元素过多（最多 {max_length} 个）",
    "too_short": "{loc}：元素过少（至少 {min_length} 个）",
    "string_type": "{loc}：必须是字符串",
    "string_pattern_mismatch": "{loc}：格式不符（{pattern}）",
    "int_parsing": "{loc}：必须是整数",
    "int_type": "{loc}：必须是整数",
    "string_nul": "{loc}：不能包含空字符（U+0000）",
    "int_from_float": "{loc}：必须是整数",
    "float_parsing": "{loc}：必须是数字",
    "float_type": "{loc}：必须是数字",
    "decimal_parsing": "{loc}：必须是数字",
    "decimal_type": "{loc}：必须是数字",
    "decimal_max_digits": "{loc}：位数过多",
    "decimal_max_places": "{loc}：小数位数过多",
    "finite_number": "{loc}：必须是有限数",
    "bool_parsing": "{loc}：必须是布尔值",
    "bool_type": "{loc}：必须是布尔值",
    "greater_than": "{loc}：必须大于 {gt}",
    "greater_than_equal": "{loc}：必须大于或等于 {ge}",
    "less_than": "{loc}：必须小于 {lt}",
    "less_than_equal": "{loc}：必须小于或等于 {le}",
    "literal_error": "{loc}：必须是 {expected} 之一",
    "enum": "{loc}：必须是 {expected} 之一",
    "datetime_parsing": "{loc}：不是有效的日期时间",
    "datetime_from_date_parsing": "{loc}：不是有效的日期时间",
    "datetime_type": "{loc}：不是有效的日期时间",
    "date_parsing": "{loc}：不是有效的日期",
    "date_from_datetime_parsing": "{loc}：不是有效的日期",
    "date_type": "{loc}：不是有效的日期",
    "timezone_aware": "{loc}：必须带时区",
    "list_type": "{loc}：必须是列表",
    "dict_type": "{loc}：必须是对象",
    "model_type": "{loc}：必须是对象",
    "model_attributes_type": "{loc}：必须是对象",
    "json_invalid": "{loc}：不是有效的 JSON",
    "json_type": "{loc}：不是有效的 JSON",
    "union_tag_invalid": "{loc}：类型标记无效（应为 {expected_tags} 之一）",
    "union_tag_not_found": "{loc}：缺少类型标记 {discriminator}",
    "value_error": "{loc}：{error}",
    "assertion_error": "{loc}：{error}",
    "uuid_parsing": "{loc}：不是有效的 UUID",
    "url_parsing": "{loc}：不是有效的 URL",
}
VALIDATION_ZH_FALLBACK = "{loc}：值无效"


def language(accept_language: str | None) -> Lang:
    """The language of a problem: Chinese when Accept-Language prefers it (q-values honoured), else English."""
    return pick_lang(None, None, accept_language)


def title(code: str, english: str, lang: Lang) -> str:
    return TITLES_ZH.get(code, english) if lang == "zh" else english


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], str, tuple[str, ...]]]:
    """The templates as regexes, most literal text first, so `shipping template 5` beats `{what} {id}`."""
    compiled = []
    for english, chinese in DETAILS_ZH.items():
        parts = re.split(r"\{(\w+)\}", english)
        names = tuple(parts[1::2])
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        literal = sum(len(p) for p in parts[0::2])
        compiled.append((literal, re.compile(pattern, re.DOTALL), chinese, names))
    compiled.sort(key=lambda entry: -entry[0])
    return [(pattern, chinese, names) for _, pattern, chinese, names in compiled]


def translate(english: str, depth: int = 0) -> str | None:
    """The Chinese of an English detail, or None when no template matches it."""
    if english in TERMS_ZH:
        return TERMS_ZH[english]
    if depth > 3:
        return None
    for pattern, chinese, names in _compiled():
        match = pattern.fullmatch(english)
        if match:
            parts = {name: _part(match.group(name), depth) for name in names}
            return chinese.format(**parts)
    return None


def _part(captured: str, depth: int) -> str:
    words = captured.split(", ")
    if len(words) > 1 and all(w in TERMS_ZH for w in words):  # a list of known terms ("operator, staff")
        return "、".join(TERMS_ZH[w] for w in words)
    return translate(captured, depth + 1) or captured


def detail(english: str, lang: Lang) -> str:
    if lang == "en":
        return english
    return translate(english) or english


def validation_detail(error: Mapping[str, Any], lang: Lang) -> str:
    """One pydantic error in words: the English from pydantic, the Chinese from its type."""
    loc = ".".join(str(p) for p in error.get("loc", ()))
    if lang == "en":
        return f"{loc}: {error.get('msg', 'invalid')}"
    ctx = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "error" in ctx:
        ctx["error"] = detail(ctx["error"], lang)
    template = VALIDATION_ZH.get(str(error.get("type", "")), VALIDATION_ZH_FALLBACK)
    try:
        return template.format(loc=loc, **ctx)
    except (KeyError, IndexError):
        return VALIDATION_ZH_FALLBACK.format(loc=loc)
