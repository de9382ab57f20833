"""Search: Media Cloud-style queries over headline and body; attention over time, several queries
side by side, what the matches are about, and sample articles with the matching passage marked."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import search_queries
from dashboard.downloads import _slug, file_name
from dashboard.figures import series_figure
from dashboard.loaders import (
    load_search,
    load_search_entities,
    load_search_sample,
    load_search_series,
    load_search_words,
    load_volume,
)
from dashboard.queries import Filters
from dashboard.tables import search_results_html
from dashboard.widgets import Context, _plural, clipped, describe, download, plain
from warehouse import search as search_index

MAX_QUERIES = 5
SAMPLE_ROWS = 20
SYNTAX = """
- `korupsi kpk`: both words (words side by side must all match)
- `"dana desa"`: the exact phrase
- `korupsi AND (kpk OR kejaksaan) NOT "dana desa"`: operators in capitals, brackets to group
- `-gibran`: leave out articles with the word (same as `NOT gibran`)
- `korup*`: words starting with `korup` (korupsi, koruptor, koruptif)
- **Match Indonesian word forms**: `korupsi` also finds `dikorupsi`, `korupsinya`, `mengorupsi`
  (every form in the index that PySastrawi stems to the same root); phrases stay exact.

Headline and body of every article are searched (not the trending sidebar), case-insensitively,
word by word (`Covid-19` is the phrase "covid 19"). The sidebar's dates, outlets and actors apply.
"""
KIND_TITLES = [("person", "People"), ("organization", "Organisations"), ("country", "Countries"), ("topic", "Topics")]
# Each table's name column, in the singular (cutting the title's last letter gave "Countrie").
ONE_OF = {"People": "Person", "Organisations": "Organisation", "Countries": "Country", "Topics": "Topic"}


def page_settings() -> tuple[tuple[str, ...], bool]:
    text = st.text_area(
        "Queries, one per line (up to 5, each its own series)", key="q", bind="query-params", height=110,
        placeholder='korupsi AND (kpk OR kejaksaan)\n"makan bergizi gratis"\nbanjir -jakarta',
    )
    forms = st.checkbox("Match Indonesian word forms", key="forms", bind="query-params",
                        help="korupsi also finds dikorupsi, korupsinya, mengorupsi")
    with st.expander("How to write a query"):
        st.markdown(SYNTAX)
    queries_ = tuple(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
    return queries_[:MAX_QUERIES], bool(forms)


def search_name(what: str, g: Filters, interval: str | None = None) -> str:
    queries_ = g.setting("queries", ())
    slug = "+".join(_slug(q, 25) for q in queries_[:3]) or "no-query"
    return f"{what}_{slug}_{file_name('x', g, interval)[2:]}"


def render(ctx: Context) -> None:
    queries_, forms = page_settings()
    f = replace(ctx.filters, page=(("queries", queries_), ("forms", forms)))
    ctx.ready(f)
    if len([line for line in (st.session_state.get("q") or "").splitlines() if line.strip()]) > MAX_QUERIES:
        st.warning(f"Only the first {MAX_QUERIES} queries are used.")
    if not queries_:
        st.info("Type a query above, e.g. `korupsi AND (kpk OR kejaksaan)`. Below: all articles, the base of "
                "every query's share.")
        # Also loads the chart library while the user types: the first chart on a page cost ~0.9 s to draw.
        volume = load_volume(ctx.db, ctx.stamp, replace(f, actors=()))
        st.plotly_chart(series_figure(volume, "articles", False, "All articles"), key="search_volume",
                        config={"displaylogo": False})
        download("Download all articles per period (CSV)", "download_search_volume", ctx.view, f,
                 make=lambda h: search_queries.volume(ctx.db, replace(h, actors=())),
                 name=lambda h: file_name("all-articles", replace(h, actors=()), h.interval))
        return
    db, stamp = ctx.db, ctx.stamp
    found: list[str] = []
    for q in queries_:
        ids, expanded, error = load_search(db, stamp, q, forms)
        if error:
            st.error(f"{plain(clipped(q))}: {plain(error)}")
        else:
            found.append(q)
            st.caption(f"«{plain(q)}» searched as {plain(search_index.describe(expanded))}: {_plural(len(ids), 'article')} "
                       "in the whole warehouse.")
    if not found:
        return
    good = tuple(found)
    g = replace(f, page=(("queries", good), ("forms", forms)))
    st.subheader("Attention over time")
    series = load_search_series(db, stamp, g, good, forms)
    share = f.measure == "share"
    unit = "stories" if f.count == "stories" else "articles"
    st.plotly_chart(series_figure(series, unit, share, f"Matching {unit}" + (" (share of all)" if share else "")),
                    key="search_chart", config={"displaylogo": False})
    st.caption(f"Matching {unit} {describe(replace(f, sources=('article',)))}, per {series_interval(series)}; "
               "share: per cent of all the period's articles from the same outlets. Periods without any are 0.")
    download("Download the series (CSV)", "download_search_series", ctx.view, g,
             make=lambda h: _series(db, h), name=lambda h: search_name("search-series", h, h.interval))

    focus = st.selectbox("Details for", good, key="focus", bind="query-params") if len(good) > 1 else good[0]
    entities = load_search_entities(db, stamp, g, good, forms)
    st.subheader(f"What the matches of «{plain(focus)}» are about")
    mine = entities[entities["series"] == focus]
    for column, (kind, title) in zip(st.columns(len(KIND_TITLES)), KIND_TITLES):
        with column:
            part = mine[mine["kind"] == kind][["entity", "items", "share_of_matches"]]
            st.markdown(f"**{title}**")
            st.dataframe(part.rename(columns={"entity": ONE_OF[title],
                                              "items": unit.capitalize(), "share_of_matches": "% of matches"}),
                         hide_index=True, key=f"search_{kind}", height=300)
    download("Download top actors, countries and topics (CSV)", "download_search_entities", ctx.view, g,
             make=lambda h: _entities(db, h), name=lambda h: search_name("search-entities", h))
    words = load_search_words(db, stamp, g, good, forms)
    mine = words[words["series"] == focus]
    st.markdown("**Top words** in the headlines of all its matching articles (stopwords left out)")
    st.dataframe(mine[["word", "articles", "share_of_matches"]].rename(columns={"share_of_matches": "% of matches"}),
                 hide_index=True, key="search_words", height=260)
    download("Download top words (CSV)", "download_search_words", ctx.view, g,
             make=lambda h: _words(db, h), name=lambda h: search_name("search-words", h))

    st.subheader(f"Articles matching «{plain(focus)}»")
    rows, total = load_search_sample(db, stamp, g, focus, forms, SAMPLE_ROWS)
    if not total:
        st.info(f"No article matches {describe(replace(f, sources=('article',)))}.")
        return
    _, expanded, _ = load_search(db, stamp, focus, forms)
    words_ = search_index.positive_words(expanded)
    st.caption(f"{_plural(total, 'article')} match; the newest {len(rows)}, with the first passage that matches.")
    rows = rows.assign(passage=[search_queries.passage(b, words_) for b in rows["body"]])
    st.html(search_results_html(rows))
    download(f"Download the matching articles (CSV, up to {search_queries.DOWNLOAD_LIMIT:,})", "download_search_articles",
             ctx.view, g, make=lambda h: _articles(db, h, focus), name=lambda h: search_name("search-articles", h))


def series_interval(series: pd.DataFrame) -> str:
    if len(series["period"].unique()) < 2:
        return "period"
    gap = (pd.Timestamp(sorted(series["period"].unique())[1]) - pd.Timestamp(sorted(series["period"].unique())[0])).days
    return "day" if gap <= 1 else "week" if gap <= 7 else "month"


def _labelled(db: str, g: Filters) -> list[tuple[str, list[str]]]:
    # Downloads run outside the script: straight to the index, not through the page's caches.
    index = search_index.open_index(db)
    forms = bool(g.setting("forms", False))
    out = []
    for q in g.setting("queries", ()) if index is not None else ():
        try:
            out.append((q, search_index.search(index, q, word_forms=forms).ids))
        except search_index.QueryError:
            continue
    return out


def _series(db: str, g: Filters) -> pd.DataFrame:
    return search_queries.series_over_time(db, g, _labelled(db, g))


def _entities(db: str, g: Filters) -> pd.DataFrame:
    return search_queries.top_entities(db, g, _labelled(db, g))


def _words(db: str, g: Filters) -> pd.DataFrame:
    return search_queries.top_words(db, g, _labelled(db, g))


def _articles(db: str, g: Filters, focus: str) -> pd.DataFrame:
    labelled = dict(_labelled(db, g))
    ids = labelled.get(focus) or next(iter(labelled.values()), [])
    return search_queries.matching_article_rows(db, g, ids, search_queries.DOWNLOAD_LIMIT)
