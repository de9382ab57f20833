"""Queries of the Trending page: each outlet's "Berita Trending" sidebar over time (warehouse/views.sql:
trending_items), and what is trending against what the articles cover."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.queries import Filters, _query, _range_clauses


def outlets(db: str | Path) -> pd.DataFrame:
    """Outlets with a trending sidebar (outlet, trending items, days), most items first."""
    return _query(db, """
        SELECT outlet, count(*) AS items, count(DISTINCT observed_date) AS days
        FROM trending_items WHERE outlet IS NOT NULL AND observed_date IS NOT NULL
        GROUP BY outlet ORDER BY items DESC, outlet
    """)


def trajectories(db: str | Path, f: Filters, outlet: str, top: int = 10) -> pd.DataFrame:
    """The outlet's `top` headlines of the range that stayed the most days, with their best rank on
    each day they were seen (day, headline, rank, pages, days)."""
    clauses, params = _range_clauses(replace(f, outlets=()), "observed_date", "outlet", dated=True)
    where = " AND ".join(clauses) or "TRUE"
    return _query(db, f"""
        WITH seen AS (
            SELECT observed_date AS day, headline_key, headline, best_rank, pages
            FROM trending_items
            WHERE outlet = ? AND {where}
        ),
        longest AS (
            SELECT headline_key, count(DISTINCT day) AS days, min(best_rank) AS top_rank, mode(headline) AS headline
            FROM seen GROUP BY headline_key
            ORDER BY days DESC, top_rank, headline_key
            LIMIT ?
        )
        SELECT s.day, l.headline, min(s.best_rank) AS rank, CAST(sum(s.pages) AS BIGINT) AS pages, l.days
        FROM seen AS s JOIN longest AS l USING (headline_key)
        GROUP BY s.day, l.headline, l.days
        ORDER BY l.days DESC, l.headline, s.day
    """, [outlet] + params + [top])


def gap(db: str | Path, f: Filters, kinds: tuple[str, ...] = ("person", "organization", "country"),
        min_items: int = 3) -> pd.DataFrame:
    """Per entity of `kinds` seen in at least `min_items` items: its trending items and articles over
    the range, each as a share of all trending items and all articles (same dates and outlets), and
    the gap between the two shares in points (positive: more trending than covered)."""
    clauses, params = _range_clauses(f, "event_date", "outlet", dated=True)
    where = " AND ".join(clauses) or "TRUE"
    return _query(db, f"""
        WITH per_entity AS (
            SELECT entity_id, any_value(kind) AS kind, any_value(entity) AS entity,
                   sum(items) FILTER (WHERE source = 'trending') AS trending_items,
                   sum(items) FILTER (WHERE source = 'article') AS articles
            FROM daily_entities
            WHERE kind IN (SELECT unnest(?)) AND {where}
            GROUP BY entity_id
        ),
        base AS (
            SELECT sum(items) FILTER (WHERE source = 'trending') AS all_trending,
                   sum(items) FILTER (WHERE source = 'article') AS all_articles
            FROM daily_items WHERE {where}
        )
        SELECT kind, entity,
               coalesce(trending_items, 0) AS trending_items,
               round(100.0 * coalesce(trending_items, 0) / nullif(all_trending, 0), 3) AS trending_share,
               coalesce(articles, 0) AS articles,
               round(100.0 * coalesce(articles, 0) / nullif(all_articles, 0), 3) AS article_share,
               round(100.0 * coalesce(trending_items, 0) / nullif(all_trending, 0)
                     - 100.0 * coalesce(articles, 0) / nullif(all_articles, 0), 3) AS gap_points
        FROM per_entity, base
        WHERE coalesce(trending_items, 0) + coalesce(articles, 0) >= ?
        ORDER BY gap_points DESC, entity
    """, [list(kinds)] + params + params + [min_items])


def headlines(db: str | Path, f: Filters, outlet: str, limit: int = 200) -> tuple[pd.DataFrame, int]:
    """The outlet's trending headlines of the range, most days first (headline, first and last seen,
    days, pages, best rank, and the people, organisations and countries each names), and how many
    there are in all."""
    clauses, params = _range_clauses(replace(f, outlets=()), "observed_date", "outlet", dated=True)
    where = " AND ".join(clauses) or "TRUE"
    df = _query(db, f"""
        WITH items AS (
            SELECT * FROM trending_items WHERE outlet = ? AND {where}
        ),
        per_headline AS (
            SELECT headline_key, mode(headline) AS headline, min(observed_date) AS first_seen,
                   max(observed_date) AS last_seen, count(DISTINCT observed_date) AS days,
                   CAST(sum(pages) AS BIGINT) AS pages, min(best_rank) AS best_rank
            FROM items GROUP BY headline_key
        ),
        named AS (
            -- what the extractor found in the headline, on any page it sat beside
            SELECT t.headline_key,
                   list(DISTINCT m.entity ORDER BY m.entity) FILTER (WHERE m.kind IN ('person', 'organization')) AS actors,
                   list(DISTINCT m.entity ORDER BY m.entity) FILTER (WHERE m.kind = 'country') AS countries
            FROM trending_entries AS t
            JOIN mentions AS m ON m.article_id = t.article_id AND m.trending_rank = t.rank AND m.part = 'trending'
            WHERE t.outlet = ? AND t.headline_key IN (SELECT headline_key FROM per_headline)
            GROUP BY t.headline_key
        )
        SELECT h.headline, h.first_seen, h.last_seen, h.days, h.pages, h.best_rank,
               array_to_string(coalesce(n.actors, []), '; ') AS actors,
               array_to_string(coalesce(n.countries, []), '; ') AS countries,
               count(*) OVER () AS total
        FROM per_headline AS h LEFT JOIN named AS n USING (headline_key)
        ORDER BY h.days DESC, h.pages DESC, h.last_seen DESC, h.headline
        LIMIT ?
    """, [outlet] + params + [outlet, limit])
    total = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns=["total"]), total
