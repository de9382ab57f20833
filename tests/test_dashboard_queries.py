"""The dashboard's counting rules on small real warehouses: trending items, empty periods, shares,
totals, undated articles, the picker and download names."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import queries
from dashboard.downloads import file_name
from dashboard.queries import Filters
from etl.load import load_paths

from .dashboard_data import build_dashboard_db

HEADLINE = "Calon Wakil Wali Kota Armuji Sebut Warga Surabaya Cerdas Gunakan Hak Pilih"


def _page(title: str, body: str, trending: list[str]) -> str:
    items = "\n".join(f"- {i} {h}" for i, h in enumerate(trending, 1))
    return f"{title}\n{body}\nBerita Trending\n{items}\n"


@pytest.fixture
def sidebar_db(tmp_path: Path) -> Path:
    """20 pages of one outlet fetched on one day, each with the same trending headline (at ranks 1-3),
    and 3 pages of another day with another headline."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(23):
        day = "2025-06-20" if i < 20 else "2025-06-22"
        headline = HEADLINE if i < 20 else "Sri Sultan Hamengku Buwono X Resmikan Jembatan Baru di Bantul"
        rank_first = ["Cuaca Hari Ini Cerah", "Harga Beras Turun"][: i % 3]
        text = _page(
            f"Bupati Sleman Harda Kiswaya Tinjau Pasar ke-{i}",
            f"Sleman - Bupati Sleman Harda Kiswaya meninjau pasar nomor {i} pada hari ini bersama warga.",
            rank_first + [headline.replace("Sebut", "sebut") if i % 2 else headline],
        )
        (pages / f"p{i}.txt").write_text(text, encoding="utf-8")
        meta = {"url": f"https://example.test/p/{i}", "outlet": "example.test", "fetched_at": f"{day}T20:00:00+07:00"}
        (pages / f"p{i}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    db = tmp_path / "sidebar.duckdb"
    report = load_paths([pages], db=db, progress=False)
    assert report.added == 23
    return db


def test_one_headline_on_twenty_pages_is_one_trending_item(sidebar_db):
    f = Filters(actors=("Armuji",), start=date(2025, 6, 20), end=date(2025, 6, 22), sources=("trending",), interval="day")
    data = queries.chart(sidebar_db, f, ("person",)).data
    armuji = data[data["entity"] == "Armuji"].set_index("period")["items"]
    assert armuji.tolist() == [1, 0, 0]  # one item on the 20th, none after
    headlines, total = queries.trending_headlines(sidebar_db, f)
    assert total == 1
    row = headlines.iloc[0]
    assert (row["outlet"], row["pages"], row["best_rank"], row["days"]) == ("example.test", 20, 1, 1)
    assert (str(row["first_seen"])[:10], str(row["last_seen"])[:10]) == ("2025-06-20", "2025-06-20")
    ov = queries.overview(sidebar_db)
    # 45 sidebar entries; 3 distinct headlines on the 20th and 3 on the 22nd
    assert ov["trending_entries"] == 45 and ov["trending_items"] == 6
    con = duckdb.connect(str(sidebar_db), read_only=True)
    assert con.execute("SELECT items FROM entities WHERE entity = 'Armuji'").fetchone() == (1,)
    assert con.execute("SELECT count(DISTINCT item_id) FROM mention_events WHERE entity = 'Armuji'").fetchone() == (1,)
    con.close()


def test_empty_periods_are_zero_and_shares_add_up(tmp_path):
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    f = Filters(start=date(2024, 11, 1), end=date(2025, 6, 30), interval="month", measure="share")
    chart = queries.chart(db, f, ("country",))
    data = chart.data
    months = sorted(data["period"].astype(str).str[:10].unique())
    assert months == [f"{y}-{m:02d}-01" for y, m in [(2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3),
                                                        (2025, 4), (2025, 5), (2025, 6)]]
    # every entity has a row in every month, 0 where nothing was said
    assert len(data) == len(months) * data["entity"].nunique()
    assert (data[data["period"].astype(str).str[:7] == "2025-02"]["items"] == 0).all()
    # the share's base is every article of the period, whatever it mentions
    con = duckdb.connect(str(db), read_only=True)
    per_month = dict(con.execute("""
        SELECT strftime(date_trunc('month', published_date), '%Y-%m-01'), count(*) FROM articles GROUP BY 1
    """).fetchall())
    con.close()
    for row in data.itertuples():
        assert row.all_items == per_month.get(str(row.period)[:10], 0)
        expected = round(100 * row.items / row.all_items, 3) if row.all_items else 0.0
        assert row.share == pytest.approx(expected)
    assert data.loc[data["items"] > 0, "share"].gt(0).all()
    assert chart.entities == data["entity"].nunique()


def test_interval_follows_the_range():
    assert queries.auto_interval(date(2025, 1, 1), date(2025, 3, 31)) == "day"
    assert queries.auto_interval(date(2025, 1, 1), date(2026, 6, 30)) == "week"
    assert queries.auto_interval(date(2015, 1, 1), date(2026, 6, 30)) == "month"


def test_top_n_and_the_count_of_all(tmp_path):
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    f = Filters(start=date(2024, 11, 1), end=date(2025, 6, 30), interval="month")
    every = queries.chart(db, f, ("person", "organization"), top=50)
    two = queries.chart(db, f, ("person", "organization"), top=2)
    assert two.data["entity"].nunique() == 2 and two.entities == every.entities > 2


def test_articles_total_paging_and_undated(tmp_path):
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    f = Filters(start=date(2024, 11, 1), end=date(2025, 6, 30))
    assert queries.count_matching_articles(db, f) == 3
    first = queries.matching_articles(db, f, limit=2)
    second = queries.matching_articles(db, f, limit=2, offset=2)
    assert len(first) == 2 and len(second) == 1
    assert set(first["title"]).isdisjoint(second["title"])
    con = duckdb.connect(str(db))
    con.execute("UPDATE articles SET published_date = NULL WHERE title LIKE 'Wang%'")
    con.execute("UPDATE mentions SET event_date = NULL WHERE article_id IN (SELECT article_id FROM articles WHERE published_date IS NULL)")
    con.close()
    assert queries.count_matching_articles(db, f) == 2
    assert queries.count_matching_articles(db, Filters(start=f.start, end=f.end, undated=True)) == 3
    wang = Filters(actors=("Wang Xiaohong",), start=f.start, end=f.end)
    assert queries.count_matching_articles(db, wang) == 1
    assert queries.count_matching_articles(db, Filters(actors=wang.actors, start=f.start, end=f.end, undated=True)) == 2
    ov = queries.overview(db)
    assert ov["undated"] == 1 and ov["articles"] == 3


def test_odd_dates_are_left_out_of_the_default_range(tmp_path):
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    con = duckdb.connect(str(db))
    # a page that claims a date after the day it was fetched
    con.execute("UPDATE articles SET published_date = DATE '2031-01-01' WHERE title LIKE 'Wang%'")
    con.close()
    ov = queries.overview(db)
    assert ov["odd_dates"] == 1
    assert ov["last"] < date(2031, 1, 1) and ov["max_date"] == date(2031, 1, 1)
    # the article itself carries the flag, in the table and its download
    page, total = queries.article_page(db, Filters(start=date(2024, 1, 1), end=date(2031, 12, 31)))
    flags = dict(zip(page["title"], page["date_flag"]))
    assert flags["Wang Xiaohong Terima Kunjungan Kapolri di Beijing"] == "after its fetch"
    assert sum(isinstance(v, str) for v in flags.values()) == 1 and total == 3
    from dashboard.tables import articles_html

    assert "after its fetch" in articles_html(page)


def test_picker_ranks_by_mentions_and_finds_by_prefix_then_word(sidebar_db, tmp_path):
    options = queries.actor_options(sidebar_db, min_items=1)
    assert options["items"].is_monotonic_decreasing
    assert options.iloc[0]["entity"] == "Harda Kiswaya"  # on all 23 pages
    assert "Armuji" not in queries.actor_options(sidebar_db, min_items=2)["entity"].tolist()
    assert "Armuji" in queries.actor_options(sidebar_db, min_items=2, include=("Armuji",))["entity"].tolist()
    found = queries.search_actors(sidebar_db, "kisw")
    assert found.iloc[0]["entity"] == "Harda Kiswaya"
    assert queries.search_actors(sidebar_db, "harda")["how"].iloc[0] == 0
    assert queries.search_actors(sidebar_db, "kiswaya")["how"].iloc[0] == 1


def test_file_names_carry_the_filters():
    f = Filters(actors=("Wang Xiaohong", "Kapolri"), start=date(2025, 1, 1), end=date(2025, 6, 10),
                sources=("article",), interval="week", measure="share", top=5)
    assert file_name("actors", f, "week") == "actors_2025-01-01_2025-06-10_wang-xiaohong+kapolri_article_share_week_top5.csv"
    g = Filters(start=date(2025, 1, 1), end=date(2025, 6, 10), sources=("article", "trending"), count="stories",
                outlets=("krjogja.com",), undated=True)
    assert file_name("articles", g) == "articles_2025-01-01_2025-06-10_with-undated_all-actors_krjogja-com_article+trending_stories.csv"


def test_the_daily_rollup_gives_what_counting_mentions_gives(sidebar_db, tmp_path):
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    groups = {"topics": ("topic",), "actors": ("person", "organization"), "countries": ("country",)}
    for where, f in [
        (db, Filters(start=date(2024, 11, 1), end=date(2025, 6, 30), interval="week")),
        (db, Filters(start=date(2025, 5, 1), end=date(2025, 6, 30), interval="day", outlets=("example.test",), measure="share")),
        (sidebar_db, Filters(start=date(2025, 6, 20), end=date(2025, 6, 22), sources=("article", "trending"), interval="day")),
        (sidebar_db, Filters(start=date(2025, 6, 20), end=date(2025, 6, 22), sources=("trending",), interval="day")),
    ]:
        fast = queries.charts(where, f, groups, rollup=True)
        slow = queries.charts(where, f, groups, rollup=False)
        for g in groups:
            assert fast[g].entities == slow[g].entities
            assert fast[g].data.equals(slow[g].data), g


def test_the_articles_table_escapes_text_and_links_only_web_addresses():
    import pandas as pd

    from dashboard.tables import articles_html

    rows = pd.DataFrame({
        "date": [date(2025, 6, 10), None],
        "outlet": ["<b>x</b>", "**y**"],
        "title": ["Tom & Jerry <script>alert(1)</script>", "Klik"],
        "url": ["https://example.test/a?b=1&c=2", "javascript:alert(1)"],
    })
    out = articles_html(rows)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert '<a href="https://example.test/a?b=1&amp;c=2"' in out
    assert "javascript:" not in out and ">Klik</td>" in out
    assert ">2025-06-10<" in out and ">undated<" in out


def test_outlet_names_reach_plotly_escaped_and_never_inside_a_hovertemplate():
    """The Outlets page put outlet names into plotly raw: `<a href>` became a link, `<b>` rendered and
    `%{x}` in a name landed in px's hovertemplate as a placeholder (issue 22)."""
    import pandas as pd

    from dashboard.figures import outlet_share_figure, outlets_figure

    odd = '<a href="http://x.test">evil</a><b>%{x}</b>'
    per = pd.DataFrame({"period": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"] * 2),
                        "outlet": [odd] * 3 + ["kompas.com"] * 3, "items": [1, 2, 3, 4, 5, 6]})
    totals = pd.DataFrame({"outlet": [odd, "kompas.com"], "items": [6, 15], "outlet_items": [10, 20],
                           "share_of_outlet": [60.0, 75.0], "share_of_selection": [28.6, 71.4]})
    for fig in (outlets_figure(per, [odd, "kompas.com"], "items", "articles", False), outlet_share_figure(totals)):
        spec = fig.to_plotly_json()
        texts = [t.get("name") or "" for t in spec["data"]] + [str(v) for t in spec["data"]
                                                               for v in list(t.get("y", [])) if isinstance(v, str)]
        assert not any("<a " in t or "<b>" in t for t in texts), texts
        assert any("&lt;b&gt;%{x}&lt;/b&gt;" in t for t in texts)
        assert not any("evil" in (t.get("hovertemplate") or "") for t in spec["data"])


def test_a_download_clicked_with_an_id_a_rerun_dropped_gets_the_buttons_current_file():
    """A rerun drops a download button's previous deferred id as it draws the button again; a click
    the browser sent with the previous id found nothing: no file, no message (issue 22)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from dashboard import downloads

    storage = MemoryMediaFileStorage("/media")
    mgr = MediaFileManager(storage)
    downloads._install_fallback(mgr)
    old = mgr.add_deferred(lambda: b"earlier run", "text/csv", "coord", "a.csv", element_id="button-1")
    downloads._HANDED_OUT[old] = ("dontcare", "button-1")  # what attach_entry records (no session here)
    mgr.remove_deferred("coord", element_id="button-1")  # the rerun draws the button again
    mgr.add_deferred(lambda: b"newest run", "text/csv", "coord", "a.csv", element_id="button-1")
    url = mgr.execute_deferred(old)
    assert storage.get_file(url.rsplit("/", 1)[-1].split(".")[0]).content == b"newest run"
    with pytest.raises(Exception, match="not found"):
        mgr.execute_deferred("never-handed-out")
    # A click that arrives while the rerun has dropped the button and not yet drawn it again waits.
    import threading

    gone = mgr.add_deferred(lambda: b"one more run", "text/csv", "coord", "a.csv", element_id="button-1")
    downloads._HANDED_OUT[gone] = ("dontcare", "button-1")
    mgr.remove_deferred("coord", element_id="button-1")
    later = threading.Timer(0.3, lambda: mgr.add_deferred(lambda: b"drawn again", "text/csv", "coord", "a.csv",
                                                          element_id="button-1"))
    later.start()
    url = mgr.execute_deferred(gone)
    assert storage.get_file(url.rsplit("/", 1)[-1].split(".")[0]).content == b"drawn again"
