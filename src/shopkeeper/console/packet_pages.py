"""The platform red-packet page (跨店铺红包, 看广告抢红包): every program's pool grabbed and left, the stores taking
part, and, for the operator, the programs' books (the fund, the buyers' credit, what waits on open orders, what was
settled to stores).

Reads and writes go through `social.packets.service`, the calls the API makes: the operator sees `board` (every
program with its ledger) and may end a program; a store's staff see `list_programs` and opt their own store in. Both
writes are POST forms that must come from the console's own origin. Times are on the platform's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal, Role
from shopkeeper.console import filters
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.web import lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.social.packets import rules, service

if TYPE_CHECKING:
    from shopkeeper.social.packets.models import PacketProgram

router = APIRouter(include_in_schema=False)

SHOWN = 100  # programs on the page, newest first
DONE = ("joined", "ended")


@dataclass(frozen=True)
class ProgramLine:
    program: PacketProgram
    stores: list[str]
    joined: bool  # the staff's own store takes part
    may_join: bool
    may_end: bool
    buyers: int | None  # the operator's view only
    books: dict[str, int] | None


@router.get("/platform-packets")
def board(request: Request) -> Response:
    return _board(request, None)


def _board(request: Request, who: Principal | None, status: int = 200, error: str | None = None) -> Response:
    if who is None:
        signed = signed_in(request)
        if isinstance(signed, Response):
            return signed
        who = signed
    lang = lang_of(request)
    done = request.query_params.get("done")
    found: list[tuple[PacketProgram, list[int], int | None, dict[str, int] | None]]
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        if who.is_operator:
            figures = service.board(session, who)
            found = [(f.program, f.stores, f.buyers, f.accounts) for f in figures]
        else:
            found = [(p, service.stores_of(session, p.id), None, None)
                     for p in service.list_programs(session, who, None, SHOWN, None)]
    lines = []
    for program, store_ids, buyers, books in found[:SHOWN]:
        joined = who.role is Role.STAFF and who.store_id in store_ids
        active = program.status == "active"
        lines.append(ProgramLine(program, [stores.owner(s, lang) for s in store_ids], joined,
                                 active and who.role is Role.STAFF and not joined, active and who.is_operator,
                                 buyers, books))
    return render(request, "packet_board.html", status=status, principal=who, nav="platform_packets", programs=lines,
                  accounts=rules.ACCOUNTS, zone=stores.platform_zone, error=error,
                  notice=f"pk.done.{done}" if done in DONE else None)


@router.post("/platform-packets/{program_id}/join")
def join(request: Request, program_id: str) -> Response:
    """The staff's own store takes part (service.join)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(program_id)
    if wanted is None or who.store_id is None:
        return not_found(request, who, "packets")
    try:
        with request.app.state.db.transaction() as session:
            service.join(session, request.app.state.clock.now(), who, wanted, who.store_id)
    except NotFound:
        return not_found(request, who, "packets")
    except DomainError as refused:
        return _board(request, who, status=refused.status, error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse("/platform-packets?done=joined", status_code=303)


@router.post("/platform-packets/{program_id}/end")
def end(request: Request, program_id: str) -> Response:
    """No more grabs; packets grabbed stay usable until they expire (service.end_program, the operator)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(program_id)
    if wanted is None:
        return not_found(request, who, "packets")
    try:
        with request.app.state.db.transaction() as session:
            service.end_program(session, request.app.state.clock.now(), who, wanted)
    except NotFound:
        return not_found(request, who, "packets")
    except DomainError as refused:
        return _board(request, who, status=refused.status, error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse("/platform-packets?done=ended", status_code=303)
