"""Problems speak the client's language: every error code and every detail has Chinese beside its English.

The catalog (api/problem_text.py) keys Chinese templates by the English detail each raise site writes.
`test_every_detail_in_the_source_has_chinese` walks the source, so a new message without Chinese fails here.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError

import shopkeeper
from shopkeeper.api import problem_text
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.settings import Settings
from support import Api, Shop

SRC = Path(shopkeeper.__file__).parent


def _all_error_classes() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages(shopkeeper.__path__, "shopkeeper."):
        if ".migrations." not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    todo = [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def _samples(node: ast.expr) -> list[str]:
    """Every text a detail expression can give, each placeholder filled with a sample value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        texts = [""]
        for part in node.values:
            pieces = [part.value] if isinstance(part, ast.Constant) else ["7"]
            texts = [t + p for t in texts for p in pieces]
        return texts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _samples(node.left) for b in _samples(node.right)]
    if isinstance(node, ast.IfExp):
        return _samples(node.body) + _samples(node.orelse)
    return ["7"]  # a value computed at run time: any text


def _raised_details() -> Iterator[tuple[str, int, str]]:
    names = {cls.__name__ for cls in _all_error_classes()}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
            detail = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "detail"), None)
            if func in names and detail is not None and not (isinstance(detail, ast.Constant) and detail.value is None):
                for sample in _samples(detail):
                    yield str(path.relative_to(SRC)), node.lineno, sample


def test_the_source_walk_finds_the_raise_sites() -> None:
    assert len(list(_raised_details())) > 200


def test_every_detail_in_the_source_has_chinese() -> None:
    missing = [f"{path}:{line}: {text!r}" for path, line, text in _raised_details()
               if problem_text.translate(text) is None and text != "7"]
    assert missing == [], "add these to DETAILS_ZH in api/problem_text.py:\n" + "\n".join(missing)


def test_every_error_code_has_a_chinese_title() -> None:
    codes = {cls.code for cls in _all_error_classes()}
    assert codes - problem_text.TITLES_ZH.keys() == set()
    assert set(problem_text.TITLES_EN) <= problem_text.TITLES_ZH.keys()


def test_no_translation_leaves_a_placeholder_or_english_sentence() -> None:
    for english, chinese in problem_text.DETAILS_ZH.items():
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", chinese)), english


@pytest.mark.parametrize(("english", "chinese"), [
    ("store 12 does not exist", "店铺 12 不存在"),
    ("shipping template 3 does not exist", "运费模板 3 不存在"),
    ("cannot ship an order that is closed", "无法对已关闭的订单执行发货"),
    ("the code SALE10 is all claimed", "券码 SALE10 已领完"),
    ("coupon 4 is paused", "优惠券 4 已暂停"),
    ("only operator, staff keys may do this", "只有平台运营、店铺员工密钥可以执行此操作"),
    ("items[0]: a higher tier must give more than the tier below it", "items[0]：更高的档位必须比下一档优惠更多"),
])
def test_captured_terms_and_messages_are_translated_too(english: str, chinese: str) -> None:
    assert problem_text.translate(english) == chinese


