"""Which written names are one actor: the registry's grouping, a pure function of the names, their
article counts and (for organisations) which names articles write together.

Each merge has a reason, kept with the name (`entity_aliases.reason`), so the entity page can say
why a form belongs. In order, per kind:
- persons: the same name in other capitals or punctuation, in the old spelling or spaced otherwise
  (`Sukarnoputri`, `Hamengkubuwono`); person_aliases.csv; a longer form whose extra words are
  titles or a headline's verbs (`Presiden Prabowo Subianto`, `Joe Biden Ngaku`); an abbreviated form
  (`Sri Sultan HB X`, `Luhut B Pandjaitan`); then a short form (`Marquez`, `Gibran Rakabuming`)
  joins the one actor that most longer names holding it belong to, when that actor has at least
  four in five of their articles, and initials (`AHY`) likewise;
- organisations: the same name in other capitals or punctuation; organizations.csv; `Long Form
  (ACR)` definitions (the acronym joins when most definitions agree); the same name without legal
  form and affixes (`PT ... (Persero) Tbk`, `Partai`, `RI`, `Pemprov` = `Pemerintah Provinsi`), or
  without `Indonesia` where the rest is itself a name the corpus uses (`Danantara Indonesia`); an
  abbreviated form (`Man United`); a short form written beside its long form in the same articles
  (`Kemenhan` beside `Kementerian Pertahanan`); a first word used alone for the one organisation
  most names opening with it belong to (`Inter` for `Inter Milan`, not `Inter Miami`);
- places: places.csv's canonical names;
- everything: entity_overrides.csv (the user's merges; splits forbid a merge whatever the reason).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from . import lexicons
from .name_forms import (
    ROMAN,
    abbreviates,
    is_initials_of,
    is_short_form,
    is_word_of,
    key,
    long_and_acronym,
    org_core,
    spelling_key,
    without_country,
)

KINDS = ("person", "organization", "place")
SHORT_FORM_SHARE = 0.8  # a short form joins the actor holding this share of the longer names' articles
SHORT_FORM_MIN_ARTICLES = 3
TOGETHER_MIN_ARTICLES = 2  # a short form written beside its long form in at least this many articles


@dataclass(frozen=True)
class NameCount:
    kind: str
    name: str
    articles: int


@dataclass(frozen=True)
class Together:
    """Two organisation names written in the same articles (`Kemenhan`, `Kementerian Pertahanan`)."""
    short: str
    long: str
    articles: int


@dataclass(frozen=True)
class Entity:
    entity_id: int
    kind: str
    name: str
    region: str | None = None  # places: the Indonesian province


@dataclass(frozen=True)
class Resolved:
    entity: Entity
    reason: str  # why this name is a name of the entity ("canonical name" for the entity's own)


def entity_id(kind: str, name: str) -> int:
    """A stable 63-bit id of an entity: the same kind and canonical name give the same id in every
    warehouse and every load."""
    return int.from_bytes(hashlib.sha1(f"{kind}\x1f{name}".encode("utf-8")).digest()[:8], "big") >> 1


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
    """Union-find over names, remembering why each name joined."""

    def __init__(self, names: list[NameCount], forbidden: set[frozenset[str]]) -> None:
        self.parent: dict[str, str] = {n.name: n.name for n in names}
        self.articles: dict[str, int] = {n.name: n.articles for n in names}
        self.reason: dict[str, str] = {}
        self.forbidden = forbidden
        # Per group, the keys of its names that some split names: checked when two groups join.
        self._split_keys = {k for pair in forbidden for k in pair}
        self.split_names: dict[str, set[str]] = {}
        # Per group, the listed organisation (organizations.csv canonical) it holds, if any.
        self.listed: dict[str, str] = {}
        for n in names:
            if key(n.name) in self._split_keys:
                self.split_names[n.name] = {key(n.name)}

    def add(self, name: str) -> None:
        if name not in self.parent:
            self.parent[name] = name
            self.articles[name] = 0
            if key(name) in self._split_keys:
                self.split_names[name] = {key(name)}

    def find(self, name: str) -> str:
        root = name
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[name] != root:
            self.parent[name], name = root, self.parent[name]
        return root

    def union(self, target: str, name: str, reason: str) -> bool:
        """`name` joins `target`'s group; False when a split forbids it, when the two groups hold two
        different listed organisations, or when they are one already."""
        if frozenset((key(target), key(name))) in self.forbidden:
            return False
        self.add(target)
        self.add(name)
        rt, rn = self.find(target), self.find(name)
        if rt == rn:
            return False
        a, b = self.split_names.get(rt, set()), self.split_names.get(rn, set())
        if any(frozenset((x, y)) in self.forbidden for x in a for y in b):
            return False  # a split between any two of their names keeps the groups apart
        la, lb = self.listed.get(rt), self.listed.get(rn)
        if la and lb and la != lb:
            return False  # two organisations the lexicon lists apart (CNN, CNN Indonesia) stay apart
        self.parent[rn] = rt
        if b:
            self.split_names[rt] = a | b
        if lb:
            self.listed[rt] = lb
        self.reason.setdefault(name, reason)
        return True

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for name in self.parent:
            out[self.find(name)].append(name)
        return out

    def totals(self) -> dict[str, int]:
        """Articles per group (a sum over its names: an article writing two of them counts twice)."""
        out: dict[str, int] = defaultdict(int)
        for name, n in self.articles.items():
            out[self.find(name)] += n
        return out


def resolve(names: list[NameCount], together: Iterable[Together] = ()) -> dict[tuple[str, str], Resolved]:
    """Every (kind, name) to its entity, with the reason it belongs."""
    together = list(together)
    out: dict[tuple[str, str], Resolved] = {}
    for kind in KINDS:
        of_kind = sorted((n for n in names if n.kind == kind), key=lambda n: (-n.articles, n.name))
        forbidden = {frozenset((key(n), key(t))) for a, k, n, t in overrides() if a == "split" and k == kind}
        groups = _Groups(of_kind, forbidden)
        preferred: dict[str, int] = {}  # name -> priority as canonical (higher wins)
        _same_key(groups, of_kind, key, "the same name in other capitals or punctuation")
        if kind == "person":
            _persons(groups, of_kind, preferred)
        elif kind == "organization":
            _organizations(groups, of_kind, preferred, together)
        else:
            _places(groups, preferred)
        for action, k, name, target in overrides():
            if action == "merge" and k == kind and target:
                groups.union(target, name, "entity_overrides.csv (a user's merge)")
                preferred[target] = 3
        regions = _place_regions() if kind == "place" else {}
        for members in groups.members().values():
            canonical = max(members, key=lambda m: (preferred.get(m, 0), _fullness(kind, m), groups.articles.get(m, 0), m))
            entity = Entity(entity_id(kind, canonical), kind, canonical,
                            next((regions[m] for m in [canonical, *members] if regions.get(m)), None))
            for m in members:
                reason = "canonical name" if m == canonical else groups.reason.get(m) or _member_reason(m, canonical)
                out[(kind, m)] = Resolved(entity, reason)
    return out


def _member_reason(name: str, canonical: str) -> str:
    # The name was the root that another group joined: say so from the canonical's side.
    return f"joined through another name of {canonical}"


def _fullness(kind: str, name: str) -> int:
    # A person is named by a full name rather than a one-word form; an organisation by its
    # "Long Form (ACR)" spelling when there is one.
    if kind == "person":
        return min(len(name.split()), 2)
    if kind == "organization":
        return 1 if long_and_acronym(name) else 0
    return 0


def _same_key(groups: _Groups, names: list[NameCount], keyed: Callable[[str], str], reason: str) -> None:
    first: dict[str, str] = {}
    for n in names:  # most articles first
        k = keyed(n.name)
        if not k:
            continue
        if k in first:
            groups.union(first[k], n.name, reason)
        else:
            first[k] = n.name


# ---------------------------------------------------------------------------------------------
# Persons


def _persons(groups: _Groups, names: list[NameCount], preferred: dict[str, int]) -> None:
    _same_key(groups, names, spelling_key, "the same name in the old spelling or spaced otherwise")
    for row in lexicons.rows("person_aliases.csv"):
        groups.union(row["name"], row["alias"], "person_aliases.csv")
        preferred[row["name"]] = 2
    articles = {n.name: n.articles for n in names}
    # "Prabowo Subianto Djojohadikusumo", "Presiden Prabowo Subianto" -> "Prabowo Subianto": a longer
    # variant joins the common name inside it when what it adds comes after the name or is a title or
    # an ordinary word ("Iriana Joko Widodo" is someone else).
    # What follows a name's words in other names: "Kim Jong" goes on as "Kim Jong Un" and "Kim Jong
    # Il", so a name that adds one of those words names one of two people, not "Kim Jong"'s actor.
    next_words: dict[str, set[str]] = defaultdict(set)
    for n in names:
        ws = n.name.split()
        if n.articles >= 2:
            for k in range(2, len(ws)):
                if not _not_a_name(ws[k]):
                    next_words[" ".join(ws[:k])].add(ws[k].casefold())
    for n in names:
        ws = n.name.split()
        if len(ws) < 2:
            continue
        subs = [(i, j) for i in range(len(ws)) for j in range(i + 2, len(ws) + 1)
                if (i, j) != (0, len(ws)) and " ".join(ws[i:j]) in articles
                and all(_not_a_name(w) for w in ws[:i])
                # a regnal number makes another person ("Hamengku Buwono IX" is not HB X)
                and not any(ROMAN.fullmatch(w) for w in ws[j:])
                and (j == len(ws) or not next_words.get(" ".join(ws[i:j]), set()) - {ws[j].casefold()})]
        if subs:
            i, j = max(subs, key=lambda ij: (articles[" ".join(ws[ij[0]:ij[1]])], -ij[0]))
            best = " ".join(ws[i:j])
            if articles[best] >= 2 * n.articles:
                groups.union(best, n.name, f"a longer form of {best} (titles or other words around it)")
    _abbreviations(groups, names, lambda n: len(n.name.split()) >= 2)
    _short_forms(groups, names)
    _initials(groups, names)


def _not_a_name(word: str) -> bool:
    """A title, or a word the corpus writes in lower case (a Title Case headline's verb)."""
    from .features import word_table
    from .gazetteers import _title_words

    low = word.lower().rstrip(".")
    info = word_table().get(low)
    return low in _title_words() or (info is not None and (0 <= info.cap_pct < 50 or info.word_class != "-"))


def _abbreviations(groups: _Groups, names: list[NameCount], eligible: Callable[[NameCount], bool]) -> None:
    """`Sri Sultan HB X` -> `Sri Sultan Hamengku Buwono X`, `Man United` -> `Manchester United`: a name
    with a word shortened joins the one actor its full forms belong to (most articles, four in five)."""
    full = [n for n in names if eligible(n)]
    # Full forms by the first letters of their first and last words; a short form's last word is
    # kept, cut, or initials whose last letter opens the long form's last word.
    index: dict[tuple[str, str], list[tuple[NameCount, list[str]]]] = defaultdict(list)
    for n in full:
        cw = n.name.casefold().split()
        index[(cw[0][:1], cw[-1][:1])].append((n, cw))
    for n in full:
        ws = n.name.split()
        if not any(w[:1].isupper() and (len(w.rstrip(".")) <= 4 or w.endswith(".")) for w in ws):
            continue  # nothing looks shortened (a capitalised word of four letters at most, or cut with a dot)
        sw = [w.rstrip(".").casefold() for w in ws]
        first_initials, last_initials = ws[0].isupper() and len(ws[0]) >= 2, ws[-1].isupper() and len(ws[-1]) >= 2
        keys = {(sw[0][:1], sw[-1][:1])}
        if last_initials:
            keys.add((sw[0][:1], sw[-1][-1:]))
        cands = [c for k in sorted(keys) for c, cw in index.get(k, ())
                 if len(ws) <= len(cw) <= len(ws) + 3 and len(c.name) > len(n.name)
                 and (cw[0].startswith(sw[0]) or first_initials)
                 and (cw[-1].startswith(sw[-1]) or last_initials)
                 and abbreviates(n.name, c.name)]
        _join_dominant(groups, n, cands, "an abbreviated form of {}")


def _join_dominant(groups: _Groups, n: NameCount, cands: list[NameCount], reason: str) -> bool:
    """Join `n` to the group that holds at least SHORT_FORM_SHARE of the candidates' articles."""
    if not cands:
        return False
    if any(c.articles >= 2 for c in cands):
        # Names seen once (a headline's fragment, a glued word) are noise, not a second actor.
        cands = [c for c in cands if c.articles >= 2]
    per_group: dict[str, int] = defaultdict(int)
    best_name: dict[str, NameCount] = {}
    for c in cands:
        root = groups.find(c.name)
        per_group[root] += c.articles
        if root not in best_name or (c.articles, c.name) > (best_name[root].articles, best_name[root].name):
            best_name[root] = c
    total = sum(per_group.values())
    root = max(per_group, key=lambda r: (per_group[r], r))
    top = per_group[root]
    if groups.find(n.name) == root:
        return False
    if top >= SHORT_FORM_MIN_ARTICLES and top >= SHORT_FORM_SHARE * total and top >= 0.1 * n.articles:
        target = best_name[root].name
        share = f"{top} of {total} articles" if total != top else f"{top} articles"
        return groups.union(target, n.name, reason.format(target) + f" ({share})")
    return False


def _short_forms(groups: _Groups, names: list[NameCount]) -> None:
    """`Marquez` -> `Marc Marquez`, `Gibran Rakabuming` -> `Gibran Rakabuming Raka`: a name written
    inside longer names joins the actor most of those names belong to (by their articles)."""
    kw = {n.name: key(n.name).split() for n in names}
    by_word: dict[str, list[NameCount]] = defaultdict(list)
    for n in names:
        if len(kw[n.name]) > 1:
            for w in set(kw[n.name]):
                by_word[w].append(n)
    # Longest first: `Luhut Binsar` joins its actor before `Luhut` counts the longer names' actors.
    for n in sorted(names, key=lambda n: (-len(n.name.split()), -n.articles, n.name)):
        ws = kw[n.name]
        if not ws or len(ws) > 3:
            continue
        k = len(ws)
        cands = [c for c in by_word.get(ws[0], ()) if len(kw[c.name]) > k
                 and any(kw[c.name][i : i + k] == ws for i in range(len(kw[c.name]) - k + 1))]
        _join_dominant(groups, n, cands, "a short form of {}: the longer names holding it are mostly this actor's")


def _initials(groups: _Groups, names: list[NameCount]) -> None:
    """`AHY` -> `Agus Harimurti Yudhoyono`, `STY` -> `Shin Tae-yong`: a name in capitals that is the
    initials of the full names of one actor (four in five of the articles of the names with those
    initials)."""
    by_initials: dict[str, list[NameCount]] = defaultdict(list)
    for n in names:
        ws = n.name.replace("-", " ").split()
        if len(ws) >= 2 and all(w[:1].isalpha() for w in ws):
            by_initials["".join(w[0] for w in ws).upper()].append(n)
    for n in names:
        if n.name.isupper() and 2 <= len(n.name) <= 4 and n.name.isalpha():
            _join_dominant(groups, n, by_initials.get(n.name, []), "the initials of {}")


# ---------------------------------------------------------------------------------------------
# Organisations


def _organizations(groups: _Groups, names: list[NameCount], preferred: dict[str, int],
                   together: list[Together]) -> None:
    for form, canonical in _org_forms().items():
        groups.union(canonical, form, "organizations.csv")
        preferred[canonical] = 2
    for canonical in sorted(set(_org_forms().values())):
        groups.listed[groups.find(canonical)] = canonical
    # Which long form does each acronym stand for, article by article?
    defined: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n in names:
        la = long_and_acronym(n.name)
        if la:
            long_form, acr = la
            groups.union(n.name, long_form, f"the long form, written with its acronym in {n.name}")
            defined[acr][key(long_form)] += n.articles
    by_key: dict[str, str] = {}
    for n in names:
        by_key.setdefault(key(n.name), n.name)
    articles = {n.name: n.articles for n in names}
    for n in names:
        la = long_and_acronym(n.name)
        if not la:
            continue
        acr, long_key = la[1], key(la[0])
        counts = defined[acr]
        bare = by_key.get(key(acr), acr)
        if bare != acr and acr.isupper() and not bare.isupper() and _common_word(bare):
            continue  # `Bumi` ("earth") is not the ticker `BUMI` of `PT Bumi Resources Tbk (BUMI)`
        # The acronym joins the long form it stands for in most definitions, unless it is mostly
        # used for something else (HAMAS, a mosque's youth group, is not Hamas).
        # Definitions nested in one another agree (`Daya Anagata Nusantara` inside `Badan Pengelola
        # Investasi Daya Anagata Nusantara`, both `(Danantara)`): a shorter writing of one long form.
        agreeing = sum(c for k, c in counts.items() if _nested(k, long_key))
        if agreeing >= 0.6 * sum(counts.values()) and sum(counts.values()) >= 0.05 * articles.get(bare, 0):
            groups.union(n.name, bare, f"the acronym, defined as {la[0]} in {counts[long_key]} articles")
    _same_key(groups, names, lambda name: org_core((long_and_acronym(name) or (name, ""))[0]),
              "the same name without its legal form or affixes (PT, Tbk, Persero, Partai, RI, Pemprov = Pemerintah Provinsi)")
    _without_country(groups, names, by_key)
    _abbreviations(groups, names, lambda n: len(n.name.split()) >= 2 and not long_and_acronym(n.name))
    _written_together(groups, names, together)
    _first_words(groups, names)


def _nested(a: str, b: str) -> bool:
    """One key's words are a run of the other's."""
    wa, wb = a.split(), b.split()
    if len(wa) > len(wb):
        wa, wb = wb, wa
    n = len(wa)
    return n > 0 and any(wb[i : i + n] == wa for i in range(len(wb) - n + 1))


def _without_country(groups: _Groups, names: list[NameCount], by_key: dict[str, str]) -> None:
    """`Danantara Indonesia` = `Danantara`, `Garuda Indonesia` = `Garuda`, when the rest is a name the
    corpus uses by itself in three articles or more and not a generic head (`Bank Indonesia`)."""
    from .gazetteers import _org_heads

    articles = {n.name: n.articles for n in names}
    heads = _org_heads()
    for n in names:
        rest = without_country(n.name)
        if not rest or len(rest) < 3:
            continue
        other = by_key.get(key(rest))
        if other is None or articles.get(other, 0) < SHORT_FORM_MIN_ARTICLES:
            continue
        if len(rest.split()) == 1 and (rest.lower() in heads or _common_word(rest)):
            continue
        groups.union(other, n.name, f"{other} with the country's name after it")


def _common_word(word: str) -> bool:
    from .features import word_table

    info = word_table().get(word.lower())
    return info is not None and (0 <= info.cap_pct < 50 or info.word_class != "-")


def _written_together(groups: _Groups, names: list[NameCount], together: list[Together]) -> None:
    """`Kemenhan` beside `Kementerian Pertahanan`: a one-word short form that articles write beside its
    long form joins it, when most of its articles with such a long form have that one. Not when the
    short form is a word of the long name (`DPR` in `Komisi III DPR` names a unit of it)."""
    counts = {n.name: n.articles for n in names}
    listed = set(_org_forms()) | set(_org_forms().values())
    cands: dict[str, list[Together]] = defaultdict(list)
    for t in together:
        # A listed form has its organisation already (BRI is not Bank Mandiri, whatever articles
        # write both); an acronym in capitals must be the long name's initials (`BTN` is no short
        # form of `BPJS Ketenagakerjaan`), other short forms its letters in order (`Kemenhan`).
        if t.short in counts and t.long in counts and " " not in t.short and " " in t.long and t.short not in listed \
                and not is_word_of(t.short, t.long) and not long_and_acronym(t.long) \
                and (is_initials_of(t.short, t.long) if t.short.isupper() else is_short_form(t.short, t.long)):
            cands[t.short].append(t)
    for short in sorted(cands, key=lambda s: (-counts[s], s)):
        rows = sorted(cands[short], key=lambda t: (-t.articles, t.long))
        per_group: dict[str, int] = defaultdict(int)
        for t in rows:
            per_group[groups.find(t.long)] += t.articles
        root = max(per_group, key=lambda r: (per_group[r], r))
        top, total = per_group[root], sum(per_group.values())
        if top >= TOGETHER_MIN_ARTICLES and top >= 0.6 * total:
            target = next(t.long for t in rows if groups.find(t.long) == root)
            groups.union(target, short, f"a short form written beside {target} in {top} articles")


def _first_words(groups: _Groups, names: list[NameCount]) -> None:
    """`Inter` -> `Inter Milan`, `Persib` -> `Persib Bandung`: a one-word name that opens longer
    organisation names joins the actor most of them belong to (four in five of their articles); not
    a generic head (`Bank`, `Universitas`) or an ordinary word."""
    from .gazetteers import _org_heads

    heads = _org_heads()
    by_first: dict[str, list[NameCount]] = defaultdict(list)
    for n in names:
        ws = key(n.name).split()
        if len(ws) > 1 and not long_and_acronym(n.name):
            by_first[ws[0]].append(n)
    for n in names:
        ws = key(n.name).split()
        if len(ws) != 1 or ws[0] in heads or _common_word(n.name) or len(ws[0]) < 3:
            continue
        _join_dominant(groups, n, by_first.get(ws[0], []), "the first word of {}, used alone")


@lru_cache(maxsize=1)
def _org_forms() -> dict[str, str]:
    from .gazetteers import org_aliases

    return org_aliases()


# ---------------------------------------------------------------------------------------------
# Places


def _places(groups: _Groups, preferred: dict[str, int]) -> None:
    for row in lexicons.rows("places.csv"):
        if row.get("canonical"):
            groups.union(row["canonical"], row["name"], "places.csv")
            preferred[row["canonical"]] = 2


@lru_cache(maxsize=1)
def _place_regions() -> dict[str, str]:
    return {r["name"]: r["province"] for r in lexicons.rows("places.csv") if r.get("province")}
