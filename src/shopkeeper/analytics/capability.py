"""The seller capability model (商家运营能力模型, RULES.md §8.2): how a store compares with its peers.

RULES.md §8.2: the model makes a store's operating capability visible as a score, shown beside the peer average
(同行平均) and the peer excellent value (同行优秀), per indicator, grouped in six dimensions; stores that have "not
reached 60 orders" (没有出单到60) get no model; the capabilities are to be split into tiers. This module holds the
model as data (`MODEL`), computes each indicator from a store's facts, scores the store against the peers
(`score`) and names what to work on (`suggestions`). Pure: no database, no clock; the caller gathers the facts.

Readings where RULES.md is silent (§15 #16, §16: no formula, no tiers in the source; our choices):
- Threshold: the model is shown from 60 orders (60 included), counted over the store's whole life
  (`lifetime_orders`): the source speaks of a new store (新店铺) that has not yet made 60 orders. Peers below the
  threshold are left out of the peer average and the excellent value for the same reason (unreliable data).
- Indicators the source names without a formula get one here (`Indicator.formula`); the garbled ones are read as:
  商品的峰值 = orders of the store's best-selling product in the window; 动效率 = sell-through rate (动销率,
  products with a sale / products listed); 油壶能力 = retention, its 老客回访效率 = repeat-buyer rate;
  询单 + 转化 = inquiry conversion; 站回复 = messages answered within 24 h. Logistics is not itemised
  ("比较简单"): on-time shipping rate and average days to deliver. A hot product (爆品) is counted by the caller.
- Peer average: the plain mean of the peers' own values (each store counts once, not pooled counts).
- Excellent value: the text says it is *not* what excellent merchants achieve, so it is read as a per-indicator
  benchmark: the peers' 90th percentile on that indicator, nearest rank, counted from the worst (`excellent_values`).
  A caller holding the platform's own excellent values passes those instead.
- Indicator score (0–100): the peer average scores 60 and the excellent value 100, linear between and beyond
  (same slope below the average), clamped to 0–100. Direction is in the line: for a lower-is-better indicator the
  excellent value lies below the average. When excellent equals average, at least as good scores 100, worse 0.
- Dimension score: the mean of its scored indicators; overall: the mean of the scored dimensions (equal weights).
  An indicator with no store value (zero denominator) or no benchmark is not scored and not counted.
- Tiers on the overall score: excellent ≥ 90, good ≥ 75, average ≥ 60 (the peer average), else behind.
- Arithmetic is exact (Fraction); `points` rounds a score half-up to one decimal, `shown` a value to two
  (percentages in percent).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import Literal, Mapping, Sequence

from shopkeeper.errors import InvalidInput

Better = Literal["higher", "lower"]
Unit = Literal["percent", "count", "visitors", "views", "items", "days"]
Tier = Literal["excellent", "good", "average", "behind"]

MIN_ORDERS = 60  # RULES.md §8.2: "没有出单到60" get no capability model
AVERAGE_POINTS = Fraction(60)  # our reading: the peer average scores 60 ...
EXCELLENT_POINTS = Fraction(100)  # ... and the excellent value 100
EXCELLENT_PERCENTILE = 90  # our reading of 优秀值 (§15 #16)
TIERS: tuple[tuple[Fraction, Tier], ...] = (
    (Fraction(90), "excellent"), (Fraction(75), "good"), (Fraction(60), "average"), (Fraction(0), "behind"),
)
TIER_NAMES_ZH: Mapping[Tier, str] = {"excellent": "优秀", "good": "良好", "average": "平均", "behind": "待提升"}


@dataclass(frozen=True)
class StoreFacts:
    """What a store did in the scoring window (counts, all ≥ 0), plus its lifetime orders for the threshold."""

    lifetime_orders: int = 0
    orders: int = 0
    listed_products: int = 0
    products_with_sales: int = 0
    hot_products: int = 0
    peak_product_orders: int = 0
    not_received_disputes: int = 0
    activity_visitors: int = 0
    search_visitors: int = 0
    promotion_visitors: int = 0
    visitors: int = 0
    buyers: int = 0
    favoriting_visitors: int = 0
    page_views: int = 0
    sessions: int = 0
    items_sold: int = 0
    repeat_buyers: int = 0
    inquiries: int = 0
    inquiries_converted: int = 0
    messages: int = 0
    messages_replied_24h: int = 0
    reviews: int = 0
    positive_reviews: int = 0
    shipped_orders: int = 0
    shipped_on_time: int = 0
    delivered_orders: int = 0
    delivery_days_total: int = 0

    def __post_init__(self) -> None:
        for field in fields(self):
            count = getattr(self, field.name)
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise InvalidInput(f"{field.name} must be a whole number of at least 0", field=field.name)
        for dimension in MODEL:
            for indicator in dimension.indicators:
                if indicator.unit == "percent" and indicator.denominator is not None:
                    if self.count(indicator.numerator) > self.count(indicator.denominator):
                        raise InvalidInput(
                            f"{indicator.numerator} cannot exceed {indicator.denominator}", field=indicator.numerator
                        )

    def count(self, name: str) -> int:
        value: int = getattr(self, name)
        return value


@dataclass(frozen=True)
class Indicator:
    """One indicator: computed as numerator / denominator (or the numerator alone when there is none)."""

    code: str
    en: str
    zh: str
    better: Better
    unit: Unit
    numerator: str
    denominator: str | None
    formula: Literal["named", "defined"]  # "defined": RULES.md names it without a formula; the formula is ours
    advice_en: str
    advice_zh: str

    def value(self, facts: StoreFacts) -> Fraction | None:
        """The store's value; None when the denominator is zero (nothing to measure)."""
        top = facts.count(self.numerator)
        if self.denominator is None:
            return Fraction(top)
        bottom = facts.count(self.denominator)
        return Fraction(top, bottom) if bottom else None