@pytest.mark.parametrize(("header", "lang"), [
    (None, "en"), ("", "en"), ("zh-CN", "zh"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,en;q=0.9,zh;q=0.8", "en"),
    ("en;q=0.5, zh;q=0.9", "zh"), ("fr, zh-TW;q=0.7", "en"), ("*", "en"),
])
def test_accept_language_chooses_with_q_values(header: str | None, lang: str) -> None:
    assert problem_text.language(header) == lang


def _problem(api: Api, method: str, path: str, status: int, lang: str, headers: dict[str, str] | None = None,
             **kwargs: object) -> dict[str, object]:
    sent = {"Authorization": f"Bearer {api.key}", "Accept-Language": lang, **(headers or {})}
    response = api.client.request(method, f"/api/v1{path}", headers=sent, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


def test_not_found_in_both_languages(api: Api) -> None:
    en = _problem(api, "GET", "/stores/999", 404, "en")
    zh = _problem(api, "GET", "/stores/999", 404, "zh-CN,zh;q=0.9")
    assert (en["title"], en["detail"]) == ("No such object", "store 999 does not exist")
    assert (zh["title"], zh["detail"]) == ("对象不存在", "店铺 999 不存在")
    assert en["code"] == zh["code"] == "not-found"


def test_out_of_stock_says_how_many_are_left(api: Api) -> None:
    shop = Shop(api, stock=3)
    body = {"store_id": shop.store_id, "address_id": shop.address["id"], "lines": [{"sku_id": shop.skus[0], "quantity": 5}]}
    en = _problem(shop.shopper, "POST", "/orders", 409, "en", json=body)
    zh = _problem(shop.shopper, "POST", "/orders", 409, "zh", json=body)
    assert en["code"] == "out-of-stock" and en["available"] == zh["available"] == 3
    assert en["title"] == "Not enough stock" and en["detail"] == f"not enough stock of SKU {shop.skus[0]} for 5 more; 3 left"
    assert zh["title"] == "库存不足" and zh["detail"] == f"SKU {shop.skus[0]} 库存不足，无法再下 5 件；仅剩 3 件"


def test_state_and_role_refusals_in_chinese(api: Api) -> None:
    shop = Shop(api)
    order = shop.order((shop.skus[0], 1))
    closed = _problem(shop.staff, "POST", f"/orders/{order['id']}/shipment", 409, "zh",
                      json={"carrier": "SF", "tracking_number": "SF1"})
    assert closed["title"] == "对象当前状态下不允许该操作" and "待付款" in str(closed["detail"])
    refused = _problem(shop.shopper, "POST", "/stores", 403, "zh", json={"name": "x", "rulebook": "taobao", "currency": "CNY"})
    assert (refused["title"], refused["detail"]) == ("此密钥无权执行该操作", "只有平台运营密钥可以执行此操作")


def test_unauthenticated_and_framework_errors_in_chinese(api: Api) -> None:
    anonymous = api.client.get("/api/v1/stores", headers={"Accept-Language": "zh"})
    assert anonymous.status_code == 401 and anonymous.json()["title"] == "需要有效的 API 密钥"
    assert anonymous.json()["detail"] == "请以 'Authorization: Bearer <key>' 发送 API 密钥"
    nowhere = _problem(api, "GET", "/no-such-route", 404, "zh")
    assert (nowhere["title"], nowhere["detail"]) == ("对象不存在", "未找到")
    wrong_method = _problem(api, "DELETE", "/stores", 405, "zh")
    assert (wrong_method["title"], wrong_method["detail"]) == ("不支持该请求方法", "不支持该请求方法")
    english = _problem(api, "DELETE", "/stores", 405, "en")
    assert (english["title"], english["detail"]) == ("Method not allowed", "Method Not Allowed")


def test_an_error_without_a_detail_repeats_its_title_in_chinese(api: Api) -> None:
    signed = {"Shopkeeper-Signature": "t=1,v1=00"}
    zh = _problem(api, "POST", "/payments/callback", 401, "zh", content=b"{}", headers=signed)
    assert zh["code"] == "invalid-signature" and zh["title"] == zh["detail"] == "支付通知的签名校验失败"
    en = _problem(api, "POST", "/payments/callback", 401, "en", content=b"{}", headers=signed)
    assert en["title"] == en["detail"] == "The payment notification's signature does not verify"


def test_validation_errors_keep_their_locations_and_speak_chinese(api: Api) -> None:
    body = {"name": "x" * 500, "rulebook": "taobao"}
    en = _problem(api, "POST", "/stores", 422, "en", json=body)
    zh = _problem(api, "POST", "/stores", 422, "zh", json=body)
    assert en["code"] == zh["code"] == "invalid-request"
    assert (en["title"], zh["title"]) == ("The request is malformed", "请求格式错误")
    assert en["errors"] == zh["errors"] and all("loc" in e for e in en["errors"])  # type: ignore[attr-defined]
    assert zh["detail"] == "body.name：过长（最多 120 个字符）"
    assert en["detail"] == "body.name: String should have at most 120 characters"
    missing = _problem(api, "POST", "/buyers", 422, "zh", json={})
    assert missing["detail"] == "body.name：必填"
    not_a_number = _problem(api, "GET", "/stores/abc", 422, "zh")
    assert not_a_number["detail"] == "path.store_id：必须是整数"


def test_the_catch_all_handlers_speak_chinese_too(db: Database, clock: SimulatedClock, settings: Settings) -> None:
    app = create_app(db, clock, settings)

    def bug() -> None:
        raise RuntimeError("a bug")

    def busy() -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    def clash() -> None:
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    for path, endpoint in (("/bug", bug), ("/busy", busy), ("/clash", clash)):
        app.add_api_route(path, endpoint)
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = {path: (client.get(path, headers={"Accept-Language": "zh"}), client.get(path))
                   for path in ("/bug", "/busy", "/clash")}
    expected = {"/bug": (500, "内部错误", "发生意外错误；已记录日志", "Internal error"),
                "/busy": (503, "数据库繁忙", "请稍后重试", "The database is busy"),
                "/clash": (409, "请求与现有数据冲突", "数据库约束拒绝了该修改", "The request conflicts with existing data")}
    for path, (status, title_zh, detail_zh, title_en) in expected.items():
        zh, en = answers[path]
        assert (zh.status_code, zh.json()["title"], zh.json()["detail"]) == (status, title_zh, detail_zh)
        assert (en.status_code, en.json()["title"]) == (status, title_en)
        assert zh.headers["content-type"] == en.headers["content-type"] == "application/problem+json"
