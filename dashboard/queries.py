"""The dashboard's queries: filters in, DataFrames out. Each call opens the warehouse read-only and
closes it at once, so a load can take the write lock between two page refreshes.

What is counted (the same in every chart, table and download):
- an **article** for a mention in its title, caption or body (or its **story** when syndicated copies
  count once);
- a **trending item** for a mention in a sidebar headline: one distinct headline of one outlet on one
  day (`trending_entries` in warehouse/views.sql), however many pages it was seen beside.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

SOURCES = {"article": "Article text", "trending": "Trending sidebar"}
ACTOR_KINDS = ("person", "organization")
INTERVALS = ("day", "week", "month")
# Dates a page can carry by mistake: before this, or after the day the page was fetched
# (warehouse/views.sql: article_dates, which flags them).
EARLIEST_PLAUSIBLE = date(1995, 1, 1)
# The default date range leaves out the earliest stray dates: it starts where all but this share of
# the dated items lie (13 archive articles of 2013-2014 stretched a 2015-2026 corpus back to 2013).
STRAY_SHARE = 0.001
ARTICLES_DOWNLOAD_LIMIT = 50_000


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ("article",)
    interval: str = "day"
    outlets: tuple[str, ...] = field(default=())
    count: str = "articles"  # articles: every copy counts; stories: syndicated copies count once
    measure: str = "count"   # count, or share: per cent of all items of the period (same outlets, same sources)
    top: int = 10
    undated: bool = False    # articles without a publish date are included in tables and totals
    page: tuple = ()         # the page's own settings, as (name, value) pairs: search queries, the profiled actor...

    def setting(self, name: str, default=None):
        return dict(self.page).get(name, default)


class WarehouseBusy(RuntimeError):
    """A load holds the write lock on the warehouse file."""


def _query(db: str | Path, sql: str, params: list | None = None, tables: dict | None = None) -> pd.DataFrame:
    """Run one read-only query; `tables` are Arrow tables (or DataFrames) it may read by name."""
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(str(exc)) from exc
        raise
    try:
        for name, table in (tables or {}).items():
            con.register(name, table)
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def auto_interval(start: date | None, end: date | None) -> str:
    """Day up to about 3 months, week up to about 2 years, then month."""
    if not start or not end:
        return "month"
    days = (end - start).days
    return "day" if days <= 92 else "week" if days <= 731 else "month"


def overview(db: str | Path) -> dict:
    """What the warehouse holds, and the default date range (plausible dates, strays left out)."""
    df = _query(db, f"""
        WITH article_dates AS (
            SELECT published_date, date_flag IS NOT NULL AS odd FROM article_dates
        ),
        plausible AS (
            SELECT published_date AS day FROM article_dates WHERE published_date IS NOT NULL AND NOT odd
            UNION ALL
            SELECT DISTINCT observed_date FROM trending WHERE observed_date IS NOT NULL
        )
        SELECT
            (SELECT count(*) FROM article_dates)                                  AS articles,
            (SELECT count(*) FROM article_dates WHERE published_date IS NULL)     AS undated,
            (SELECT count(*) FROM article_dates WHERE odd)                        AS odd_dates,
            (SELECT count(*) FROM trending)                                       AS trending_entries,
            (SELECT count(DISTINCT trending_item_id) FROM trending_entries)       AS trending_items,
            (SELECT count(DISTINCT article_id) FROM trending)                     AS pages_with_trending,
            (SELECT count(DISTINCT day) FROM plausible)                           AS days,
            (SELECT min(day) FROM plausible)                                      AS first,
            (SELECT max(day) FROM plausible)                                      AS last,
            (SELECT quantile_disc(day, {STRAY_SHARE}) FROM plausible)             AS default_first,
            (SELECT min(published_date) FROM articles)                            AS first_any,
            (SELECT max(published_date) FROM articles)                            AS last_any
    """)
    row = {k: (v.item() if hasattr(v, "item") else v) for k, v in df.iloc[0].to_dict().items()}
    for key in ("first", "last", "default_first", "first_any", "last_any"):
        row[key] = pd.Timestamp(row[key]).date() if pd.notna(row[key]) else None
    if row["first"] is not None:
        row["stray"] = int(_query(db, """
            SELECT count(*) FROM articles WHERE published_date < ?
        """, [row["default_first"]]).iloc[0, 0])
    else:
        row["stray"] = 0
    # The widest range a user can pick: every date in the warehouse, odd ones included.
    dates = [d for d in (row["first"], row["first_any"]) if d]
    row["min_date"] = min(dates) if dates else None
    dates = [d for d in (row["last"], row["last_any"]) if d]
    row["max_date"] = max(dates) if dates else None
    return row


# ---------------------------------------------------------------------------------------------------
# The actor picker: never the whole registry, only what a person can read.

def actor_options(db: str | Path, min_items: int = 3, limit: int = 1000, include: tuple[str, ...] = ()) -> pd.DataFrame:
    """People and organisations seen in at least `min_items` items, most mentioned first, at most
    `limit` of them; plus the names in `include` (the current selection) whatever their count."""
    return _query(db, """
        WITH ranked AS (
            SELECT entity, kind, items
            FROM entities
            WHERE kind IN ('person', 'organization') AND items >= ?
            ORDER BY items DESC, entity
            LIMIT ?
        ),
        included AS (
            SELECT entity, kind, items
            FROM entities
            WHERE kind IN ('person', 'organization') AND entity IN (SELECT unnest(?))
        )
        SELECT entity, any_value(kind) AS kind, max(items) AS items
        FROM (SELECT * FROM ranked UNION ALL SELECT * FROM included)
        GROUP BY entity
        ORDER BY items DESC, entity
    """, [min_items, limit, list(include)])


def count_actors(db: str | Path, min_items: int = 1) -> int:
    return int(_query(db, """
        SELECT count(*) FROM entities WHERE kind IN ('person', 'organization') AND items >= ?
    """, [min_items]).iloc[0, 0])


def search_actors(db: str | Path, text: str, limit: int = 30) -> pd.DataFrame:
    """Actors whose canonical name or any alias matches `text`: whole-name prefix first, then a word
    of the name starting with it, then anywhere; most mentioned first within each."""
    needle = " ".join(text.lower().split())
    if not needle:
        return pd.DataFrame(columns=["entity", "kind", "items"])
    return _query(db, """
        WITH names AS (
            SELECT e.entity, e.kind, e.items, lower(e.entity) AS name FROM entities AS e
            WHERE e.kind IN ('person', 'organization')
            UNION ALL
            SELECT e.entity, e.kind, e.items, lower(a.alias) FROM entity_aliases AS a
            JOIN entities AS e USING (entity_id)
            WHERE e.kind IN ('person', 'organization')
        ),
        matched AS (
            SELECT entity, kind, items,
                   CASE WHEN starts_with(name, ?) THEN 0
                        WHEN contains(' ' || name, ' ' || ?) THEN 1
                        ELSE 2 END AS how
            FROM names
            WHERE contains(name, ?)
        )
        SELECT entity, any_value(kind) AS kind, max(items) AS items, min(how) AS how
        FROM matched
        GROUP BY entity
        ORDER BY how, items DESC, entity
        LIMIT ?
    """, [needle, needle, needle, limit])


def outlet_options(db: str | Path) -> list[str]:
    return _query(db, "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1")["outlet"].tolist()


# ---------------------------------------------------------------------------------------------------
# Charts. They read the mentions table directly (not mention_events): at a million articles a string
# built per row of tens of millions of rows was the cost (bench/scale.py).

def _range_clauses(f: Filters, day: str, outlet: str, *, undated: bool = False, dated: bool = False
                   ) -> tuple[list[str], list]:
    """The date range and outlets of the filters as SQL clauses on the columns `day` and `outlet`.
    undated: rows without a day pass too; dated: without a range, rows need a day."""
    clauses: list[str] = []
    params: list[object] = []
    bounds: list[str] = []
    if f.start:
        bounds.append(f"{day} >= ?")
        params.append(f.start)
    if f.end:
        bounds.append(f"{day} <= ?")
        params.append(f.end)
    if bounds:
        text = " AND ".join(bounds)
        clauses.append(f"(({text}) OR {day} IS NULL)" if undated else text)
    elif dated and not undated:
        clauses.append(f"{day} IS NOT NULL")
    if f.outlets:
        clauses.append(f"{outlet} IN (SELECT unnest(?))")
        params.append(list(f.outlets))
    return clauses, params


def _mention_clauses(f: Filters, alias: str = "m", dated_only: bool = True) -> tuple[str, list]:
    clauses, params = _range_clauses(f, f"{alias}.event_date", f"{alias}.outlet",
                                     undated=f.undated and not dated_only, dated=dated_only)
    return " AND ".join(clauses) or "TRUE", params


def _units_cte(f: Filters, dated_only: bool = True, kinds: tuple[str, ...] | None = None) -> tuple[str, list]:
    """units: every mention that passes the date, outlet and source filters (and is of `kinds`, when
    given), with the unit it counts for (an article, a story, or a trending item)."""
    where, params = _mention_clauses(f, dated_only=dated_only)
    if kinds is not None:
        where += " AND m.kind IN (SELECT unnest(?))"
        params = params + [list(kinds)]
    article_unit = "coalesce(m.story_id, m.article_id)" if f.count == "stories" else "m.article_id"
    parts, all_params = [], []
    if "article" in f.sources:
        parts.append(f"""
            SELECT m.event_date, m.outlet, m.kind, m.entity, m.entity_id, m.entity_code, m.article_id, {article_unit} AS unit_id
            FROM mentions AS m
            WHERE m.part <> 'trending' AND {where}""")
        all_params += params
    if "trending" in f.sources:
        parts.append(f"""
            SELECT m.event_date, m.outlet, m.kind, m.entity, m.entity_id, m.entity_code, m.article_id, t.trending_item_id AS unit_id
            FROM mentions AS m
            JOIN trending_entries AS t ON t.article_id = m.article_id AND t.rank = m.trending_rank
            WHERE m.part = 'trending' AND {where}""")
        all_params += params
    if not parts:
        parts.append("SELECT NULL::DATE, NULL, NULL, NULL, NULL::BIGINT, NULL, NULL, NULL WHERE FALSE")
    return "units AS (" + "\n            UNION ALL".join(parts) + "\n        )", all_params


def _selected_cte(f: Filters, dated_only: bool = True) -> tuple[str, list]:
    """selected: the units that mention a chosen actor (every unit when no actor is chosen). The
    actors are found by entity id: comparing a BIGINT over millions of rows beats comparing names."""
    if not f.actors:
        return "selected AS (SELECT DISTINCT unit_id FROM units)", []
    g = replace(f, actors=())
    units, params = _units_cte(g, dated_only=dated_only, kinds=ACTOR_KINDS)
    return f"""chosen AS (
            SELECT entity_id FROM entities WHERE kind IN ('person', 'organization') AND entity IN (SELECT unnest(?))
        ),
        {units.replace("units AS (", "actor_units AS (", 1)},
        selected AS MATERIALIZED (
            -- materialised: planned inline, DuckDB built its hash table on the 11M mentions side (1.2 s at 1M)
            SELECT DISTINCT unit_id, event_date, outlet FROM actor_units WHERE entity_id IN (SELECT entity_id FROM chosen)
        )""", [list(f.actors)] + params


def _period_totals_sql(f: Filters, interval: str) -> tuple[str, list]:
    """period_totals: per period, all items of the selection's outlets and sources (the share's base)."""
    clauses, params = _range_clauses(f, "day", "outlet")
    where = " AND ".join(clauses) or "TRUE"
    if f.count != "stories":
        # Articles and trending items add up across days and outlets: the rollup has them.
        return f"""period_totals AS (
            SELECT CAST(date_trunc('{interval}', event_date) AS DATE) AS period, sum(items) AS all_items
            FROM (SELECT event_date AS day, * FROM daily_items)
            WHERE source IN (SELECT unnest(?)) AND {where}
            GROUP BY ALL
        )""", [list(f.sources)] + params
    parts, all_params = [], []
    if "article" in f.sources:
        parts.append("SELECT published_date AS day, outlet, coalesce(story_id, article_id) AS unit_id FROM articles")
    if "trending" in f.sources:
        parts.append("SELECT observed_date AS day, outlet, trending_item_id AS unit_id FROM trending_entries")
    if not parts:
        parts.append("SELECT NULL::DATE AS day, NULL AS outlet, NULL AS unit_id WHERE FALSE")
    for _ in parts:
        all_params += params
    body = " UNION ALL ".join(f"SELECT * FROM ({p}) WHERE day IS NOT NULL AND {where}" for p in parts)
    return f"""period_totals AS (
            SELECT CAST(date_trunc('{interval}', day) AS DATE) AS period, count(DISTINCT unit_id) AS all_items
            FROM ({body})
            GROUP BY ALL
        )""", all_params




def default_range(ov: dict) -> tuple[date, date] | None:
    if ov.get("first") is None:
        return None
    return (ov["default_first"] or ov["first"], ov["last"])


def entity_totals(db: str | Path, f: Filters, kinds: tuple[str, ...], limit: int | None = None) -> pd.DataFrame:
    """Per entity of `kinds`: how many of the selected items mention it over the whole range (entity,
    kind, entity_code, region, items), most first. From the rollup without actors, else counted."""
    if not f.actors and f.count == "articles":
        where, params = _mention_clauses(f, alias="d")
        sql = f"""
            WITH totals AS (
                SELECT d.entity_id, CAST(sum(d.items) AS BIGINT) AS items
                FROM daily_entities AS d
                WHERE d.source IN (SELECT unnest(?)) AND d.kind IN (SELECT unnest(?)) AND {where}
                GROUP BY ALL
            )"""
        params = [list(f.sources), list(kinds)] + params
    else:
        units, p1 = _units_cte(f, kinds=kinds)
        selected, p2 = _selected_cte(f) if f.actors else ("selected AS (SELECT NULL AS unit_id WHERE FALSE)", [])
        restrict = "JOIN selected AS s USING (unit_id)" if f.actors else ""
        sql = f"""
            WITH {units}, {selected},
            totals AS (
                SELECT u.entity_id, count(DISTINCT u.unit_id) AS items
                FROM units AS u {restrict}
                GROUP BY ALL
            )"""
        params = p1 + p2
    return _query(db, sql + f"""
        SELECT e.entity, e.kind, e.entity_code, e.region, t.items
        FROM totals AS t JOIN entities AS e USING (entity_id)
        ORDER BY t.items DESC, e.entity
        {'LIMIT ' + str(int(limit)) if limit else ''}
    """, params)


def periods_sql(interval: str) -> str:
    """periods: every period from the bounds CTE's first_day to last_day (a chart's x axis, zero-filled)."""
    return f"""periods AS (
            SELECT CAST(p AS DATE) AS period
            FROM bounds,
                 range(CAST(date_trunc('{interval}', first_day) AS TIMESTAMP),
                       CAST(last_day AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 {interval}) AS r(p)
        )"""


# Charts and article tables live in their own modules; callers reach them here as before.
from dashboard.article_queries import (  # noqa: E402, F401
    article_page,
    count_matching_articles,
    matching_articles,
    trending_headlines,
    warehouse_contents,
)
from dashboard.chart_queries import CHART_COLUMNS, Chart, chart, charts, mentions_over_time  # noqa: E402, F401
