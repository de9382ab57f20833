"""Queries of the Search and Compare pages: matches from the search index (warehouse/search.py) in,
DataFrames out. Matches are article ids; the sidebar's filters (dates, outlets, actors, articles or
stories) are applied to them here, in DuckDB. Search covers article text (headline and body), not
the trending sidebar.
"""
from __future__ import annotations

import html
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dashboard.article_queries import _article_ids_cte
from dashboard.queries import (
    ACTOR_KINDS,
    INTERVALS,
    Filters,
    _period_totals_sql,
    _query,
    _units_cte,
    auto_interval,
    periods_sql,
)

SERIES_COLUMNS = ["period", "series", "items", "all_items", "share"]
DOWNLOAD_LIMIT = 50_000
STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"


def _matches_table(labelled: list[tuple[str, list[str]]]) -> pa.Table:
    series, ids = [], []
    for label, found in labelled:
        series.extend([label] * len(found))
        ids.extend(found)
    return pa.table({"series": pa.array(series, pa.string()), "article_id": pa.array(ids, pa.string())})


def _hits_sql(f: Filters) -> tuple[str, list]:
    """hits: (series, article_id, unit_id, day) of every match that passes the sidebar's filters."""
    g = replace(f, sources=("article",))
    cte, params = _article_ids_cte(g)
    unit = "coalesce(a.story_id, a.article_id)" if f.count == "stories" else "a.article_id"
    return f"""{cte},
        hits AS MATERIALIZED (
            SELECT m.series, a.article_id, {unit} AS unit_id, a.published_date AS day
            FROM matched AS m
            JOIN articles AS a USING (article_id)
            SEMI JOIN article_ids USING (article_id)
        )""", params


def _interval(f: Filters) -> str:
    return f.interval if f.interval in INTERVALS else auto_interval(f.start, f.end)


def series_over_time(db: str | Path, f: Filters, labelled: list[tuple[str, list[str]]]) -> pd.DataFrame:
    """Per period and series (a query and its matching article ids): matching articles (or stories)
    that pass the filters, all articles of the period (same outlets) and the share in per cent;
    every period of the range present, 0 where none."""
    interval = _interval(f)
    hits, params = _hits_sql(f)
    counts = f"""{hits},
        counts AS (
            SELECT series, CAST(date_trunc('{interval}', day) AS DATE) AS period, count(DISTINCT unit_id) AS items
            FROM hits WHERE day IS NOT NULL
            GROUP BY ALL
        )"""
    return _series(db, f, replace(f, sources=("article",)), interval, counts, params,
                   [label for label, _ in labelled], {"matched": _matches_table(labelled)})


def _series(db: str | Path, f: Filters, base: Filters, interval: str, counts: str, params: list,
            labels: list[str], tables: dict) -> pd.DataFrame:
    """The rows of a chart of several series: `counts` (CTEs ending in counts(series, period, items))
    zero-filled over every period of the range, with all items of each period (`base`'s sources and
    outlets) and the share; series in the order of `labels`."""
    totals, p2 = _period_totals_sql(base, interval)
    order = pa.table({"series": pa.array(labels, pa.string()), "position": pa.array(list(range(len(labels))), pa.int64())})
    df = _query(db, f"""
        WITH {counts},
        bounds AS (
            SELECT coalesce(CAST(? AS DATE), (SELECT min(period) FROM counts)) AS first_day,
                   coalesce(CAST(? AS DATE), (SELECT max(period) FROM counts)) AS last_day
        ),
        {periods_sql(interval)},
        {totals}
        SELECT p.period, l.series, coalesce(c.items, 0) AS items, coalesce(t.all_items, 0) AS all_items,
               round(100.0 * coalesce(c.items, 0) / nullif(t.all_items, 0), 3) AS share
        FROM periods AS p
        CROSS JOIN labels AS l
        LEFT JOIN counts AS c ON c.period = p.period AND c.series = l.series
        LEFT JOIN period_totals AS t ON t.period = p.period
        ORDER BY l.position, p.period
    """, params + [f.start, f.end] + p2, tables={**tables, "labels": order})
    return _typed(df)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df[SERIES_COLUMNS].reset_index(drop=True)
    df["items"] = df["items"].astype("int64")
    df["all_items"] = df["all_items"].astype("int64")
    df["share"] = df["share"].astype("float64").fillna(0.0)
    return df


