"""A case's deadlines in words, English and Chinese: the one home of this wording.

The rules hand a deadline over as codes (its clock, who it waits for, what its
silence brings: `aftersales.cases.case.Deadline`); the console's case pages, the
API's `next_deadline.description` and `shopkeeper simulate` all word it from
here (`console.case_view`). Two forms: the page's sentence (`case.clock.*`,
`case.action.*`, with amounts) and the one-line form (`case.deadline.*`).
"""

from __future__ import annotations

EN_DEADLINES: dict[str, str] = {
    # what each clock waits for, and what its silence brings
    "case.clock.pre_shipment": "no agreement is reached within {days} days of the request",
    "case.clock.seller_answer": "the seller has not agreed or rejected within {days} days",
    "case.clock.negotiation": "no agreement is reached within {days} days of opening",
    "case.clock.platform_feedback": "the seller has not answered the escalation within {days} days",
    "case.clock.ruling": "the platform has not ruled within {days} days",
    "case.clock.return_tracking": "the buyer has given no return tracking number within {days} days",
    "case.clock.return_receipt": "the seller has neither confirmed the return nor reported a problem by day {days}",
    "case.clock.reship_tracking": "the seller has not reshipped within {days} days",
    "case.clock.reship_receipt": "the buyer has neither confirmed receipt nor reported a problem by day {days}",
    "case.clock.shortage_agreement": "no agreement on the missing quantity is reached within {days} days",
    "case.action.refund_buyer": "the buyer is refunded {amount}",
    "case.action.refund_and_cancel": "the buyer is refunded {amount} and the order is cancelled",
    "case.action.release_seller": "the case closes and the money held goes to the seller",
    "case.action.escalate": "the case goes to the platform as a dispute",
    "case.action.carry_out_buyer_proposal": "the buyer's proposal is carried out: {proposal}",
    "case.action.keep_order": "the request lapses and the order stands",
    "case.action.assume_received": "the return counts as received and the seller must reship",
    "case.action.alert_operator": "the operator is reminded that a ruling is due",
    "case.action.lapse": "the request lapses, as the order has moved on",
    # a deadline in one line, for the API's `next_deadline.description` and `shopkeeper simulate`
    "case.deadline.line": "{condition}; then {outcome}",
    "case.deadline.clock.pre_shipment": "no agreement {days} days after the request",
    "case.deadline.clock.seller_answer": "the seller has not answered within {days} days",
    "case.deadline.clock.negotiation": "no agreement within {days} days",
    "case.deadline.clock.platform_feedback": "the seller has not answered the escalation within {days} days",
    "case.deadline.clock.ruling": "no ruling within {days} days",
    "case.deadline.clock.shortage_agreement": "no agreement within {days} days and no proof that shipped quantity = "
                                              "ordered with the buyer's signature on delivery",
    "case.deadline.clock.shortage_agreement.proven": "no agreement within {days} days; the seller proved shipped "
                                                     "quantity = ordered and the buyer signed",
    "case.deadline.clock.return_tracking": "the buyer has given no return tracking number within {days} days",
    "case.deadline.clock.return_receipt": "the seller has neither confirmed the return nor reported a problem by day {days}",
    "case.deadline.clock.reship_tracking": "the seller has not reshipped within {days} days",
    "case.deadline.clock.reship_receipt": "the buyer has neither confirmed receipt nor reported a problem by day {days}",
    "case.deadline.outcome.refund_buyer": "the buyer is refunded",
    "case.deadline.outcome.release_seller": "the funds go to the seller",
    "case.deadline.outcome.escalate": "the case goes to the platform",
    "case.deadline.outcome.carry_out_buyer_proposal": "the buyer's proposal is carried out",
    "case.deadline.outcome.keep_order": "the request lapses and the order stands",
    "case.deadline.outcome.assume_received": "the return counts as received and the seller must reship",
    "case.deadline.outcome.alert_operator": "the operator is reminded that a ruling is due",
    "case.deadline.outcome.await_ruling": "the specialist rules on the evidence on file",
}

ZH_DEADLINES: dict[str, str] = {
    "case.clock.pre_shipment": "申请后 {days} 天内双方未达成一致",
    "case.clock.seller_answer": "卖家 {days} 天内未同意或拒绝",
    "case.clock.negotiation": "开启后 {days} 天内双方未达成协议",
    "case.clock.platform_feedback": "升级纠纷后卖家 {days} 天内未反馈",
    "case.clock.ruling": "平台 {days} 天内未裁决",
    "case.clock.return_tracking": "买家 {days} 天内未填写退货运单号",
    "case.clock.return_receipt": "卖家到第 {days} 天仍未确认收到退货，也未提前反馈",
    "case.clock.reship_tracking": "卖家 {days} 天内未重新发货",
    "case.clock.reship_receipt": "买家到第 {days} 天仍未确认收货，也未提前反馈",
    "case.clock.shortage_agreement": "{days} 天内双方未就短装达成一致",
    "case.action.refund_buyer": "系统退款 {amount} 给买家",
    "case.action.refund_and_cancel": "系统退款 {amount} 给买家并关闭订单",
    "case.action.release_seller": "案件关闭，所担保的货款放给卖家",
    "case.action.escalate": "系统升级为平台纠纷",
    "case.action.carry_out_buyer_proposal": "系统执行买家方案：{proposal}",
    "case.action.keep_order": "退款申请关闭，订单继续",
    "case.action.assume_received": "视为卖家已收到退货，卖家须重新发货",
    "case.action.alert_operator": "提醒平台尽快裁决",
    "case.action.lapse": "订单状态已变化，申请失效",
    "case.deadline.line": "若{condition}，{outcome}",
    "case.deadline.clock.pre_shipment": "申请后 {days} 天内发货前协议未达成一致",
    "case.deadline.clock.seller_answer": "卖家未在 {days} 天内同意或拒绝买家的退款申请",
    "case.deadline.clock.negotiation": "协商 {days} 天内双方未达成协议",
    "case.deadline.clock.platform_feedback": "买家升级纠纷后卖家未在 {days} 天内反馈",
    "case.deadline.clock.ruling": "平台未在 {days} 天内裁决",
    "case.deadline.clock.shortage_agreement": "货物短缺纠纷 {days} 日内未达成一致，且无发货数量与订单一致并经买家签收的证明",
    "case.deadline.clock.shortage_agreement.proven": "货物短缺纠纷 {days} 日内未达成一致；卖家已证明发货数量与订单一致且买家已签收",
    "case.deadline.clock.return_tracking": "买家未在 {days} 天内填写有效的退货运单号",
    "case.deadline.clock.return_receipt": "卖家到第 {days} 天既未确认收到退货，也未提前向平台反馈",
    "case.deadline.clock.reship_tracking": "卖家未在 {days} 天内重新发货并填写运单号",
    "case.deadline.clock.reship_receipt": "买家到第 {days} 天既未确认收货，也未提前反馈",
    "case.deadline.outcome.refund_buyer": "系统退款给买家",
    "case.deadline.outcome.release_seller": "系统放款给卖家",
    "case.deadline.outcome.escalate": "系统升级至平台纠纷",
    "case.deadline.outcome.carry_out_buyer_proposal": "系统执行买家方案",
    "case.deadline.outcome.keep_order": "退款申请关闭，订单继续",
    "case.deadline.outcome.assume_received": "视为卖家已收到退货，卖家须重新发货",
    "case.deadline.outcome.alert_operator": "提醒平台尽快裁决",
    "case.deadline.outcome.await_ruling": "专员依据已提交的证据裁决",
}
