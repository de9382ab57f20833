"""Overview: topics, actors and countries over time, trending headlines, matching articles."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.downloads import LatestView, file_name
from dashboard.figures import charts_figure
from dashboard.loaders import load_articles, load_charts, load_trending
from dashboard.queries import Filters
from dashboard.tables import articles_html
from dashboard.widgets import Context, _plural, _unit, describe, download

CHARTS = [
    ("topics", "Topics", ("topic",)),
    ("actors", "Actors (people and organisations)", ("person", "organization")),
    ("countries", "Countries", ("country",)),
]
PAGE_ROWS = 100         # rows of the articles table per page


def render(ctx: Context) -> None:
    f, ov, db, stamp = ctx.filters, ctx.ov, ctx.db, ctx.stamp
    ctx.ready(f)
    dated = ov["articles"] - ov["undated"]
    st.caption(
        f"{_plural(ov['articles'], 'article')} ({dated:,} dated, {ov['undated']:,} undated) and "
        f"{_plural(ov['trending_items'], 'trending item')} ({ov['trending_entries']:,} sidebar entries on "
        f"{_plural(ov['pages_with_trending'], 'page')}), {ov['first']:%Y-%m-%d} to {ov['last']:%Y-%m-%d}. "
        f"Showing items {describe(f)}."
    )
    groups = tuple((key, kinds) for key, _, kinds in CHARTS)
    charts_section(db, load_charts(db, stamp, f, groups), f, ctx.view)
    if "trending" in f.sources:
        trending_section(db, stamp, f, ctx.view)
    articles_section(db, stamp, f, ctx.view)


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
