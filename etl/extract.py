"""Mentions of one article: actors, countries and topics per part, with where each was found."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicons
from .actors import ActorHit, find_actors
from .countries import find_countries
from .topics import find_topic_keywords, topics

# A topic needs this many keyword hits in a part before the part is tagged with it.
TOPIC_MIN_HITS = {"title": 1, "caption": 1, "trending": 1, "body": 2}


@dataclass(frozen=True)
class Mention:
    part: str  # title | caption | body | trending
    trending_rank: int | None
    kind: str  # person | organization | country | topic
    entity: str
    entity_code: str | None
    start: int  # offsets in the part's text
    end: int
    text: str = field(repr=False, compare=False)  # the part's text, for evidence on demand

    @property
    def evidence(self) -> str:
        """The sentence it was found in (computed when asked: most mentions are never shown)."""
        return sentence_at(self.text, self.start, self.end)


@dataclass(frozen=True)
class MentionCount:
    part: str
    trending_rank: int | None
    kind: str
    entity: str
    entity_code: str | None
    n: int


@lru_cache(maxsize=1)
def _person_aliases() -> dict[str, str]:
    return {r["alias"]: r["name"] for r in lexicons.rows("person_aliases.csv")}


def sentence_at(text: str, start: int, end: int, limit: int = 300) -> str:
    """The sentence around [start, end), cut to about `limit` characters."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    left = 0 if left < 0 else left + 1
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end), text.find("? ", end), text.find("! ", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    left = max(left, start - limit // 2)
    right = min(right, end + limit // 2)
    return text[left:right].strip()


def extract_article(
    title: str,
    caption: str | None,
    body: str,
    trending: list[tuple[int, str]] | None = None,
) -> list[Mention]:
    """All mentions in an article. Title, caption and body share one set of names, so `Wang` in the
    body is merged into `Wang Xiaohong`; each trending headline is its own little text."""
    parts = [("title", None, title or "", True), ("caption", None, caption or "", False), ("body", None, body or "", False)]
    out = _extract_group(parts)
    for rank, headline in trending or []:
        out.extend(_trending_mentions(rank, headline))
    return out


@lru_cache(maxsize=50_000)
def _trending_mentions(rank: int, headline: str) -> tuple[Mention, ...]:
    # A sidebar repeats on every page of an outlet fetched that day: extract each headline once.
    return tuple(_extract_group([("trending", rank, headline, True)]))


def _extract_group(parts: list[tuple[str, int | None, str, bool]]) -> list[Mention]:
    out: list[Mention] = []
    actor_hits: list[tuple[str, int | None, str, ActorHit]] = []
    for part, rank, text, headline in parts:
        if not text:
            continue
        for hit in find_actors(text, headline=headline):
            actor_hits.append((part, rank, text, hit))
        for c in find_countries(text):
            out.append(Mention(part, rank, "country", c.name, c.code, c.start, c.end, text))
        out.extend(_topic_mentions(part, rank, text))
    resolve = _person_resolver([h for _, _, _, h in actor_hits if h.kind == "person"])
    actor_hits.extend(_known_names_in_headlines(parts, actor_hits))
    org_spans = {(part, rank): [(h.start, h.end) for p, r, _, h in actor_hits if h.kind == "organization" and (p, r) == (part, rank)]
                 for part, rank, _, _ in parts}
    # A country inside an organisation's name ("Garuda Indonesia", "Bank Indonesia") is not a mention of it.
    out = [m for m in out if m.kind != "country" or not any(s <= m.start and m.end <= e for s, e in org_spans.get((m.part, m.trending_rank), []))]
    for part, rank, text, hit in actor_hits:
        if hit.kind == "place":
            out.append(Mention(part, rank, "place", hit.name, hit.code, hit.start, hit.end, text))
            continue
        name = hit.name if hit.kind == "organization" else resolve(hit)
        if name is None:
            continue
        out.append(Mention(part, rank, hit.kind, name, None, hit.start, hit.end, text))
    return out


def _known_names_in_headlines(parts, actor_hits) -> list[tuple[str, int | None, str, ActorHit]]:
    """A Title Case headline names people without titles; find there the full names the body gave."""
    names = {h.name for _, _, _, h in actor_hits if h.kind == "person" and len(h.name.split()) > 1}
    found = []
    for part, rank, text, headline in parts:
        if not headline or not text:
            continue
        taken = [(h.start, h.end) for p, _, _, h in actor_hits if p == part]
        for name in names:
            for start in _whole_word_positions(text, name):
                end = start + len(name)
                if not any(s < end and start < e for s, e in taken):
                    found.append((part, rank, text, ActorHit("person", name, start, end, True)))
    return found


def _whole_word_positions(text: str, word: str) -> list[int]:
    # str.find, not a regex per name: compiling one pattern per name and headline dominated.
    out, i = [], text.find(word)
    while i >= 0:
        j = i + len(word)
        if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum()):
            out.append(i)
        i = text.find(word, i + 1)
    return out


def _person_resolver(hits: list[ActorHit]):
    """Merge short references (`Wang`, `Al-Raisi`, `Nasser Al-Raisi`) into the article's full names."""
    aliases = _person_aliases()
    full = []
    for h in hits:
        name = aliases.get(h.name, h.name)
        if len(name.split()) > 1 and name not in full:
            full.append(name)
    full.sort(key=lambda n: -len(n.split()))
    # A one-word name given with a title ("Wali Kota Armuji") makes later bare uses of it count.
    titled_singles = {aliases.get(h.name, h.name) for h in hits if h.titled and len(h.name.split()) == 1}

    memo: dict[tuple[str, bool], str | None] = {}

    def resolve(hit: ActorHit) -> str | None:
        key = (hit.name, hit.titled)
        if key not in memo:
            memo[key] = _resolve(hit)
        return memo[key]

    def _resolve(hit: ActorHit) -> str | None:
        name = aliases.get(hit.name, hit.name)
        words = name.split()
        for candidate in full:
            cw = candidate.split()
            if candidate != name and len(cw) > len(words) and _contains(cw, words):
                return aliases.get(candidate, candidate)
        if len(words) == 1 and not hit.titled and name not in titled_singles and name not in aliases.values():
            return None
        return name

    return resolve


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _topic_mentions(part: str, rank: int | None, text: str) -> list[Mention]:
    hits = find_topic_keywords(text)
    by_code: Counter = Counter()
    for h in hits:
        by_code[h.code] += h.weight
    names = topics()
    out = []
    for h in hits:
        if by_code[h.code] >= TOPIC_MIN_HITS[part]:
            out.append(Mention(part, rank, "topic", names[h.code].label, h.code, h.start, h.end, text))
    return out


def count_mentions(mentions: list[Mention]) -> list[MentionCount]:
    """One row per (part, trending rank, kind, entity) with its number of occurrences."""
    counts = Counter((m.part, m.trending_rank, m.kind, m.entity, m.entity_code) for m in mentions)
    return [MentionCount(*key, n) for key, n in counts.items()]
