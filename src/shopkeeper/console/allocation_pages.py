"""The allocation page (订单分配, RULES.md §5.1): a store's rules in the order they are tried, its short-stock choice
and promised delivery days, and a dry run over its open orders.

Every form calls `fulfillment.allocation_service`, the calls the API makes, in one transaction: add, change,
remove, enable or disable a rule, move it up or down (the whole order is sent again: first match wins), and the
store's settings. The engine's refusals (a condition it cannot read, an unknown warehouse, a name in use) show on
the page in its language, with what was typed kept. The dry run writes nothing, so it is a plain link (GET).
Forms must come from the console's own origin (`web.same_origin`), as every console form.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.api.schemas import AMOUNT_TEXT, to_minor
from shopkeeper.auth import Principal
from shopkeeper.console import allocation_text, filters
from shopkeeper.console.backoffice import choose_store, said, store_not_found
from shopkeeper.console.web import lang_of, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, InvalidInput, NotFound
from shopkeeper.fulfillment import allocation_service as service
from shopkeeper.fulfillment.allocation import SALES_CHANNELS, SKU_PROPERTIES
from shopkeeper.inventory.service import list_warehouses
from shopkeeper.money import Money

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store
    from shopkeeper.fulfillment.models import AllocationRuleRow

router = APIRouter(include_in_schema=False)
PAGE = "/fulfillment/allocation"
DONE = ("added", "changed", "removed", "moved", "enabled", "disabled", "settings")
Text = Annotated[str, Form()]
Many = Annotated[list[str], Form()]


def _url(store_id: int, **query: str) -> str:
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"{PAGE}?store={store_id}{extra}"


@router.get(PAGE)
def allocation(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    done = request.query_params.get("done")
    return _page(request, who, request.query_params.get("store"), notice=f"al.done.{done}" if done in DONE else None,
                 dry_run=request.query_params.get("dry_run") == "1")


def _page(request: Request, who: Principal, wanted: str | None, status: int = 200, notice: str | None = None,
          error: str | None = None, form: dict[str, Any] | None = None, dry_run: bool = False) -> HTMLResponse:
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        chosen = choose_store(session, who, wanted)
        if chosen is None:
            return store_not_found(request, who, PAGE, "al.back")
        store = chosen.store
        rules = service.list_rules(session, who, store.id)
        settings = service.settings_of(session, store.id)
        runs = _dry_run(session, request, who, store) if dry_run else None
        warehouses = [w.code for w in list_warehouses(session, store.id)]
    listed = [{"row": r, "words": allocation_text.conditions(lang, r.conditions), "values": _values(r)} for r in rules]
    promised = settings.promised_days if settings else {}
    return render(request, "allocation.html", status=status, principal=who, nav="allocation", stores=chosen.stores,
                  store=store, rules=listed, on_short=settings.on_short if settings else "split",
                  promised=", ".join(f"{c}={d}" for c, d in sorted(promised.items())), warehouses=warehouses,
                  channels=SALES_CHANNELS, properties=SKU_PROPERTIES, runs=runs, notice=notice, error=error,
                  form=form or {})


def _dry_run(session: Session, request: Request, who: Principal, store: Store) -> list[dict[str, Any]]:
    """Each open order, where it would go and which rule sent it there, or why it waits; nothing is written."""
    lang = lang_of(request)
    results = service.allocate_open_orders(session, request.app.state.clock.now(), who, store.id, dry_run=True)
    return [{"order": r.order, "destination": str(r.order.ship_to.get("country", "")), "weight": r.weight_grams,
             "value": r.value, "status": r.outcome["status"], "rule": r.outcome.get("rule"),
             "said": allocation_text.outcome(lang, r.outcome), "passed": allocation_text.passed_over(lang, r.outcome)}
            for r in results]


def _values(rule: AllocationRuleRow) -> dict[str, Any]:
    """A rule as its edit form shows it: amounts in major units, empty where a condition is not set."""
    c = rule.conditions

    def amount(value: dict[str, Any] | None) -> str:
        return "" if value is None else str(Money(int(value["minor"]), str(value["currency"])).amount)

    def grams(value: int | None) -> str:
        return "" if value is None else str(value)

    return {"name": rule.name, "countries": ", ".join(c.get("countries") or []),
            "min_weight": grams(c.get("min_weight_grams")), "max_weight": grams(c.get("max_weight_grams")),
            "min_value": amount(c.get("min_value")), "max_value": amount(c.get("max_value")),
            "sales_channels": c.get("sales_channels") or [], "any_line_has": c.get("any_line_has") or [],
            "no_line_has": c.get("no_line_has") or [], "warehouse_code": rule.warehouse_code,
            "channel_code": rule.channel_code, "enabled": rule.enabled}


# --- forms ----------------------------------------------------------------------------------------

def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def _grams(text: str, field: str) -> int | None:
    typed = text.strip()
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit()):
        raise InvalidInput(f"{field} must be a whole number >= 0, got {typed[:20]!r}", field=field)
    return int(typed)


def _value(text: str, currency: str, field: str) -> dict[str, Any] | None:
    """An amount typed in major units, exact to the store currency's minor unit (ASCII digits, as the API)."""
    typed = text.strip().replace(",", "")
    if not typed:
        return None
    if not AMOUNT_TEXT.fullmatch(typed) or typed.startswith("-") or Decimal(typed) > Decimal(10) ** 12:
        raise InvalidInput(f"{field} is not an amount: {typed[:20]!r}", field=field)
    return {"minor": to_minor(Decimal(typed), currency, field), "currency": currency}


