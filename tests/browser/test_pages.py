"""Each page of the dashboard in a real browser, its CSV checked against the warehouse."""
from __future__ import annotations

import os

import pytest

from dashboard import geometry

from .conftest import (
    _download,
    _pick_actor,
    _rows,
    _type_into,
    _wait_for_rerun,
)

pytestmark = pytest.mark.browser


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
    pytest.importorskip("playwright.sync_api").expect(again.get_by_label("Queries, one per line (up to 5, each its own series)")).to_have_value(
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


def test_a_shared_links_unusable_settings_are_named_and_kept_in_the_url(server, browser_pages):
    """`?top=100000&interval=foo&actor=NoSuchPerson` were dropped and the URL rewritten, so the person
    who opened the link saw the whole corpus with no word about it (issue 22)."""
    page = browser_pages(server + "/?top=100000&interval=foo&actor=NoSuchPerson&actor=Wang+Xiaohong",
                         ready="Matching articles")
    notice = page.get_by_text("This link asked for settings that cannot be used here")
    notice.wait_for(timeout=30_000)
    said = notice.inner_text()
    assert "top=100000" in said and "interval=foo" in said and "actor=NoSuchPerson" in said
    _wait_for_rerun(page)
    assert "unused=" in page.url and "Wang" in page.url, page.url


def test_a_damaged_search_index_gives_a_short_message_not_a_traceback(tmp_path, browser_pages):
    """A damaged search index showed tantivy's traceback with the server's paths in the page (issue 22)."""
    from tests.dashboard_data import build_dashboard_db

    from .conftest import _need_chromium, _serve

    _need_chromium()
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    index = tmp_path / "dash.duckdb.search"
    for f in index.iterdir():
        if f.name != "meta.json" and f.is_file():
            f.write_bytes(b"\x00damaged" * 64)
    (index / "meta.json").write_text('{"segments": [ not json', encoding="utf-8")
    with _serve(db, tmp_path / "serve.log") as url:
        page = browser_pages(url + "/search?q=interpol", ready="Indonesian media monitor")
        page.get_by_text("cannot be shown").first.wait_for(timeout=30_000)
        text = page.inner_text("body")
    assert "Traceback" not in text and str(tmp_path) not in text, text[:2000]
