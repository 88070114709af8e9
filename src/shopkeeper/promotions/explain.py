"""Verdicts and hints in words, Chinese or English, for buyers at checkout and staff on the order page."""

from __future__ import annotations

from typing import Literal, Mapping

from shopkeeper.money import Money

Lang = Literal["zh", "en"]

_REASONS: dict[str, tuple[str, str]] = {
    # code: (中文, English); {money} and {units} placeholders come from the detail
    "applied": ("已优惠 {amount}", "saves {amount}"),
    "below_threshold": ("还差 {short}（满 {threshold}）", "needs {short} more (threshold {threshold})"),
    "below_quantity": ("还差 {short_units} 件（满 {threshold_units} 件）", "needs {short_units} more item(s) (at least {threshold_units})"),
    "not_started": ("活动尚未开始", "has not started yet"),
    "ended": ("活动已结束", "has ended"),
    "member_level_too_low": ("会员等级不够（需 {needs}）", "member level too low (needs {needs})"),
    "new_customers_only": ("仅限新客", "for new customers only"),
    "returning_customers_only": ("仅限老顾客", "for returning customers only"),
    "birthday_month_only": ("仅限生日当月", "for the buyer's birthday month only"),
    "not_targeted": ("不在定向人群中", "not offered to this buyer"),
    "fans_only": ("店铺粉丝专享，关注店铺即可享受", "for the store's fans only: follow the store to get it"),
    "limit_reached": ("已达限购或名额已满", "limit reached or sold out"),
    "nothing_covered": ("购物车中没有适用商品", "no item in the cart qualifies"),
    "exclusive_conflict": ("与其他活动互斥", "cannot be combined with another promotion on these items"),
    "coupons_only_conflict": ("仅可与优惠券同享", "combines with coupons only"),
    "line_has_item_price": ("商品已享其他活动价", "the items already have another promotional price"),
    "excluded_by_tag": ("{tag} 商品不参加", "excluded by {tag}"),
    "full_price_only": ("仅限原价商品使用", "for full-price items only"),
    "coupon_group_taken": ("同类优惠券每单限用一张", "one coupon of this kind per order"),
    "not_enough_points": ("积分不足（需 {needs_points}）", "not enough points (needs {needs_points})"),
    "gift_out_of_stock": ("赠品已送完", "gift out of stock"),
    "bundle_incomplete": ("套餐商品未凑齐", "the bundle is not complete"),
    "no_saving": ("不比现价更优惠", "no saving over the current price"),
    "not_chosen": ("已为您选择更优惠的组合", "a better combination leaves it out"),
}

_TAGS = {"flash_sale": ("秒杀", "flash sale"), "juhuasuan": ("聚划算", "Juhuasuan"), "campaign": ("活动", "campaign")}


def describe(reason: str, amount: int, detail: Mapping[str, int | str], currency: str, lang: Lang = "zh") -> str:
    zh, en = _REASONS.get(reason, (reason, reason))
    text = zh if lang == "zh" else en
    fill = {
        "amount": Money(amount, currency).display(),
        "short": _money(detail.get("short"), currency),
        "threshold": _money(detail.get("threshold"), currency),
        "short_units": detail.get("short", ""),
        "threshold_units": detail.get("threshold", ""),
        "needs": detail.get("needs", ""),
        "needs_points": detail.get("needs", ""),
        "tag": _tag(str(detail.get("with", "")), lang),
    }
    return text.format(**fill)


def _money(value: int | str | None, currency: str) -> str:
    return Money(value, currency).display() if isinstance(value, int) else ""


def _tag(tag: str, lang: Lang) -> str:
    names = _TAGS.get(tag)
    return (names[0] if lang == "zh" else names[1]) if names else tag


def hint_text(basis: str, short: int, saves: int, currency: str, free_shipping: bool, gift: bool, lang: Lang = "zh") -> str:
    """凑单: "add ¥23.50 more to save ¥20.00"."""
    more = Money(short, currency).display() if basis == "amount" else (f"{short} 件" if lang == "zh" else f"{short} more item(s)")
    if lang == "zh":
        more = f"再买 {more}"
        if free_shipping:
            return f"{more}即可包邮（省 {Money(saves, currency).display()}）"
        if gift:
            return f"{more}即可获赠品"
        return f"{more}可再省 {Money(saves, currency).display()}"
    lead = f"Add {more}"
    if free_shipping:
        return f"{lead} for free shipping (save {Money(saves, currency).display()})"
    if gift:
        return f"{lead} to get a free gift"
    return f"{lead} to save {Money(saves, currency).display()} more"