def _spec(form: dict[str, Any], currency: str) -> service.RuleSpec:
    conditions = {"countries": _codes(form["countries"]), "sales_channels": list(form["sales_channels"]),
                  "any_line_has": list(form["any_line_has"]), "no_line_has": list(form["no_line_has"]),
                  "min_weight_grams": _grams(form["min_weight"], "min_weight_grams"),
                  "max_weight_grams": _grams(form["max_weight"], "max_weight_grams"),
                  "min_value": _value(form["min_value"], currency, "min_value"),
                  "max_value": _value(form["max_value"], currency, "max_value")}
    return service.RuleSpec(form["name"].strip()[:120], conditions, form["warehouse_code"].strip()[:32],
                            form["channel_code"].strip()[:64], enabled=bool(form["enabled"]))


def _rule_form(name: str, countries: str, min_weight: str, max_weight: str, min_value: str, max_value: str,
               sales_channels: list[str], any_line_has: list[str], no_line_has: list[str], warehouse_code: str,
               channel_code: str, enabled: str) -> dict[str, Any]:
    return {"name": name, "countries": countries, "min_weight": min_weight, "max_weight": max_weight,
            "min_value": min_value, "max_value": max_value, "sales_channels": sales_channels,
            "any_line_has": any_line_has, "no_line_has": no_line_has, "warehouse_code": warehouse_code,
            "channel_code": channel_code, "enabled": enabled}


@router.post(f"{PAGE}/rules")
def add_rule(request: Request, store: str = "", name: Text = "", countries: Text = "", min_weight: Text = "",
             max_weight: Text = "", min_value: Text = "", max_value: Text = "", sales_channels: Many = [],  # noqa: B006
             any_line_has: Many = [], no_line_has: Many = [], warehouse_code: Text = "",  # noqa: B006
             channel_code: Text = "", enabled: Text = "") -> Response:
    form = _rule_form(name, countries, min_weight, max_weight, min_value, max_value, sales_channels, any_line_has,
                      no_line_has, warehouse_code, channel_code, enabled)
    return _write(request, store, None, "added", form)


