"""Request bodies are capped: a larger one gets 413 problem+json, unread, and nothing is written."""

from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.settings import DEFAULT_MAX_BODY_BYTES, Settings

MB = 1024 * 1024


def _assert_too_large(response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "body-too-large"


def test_a_json_body_over_the_cap_is_refused_and_writes_nothing(shop) -> None:
    padding = "x" * DEFAULT_MAX_BODY_BYTES
    body = {"store_id": shop.store_id, "address_id": shop.address["id"], "lines": [{"sku_id": shop.skus[0], "quantity": 1}],
            "note": padding}
    response = shop.shopper.client.post("/api/v1/orders", json=body, headers={"Authorization": f"Bearer {shop.shopper.key}"})
    _assert_too_large(response)
    assert shop.stock(shop.skus[0])["reserved"] == 0
    assert shop.shopper.get("/orders")["items"] == []


def test_a_chunked_body_is_counted_as_it_streams(shop) -> None:
    def pieces() -> Iterator[bytes]:
        for _ in range(3):
            yield b" " * (MB // 2)
        yield b"{}"

    response = shop.shopper.client.post("/api/v1/orders", content=pieces(), headers={
        "Authorization": f"Bearer {shop.shopper.key}", "Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    _assert_too_large(response)


def test_the_cap_is_a_setting_and_a_body_at_the_cap_goes_through(db: Database, clock: SimulatedClock) -> None:
    app = create_app(db, clock, Settings(database_url=db.url, max_body_bytes=100))
    with TestClient(app, raise_server_exceptions=False) as client:
        _assert_too_large(client.post("/api/v1/stores", content=b" " * 101, headers={"Content-Type": "application/json"}))
        at_cap = client.post("/api/v1/stores", content=b"{}".ljust(100), headers={"Content-Type": "application/json"})
        assert at_cap.status_code == 401  # read in full, then refused for want of a key, not for its size


def test_evidence_uploads_keep_their_own_cap(api) -> None:
    photo = b"\xff\xd8\xff" + b"\0" * (2 * MB)  # a 2 MB JPEG: over the JSON cap, under the evidence cap
    passed = api.client.post("/api/v1/cases/424242/evidence", files={"file": ("photo.jpg", photo, "image/jpeg")},
                             headers={"Authorization": f"Bearer {api.key}"})
    assert passed.status_code == 404 and passed.json()["code"] == "not-found"  # reached the route: no such case
    video = b"\0" * (Settings().evidence_max_bytes + 128 * 1024)
    refused = api.client.post("/api/v1/cases/424242/evidence", files={"file": ("clip.mp4", video, "video/mp4")},
                              headers={"Authorization": f"Bearer {api.key}"})
    _assert_too_large(refused)


# --- a real server: a 300 MB body does not make it grow ----------------------------------------

HUGE = 300 * MB


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


_SERVE = """
import sys, uvicorn
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.settings import Settings
url, port = sys.argv[1], int(sys.argv[2])
uvicorn.run(create_app(Database(url), settings=Settings(database_url=url)), host="127.0.0.1", port=port, log_level="warning")
"""


@pytest.fixture
def server(sqlite_template: str, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The API served by uvicorn in a process of its own; yields (pid, port)."""
    path = tmp_path / "shop.db"
    shutil.copyfile(sqlite_template, path)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen([sys.executable, "-c", _SERVE, f"sqlite:///{path}", str(port)], env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield process.pid, port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _send_huge(port: int, chunked: bool) -> tuple[int, bytes]:
    """POST a 300 MB body made by a generator, 1 MB at a time, until the server answers; its status and body."""
    def body() -> Iterator[bytes]:
        piece = b" " * MB
        for _ in range(HUGE // MB):
            yield piece

    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {HUGE}"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = f"POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
        sock.sendall(head.encode())
        for piece in body():
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there: stop sending
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    head, _, content = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), content


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_a_300_mb_body_is_refused_without_the_server_growing(server: tuple[int, int], chunked: bool) -> None:
    pid, port = server
    assert _send_huge(port, chunked=False)[0] == 413  # warm up: every module loaded, the first request served
    before = _rss_kb(pid)
    status, content = _send_huge(port, chunked)
    after = _rss_kb(pid)
    assert status == 413 and b"body-too-large" in content
    assert after - before < 50 * 1024, f"the server grew from {before} kB to {after} kB"
