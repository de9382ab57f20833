"""A real `streamlit run` server driven by a real headless Chromium (Debian's, via Playwright).

Every request that leaves the machine is blocked and recorded; the test fails if the page asked
for one (newsrooms run this behind firewalls)."""
from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT
from .dashboard_data import build_dashboard_db

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI; .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    db = build_dashboard_db(tmp_path_factory.mktemp("browser") / "dash.duckdb")
    port = _free_port()
    env = {**os.environ, "MEDIA_DB": str(db)}
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
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
                    raise RuntimeError("streamlit did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def page(server, tmp_path):
    external: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})

        def guard(route):
            host = urlsplit(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost"}:
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        pg = context.new_page()
        pg.goto(server)
        pg.get_by_text("Matching articles").wait_for(timeout=60_000)
        yield pg
        screenshot = os.environ.get("DASHBOARD_SCREENSHOT")
        if screenshot:
            pg.screenshot(path=screenshot, full_page=True)
        browser.close()
    assert external == [], f"the page asked for external resources: {external}"


def _wait_for_rerun(pg):
    pg.wait_for_timeout(300)
    pg.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30_000)
    pg.wait_for_timeout(500)


def test_filter_by_actor_and_dates_then_download_csv(page, tmp_path):
    sidebar = page.get_by_test_id("stSidebar")
    actor_box = sidebar.get_by_test_id("stMultiSelect").first
    actor_box.click()
    page.keyboard.type("Wang Xiao")
    page.get_by_role("option", name="Wang Xiaohong").first.click()
    page.keyboard.press("Escape")
    _wait_for_rerun(page)

    # Streamlit's date range is a react-aria field: one spin button per year, month and day.
    for segment, value in (("year", "2025"), ("month", "01"), ("day", "01")):
        sidebar.get_by_role("spinbutton", name=f"{segment}, Date range start date").click()
        page.keyboard.type(value)
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Indonesian media monitor").click()  # blur commits the range
    page.get_by_text("Showing items mentioning Wang Xiaohong from 2025-01-01").wait_for(timeout=30_000)
    _wait_for_rerun(page)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download countries data (CSV)").click()
    path = tmp_path / "countries.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows, "the downloaded CSV is empty"
    assert {r["period"] for r in rows} == {"2025-06-10"}
    assert {(r["entity"], r["entity_code"], r["items"]) for r in rows} == {("Tiongkok", "CN", "1")}

    table_text = page.get_by_test_id("stDataFrame").inner_text()
    assert "Wang Xiaohong Terima" in table_text or page.get_by_test_id("stDataFrame").count() == 1