def volume(db: str | Path, f: Filters) -> pd.DataFrame:
    """All articles per period (the share's base), as a series named "All articles", from the rollup."""
    interval = _interval(f)
    totals, params = _period_totals_sql(replace(f, sources=("article",), count="articles"), interval)
    df = _query(db, f"""
        WITH {totals},
        bounds AS (
            SELECT coalesce(CAST(? AS DATE), (SELECT min(period) FROM period_totals)) AS first_day,
                   coalesce(CAST(? AS DATE), (SELECT max(period) FROM period_totals)) AS last_day
        ),
        {periods_sql(interval)}
        SELECT p.period, 'All articles' AS series, coalesce(t.all_items, 0) AS items,
               coalesce(t.all_items, 0) AS all_items, 100.0 AS share
        FROM periods AS p LEFT JOIN period_totals AS t USING (period)
        ORDER BY p.period
    """, params + [f.start, f.end])
    return _typed(df)


def actor_series(db: str | Path, f: Filters, actors: tuple[str, ...]) -> pd.DataFrame:
    """Per period and actor, each actor its own series (not OR-ed as the sidebar's filter does): the
    items (articles, stories or trending items, as the filters say) that mention it."""
    interval = _interval(f)
    g = replace(f, actors=())
    units, params = _units_cte(g, kinds=ACTOR_KINDS)
    counts = f"""chosen AS (
            SELECT e.entity_id, l.series
            FROM entities AS e JOIN labels AS l ON l.series = e.entity
            WHERE e.kind IN ('person', 'organization')
        ),
        {units},
        counts AS (
            SELECT c.series, CAST(date_trunc('{interval}', u.event_date) AS DATE) AS period,
                   count(DISTINCT u.unit_id) AS items
            FROM units AS u JOIN chosen AS c USING (entity_id)
            GROUP BY ALL
        )"""
    return _series(db, f, g, interval, counts, params, list(actors), {})


def top_entities(db: str | Path, f: Filters, labelled: list[tuple[str, list[str]]], limit: int = 15) -> pd.DataFrame:
    """Per series and kind (person, organization, country, topic): the entities mentioned in most
    matching articles (series, kind, entity, entity_code, items, share of the series' matches)."""
    hits, params = _hits_sql(f)
    return _query(db, f"""
        WITH {hits},
        per_series AS (SELECT series, count(DISTINCT unit_id) AS matches FROM hits GROUP BY series),
        counted AS (
            SELECT h.series, m.kind, m.entity_id, any_value(m.entity) AS entity,
                   any_value(m.entity_code) AS entity_code, count(DISTINCT h.unit_id) AS items
            FROM hits AS h
            JOIN mentions AS m ON m.article_id = h.article_id AND m.part <> 'trending'
            WHERE m.kind IN ('person', 'organization', 'country', 'topic')
            GROUP BY h.series, m.kind, m.entity_id
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY series, kind ORDER BY items DESC, entity) AS rank
            FROM counted
        )
        SELECT r.series, r.kind, r.entity, r.entity_code, r.items,
               round(100.0 * r.items / nullif(s.matches, 0), 2) AS share_of_matches
        FROM ranked AS r JOIN per_series AS s USING (series)
        WHERE r.rank <= ?
        ORDER BY r.series, r.kind, r.items DESC, r.entity
    """, params + [limit], tables={"matched": _matches_table(labelled)})


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Indonesian stopwords: PySastrawi's list and the project's additions (dashboard/data/stopwords.txt)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    words = set(StopWordRemoverFactory().get_stop_words())
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return frozenset(words)


