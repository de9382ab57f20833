"""The dashboard's queries: filters in, DataFrames out. Each call opens the warehouse read-only and
closes it at once, so a load can take the write lock between two page refreshes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

import warehouse

SOURCES = {"article": "Article text", "trending": "Trending sidebar"}
ACTOR_KINDS = ("person", "organization")
INTERVALS = {"day": "day", "week": "week", "month": "month"}


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ("article",)
    interval: str = "day"
    outlets: tuple[str, ...] = field(default=())
    count: str = "articles"  # articles: every copy counts; stories: syndicated copies count once


class WarehouseBusy(RuntimeError):
    """A load holds the write lock on the warehouse file."""


def _query(db: str | Path, sql: str, params: list | None = None) -> pd.DataFrame:
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(str(exc)) from exc
        raise
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def overview(db: str | Path) -> dict:
    df = _query(db, """
        SELECT
            (SELECT count(*) FROM articles)                         AS articles,
            (SELECT count(*) FROM trending)                         AS trending_items,
            (SELECT min(event_date) FROM mention_events)            AS first_date,
            (SELECT max(event_date) FROM mention_events)            AS last_date,
            (SELECT min(published_date) FROM articles)              AS first_published,
            (SELECT max(published_date) FROM articles)              AS last_published
    """)
    row = df.iloc[0].to_dict()
    first = [d for d in (row["first_date"], row["first_published"]) if pd.notna(d)]
    last = [d for d in (row["last_date"], row["last_published"]) if pd.notna(d)]
    row["first"] = pd.Timestamp(min(first)).date() if first else None
    row["last"] = pd.Timestamp(max(last)).date() if last else None
    return row


def actor_options(db: str | Path) -> pd.DataFrame:
    """People and organisations, most mentioned first, for the picker (from the load's totals)."""
    return _query(db, """
        SELECT entity, kind, items
        FROM entities
        WHERE kind IN ('person', 'organization')
        ORDER BY items DESC, entity
    """)


def outlet_options(db: str | Path) -> list[str]:
    return _query(db, "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1")["outlet"].tolist()


# The charts read the mentions table directly rather than the mention_events view: an item is the
# pair (article_id, trending rank or 0), so no string is built per row of a table that holds tens of
# millions of rows (measured in bench/scale.py).
_PART_OF_SOURCE = {"article": "m.part <> 'trending'", "trending": "m.part = 'trending'"}


def _where(f: Filters, alias: str = "m") -> tuple[str, list]:
    parts = [_PART_OF_SOURCE[s] for s in f.sources if s in _PART_OF_SOURCE] or ["FALSE"]
    clauses, params = ["(" + " OR ".join(parts) + ")"], []
    if f.start:
        clauses.append("m.event_date >= ?")
        params.append(f.start)
    if f.end:
        clauses.append("m.event_date <= ?")
        params.append(f.end)
    if f.outlets:
        clauses.append("m.outlet IN (SELECT unnest(?))")
        params.append(list(f.outlets))
    return " AND ".join(clauses).replace("m.", f"{alias}."), params


def _selected_items_cte(f: Filters) -> tuple[str, list]:
    """Items (articles or sidebar entries) that pass the filters and mention a chosen actor."""
    where, params = _where(f)
    if f.actors:
        where += " AND m.kind IN ('person', 'organization') AND m.entity IN (SELECT unnest(?))"
        params = params + [list(f.actors)]
    return f"""
        selected_items AS (
            SELECT DISTINCT m.article_id, coalesce(m.trending_rank, 0) AS rank
            FROM mentions AS m
            WHERE {where}
        )""", params


def mentions_over_time(db: str | Path, f: Filters, kinds: tuple[str, ...], top: int = 10) -> pd.DataFrame:
    """Per period and entity: how many of the selected items (or stories) mention it (top entities only)."""
    cte, params = _selected_items_cte(f)
    where, where_params = _where(f)
    interval = INTERVALS.get(f.interval, "day")
    # A story is counted once however many outlets ran it; a sidebar entry is its own story.
    unit = (
        "CASE WHEN m.part = 'trending' THEN m.article_id || '#' || m.trending_rank ELSE coalesce(m.story_id, m.article_id) END"
        if f.count == "stories"
        else "(m.article_id, coalesce(m.trending_rank, 0))"
    )
    sql = f"""
        WITH {cte},
        matching AS (
            SELECT m.event_date, m.kind, m.entity, m.entity_code, {unit} AS unit_id
            FROM mentions AS m
            SEMI JOIN selected_items AS s
                ON s.article_id = m.article_id AND s.rank = coalesce(m.trending_rank, 0)
            WHERE {where} AND m.kind IN (SELECT unnest(?)) AND m.event_date IS NOT NULL
        ),
        top_entities AS (
            SELECT entity
            FROM matching
            GROUP BY entity
            ORDER BY count(DISTINCT unit_id) DESC, entity
            LIMIT ?
        )
        SELECT
            CAST(date_trunc('{interval}', m.event_date) AS DATE) AS period,
            m.kind,
            m.entity,
            any_value(m.entity_code)      AS entity_code,
            count(DISTINCT m.unit_id)     AS items
        FROM matching AS m
        JOIN top_entities USING (entity)
        GROUP BY ALL
        ORDER BY period, items DESC, entity
    """
    return _query(db, sql, params + where_params + [list(kinds), top])


def matching_articles(db: str | Path, f: Filters, limit: int = 500) -> pd.DataFrame:
    cte, params = _selected_items_cte(f)
    sql = f"""
        WITH {cte},
        article_ids AS (
            SELECT DISTINCT article_id FROM selected_items
        )
        SELECT a.published_date AS date, a.outlet, a.title, a.url
        FROM articles AS a
        JOIN article_ids USING (article_id)
        ORDER BY a.published_date DESC NULLS LAST, a.title
        LIMIT ?
    """
    return _query(db, sql, params + [limit])
