"""The dashboard's charts: mentions over time per entity, with each period's totals (filters in,
DataFrames out; counted as dashboard/queries.py says)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.query_base import (  # noqa: F401
    INTERVALS,
    Filters,
    _mention_clauses,
    _period_totals_sql,
    _query,
    _selected_cte,
    _units_cte,
    auto_interval,
    periods_sql,
)


@dataclass
class Chart:
    """A chart's rows (period, kind, entity, entity_code, items, all_items, share) and how many
    entities matched in all (the chart keeps the top N)."""
    data: pd.DataFrame
    entities: int
    interval: str


CHART_COLUMNS = ["period", "kind", "entity", "entity_code", "items", "all_items", "share"]


def mentions_over_time(db: str | Path, f: Filters, kinds: tuple[str, ...], top: int | None = None) -> pd.DataFrame:
    return chart(db, f, kinds, top).data


def chart(db: str | Path, f: Filters, kinds: tuple[str, ...], top: int | None = None) -> Chart:
    return charts(db, f, {"chart": kinds}, top)["chart"]


def charts(db: str | Path, f: Filters, groups: dict[str, tuple[str, ...]], top: int | None = None,
           rollup: bool | None = None) -> dict[str, Chart]:
    """For each group of kinds (a chart), per period and entity (the group's top N by items over the
    range): how many of the selected units mention it, every period of the range present (0 when
    nothing), and its share of all items of the period in per cent. One query for all the charts.

    Without actors, articles and trending items are summed from the daily rollup; with actors, or
    counting stories, they are counted from the mentions (`rollup=False` forces that, for tests)."""
    top = top or f.top
    interval = f.interval if f.interval in INTERVALS else auto_interval(f.start, f.end)
    kinds = tuple(k for ks in groups.values() for k in ks)
    group_of = "CASE " + " ".join(f"WHEN kind = '{k}' THEN '{g}'" for g, ks in groups.items() for k in ks) + " END"
    if rollup is None:
        rollup = not f.actors and f.count == "articles"
    if rollup:
        where, p1 = _mention_clauses(f, alias="d")
        source = f"""
        matching AS MATERIALIZED (
            SELECT d.event_date, d.kind, d.entity_id, d.entity, d.entity_code, d.items, {group_of} AS grp
            FROM daily_entities AS d
            WHERE d.source IN (SELECT unnest(?)) AND d.kind IN (SELECT unnest(?)) AND {where}
        ),
        entity_totals AS (
            SELECT grp, entity_id, any_value(entity) AS entity, any_value(kind) AS kind,
                   any_value(entity_code) AS entity_code, sum(items) AS total
            FROM matching GROUP BY grp, entity_id
        ),"""
        params = [list(f.sources), list(kinds)] + p1
        count_sql = "sum(m.items)"
    else:
        units, p1 = _units_cte(f, kinds=kinds)
        selected, p2 = _selected_cte(f) if f.actors else ("selected AS (SELECT NULL AS unit_id WHERE FALSE)", [])
        restrict = "JOIN selected AS s USING (unit_id)" if f.actors else ""  # selected is distinct
        source = f"""
        {units},
        {selected},
        matching AS MATERIALIZED (
            SELECT u.event_date, u.kind, u.entity_id, u.entity, u.entity_code, u.unit_id, {group_of} AS grp
            FROM units AS u
            {restrict}
        ),
        entity_totals AS (
            SELECT grp, entity_id, any_value(entity) AS entity, any_value(kind) AS kind,
                   any_value(entity_code) AS entity_code, count(DISTINCT unit_id) AS total
            FROM matching GROUP BY grp, entity_id
        ),"""
        params = p1 + p2
        count_sql = "count(DISTINCT m.unit_id)"
    totals, p3 = _period_totals_sql(f, interval)
    sql = f"""
        WITH {source}
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY grp ORDER BY total DESC, entity) AS rank,
                   count(*) OVER (PARTITION BY grp) AS entities
            FROM entity_totals
        ),
        top_entities AS (SELECT * FROM ranked WHERE rank <= ?),
        counts AS (
            SELECT m.grp, CAST(date_trunc('{interval}', m.event_date) AS DATE) AS period, m.entity_id,
                   {count_sql} AS items
            FROM matching AS m
            SEMI JOIN top_entities AS e ON e.grp = m.grp AND e.entity_id = m.entity_id
            GROUP BY ALL
        ),
        bounds AS (
            SELECT coalesce(CAST(? AS DATE), min(event_date)) AS first_day,
                   coalesce(CAST(? AS DATE), max(event_date)) AS last_day
            FROM matching
        ),
        periods AS (
            SELECT CAST(p AS DATE) AS period
            FROM bounds,
                 range(CAST(date_trunc('{interval}', first_day) AS TIMESTAMP),
                       CAST(last_day AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 {interval}) AS r(p)
        ),
        {totals}
        SELECT
            e.grp,
            p.period,
            e.kind,
            e.entity,
            e.entity_code,
            coalesce(c.items, 0)                                    AS items,
            coalesce(t.all_items, 0)                                AS all_items,
            round(100.0 * coalesce(c.items, 0) / nullif(t.all_items, 0), 3) AS share,
            e.entities
        FROM periods AS p
        CROSS JOIN top_entities AS e
        LEFT JOIN counts AS c ON c.grp = e.grp AND c.period = p.period AND c.entity_id = e.entity_id
        LEFT JOIN period_totals AS t ON t.period = p.period
        ORDER BY e.grp, p.period, e.rank
    """
    data = _query(db, sql, params + [top, f.start, f.end] + p3)
    out = {}
    for g in groups:
        part = data[data["grp"] == g]
        entities = int(part["entities"].iloc[0]) if len(part) else 0
        part = part[CHART_COLUMNS].reset_index(drop=True)
        part["items"] = part["items"].astype("int64")
        part["all_items"] = part["all_items"].astype("int64")
        part["share"] = part["share"].astype("float64").fillna(0.0)
        out[g] = Chart(data=part, entities=entities, interval=interval)
    return out
