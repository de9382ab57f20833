"""Mentions of one article: actors, countries and topics per part, with where each was found."""
from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from . import memo
from .actors import ActorHit, find_actors, is_headline_like
from .article_names import org_resolver, person_aliases, person_resolver, place_resolver
from .candidates import Candidate, load_keeper
from .countries import find_countries
from .gazetteers import org_aliases, place_countries
from .name_forms import is_short_form
from .phrase_casing import common_phrase, head_without_name
from .registry import blocked, key
from .topics import TITLE_WEIGHT, TopicHit, find_topic_keywords, topics

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
    dateline: str | None = None,
) -> list[Mention]:
    """All mentions in an article. Title, caption and body share one set of names, so `Wang` in the
    body is merged into `Wang Xiaohong`; each trending headline is its own little text. The
    dateline's place (`SLEMAN -`) is a place of the body."""
    # A title in Title Case is read as a headline even where a lead sentence is glued to it.
    parts = [("title", None, title or "", headline_case(title)), ("caption", None, caption or "", False), ("body", None, body or "", False)]
    out = _extract_group(parts)
    if dateline:
        out.extend(_dateline_place(dateline))
    for rank, headline in trending or []:
        out.extend(_trending_mentions(rank, headline))
    return out


def headline_case(title: str | None) -> bool:
    """Is a title written in Title Case, where every word looks like a name? Judged on its first ten
    words of four letters or more, so that a lead sentence glued to a Title Case title does not make
    it sentence case; a sentence-case title (`Sri Mulyani gali peluang ... dengan Bank Dunia`) keeps
    what its capitals say (`Bank Dunia`, not `Bank` and the ordinary `dunia`)."""
    return is_headline_like(title or "", first_words=10)


# Limits of what one article's extraction reads (issue 11: one 50 MB article stalled a load for hours).
# Beyond them the text is kept whole in the warehouse, not scanned, and the load says so.
SCAN_CHARS = 1_000_000      # of the body (and of a caption): about 2-4 s of extraction
HEADLINE_CHARS = 2_000      # of a title or a trending headline
TRENDING_ITEMS = 100        # sidebar entries scanned per page (real sidebars list 5 to 20)
TIME_BUDGET = 20.0          # seconds per article: trending entries past it are not scanned


def extract_article_within_limits(
    title: str,
    caption: str | None,
    body: str,
    trending: list[tuple[int, str]] | None = None,
    dateline: str | None = None,
) -> tuple[list[Mention], list[str]]:
    """extract_article on what the limits allow (SCAN_CHARS, HEADLINE_CHARS, TRENDING_ITEMS,
    TIME_BUDGET), and a remark for each limit that was reached. Linear in the text below the limits."""
    remarks: list[str] = []
    started = time.monotonic()

    def capped(text: str | None, limit: int, what: str) -> str | None:
        if text and len(text) > limit:
            remarks.append(f"text not fully scanned: only the first {limit:,} characters of the {what} "
                           f"(of {len(text):,}) were read for actors, places and topics")
            return text[:limit]
        return text

    out = extract_article(capped(title, HEADLINE_CHARS, "title") or "", capped(caption, SCAN_CHARS, "caption"),
                          capped(body, SCAN_CHARS, "body") or "", [], dateline)
    items = list(trending or [])
    if len(items) > TRENDING_ITEMS:
        remarks.append(f"text not fully scanned: only the first {TRENDING_ITEMS} of {len(items):,} trending "
                       "entries were read for actors, places and topics")
        items = items[:TRENDING_ITEMS]
    for i, (rank, headline) in enumerate(items):
        if time.monotonic() - started > TIME_BUDGET:
            remarks.append(f"text not fully scanned: the article's {TIME_BUDGET:.0f} s were spent after "
                           f"{i} of {len(items)} trending entries")
            break
        out.extend(_trending_mentions(rank, (headline or "")[:HEADLINE_CHARS]))
    return out, remarks


def clear_caches() -> None:
    """Forget everything worked out from the model and the corpus's names (after either changed)."""
    memo.forget("model", "names")


@lru_cache(maxsize=50_000)
def _trending_mentions(rank: int, headline: str) -> tuple[Mention, ...]:
    # A sidebar repeats on every page of an outlet fetched that day: extract each headline once.
    return tuple(_extract_group([("trending", rank, headline, True)]))


