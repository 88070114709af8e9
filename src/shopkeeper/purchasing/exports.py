"""The replenishment suggestions as files a buyer opens in a spreadsheet: CSV (UTF-8 with a BOM, so Excel reads the
Chinese) and XLSX (numbers stored as numbers). One header row, in Chinese or English; the same columns, the same
figures as the API's rows. Words live here, with the interfaces that send the files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from decimal import Decimal

from openpyxl import Workbook  # type: ignore[import-untyped]

from shopkeeper.languages import Lang
from shopkeeper.money import Money
from shopkeeper.purchasing.replenishment import Row

Cell = int | Decimal | str | None

# (English header, Chinese header, the row's value)
COLUMNS: tuple[tuple[str, str, Callable[[Row], Cell]], ...] = (
    ("SKU id", "SKU ID", lambda r: r.sku_id),
    ("SKU code", "SKU 编码", lambda r: r.sku_code),
    ("Product", "商品", lambda r: r.title),
    ("Supplier", "供应商", lambda r: r.supplier_name or ""),
    ("On hand", "可售库存", lambda r: r.suggestion.on_hand),
    ("Reserved", "已占用", lambda r: r.reserved),
    ("In transit", "在途", lambda r: r.suggestion.in_transit),
    ("Sold in window", "窗口期销量", lambda r: r.suggestion.sold),
    ("Days counted", "计入天数", lambda r: r.suggestion.days_counted),
    ("Stock-out days", "缺货天数", lambda r: r.suggestion.stockout_days),
    ("Average daily sales", "日均销量", lambda r: r.suggestion.average_daily_sales),
    ("Last day sold", "昨日销量", lambda r: r.suggestion.last_day_sold),
    ("Lead days", "采购周期（天）", lambda r: r.terms.lead_days),
    ("Safety days", "安全天数", lambda r: r.terms.safety_days),
    ("Review days", "补货间隔（天）", lambda r: r.terms.review_days),
    ("Pack size", "箱规", lambda r: r.terms.pack_size),
    ("MOQ", "起订量", lambda r: r.terms.moq),
    ("Reorder point", "再订货点", lambda r: r.suggestion.reorder_point),
    ("Target", "目标库存", lambda r: r.suggestion.target),
    ("Flags", "提示", lambda r: " ".join(r.suggestion.flags)),
    ("Suggested quantity", "建议采购量", lambda r: r.suggestion.quantity),
    ("Currency", "币种", lambda r: r.currency or ""),
    ("Unit cost", "单价", lambda r: _amount(r.unit_cost_minor, r.currency)),
    ("Amount", "金额", lambda r: _amount(r.amount_minor, r.currency)),
)


def _amount(minor: int | None, currency: str | None) -> Decimal | None:
    return None if minor is None or currency is None else Money(minor, currency).amount


def headers(lang: Lang) -> list[str]:
    return [zh if lang == "zh" else en for en, zh, _ in COLUMNS]


def cells(row: Row) -> list[Cell]:
    return [value(row) for _, _, value in COLUMNS]


def to_csv(rows: Sequence[Row], lang: Lang) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(lang))
    for row in rows:
        writer.writerow(["" if c is None else c for c in cells(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[Row], lang: Lang) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "补货建议" if lang == "zh" else "Replenishment"
    sheet.append(headers(lang))
    for row in rows:
        sheet.append(cells(row))  # openpyxl writes Decimals as numbers, as it does ints
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
