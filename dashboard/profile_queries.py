"""Queries of the Actor profile page: one canonical actor (a person or an organisation) in, its
record out. Dates and outlets of the sidebar apply; counts are articles (mentions in title, caption
or body) and trending items (a headline of an outlet on a day)."""
from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dashboard.queries import INTERVALS, Filters, _query, _range_clauses, auto_interval, periods_sql

EVIDENCE_ARTICLES = 40
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]?")


def actor(db: str | Path, name: str) -> dict | None:
    """The registry's row of a person or organisation by canonical name."""
    df = _query(db, """
        SELECT entity_id, kind, entity, aliases, items, articles, first_date, last_date
        FROM entities WHERE kind IN ('person', 'organization') AND entity = ?
        ORDER BY items DESC LIMIT 1
    """, [name])
    return df.iloc[0].to_dict() if len(df) else None


def over_time(db: str | Path, f: Filters, entity_id: int) -> pd.DataFrame:
    """Per period: articles and trending items that mention the actor (period, source, items),
    every period of the range present."""
    interval = f.interval if f.interval in INTERVALS else auto_interval(f.start, f.end)
    clauses, params = _range_clauses(f, "d.event_date", "d.outlet", dated=True)
    where = " AND ".join(clauses) or "TRUE"
    df = _query(db, f"""
        WITH counts AS (
            SELECT CAST(date_trunc('{interval}', d.event_date) AS DATE) AS period, d.source, sum(d.items) AS items
            FROM daily_entities AS d
            WHERE d.entity_id = ? AND {where}
            GROUP BY ALL
        ),
        bounds AS (
            SELECT coalesce(CAST(? AS DATE), (SELECT min(period) FROM counts)) AS first_day,
                   coalesce(CAST(? AS DATE), (SELECT max(period) FROM counts)) AS last_day
        ),
        {periods_sql(interval)},
        sources AS (SELECT unnest(['article', 'trending']) AS source)
        SELECT p.period, s.source, coalesce(c.items, 0) AS items
        FROM periods AS p CROSS JOIN sources AS s
        LEFT JOIN counts AS c ON c.period = p.period AND c.source = s.source
        ORDER BY s.source, p.period
    """, [entity_id] + params + [f.start, f.end])
    df["items"] = df["items"].astype("int64")
    return df


def _articles_cte(f: Filters) -> tuple[str, list]:
    clauses, params = _range_clauses(f, "m.event_date", "m.outlet", dated=True)
    where = " AND ".join(clauses) or "TRUE"
    return f"""its_articles AS MATERIALIZED (
            SELECT DISTINCT m.article_id, m.outlet
            FROM mentions AS m
            WHERE m.entity_id = ? AND m.part <> 'trending' AND {where}
        )""", params


def companions(db: str | Path, f: Filters, entity_id: int, limit: int = 15) -> pd.DataFrame:
    """What comes with the actor in its articles: per kind (person, organization, country, place,
    topic, and outlet) the names in most of them (kind, entity, articles, share of its articles)."""
    cte, params = _articles_cte(f)
    return _query(db, f"""
        WITH {cte},
        total AS (SELECT count(*) AS n FROM its_articles),
        co AS (
            SELECT m.kind, any_value(m.entity) AS entity, count(DISTINCT m.article_id) AS articles
            FROM mentions AS m SEMI JOIN its_articles USING (article_id)
            WHERE m.part <> 'trending' AND m.entity_id IS DISTINCT FROM ?
            GROUP BY m.kind, m.entity_id
            UNION ALL
            SELECT 'outlet', outlet, count(*) FROM its_articles WHERE outlet IS NOT NULL GROUP BY outlet
        ),
        ranked AS (SELECT *, row_number() OVER (PARTITION BY kind ORDER BY articles DESC, entity) AS rank FROM co)
        SELECT kind, entity, articles, round(100.0 * articles / nullif((SELECT n FROM total), 0), 1) AS share_of_its_articles
        FROM ranked WHERE rank <= ?
        ORDER BY kind, articles DESC, entity
    """, [entity_id] + params + [entity_id, limit])


def variants(db: str | Path, f: Filters, entity_id: int) -> pd.DataFrame:
    """The names articles use for the actor (name, articles), with the registry's known aliases and
    why each belongs to it (entity_aliases.reason)."""
    cte, params = _articles_cte(f)
    return _query(db, f"""
        WITH {cte},
        used AS (
            SELECT m.name, count(DISTINCT m.article_id) AS articles
            FROM mentions AS m SEMI JOIN its_articles USING (article_id)
            WHERE m.entity_id = ? AND m.name IS NOT NULL
            GROUP BY m.name
        ),
        known AS (
            SELECT alias AS name, max(articles) AS in_registry, min(reason) AS why
            FROM entity_aliases WHERE entity_id = ? GROUP BY alias
        )
        SELECT coalesce(u.name, k.name) AS name, coalesce(u.articles, 0) AS articles_in_range,
               coalesce(k.in_registry, 0) AS articles_all_time, k.why
        FROM used AS u FULL JOIN known AS k USING (name)
        ORDER BY articles_in_range DESC, articles_all_time DESC, name
    """, [entity_id] + params + [entity_id, entity_id])


def evidence(db: str | Path, f: Filters, entity_id: int, articles: int = EVIDENCE_ARTICLES) -> pd.DataFrame:
    """The sentences that mention the actor in its newest articles (date, outlet, title, url, name,
    sentence, marked: the sentence as HTML with the name marked), one row per sentence."""
    cte, params = _articles_cte(f)
    rows = _query(db, f"""
        WITH {cte},
        names AS (
            SELECT article_id, list(DISTINCT name) AS names
            FROM mentions SEMI JOIN its_articles USING (article_id)
            WHERE entity_id = ? AND name IS NOT NULL
            GROUP BY article_id
        )
        SELECT a.published_date AS date, a.outlet, a.title, a.url, a.body, n.names
        FROM articles AS a JOIN names AS n USING (article_id)
        ORDER BY a.published_date DESC NULLS LAST, a.article_id
        LIMIT ?
    """, [entity_id] + params + [entity_id, articles])
    out = []
    for r in rows.itertuples():
        names = sorted({str(n) for n in (r.names if r.names is not None else []) if n}, key=len, reverse=True)
        if not names:
            continue
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
        for m in _SENTENCES.finditer(r.body or ""):
            sentence = m.group(0).strip()
            hit = pattern.search(sentence)
            if not hit:
                continue
            marked, last = [], 0
            for h in pattern.finditer(sentence):
                marked.append(html.escape(sentence[last:h.start()]) + f"<mark>{html.escape(h.group(0))}</mark>")
                last = h.end()
            marked.append(html.escape(sentence[last:]))
            out.append({"date": r.date, "outlet": r.outlet, "title": r.title, "url": r.url, "name": hit.group(0),
                        "sentence": sentence, "marked": "".join(marked)})
    return pd.DataFrame(out, columns=["date", "outlet", "title", "url", "name", "sentence", "marked"])


def top_actors(db: str | Path, limit: int = 30) -> pd.DataFrame:
    return _query(db, """
        SELECT entity, kind, items FROM entities WHERE kind IN ('person', 'organization')
        ORDER BY items DESC, entity LIMIT ?
    """, [limit])


def profile_filters(f: Filters, name: str) -> Filters:
    """The trending headlines of the actor use the overview's query with the actor as the only pick."""
    return replace(f, actors=(name,), sources=("trending",))
