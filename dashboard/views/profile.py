"""Actor profile: one person or organisation over time (article text and trending apart), what comes
with it, its trending headlines, its name variants, and the sentences that mention it."""
from __future__ import annotations

import html
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import profile_queries, queries
from dashboard.downloads import _slug, file_name
from dashboard.figures import PALETTE
from dashboard.queries import Filters
from dashboard.tables import evidence_html
from dashboard.widgets import Context, _plural, download, plain

KINDS = [("person", "People"), ("organization", "Organisations"), ("country", "Countries"),
         ("place", "Places"), ("topic", "Topics"), ("outlet", "Outlets")]


@st.cache_data(ttl=300, show_spinner=False)
def _cached(fn: str, db: str, stamp: float, *args: Any) -> Any:
    return getattr(profile_queries, fn)(db, *args)


def _name(what: str, g: Filters) -> str:
    return f"profile-{what}_{_slug(g.setting('actor') or 'none', 30)}_{file_name('x', replace(g, actors=()))[2:]}"


def render(ctx: Context) -> None:
    picks = ctx.filters.actors
    if not picks:
        ctx.ready(replace(ctx.filters, page=(("actor", None),)))
        st.info("Pick an actor in the sidebar (the first pick is profiled), or one of the most mentioned:")
        top = _cached("top_actors", ctx.db, ctx.stamp, 30)
        st.html(" · ".join(f'<a href="profile?actor={quote(name)}" target="_self">{html.escape(name)}</a>'
                           for name in top["entity"]))
        return
    name = st.selectbox("Actor", picks, key="who", bind="query-params") if len(picks) > 1 else picks[0]
    f = replace(ctx.filters, actors=(), page=(("actor", name),))
    ctx.ready(f)
    row = _cached("actor", ctx.db, ctx.stamp, name)
    if row is None:
        st.warning(f"{plain(name)} is not in the registry.")
        return
    eid = int(row["entity_id"])
    kind = "person" if row["kind"] == "person" else "organisation"
    first = f"{row['first_date']:%Y-%m-%d}" if row["first_date"] is not None and str(row["first_date"]) != "NaT" else "?"
    last = f"{row['last_date']:%Y-%m-%d}" if row["last_date"] is not None and str(row["last_date"]) != "NaT" else "?"
    st.subheader(f"{plain(name)} ({kind})")
    st.caption(f"In the whole warehouse: {_plural(int(row['items']), 'item')} ({int(row['articles'] or 0):,} articles), "
               f"first seen {first}, last seen {last}. Below: the sidebar's dates and outlets.")

    timeline = _cached("over_time", ctx.db, ctx.stamp, f, eid)
    fig = go.Figure()
    for i, (source, label) in enumerate([("article", "Article text (articles)"), ("trending", "Trending sidebar (trending items)")]):
        part = timeline[timeline["source"] == source]
        fig.add_trace(go.Scatter(x=part["period"], y=part["items"], name=label, mode="lines+markers",
                                 line=dict(color=PALETTE[i])))
    fig.update_layout(title="Mentions over time", height=330, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2), xaxis=dict(type="date", tickformat="%Y-%m-%d"))
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    st.plotly_chart(fig, key="profile_chart", config={"displaylogo": False})
    download("Download mentions over time (CSV)", "download_profile_time", ctx.view, f,
             make=lambda g: profile_queries.over_time(ctx.db, g, _eid(ctx.db, g)), name=lambda g: _name("time", g))

    st.subheader("What comes with it")
    co = _cached("companions", ctx.db, ctx.stamp, f, eid)
    for start in range(0, len(KINDS), 3):
        for column, (k, title) in zip(st.columns(3), KINDS[start:start + 3]):
            with column:
                part = co[co["kind"] == k][["entity", "articles", "share_of_its_articles"]]
                st.markdown(f"**{title}**")
                st.dataframe(part.rename(columns={"entity": "Name", "articles": "Articles",
                                                  "share_of_its_articles": "% of its articles"}),
                             hide_index=True, key=f"profile_{k}", height=250)
    download("Download what comes with it (CSV)", "download_profile_companions", ctx.view, f,
             make=lambda g: profile_queries.companions(ctx.db, g, _eid(ctx.db, g)), name=lambda g: _name("companions", g))

    left, right = st.columns(2)
    with left:
        st.subheader("Name variants")
        names = _cached("variants", ctx.db, ctx.stamp, f, eid)
        st.dataframe(names.rename(columns={"name": "Name", "articles_in_range": "Articles (range)",
                                           "articles_all_time": "Articles (all time)", "why": "Why it is this actor"}),
                     hide_index=True, key="profile_variants", height=250)
        download("Download name variants (CSV)", "download_profile_variants", ctx.view, f,
                 make=lambda g: profile_queries.variants(ctx.db, g, _eid(ctx.db, g)), name=lambda g: _name("variants", g))
    with right:
        st.subheader("Trending headlines")
        tf = profile_queries.profile_filters(ctx.filters, name)
        headlines, total = _cached_trending(ctx.db, ctx.stamp, tf)
        st.caption(f"{_plural(total, 'headline')} of outlets' trending sidebars mention {plain(name)}.")
        st.dataframe(headlines[["outlet", "headline", "first_seen", "days", "best_rank"]], hide_index=True,
                     key="profile_trending", height=250,
                     column_config={"first_seen": st.column_config.DateColumn("first_seen", format="YYYY-MM-DD")})
        download("Download trending headlines (CSV)", "download_profile_trending", ctx.view, f,
                 make=lambda g: queries.trending_headlines(
                     ctx.db, profile_queries.profile_filters(replace(g, actors=()), g.setting("actor")),
                     limit=queries.ARTICLES_DOWNLOAD_LIMIT)[0],
                 name=lambda g: _name("trending", g))

    st.subheader("Evidence: the sentences that mention it")
    ev = _cached("evidence", ctx.db, ctx.stamp, f, eid)
    st.caption(f"{_plural(len(ev), 'sentence')} from its newest {profile_queries.EVIDENCE_ARTICLES} articles, "
               "each linked to its article.")
    st.html(evidence_html(ev.head(60)))
    download("Download the evidence (CSV)", "download_profile_evidence", ctx.view, f,
             make=lambda g: profile_queries.evidence(ctx.db, g, _eid(ctx.db, g)).drop(columns=["marked"]),
             name=lambda g: _name("evidence", g))


@st.cache_data(ttl=300, show_spinner=False)
def _cached_trending(db: str, stamp: float, f: Filters) -> pd.DataFrame:
    return queries.trending_headlines(db, f)


def _eid(db: str, g: Filters) -> int:
    row = profile_queries.actor(db, g.setting("actor"))
    return int(row["entity_id"]) if row else -1
