"""The entity registry: one entity per person, organisation and place across the whole warehouse.

Extraction names each actor as its article writes it (`Prabowo`, `KPK`, `Jogja`); the registry
groups those names into entities at the end of every load (`resolution.py` decides, with a reason
for every name) and points every mention at its entity. The grouping is a pure function of the
names, their counts and which organisation names articles write together; `build` applies it to a
warehouse in one transaction.
"""
from __future__ import annotations

import duckdb

from .name_forms import key
from .resolution import Entity, NameCount, Resolved, Together, blocked, entity_id, overrides
from .resolution import resolve as resolve_with_reasons

__all__ = ["Entity", "NameCount", "Together", "blocked", "build", "entity_id", "key", "overrides", "resolve"]


def resolve(names: list[NameCount], together: list[Together] | None = None) -> dict[tuple[str, str], Entity]:
    """Every (kind, name) to its entity."""
    return {k: r.entity for k, r in resolve_with_reasons(names, together or ()).items()}


# ---------------------------------------------------------------------------------------------
# Applying it to a warehouse


# One-word organisation names and the longer ones written in the same articles (text, not sidebars),
# in two articles or more: the evidence that `Kemenhan` is `Kementerian Pertahanan` (resolution.py).
_TOGETHER_SQL = """
    WITH org_names AS (
        SELECT DISTINCT article_id, coalesce(name, entity) AS name
        FROM mentions
        WHERE kind = 'organization' AND part <> 'trending'
    ),
    short_names AS (
        SELECT * FROM org_names WHERE name NOT LIKE '% %' AND length(name) BETWEEN 3 AND 15
    ),
    long_names AS (
        SELECT * FROM org_names WHERE name LIKE '% %' AND name NOT LIKE '%(%'
    )
    SELECT s.name, l.name, count(*) AS articles
    FROM short_names AS s
    JOIN long_names AS l USING (article_id)
    WHERE lower(l.name[1]) = lower(s.name[1])
    GROUP BY ALL
    HAVING count(*) >= 2
    ORDER BY 1, 2
"""


def build(con: duckdb.DuckDBPyConnection) -> int:
    """Group every person, organisation and place name in `mentions` into entities, point each
    mention at its entity, and rebuild `entity_aliases` and `entities`. One transaction on the
    caller's connection; returns the number of entities."""
    import pyarrow as pa

    rows = con.execute(
        "SELECT kind, coalesce(name, entity), count(DISTINCT article_id) FROM mentions "
        "WHERE kind IN ('person', 'organization', 'place') GROUP BY ALL "
        # Ordered: the grouping below depends on the order it meets names in, and a parallel GROUP
        # BY returns them in any order (two loads of the same files gave different entities).
        "ORDER BY 1, 2"
    ).fetchall()
    observed = {(k, n): a for k, n, a in rows}
    together = [Together(s, long_name, a) for s, long_name, a in con.execute(_TOGETHER_SQL).fetchall()]
    mapping: dict[tuple[str, str], Resolved] = resolve_with_reasons([NameCount(k, n, a) for k, n, a in rows], together)
    items = sorted(mapping.items())
    aliases = pa.table({
        "kind": [k for (k, _), _ in items],
        "alias": [n for (_, n), _ in items],
        "entity_id": pa.array([r.entity.entity_id for _, r in items], pa.int64()),
        "entity": [r.entity.name for _, r in items],
        "region": [r.entity.region for _, r in items],
        "articles": pa.array([observed.get(kn, 0) for kn, _ in items], pa.int64()),
        "reason": [r.reason for _, r in items],
    })
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM entity_aliases")
        con.register("incoming_aliases", aliases)
        con.execute("INSERT INTO entity_aliases BY NAME SELECT * FROM incoming_aliases")
        con.unregister("incoming_aliases")
        # Only mentions whose entity changed are rewritten: on a warm warehouse that is a few rows.
        con.execute("""
            UPDATE mentions SET entity = a.entity, entity_id = a.entity_id
            FROM entity_aliases AS a
            WHERE mentions.kind = a.kind AND coalesce(mentions.name, mentions.entity) = a.alias
              AND (mentions.entity_id IS DISTINCT FROM a.entity_id OR mentions.entity <> a.entity)
        """)
        con.execute("DELETE FROM entities")
        con.execute("""
            INSERT INTO entities BY NAME
            WITH mention_totals AS (
                SELECT entity_id, kind, entity,
                       min(entity_code)                                         AS entity_code,
                       count(DISTINCT article_id) FILTER (WHERE part <> 'trending') AS articles,
                       sum(n)                                                   AS occurrences,
                       min(event_date)                                          AS first_date,
                       max(event_date)                                          AS last_date
                FROM mentions
                GROUP BY entity_id, kind, entity
            ),
            trending_totals AS (
                -- A trending item is a headline of an outlet on a day, however many pages it sat beside.
                SELECT m.entity_id, m.kind, m.entity, count(DISTINCT t.trending_item_id) AS trending_items
                FROM mentions AS m
                JOIN trending_entries AS t ON t.article_id = m.article_id AND t.rank = m.trending_rank
                WHERE m.part = 'trending'
                GROUP BY ALL
            ),
            totals AS (
                SELECT mt.*, mt.articles + coalesce(tt.trending_items, 0) AS items
                FROM mention_totals AS mt
                LEFT JOIN trending_totals AS tt USING (entity_id, kind, entity)
            ),
            names AS (
                SELECT entity_id,
                       list(alias ORDER BY articles DESC, alias) FILTER (WHERE articles > 0) AS aliases,
                       min(region)                                              AS region
                FROM entity_aliases
                GROUP BY entity_id
            )
            SELECT t.*, n.region, coalesce(n.aliases, [t.entity]) AS aliases
            FROM totals AS t
            LEFT JOIN names AS n USING (entity_id)
        """)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    row = con.execute("SELECT count(*) FROM entities").fetchone()
    return int(row[0]) if row else 0
