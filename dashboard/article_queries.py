"""The dashboard's article tables: the matching articles, trending headlines and the warehouse's
contents (filters in, DataFrames out; counted as dashboard/queries.py says)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.query_base import ARTICLES_DOWNLOAD_LIMIT, Filters, _query, _range_clauses, _selected_cte  # noqa: F401


def _article_ids_cte(f: Filters) -> tuple[str, list]:
    """article_ids: the articles that pass the filters (a trending item's host pages are not among
    them: the trending view lists headlines)."""
    g = replace(f, sources=("article",), count="articles")
    if not f.actors:
        clauses, params = _range_clauses(f, "published_date", "outlet", undated=f.undated, dated=True)
        return f"article_ids AS (SELECT article_id FROM articles WHERE {' AND '.join(clauses) or 'TRUE'})", params
    selected, params = _selected_cte(g, dated_only=not f.undated)
    return f"""{selected},
        article_ids AS (SELECT DISTINCT unit_id AS article_id FROM selected)""", params


def count_matching_articles(db: str | Path, f: Filters) -> int:
    if "article" not in f.sources:
        return 0
    cte, params = _article_ids_cte(f)
    return int(_query(db, f"WITH {cte} SELECT count(*) FROM article_ids", params).iloc[0, 0])


def matching_articles(db: str | Path, f: Filters, limit: int = 100, offset: int = 0) -> pd.DataFrame:
    """The articles that pass the filters, newest first (undated last), one page of them."""
    return article_page(db, f, limit, offset)[0]


def article_page(db: str | Path, f: Filters, limit: int = 100, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """One page of the matching articles and how many match in all. Two queries: a window count
    over every match materialised all their titles (0.45 s at 1M against 0.1 s for both)."""
    if "article" not in f.sources:
        return pd.DataFrame(columns=["date", "date_flag", "outlet", "title", "url"]), 0
    cte, params = _article_ids_cte(f)
    df = _query(db, f"""
        WITH {cte}
        SELECT a.published_date AS date, a.outlet, a.title, a.url, a.article_id
        FROM articles AS a
        SEMI JOIN article_ids USING (article_id)
        ORDER BY date DESC NULLS LAST, title, article_id
        LIMIT ? OFFSET ?
    """, params + [limit, offset])
    total = count_matching_articles(db, f) if len(df) or offset else 0
    df.insert(1, "date_flag", _date_flags(db, df))
    return df.drop(columns=["article_id"]), total


def _date_flags(db: str | Path, page: pd.DataFrame) -> list:
    """The date flag (warehouse/views.sql: date_flag) of each article of a page. Looked up for the
    page's ids alone: joining the flags to every match cost 0.3-0.5 s at a million articles."""
    if page.empty:
        return []
    ids = page["article_id"].tolist()
    flags = _query(db, """
        WITH p AS (SELECT unnest(?) AS article_id, unnest(?) AS published),
        v AS (SELECT article_id, fetched_at FROM article_versions WHERE list_contains(?, article_id))
        SELECT p.article_id, date_flag(p.published, v.fetched_at) AS flag
        FROM p LEFT JOIN v USING (article_id)
    """, [ids, [d if pd.notna(d) else None for d in page["date"]], ids])
    by_id = dict(zip(flags["article_id"], flags["flag"]))
    return [by_id.get(i) for i in ids]


def trending_headlines(db: str | Path, f: Filters, limit: int = 200) -> tuple[pd.DataFrame, int]:
    """Trending headlines that pass the filters (outlet, headline, first and last seen, days, pages,
    best rank), most days first, and how many there are in all."""
    g = replace(f, sources=("trending",), count="articles")
    if f.actors:
        selected, params = _selected_cte(g)
        items = f"WITH {selected} SELECT unit_id AS trending_item_id FROM selected"
    else:
        clauses, params = _range_clauses(f, "observed_date", "outlet", dated=True)
        where = " AND ".join(clauses) or "TRUE"
        items = f"SELECT DISTINCT trending_item_id FROM trending_entries WHERE observed_date IS NOT NULL AND {where}"
    df = _query(db, f"""
        WITH chosen AS ({items}),
        headlines AS (
            SELECT outlet, headline_key, mode(headline) AS headline,
                   min(observed_date) AS first_seen, max(observed_date) AS last_seen,
                   count(DISTINCT observed_date) AS days, sum(pages) AS pages, min(best_rank) AS best_rank
            FROM trending_items
            SEMI JOIN chosen USING (trending_item_id)
            GROUP BY outlet, headline_key
        )
        SELECT outlet, headline, first_seen, last_seen, days, pages, best_rank, count(*) OVER () AS total
        FROM headlines
        ORDER BY days DESC, pages DESC, last_seen DESC, headline
        LIMIT ?
    """, params + [limit])
    total = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns=["total"]), total


def warehouse_contents(db: str | Path, limit: int = 20) -> pd.DataFrame:
    """A few articles with what was found in them: for a warehouse too small to chart."""
    return _query(db, """
        WITH found AS (
            SELECT article_id,
                   list(DISTINCT entity ORDER BY entity) FILTER (WHERE kind = 'person' AND part <> 'trending')       AS persons,
                   list(DISTINCT entity ORDER BY entity) FILTER (WHERE kind = 'organization' AND part <> 'trending') AS organisations,
                   list(DISTINCT entity ORDER BY entity) FILTER (WHERE kind = 'country' AND part <> 'trending')      AS countries,
                   list(DISTINCT entity ORDER BY entity) FILTER (WHERE kind = 'place' AND part <> 'trending')        AS places,
                   list(DISTINCT entity ORDER BY entity) FILTER (WHERE kind = 'topic' AND part <> 'trending')        AS topics
            FROM mentions
            GROUP BY article_id
        ),
        sidebars AS (
            SELECT article_id, list(headline ORDER BY rank) AS trending
            FROM trending
            GROUP BY article_id
        )
        SELECT a.published_date AS date, a.outlet, a.title, a.url,
               f.persons, f.organisations, f.countries, f.places, f.topics, s.trending
        FROM articles AS a
        LEFT JOIN found AS f USING (article_id)
        LEFT JOIN sidebars AS s USING (article_id)
        ORDER BY a.published_date DESC NULLS LAST, a.title
        LIMIT ?
    """, [limit])