@dataclass(frozen=True)
class Dimension:
    code: str
    en: str
    zh: str
    indicators: tuple[Indicator, ...]


def _i(code: str, en: str, zh: str, better: Better, unit: Unit, top: str, bottom: str | None, advice: str,
       advice_zh: str) -> Indicator:
    return Indicator(code, en, zh, better, unit, top, bottom, "defined", advice, advice_zh)


# RULES.md §8.2 table: dimensions and the indicators it names; every formula is ours (§16: none in the source).
MODEL: tuple[Dimension, ...] = (
    Dimension("product", "Product capability", "商品能力", (
        _i("product_count", "Products listed", "商品数", "higher", "count", "listed_products", None,
           "List more products in your categories.", "在主营类目中上架更多商品。"),
        _i("hot_products", "Hot products", "爆品数", "higher", "count", "hot_products", None,
           "Push your best sellers to become hot products.", "重点打造潜力款成为爆品。"),
        _i("not_received_dispute_rate", "Not-received dispute rate", "未收到货纠纷率", "lower", "percent",
           "not_received_disputes", "orders",
           "Use tracked shipping and update buyers on delivery.", "使用可追踪物流并及时告知买家物流进度。"),
        _i("peak_product_orders", "Best product's orders", "商品峰值", "higher", "count", "peak_product_orders", None,
           "Give your top product more traffic and stock.", "为主推款增加流量和备货。"),
        _i("sell_through_rate", "Sell-through rate", "动销率", "higher", "percent", "products_with_sales",
           "listed_products", "Improve or delist products that do not sell.", "优化或下架不动销的商品。"),
    )),
    Dimension("traffic", "Traffic capability", "流量能力", (
        _i("activity_visitors", "Visitors from activities", "活动渠道访客", "higher", "visitors",
           "activity_visitors", None, "Join more platform activities.", "报名更多平台活动。"),
        _i("search_visitors", "Visitors from search", "搜索访客", "higher", "visitors", "search_visitors", None,
           "Optimise titles and keywords for search.", "优化标题和关键词以提升搜索流量。"),
        _i("promotion_visitors", "Visitors from promotion", "推广渠道访客", "higher", "visitors",
           "promotion_visitors", None, "Invest in paid promotion for key products.", "为重点商品投放付费推广。"),
    )),
    Dimension("conversion", "Traffic-carrying capability", "流量承接能力", (
        _i("conversion_rate", "Conversion rate", "转化率", "higher", "percent", "buyers", "visitors",
           "Show selling points clearly on detail pages.", "在详情页清晰呈现卖点。"),
        _i("favorite_rate", "Favorite rate", "收藏率", "higher", "percent", "favoriting_visitors", "visitors",
           "Invite visitors to add products to favorites.", "引导访客收藏商品。"),
        _i("views_per_visitor", "Page views per visitor", "人均浏览数", "higher", "views", "page_views", "visitors",
           "Link related products on every page.", "在每个页面做好关联推荐。"),
        _i("visit_depth", "Visit depth", "访问深度", "higher", "views", "page_views", "sessions",
           "Guide visitors to your store home and collections.", "引导访客浏览店铺首页和商品集合。"),
        _i("items_per_buyer", "Items per buyer", "人均购买件数", "higher", "items", "items_sold", "buyers",
           "Offer bundles and buy-more discounts.", "提供搭配套餐和满件优惠。"),
    )),
    Dimension("retention", "Retention capability", "老客能力", (
        _i("repeat_buyer_rate", "Repeat-buyer rate", "老客回访效率", "higher", "percent", "repeat_buyers", "buyers",
           "Follow up past buyers with offers.", "针对老客户做回访和专属优惠。"),
    )),
    Dimension("service", "Customer-service capability", "客服能力", (
        _i("inquiry_conversion", "Inquiry conversion", "询单转化率", "higher", "percent", "inquiries_converted",
           "inquiries", "Answer inquiries with a clear offer.", "回复询单时给出明确的购买建议。"),
        _i("reply_rate", "Messages answered within 24 h", "站内信回复率", "higher", "percent",
           "messages_replied_24h", "messages", "Answer every message within 24 hours.", "24小时内回复每条站内信。"),
        _i("positive_review_rate", "Positive-review rate", "好评率", "higher", "percent", "positive_reviews",
           "reviews", "Resolve complaints before buyers review.", "在买家评价前解决问题。"),
    )),
    Dimension("logistics", "Logistics capability", "物流能力", (
        _i("on_time_ship_rate", "On-time shipping rate", "准时发货率", "higher", "percent", "shipped_on_time",
           "shipped_orders", "Ship every order before its deadline.", "在时限内发出每一个订单。"),
        _i("delivery_days", "Average days to deliver", "平均送达天数", "lower", "days", "delivery_days_total",
           "delivered_orders", "Choose faster lines or an overseas warehouse.", "选择更快的物流线路或海外仓。"),
    )),
)
INDICATORS: Mapping[str, Indicator] = {i.code: i for d in MODEL for i in d.indicators}


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    value: Fraction | None
    peer_average: Fraction | None
    excellent: Fraction | None
    score: Fraction | None  # None: not scored (no value or no benchmark)


