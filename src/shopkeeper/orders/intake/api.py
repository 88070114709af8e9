"""Order import routes (RULES.md §5.1 stage 1, §17.4): upload a marketplace export, read the imports.

The file is the request body (text/csv, text/tab-separated-values, text/plain) or the `file` field of a multipart
upload. It is capped like any request body (`settings.max_body_bytes`, api/limits.py): our reading is that a
file larger than that is imported with the `shopkeeper import orders` command, which reads it from disk.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page
from shopkeeper.errors import InvalidInput
from shopkeeper.orders.intake import service
from shopkeeper.orders.intake.imported import LayoutName
from shopkeeper.orders.intake.layouts import parse
from shopkeeper.orders.intake.models import ImportBatch
from shopkeeper.orders.intake.schemas import ImportOut, ImportPage
from shopkeeper.scope import require_store_manager

router = APIRouter(tags=["imports"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
TEXT_TYPES = ("text/csv", "text/tab-separated-values", "text/plain")
_TEXT_BODY: dict[str, Any] = {"schema": {"type": "string"}, "example": "Name,Email,Financial Status,...\n"}
FILE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "text/csv": _TEXT_BODY,
    "text/tab-separated-values": _TEXT_BODY,
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
}}}


@router.post("/stores/{store_id}/imports", status_code=201, response_model=ImportOut, openapi_extra=FILE_BODY)
async def import_orders(store_id: IdPath, request: Request, ctx: Ctx, format: LayoutName | None = None,
                        idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Import a marketplace's order export (store staff, the operator): Amazon's all-orders report, Shopify's orders
    export or eBay's sold listings (sniffed from the header; `format`, when given, must match it). Orders already imported are
    counted, not imported again; each refused order or bad line is reported with its line number and the rest
    import. Send an `Idempotency-Key` to retry safely."""
    require_store_manager(ctx.actor, store_id)
    file_name, data = await _file(request)
    return await run_in_threadpool(_import, ctx, store_id, format, file_name, data, idempotency_key)


def _import(ctx: Ctx, store_id: int, format: LayoutName | None, file_name: str, data: bytes,
            idempotency_key: str | None) -> JSONResponse:
    layout, text = service.read_export(data, format)

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        report = service.import_orders(session, ctx.now(), ctx.actor, store_id, parse(text, layout),
                                       service.ImportSource(layout, file_name))
        batch = session.get(ImportBatch, report.batch_id)
        assert batch is not None
        return 201, ImportOut.of(batch).model_dump(mode="json")

    fingerprint = {"store_id": store_id, "format": layout, "file_name": file_name,
                   "sha256": hashlib.sha256(data).hexdigest()}
    return run_once(ctx, f"key:{ctx.actor.key_id}:import-orders", idempotency_key, fingerprint, use_case)


async def _file(request: Request) -> tuple[str, bytes]:
    """The export's name (a multipart upload's file name, else none) and its bytes."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("a multipart upload carries the export in its file field")
        return (upload.filename or "")[:200], await upload.read()
    if content_type in TEXT_TYPES:
        return "", await request.body()
    raise InvalidInput("send the export as text/csv, text/tab-separated-values or a multipart upload")


@router.get("/stores/{store_id}/imports")
def list_imports(store_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> ImportPage:
    """A store's imports, newest first (store staff, the operator)."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_batches(session, ctx.actor, store_id, limit + 1, cursor), limit)
        return ImportPage(items=[ImportOut.of(batch) for batch in rows], next_cursor=next_cursor)


@router.get("/imports/{import_id}")
def get_import(import_id: IdPath, ctx: Ctx) -> ImportOut:
    """One import: its counts and every line refused or skipped, with the line number (store staff, the operator)."""
    with ctx.read() as session:
        return ImportOut.of(service.get_batch(session, ctx.actor, import_id))
