"""What the import routes answer: a batch with its counts and the lines refused or skipped."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shopkeeper.orders.intake.models import ImportBatch


class ImportLineOut(BaseModel):
    line: int  # the file's physical line (1-based, header and preamble counted)
    column: str  # the column at fault, or "file" / "order" / "sku"
    message: str  # in English; `code` and `params` let a client word it in its own language
    code: str | None = Field(default=None, description="why, as a stable code (missing-column, not-an-amount, "
                             "unknown-sku, cancelled, refused-by-rule ...); null on imports made before codes")
    params: dict[str, str] = Field(default_factory=dict, description="the values the code's wording needs")
    outcome: str  # refused | skipped
    channel_order_id: str | None


class ImportOut(BaseModel):
    id: int
    store_id: int
    at: datetime
    layout: str
    file_name: str
    imported: int
    already_there: int
    skipped: int  # cancelled, not yet paid, or fulfilled by the channel: counted, not imported
    refused: int  # orders refused and file lines that did not parse
    errors: list[ImportLineOut]

    @classmethod
    def of(cls, batch: ImportBatch) -> ImportOut:
        return cls(id=batch.id, store_id=batch.store_id, at=batch.at, layout=batch.layout, file_name=batch.file_name,
                   imported=batch.imported, already_there=batch.already_there, skipped=batch.skipped,
                   refused=batch.refused, errors=[ImportLineOut(**{"channel_order_id": None, **e}) for e in batch.errors])


class ImportPage(BaseModel):
    items: list[ImportOut]
    next_cursor: int | None
