"""Trending tracker: each outlet's "Berita Trending" sidebar over time: rank trajectories, how long
headlines stayed, and what is trending that the articles barely cover (and the other way round)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard import queries, trending_queries
from dashboard.downloads import _slug, file_name
from dashboard.figures import PALETTE, label_text
from dashboard.queries import Filters
from dashboard.widgets import Context, _plural, describe, download, plain

TOP_HEADLINES = 10


@st.cache_data(ttl=300, show_spinner=False)
def _cached(fn: str, db: str, stamp: float, *args: Any) -> Any:
    return getattr(trending_queries, fn)(db, *args)


def _name(what: str, g: Filters) -> str:
    return f"trending-{what}_{_slug(g.setting('outlet') or 'all', 30)}_{file_name('x', replace(g, actors=(), outlets=()))[2:]}"


def render(ctx: Context) -> None:
    have = _cached("outlets", ctx.db, ctx.stamp)
    if have.empty:
        ctx.ready(ctx.filters)
        st.info("No trending sidebar in this warehouse: page texts carry one, scraper exports do not.")
        return
    choices = have["outlet"].tolist()
    outlet = st.selectbox("Outlet", choices, key="sidebar_of", bind="query-params",
                          format_func=lambda o: f"{o} ({int(have.set_index('outlet').loc[o, 'items']):,} trending items)")
    f = replace(ctx.filters, actors=(), page=(("outlet", outlet),))
    ctx.ready(f)
    dates = replace(f, outlets=())
    st.caption("A trending item is one headline of one outlet's sidebar on one day, however many pages it "
               f"was seen beside. The sidebar's dates apply here; its actors and outlets do not. Range: {describe(replace(dates, sources=('trending',)))}.")

    st.subheader(f"Rank trajectories: {plain(outlet)}'s {TOP_HEADLINES} longest-trending headlines")
    paths = _cached("trajectories", ctx.db, ctx.stamp, dates, outlet, TOP_HEADLINES)
    if paths.empty:
        st.info(f"{plain(outlet)} has no trending headline in this range.")
    else:
        fig = go.Figure()
        for i, (headline, part) in enumerate(paths.groupby("headline", sort=False)):
            label = headline if len(headline) <= 60 else headline[:57] + "…"
            fig.add_trace(go.Scatter(x=part["day"], y=part["rank"], name=label_text(f"{label} ({int(part['days'].iloc[0])} d)"),
                                     customdata=[label_text(headline)] * len(part),
                                     mode="lines+markers", line=dict(color=PALETTE[i % len(PALETTE)]),
                                     hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}: rank %{y}<extra></extra>"))
        fig.update_layout(height=420, margin=dict(l=10, r=10, t=20, b=10), legend=dict(orientation="h", y=-0.2),
                          xaxis=dict(type="date", tickformat="%Y-%m-%d"))
        fig.update_yaxes(autorange="reversed", title="rank (1 = top)", dtick=1)
        st.plotly_chart(fig, key="trending_chart", config={"displaylogo": False})
    download("Download the trajectories (CSV)", "download_trending_paths", ctx.view, f,
             make=lambda g: trending_queries.trajectories(ctx.db, replace(g, outlets=()), g.setting("outlet"), TOP_HEADLINES),
             name=lambda g: _name("trajectories", g))

    st.subheader(f"How long {plain(outlet)}'s headlines stayed, and whom they name")
    table, total = _cached("headlines", ctx.db, ctx.stamp, dates, outlet)
    st.caption(f"{_plural(total, 'headline')}; the {len(table)} seen on most days, with the people, "
               "organisations and countries found in each.")
    st.dataframe(table, hide_index=True, key="trending_durations", height=300,
                 column_config={"headline": st.column_config.TextColumn("Headline", width="large"),
                                "first_seen": st.column_config.DateColumn("First seen", format="YYYY-MM-DD"),
                                "last_seen": st.column_config.DateColumn("Last seen", format="YYYY-MM-DD")})
    download("Download the headlines (CSV)", "download_trending_durations", ctx.view, f,
             make=lambda g: trending_queries.headlines(ctx.db, replace(g, outlets=()), g.setting("outlet"),
                                                       limit=queries.ARTICLES_DOWNLOAD_LIMIT)[0],
             name=lambda g: _name("headlines", g))

    st.subheader("Trending against coverage (all outlets with a sidebar)")
    both = _cached("gap", ctx.db, ctx.stamp, dates)
    st.caption("Per actor and country: share of all trending items that name it, against share of all articles "
               "that mention it, over the range. Gap in points: positive is trending more than covered.")
    cols = ["kind", "entity", "trending_items", "trending_share", "articles", "article_share", "gap_points"]
    left, right = st.columns(2)
    with left:
        st.markdown("**Trending, barely covered**")
        st.dataframe(both[both["trending_items"] > 0].head(20)[cols], hide_index=True, key="trending_more")
    with right:
        st.markdown("**Covered, barely trending**")
        st.dataframe(both.sort_values(["gap_points", "entity"]).head(20)[cols], hide_index=True, key="trending_less")
    download("Download trending against coverage (CSV)", "download_trending_gap", ctx.view, f,
             make=lambda g: trending_queries.gap(ctx.db, replace(g, outlets=())), name=lambda g: _name("gap", g))