@dataclass(frozen=True)
class DimensionScore:
    dimension: Dimension
    indicators: tuple[IndicatorScore, ...]
    score: Fraction | None  # None: none of its indicators scored


@dataclass(frozen=True)
class CapabilityResult:
    dimensions: tuple[DimensionScore, ...]
    overall: Fraction | None
    tier: Tier | None


@dataclass(frozen=True)
class Suggestion:
    indicator: str
    en: str
    zh: str


def shown(facts: StoreFacts) -> bool:
    """RULES.md §8.2: no capability model before the store has made 60 orders (60 itself shows it)."""
    return facts.lifetime_orders >= MIN_ORDERS


def values(facts: StoreFacts) -> dict[str, Fraction | None]:
    return {code: indicator.value(facts) for code, indicator in INDICATORS.items()}


def peer_averages(peers: Sequence[StoreFacts]) -> dict[str, Fraction]:
    """Per indicator, the mean of the values of the peers that are shown and measured (our reading, §15 #16)."""
    averages: dict[str, Fraction] = {}
    for code, measured in _peer_values(peers).items():
        if measured:
            averages[code] = sum(measured, Fraction(0)) / len(measured)
    return averages


def excellent_values(peers: Sequence[StoreFacts], percentile: int = EXCELLENT_PERCENTILE) -> dict[str, Fraction]:
    """Per indicator, the peers' `percentile`-th value counted from the worst, nearest rank (our reading of 优秀值)."""
    if not 0 < percentile <= 100:
        raise InvalidInput("the percentile must be between 1 and 100", field="percentile")
    excellent: dict[str, Fraction] = {}
    for code, measured in _peer_values(peers).items():
        if measured:
            worst_first = sorted(measured, reverse=INDICATORS[code].better == "lower")
            excellent[code] = worst_first[ceil(Fraction(percentile, 100) * len(measured)) - 1]
    return excellent


