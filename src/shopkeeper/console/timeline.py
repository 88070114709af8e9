"""The timelines' words: each event the code records, as one sentence in the page's language.

Events keep their data as the services wrote it: minor units, ISO times in UTC, codes. Here it becomes
money with its currency, times on the store's clock (a platform's rows on the platform's) and words, so
an order's or a case's timeline reads "Paid ¥73.97; ship by 2026-11-05 14:00", not `amount_minor: 7397`.
Every type the code records has a sentence in both languages: tests/console/test_timeline.py reads
the source for the types and holds this table to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shopkeeper.console import promotion_text
from shopkeeper.console.display import duration, money, when
from shopkeeper.console.i18n import translate
from shopkeeper.events import Event
from shopkeeper.languages import Lang

Words = tuple[str, str]  # (English, 中文)

# type → the sentence; {name} is a value of the event's data, made readable by `_values`
SENTENCES: dict[str, Words] = {
    # orders and payments
    "order.placed": ("Order {number} placed: {lines} line(s), {total} to pay", "下单 {number}：{lines} 种商品，应付 {total}"),
    "order.paid": ("Paid {amount}; ship by {ship_by}", "付款 {amount}，须在 {ship_by} 前发货"),
    "order.shipped": ("Shipped with {carrier}, tracking number {tracking_number}", "已发货：{carrier}，运单号 {tracking_number}"),
    "order.picked_up": ("The carrier picked the parcel up at {scanned_at}", "快递已于 {scanned_at} 揽件"),
    "order.delivered": ("Delivered: the carrier scanned it as signed for", "已签收：快递签收扫描"),
    "order.completed": ("Completed (receipt confirmed by {confirmed_by}); {released} released to the store",
                        "交易成功（{confirmed_by}确认收货），{released} 已放款给店铺"),
    "order.closed": ("Closed by {by}: {reason}", "交易关闭（{by}）：{reason}"),
    "order.receipt_held": ("Automatic receipt paused by an after-sales case, with {seconds_left} left",
                           "售后处理中，自动确认收货暂停，剩余 {seconds_left}"),
    "order.receipt_resumed": ("Automatic receipt running again: confirmed by {confirm_by} unless the buyer does first",
                              "自动确认收货恢复计时：{confirm_by} 自动确认收货"),
    "order.ship_overdue": ("The ship-by deadline {ship_by} passed", "已超过发货时限 {ship_by}"),
    "payment.started": ("Payment #{payment_id} started", "发起支付 #{payment_id}"),
    "payment.failed": ("Payment #{payment_id} failed", "支付 #{payment_id} 失败"),
    "payment.refunded": ("Payment #{payment_id} refunded", "支付 #{payment_id} 已退回"),
    "payment.cancelled": ("Payment #{payment_id} ended with its order: {reason}", "支付 #{payment_id} 随订单关闭：{reason}"),
    "order.receipt_extended": ("The {by} extended the time to confirm receipt by {days} days, to {confirm_by}",
                               "{by}延长收货 {days} 天，至 {confirm_by} 自动确认收货"),
    "order.group_complete": ("Its group buy #{group_buy_id} is complete: ship by {ship_by}",
                             "拼团 #{group_buy_id} 已成团，须在 {ship_by} 前发货"),
    # group buys (拼团)
    "group_buy.offer_created": ("Group offer {name}: groups of {group_size} at {group_price}, {time_limit_hours} h to fill",
                                "新建拼团活动 {name}：{group_size} 人团，拼团价 {group_price}，{time_limit_hours} 小时内成团"),
    "group_buy.offer_ended": ("Group offer ended: no new groups open on it", "拼团活动已结束，不再开新团"),
    "group_buy.settings_changed": ("Group-buy settings changed: the system fills up to {auto_fill_seats} missing seat(s) at expiry",
                                   "拼团设置已修改：到期时由系统补足至多 {auto_fill_seats} 个名额（模拟成团）"),
    "group_buy.started": ("Buyer #{buyer_id} started a group of {size} (code {code}) with order #{order_id}",
                          "买家 #{buyer_id} 发起 {size} 人团（团码 {code}），订单 #{order_id}"),
    "group_buy.opened": ("The opener paid: the group is open until {expires_at}", "团长已付款，拼团开始，{expires_at} 截止"),
    "group_buy.joined": ("Buyer #{buyer_id} joined with order #{order_id}", "买家 #{buyer_id} 参团，订单 #{order_id}"),
    "group_buy.seat_taken": ("Order #{order_id} paid: {paid_members} of {size} seats taken", "订单 #{order_id} 已付款：已占 {paid_members}/{size} 个名额"),
    "group_buy.seat_refused": ("Order #{order_id} paid too late for a seat ({reason}); refunded in full at once",
                               "订单 #{order_id} 付款时已无名额（{reason}），已全额退款"),
    "group_buy.member_left": ("Order #{order_id} left the group; {paid_members} of {size} seats taken",
                              "订单 #{order_id} 退出拼团；已占 {paid_members}/{size} 个名额"),
    "group_buy.completed": ("The group is complete with {paid_members} paid of {size}: its orders go on to shipping",
                            "成团：{size} 人团已付款 {paid_members} 人，订单进入发货"),
    "group_buy.auto_filled": ("Time ran out with {seats} seat(s) missing: the system filled them (模拟成团)",
                              "到期仍缺 {seats} 人：系统模拟成团"),
    "group_buy.failed": ("Time ran out with {paid_members} of {size} seats taken: every member is refunded in full",
                         "拼团失败：{size} 人团仅 {paid_members} 人付款，全部全额退款"),
    "group_buy.cancelled": ("The group was cancelled: {reason}", "拼团已取消：{reason}"),
    # pools (拼单)
    "order.pool_complete": ("Its pool #{pool_id} reached its threshold: ship by {ship_by}",
                            "拼单 #{pool_id} 已达到门槛，须在 {ship_by} 前发货"),
    "pool.offer_created": ("Pool offer {name}: a basket of {threshold} gets {percent_off}% off, {time_limit_hours} h to reach it",
                           "新建拼单活动 {name}：拼满 {threshold} 享 {percent_off}% 折扣，{time_limit_hours} 小时内有效"),
    "pool.offer_ended": ("Pool offer ended: no new pools open on it", "拼单活动已结束，不再开新拼单"),
    "pool.started": ("Buyer #{buyer_id} started a pool (code {code}) with order #{order_id}; it needs {threshold}",
                     "买家 #{buyer_id} 发起拼单（拼单码 {code}），订单 #{order_id}；门槛 {threshold}"),
    "pool.opened": ("The opener paid: the pool is open until {expires_at}", "发起人已付款，拼单开始，{expires_at} 截止"),
    "pool.joined": ("Buyer #{buyer_id} added order #{order_id} to the basket", "买家 #{buyer_id} 加入拼单，订单 #{order_id}"),
    "pool.added": ("Order #{order_id} paid: the basket has {achieved} of {threshold}",
                   "订单 #{order_id} 已付款：拼单已凑 {achieved}，门槛 {threshold}"),
    "pool.refused": ("Order #{order_id} paid after the pool ended ({reason}); refunded in full at once",
                     "订单 #{order_id} 付款时拼单已结束（{reason}），已全额退款"),
    "pool.member_left": ("Order #{order_id} left the pool; the basket has {achieved} of {threshold}",
                         "订单 #{order_id} 退出拼单；拼单已凑 {achieved}，门槛 {threshold}"),
    "pool.completed": ("The basket reached {achieved} of {threshold}: its {paid_members} order(s) go on to shipping",
                       "拼单成功：已凑 {achieved}（门槛 {threshold}），{paid_members} 个订单进入发货"),
    "pool.failed": ("Time ran out with {achieved} of {threshold}: every member is refunded in full",
                    "拼单失败：仅凑 {achieved}（门槛 {threshold}），全部全额退款"),
    "pool.cancelled": ("The pool was cancelled: {reason}", "拼单已取消：{reason}"),
    # distribution (分销)
    "distribution.program_changed": ("Distribution program set: {attribution_days}-day attribution, {levels_paid} level(s) paid",
                                     "分销方案已设置：归因期 {attribution_days} 天，佣金 {levels_paid} 级"),
    "distribution.promoter_joined": ("Buyer #{buyer_id} became a promoter (code {code})", "买家 #{buyer_id} 成为推广员（推广码 {code}）"),
    "distribution.payout_requested": ("Payout #{payout_id} of {amount} requested", "申请提现 #{payout_id}，金额 {amount}"),
    "distribution.payout_approved": ("Payout #{payout_id} of {amount} approved and paid", "提现 #{payout_id}（{amount}）已批准并支付"),
    "distribution.payout_rejected": ("Payout #{payout_id} rejected", "提现 #{payout_id} 已驳回"),
    "commission.frozen": ("Commission {amount} frozen", "佣金 {amount} 已冻结"),
    "commission.release_scheduled": ("Commission to be released at {release_at}, when the after-sales window closes",
                                     "佣金将于售后期结束时 {release_at} 结算"),
    # influencers, live sessions, content tasks (social/content, RULES.md §4.3)
    "distribution.influencer_enrolled": ("Promoter signed as influencer {name} (code {code})",
                                         "推广员签约为达人 {name}（推广码 {code}）"),
    "distribution.fee_paid": ("Fee {amount} paid to the promoter's balance ({reason})",
                              "稿费 {amount} 已计入推广员余额（{reason}）"),
    "content.session_scheduled": ("Live session {title} scheduled from {starts_at} to {ends_at} (code {code})",
                                  "直播场次 {title} 已排期：{starts_at} 至 {ends_at}（代码 {code}）"),
    "content.task_published": ("Content task {title} published, due {deadline}", "发布内容任务 {title}，截止 {deadline}"),
    "content.task_accepted": ("Influencer {name} accepted the task (code {code})", "达人 {name} 接下任务（代码 {code}）"),
    "content.task_submitted": ("Content submitted: {url}", "已提交内容：{url}"),
    "content.task_approved": ("Content approved; fee {fee}", "内容已通过；稿费 {fee}"),
    "content.task_rejected": ("Content rejected: {note}", "内容被驳回：{note}"),
    "content.task_withdrawn": ("The store withdrew the task", "店铺已撤回任务"),
    "content.task_expired": ("The deadline passed with nothing approved or waiting: the task expired",
                             "截止时仍无待审或已通过的内容：任务已过期"),
    "commission.released": ("Commission {amount} released", "佣金 {amount} 已结算"),
    "commission.clawed_back": ("Commission {amount} clawed back for a refund", "因退款追回佣金 {amount}"),
    # community group buying (social/community)
    "community.settings_changed": ("Community group buying: cut-offs {cutoffs}, {unpicked_days} day(s) to collect, then {unpicked_outcome}; leaders earn {leader_rate}",
                                   "社区团购设置：截单 {cutoffs}，{unpicked_days} 天内提货，逾期{unpicked_outcome}；团长佣金比例 {leader_rate}"),
    "community.point_created": ("Pickup point {name} opened in {community}", "自提点 {name} 已在 {community} 开设"),
    "community.point_closed": ("Pickup point closed: no new orders for it", "自提点已关闭，不再接新订单"),
    "community.leader_appointed": ("Buyer #{buyer_id} appointed leader of pickup point #{pickup_point_id} (link code {code})",
                                   "买家 #{buyer_id} 被任命为自提点 #{pickup_point_id} 的团长（链接码 {code}）"),
    "community.leader_suspended": ("Leader suspended: no new orders through their link", "团长已暂停，其链接不再接单"),
    "community.ordered": ("Ordered through leader #{leader_id}, for collection at pickup point #{pickup_point_id}",
                          "通过团长 #{leader_id} 下单，到自提点 #{pickup_point_id} 提货"),
    "community.wave_opened": ("Wave opened; its cut-off is {cutoff_at}", "波次已开启，截单时间 {cutoff_at}"),
    "community.wave_joined": ("Gathered in wave #{wave_id} (cut-off {cutoff_at})", "已归入波次 #{wave_id}（截单 {cutoff_at}）"),
    "community.wave_closed": ("Cut-off: {orders} order(s) of {leaders} leader(s), {units} unit(s) to allocate",
                              "已截单：{leaders} 位团长的 {orders} 个订单，共 {units} 件待配货"),
    "community.wave_delivered": ("Delivered to the pickup points; buyers collect by {pickup_by}", "已送达自提点，买家须在 {pickup_by} 前提货"),
    "community.collected": ("Collected at pickup point #{pickup_point_id} with the pickup code", "已凭提货码在自提点 #{pickup_point_id} 提货"),
    "community.not_collected": ("Not collected in time: {outcome}", "逾期未提货：{outcome}"),
    "community.wave_settled": ("Pickup deadline passed: {not_collected} order(s) not collected ({outcome})",
                               "提货期已过：{not_collected} 个订单未提货（{outcome}）"),
    # reward programs (social/rewards)
    "store.followed": ("Buyer #{buyer_id} followed the store (joined its club)", "买家 #{buyer_id} 关注了店铺（加入粉丝趴）"),
    "store.unfollowed": ("Buyer #{buyer_id} unfollowed the store", "买家 #{buyer_id} 取消关注店铺"),
    "reward.program_created": ("Reward program {name} ({kind}) started", "新建奖励活动 {name}（{kind}）"),
    "reward.program_ended": ("Reward program ended after {spent_count} grant(s)", "奖励活动已结束，共发放 {spent_count} 次"),
    "reward.granted": ("Buyer #{buyer_id} was rewarded ({trigger})", "买家 #{buyer_id} 获得奖励（{trigger}）"),
    "reward.not_granted": ("Order #{order_id} earned nothing: {reason}", "订单 #{order_id} 未获得奖励：{reason}"),
    "reward.invited": ("Buyer #{invitee_id} came by buyer #{inviter_id}'s invitation", "买家 #{invitee_id} 经买家 #{inviter_id} 邀请而来"),
    "reward.drawn": ("Buyer #{buyer_id} drew (draw #{draw_id}, roll {roll})", "买家 #{buyer_id} 抽奖（抽奖 #{draw_id}，点数 {roll}）"),
    "reward.applied": ("Buyer #{buyer_id} applied for the free trial", "买家 #{buyer_id} 申请了免费试用"),
    "reward.trial_drawn": ("Free trial drawn: {winners} winner(s) of {applicants} applicant(s), {units} unit(s) offered",
                           "免费试用已开奖：{applicants} 位申请者中 {winners} 位中选，共提供 {units} 件"),
    "reward.review_asked": ("Buyer #{buyer_id} won a trial of SKU #{sku_id} and was asked for a review",
                            "买家 #{buyer_id} 获得 SKU #{sku_id} 的试用，已邀请其评价"),
    # platform red packets (跨店铺红包, 看广告抢红包; social/packets)
    "platform_packet.program_created": ("Platform red-packet program {name} ({mode}): {packets} packet(s) from a pool of {total}",
                                        "新建平台红包活动 {name}（{mode}）：红包池 {total}，共 {packets} 个红包"),
    "platform_packet.program_ended": ("Platform red-packet program ended after {spent_count} grab(s)",
                                      "平台红包活动已结束，共被抢 {spent_count} 个"),
    "platform_packet.store_joined": ("The store takes part in the platform red packets (by {by})", "店铺参加平台红包活动（{by}）"),
    "platform_packet.grabbed": ("Buyer #{buyer_id} grabbed packet #{packet_id} ({amount}), usable until {expires_at}",
                                "买家 #{buyer_id} 抢到红包 #{packet_id}（{amount}），{expires_at} 前有效"),
    "platform_packet.spent": ("Platform red packets paid {amount} of order #{order_id}",
                              "平台红包抵扣订单 #{order_id} {amount}"),
    "platform_packet.given_back": ("Packet #{packet_id}: {amount} given back as the order closed",
                                   "订单关闭，红包 #{packet_id} 退回 {amount}"),
    "platform_packet.expired": ("Packet #{packet_id} expired: {amount} back to the platform",
                                "红包 #{packet_id} 已过期：{amount} 退回平台"),
    # assists (邀请助力, 分享互惠)
    "assist.offer_created": ("Assist offer {name}: {steps} step(s) up to {goal} helpers, {time_limit_hours} h to gather them",
                             "新建助力活动 {name}：{steps} 个阶梯，最多 {goal} 人助力，{time_limit_hours} 小时内完成"),
    "assist.offer_ended": ("Assist offer ended: no new tasks open on it", "助力活动已结束，不再发起新任务"),
    "assist.task_opened": ("Buyer #{buyer_id} opened a task (code {code}) needing {goal} helpers by {expires_at}",
                           "买家 #{buyer_id} 发起助力（助力码 {code}），需 {goal} 人助力，{expires_at} 截止"),
    "assist.helped": ("Buyer #{buyer_id} helped: {helpers} of {goal}", "买家 #{buyer_id} 已助力：{helpers}/{goal}"),
    "assist.reward_granted": ("Step {level} reached: coupon #{coupon_id} granted to buyer #{buyer_id}",
                              "达成第 {level} 阶梯：已向买家 #{buyer_id} 发放优惠券 #{coupon_id}"),
    "assist.reward_unavailable": ("Step {level} reached, but its reward could not be issued to buyer #{buyer_id}: {reason}",
                                  "达成第 {level} 阶梯，但奖励未能发放给买家 #{buyer_id}：{reason}"),
    "assist.task_completed": ("Every step reached with {helpers} helpers: the task is complete",
                              "{helpers} 人助力，全部阶梯达成，任务完成"),
    "assist.task_expired": ("Time ran out with {helpers} of {goal} helpers; rewards granted stay",
                            "助力超时：{helpers}/{goal} 人，已发放的奖励保留"),
    # after-sales cases
    "case.opened": ("{by} opened a case: {agreement}", "{by}发起售后：{agreement}"),
    "case.reminded": ("Reminder: the {waiting_for} must act by {due_at}", "提醒：{waiting_for}须在 {due_at} 前处理"),
    "case.message_posted": ("The {by} wrote a message", "{by}留言"),
    "case.evidence_requested": ("The platform asked the {of} for evidence by {due_at}", "平台要求{of}在 {due_at} 前举证"),
    "case.evidence_added": ("The {by} added evidence ({content_type}, {size})", "{by}上传了证据（{content_type}，{size}）"),
    "case.agreed": ("{by} agreed; the case is {stage}", "{by}同意，案件{stage}"),
    "case.closed": ("Case closed ({by})", "案件关闭（{by}）"),
    "case.escalated": ("{by} escalated the case to the platform", "{by}将案件升级为平台纠纷"),
    "case.seller_fed_back": ("The seller answered the dispute", "卖家已反馈纠纷"),
    "case.seller_rejected": ("The seller rejected the request", "卖家拒绝了申请"),
    "case.return_sent": ("The buyer sent the return: {carrier}, tracking number {tracking_number}",
                         "买家已退货：{carrier}，运单号 {tracking_number}"),
    "case.reshipped": ("The seller reshipped: {carrier}, tracking number {tracking_number}",
                       "卖家已重新发货：{carrier}，运单号 {tracking_number}"),
    "case.return_received": ("The seller confirmed the return arrived", "卖家确认收到退货"),
    "case.return_assumed_received": ("The return counts as received: the seller did not confirm it in time",
                                     "卖家未按时确认，视为已收到退货"),
    "case.ruling_overdue": ("The platform's ruling is overdue", "平台裁决超时"),
    "case.lapsed": ("The request lapsed: the order moved on without it", "申请失效：订单已继续进行"),
    "case.shortage_proof_recorded": ("{by} recorded the shortage facts", "{by}记录了短装事实"),
    "complaint.opened": ("Complaint about order #{order_id} ({goods} of goods), open until {open_until}",
                         "投诉订单 #{order_id}（商品金额 {goods}），受理至 {open_until}"),
    "complaint.upheld": ("Complaint upheld: {compensation} compensation to the buyer", "投诉成立：赔付买家 {compensation}"),
    "complaint.dismissed": ("Complaint dismissed", "投诉不成立"),
    # the catalogue, buyers, stock
    "store.created": ("Store {name} opened on the {rulebook} rulebook", "店铺 {name} 开张（规则：{rulebook}）"),
    "product.created": ("Product {title} created with SKUs {skus}", "新建商品 {title}（SKU：{skus}）"),
    "product.listed": ("Product put on sale", "商品上架"),
    "product.delisted": ("Product taken off sale", "商品下架"),
    "sku.price_changed": ("Price changed from {old} to {new}", "价格由 {old} 改为 {new}"),
    "buyer.created": ("Buyer registered ({level})", "买家注册（{level}）"),
    "points.recorded": ("{delta} points: {reason}", "积分 {delta}：{reason}"),
    "shipping_template.created": ("Shipping template {name} created", "新建运费模板 {name}"),
    "store_carrier.filed": ("Carrier {name} filed as {shipping_class}", "登记承运商 {name}：{shipping_class}"),
    "store_carrier.changed": ("Carrier {name} changed; it ships as {shipping_class}", "承运商 {name} 已修改：{shipping_class}"),
    "store_carrier.removed": ("Carrier {name} no longer filed: the rulebook's list decides its class",
                              "承运商 {name} 已删除：按规则默认归类"),
    "stock.receive": ("{quantity} received into warehouse #{warehouse_id}", "入库 {quantity} 件（仓库 #{warehouse_id}）"),
    "stock.adjust": ("Stock adjusted by {quantity} in warehouse #{warehouse_id}", "库存调整 {quantity} 件（仓库 #{warehouse_id}）"),
    "stock.reserve": ("{quantity} held back in warehouse #{warehouse_id}", "预留 {quantity} 件（仓库 #{warehouse_id}）"),
    "stock.release": ("{quantity} back on sale in warehouse #{warehouse_id}", "释放 {quantity} 件（仓库 #{warehouse_id}）"),
    "stock.consume": ("{quantity} taken out of warehouse #{warehouse_id}", "出库 {quantity} 件（仓库 #{warehouse_id}）"),
    # promotions, coupons, campaigns
    "promotion.created": ("Promotion {name} created ({kind}), funded by the {funder}", "新建促销 {name}（{kind}），{funder}出资"),
    "promotion.paused": ("Promotion paused", "促销已暂停"),
    "promotion.resumed": ("Promotion resumed", "促销已恢复"),
    "promotion.ended": ("Promotion ended", "促销已结束"),
    "coupon.created": ("Coupon {name} created", "新建优惠券 {name}"),
    "coupon.paused": ("Coupon paused", "优惠券已暂停"),
    "coupon.resumed": ("Coupon resumed", "优惠券已恢复"),
    "coupon.ended": ("Coupon ended", "优惠券已结束"),
    "coupon.claimed": ("Buyer #{buyer_id} claimed a coupon of #{template_id}", "买家 #{buyer_id} 领取了优惠券 #{template_id}"),
    "coupon.locked": ("Coupon held by order #{order_id}", "优惠券被订单 #{order_id} 占用"),
    "coupon.returned": ("Coupon given back: order #{order_id} closed unpaid", "优惠券已退回：订单 #{order_id} 未付款关闭"),
    "campaign.created": ("Campaign {theme} created: {starts_at} – {ends_at}, phases {phases}",
                         "新建活动 {theme}：{starts_at} – {ends_at}，阶段：{phases}"),
    "campaign.cancelled": ("Campaign cancelled: {reason}", "活动已取消：{reason}"),
    "campaign.entry_accepted": ("Product #{product_id} signed up ({tier}) and was accepted", "商品 #{product_id} 报名（{tier}）：通过"),
    "campaign.entry_rejected": ("Product #{product_id} signed up ({tier}) and was refused: {failed} not met",
                                "商品 #{product_id} 报名（{tier}）：未通过，不满足 {failed}"),
}

# (data key, words): added when the event's data has that key truthy ("!key": falsy but present)
_CASE_MOVES: tuple[tuple[str, Words], ...] = (
    ("resolution", (": {resolution}", "：{resolution}")),
    ("step", (" ({step})", "（{step}）")),
    ("decision", ("; ruling: {decision}, responsible: {responsible}", "；裁决：{decision}，责任方：{responsible}")),
    ("counter", (", with a counter-proposal", "，并提出新方案")),
    ("corrected_to", ("; responsibility corrected to the {corrected_to}", "；责任更正为{corrected_to}")),
    ("refund", ("; {refund} refunded to the buyer", "；退款 {refund} 给买家")),
    ("from_store_balance", (" from the store's balance", "（从店铺余额扣回）")),
    ("released", ("; {released} released to the store", "；{released} 放款给店铺")),
    ("open_due_at", ("; next deadline {due_at}", "；下一期限 {due_at}")),
)
CLAUSES: dict[str, tuple[tuple[str, Words], ...]] = {
    "order.placed": (("discount", ("; {discount} off", "，优惠 {discount}")),),
    "order.shipped": (("shipping_class", (" ({shipping_class})", "（{shipping_class}）")),
                      ("late", (", after the ship-by deadline", "，已超过发货时限"))),
    "order.picked_up": (("counts_as_shipped", ("; on this platform that is when it counts as shipped", "，本平台以揽件为发货")),
                        ("late", (", after the ship-by deadline", "，已超过发货时限"))),
    "order.closed": (("refunded", ("; the payment was refunded", "，货款已退回")),),
    "order.paid": (("held_for_group", ("; it waits for group buy #{held_for_group}, and its clock starts when the group is complete",
                                       "；等待拼团 #{held_for_group} 成团，成团后开始计算发货时限")),
                   ("held_for_pool", ("; it waits for pool #{held_for_pool}, and its clock starts when the pool is complete",
                                      "；等待拼单 #{held_for_pool} 达到门槛，拼单成功后开始计算发货时限"))),
    "group_buy.settings_changed": (("auto_fill", (", on", "，已开启")), ("!auto_fill", (", off", "，已关闭"))),
    "group_buy.member_left": (("seat_freed", ("; the seat is free again", "；名额已释放")),),
    "group_buy.completed": (("auto_filled_seats", ("; {auto_filled_seats} seat(s) filled by the system", "；其中 {auto_filled_seats} 个名额由系统模拟成团")),),
    "reward.program_created": (("budget_count", ("; at most {budget_count} grants", "；最多发放 {budget_count} 次")),
                               ("budget", ("; budget {budget}", "；预算 {budget}"))),
    "reward.program_ended": (("spent", ("; {spent} paid out", "；已发放 {spent}")),),
    "commission.frozen": (("promoter_id", (" for promoter #{promoter_id} (level {tier})", "：推广员 #{promoter_id}（第 {tier} 级）")),
                          ("leader_id", (" for community leader #{leader_id}", "：团长 #{leader_id}"))),
    "commission.released": (("promoter_id", (" to promoter #{promoter_id}", "给推广员 #{promoter_id}")),
                            ("leader_id", (" to community leader #{leader_id}", "给团长 #{leader_id}"))),
    "commission.clawed_back": (("promoter_id", (" from promoter #{promoter_id}", "：推广员 #{promoter_id}")),
                               ("leader_id", (" from community leader #{leader_id}", "：团长 #{leader_id}"))),
    "reward.granted": (("points", (": {points} points", "：{points} 积分")), ("amount", (": {amount}", "：{amount}")),
                       ("coupon_id", (": coupon #{coupon_id}", "：优惠券 #{coupon_id}"))),
    "reward.drawn": (("prize_id", ("; won prize #{prize_id}", "；抽中奖品 #{prize_id}")), ("!prize_id", ("; no prize", "；未中奖"))),
    "order.ship_overdue": (("tracking_entered", ("; a tracking number was entered, but no carrier has picked the parcel up",
                                                 "；已填运单号，但快递尚未揽件")),
                           ("!tracking_entered", ("; nothing was shipped", "；尚未发货"))),
    "payment.refunded": (("reason", (": {reason}", "：{reason}")),),
    "case.opened": (("refund", (", {refund} asked", "，申请退款 {refund}")), ("reason", ("; reason: {reason}", "；原因：{reason}")),
                    ("responsible", ("; responsible: {responsible}", "；责任方：{responsible}")),
                    ("open_due_at", ("; next deadline {due_at}", "；下一期限 {due_at}"))),
    "case.evidence_requested": (("note", (": {note}", "：{note}")),),
    "case.shortage_proof_recorded": (("!shipped_quantity_matches", ("; fewer were shipped than ordered", "；实发数量少于订单")),),
    "complaint.upheld": (("points", (" ({points} points)", "（{points} 积分）")),),
    "coupon.created": (("total", (", {total} in all", "，共 {total} 张")), ("code", (", redeemed by a code", "，凭券码使用"))),
    **{t: _CASE_MOVES for t in SENTENCES if t.startswith("case.") and t not in (
        "case.opened", "case.reminded", "case.message_posted", "case.evidence_requested", "case.evidence_added")},
}

# codes in event data, in words
_CODES: dict[str, Words] = {
    "buyer": ("buyer", "买家"), "seller": ("seller", "卖家"), "platform": ("platform", "平台"),
    "system": ("system", "系统"), "operator": ("operator", "平台运营"), "staff": ("store staff", "店铺客服"),
    "aftersales": ("after-sales", "售后"), "third_party": ("third party", "第三方"), "store": ("store", "店铺"),
    "investigation": ("to be investigated", "待调查"),
    "full_refund": ("full refund", "全额退款"), "partial_refund": ("partial refund", "部分退款"),
    "release_seller": ("release to the seller", "放款给卖家"),
    # why an order closed (order.closed `reason`; free text from the API shows as written)
    "not_collected": ("not collected at the pickup point in time", "逾期未到自提点提货"),
    "pickup": ("the buyer's pickup code", "买家提货码"),
    # what happens to a community order nobody collects (community.* `outcome`)
    "refund": ("refunded, the goods stay at the point", "退款，货品留在自提点"),
    "return": ("refunded, the goods back in stock", "退款，货品退回入库"),
    "payment_window_passed": ("not paid in time", "超时未付款"), "cancelled": ("cancelled", "已取消"),
    "changed_mind": ("the buyer changed their mind", "买家不想要了"), "ordered_by_mistake": ("ordered by mistake", "拍错了"),
    "wrong_address": ("wrong address", "地址填错"), "found_cheaper": ("found it cheaper elsewhere", "别处更便宜"),
    "not_shipped_on_time": ("refunded: not shipped on time", "未按约定时间发货，已退款"),
    "refund_before_shipment": ("refunded before shipment", "发货前退款"),
    # group buys: why a member's order closed, why a group ended
    "group_buy": ("the group buy", "拼团"), "group_full": ("the group was full", "拼团已满员"),
    "group_failed": ("the group did not fill in time", "拼团未在时限内成团"),
    "group_time_up": ("the group's time was up", "拼团已超过成团时限"),
    "group_closed": ("the group had ended", "拼团已结束"),
    "pool": ("the pool", "拼单"), "pool_failed": ("the pool did not reach its threshold in time", "拼单未在时限内达到门槛"),
    "pool_time_up": ("the pool's time was up", "拼单已超过时限"), "pool_closed": ("the pool had ended", "拼单已结束"),
    "opener_did_not_pay": ("the opener did not pay", "团长未付款"), "everyone_left": ("every paid member left", "已付款成员全部退出"),
    # reward programs: why an order earned nothing (reward.not_granted `reason`)
    "reward-budget-spent": ("the program's budget is spent", "活动预算已用完"),
    "reward-limit-reached": ("the buyer has every reward one person gets", "买家已达每人上限"),
    "already-rewarded": ("rewarded already", "已奖励过"), "reward-unavailable": ("nothing to grant now", "当前无可发放"),
    # assists: why a reached step's reward could not be issued
    "sold_out": ("the coupon is all claimed", "优惠券已领完"), "coupon-limit-reached": ("the buyer holds as many as allowed", "买家持有数量已达上限"),
    "coupon-unavailable": ("the coupon cannot be had now", "优惠券当前不可领取"),
    "price_at_or_below_reward": ("the SKU's price is at or below the reward's already", "商品售价已不高于奖励价"),
    # why points moved (points.recorded `reason`)
    "reward": ("a reward program's grant", "奖励活动发放"),
    "order_completed": ("earned on a completed order", "确认收货获得"), "points_price": ("spent on an order", "下单抵扣"),
    "order_closed": ("given back: the order closed", "订单关闭退回"),
    # shipping classes of carriers (order.shipped, store_carrier.*; RULES.md §5.6)
    "express": ("Big-4 express", "商业快递"), "standard": ("general express or dedicated line", "普通快递或专线"),
    "post": ("surface post", "邮政小包"),
}
_PARTY_KEYS = frozenset({"by", "waiting_for", "of", "confirmed_by", "responsible", "corrected_to", "funder", "decision",
                         "outcome", "unpicked_outcome"})
_TIME_KEYS = frozenset({"ship_by", "confirm_by", "due_at", "scanned_at", "open_until", "starts_at", "ends_at", "expires_at", "release_at",
                        "cutoff_at", "pickup_by"})
_MONEY_KEYS = frozenset({"old", "new"})  # sku.price_changed writes its prices without the _minor suffix


@dataclass(frozen=True)
class Line:
    """One row of a timeline: when (on the page's clock), the raw type (for machines), and what happened."""

    at: datetime
    type: str
    text: str


ReasonWords = Callable[[str], "str | None"]  # a rulebook's after-sales reason code → its words, when it has them


def lines(events: Iterable[Event], lang: Lang, zone: str, currency: str, reason_words: ReasonWords | None = None) -> list[Line]:
    return [Line(e.at, e.type, sentence(e.type, e.data or {}, lang, zone, currency, reason_words)) for e in events]


def sentence(event_type: str, data: Mapping[str, Any], lang: Lang, zone: str, currency: str,
             reason_words: ReasonWords | None = None) -> str:
    """The event in words; a type without a sentence (one added since) says its type and its data as written."""
    words = SENTENCES.get(event_type)
    if words is None:
        return f"{event_type} " + ", ".join(f"{k}: {v}" for k, v in data.items())
    values = _values(event_type, data, lang, zone, currency, reason_words)
    pick = 0 if lang == "en" else 1
    text = words[pick].format_map(values)
    for key, clause in CLAUSES.get(event_type, ()):
        if _holds(key, data, values):
            text += clause[pick].format_map(values)
    return text[0].upper() + text[1:] if lang == "en" else text


def _holds(key: str, data: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    """A clause's condition: its data is there and not empty, zero or false ("!key": there, and empty)."""
    if key.startswith("!"):
        return key[1:] in data and not data[key[1:]]
    if key == "open_due_at":
        return key in values
    raw = data.get(key, data.get(f"{key}_minor"))
    return bool(raw) and key in values


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def _values(event_type: str, data: Mapping[str, Any], lang: Lang, zone: str, currency: str,
            reason_words: ReasonWords | None) -> _Values:
    pick = 0 if lang == "en" else 1
    cur = str(data.get("currency") or currency)
    values = _Values()
    for key, value in data.items():
        if value is None:
            continue
        if key.endswith("_minor") and isinstance(value, int):
            if key == "discount_minor" and not value:
                continue
            values[key.removesuffix("_minor")] = money(value, cur)
        elif key in _MONEY_KEYS and isinstance(value, int):
            values[key] = money(value, cur)
        elif key in _TIME_KEYS:
            values[key] = when(datetime.fromisoformat(str(value)), zone)
        elif key == "seconds_left":
            values[key] = duration(timedelta(seconds=int(value)), lang)
        elif key == "size_bytes":
            values["size"] = f"{max(1, round(int(value) / 1024)):,} KB"
        elif key == "kind" and event_type == "promotion.created":
            values[key] = promotion_text.kind_name(str(value), lang)
        elif key in _PARTY_KEYS or key == "reason" and str(value) in _CODES:
            values[key] = _CODES[str(value)][pick] if str(value) in _CODES else str(value)
        elif key in ("stage", "step", "resolution", "agreement"):
            text = translate(lang, f"case.{'kind' if key == 'agreement' else key}.{value}")
            values[key] = text[0].lower() + text[1:] if lang == "en" else text  # it stands mid-sentence
        elif key == "reason" and reason_words is not None and reason_words(str(value)):
            values[key] = str(reason_words(str(value)))
        elif isinstance(value, bool):
            values[key] = "yes" if value else ""
        elif isinstance(value, (list, tuple)):
            values[key] = ("、" if lang == "zh" else ", ").join(map(str, value)) if value else ""
        else:
            values[key] = str(value)
    if data.get("due_at") and not (event_type == "case.closed" or data.get("stage") == "closed"):
        values["open_due_at"] = "yes"  # a closed case has no next deadline to tell
    return values
