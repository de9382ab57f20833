"""Compare: two to five actors or queries as separate series (counts or share of voice), one CSV.

The actors are the sidebar's picks: on the other pages they filter (any of them), here each is its
own line. Queries are typed on this page, in the Search page's language.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import search_queries
from dashboard.downloads import _slug, file_name
from dashboard.figures import series_figure
from dashboard.loaders import load_actor_series, load_search, load_search_series
from dashboard.queries import Filters
from dashboard.widgets import Context, clipped, describe, download, plain
from warehouse import search as search_index

MAX_SERIES = 5


def render(ctx: Context) -> None:
    actors = ctx.filters.actors
    text = st.text_area("Queries to compare, one per line (the Search page's syntax)", key="cq",
                        bind="query-params", height=90, placeholder='"makan bergizi gratis"\nkorupsi AND kpk')
    forms = st.checkbox("Match Indonesian word forms", key="cforms", bind="query-params")
    queries_ = tuple(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
    room = max(0, MAX_SERIES - len(actors))
    f = replace(ctx.filters, actors=(), page=(("actors", actors[:MAX_SERIES]), ("queries", queries_[:room]),
                                               ("forms", bool(forms))))
    ctx.ready(f)
    st.caption("Each actor picked in the sidebar is its own series here (elsewhere the picks filter), "
               "and so is each query typed above: two to five in all.")
    if len(actors) + len(queries_) > MAX_SERIES:
        st.warning(f"Only {MAX_SERIES} series are compared: the first {MAX_SERIES} of the actors, then the queries.")
    if len(actors[:MAX_SERIES]) + len(queries_[:room]) < 2:
        st.info("Pick two or more actors in the sidebar, or type queries above (two to five series in all).")
        return
    for q in queries_[:room]:
        _, _, error = load_search(ctx.db, ctx.stamp, q, bool(forms))
        if error:
            st.error(f"{plain(clipped(q))}: {plain(error)}")
    data = load_comparison(ctx, f)
    share = f.measure == "share"
    st.plotly_chart(series_figure(data, "items", share, "Share of voice" if share else "Mentions over time", height=430),
                    key="compare_chart", config={"displaylogo": False})
    totals = data.groupby(["series", "what"], sort=False)["items"].sum().reset_index()
    whole = totals["items"].sum()
    totals["share_of_voice"] = (100.0 * totals["items"] / whole).round(1) if whole else 0.0
    st.dataframe(totals.rename(columns={"items": "Items over the range", "share_of_voice": "% of these series"}),
                 hide_index=True, key="compare_totals")
    st.caption(
        f"Actors: {_unit(f)} that mention each, {describe(f)}. Queries: articles whose headline or body "
        "match, from the same dates and outlets. Share: per cent of all the period's items of that kind "
        "(for queries, all articles). Items over the range add up each series' periods."
    )
    download("Download the comparison (CSV)", "download_compare", ctx.view, f,
             make=lambda g: comparison(ctx.db, g), name=compare_name)


def _unit(f: Filters) -> str:
    if f.sources == ("trending",):
        return "trending items"
    return "stories" if f.count == "stories" else "articles" if f.sources == ("article",) else "articles and trending items"


def compare_name(g: Filters) -> str:
    labels = list(g.setting("actors", ())) + list(g.setting("queries", ()))
    slug = "+".join(_slug(x, 20) for x in labels[:5]) or "nothing"
    return f"compare_{slug}_{file_name('x', replace(g, actors=()), g.interval)[2:]}"


def load_comparison(ctx: Context, f: Filters) -> pd.DataFrame:
    actors = f.setting("actors", ())
    queries_ = f.setting("queries", ())
    forms = f.setting("forms", False)
    parts = []
    if actors:
        parts.append(load_actor_series(ctx.db, ctx.stamp, f, actors).assign(what="actor"))
    good = tuple(q for q in queries_ if not load_search(ctx.db, ctx.stamp, q, forms)[2])
    if good:
        parts.append(load_search_series(ctx.db, ctx.stamp, f, good, forms).assign(what="query"))
    return _combined(parts)


def comparison(db: str, g: Filters) -> pd.DataFrame:
    """The download: the same rows as the chart, built outside the script run."""
    parts = []
    actors = g.setting("actors", ())
    if actors:
        parts.append(search_queries.actor_series(db, g, actors).assign(what="actor"))
    index = search_index.open_index(db)
    labelled = []
    for q in g.setting("queries", ()) if index is not None else ():
        try:
            labelled.append((q, search_index.search(index, q, word_forms=g.setting("forms", False)).ids))
        except search_index.QueryError:
            continue
    if labelled:
        parts.append(search_queries.series_over_time(db, g, labelled).assign(what="query"))
    return _combined(parts)


def _combined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=["period", "series", "what", "items", "all_items", "share"])
    data = pd.concat(parts, ignore_index=True)
    return data[["period", "series", "what", "items", "all_items", "share"]]
