"""The order imports page (RULES.md §5.1 stage 1, §17.4): upload a marketplace export, the store's past imports
with their counts, and one import's report, line by line, in the reader's language.

The upload goes through `orders.intake.service` as the API's does (`read_export`, `import_orders`), in one
transaction, one savepoint per order. Uploading the same file again imports nothing twice: orders already there
are counted, not imported (the engine dedupes by the channel's order id), so a double submit is harmless.
Each reported line carries a problem code and its values (`orders.intake.imported.ProblemCode`), worded here
from `i18n_backoffice`; a problem the engine's rules raised is said through the API's problem catalog.
"""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.backoffice import choose_store, said, store_not_found
from shopkeeper.console.i18n import translate
from shopkeeper.console.marketing import page_of, pager
from shopkeeper.console.web import detail, lang_of, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, InvalidInput, NotFound
from shopkeeper.languages import Lang
from shopkeeper.orders.intake import service
from shopkeeper.orders.intake.imported import LayoutName
from shopkeeper.orders.intake.layouts import parse

router = APIRouter(include_in_schema=False)
PAGE = "/orders/imports"
FORMATS: tuple[str, ...] = get_args(LayoutName)


def problem_words(lang: Lang, entry: dict[str, Any]) -> str:
    """One reported line's reason in the reader's language; imports made before codes keep their English."""
    code, params = entry.get("code"), entry.get("params") or {}
    if code == "refused-by-rule":
        return problem_text.detail(str(params.get("detail", entry["message"])), lang)
    if code is None:
        return str(entry["message"])
    try:
        return translate(lang, f"im.problem.{code}", **params)
    except (KeyError, IndexError):  # a stored entry missing a value its wording needs: its English still says why
        return str(entry["message"])


@router.get(PAGE)
def imports(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    return _page(request, who, request.query_params.get("store"))


def _page(request: Request, who: Principal, wanted: str | None, status: int = 200, error: str | None = None,
          chosen_format: str = "") -> HTMLResponse:
    before = filters.parse_id(request.query_params.get("before", "")) if request.query_params.get("before") else None
    with request.app.state.db.read() as session:
        chosen = choose_store(session, who, wanted)
        if chosen is None:
            return store_not_found(request, who, PAGE, "im.back")
        found = service.list_batches(session, who, chosen.store.id, filters.PAGE_SIZE + 1, before)
    batches, next_cursor = page_of(found)
    return render(request, "imports.html", status=status, principal=who, nav="imports", stores=chosen.stores,
                  store=chosen.store, batches=batches, formats=FORMATS, chosen_format=chosen_format, error=error,
                  **pager(request, next_cursor))


@router.post(PAGE)
async def upload(request: Request, store: str = "") -> Response:
    """Import the uploaded export, then show its report (303), or the page again with why it was refused."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    form = await request.form(max_files=1, max_fields=10)
    upload_file, wanted = form.get("file"), str(form.get("format") or "")
    data = await upload_file.read() if isinstance(upload_file, UploadFile) else b""
    name = (upload_file.filename or "")[:200] if isinstance(upload_file, UploadFile) else ""
    try:
        if not data:
            raise InvalidInput("choose an export file to upload")
        if wanted and wanted not in FORMATS:
            raise InvalidInput(f"unknown export format {wanted[:20]}")
        layout, text = service.read_export(data, wanted or None)  # type: ignore[arg-type]  # checked above
        with request.app.state.db.transaction() as session:
            chosen = choose_store(session, who, store)
            if chosen is None:
                raise NotFound(f"store {store} does not exist")
            report = service.import_orders(session, request.app.state.clock.now(), who, chosen.store.id,
                                           parse(text, layout), service.ImportSource(layout, name))
    except NotFound:
        return store_not_found(request, who, PAGE, "im.back")
    except DomainError as refused:
        return _page(request, who, store, status=refused.status, error=said(request, refused), chosen_format=wanted)
    return RedirectResponse(f"{PAGE}/{report.batch_id}", status_code=303)


@router.get(PAGE + "/{import_id}")
def report(request: Request, import_id: str) -> Response:
    """One import: its counts, then every line refused or skipped, with its line number, in the reader's language."""
    with detail(request, import_id, "import", service.get_batch) as found:
        if isinstance(found, Response):
            return found
        lang = lang_of(request)
        batch = found.row
        lines = [{**entry, "said": problem_words(lang, entry)} for entry in batch.errors]
        store = choose_store(found.session, found.principal, str(batch.store_id))
    return render(request, "import_report.html", principal=found.principal, nav="imports", batch=batch, lines=lines,
                  store=store.store if store else None)
