"""Helpers the browser tests share: login, screenshots, htmx settling and files to upload.

They live here, not in conftest.py: ``from conftest import`` picks whichever conftest module
pytest imported first when several test folders run together.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from openpyxl import Workbook
from playwright.sync_api import Page

from comexlab.settings import Settings

PASSWORD = "browser-pass-1"
# Screenshots go to a scratch folder on every run (so a test run never rewrites tracked files);
# `COMEXLAB_SCREENSHOTS=docs/screenshots make test` refreshes the ones the README shows.
SCREENSHOTS = Path(os.environ.get("COMEXLAB_SCREENSHOTS", "")
                   or Path(tempfile.gettempdir()) / "comexlab-screenshots")

FIRM_HEADER = ["rfc", "legal_name", "state_code", "municipality_code", "employees", "activity",
               "chain_role", "sectors", "processes", "exporter", "export_destinations",
               "website", "is_demo"]
_TAIL = ["industry", None, None, None, "no", None, None, "no"]


def XLSX_BAD_ROWS() -> bytes:
    """A firms sheet: one good row (row 2) and three bad ones (rows 3–5)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "firms"
    ws.append(FIRM_HEADER)
    ws.append(["TME140101AB1", "Troqueles Modelo SA de CV", "11", "020", 40, *_TAIL])
    ws.append(["NOT-AN-RFC", "Mala 1", "11", "020", 10, *_TAIL])
    ws.append(["BBB140101AB2", "Mala 2", "99", None, 10, *_TAIL])
    ws.append(["CCC140101AB3", "Mala 3", "14", None, -5, *_TAIL])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page: Page, name: str) -> None:
    """Save a screenshot of the visible page for docs/ (PNG, viewport only: small files)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def settle(page: Page) -> None:
    """Wait until no htmx request, swap or settle is in progress."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.wait_for_load_state("networkidle")


@dataclass(frozen=True)
class Server:
    url: str
    firm_id: int
    settings: Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app on these files, served on a free loopback port (its URL) until the block ends.

    A second ``serve`` on the same files is a restarted server: a fresh app, no jobs in memory.
    """
    from comexlab.web.app import create_app

    port = _free_port()
    app = create_app(settings)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("web server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
