"""Cached loaders: every query the pages run goes through here, keyed by the warehouse file's
modification time (so a finished load shows on the next rerun) and the filters."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.queries import Filters

PICKER_LIMIT = 1000     # options the actor picker sends to the browser (tens of thousands froze it)


def stamp(db: Path) -> float:
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
def load_charts(db: str, stamp: float, f: Filters, groups: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, queries.Chart]:
    return queries.charts(db, f, dict(groups))


@st.cache_data(ttl=300, show_spinner=False)
def load_articles(db: str, stamp: float, f: Filters, limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    return queries.article_page(db, f, limit=limit, offset=offset)


@st.cache_data(ttl=300, show_spinner=False)
def load_trending(db: str, stamp: float, f: Filters) -> tuple[pd.DataFrame, int]:
    return queries.trending_headlines(db, f)




# --- search and compare -------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def search_index(db: str, stamp: float) -> Any:  # a tantivy Index, or None
    from warehouse import search

    return search.open_index(db)


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def load_search(db: str, stamp: float, text: str, word_forms: bool) -> tuple[list[str], Any, str | None]:
    """(article ids, the query as expanded, error): the error is a message for a query that cannot be read."""
    from warehouse import search

    index = search_index(db, stamp)
    if index is None:
        return [], None, "this warehouse has no search index yet: run `python -m etl index` (or any load)"
    try:
        found = search.search(index, text, word_forms=word_forms)
    except search.QueryError as exc:
        return [], None, str(exc)
    return found.ids, found.expanded, None


def _labelled(db: str, stamp: float, queries_: tuple[str, ...], word_forms: bool) -> list[tuple[str, list[str]]]:
    return [(q, load_search(db, stamp, q, word_forms)[0]) for q in queries_]


@st.cache_data(ttl=300, show_spinner=False)
def load_search_series(db: str, stamp: float, f: Filters, queries_: tuple[str, ...], word_forms: bool) -> pd.DataFrame:
    from dashboard import search_queries

    return search_queries.series_over_time(db, f, _labelled(db, stamp, queries_, word_forms))


@st.cache_data(ttl=300, show_spinner=False)
def load_search_entities(db: str, stamp: float, f: Filters, queries_: tuple[str, ...], word_forms: bool) -> pd.DataFrame:
    from dashboard import search_queries

    return search_queries.top_entities(db, f, _labelled(db, stamp, queries_, word_forms))


@st.cache_data(ttl=300, show_spinner=False)
def load_search_words(db: str, stamp: float, f: Filters, queries_: tuple[str, ...], word_forms: bool) -> pd.DataFrame:
    from dashboard import search_queries

    return search_queries.top_words(db, f, _labelled(db, stamp, queries_, word_forms))


@st.cache_data(ttl=300, show_spinner=False)
def load_search_sample(db: str, stamp: float, f: Filters, text: str, word_forms: bool, limit: int) -> tuple[pd.DataFrame, int]:
    from dashboard import search_queries

    return search_queries.sample_articles(db, f, load_search(db, stamp, text, word_forms)[0], limit=limit)


@st.cache_data(ttl=300, show_spinner=False)
def load_volume(db: str, stamp: float, f: Filters) -> pd.DataFrame:
    from dashboard import search_queries

    return search_queries.volume(db, f)


@st.cache_data(ttl=300, show_spinner=False)
def load_actor_series(db: str, stamp: float, f: Filters, actors: tuple[str, ...]) -> pd.DataFrame:
    from dashboard import search_queries

    return search_queries.actor_series(db, f, actors)


@st.cache_data(ttl=300, show_spinner=False)
def load_entity_totals(db: str, stamp: float, f: Filters, kinds: tuple[str, ...], limit: int | None = None) -> pd.DataFrame:
    return queries.entity_totals(db, f, kinds, limit)