def _peer_values(peers: Sequence[StoreFacts]) -> dict[str, list[Fraction]]:
    measured: dict[str, list[Fraction]] = {code: [] for code in INDICATORS}
    for peer in peers:
        if shown(peer):
            for code, value in values(peer).items():
                if value is not None:
                    measured[code].append(value)
    return measured


def indicator_score(indicator: Indicator, value: Fraction, average: Fraction, excellent: Fraction) -> Fraction:
    """0–100: the peer average scores 60, the excellent value 100, linear on both sides, clamped (our reading)."""
    if excellent == average:
        as_good = value >= average if indicator.better == "higher" else value <= average
        return EXCELLENT_POINTS if as_good else Fraction(0)
    if (excellent > average) != (indicator.better == "higher"):
        raise InvalidInput(f"the excellent value of {indicator.code} is worse than the peer average",
                           field=indicator.code)
    gain = (value - average) / (excellent - average)  # > 0 when better than average, whatever the direction
    points = AVERAGE_POINTS + (EXCELLENT_POINTS - AVERAGE_POINTS) * gain
    return min(EXCELLENT_POINTS, max(Fraction(0), points))


def score(
    facts: StoreFacts, peers: Sequence[StoreFacts], excellent: Mapping[str, Fraction] | None = None
) -> CapabilityResult | None:
    """The store's capability against its peers; None (not shown) below 60 orders (RULES.md §8.2).

    `excellent` defaults to `excellent_values(peers)`; a caller with the platform's own values passes them."""
    if not shown(facts):
        return None
    benchmarks = excellent_values(peers) if excellent is None else excellent
    return score_values(values(facts), peer_averages(peers), benchmarks)


def score_values(
    store: Mapping[str, Fraction | None], averages: Mapping[str, Fraction], excellent: Mapping[str, Fraction]
) -> CapabilityResult:
    """Scores from values already computed: per indicator, per dimension (mean), overall (mean) and the tier."""
    dimensions = []
    for dimension in MODEL:
        scored = []
        for indicator in dimension.indicators:
            value, average, best = store.get(indicator.code), averages.get(indicator.code), excellent.get(indicator.code)
            points = None
            if value is not None and average is not None and best is not None:
                points = indicator_score(indicator, value, average, best)
            scored.append(IndicatorScore(indicator, value, average, best, points))
        dimensions.append(DimensionScore(dimension, tuple(scored), _mean([s.score for s in scored])))
    overall = _mean([d.score for d in dimensions])
    return CapabilityResult(tuple(dimensions), overall, None if overall is None else tier(overall))


def tier(overall: Fraction) -> Tier:
    """Our tiers (§16: the source names none): the first whose floor the overall score reaches."""
    return next(name for floor, name in TIERS if overall >= floor)


def suggestions(result: CapabilityResult | None) -> list[Suggestion]:
    """One suggestion per weak indicator: a store value worse than the peer average (RULES.md §8.2 提升方案)."""
    if result is None:
        return []
    weak = []
    for dimension in result.dimensions:
        for s in dimension.indicators:
            if s.value is None or s.peer_average is None:
                continue
            higher = s.indicator.better == "higher"
            if (s.value < s.peer_average) if higher else (s.value > s.peer_average):
                weak.append(Suggestion(s.indicator.code, s.indicator.advice_en, s.indicator.advice_zh))
    return weak


def points(value: Fraction) -> Decimal:
    """A score as shown: one decimal, half-up."""
    return _round(value, Decimal("0.1"))


def shown_value(indicator: Indicator, value: Fraction) -> Decimal:
    """A value as shown: two decimals half-up; a percentage in percent (0.125 → 12.50)."""
    return _round(value * 100 if indicator.unit == "percent" else value, Decimal("0.01"))


def _round(value: Fraction, step: Decimal) -> Decimal:
    """Half-up (away from zero) on the exact fraction, so no intermediate rounding can move a tie."""
    steps = abs(value) / Fraction(step)
    whole = floor(steps + Fraction(1, 2))
    return (Decimal(whole if value >= 0 else -whole) * step).quantize(step)


def _mean(scores: Sequence[Fraction | None]) -> Fraction | None:
    present = [s for s in scores if s is not None]
    return sum(present, Fraction(0)) / len(present) if present else None
