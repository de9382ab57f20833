"""The dashboard's queries: filters in, DataFrames out. Each call opens the warehouse read-only and
closes it at once, so a load can take the write lock between two page refreshes.

What is counted (the same in every chart, table and download):
- an **article** for a mention in its title, caption or body (or its **story** when syndicated copies
  count once);
- a **trending item** for a mention in a sidebar headline: one distinct headline of one outlet on one
  day (`trending_entries` in warehouse/views.sql), however many pages it was seen beside.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from dashboard.query_base import (  # noqa: F401  (the shared pieces, reached here as before)
    ACTOR_KINDS,
    ARTICLES_DOWNLOAD_LIMIT,
    EARLIEST_PLAUSIBLE,
    INTERVALS,
    SOURCES,
    STRAY_SHARE,
    Filters,
    WarehouseBusy,
    _mention_clauses,
    _period_totals_sql,
    _query,
    _range_clauses,
    _selected_cte,
    _units_cte,
    auto_interval,
    periods_sql,
)


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




# Charts and article tables live in their own modules; callers reach them here as before.
from dashboard.article_queries import (  # noqa: E402, F401
    article_page,
    count_matching_articles,
    matching_articles,
    trending_headlines,
    warehouse_contents,
)
from dashboard.chart_queries import CHART_COLUMNS, Chart, chart, charts, mentions_over_time  # noqa: E402, F401
