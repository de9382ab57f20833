"""What every dashboard query shares: the filters, the read-only query runner, and the SQL pieces
that select mentions, articles and periods (dashboard/queries.py and the page query modules build on
it; nothing here imports them, so any of them can be imported first).

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
from typing import Any

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

    def setting(self, name: str, default: Any = None) -> Any:
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


def periods_sql(interval: str) -> str:
    """periods: every period from the bounds CTE's first_day to last_day (a chart's x axis, zero-filled)."""
    return f"""periods AS (
            SELECT CAST(p AS DATE) AS period
            FROM bounds,
                 range(CAST(date_trunc('{interval}', first_day) AS TIMESTAMP),
                       CAST(last_day AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 {interval}) AS r(p)
        )"""