def _extract_group(parts: Sequence[Part]) -> list[Mention]:
    topic_hits = {(part, rank): find_topic_keywords(text) for part, rank, text, _ in parts if text}
    actor_hits = _actor_finds(parts, topic_hits)
    out: list[Mention] = []
    for part, rank, text, _headline in parts:
        if not text:
            continue
        # A country inside a person's name is not a mention of it; inside an organisation's it is
        # ("Timnas Indonesia", "Kedutaan Besar Amerika Serikat"), as the annotation guide counts it.
        inside_person = _Intervals((h.start, h.end) for p, r, _, h in actor_hits if (p, r) == (part, rank) and h.kind == "person")
        for c in find_countries(text):
            if not inside_person.covers(c.start, c.end):
                out.append(Mention(part, rank, "country", c.name, c.code, c.start, c.end, text))
        out.extend(_topic_mentions(part, rank, text, topic_hits[(part, rank)]))
    actor_hits = [a for a in _kept(actor_hits) if not _no_name(a[3])]
    person = person_resolver([(text, h) for _, _, text, h in actor_hits if h.kind == "person"])
    org = org_resolver([h for _, _, _, h in actor_hits if h.kind == "organization"])
    place = place_resolver([h for _, _, _, h in actor_hits if h.kind == "place"])
    blocks = blocked()
    things = _acronyms_of_things(actor_hits)
    initials = _initials_of_people(actor_hits)
    listed = org_aliases()
    for part, rank, text, hit in actor_hits:
        if hit.kind in ("person", "organization") and hit.name in things and hit.name not in listed:
            continue  # "Kalender Hijriah Global Tunggal (KHGT)", "nomor izin berusaha (NIB)": a thing
        if hit.name in initials:
            continue  # "pria berinisial MA (29)": a person named only by initials, which no one can pick
        if hit.kind == "organization" and _a_countrys_government(hit.name):
            continue  # "Pemerintah Arab Saudi": the country, which the guide counts as SA and no more
        name = place(hit.name) if hit.kind == "place" else org(hit.name) if hit.kind == "organization" else person(hit.name)
        if blocks and _blocked(hit.kind, name, blocks):
            continue  # entity_overrides.csv says this is not a `kind` at all
        out.append(Mention(part, rank, hit.kind, name, hit.code, hit.start, hit.end, text))
    return out


def _actor_finds(parts: Sequence[Part], topic_hits: dict[tuple[str, int | None], list[TopicHit]]) -> list[ActorFind]:
    """The persons, organisations and places each part names, then the full names a Title Case
    headline gives without titles (the article's own names, found there again)."""
    sport = _about_sport([(part, h) for (part, _), hits in topic_hits.items() for h in hits])
    hits: list[ActorFind] = []
    for part, rank, text, headline in parts:
        if text:
            hits.extend((part, rank, text, h) for h in find_actors(text, headline=headline, sport=sport))
    hits.extend(_known_names_in_headlines(parts, hits))
    return _kinds_agree(hits)


def _kinds_agree(hits: list[ActorFind]) -> list[ActorFind]:
    """A name the article also gives to a person, or one word of a person's full name in it (`Herly`
    after `Herly Puji Latuperissa`, `Trump` after `Donald Trump`), is that person wherever the tagger
    read an organisation or a place, unless the lexicons list it as one."""
    from .gazetteers import place_countries

    people = {h.name for _, _, _, h in hits if h.kind == "person"}
    words = {w for n in people if " " in n for w in n.split() if len(w) >= 3 and w[:1].isupper()}
    listed_orgs, places = org_aliases(), place_countries()
    out: list[ActorFind] = []
    for part, rank, text, h in hits:
        if h.kind in ("organization", "place") and (h.name in people or h.name in words) \
                and h.name not in listed_orgs and h.name not in places:
            h = ActorHit("person", h.name, h.start, h.end, h.titled)
        out.append((part, rank, text, h))
    return out


_LONG_ACR = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")

ActorFind = tuple[str, int | None, str, ActorHit]  # part, trending rank, the part's text, the hit
Part = tuple[str, int | None, str, bool | None]  # part, trending rank, its text, Title Case (None: decide from the text)