def _newest(db: str | Path, f: Filters, labelled: list[tuple[str, list[str]]], per_series: int, offset: int = 0
            ) -> pd.DataFrame:
    """The newest `per_series` matches of each series that pass the filters (series, article_id,
    total: how many pass in all)."""
    hits, params = _hits_sql(f)
    return _query(db, f"""
        WITH {hits},
        ranked AS (
            SELECT series, article_id,
                   row_number() OVER (PARTITION BY series ORDER BY day DESC NULLS LAST, article_id) AS n,
                   count(*) OVER (PARTITION BY series) AS total
            FROM hits
        )
        SELECT series, article_id, total FROM ranked WHERE n > ? AND n <= ? ORDER BY series, n
    """, params + [offset, offset + per_series], tables={"matched": _matches_table(labelled)})


def top_words(db: str | Path, f: Filters, labelled: list[tuple[str, list[str]]], limit: int = 30) -> pd.DataFrame:
    """Per series: the words in the most headlines of its matching articles (all of them, not a
    sample), stopwords and one- or two-letter words left out (series, word, articles, share of the
    matches in per cent, matches). Headlines, not bodies: reading the bodies of even 500 matches
    scattered over a million articles took 0.5 s, their headlines 0.04 s; and a headline holds the
    story's own words."""
    hits, params = _hits_sql(f)
    return _query(db, f"""
        WITH {hits},
        sizes AS (SELECT series, count(DISTINCT article_id) AS matches FROM hits GROUP BY series),
        words AS (
            SELECT DISTINCT h.series, h.article_id,
                   unnest(regexp_split_to_array(lower(coalesce(a.title, '')), '[^\\p{{L}}]+')) AS word
            FROM hits AS h JOIN articles AS a USING (article_id)
        ),
        counted AS (
            SELECT series, word, count(*) AS articles
            FROM words ANTI JOIN stop USING (word)
            WHERE length(word) > 2
            GROUP BY series, word
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY series ORDER BY articles DESC, word) AS rank FROM counted
        )
        SELECT r.series, r.word, r.articles, round(100.0 * r.articles / z.matches, 1) AS share_of_matches, z.matches
        FROM ranked AS r JOIN sizes AS z USING (series)
        WHERE r.rank <= ?
        ORDER BY r.series, r.articles DESC, r.word
    """, params + [limit], tables={"matched": _matches_table(labelled),
                                   "stop": pa.table({"word": pa.array(sorted(stopwords()), pa.string())})})


def sample_articles(db: str | Path, f: Filters, ids: list[str], limit: int = 20, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """The newest matching articles that pass the filters (date, outlet, title, url, body,
    article_id) and how many pass in all."""
    newest = _newest(db, f, [("q", ids)], limit, offset)
    total = int(newest["total"].iloc[0]) if len(newest) else 0
    df = _query(db, """
        SELECT published_date AS date, outlet, title, url, body, article_id
        FROM articles WHERE article_id IN (SELECT unnest(?))
        ORDER BY date DESC NULLS LAST, article_id
    """, [newest["article_id"].tolist()])
    return df, total


def matching_article_rows(db: str | Path, f: Filters, ids: list[str], limit: int) -> pd.DataFrame:
    """The download of a search's articles: date, outlet, title, url, article_id, newest first."""
    df, _ = sample_articles(db, f, ids, limit=limit)
    return df.drop(columns=["body"])


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def passage(text: str, words: list[str], width: int = 300) -> str:
    """The first sentence of `text` holding one of `words` (index words or phrases), as HTML with
    the words marked; the text's start when none is found."""
    text = text or ""
    if not words:
        return html.escape(text[:width])
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    pattern = re.compile(r"(?<![^\W_])(" + "|".join(
        r"[^\w]+".join(re.escape(part) for part in w.split()) for w in alternatives) + r")(?![^\W_])",
        re.IGNORECASE)
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0).strip()
        if pattern.search(sentence):
            if len(sentence) > width:
                hit = pattern.search(sentence)
                assert hit is not None
                start = max(0, hit.start() - width // 3)
                sentence = ("…" if start else "") + sentence[start:start + width] + "…"
            out, last = [], 0
            for hit in pattern.finditer(sentence):
                out.append(html.escape(sentence[last:hit.start()]))
                out.append(f"<mark>{html.escape(hit.group(0))}</mark>")
                last = hit.end()
            out.append(html.escape(sentence[last:]))
            return "".join(out)
    return html.escape(text[:width])
