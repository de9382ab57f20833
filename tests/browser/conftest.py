"""Fixtures and helpers of the browser tests: a real `streamlit run` server driven by a real headless
Chromium (Debian's, via Playwright).

Every request that leaves the machine is blocked and recorded; the test fails if the page asked
for one (newsrooms run this behind firewalls)."""
from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from bench.browser import block_external

from ..conftest import ROOT
from ..dashboard_data import build_dashboard_db
from ..services import free_port

CHROMIUM = "/usr/bin/chromium"


@contextlib.contextmanager
def _serve(db: Path | str, log: Path, **env_extra: str):
    port = free_port()
    env = {**os.environ, "MEDIA_DB": str(db), **env_extra}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("streamlit did not start:\n" + log.read_text(errors="replace")) from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _need_chromium() -> None:
    if os.environ.get("MEDIA_BROWSER_SKIP"):  # scripts/test.sh could not install chromium, and says why
        pytest.skip(os.environ["MEDIA_BROWSER_SKIP"])
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI; .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="package")
def dash_db(tmp_path_factory) -> Path:
    return build_dashboard_db(tmp_path_factory.mktemp("browser") / "dash.duckdb")


@pytest.fixture(scope="package")
def server(tmp_path_factory, dash_db):
    _need_chromium()
    with _serve(dash_db, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="package")
def slow_server(tmp_path_factory, dash_db):
    """The same app, each rerun held 2 s after it read its filters (as on a slow warehouse)."""
    _need_chromium()
    with _serve(dash_db, tmp_path_factory.mktemp("log") / "slow.log", MEDIA_TEST_RERUN_DELAY="2") as url:
        yield url


@pytest.fixture
def browser_pages():
    """Open pages of the app in one headless Chromium; every request off 127.0.0.1 is blocked and
    recorded, and the test fails if there was one."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    opened = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})

        external = block_external(context)

        def open_page(url: str, ready: str = "Matching articles"):
            pg = context.new_page()
            pg.goto(url)
            pg.get_by_text(ready).first.wait_for(timeout=60_000)
            _wait_for_rerun(pg)
            opened.append(pg)
            return pg

        yield open_page
        screenshot = os.environ.get("DASHBOARD_SCREENSHOT")
        if screenshot and opened:
            opened[0].screenshot(path=screenshot, full_page=True)
        browser.close()
    assert external == [], f"the page asked for external resources: {external}"


@pytest.fixture
def page(server, browser_pages):
    return browser_pages(server)


def _wait_for_rerun(pg):
    pg.wait_for_timeout(300)
    pg.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30_000)
    pg.wait_for_timeout(500)


def _pick_actor(page, typed: str, name: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stMultiSelect").first.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=name).first.click()
    page.keyboard.press("Escape")


def _download(page, button: str, tmp_path: Path) -> tuple[str, list[dict]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return info.value.suggested_filename, list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _type_into(page, label: str, text: str) -> None:
    box = page.get_by_label(label)
    box.click()
    box.fill(text)
    page.keyboard.press("Control+Enter")  # a text area commits on Ctrl+Enter (or on leaving it)
    _wait_for_rerun(page)
