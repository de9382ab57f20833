"""Queries of the Outlets page: the current selection per outlet over time, and each outlet's share."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.queries import (
    INTERVALS,
    Filters,
    _query,
    _range_clauses,
    _selected_cte,
    auto_interval,
    periods_sql,
)


def per_outlet(db: str | Path, f: Filters) -> pd.DataFrame:
    """Per period and outlet: the selected items (articles or trending items that pass the filters
    and mention a chosen actor, when actors are chosen), the outlet's items of the period in all, the
    share of the outlet's output (per cent) and the outlet's share of the selection (per cent);
    every period of the range present for every outlet with any."""
    interval = f.interval if f.interval in INTERVALS else auto_interval(f.start, f.end)
    clauses, params = _range_clauses(f, "event_date", "outlet", dated=True)
    where = " AND ".join(clauses) or "TRUE"
    all_items = f"""all_items AS (
            SELECT CAST(date_trunc('{interval}', event_date) AS DATE) AS period, outlet, sum(items) AS outlet_items
            FROM daily_items
            WHERE source IN (SELECT unnest(?)) AND outlet IS NOT NULL AND {where}
            GROUP BY ALL
        )"""
    all_params = [list(f.sources)] + params
    if f.actors:
        selected, p1 = _selected_cte(f)
        chosen = f"""{selected},
        chosen_items AS (
            SELECT CAST(date_trunc('{interval}', event_date) AS DATE) AS period, outlet, count(DISTINCT unit_id) AS items
            FROM selected WHERE outlet IS NOT NULL AND event_date IS NOT NULL
            GROUP BY ALL
        )"""
    else:
        chosen, p1 = "chosen_items AS (SELECT period, outlet, outlet_items AS items FROM all_items)", []
    df = _query(db, f"""
        WITH {all_items},
        {chosen},
        outlets AS (SELECT DISTINCT outlet FROM chosen_items),
        bounds AS (
            SELECT coalesce(CAST(? AS DATE), (SELECT min(period) FROM chosen_items)) AS first_day,
                   coalesce(CAST(? AS DATE), (SELECT max(period) FROM chosen_items)) AS last_day
        ),
        {periods_sql(interval)},
        period_selection AS (SELECT period, sum(items) AS selection FROM chosen_items GROUP BY period)
        SELECT p.period, o.outlet, coalesce(c.items, 0) AS items, coalesce(a.outlet_items, 0) AS outlet_items,
               round(100.0 * coalesce(c.items, 0) / nullif(a.outlet_items, 0), 3) AS share_of_outlet,
               round(100.0 * coalesce(c.items, 0) / nullif(s.selection, 0), 3) AS share_of_selection
        FROM periods AS p CROSS JOIN outlets AS o
        LEFT JOIN chosen_items AS c ON c.period = p.period AND c.outlet = o.outlet
        LEFT JOIN all_items AS a ON a.period = p.period AND a.outlet = o.outlet
        LEFT JOIN period_selection AS s ON s.period = p.period
        ORDER BY o.outlet, p.period
    """, all_params + p1 + [f.start, f.end])
    for column in ("items", "outlet_items"):
        df[column] = df[column].astype("int64")
    for column in ("share_of_outlet", "share_of_selection"):
        df[column] = df[column].astype("float64").fillna(0.0)
    return df


def outlet_totals(per: pd.DataFrame) -> pd.DataFrame:
    """Over the whole range, per outlet: selected items, all its items, and both shares."""
    if per.empty:
        return pd.DataFrame(columns=["outlet", "items", "outlet_items", "share_of_outlet", "share_of_selection"])
    t = per.groupby("outlet", as_index=False)[["items", "outlet_items"]].sum()
    whole = t["items"].sum()
    t["share_of_outlet"] = (100.0 * t["items"] / t["outlet_items"].where(t["outlet_items"] > 0)).round(3).fillna(0.0)
    t["share_of_selection"] = (100.0 * t["items"] / whole).round(3) if whole else 0.0
    return t.sort_values(["items", "outlet"], ascending=[False, True]).reset_index(drop=True)
