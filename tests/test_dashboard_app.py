"""The Streamlit app under streamlit.testing (no browser): filters change what is shown."""
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.queries import Filters

from .dashboard_data import build_dashboard_db

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def dash_db(tmp_path, monkeypatch):
    db = build_dashboard_db(tmp_path / "dash.duckdb")
    monkeypatch.setenv("MEDIA_DB", str(db))
    return db


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def titles(at: AppTest) -> list[str]:
    """The titles in the articles table (an escaped HTML table)."""
    import html
    import re

    [table] = [h for h in at.get("html") if 'class="articles"' in h.proto.body]
    return [html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r'class="title">(.*?)</td>', table.proto.body)]


def test_everything_shows_without_filters(dash_db):
    at = run_app()
    assert [s.value for s in at.subheader] == ["Over time: topics, actors, countries", "Matching articles"]
    assert len(titles(at)) == 3
    assert at.sidebar.date_input(key="dates").value == (date(2024, 11, 28), date(2025, 6, 10))
    # one figure, a panel per chart, each panel titled with its top N of how many
    [chart] = at.get("plotly_chart")
    import json
    panels = [a["text"] for a in json.loads(chart.proto.spec)["layout"]["annotations"]]
    assert [t.split(":")[0] for t in panels] == ["Topics", "Actors (people and organisations)", "Countries"]
    assert all(" of " in t and "per " in t for t in panels)
    assert [b.label for b in at.get("download_button")] == [
        "Download topics data (CSV)", "Download actors data (CSV)", "Download countries data (CSV)",
        "Download all 3 articles (CSV)"]


def test_actor_filter(dash_db):
    at = run_app()
    at.sidebar.multiselect(key="actor").select("Wang Xiaohong").run()
    assert sorted(titles(at)) == [
        "Tiongkok dan Interpol Bertekad Perkuat Kerja Sama Penegakan Hukum",
        "Wang Xiaohong Terima Kunjungan Kapolri di Beijing",
    ]


def test_actor_and_date_filter(dash_db):
    at = run_app()
    at.sidebar.multiselect(key="actor").select("Wang Xiaohong").run()
    at.sidebar.date_input(key="dates").set_value((date(2025, 1, 1), date(2025, 6, 10))).run()
    assert titles(at) == ["Wang Xiaohong Terima Kunjungan Kapolri di Beijing"]


def test_trending_sidebar_filter(dash_db):
    at = run_app()
    at.sidebar.radio(key="where").set_value("Trending sidebar").run()
    at.sidebar.multiselect(key="actor").select("Armuji").run()
    # The trending view lists the headlines themselves, not the pages they sat beside.
    (table,) = [d.value for d in at.dataframe if "headline" in d.value.columns]
    assert table["headline"].tolist() == ["Calon Wakil Wali Kota Armuji Sebut Warga Surabaya Cerdas Gunakan Hak Pilih"]
    assert table[["pages", "best_rank", "days"]].values.tolist() == [[1, 3, 1]]
    assert "Matching articles" in [s.value for s in at.subheader]
    assert not [h for h in at.get("html") if 'class="articles"' in h.proto.body]


def test_empty_state_says_why(dash_db):
    at = run_app()
    at.sidebar.multiselect(key="actor").select("Harda Kiswaya").run()
    at.sidebar.date_input(key="dates").set_value((date(2025, 6, 1), date(2025, 6, 10))).run()
    messages = " ".join(i.value for i in at.info)
    assert "Harda Kiswaya" in messages and "2025-06-01" in messages
    assert not [h for h in at.get("html") if 'class="articles"' in h.proto.body]


