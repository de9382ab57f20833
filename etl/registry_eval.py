"""How well the registry makes one actor one entity, on a warehouse: `python -m etl.evaluate registry
GROUPS APART --db FILE` (the groups and pairs of ../shared/eval/registry-dev by default).

Scored as ../shared/eval/registry-dev/score.py does, through the public contract (`mentions`,
`entities`): a group's cohesion is the share of the articles writing any of its names (in text, not
sidebars) whose mention of it lands in the group's largest entity of the right kind (a name typed as
another kind counts against it); a group is whole at 0.95; an apart pair is merged when the main
entities of its two names are one. Also: the most mentioned persons and organisations, with the
pairs among them that look like one actor (the same name without affixes, one an abbreviation or a
short form of the other, one spelling of the other) for a reader to check.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .name_forms import abbreviates, contains_words, key, long_and_acronym, org_core, spelling_key

WHOLE = 0.95


@dataclass
class RegistryScore:
    groups_found: int = 0
    groups_total: int = 0
    mean_cohesion: float = 0.0
    whole: int = 0
    apart_merged: int = 0
    apart_total: int = 0
    per_group: list[dict] = field(default_factory=list)
    merged_pairs: list[str] = field(default_factory=list)
    top: dict[str, list[dict]] = field(default_factory=dict)
    look_alike: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


_GROUP_SQL = """
    SELECT coalesce(CASE WHEN kind = ? THEN CAST(entity_id AS VARCHAR) END, 'other kind: ' || kind) AS e,
           count(DISTINCT article_id) AS n
    FROM mentions
    WHERE lower(name) IN (SELECT unnest(?)) AND part <> 'trending'
      AND kind IN ('person', 'organization', 'place', 'country')
    GROUP BY 1 ORDER BY 2 DESC, 1
"""
_TOTAL_SQL = """
    SELECT count(DISTINCT article_id) FROM mentions
    WHERE lower(name) IN (SELECT unnest(?)) AND part <> 'trending'
      AND kind IN ('person', 'organization', 'place', 'country')
"""
_MAIN_ENTITY_SQL = """
    SELECT entity_id FROM mentions WHERE lower(name) = lower(?) AND part <> 'trending'
    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
"""


def score(db: Path, groups: Path, apart: Path, top: int = 100) -> RegistryScore:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = RegistryScore()
        cohesions = []
        gs = _read_jsonl(groups)
        out.groups_total = len(gs)
        for g in gs:
            names = [n.lower() for n in g["names"]]
            rows = con.execute(_GROUP_SQL, [g["kind"], names]).fetchall()
            total = (con.execute(_TOTAL_SQL, [names]).fetchone() or (0,))[0]
            if not total:
                out.per_group.append({"group": g["names"][0], "articles": 0})
                continue
            out.groups_found += 1
            best = next((n for e, n in rows if not e.startswith("other kind")), 0)
            cohesion = best / total
            cohesions.append(cohesion)
            out.whole += cohesion >= WHOLE
            parts = []
            for e, n in rows[:5]:
                if e.startswith("other kind"):
                    parts.append(f"{e} {n}")
                else:
                    name = con.execute("SELECT entity FROM entities WHERE CAST(entity_id AS VARCHAR) = ?", [e]).fetchone()
                    parts.append(f"{name[0] if name else e} {n}")
            out.per_group.append({"group": g["names"][0], "articles": total, "cohesion": round(cohesion, 3), "entities": parts})
        out.mean_cohesion = round(sum(cohesions) / len(cohesions), 3) if cohesions else 0.0
        pairs = _read_jsonl(apart)
        out.apart_total = len(pairs)
        for p in pairs:
            ids = [con.execute(_MAIN_ENTITY_SQL, [n]).fetchone() for n in (p["a"], p["b"])]
            if ids[0] is not None and ids[1] is not None and ids[0][0] == ids[1][0]:
                out.apart_merged += 1
                out.merged_pairs.append(f"{p['a']} = {p['b']}")
        for kind in ("person", "organization"):
            rows = con.execute("SELECT entity, items, aliases FROM entities WHERE kind = ? ORDER BY items DESC, entity LIMIT ?",
                               [kind, top]).fetchall()
            out.top[kind] = [{"entity": e, "items": n, "aliases": list(a or [])[:4]} for e, n, a in rows]
            out.look_alike += [f"{kind}: {a} / {b}" for a, b in look_alike([e for e, _, _ in rows], kind)]
        return out
    finally:
        con.close()


def look_alike(names: list[str], kind: str) -> list[tuple[str, str]]:
    """Pairs of a list that the registry's own tests would call one actor: the same key in today's
    spelling, the same organisation without affixes, an abbreviation, or (persons) a short form
    written inside the other name."""
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if spelling_key(a) == spelling_key(b) or abbreviates(a, b) or abbreviates(b, a):
                out.append((a, b))
            elif kind == "organization" and org_core((long_and_acronym(a) or (a, ""))[0]) == org_core((long_and_acronym(b) or (b, ""))[0]):
                out.append((a, b))
            elif kind == "person" and (contains_words(a, b) or contains_words(b, a)) and key(a) != key(b):
                out.append((a, b))
    return out


def lines(s: RegistryScore, verbose: bool = False) -> list[str]:
    out = []
    if verbose:
        for g in s.per_group:
            if g["articles"]:
                out.append(f"  {g['cohesion']:4.2f} {g['group']} ({g['articles']} articles): " + "; ".join(g["entities"]))
            else:
                out.append(f"  -- {g['group']}: not in this warehouse")
        out += [f"  MERGED apart pair: {p}" for p in s.merged_pairs]
    out.append(f"registry: {s.groups_found}/{s.groups_total} groups found · mean cohesion {s.mean_cohesion:.2f} · "
               f"whole (>= {WHOLE}) {s.whole}/{s.groups_found} · apart pairs merged {s.apart_merged}/{s.apart_total}")
    n = {k: len(v) for k, v in s.top.items()}
    if s.look_alike:
        out.append(f"top {n.get('person', 0)} persons and {n.get('organization', 0)} organisations: pairs that look like one actor:")
        out += [f"  {p}" for p in s.look_alike]
    else:
        out.append(f"top {n.get('person', 0)} persons and {n.get('organization', 0)} organisations: no two look like one actor")
    return out
