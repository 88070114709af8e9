"""Supplier pages (供应商, RULES.md §5.1 "the purchase cycle"): a store's suppliers, added, edited (lead days, pack size,
minimum order, currency, prepayment) and deactivated; and one SKU's supply terms (who it is bought from, at what cost,
its own lead, safety and review days and packs), reached from the replenishment table.

Forms are read through the API's request shapes (`SupplierIn`, `SupplyIn`), so a value the API refuses is refused here
with the same words, in the reader's language; writes go through `purchasing.service`, the calls the API makes. A
supplier or SKU the principal may not see is a 404 like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.catalog.service import sku_by_id, skus_with_products
from shopkeeper.console import filters
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.purchase_pages import store_id_of
from shopkeeper.console.web import lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.money import exponent
from shopkeeper.purchasing import service
from shopkeeper.purchasing.schemas import SupplierIn, SupplyIn

if TYPE_CHECKING:
    from shopkeeper.purchasing.models import Supplier

router = APIRouter(include_in_schema=False)
Shape = TypeVar("Shape", bound=BaseModel)
SUPPLIER_FIELDS = ("name", "lead_days", "currency", "pack_size", "moq")
SUPPLY_FIELDS = ("supplier_id", "unit_cost", "lead_days", "safety_days", "review_days", "pack_size", "moq")


class Refused(Exception):
    """A form the request shape or the service refused, in the reader's words, with the status the API would answer."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _read(shape: type[Shape], form: Mapping[str, Any], texts: tuple[str, ...], flags: tuple[str, ...],
          request: Request) -> Shape:
    """The form as the API's body: blank optional numbers left out, ticked boxes true."""
    body: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in texts if str(form.get(name, "")).strip()}
    body.update({name: form.get(name) == "on" for name in flags})
    try:
        return shape.model_validate(body)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        raise Refused(problem_text.validation_detail(dict(first), lang_of(request)), 422) from None


def _amount(minor: int, currency: str) -> str:
    """Minor units as the amount text the form sends back (18.50, 1200 for yen)."""
    return format(Decimal(minor).scaleb(-exponent(currency)), "f")


@router.get("/purchasing/suppliers")
def suppliers(request: Request) -> Response:
    """A store's suppliers by name, inactive ones included, and the form to add one."""
    return _list(request, None)


def _list(request: Request, asker: Principal | None, status: int = 200, error: str | None = None,
          store: int | None = None, form: Mapping[str, Any] | None = None) -> Response:
    principal = asker or signed_in(request)
    if isinstance(principal, Response):
        return principal
    who = principal
    with request.app.state.db.read() as session:
        store_id = store if store is not None else store_id_of(request, who, session)
        stores = stores_of(session, who, request)
        if store_id is None or store_id not in stores.by_id:
            return not_found(request, who, "purchasing")
        found = service.list_suppliers(session, who, store_id)
        currency = stores.by_id[store_id].currency
    return render(request, "purchasing_suppliers.html", status=status, principal=who, nav="purchasing",
                  suppliers=found, store_id=store_id, stores=list(stores.by_id.values()), error=error,
                  form=dict(form or {"currency": currency, "pack_size": "1", "moq": "1", "active": "on"}),
                  done=request.query_params.get("done"))


async def _posted(request: Request) -> tuple[Principal, Mapping[str, Any]] | Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    return who, await request.form()


def _write(request: Request, step: Callable[[Session], object]) -> None:
    """Run the service call in one transaction; a refusal is worded in the reader's language (nothing is written)."""
    try:
        with request.app.state.db.transaction() as session:
            step(session)
    except NotFound:
        raise
    except DomainError as refused:
        raise Refused(problem_text.detail(refused.detail, lang_of(request)), refused.status) from None


@router.post("/purchasing/suppliers")
async def add_supplier(request: Request) -> Response:
    """Add a supplier to the store named in the form."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    who, form = posted
    store_id = filters.parse_id(str(form.get("store", "")))
    if store_id is None:
        return not_found(request, who, "purchasing")
    try:
        spec = _read(SupplierIn, form, SUPPLIER_FIELDS, ("prepay", "active"), request).spec()
        _write(request, lambda s: service.create_supplier(s, request.app.state.clock.now(), who, store_id, spec))
    except NotFound:
        return not_found(request, who, "purchasing")
    except Refused as refused:
        return _list(request, who, refused.status, refused.message, store_id, form)
    return RedirectResponse(f"/purchasing/suppliers?store={store_id}&done=created", status_code=303)


def _supplier_page(request: Request, asker: Principal | None, raw_id: str, status: int = 200, error: str | None = None,
                   form: Mapping[str, Any] | None = None) -> Response:
    principal = asker or signed_in(request)
    if isinstance(principal, Response):
        return principal
    who = principal
    wanted = filters.parse_id(raw_id)
    with request.app.state.db.read() as session:
        try:
            if wanted is None:
                raise NotFound(f"supplier {raw_id} does not exist")
            supplier = service.get_supplier(session, who, wanted)
        except NotFound:
            return not_found(request, who, "supplier")
        values = dict(form) if form is not None else _values(supplier)
    return render(request, "purchasing_supplier.html", status=status, principal=who, nav="purchasing",
                  supplier=supplier, form=values, error=error, done=request.query_params.get("done"))


def _values(supplier: Supplier) -> dict[str, str]:
    values = {name: str(getattr(supplier, name)) for name in SUPPLIER_FIELDS}
    values.update({name: "on" for name in ("prepay", "active") if getattr(supplier, name)})
    return values


@router.get("/purchasing/suppliers/{supplier_id}")
def supplier_page(request: Request, supplier_id: str) -> Response:
    """One supplier's terms, to edit, deactivate or reactivate."""
    return _supplier_page(request, None, supplier_id)