def _no_name(hit: ActorHit) -> bool:
    """A head alone (`Bank`, `Sekretariat`) or a common phrase (`Tim Investigasi`), by the corpus's
    casing habits (phrase_casing.py); never a name the lexicons list."""
    if hit.name in org_aliases() or hit.name in place_countries():
        return False
    return (hit.kind == "organization" and head_without_name(hit.name)) or common_phrase(hit.name)


def candidates_of(actor_hits: Sequence[ActorFind]) -> list[Candidate]:
    """The found names as the keep-or-drop stage sees them (candidates.py)."""
    return [Candidate(h.kind, h.name, part, text, h.start, h.end, h.titled, part in ("title", "trending"))
            for part, _rank, text, h in actor_hits]


def _kept(actor_hits: list[ActorFind]) -> list[ActorFind]:
    """The names the learned stage keeps (all of them when no model ships)."""
    keeper = load_keeper()
    if keeper is None or not actor_hits:
        return actor_hits
    kept = keeper.keep_candidates(candidates_of(actor_hits))
    return [a for a, k in zip(actor_hits, kept) if k]


def find_candidates(title: str, caption: str | None, body: str) -> list[tuple[ActorFind, Candidate]]:
    """Every name the extractor proposes for an article's title, caption and body, before the keep
    stage (for labelling and for `python -m etl.train keep`)."""
    parts = [("title", None, title or "", headline_case(title)), ("caption", None, caption or "", False), ("body", None, body or "", False)]
    return _proposed(parts)


def find_headline_candidates(headline: str) -> list[tuple[ActorFind, Candidate]]:
    """The same for one sidebar headline."""
    return _proposed([("trending", 1, headline, True)])


def _proposed(parts: Sequence[Part]) -> list[tuple[ActorFind, Candidate]]:
    hits = _actor_finds(parts, {(part, rank): find_topic_keywords(text) for part, rank, text, _ in parts if text})
    return list(zip(hits, candidates_of(hits)))


def _blocked(kind: str, name: str, blocks: frozenset[tuple[str, str]]) -> bool:
    """A blocked name, either half of a blocked `Long Form (ACR)`, or a listed form of a blocked name."""
    forms = [name]
    m = _LONG_ACR.match(name)
    if m:
        forms += [m.group(1), m.group(2)]
    listed = org_aliases() if kind == "organization" else person_aliases() if kind == "person" else {}
    forms += [listed[f] for f in forms if f in listed]
    return any((kind, key(f)) in blocks for f in forms)


_DEFINED_ACRONYM = re.compile(r"[A-Za-z]\s*\(([A-Z][A-Z0-9]{1,9})\)")


def _acronyms_of_things(actor_hits: list[ActorFind]) -> set[str]:
    """Acronyms the article spells out after something that is neither a person nor an organisation:
    `Kalender Hijriah Global Tunggal (KHGT)`, `nomor izin berusaha (NIB)`, `Net Interest Margin (NIM)`.
    The words before the bracket must abbreviate to it, and no person or organisation the article
    names may end there (`Badan Gizi Nasional (BGN)` is an organisation's)."""
    out: set[str] = set()
    texts = {(part, rank): text for part, rank, text, _ in actor_hits}
    spans: dict = {}
    for part, rank, _, h in actor_hits:
        if h.kind in ("person", "organization"):
            spans.setdefault((part, rank), []).append((h.start, h.end))
    for where, text in texts.items():
        actors = spans.get(where, ())
        for m in _DEFINED_ACRONYM.finditer(text):
            acr, at = m.group(1), m.start()
            if any(a <= at < b for a, b in actors):
                continue  # the long form is an actor's name ("Badan Gizi Nasional (BGN)")
            before = text[max(0, at - 80) : at + 1]
            if is_short_form(acr, " ".join(before.split()[-8:])):
                out.add(acr)
    return out


_GOVERNMENT = re.compile(r"(?:Pemerintah|Pemerintahan|Kerajaan)\s+(.+)")


def _a_countrys_government(name: str) -> bool:
    """`Pemerintah Arab Saudi`, `Pemerintah RI`: a country's government is that country (countries.py
    finds it inside the name), not an organisation beside it (271 corpus mentions, 57 countries)."""
    m = _GOVERNMENT.fullmatch(name)
    if not m:
        return False
    found = find_countries(m.group(1))
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(m.group(1))