@router.post(PAGE + "/rules/{rule_id}")
def change_rule(request: Request, rule_id: str, store: str = "", name: Text = "", countries: Text = "",
                min_weight: Text = "", max_weight: Text = "", min_value: Text = "", max_value: Text = "",
                sales_channels: Many = [], any_line_has: Many = [], no_line_has: Many = [],  # noqa: B006
                warehouse_code: Text = "", channel_code: Text = "", enabled: Text = "") -> Response:
    form = _rule_form(name, countries, min_weight, max_weight, min_value, max_value, sales_channels, any_line_has,
                      no_line_has, warehouse_code, channel_code, enabled)
    return _write(request, store, rule_id, "changed", form)


@router.post(PAGE + "/rules/{rule_id}/{move}")
def move_rule(request: Request, rule_id: str, move: str, store: str = "") -> Response:
    """Remove, enable or disable a rule, or move it one place up or down."""
    if move not in ("delete", "enable", "disable", "up", "down"):
        who = signed_in(request)
        return who if isinstance(who, Response) else store_not_found(request, who, PAGE, "al.back")
    done = {"delete": "removed", "enable": "enabled", "disable": "disabled"}.get(move, "moved")
    return _write(request, store, rule_id, done, {"move": move})


@router.post(f"{PAGE}/settings")
def change_settings(request: Request, store: str = "", on_short: Text = "", promised_days: Text = "") -> Response:
    return _write(request, store, None, "settings", {"on_short": on_short, "promised_days": promised_days})


def _promised(text: str) -> dict[str, int]:
    """"US=30, RU=90" (or one a line) → {"US": 30, "RU": 90}; the service caps where RULES.md §5.5 caps."""
    found: dict[str, int] = {}
    for part in text.replace("，", ",").replace("\n", ",").split(","):
        if not part.strip():
            continue
        country, _, days = part.replace("：", "=").replace(":", "=").partition("=")
        if not days.strip().isascii() or not days.strip().isdigit() or len(days.strip()) > 4:
            raise InvalidInput(f"promised days must read like US=30, got {part.strip()[:20]!r}", field="promised_days")
        found[country.strip().upper()] = int(days.strip())
    return found


def _write(request: Request, wanted: str, rule_id: str | None, done: str, form: dict[str, Any]) -> Response:
    """One change in one transaction, then the page again (303 on success; the refusal, in words, otherwise)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    now = request.app.state.clock.now()
    rule = filters.parse_id(rule_id) if rule_id is not None else None
    try:
        with request.app.state.db.transaction() as session:
            chosen = choose_store(session, who, wanted)
            if chosen is None or (rule_id is not None and rule is None):
                raise NotFound(f"store {wanted} does not exist")
            store = chosen.store
            if rule is not None and service.get_rule(session, who, rule).store_id != store.id:
                raise NotFound(f"allocation rule {rule} does not exist")
            _apply(session, now, who, store, rule, done, form)
    except NotFound:
        return store_not_found(request, who, PAGE, "al.back")
    except DomainError as refused:
        return _page(request, who, wanted, status=refused.status, error=said(request, refused),
                     form={**form, "editing": rule if done == "changed" else None})
    return RedirectResponse(_url(store.id, done=done), status_code=303)


def _apply(session: Session, now: datetime, who: Principal, store: Store, rule: int | None, done: str,
           form: dict[str, Any]) -> None:
    if done == "added":
        service.create_rule(session, now, who, store.id, _spec(form, store.currency))
    elif done == "settings":
        service.change_settings(session, now, who, store.id, form["on_short"], _promised(form["promised_days"]))
    elif rule is None:
        raise NotFound(f"allocation rule {rule} does not exist")
    elif done == "changed":
        service.change_rule(session, now, who, rule, _spec(form, store.currency))
    elif done == "removed":
        service.remove_rule(session, now, who, rule)
    elif done in ("enabled", "disabled"):
        row = service.get_rule(session, who, rule)
        service.change_rule(session, now, who, rule, service.RuleSpec(row.name, row.conditions, row.warehouse_code,
                                                                     row.channel_code, enabled=done == "enabled"))
    else:
        order = [r.id for r in service.list_rules(session, who, store.id)]
        at = order.index(rule)
        to = at - 1 if form["move"] == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
            service.reorder_rules(session, now, who, store.id, order)
