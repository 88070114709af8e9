"""Is a rulebook complete and consistent? Each problem names the entry it is about.

A rulebook is data a store owner may write, so a mistake must come back as a
sentence that points at the line to fix (`aftersales.reship.seller_tracking_days:
missing`), never as a KeyError deep inside a timer. `load` refuses a rulebook
with problems; `shopkeeper rulebook check FILE` prints them.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopkeeper.money import exponent
from shopkeeper.rulebooks.aftersales import PAID_IN, PARTIES, REASON_CATEGORIES, REASON_STAGES, REFUND_RATE_BASES
from shopkeeper.rulebooks.carriers import normalise
from shopkeeper.rulebooks.leaves import (
    Leaf,
    Spec,
    amount,
    currency,
    days_list,
    flag,
    member_levels,
    one_of,
    positive,
    rate,
    table_problems,
    text,
    whole,
    zone,
)


def _opening(path: str, v: Any) -> list[str]:
    if not isinstance(v, dict) or not v:
        return [f"{path}: must be a table with one window per shipping class"]
    window = {"opens_after_days": whole, "closes_after_days": positive}
    return [p for name, w in v.items() for p in table_problems(window, f"{path}.{name}", w)]


def _reasons(path: str, v: Any) -> list[str]:
    if not isinstance(v, list) or not v:
        return [f"{path}: must be a non-empty list of reasons"]
    reason = {"code": text, "zh": text, "en": text, "responsible": one_of(*PARTIES), "stage": one_of(*REASON_STAGES),
              "category": one_of(*REASON_CATEGORIES)}
    return [p for i, r in enumerate(v) for p in table_problems(reason, f"{path}[{i}]", r)]


_COMPENSATION = {"rate": rate, "min": amount, "max": amount, "special_category_min": amount, "currency": currency,
                 "paid_in": one_of(*PAID_IN)}


def _compensation(path: str, v: Any) -> list[str]:
    spec = dict(_COMPENSATION)
    if isinstance(v, dict) and v.get("paid_in") == "points":
        spec["points_per_major_unit"] = positive
    return table_problems(spec, path, v)


def _complaint(path: str, v: Any) -> list[str]:
    if not isinstance(v, dict) or "offered" not in v:
        return table_problems({"offered": flag}, path, v)
    if v["offered"] is True:
        return table_problems({"offered": flag, "window_days": positive, "compensation": _compensation}, path, v)
    return [f"{path}.{k}: not used when offered = false" for k in v if k != "offered"] + flag(f"{path}.offered", v["offered"])


POST_SHIPMENT_CATEGORIES = ("not_received", "not_as_described", "no_reason_return")


def _post_shipment_categories(path: str, v: Any) -> list[str]:
    ok = isinstance(v, list) and all(c in POST_SHIPMENT_CATEGORIES for c in v) and len(set(v)) == len(v)
    return [] if ok else [f"{path}: must be a list of distinct reason categories after shipment "
                          f"({', '.join(POST_SHIPMENT_CATEGORIES)}), not {v!r}"]


def _platform(path: str, v: Any) -> list[str]:
    """A silent seller on the platform: DHgate carries out the buyer's proposal after seller_feedback_days;
    AliExpress has no such clock, and the specialist rules on the evidence ("await_ruling", RULES.md §7.2.2)."""
    spec: Spec = {"on_seller_silence": one_of("carry_out_buyer_proposal", "await_ruling"), "ruling_days": positive,
                  "on_ruling_overdue": one_of("alert_operator")}
    if not isinstance(v, dict) or v.get("on_seller_silence") != "await_ruling":
        spec = {"seller_feedback_days": positive, **spec}
    elif "seller_feedback_days" in v:
        return [f"{path}.seller_feedback_days: not used when on_seller_silence = 'await_ruling'"] + table_problems(
            spec, path, {k: x for k, x in v.items() if k != "seller_feedback_days"})
    return table_problems(spec, path, v)


def _return_leg(on_seller_silence: Leaf) -> Spec:
    return {"buyer_tracking_days": positive, "on_buyer_silence": one_of("release_seller", "escalate"),
            "seller_receive_days": positive, "remind_seller_on_days": days_list, "seller_report_from_day": whole,
            "assume_received_on_day": positive, "on_seller_silence": on_seller_silence}


AFTERSALES: Spec = {
    "pre_shipment": {"negotiate_days": positive, "on_silence": one_of("refund_buyer", "keep_order"),
                     "silence_counts_as_sold_not_shipped": flag, "seller_may_refuse_prepared": flag},
    "late_shipment": {"instant_refund": flag},
    "negotiation": {"seller_answer_days": positive, "on_seller_silence": one_of("carry_out_buyer_proposal", "escalate"),
                    "seller_answer_for": _post_shipment_categories, "negotiate_days": positive, "on_no_agreement": one_of("escalate", "carry_out_buyer_proposal"),
                    "vip_member_levels": member_levels, "vip_may_escalate_after_days": whole,
                    "others_may_escalate_after_days": whole},
    "platform": _platform,
    "opening": _opening,
    "return_refund": _return_leg(one_of("refund_buyer", "escalate")),
    "reship": {"seller_tracking_days": positive, "on_seller_silence": one_of("refund_buyer", "escalate"),
               "buyer_receive_days": positive, "remind_buyer_on_days": days_list, "assume_received_on_day": positive,
               "on_buyer_silence": one_of("release_seller", "escalate"),
               "seller_may_ask_specialist_days_after_delivery": positive},
    "return_reship": {**_return_leg(one_of("assume_received", "escalate")), "seller_reship_days": positive,
                      "on_seller_reship_silence": one_of("refund_buyer", "escalate")},
    "evidence": {"seller_tracking_proof_days": positive, "damage_claim_days": positive,
                 "on_late_damage_claim": one_of("release_seller", "escalate"), "buyer_shortage_evidence_days": positive,
                 "seller_shortage_evidence_days": positive, "shortage_agree_days": positive,
                 "on_shortage_proven": one_of("release_seller", "escalate"),
                 "on_shortage_no_agreement": one_of("escalate", "release_seller"), "supplement_days": positive},
    "complaint": _complaint,
    "metrics": {"agreement_cases_are_disputes": flag, "refund_rate_counts": one_of(*REFUND_RATE_BASES)},
    "reasons": _reasons,
}

def _per_class(path: str, v: Any) -> list[str]:
    if not isinstance(v, dict) or not v:
        return [f"{path}: must be a table of days per shipping class, e.g. {{ express = 10, post = 30 }}"]
    return [p for name, days in v.items() for p in positive(f"{path}.{name}", days)]


def _extension(path: str, v: Any) -> list[str]:
    if not isinstance(v, dict) or "offered" not in v:
        return table_problems({"offered": flag}, path, v)
    if v["offered"] is True:
        spec = {"offered": flag, "buyer_days": positive, "buyer_times": positive, "buyer_from_days_left": positive,
                "seller_days": days_list, "seller_times": positive}
        return table_problems(spec, path, v)
    return [f"{path}.{k}: not used when offered = false" for k in v if k != "offered"] + flag(f"{path}.offered", v["offered"])


def _names(path: str, v: Any) -> list[str]:
    ok = isinstance(v, list) and all(isinstance(a, str) and a.strip() for a in v)
    return [] if ok else [f"{path}: must be a list of non-empty names, not {v!r}"]


def _known_carriers(path: str, v: Any) -> list[str]:
    if not isinstance(v, list):
        return [f"{path}: must be a list of carriers, e.g. {{ name = 'DHL', aliases = ['敦豪'], shipping_class = 'express' }}"]
    carrier = {"name": text, "aliases": _names, "shipping_class": text}
    return [p for i, c in enumerate(v) for p in table_problems(carrier, f"{path}[{i}]", c)]


RULEBOOK: Spec = {
    "title": text,
    "timezone": zone,
    "payment": {"window_minutes": positive},
    "shipping": {"ship_within_hours": positive, "shipped_means": one_of("pickup", "tracking")},
    "receipt": {"auto_confirm_days": _per_class, "extension": _extension},
    "carriers": {"default_class": text, "known": _known_carriers},
    "aftersales": AFTERSALES,
    "group_buy": {"min_group_size": positive, "max_group_size": positive, "min_hours": positive, "max_hours": positive,
                  "max_auto_fill_seats": whole},
    "distribution": {"max_attribution_days": positive, "max_levels_paid": positive},
    "rewards": {"max_red_packets": positive, "min_red_packet_minor": positive},
    "assist": {"max_steps": positive, "min_hours": positive, "max_hours": positive, "max_helps_per_helper_per_day": positive},
    "community": {"max_cutoffs_per_day": positive, "min_unpicked_days": positive, "max_unpicked_days": positive,
                  "max_leader_rate": rate},
}


# Optional: the programmes a store may be reviewed for (RULES.md §7.4); a rulebook may have none of them.
PROGRAMS: Spec = {
    "mogujie_quality_merchant": {"min_star_level": positive, "min_denim_gmv_share": rate, "denim_gmv_share_inclusive": flag,
                                 "min_on_time_shipping_rate": rate, "min_qc_pass_rate": rate},
}


def _programs(path: str, v: Any) -> list[str]:
    if not isinstance(v, dict):
        return [f"{path}: must be a table, not {v!r}"]
    found = [f"{path}.{k}: unknown entry" for k in v if k not in PROGRAMS]
    return found + [p for k in v if k in PROGRAMS for p in table_problems(PROGRAMS[k], f"{path}.{k}", v[k])]


def problems(raw: dict[str, Any]) -> list[str]:
    """Every problem of a parsed rulebook: first the shape, then, on a sound shape, how entries fit together."""
    found = table_problems(RULEBOOK, "", {k: v for k, v in raw.items() if k != "programs"})
    if "programs" in raw:
        found += _programs("programs", raw["programs"])
    if found:
        return found
    return (_consistency(raw["aftersales"]) + _carriers_fit(raw) + _group_buy_fits(raw["group_buy"], raw["shipping"])
            + _assist_fits(raw["assist"]) + _community_fits(raw["community"]))


def _community_fits(c: dict[str, Any]) -> list[str]:
    if c["min_unpicked_days"] > c["max_unpicked_days"]:
        return [f"community.min_unpicked_days: {c['min_unpicked_days']} is above max_unpicked_days ({c['max_unpicked_days']})"]
    return []


def _group_buy_fits(g: dict[str, Any], shipping: dict[str, Any]) -> list[str]:
    found = [f"group_buy.{low}: {g[low]} is above {high} ({g[high]})"
             for low, high in (("min_group_size", "max_group_size"), ("min_hours", "max_hours")) if g[low] > g[high]]
    if g["min_group_size"] < 2:
        found.append(f"group_buy.min_group_size: a group has at least 2 members, not {g['min_group_size']}")
    if g["max_hours"] > shipping["ship_within_hours"]:
        # a member's ship-by clock starts when the group completes; a group must end before the opener's payment
        # could count as shipped late by the plain clock (the late-shipment refund, RULES.md §7.3)
        found.append(f"group_buy.max_hours: {g['max_hours']} is above shipping.ship_within_hours ({shipping['ship_within_hours']})")
    if g["max_auto_fill_seats"] >= g["max_group_size"]:
        found.append(f"group_buy.max_auto_fill_seats: {g['max_auto_fill_seats']} must leave the opener's seat "
                     f"in the largest group ({g['max_group_size']})")
    return found


def _assist_fits(a: dict[str, Any]) -> list[str]:
    if a["min_hours"] > a["max_hours"]:
        return [f"assist.min_hours: {a['min_hours']} is above max_hours ({a['max_hours']})"]
    return []


def check_text(source: str) -> list[str]:
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as bad:
        return [f"not valid TOML: {bad}"]
    return problems(raw)


def check_file(path: str | Path) -> list[str]:
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as unreadable:
        return [f"cannot read {path}: {unreadable}"]
    return check_text(source)


def _after(path: str, value: int, what: str, limit: int, limit_name: str) -> str:
    return f"{path}: {what} {value} is after {limit_name} ({limit})"


def _consistency(a: dict[str, Any]) -> list[str]:
    found: list[str] = []
    pre, neg, plat = a["pre_shipment"], a["negotiation"], a["platform"]
    p = "aftersales."
    if pre["silence_counts_as_sold_not_shipped"] and pre["on_silence"] != "refund_buyer":
        found.append(f"{p}pre_shipment.silence_counts_as_sold_not_shipped: true needs on_silence = 'refund_buyer' "
                     "(成交不卖 counts the automatic refund)")
    if neg["seller_answer_days"] > neg["negotiate_days"]:
        found.append(_after(f"{p}negotiation.seller_answer_days", neg["seller_answer_days"], "day", neg["negotiate_days"],
                            "negotiate_days"))
    if neg["vip_may_escalate_after_days"] > neg["others_may_escalate_after_days"]:
        found.append(f"{p}negotiation.vip_may_escalate_after_days: VIP buyers may not wait longer than others "
                     f"({neg['vip_may_escalate_after_days']} > {neg['others_may_escalate_after_days']})")
    if neg["others_may_escalate_after_days"] >= neg["negotiate_days"]:
        found.append(f"{p}negotiation.others_may_escalate_after_days: must be before negotiate_days ({neg['negotiate_days']}), "
                     "or the buyer never may escalate before the case escalates itself")
    if "seller_feedback_days" in plat and plat["seller_feedback_days"] > plat["ruling_days"]:
        found.append(_after(f"{p}platform.seller_feedback_days", plat["seller_feedback_days"], "day", plat["ruling_days"],
                            "ruling_days"))
    for name, w in a["opening"].items():
        if w["opens_after_days"] >= w["closes_after_days"]:
            found.append(f"{p}opening.{name}: opens on day {w['opens_after_days']}, not before it closes "
                         f"(day {w['closes_after_days']})")
    for leg in ("return_refund", "return_reship"):
        found += _leg(f"{p}{leg}", a[leg], "remind_seller_on_days", "seller_receive_days")
        if a[leg]["seller_report_from_day"] >= a[leg]["assume_received_on_day"]:
            found.append(f"{p}{leg}.seller_report_from_day: day {a[leg]['seller_report_from_day']} leaves the seller no time "
                         f"to report before assume_received_on_day ({a[leg]['assume_received_on_day']})")
    found += _leg(f"{p}reship", a["reship"], "remind_buyer_on_days", "buyer_receive_days")
    if a["complaint"]["offered"]:
        found += _compensation_fits(f"{p}complaint.compensation", a["complaint"]["compensation"])
    return found + _reasons_fit(f"{p}reasons", a["reasons"], a["late_shipment"]["instant_refund"])


def _leg(path: str, leg: dict[str, Any], reminders: str, window: str) -> list[str]:
    assume = leg["assume_received_on_day"]
    found = [f"{path}.{reminders}: day {d} is not before assume_received_on_day ({assume})"
             for d in leg[reminders] if d >= assume]
    if assume > leg[window]:
        found.append(_after(f"{path}.assume_received_on_day", assume, "day", leg[window], window))
    return found


def _places(amount: str) -> int:
    power = Decimal(amount).as_tuple().exponent  # an int: the shape check let only finite amounts through
    return -power if isinstance(power, int) and power < 0 else 0


def _compensation_fits(path: str, c: dict[str, Any]) -> list[str]:
    found = [f"{path}.{k}: {c[k]!r} has more decimal places than {c['currency']} allows"
             for k in ("min", "max", "special_category_min") if _places(c[k]) > exponent(c["currency"])]
    for k in ("min", "special_category_min"):
        if Decimal(c[k]) > Decimal(c["max"]):
            found.append(f"{path}.{k}: {c[k]} is above max ({c['max']})")
    return found


def _reasons_fit(path: str, reasons: list[dict[str, Any]], instant_refund: bool) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    for i, r in enumerate(reasons):
        if r["code"] in seen:
            found.append(f"{path}[{i}].code: {r['code']!r} is used twice")
        seen.add(r["code"])
        pre = r["category"] in ("order", "late_shipment")
        if pre != (r["stage"] == "pre_shipment"):
            found.append(f"{path}[{i}].category: {r['category']!r} does not belong to stage {r['stage']!r}")
    for stage in REASON_STAGES:
        if not any(r["stage"] == stage for r in reasons):
            found.append(f"{path}: no {stage} reason; a buyer could not open that kind of case")
    if instant_refund and not any(r["category"] == "late_shipment" for r in reasons):
        found.append(f"{path}: late_shipment.instant_refund is true but no reason has category 'late_shipment'")
    return found


def _carriers_fit(raw: dict[str, Any]) -> list[str]:
    """Every class a carrier or the receipt names has a case window, and the other way round; no name is listed twice."""
    classes = list(raw["aftersales"]["opening"])
    have = ", ".join(classes)
    c, days = raw["carriers"], raw["receipt"]["auto_confirm_days"]
    found: list[str] = []
    if c["default_class"] not in classes:
        found.append(f"carriers.default_class: {c['default_class']!r} is not a shipping class of aftersales.opening ({have})")
    found += [f"receipt.auto_confirm_days.{k}: {k!r} is not a shipping class of aftersales.opening ({have})"
              for k in days if k not in classes]
    found += [f"receipt.auto_confirm_days.{k}: missing" for k in classes if k not in days]  # one per case-window class
    # a buyer may open a case at least until receipt confirms itself (RULES.md §17.1 against §5.6)
    found += [f"receipt.auto_confirm_days.{k}: day {d} is after aftersales.opening.{k} closes "
              f"(day {raw['aftersales']['opening'][k]['closes_after_days']}); the buyer could not open a case before it"
              for k, d in days.items() if k in classes and d > raw["aftersales"]["opening"][k]["closes_after_days"]]
    seen: dict[str, int] = {}
    for i, carrier in enumerate(c["known"]):
        if carrier["shipping_class"] not in classes:
            found.append(f"carriers.known[{i}].shipping_class: {carrier['shipping_class']!r} is not a shipping class of "
                         f"aftersales.opening ({have})")
        for name in (carrier["name"], *carrier["aliases"]):
            key = normalise(name)
            if key in seen and seen[key] != i:
                found.append(f"carriers.known[{i}]: {name!r} is already a name of carriers.known[{seen[key]}]")
            seen.setdefault(key, i)
    x = raw["receipt"]["extension"]
    if x["offered"] and x["buyer_from_days_left"] > min(days.values(), default=0):
        found.append(f"receipt.extension.buyer_from_days_left: {x['buyer_from_days_left']} days is more than the shortest "
                     "auto_confirm_days; the buyer could extend before the parcel left")
    return found
