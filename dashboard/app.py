"""Streamlit dashboard: topics, actors and countries in the news over time.

Run with `streamlit run dashboard/app.py`; it reads the warehouse named by $MEDIA_DB read-only.
Every filter lives in the page's URL (`?actor=...&dates=...`), so a view can be bookmarked or shared.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import warehouse  # noqa: E402
from dashboard import queries  # noqa: E402
from dashboard.downloads import CsvDownload, LatestView, attach_entry, file_name  # noqa: E402
from dashboard.figures import charts_figure  # noqa: E402
from dashboard.tables import articles_html  # noqa: E402
from dashboard.queries import Filters, WarehouseBusy  # noqa: E402

CHARTS = [
    ("topics", "Topics", ("topic",)),
    ("actors", "Actors (people and organisations)", ("person", "organization")),
    ("countries", "Countries", ("country",)),
]
WHERE_CHOICES = {
    "Article text": ("article",),
    "Trending sidebar": ("trending",),
    "Both": ("article", "trending"),
}
INTERVAL_CHOICES = ["auto", "day", "week", "month"]
TOP_CHOICES = [5, 10, 20, 50]
PICKER_LIMIT = 1000     # options the actor picker sends to the browser (tens of thousands froze it)
PAGE_ROWS = 100         # rows of the articles table per page
# Tests only: seconds each rerun waits after reading its filters, so that a browser test can click a
# button of the previous run while the new one is still computing (what a slow warehouse does).
RERUN_DELAY = float(os.environ.get("MEDIA_TEST_RERUN_DELAY") or 0)
LOAD_HINT = "python -m etl load PATH... (page texts or scraper exports; see the README)"


def _stamp(db: Path) -> float:
    # Part of every cache key, so a finished load shows on the next rerun.
    return db.stat().st_mtime if db.exists() else 0.0


@st.cache_data(ttl=300, show_spinner=False)
def load_overview(db: str, stamp: float) -> dict:
    return queries.overview(db)


@st.cache_data(ttl=300, show_spinner=False)
def load_actor_options(db: str, stamp: float, min_items: int, include: tuple[str, ...]) -> pd.DataFrame:
    return queries.actor_options(db, min_items=min_items, limit=PICKER_LIMIT, include=include)


@st.cache_data(ttl=300, show_spinner=False)
def load_actor_count(db: str, stamp: float, min_items: int) -> int:
    return queries.count_actors(db, min_items)


@st.cache_data(ttl=300, show_spinner=False)
def load_actor_search(db: str, stamp: float, text: str) -> pd.DataFrame:
    return queries.search_actors(db, text)


@st.cache_data(ttl=300, show_spinner=False)
def load_outlets(db: str, stamp: float) -> list[str]:
    return queries.outlet_options(db)


@st.cache_data(ttl=300, show_spinner=False)
def load_charts(db: str, stamp: float, f: Filters) -> dict[str, queries.Chart]:
    return queries.charts(db, f, {key: kinds for key, _, kinds in CHARTS})


@st.cache_data(ttl=300, show_spinner=False)
def load_articles(db: str, stamp: float, f: Filters, limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    return queries.article_page(db, f, limit=limit, offset=offset)


@st.cache_data(ttl=300, show_spinner=False)
def load_trending(db: str, stamp: float, f: Filters) -> tuple[pd.DataFrame, int]:
    return queries.trending_headlines(db, f)


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _latest_view() -> LatestView:
    if "_latest_view" not in st.session_state:
        st.session_state["_latest_view"] = LatestView()
    return st.session_state["_latest_view"]


def actor_picker(db: str, stamp: float) -> tuple[str, ...]:
    """Canonical actors from the registry, most mentioned first; names seen in fewer items than the
    threshold are left out (the threshold is the user's); a search box finds any name or alias."""
    sidebar = st.sidebar
    picker_slot = sidebar.container()  # the picker shows first, but its options need the widgets below
    more = sidebar.expander("Find more actors")
    # A small warehouse offers every name; a large one leaves out names seen once or twice.
    default_min = 1 if load_actor_count(db, stamp, 1) <= PICKER_LIMIT else 3
    min_items = int(more.number_input(
        "Actors seen in at least (items)", min_value=1, max_value=100_000, value=default_min, step=1, key="min",
        bind="query-params", help="Rarely seen names are left out of the picker; set 1 to offer every name.",
    ))
    found = more.text_input(
        "Find any actor", key="find", placeholder="name or alias, e.g. Prabowo, KPK",
        help="Searches every name and alias in the warehouse; matches go first in the Actor picker.",
    )
    # The URL's actors must be among the options, or the bound widget would drop them.
    chosen = tuple(st.session_state.get("actor") or st.query_params.get_all("actor"))
    options = load_actor_options(db, stamp, min_items, chosen)
    if found.strip():
        matches = load_actor_search(db, stamp, found.strip())
        options = pd.concat([matches[["entity", "kind", "items"]], options]).drop_duplicates("entity")
    kinds = dict(zip(options["entity"], options["kind"]))
    counts = dict(zip(options["entity"], options["items"]))
    total = load_actor_count(db, stamp, min_items)
    picked = picker_slot.multiselect(
        "Actor",
        options["entity"].tolist(),
        key="actor",
        bind="query-params",
        placeholder="All actors (type to search)",
        filter_mode="contains",
        select_all=False,
        help=(f"Most mentioned first: the {min(PICKER_LIMIT, total):,} most mentioned of {total:,} people and organisations seen in "
              f"at least {min_items} items; use Find more actors for the rest. Keeps articles or trending items that "
              "mention any of the chosen actors."),
    )
    if picked:
        # The options are plain names (the URL holds them as they are); kinds and counts go here.
        picker_slot.caption(" · ".join(
            f"{e}: {'person' if kinds.get(e) == 'person' else 'organisation'}, {_plural(int(counts.get(e, 0)), 'item')}"
            for e in picked))
    return tuple(picked)


def sidebar_filters(db: str, stamp: float, ov: dict) -> Filters:
    st.sidebar.header("Filters")
    actors = actor_picker(db, stamp)
    default_first, default_last = queries.default_range(ov)
    picked = st.sidebar.date_input(
        "Date range", value=(default_first, default_last), min_value=ov["min_date"], max_value=ov["max_date"],
        key="dates", format="YYYY-MM-DD", bind="query-params",
        help=_date_help(ov),
    )
    start, end = (tuple(picked) + (None, None))[:2] if isinstance(picked, (tuple, list)) else (picked, picked)
    end = end or start
    undated = st.sidebar.checkbox(
        f"Include undated articles ({ov['undated']:,})", key="undated", bind="query-params",
        disabled=not ov["undated"],
        help="Articles without a publish date cannot be placed on a time chart; this adds them to the table and its download.",
    )
    where = st.sidebar.radio("Where the mention is", list(WHERE_CHOICES), key="where", bind="query-params")
    outlets = st.sidebar.multiselect(
        "Outlet", load_outlets(db, stamp), key="outlet", placeholder="All outlets", bind="query-params",
        filter_mode="contains", select_all=False,
    )
    auto = queries.auto_interval(start, end)
    interval = st.sidebar.selectbox(
        "Interval", INTERVAL_CHOICES, key="interval", bind="query-params",
        format_func=lambda i: f"Auto ({auto})" if i == "auto" else i,
    )
    count = st.sidebar.radio(
        "Count", ["Articles", "Stories"], key="count", horizontal=True, bind="query-params",
        help="Stories count syndicated copies of one report (same headline, near-identical text) once.",
    )
    measure = st.sidebar.radio(
        "Show", ["Count", "Share"], key="measure", horizontal=True, bind="query-params",
        help="Share: per cent of all articles (or trending items) of the period, from the same outlets.",
    )
    top = st.sidebar.selectbox("Entities per chart", TOP_CHOICES, index=1, key="top", bind="query-params")
    return Filters(
        actors=actors, start=start, end=end, sources=WHERE_CHOICES[where],
        interval=auto if interval == "auto" else interval, outlets=tuple(outlets), count=count.lower(),
        measure=measure.lower(), top=int(top), undated=bool(undated),
    )


def _date_help(ov: dict) -> str:
    bits = []
    if ov.get("stray"):
        bits.append(f"{_plural(ov['stray'], 'article')} dated before {ov['default_first']:%Y-%m-%d} "
                    "(stray dates far from the rest) are outside the default range")
    if ov.get("odd_dates"):
        bits.append(f"{_plural(ov['odd_dates'], 'article')} dated before {queries.EARLIEST_PLAUSIBLE.year} "
                    "or after the day they were fetched are left out of it")
    return "; ".join(bits) + ("; widen the range to include them." if bits else "")


def describe(f: Filters) -> str:
    bits = []
    if f.actors:
        bits.append("mentioning " + ", ".join(f.actors))
    if f.start:
        bits.append(f"from {f.start:%Y-%m-%d} to {(f.end or f.start):%Y-%m-%d}")
    if f.undated:
        bits.append("(and undated articles)")
    bits.append("in " + " and ".join(queries.SOURCES[s].lower() for s in f.sources))
    if f.outlets:
        bits.append("from " + ", ".join(f.outlets))
    return " ".join(bits)


def _unit(f: Filters) -> str:
    if f.sources == ("trending",):
        return "trending items"
    if f.sources == ("article",):
        return "stories" if f.count == "stories" else "articles"
    return "items"


def download(label: str, key: str, view: LatestView, f: Filters, make, name) -> None:
    dl = CsvDownload(view=view, filters=f, make=make, name=name)
    st.download_button(label, data=dl, file_name=name(f), mime="text/csv", key=key, on_click="ignore")
    attach_entry(dl)


def charts_section(db: str, results: dict[str, queries.Chart], f: Filters, view: LatestView) -> None:
    """The three charts as one figure (one chart instance draws much faster than three), then a
    download per chart."""
    st.subheader("Over time: topics, actors, countries")
    if all(results[key].data.empty for key, _, _ in CHARTS):
        st.info(f"Nothing found in items {describe(f)}.")
        return
    panels = [(title, results[key]) for key, title, _ in CHARTS]
    fig = charts_figure(panels, _unit(f), f.measure == "share")
    st.plotly_chart(fig, key="charts", config={"displaylogo": False})
    st.caption("Periods without any are drawn as 0. Each download holds its panel's rows: period, kind, "
               "entity, entity_code, items, all_items (every item of the period) and share (per cent).")
    for column, (key, title, kinds) in zip(st.columns(len(CHARTS)), CHARTS):
        interval = results[key].interval
        with column:
            download(
                f"Download {title.split(' (')[0].lower()} data (CSV)", f"download_{key}", view, f,
                make=lambda g, kinds=kinds: queries.chart(db, g, kinds).data,
                name=lambda g, key=key, interval=interval: file_name(key, g, g.interval or interval),
            )


def articles_section(db: str, stamp: float, f: Filters, view: LatestView) -> None:
    st.subheader("Matching articles")
    if "article" not in f.sources:
        st.caption("Trending sidebar only: the trending headlines above are what matches.")
        return
    key = f"page_{abs(hash(f)) % 10**12}"  # by filters: new filters start again at page 1
    page = int(st.session_state.get(key) or 1)
    first = (page - 1) * PAGE_ROWS
    articles, total = load_articles(db, stamp, f, PAGE_ROWS, first)
    if not total:
        st.info(f"No articles {describe(f)}.")
        return
    pages = max(1, -(-total // PAGE_ROWS))
    if pages > 1:
        st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1, key=key)
    st.caption(f"{_plural(total, 'article')} match; showing {first + 1:,}-{first + len(articles):,}, newest first"
               + (" (undated last)." if f.undated else "."))
    st.html(articles_html(articles))
    limit = queries.ARTICLES_DOWNLOAD_LIMIT
    label = (f"Download all {total:,} articles (CSV)" if total <= limit
             else f"Download the newest {limit:,} of {total:,} articles (CSV)")
    download(label, "download_articles", view, f,
             make=lambda g: queries.matching_articles(db, g, limit=limit),
             name=lambda g: file_name("articles", g))


def trending_section(db: str, stamp: float, f: Filters, view: LatestView) -> None:
    st.subheader("Trending headlines")
    headlines, total = load_trending(db, stamp, f)
    if not total:
        st.info(f"No trending headlines {describe(f)}.")
        return
    st.caption(f"{_plural(total, 'headline')} of outlets' trending sidebars match"
               + (f"; the {len(headlines)} seen on most days are listed" if total > len(headlines) else "")
               + ". A headline counts once per outlet and day, however many pages it sat beside.")
    st.dataframe(
        headlines, hide_index=True, key="trending_table",
        column_config={
            "outlet": "Outlet",
            "headline": st.column_config.TextColumn("Headline", width="large"),
            "first_seen": st.column_config.DateColumn("First seen", format="YYYY-MM-DD"),
            "last_seen": st.column_config.DateColumn("Last seen", format="YYYY-MM-DD"),
            "days": "Days", "pages": "Pages", "best_rank": "Best rank",
        },
    )
    download("Download trending headlines (CSV)", "download_trending", view, f,
             make=lambda g: queries.trending_headlines(db, g, limit=queries.ARTICLES_DOWNLOAD_LIMIT)[0],
             name=lambda g: file_name("trending", g))


def _listed(value) -> list[str]:
    # A list column read from DuckDB: a list or array, or a missing value.
    return [str(v) for v in value] if isinstance(value, (list, tuple)) or hasattr(value, "tolist") else []


def contents_section(db: str, ov: dict) -> None:
    """A warehouse with too few days to chart: show what is in it instead of charts of one point."""
    st.info(f"The warehouse holds {_plural(ov['articles'], 'article')}, too few days to chart. "
            f"Load more news to see charts over time: {LOAD_HINT}")
    rows = queries.warehouse_contents(db)
    for row in rows.itertuples():
        st.subheader(row.title)
        day = f"{pd.Timestamp(row.date):%Y-%m-%d}" if row.date is not None and not pd.isna(row.date) else None
        st.caption(" · ".join(str(x) for x in (row.outlet, day, row.url) if x is not None and not pd.isna(x)))
        found = [
            ("People", row.persons), ("Organisations", row.organisations), ("Countries", row.countries),
            ("Places", row.places), ("Topics", row.topics),
        ]
        st.dataframe(
            pd.DataFrame([(what, ", ".join(_listed(names)) or "none") for what, names in found],
                         columns=["found", "names"]),
            hide_index=True, key=f"contents_{row.Index}",
        )
        trending = _listed(row.trending)
        if trending:
            st.markdown("**Trending sidebar**")
            st.dataframe(pd.DataFrame({"rank": range(1, len(trending) + 1), "headline": trending}),
                         hide_index=True, key=f"trending_{row.Index}")


def main(db: str | None = None) -> None:
    st.set_page_config(page_title="Indonesian media monitor", layout="wide")
    st.title("Indonesian media monitor")
    path = warehouse.db_path(db)
    if not path.exists():
        st.info(f"No warehouse at {path}. Load some news first: python -m etl load seeds")
        return
    stamp = _stamp(path)
    db_str = str(path)
    view = _latest_view()
    view.run_started()
    try:
        ov = load_overview(db_str, stamp)
        if not ov["articles"]:
            st.info(f"The warehouse at {path} has no articles yet. Load some: {LOAD_HINT}")
            return
        if ov["first"] is None or ov["days"] < 2:
            contents_section(db_str, ov)
            return
        f = sidebar_filters(db_str, stamp, ov)
        view.filters_read(f)
        if RERUN_DELAY:
            time.sleep(RERUN_DELAY)
        dated = ov["articles"] - ov["undated"]
        st.caption(
            f"{_plural(ov['articles'], 'article')} ({dated:,} dated, {ov['undated']:,} undated) and "
            f"{_plural(ov['trending_items'], 'trending item')} ({ov['trending_entries']:,} sidebar entries on "
            f"{_plural(ov['pages_with_trending'], 'page')}), {ov['first']:%Y-%m-%d} to {ov['last']:%Y-%m-%d}. "
            f"Showing items {describe(f)}."
        )
        charts_section(db_str, load_charts(db_str, stamp, f), f, view)
        if "trending" in f.sources:
            trending_section(db_str, stamp, f, view)
        articles_section(db_str, stamp, f, view)
    except WarehouseBusy:
        st.warning("A load is writing to the warehouse right now. Reload the page in a moment.")
    except duckdb.CatalogException as exc:
        # A warehouse made by an older version lacks a view; any load (even of nothing new) adds it.
        st.error(f"This warehouse was made by an older version of the tool ({str(exc).splitlines()[0]}). "
                 f"Upgrade it by loading once, e.g.: python -m etl load seeds --db {path}")
    finally:
        view.run_ended()


if __name__ == "__main__":
    main()
