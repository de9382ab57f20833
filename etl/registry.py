"""The entity registry: one entity per person, organisation and place across the whole warehouse.

Extraction names each actor as its article writes it (`Prabowo`, `KPK`, `Jogja`); the registry
groups those names into entities at the end of every load and points every mention at its entity:
- the same name in other capitals or punctuation (`Whatsapp` / `WhatsApp`);
- the lexicons: person_aliases.csv (Jokowi = Joko Widodo), organizations.csv (every listed form of
  an organisation), places.csv (Jogja, DIY -> Yogyakarta, with the province);
- organisations written `Long Form (ACR)`: the long form and, when that long form is what the
  acronym stands for in most articles that spell it out, the acronym (KPK = Komisi Pemberantasan
  Korupsi);
- persons: a one-word name joins the one full name it belongs to when that is unambiguous across the
  corpus (80% of the full names containing it are one person, seen in at least 3 articles), and a
  longer variant (`President Prabowo Subianto`) joins the common name inside it;
- entity_overrides.csv: the user's merges and splits (blocks act at extraction, see extract.py).
The grouping is a pure function of the names and their counts (`resolve`); `build` applies it to a
warehouse in one transaction.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from . import lexicons

KINDS = ("person", "organization", "place")
SHORT_FORM_SHARE = 0.8  # a one-word name joins a full name holding this share of the candidates
SHORT_FORM_MIN_ARTICLES = 3
_LONG_ACR = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")
_PUNCT = re.compile(r"[^\w]+")


def entity_id(kind: str, name: str) -> int:
    """A stable 63-bit id of an entity: the same kind and canonical name give the same id in every
    warehouse and every load."""
    return int.from_bytes(hashlib.sha1(f"{kind}\x1f{name}".encode("utf-8")).digest()[:8], "big") >> 1


@dataclass(frozen=True)
class NameCount:
    kind: str
    name: str
    articles: int


@dataclass(frozen=True)
class Entity:
    entity_id: int
    kind: str
    name: str
    region: str | None = None  # places: the Indonesian province


def key(name: str) -> str:
    """Names that differ only in capitals, accents or punctuation are one name."""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFKC", name).casefold()).split())


@lru_cache(maxsize=1)
def overrides() -> tuple[tuple[str, str, str, str], ...]:
    """(action, kind, name, target) rows of entity_overrides.csv."""
    return tuple(
        (r["action"].lower(), r["kind"].lower(), r["name"], r.get("target", ""))
        for r in lexicons.rows("entity_overrides.csv")
        if r.get("action") and r.get("name")
    )


@lru_cache(maxsize=1)
def blocked() -> frozenset[tuple[str, str]]:
    """(kind, name key) pairs the user blocked; extraction drops them."""
    return frozenset((kind, key(name)) for action, kind, name, _ in overrides() if action == "block")


class _Groups:
    """Union-find over names; `prefer` decides which name of a group is its canonical name."""

    def __init__(self, names: list[NameCount], forbidden: set[frozenset[str]]) -> None:
        self.parent: dict[str, str] = {n.name: n.name for n in names}
        self.articles: dict[str, int] = {n.name: n.articles for n in names}
        self.forbidden = forbidden

    def add(self, name: str) -> None:
        self.parent.setdefault(name, name)
        self.articles.setdefault(name, 0)

    def find(self, name: str) -> str:
        root = name
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[name] != root:
            self.parent[name], name = root, self.parent[name]
        return root

    def union(self, a: str, b: str) -> None:
        if frozenset((key(a), key(b))) in self.forbidden:
            return
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for name in self.parent:
            out[self.find(name)].append(name)
        return out


def resolve(names: list[NameCount]) -> dict[tuple[str, str], Entity]:
    """Every (kind, name) to its entity."""
    out: dict[tuple[str, str], Entity] = {}
    for kind in KINDS:
        of_kind = [n for n in names if n.kind == kind]
        forbidden = {frozenset((key(n), key(t))) for a, k, n, t in overrides() if a == "split" and k == kind}
        groups = _Groups(of_kind, forbidden)
        preferred: dict[str, int] = {}  # name -> priority as canonical (higher wins)
        _same_key(groups, of_kind)
        {"person": _persons, "organization": _organizations, "place": _places}[kind](groups, of_kind, preferred)
        for action, k, name, target in overrides():
            if action == "merge" and k == kind and target:
                groups.union(target, name)
                preferred[target] = 3
        regions = _place_regions() if kind == "place" else {}
        for members in groups.members().values():
            canonical = max(members, key=lambda m: (preferred.get(m, 0), _fullness(kind, m), groups.articles.get(m, 0), m))
            entity = Entity(entity_id(kind, canonical), kind, canonical,
                            next((regions[m] for m in [canonical, *members] if regions.get(m)), None))
            for m in members:
                out[(kind, m)] = entity
    return out


def _fullness(kind: str, name: str) -> int:
    # A person is named by a full name rather than a one-word form; an organisation by its
    # "Long Form (ACR)" spelling when there is one.
    if kind == "person":
        return min(len(name.split()), 2)
    if kind == "organization":
        return 1 if _LONG_ACR.match(name) else 0
    return 0


def _same_key(groups: _Groups, names: list[NameCount]) -> None:
    first: dict[str, str] = {}
    for n in sorted(names, key=lambda n: (-n.articles, n.name)):
        k = key(n.name)
        if k in first:
            groups.union(first[k], n.name)
        else:
            first[k] = n.name


def _persons(groups: _Groups, names: list[NameCount], preferred: dict[str, int]) -> None:
    for row in lexicons.rows("person_aliases.csv"):
        groups.union(row["name"], row["alias"])
        preferred[row["name"]] = 2
    articles = {n.name: n.articles for n in names}
    full = [n for n in names if len(n.name.split()) > 1]
    by_word: dict[str, list[NameCount]] = defaultdict(list)
    for n in full:
        for w in set(n.name.split()):
            by_word[w].append(n)
    for n in names:
        words = n.name.split()
        if len(words) == 1:
            # "Hindayana" -> "Dadan Hindayana" when the corpus's full names with that word are one person.
            cands = by_word.get(n.name, [])
            total = sum(c.articles for c in cands)
            if cands:
                best = max(cands, key=lambda c: (c.articles, c.name))
                if (best.articles >= SHORT_FORM_MIN_ARTICLES and best.articles >= SHORT_FORM_SHARE * total
                        and best.articles >= 0.1 * n.articles):
                    groups.union(best.name, n.name)
            continue
        # "Prabowo Subianto Djojohadikusumo", "President Prabowo Subianto" -> "Prabowo Subianto": a
        # longer variant joins the common name inside it when what it adds comes after the name or
        # is a title or an ordinary word ("Iriana Joko Widodo" is someone else).
        subs = [(i, j) for i in range(len(words)) for j in range(i + 2, len(words) + 1)
                if (i, j) != (0, len(words)) and " ".join(words[i:j]) in articles
                and all(_not_a_name(w) for w in words[:i])]
        if subs:
            i, j = max(subs, key=lambda ij: (articles[" ".join(words[ij[0]:ij[1]])], -ij[0]))
            best_sub = " ".join(words[i:j])
            if articles[best_sub] >= 2 * n.articles:
                groups.union(best_sub, n.name)


def _not_a_name(word: str) -> bool:
    """A title, or a word the corpus writes in lower case (a Title Case headline's verb)."""
    from .features import word_table
    from .gazetteers import _title_words

    low = word.lower().rstrip(".")
    info = word_table().get(low)
    return low in _title_words() or (info is not None and (0 <= info.cap_pct < 50 or info.word_class != "-"))


def _organizations(groups: _Groups, names: list[NameCount], preferred: dict[str, int]) -> None:
    for form, canonical in _org_forms().items():
        groups.union(canonical, form)
        preferred[canonical] = 2
    # Which long form does each acronym stand for, article by article?
    defined: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n in names:
        m = _LONG_ACR.match(n.name)
        if m:
            long_form, acr = m.group(1).strip(), m.group(2).strip()
            groups.union(n.name, long_form)
            defined[acr][key(long_form)] += n.articles
    by_key: dict[str, str] = {}
    for n in names:
        by_key.setdefault(key(n.name), n.name)
    articles = {n.name: n.articles for n in names}
    for n in names:
        m = _LONG_ACR.match(n.name)
        if not m:
            continue
        acr, long_key = m.group(2).strip(), key(m.group(1))
        counts = defined[acr]
        bare = by_key.get(key(acr), acr)
        # The acronym joins the long form it stands for in most definitions, unless it is mostly
        # used for something else (HAMAS, a mosque's youth group, is not Hamas).
        if counts[long_key] >= 0.6 * sum(counts.values()) and sum(counts.values()) >= 0.05 * articles.get(bare, 0):
            groups.union(n.name, bare)


@lru_cache(maxsize=1)
def _org_forms() -> dict[str, str]:
    from .gazetteers import org_aliases

    return org_aliases()


def _places(groups: _Groups, names: list[NameCount], preferred: dict[str, int]) -> None:
    for row in lexicons.rows("places.csv"):
        if row.get("canonical"):
            groups.union(row["canonical"], row["name"])
            preferred[row["canonical"]] = 2


@lru_cache(maxsize=1)
def _place_regions() -> dict[str, str]:
    return {r["name"]: r["province"] for r in lexicons.rows("places.csv") if r.get("province")}


# ---------------------------------------------------------------------------------------------
# Applying it to a warehouse


def build(con) -> int:
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
    mapping = resolve([NameCount(k, n, a) for k, n, a in rows])
    items = sorted(mapping.items())
    aliases = pa.table({
        "kind": [k for (k, _), _ in items],
        "alias": [n for (_, n), _ in items],
        "entity_id": pa.array([e.entity_id for _, e in items], pa.int64()),
        "entity": [e.name for _, e in items],
        "region": [e.region for _, e in items],
        "articles": pa.array([observed.get(kn, 0) for kn, _ in items], pa.int64()),
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
    return con.execute("SELECT count(*) FROM entities").fetchone()[0]