def test_missing_warehouse_explains(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_DB", str(tmp_path / "none.duckdb"))
    at = run_app()
    assert "No warehouse" in at.info[0].value


def test_chart_query_counts_items(dash_db):
    f = Filters(actors=("Wang Xiaohong",), start=date(2024, 1, 1), end=date(2025, 12, 31), sources=("article",))
    countries = queries.mentions_over_time(dash_db, f, ("country",))
    by_day = {(r.period.isoformat()[:10], r.entity_code): r.items for r in countries.itertuples()}
    assert by_day[("2024-11-28", "CN")] == 1
    assert by_day[("2025-06-10", "CN")] == 1
    assert ("2025-05-05", "VN") not in by_day  # the Sleman page does not mention Wang
    monthly = queries.mentions_over_time(dash_db, Filters(interval="month", start=date(2025, 5, 1), end=date(2025, 6, 30)), ("country",))
    assert set(monthly["period"].astype(str).str[:10]) == {"2025-05-01", "2025-06-01"}


def test_stories_count_syndicated_copies_once(tmp_path, monkeypatch):
    import csv

    from etl.load import load_paths

    body = ("Menteri ESDM Bahlil Lahadalia mencabut empat izin usaha pertambangan di Raja Ampat, Papua Barat "
            "Daya. Bahlil Lahadalia menyebut sebagian lahan masuk kawasan Geopark yang dilindungi undang-undang.")
    path = tmp_path / "copies.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["judul", "isi", "tanggal", "sumber", "url"])
        w.writerow(["Bahlil Cabut Empat IUP di Raja Ampat", body, "2025-06-10", "republika.co.id", "https://republika.co.id/b/1"])
        w.writerow(["Bahlil Cabut Empat IUP di Raja Ampat", body, "2025-06-10", "antaranews.com", "https://antaranews.com/b/2"])
        # Another day, so that the page charts (a one-day warehouse shows its contents instead).
        w.writerow(["Sultan Buka Pameran Batik", "Sri Sultan Hamengku Buwono X membuka pameran batik di Yogyakarta.",
                    "2025-06-12", "krjogja.com", "https://krjogja.com/c/3"])
    db = tmp_path / "stories.duckdb"
    load_paths([path], db=db, progress=False)
    monkeypatch.setenv("MEDIA_DB", str(db))
    at = run_app()
    at.sidebar.multiselect(key="actor").select("Bahlil Lahadalia").run()
    f = Filters(actors=("Bahlil Lahadalia",))
    assert queries.mentions_over_time(db, f, ("person",))["items"].max() == 2
    assert queries.mentions_over_time(db, Filters(actors=("Bahlil Lahadalia",), count="stories"), ("person",))["items"].max() == 1
    at.sidebar.radio(key="count").set_value("Stories").run()
    assert not at.exception
    assert len(titles(at)) == 2  # the article list still shows both copies


def test_a_seed_only_warehouse_shows_what_it_holds(tmp_path, monkeypatch):
    from etl.load import load_paths

    from .conftest import SEEDS

    db = tmp_path / "seed.duckdb"
    load_paths([SEEDS], db=db, progress=False)
    monkeypatch.setenv("MEDIA_DB", str(db))
    at = run_app()
    assert not at.get("plotly_chart")  # no chart of one point
    assert "python -m etl load" in at.info[0].value
    assert [s.value for s in at.subheader] == ["Tiongkok dan Interpol Bertekad Perkuat Kerja Sama Penegakan Hukum"]
    found = dict(at.dataframe[0].value.values.tolist())
    assert "Wang Xiaohong" in found["People"] and "Interpol" in found["Organisations"]
    assert "Tiongkok" in found["Countries"] and found["Topics"] != "none"
    trending = at.dataframe[1].value
    assert trending["rank"].tolist() == [1, 2, 3, 4, 5]
    assert "Armuji" in trending["headline"][2]


def test_a_damaged_warehouse_gives_a_short_message_without_a_traceback_or_a_server_path(tmp_path, monkeypatch):
    """A damaged snapshot showed DuckDB's traceback and the server's paths in the page (issue 22)."""
    import warehouse

    db = build_dashboard_db(tmp_path / "dash.duckdb")
    snap = warehouse.snapshot_path(db)
    snap.write_bytes(b"this is not a DuckDB file" * 1000)
    monkeypatch.setenv("MEDIA_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "cannot be shown" in shown or "cannot be read" in shown, shown
    assert str(tmp_path) not in shown
    import tomllib

    config = tomllib.loads((Path(APP).parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_a_links_unusable_settings_are_named_and_a_reversed_range_is_read_forwards(dash_db):
    """`?actor=NoSuchPerson`, `?top=100000`, `?interval=foo`, `?dates=9999-99-99`, an unknown outlet were
    dropped without a word, and a reversed range gave "Nothing found" (issue 22)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["top"] = "100000"
    at.query_params["interval"] = "foo"
    at.query_params["actor"] = ["NoSuchPerson", "Wang Xiaohong"]
    at.query_params["outlet"] = "no-such-outlet.test"
    at.query_params["dates"] = ["2025-06-10", "2024-11-28"]
    at.run()
    assert not at.exception
    [notice] = [w.value.replace("\\", "") for w in at.warning]
    for said in ("top=100000", "interval=foo", "actor=NoSuchPerson", "outlet=no-such-outlet.test"):
        assert said in notice, notice
    assert "Wang Xiaohong" not in notice
    assert any("given end first" in c.value for c in at.sidebar.caption)
    assert len(titles(at)) > 0  # the range read forwards finds the articles
    at.sidebar.selectbox(key="top").select(20).run()
    assert not at.warning  # gone once the person changes a filter

    bad_day = AppTest.from_file(APP, default_timeout=60)
    bad_day.query_params["dates"] = "9999-99-99"
    bad_day.run()
    assert any("dates=9999-99-99" in w.value.replace("\\", "") for w in bad_day.warning)


def test_the_search_pages_tables_name_their_column_in_the_singular():
    from dashboard.views.search import KIND_TITLES, ONE_OF

    assert [ONE_OF[title] for _, title in KIND_TITLES] == ["Person", "Organisation", "Country", "Topic"]