@router.post("/purchasing/suppliers/{supplier_id}/{action}")
async def supplier_action(request: Request, supplier_id: str, action: str) -> Response:
    """`edit` saves the form; `deactivate` and `reactivate` keep the terms and switch `active` (orders keep theirs)."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    who, form = posted
    wanted = filters.parse_id(supplier_id)
    if wanted is None or action not in ("edit", "deactivate", "reactivate"):
        return not_found(request, who, "supplier")
    try:
        edited = _read(SupplierIn, form, SUPPLIER_FIELDS, ("prepay", "active"), request).spec() if action == "edit" else None

        def step(session: Session) -> object:
            s = service.get_supplier(session, who, wanted)
            spec = edited or service.SupplierSpec(s.name, s.lead_days, s.currency, s.pack_size, s.moq, s.prepay,
                                                  active=action == "reactivate")
            return service.change_supplier(session, request.app.state.clock.now(), who, wanted, spec)

        _write(request, step)
    except NotFound:
        return not_found(request, who, "supplier")
    except Refused as refused:
        return _supplier_page(request, who, supplier_id, refused.status, refused.message,
                              form if action == "edit" else None)
    return RedirectResponse(f"/purchasing/suppliers/{wanted}?done={action}", status_code=303)


# --- one SKU's supply terms ----------------------------------------------------------------------------


def _supply_page(request: Request, asker: Principal | None, raw_id: str, status: int = 200, error: str | None = None,
                 form: Mapping[str, Any] | None = None) -> Response:
    principal = asker or signed_in(request)
    if isinstance(principal, Response):
        return principal
    who = principal
    wanted = filters.parse_id(raw_id)
    with request.app.state.db.read() as session:
        try:
            if wanted is None:
                raise NotFound(f"SKU {raw_id} does not exist")
            sku = sku_by_id(session, wanted)
            found = service.list_suppliers(session, who, sku.store_id)  # 404 for a store the principal may not see
            _, products = skus_with_products(session, [sku.id])
            try:
                supply = service.get_supply(session, who, sku.id)
            except NotFound:
                supply = None
        except NotFound:
            return not_found(request, who, "supplier")
        currencies = {s.id: s.currency for s in found}
        values = dict(form) if form is not None else {} if supply is None else {
            "supplier_id": str(supply.supplier_id),
            "unit_cost": _amount(supply.unit_cost_minor, currencies[supply.supplier_id]),
            **{name: str(getattr(supply, name)) for name in SUPPLY_FIELDS[2:] if getattr(supply, name) is not None}}
        title = products[sku.product_id].title if sku.product_id in products else ""
    return render(request, "purchasing_supply.html", status=status, principal=who, nav="purchasing", sku=sku,
                  title=title, suppliers=found, form=values, error=error, done=request.query_params.get("done"))


@router.get("/purchasing/skus/{sku_id}/supply")
def supply_page(request: Request, sku_id: str) -> Response:
    """Who one SKU is bought from and at what; its own days and packs override the supplier's."""
    return _supply_page(request, None, sku_id)


@router.post("/purchasing/skus/{sku_id}/supply")
async def set_supply(request: Request, sku_id: str) -> Response:
    """Save the SKU's supply terms (the cost in the chosen supplier's currency)."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    who, form = posted
    wanted = filters.parse_id(sku_id)
    if wanted is None:
        return not_found(request, who, "supplier")
    try:
        body = _read(SupplyIn, form, SUPPLY_FIELDS, (), request)

        def step(session: Session) -> object:
            currency = service.get_supplier(session, who, body.supplier_id).currency
            return service.set_supply(session, request.app.state.clock.now(), who, wanted, body.spec(currency))

        _write(request, step)
    except NotFound:
        return not_found(request, who, "supplier")
    except Refused as refused:
        return _supply_page(request, who, sku_id, refused.status, refused.message, form)
    return RedirectResponse(f"/purchasing/skus/{wanted}/supply?done=saved", status_code=303)