# A person the article names only by initials: "berinisial MA", "MA (29)", "RK (45 tahun)".
_AGE = re.compile(r"\(\s*\d{1,2}\s*(?:tahun|th)?\s*\)")  # a quick test before the whole pattern
_INITIALS = re.compile(r"\b(?:(?:ber)?inisial\s+([A-Z]{1,4})\b|([A-Z]{1,4})\s*\(\s*\d{1,2}\s*(?:tahun|th)?\s*\))")


def _initials_of_people(actor_hits: list[ActorFind]) -> set[str]:
    """Initials the article gives to a person, by an age in brackets or an `inisial` before them
    (218 corpus articles; the tagger made 104 of them organisations, `MA` in 13). The annotation
    guide leaves persons named only by initials out, and as an organisation they merge unrelated
    stories (`MA` is also the Supreme Court)."""
    out: set[str] = set()
    for text in {text for _, _, text, _ in actor_hits}:
        if "nisial" in text or _AGE.search(text):
            for m in _INITIALS.finditer(text):
                out.add(m.group(1) or m.group(2))
    return out


class _Intervals:
    """Spans of a text, asked whether one of them covers [start, end): a bisect and a running
    maximum instead of a scan of every span (a scan per question made long articles quadratic)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach: list[int] = []
        furthest = -1
        for _, e in ordered:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end


def _dateline_place(dateline: str) -> list[Mention]:
    """`KUDUS`, `TRIBUNJOGJA.COM, SLEMAN`: the place in the dateline, in its usual capitals."""
    raw = dateline.split(",")[-1].strip()
    if not raw or not any(c.isalpha() for c in raw):
        return []
    listed = {k.lower(): k for k in place_countries()}
    name = listed.get(raw.lower()) or (raw.title() if raw.isupper() else raw)
    if find_countries(name):
        c = find_countries(name)[0]
        return [Mention("body", None, "country", c.name, c.code, 0, len(raw), raw)]
    return [Mention("body", None, "place", name, place_countries().get(name), 0, len(raw), raw)]


def _known_names_in_headlines(parts: Sequence[Part], actor_hits: list[ActorFind]) -> list[ActorFind]:
    """A Title Case headline names people without titles; find there the full names the body gave."""
    # Longest first, then in the order the article names them: overlapping names in a headline
    # ("Royal Crown" and "Crown Music" in "Royal Crown Music") go to the same one in every process
    # (a set's order had changed with Python's hash seed).
    seen = list(dict.fromkeys(h.name for _, _, _, h in actor_hits if h.kind == "person" and len(h.name.split()) > 1))
    names = sorted(seen, key=lambda n: (-len(n.split()), seen.index(n)))
    found = []
    for part, rank, text, _headline in parts:
        if part != "title" or not text:
            continue
        taken = [(h.start, h.end) for p, _, _, h in actor_hits if p == part]
        for name in names:
            for start in _whole_word_positions(text, name):
                end = start + len(name)
                if not any(s < end and start < e for s, e in taken):
                    found.append((part, rank, text, ActorHit("person", name, start, end, True)))
                    taken.append((start, end))
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


SPORT = "medtop:15000000"


def _about_sport(hits: list[tuple[str, TopicHit]]) -> bool:
    """Is sport the article's first topic, level with or ahead of every other (headline hits weigh
    three, as in topics.score_topics)? Decides whether `Liverpool` is the club or the city."""
    scores: dict[str, float] = {}
    for part, h in hits:
        scores[h.code] = scores.get(h.code, 0.0) + h.weight * (TITLE_WEIGHT if part in ("title", "trending") else 1.0)
    sport = scores.pop(SPORT, 0.0)
    return sport > 0 and all(sport >= v for v in scores.values())


def _topic_mentions(part: str, rank: int | None, text: str, hits: list[TopicHit]) -> list[Mention]:
    by_code: dict[str, float] = {}
    for h in hits:
        by_code[h.code] = by_code.get(h.code, 0.0) + h.weight
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


memo.depends_on("model")(_trending_mentions.cache_clear)
