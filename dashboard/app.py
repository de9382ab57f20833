"""Streamlit dashboard: topics, actors and countries in the news over time.

Run with `streamlit run dashboard/app.py`; it reads the warehouse named by $MEDIA_DB read-only.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import warehouse  # noqa: E402
from dashboard import queries  # noqa: E402
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


def _stamp(db: Path) -> float:
    # Part of every cache key, so a finished load shows on the next rerun.
    return db.stat().st_mtime if db.exists() else 0.0


@st.cache_data(ttl=300, show_spinner=False)
def load_overview(db: str, stamp: float) -> dict:
    return queries.overview(db)


@st.cache_data(ttl=300, show_spinner=False)
def load_actor_options(db: str, stamp: float) -> pd.DataFrame:
    return queries.actor_options(db)


@st.cache_data(ttl=300, show_spinner=False)
def load_outlets(db: str, stamp: float) -> list[str]:
    return queries.outlet_options(db)


@st.cache_data(ttl=300, show_spinner=False)
def load_chart(db: str, stamp: float, f: Filters, kinds: tuple[str, ...]) -> pd.DataFrame:
    return queries.mentions_over_time(db, f, kinds)


@st.cache_data(ttl=300, show_spinner=False)
def load_articles(db: str, stamp: float, f: Filters) -> pd.DataFrame:
    return queries.matching_articles(db, f)


def sidebar_filters(db: str, stamp: float, overview: dict) -> Filters:
    st.sidebar.header("Filters")
    options = load_actor_options(db, stamp)
    kinds = dict(zip(options["entity"], options["kind"]))
    counts = dict(zip(options["entity"], options["items"]))
    actors = st.sidebar.multiselect(
        "Actor",
        options["entity"].tolist(),
        key="actors",
        placeholder="All actors (type to search)",
        format_func=lambda e: f"{e} · {'person' if kinds.get(e) == 'person' else 'org'} · {counts.get(e, 0)}",
        help="Keep only articles or trending items that mention any of these people or organisations.",
    )
    first, last = overview["first"], overview["last"]
    picked = st.sidebar.date_input(
        "Date range",
        value=(first, last),
        min_value=first,
        max_value=last,
        key="dates",
        format="YYYY-MM-DD",
    )
    start, end = (tuple(picked) + (None, None))[:2] if isinstance(picked, (tuple, list)) else (picked, picked)
    end = end or start
    where = st.sidebar.radio("Where the mention is", list(WHERE_CHOICES), key="where")
    outlets = st.sidebar.multiselect("Outlet", load_outlets(db, stamp), key="outlets", placeholder="All outlets")
    interval = st.sidebar.selectbox("Interval", ["day", "week", "month"], key="interval")
    count = st.sidebar.radio(
        "Count", ["Articles", "Stories"], key="count", horizontal=True,
        help="Stories count syndicated copies of one report (same headline, near-identical text) once.",
    )
    return Filters(
        actors=tuple(actors),
        start=start,
        end=end,
        sources=WHERE_CHOICES[where],
        interval=interval,
        outlets=tuple(outlets),
        count=count.lower(),
    )


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def describe(f: Filters) -> str:
    bits = []
    if f.actors:
        bits.append("mentioning " + ", ".join(f.actors))
    if f.start:
        bits.append(f"from {f.start:%Y-%m-%d} to {(f.end or f.start):%Y-%m-%d}")
    bits.append("in " + " and ".join(queries.SOURCES[s].lower() for s in f.sources))
    if f.outlets:
        bits.append("from " + ", ".join(f.outlets))
    return " ".join(bits)


def chart_section(key: str, title: str, data: pd.DataFrame, f: Filters) -> None:
    st.subheader(title)
    if data.empty:
        st.info(f"No {title.lower()} found in items {describe(f)}.")
        return
    unit = "trending items" if f.sources == ("trending",) else "articles" if f.sources == ("article",) else "items"
    if f.count == "stories" and f.sources == ("article",):
        unit = "stories"
    labels = {"period": f.interval.capitalize(), "items": f"Number of {unit}", "entity": ""}
    if data["period"].nunique() < 3:
        # A line through one or two points says little; bars side by side read better.
        fig = px.bar(data, x="period", y="items", color="entity", barmode="group", labels=labels)
    else:
        fig = px.line(data, x="period", y="items", color="entity", markers=True, labels=labels)
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.25))
    fig.update_xaxes(type="date", tickformat="%Y-%m-%d")
    st.plotly_chart(fig, key=f"chart_{key}", config={"displaylogo": False})
    st.download_button(
        f"Download {title.split(' (')[0].lower()} data (CSV)",
        data=data.to_csv(index=False).encode("utf-8"),
        file_name=f"{key}_{f.interval}.csv",
        mime="text/csv",
        key=f"download_{key}",
        on_click="ignore",
    )


def main(db: str | None = None) -> None:
    st.set_page_config(page_title="Indonesian media monitor", layout="wide")
    st.title("Indonesian media monitor")
    path = warehouse.db_path(db)
    if not path.exists():
        st.info(f"No warehouse at {path}. Load some news first: python -m etl load seeds")
        return
    stamp = _stamp(path)
    db_str = str(path)
    try:
        overview = load_overview(db_str, stamp)
        if not overview["articles"]:
            st.info(f"The warehouse at {path} has no articles yet. Load some: python -m etl load seeds")
            return
        if overview["first"] is None:
            st.info("No article in the warehouse has a publish date, so nothing can be charted over time.")
            return
        f = sidebar_filters(db_str, stamp, overview)
        st.caption(
            f"{_plural(overview['articles'], 'article')} and {_plural(overview['trending_items'], 'trending item')}, "
            f"{overview['first']:%Y-%m-%d} to {overview['last']:%Y-%m-%d}. Showing items {describe(f)}."
        )
        for key, title, kinds in CHARTS:
            chart_section(key, title, load_chart(db_str, stamp, f, kinds), f)
        st.subheader("Matching articles")
        articles = load_articles(db_str, stamp, f)
        if articles.empty:
            st.info(f"No articles {describe(f)}.")
        else:
            st.dataframe(
                articles,
                hide_index=True,
                column_config={
                    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                    "outlet": "Outlet",
                    "title": st.column_config.TextColumn("Title", width="large"),
                    "url": st.column_config.LinkColumn("Link"),
                },
                key="articles_table",
            )
            st.download_button(
                "Download articles (CSV)",
                data=articles.to_csv(index=False).encode("utf-8"),
                file_name="articles.csv",
                mime="text/csv",
                key="download_articles",
                on_click="ignore",
            )
    except WarehouseBusy:
        st.warning("A load is writing to the warehouse right now. Reload the page in a moment.")


if __name__ == "__main__":
    main()
