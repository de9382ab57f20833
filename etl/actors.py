"""Persons, organisations and places in one text: the trained tagger finds the spans, the lexicons
shape them into names.

The tagger (`tagger.py`, a CRF that already sees the lexicons as features) decides what is a
person, an organisation or a location. Here, per span: titles, ranks and honorifics in front of a
person go (`Menteri Keamanan Publik Tiongkok Wang Xiaohong` -> `Wang Xiaohong`), and so do degrees
after it; bylines and photo credits are dropped; a joint ticket (`Prabowo Subianto-Gibran
Rakabuming Raka`) gives both people; an organisation written `Long Form (ACR)` stays one name; a
location is a country (countries.py) or a place, with the country it lies in when places.csv knows
it. Organisations listed in organizations.csv (platforms, brands, media) are added where the tagger
left them out. Everything is returned as written in the text: merging names across an article is
extract.py's job, across the corpus the entity registry's (registry.py).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import ahocorasick

from . import lexicons
from .countries import find_countries
from .tagger import Span, default_tagger, truecase, usually_lower

_ACRONYM_IN_BRACKETS = re.compile(r"\s*\(\s*([^()]{1,40}?)\s*\)")
_CONNECTORS = frozenset("bin binti van der de den von da dos del la le al el ibn".split())
_ROMAN = frozenset("I II III IV V VI VII VIII IX X XI XII".split())


@dataclass(frozen=True)
class ActorHit:
    kind: str  # "person", "organization" or "place"
    name: str
    start: int
    end: int
    titled: bool = False  # a title or office stood before the name ("Wali Kota Armuji")
    code: str | None = None  # for places: the ISO code of the country it lies in
    short: str | None = None  # for "Long Form (ACR)" organisations: the acronym


# ---------------------------------------------------------------------------------------------
# Lexicons


@lru_cache(maxsize=1)
def _titles() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(t.lower().rstrip(".").split()) for t in lexicons.lines("titles.txt"))


@lru_cache(maxsize=1)
def _degrees() -> frozenset[str]:
    return frozenset(d.replace(".", "").lower() for d in lexicons.lines("degrees.txt"))


@lru_cache(maxsize=1)
def _not_actors() -> frozenset[str]:
    return lexicons.word_set("not_actors.txt")


@lru_cache(maxsize=1)
def _portfolio_words() -> frozenset[str]:
    return lexicons.word_set("portfolio_words.txt")


@lru_cache(maxsize=1)
def _byline_cues() -> frozenset[str]:
    return lexicons.word_set("byline_cues.txt")


@lru_cache(maxsize=1)
def _org_heads() -> frozenset[str]:
    return frozenset(x.split()[0].lower() for x in lexicons.lines("org_heads.txt"))


@lru_cache(maxsize=1)
def place_countries() -> dict[str, str | None]:
    """Every listed place (places.csv) -> the ISO code of the country it lies in (None: a region)."""
    return {r["name"]: (r.get("country") or None) for r in lexicons.rows("places.csv")}


@lru_cache(maxsize=1)
def _place_automaton():
    auto = ahocorasick.Automaton()
    for name, code in place_countries().items():
        auto.add_word(name, (name, (name, code)))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=1)
def org_aliases() -> dict[str, str]:
    """Every listed organisation form (case kept) -> canonical name."""
    out: dict[str, str] = {}
    for row in lexicons.rows("organizations.csv"):
        out[row["name"]] = row["name"]
        for alias in row.get("aliases", "").split(";"):
            if alias.strip():
                out[alias.strip()] = row["name"]
    return out


@lru_cache(maxsize=1)
def _org_automaton():
    auto = ahocorasick.Automaton()
    for form, canonical in org_aliases().items():
        auto.add_word(form, (form, canonical))
    auto.make_automaton()
    return auto


def _whole_word_matches(automaton, text: str) -> list[tuple[int, int, object]]:
    """Case-sensitive whole-word matches of an automaton whose values are (form, payload), longest
    first and not overlapping: (start, end, payload)."""
    hits = []
    for end_idx, (form, payload) in automaton.iter(text):
        start, end = end_idx - len(form) + 1, end_idx + 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] == "-"):
            continue
        hits.append((start, end, payload))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, last_end = [], -1
    for start, end, payload in hits:
        if start >= last_end:
            out.append((start, end, payload))
            last_end = end
    return out


@lru_cache(maxsize=32)  # one text is looked up by several steps of its extraction
def find_places(text: str) -> tuple[tuple[str, str | None, int, int], ...]:
    """Listed places as case-sensitive whole words, longest first: (name, country code, start, end)."""
    return tuple((name, code, start, end) for start, end, (name, code) in _whole_word_matches(_place_automaton(), text))


@lru_cache(maxsize=32)  # one text is looked up by several steps of its extraction
def find_orgs_listed(text: str) -> tuple[tuple[str, int, int], ...]:
    """Listed organisations (organizations.csv), case-sensitive whole words: (canonical, start, end)."""
    return tuple((canonical, start, end) for start, end, canonical in _whole_word_matches(_org_automaton(), text))


# ---------------------------------------------------------------------------------------------
# Spans to names


def find_actors(text: str, headline: bool | None = None) -> list[ActorHit]:
    """Persons, organisations and places in one text (a title, caption, body or trending headline).
    headline=None decides from the text whether it is written in Title Case."""
    if headline is None:
        headline = is_headline_like(text)
    tagger = default_tagger()
    spans, tokens, starts, ends = tagger.tag(text, title_case=headline)
    spans = [t for t in (_trim(s, tokens, starts, ends) for s in spans) if t is not None]
    if headline:
        spans = _headline_names(spans, tokens, starts, ends, tagger.space.words, text)
    spans = _split_place_and_name(spans, tokens, starts, ends, text, tagger.space.words)
    if not headline:
        spans = _whole_names(spans, tokens, starts, ends, text)
    view = truecase(tokens, tagger.space) if headline else tokens
    spans = _titled_names(_join_connectors(spans, tokens, starts, ends), view, starts, ends, text, tagger.space.words)
    spans = _headed_organisations(_named_after_people(spans, tokens, starts, ends, text), tokens, starts, ends)
    spans = _unit_names(spans, view, starts, ends)
    hits: list[ActorHit] = []
    taken: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        s = spans[i]
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if s.first == s.last and tokens[s.first].replace(".", "").lower() in _degrees():
            i += 1  # "dr. Erta P.W., SpJP, FIHA": post-nominal letters, not an organisation or place
            continue
        if s.label == "ORG" and text[s.start : s.end] in _platforms() and _channel_cue(text, s.start):
            taken.append((s.start, s.end))
            i += 1
            continue
        if s.label == "ORG":
            # "Badan Gizi Nasional (BGN)": the long form and its acronym are one organisation.
            m = _ACRONYM_IN_BRACKETS.match(text, s.end)
            if (m and nxt is not None and nxt.start == m.start(1) and nxt.end == m.end(1) and nxt.label in ("ORG", "PER")
                    and is_short_form(m.group(1), text[s.start : s.end])):
                long_form = text[s.start : s.end]
                if _org_name(long_form) is None or _org_name(m.group(1)) is None:
                    taken.append((s.start, m.end()))
                    i += 2
                    continue
                hits.append(ActorHit("organization", f"{long_form} ({m.group(1)})", s.start, m.end(), short=m.group(1)))
                taken.append((s.start, m.end()))
                i += 2
                continue
            if m and m.group(1).isupper() and " " not in m.group(1) and is_short_form(m.group(1), text[s.start : s.end]) \
                    and not (nxt is not None and nxt.start < m.end()):
                # "Ketua Badan Pemeriksa Keuangan (BPK)": an acronym in brackets the tagger left out.
                long_form = text[s.start : s.end]
                if _org_name(long_form):
                    hits.append(ActorHit("organization", f"{long_form} ({m.group(1)})", s.start, m.end(), short=m.group(1)))
                taken.append((s.start, m.end()))
                i += 1
                continue
            name = _org_name(text[s.start : s.end])
            if s.first > 0 and tokens[s.first - 1][:1].isdigit():
                name = None  # "10 Universitas Islam Baru": a count of such bodies, not one of them
            if name and any(c.start == 0 and c.end == len(name) for c in find_countries(name)):
                name = None  # "RI", "Indonesia": the country, which countries.py reports
            if name:
                hits.append(ActorHit("organization", name, s.start, s.end))
            taken.append((s.start, s.end))
        elif s.label == "PER":
            prev = spans[i - 1] if i else None
            bracketed = s.first > 0 and tokens[s.first - 1] == "(" and s.last + 1 < len(tokens) and tokens[s.last + 1] == ")"
            after_person = prev is not None and prev.last == s.first - 2 and prev.label == "PER"
            if not (bracketed and s.first == s.last and not after_person):
                # "(KHGT)", "(Kakorlantas)", "(Fxh)": a word in brackets is a short form of what stands
                # before it, or a byline; only after a person is it a nickname ("... Purnama (Ahok)").
                hits.extend(_persons(s, tokens, starts, ends, text))
            taken.append((s.start, s.end))
        elif s.label == "LOC" and " " in text[s.start : s.end] and text[s.start : s.end] in known_names():
            # "di bawah Gerald Vanenburg": a place cue before a name the corpus knows as a person's.
            hits.extend(_persons(Span("PER", s.first, s.last, s.start, s.end), tokens, starts, ends, text))
            taken.append((s.start, s.end))
        elif s.label == "LOC":
            place = _place(text, s.start, s.end)
            if place is not None:
                hits.append(place)
            taken.append((s.start, s.end))
        i += 1
    listed = [(start, end) for _, start, end in find_orgs_listed(text)]
    listed += [(start, end) for start, end, _ in _whole_word_matches(_platform_automaton(), text)]
    for start, end in sorted(set(listed)):
        if any(a < end and start < b for a, b in taken):
            continue
        if text[start:end] in _platforms() and _channel_cue(text, start):
            continue  # "akun TikTok @dr.erta": the channel of a post, not an actor
        hits.append(ActorHit("organization", text[start:end], start, end))
        taken.append((start, end))
    return sorted(hits, key=lambda h: (h.start, h.end))


@lru_cache(maxsize=1)
def _platforms() -> frozenset[str]:
    return frozenset(lexicons.lines("platforms.txt"))


@lru_cache(maxsize=1)
def _platform_automaton():
    auto = ahocorasick.Automaton()
    for form in _platforms():
        auto.add_word(form, (form, form))
    auto.make_automaton()
    return auto


def _channel_cue(text: str, start: int) -> bool:
    before = text[max(0, start - 30) : start].lower().split()[-2:]
    return any(w.strip(",.:;\"'“”") in lexicons.word_set("channel_cues.txt") for w in before)


def _trim(span, tokens: list[str], starts: list[int], ends: list[int]):
    """A name starts with a capital: `umat Islam`, `kota Pati` give `Islam`, `Pati` (the public sets
    sometimes include such a word; our annotation guide does not)."""
    first = span.first
    while first <= span.last and not tokens[first][:1].isupper() and not tokens[first][:1].isdigit():
        first += 1
    if first > span.last:
        return None
    if first == span.first:
        return span
    return Span(span.label, first, span.last, starts[first], span.end)


def _split_place_and_name(spans, tokens, starts, ends, text, words):
    """`Menteri Dalam Negeri Prancis Gerald Darmanin`: the tagger sometimes reads the country and the
    name after it as one location; a listed country or place followed by name-like words that are
    no place is the place, then a person."""
    out = []
    listed = {s: e for _, _, s, e in find_places(text)}
    listed.update({c.start: c.end for c in find_countries(text)})
    for s in spans:
        end = listed.get(s.start)
        if s.label == "LOC" and end is not None and end < s.end:
            k = next((i for i in range(s.first, s.last + 1) if starts[i] >= end), None)
            rest = range(k, s.last + 1) if k is not None and k > s.first else range(0)
            # Two name-like words, or one the corpus knows as a person's ("Gaza City" stays a place).
            if len(rest) == 1 and not _name_part(tokens[rest[0]], known_names()):
                rest = range(0)
            if rest and all(_name_word(tokens[i], words) for i in rest) and not any(a >= end for a in listed if a < s.end):
                out.append(Span("LOC", s.first, k - 1, s.start, ends[k - 1]))
                out.append(Span("PER", k, s.last, starts[k], s.end))
                continue
        out.append(s)
    return out


def _whole_names(spans, tokens, starts, ends, text):
    """`Listyo Sigit` + `Prabowo` written together are one person, and `Dadan` right before
    `Hindayana` belongs to the name when the corpus knows it as a person's word (names.tsv.gz)."""
    known = known_names()
    out: list[Span] = []
    for s in spans:
        if s.label == "PER":
            first = s.first
            while first > 0 and _name_part(tokens[first - 1], known) and (not out or out[-1].last < first - 1) \
                    and ends[first - 1] + 1 == starts[first]:
                first -= 1
            if first != s.first:
                s = Span("PER", first, s.last, starts[first], s.end)
            if out and out[-1].label == "PER" and out[-1].last == s.first - 1 and text[out[-1].end : s.start] == " ":
                prev = out.pop()
                s = Span("PER", prev.first, s.last, prev.start, s.end)
        out.append(s)
    return out


def _name_part(tok: str, known: dict[str, tuple[int, int]]) -> bool:
    if not tok[:1].isupper() or tok.lower().rstrip(".") in _title_words():
        return False
    named, written = known.get(tok, (0, 0))
    return named >= 3 and named >= 0.6 * written


_JOINERS = frozenset("bin binti bt van von der de den da dos del al el ibn".split())


def _join_connectors(spans, tokens, starts, ends):
    """`Mohammed bin Salman`, `Siti Rahmawati binti Abdullah`: a connector between two capitalised
    names makes one person (the tagger sometimes stops at the connector)."""
    out = []
    for s in spans:
        k = s.first - 1
        if s.label == "PER" and k >= 1 and tokens[k] in _JOINERS and tokens[k - 1][:1].isupper():
            if out and out[-1].label == "PER" and out[-1].last == k - 1:
                prev = out.pop()
                out.append(Span("PER", prev.first, s.last, prev.start, s.end))
                continue
            if (not out or out[-1].last < k - 1) and _plain_name_word(tokens[k - 1]):
                first = k - 1
                if first > 0 and _plain_name_word(tokens[first - 1]) and (not out or out[-1].last < first - 1):
                    first -= 1
                out.append(Span("PER", first, s.last, starts[first], s.end))
                continue
        out.append(s)
    return out


def _plain_name_word(tok: str) -> bool:
    return tok[:1].isupper() and tok.lower().rstrip(".") not in _title_words() and tok not in place_countries() \
        and not _is_country(tok)


@lru_cache(maxsize=20_000)
def _is_country(word: str) -> bool:
    return bool(find_countries(word))


def _titled_names(spans, view, starts, ends, text, words):
    """A name right after a title and its office (`Wali Kota Armuji`, `Wakil Ketua MPR RI, Lestari
    Moerdijat`) is a person even where the tagger missed it: up to four capitalised words that the
    corpus does not write in lower case."""
    from .features import find_titles

    taken = {i for s in spans for i in range(s.first, s.last + 1)}
    out = list(spans)
    for t_start, t_end in find_titles(text):
        k = next((i for i, st in enumerate(starts) if st >= t_end), None)
        if k is None:
            continue
        while k < len(view) and k not in taken:
            if view[k] == ",":
                k += 1
                continue
            n = _office_length(view, list(range(k, min(len(view), k + 6))), starts, ends, text)
            if not n:
                break
            k += n
        first = k
        while k < len(view) and k - first < 4 and k not in taken and _name_word(view[k], words):
            k += 1
        if k - first == 1 and not _single_name(view[first], words):
            continue
        if k > first and (k == len(view) or k in taken or not view[k][:1].isupper()):
            out.append(Span("PER", first, k - 1, starts[first], ends[k - 1]))
            taken.update(range(first, k))
    return sorted(out, key=lambda s: s.first)


def _single_name(tok: str, words) -> bool:
    """A one-word name after a title: no dictionary word (`Hakim Konstitusi` names no one)."""
    info = words.get(tok.lower())
    return info is None or info.word_class == "-"


def _name_word(tok: str, words) -> bool:
    if not tok[:1].isupper() or tok.isupper() or not tok.replace("-", "").replace("'", "").isalpha():
        return False
    low = tok.lower()
    if low in _not_actors() or low.rstrip(".") in _title_words() or tok in place_countries():
        return False
    info = words.get(low)
    return info is None or info.cap_pct >= 50 or (info.cap_pct < 0 and info.word_class == "-")


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    return frozenset(w for t in _titles() for w in t)


def _headed_organisations(spans, tokens, starts, ends):
    """`Pemkot Medan`, `Polres Sleman`, `Kejari Bantul`: the head of an organisation's name right
    before a place makes the whole an organisation (the tagger often stops at the place)."""
    heads = _org_heads()
    buildings = frozenset(x.split()[0].lower() for x in lexicons.lines("place_heads.txt")) | {"kantor"}
    out = []
    for s in spans:
        head = tokens[s.first].lower()
        if s.label == "PER" and head in heads and tokens[s.first][:1].isupper():
            continue  # "Daop 6 Prediksi ...": a unit's head is no one's name; _unit_names reads the unit
        if s.label == "LOC" and s.last > s.first and head in heads and head not in buildings and tokens[s.first][:1].isupper():
            out.append(Span("ORG", s.first, s.last, s.start, s.end))  # "SMA Negeri 1 Sleman" is a school
            continue
        k = s.first - 1
        if s.label == "LOC" and k >= 0 and tokens[k][:1].isupper() and tokens[k].lower() in heads and ends[k] < s.start <= ends[k] + 1:
            first = k
            while out and out[-1].last >= first:
                first = min(first, out.pop().first)
            out.append(Span("ORG", first, s.last, starts[first], s.end))
            continue
        out.append(s)
    return out


def _unit_names(spans, view, starts, ends):
    """`Kementerian Kesehatan`, `Dinas Kesehatan Provinsi Jawa Timur`: a capitalised run opened by
    the head of an organisation's name (org_heads.txt) that the tagger left out is an organisation;
    so is the one inside a building's name (`Kantor Kementerian Pertanian`)."""
    heads = _org_heads()
    taken = {i for s in spans for i in range(s.first, s.last + 1)}
    out = list(spans)
    for s in spans:
        if s.label == "LOC" and s.last > s.first and view[s.first].lower() in ("kantor", "gedung") \
                and view[s.first + 1].lower() in heads and view[s.first + 1][:1].isupper():
            out.append(Span("ORG", s.first + 1, s.last, starts[s.first + 1], s.end))
    done = -1
    for i in [k for k, tok in enumerate(view) if tok[:1].isupper() and tok.lower() in heads and not tok.isupper()]:
        if i in taken or i <= done:
            continue
        j = i
        known = known_names()
        while j + 1 < len(view) and j + 1 - i < 8 and j + 1 not in taken:
            nxt = view[j + 1]
            if _name_part(nxt, known):
                break  # "PT Blue Bird Tbk Purnomo Prawiro": the unit's name ends where a person's begins
            if nxt[:1].isupper() or (nxt.isdigit() and not re.fullmatch(r"(?:19|20)\d\d", nxt)):
                j += 1  # "Daop 6", "SMA 3", but not the year in "Libur Sekolah 2025"
            elif nxt in ("dan", ",") and j + 2 < len(view) and view[j + 2][:1].isupper() and j + 2 not in taken:
                j += 1
            else:
                break
        while j > i and view[j] in ("dan", ","):
            j -= 1
        if j > i:
            out.append(Span("ORG", i, j, starts[i], ends[j]))
        done = j
    return sorted(out, key=lambda s: (s.first, -s.last))


def _named_after_people(spans, tokens, starts, ends, text):
    """`RSUD Prof. dr. Soekandar`, `Universitas Ahmad Dahlan`, `Bandara Soekarno-Hatta`: a person's
    name after a head from named_after_heads.txt (academic titles between) is part of that
    organisation's or place's name; a person span that is a listed organisation (`Traveloka`) is
    that organisation."""
    listed = org_aliases()
    heads = _named_after_heads()
    out = []
    for s in spans:
        if s.label != "PER":
            out.append(s)
            continue
        if text[s.start : s.end] in listed:
            out.append(Span("ORG", s.first, s.last, s.start, s.end))
            continue
        k = s.first - 1
        while k >= 0 and k >= s.first - 3 and tokens[k].lower().rstrip(".") in _ACADEMIC:
            k -= 1
        if k > 0 and tokens[k] == "." and tokens[k - 1].lower() in heads:
            k -= 1  # "RSUD. Prof. dr. Soekandar": a stray dot after the head
        found = None
        for n in (2, 1):  # "Rumah Sakit", "Pondok Pesantren" before "RS"
            if k - n + 1 >= 0 and " ".join(tokens[k - n + 1 : k + 1]).lower() in heads:
                found = (k - n + 1, heads[" ".join(tokens[k - n + 1 : k + 1]).lower()])
                break
        if found is None:
            out.append(s)
            continue
        first, label = found
        while out and out[-1].last >= first:  # a span that held the head alone is absorbed
            first = min(first, out.pop().first)
        out.append(Span(label, first, s.last, starts[first], s.end))
    return out


_ACADEMIC = frozenset("prof dr dr. drs dra ir h hj kh drg".split())


@lru_cache(maxsize=1)
def _named_after_heads() -> dict[str, str]:
    out = {}
    for line in lexicons.lines("named_after_heads.txt"):
        label, _, head = line.rpartition("place:")
        out[(head or line).strip().lower()] = "LOC" if line.startswith("place:") else "ORG"
    return out


_NO_NAMES: list[bool] = []


@contextmanager
def without_known_names() -> Iterator[None]:
    """Extract as if names.tsv.gz were empty: how `etl.train` builds that file, so that it depends
    on ../shared and the model alone, not on the copy it replaces."""
    _NO_NAMES.append(True)
    known_names.cache_clear()
    _known_automaton.cache_clear()
    try:
        yield
    finally:
        _NO_NAMES.pop()
        known_names.cache_clear()
        _known_automaton.cache_clear()


@lru_cache(maxsize=1)
def known_names() -> dict[str, tuple[int, int]]:
    """names.tsv.gz: name -> (articles naming a person so, articles writing it), from `etl.train`."""
    import gzip

    from .features import MODELS

    path = MODELS / "names.tsv.gz"
    out: dict[str, tuple[int, int]] = {}
    if path.exists() and not _NO_NAMES:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    name, named, written = line.rstrip("\n").split("\t")
                    out[name] = (int(named), int(written))
    return out


@lru_cache(maxsize=1)
def _known_automaton():
    auto = ahocorasick.Automaton()
    for name, (named, written) in known_names().items():
        # A one-word name counts when most articles that write it mean a person by it.
        if " " in name or named >= 0.6 * written:
            auto.add_word(name, (name, name))
    if len(auto):
        auto.make_automaton()
    return auto


def _headline_names(spans, tokens, starts, ends, words, text):
    """In Title Case every word looks like a name. A person span keeps only its name-like words (an
    unknown word or one the corpus knows as a name: `Jagain Yoona` gives `Yoona`) and loses a listed
    place at its end (`Tupon Bantul`); people the corpus bodies name (names.tsv.gz: `Putin`,
    `Marsha Aulia Putri`) are persons wherever the tagger hesitated, and their whole name counts."""
    out = []
    for s in spans:
        first, last = s.first, s.last
        if s.label == "PER":
            while first < last and _ordinary_in_headline(tokens[first], words):
                first += 1
            while last > first and tokens[last] in place_countries():
                last -= 1
        out.append(s if (first, last) == (s.first, s.last) else Span(s.label, first, last, starts[first], ends[last]))
    auto = _known_automaton()
    if not len(auto):
        return out
    other = [(c.start, c.end) for c in find_countries(text)] + [(a, b) for _, a, b in find_orgs_listed(text)]
    other += [(a, b) for _, _, a, b in find_places(text)]
    for a, b, _ in _whole_word_matches(auto, text):
        i, j = bisect_left(starts, a), bisect_right(ends, b) - 1
        if i > j or any(x < b and a < y for x, y in other):
            continue
        clash = [s for s in out if s.first <= j and i <= s.last]
        if any(s.label != "PER" or s.first < i or s.last > j for s in clash):
            continue  # the tagger's span is another kind, or a longer name: it stands
        # A known full name replaces the tagger's shorter or longer cut of it.
        out = [s for s in out if s not in clash]
        out.append(Span("PER", i, j, starts[i], ends[j]))
    return sorted(out, key=lambda s: s.first)


def _ordinary_in_headline(word: str, words) -> bool:
    info = words.get(word.lower())
    if info is None:
        return usually_lower(word, default_tagger().space)
    return info.history not in ("PER", "mix") and info.cap_pct < 90


def is_short_form(short: str, long_form: str) -> bool:
    """Is `short` an acronym or short name of `long_form`? Its letters, in order, from the start
    of one of the long form's words: KPK, Kemenkeu, Danantara, Unisa yes; `Pansus Angket KPK`,
    `Edy` no."""
    s = "".join(c for c in short.lower() if c.isalnum())
    words = [w for w in re.findall(r"\w+", long_form.lower())]
    if not s or not words or len(short.split()) > 3:
        return False
    for i, w in enumerate(words):
        if w[0] != s[0]:
            continue
        rest = "".join(words[i:])
        pos = 0
        for c in s:
            pos = rest.find(c, pos) + 1
            if pos == 0:
                break
        else:
            return True
    return False


def is_headline_like(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text)]
    if len(words) < 3:
        return True
    return sum(w[0].isupper() for w in words) / len(words) > 0.6


def _org_name(name: str) -> str | None:
    name = name.strip(" -,.:;'\"“”‘’@#")
    if not name or name.lower() in _not_actors() or not any(c.isalpha() for c in name):
        return None
    return name


def _place(text: str, start: int, end: int) -> ActorHit | None:
    """A location span: a country is left to countries.py; anything else is a place."""
    name = text[start:end].strip(" -,.:;'\"“”")
    if not name or name.lower() in _not_actors():
        return None
    countries = find_countries(text[start:end])
    if countries and countries[0].start == 0 and countries[0].end >= len(text[start:end].rstrip(" .,")):
        return None  # the whole span is a country: countries.py reports it
    code = place_countries().get(name)
    if code is None:
        inner = [c for _, c, _, _ in find_places(name)] or [c.code for c in countries]
        code = inner[0] if inner else None
    return ActorHit("place", name, start, end, code=code)


def _persons(span, tokens: list[str], starts: list[int], ends: list[int], text: str) -> list[ActorHit]:
    if any(c.start == 0 and c.end == span.end - span.start for c in find_countries(text[span.start : span.end])):
        return []  # "Arab Saudi Jadi Tuan Rumah": a country, which countries.py reports
    toks = list(range(span.first, span.last + 1))
    if span.first > 0 and tokens[span.first - 1] in ("I", "Ni") and starts[span.first] - ends[span.first - 1] == 1:
        toks.insert(0, span.first - 1)  # Balinese names: "I Made Mudharta", "Ni Luh Putu"
    # A byline or photo credit ("Editor: Budi Hartono", "Foto: ANTARA/Gao Jing") is not in the story.
    before = [tokens[k].lower() for k in range(max(0, span.first - 5), span.first)]
    if any(w in _byline_cues() for w in before) and (":" in before or "/" in before):
        return []
    titled = False
    while toks:
        n = _title_length(tokens, toks)
        if n:
            toks, titled = toks[n:], True
            # "Menteri Keamanan Publik Tiongkok Wang Xiaohong": the office after a title goes too.
            while len(toks) > 1:
                n = _office_length(tokens, toks, starts, ends, text)
                if not n or n >= len(toks):
                    break
                toks = toks[n:]
            continue
        break
    while toks and (tokens[toks[-1]].replace(".", "").lower() in _degrees() or not tokens[toks[-1]][0].isalnum()):
        toks = toks[:-1]
    while toks and not tokens[toks[0]][0].isalnum():
        toks = toks[1:]
    if not toks:
        return []
    if len(toks) == 1 and toks[0] > 0 and tokens[toks[0] - 1] == "(" and toks[0] + 1 < len(tokens) and tokens[toks[0] + 1] == ")":
        # "(Fxh)", "(AR)": initials in brackets are a byline or an anonymised person. A nickname in
        # brackets after a name ("Basuki Tjahaja Purnama (Ahok)") is kept: extract.py merges it.
        if toks[0] < 2 or not tokens[toks[0] - 2][:1].isupper():
            return []
    out = []
    for part in _split_joint(toks, tokens, starts, ends, text):
        a, b = part
        name = " ".join(text[a:b].split())
        if _person_ok(name):
            out.append(ActorHit("person", name, a, b, titled))
    return out


def _title_length(tokens: list[str], toks: list[int]) -> int:
    """How many tokens at the start of `toks` form a title ("Wakil Ketua", "Irjen Pol", "Dr.")."""
    best = 0
    words = [tokens[k].lower().rstrip(".") for k in toks[:4]]
    for n in range(1, len(words)):  # never the whole span: something must remain as the name
        if tuple(words[:n]) in _titles():
            best = n
    if best and best < len(toks) and tokens[toks[best]] == ".":
        best += 1
    return best


def _office_length(tokens: list[str], toks: list[int], starts: list[int], ends: list[int], text: str) -> int:
    """Tokens at the start of `toks` that name the office after a title: its words, a unit's
    acronym, or the place, country or organisation it serves ("Gubernur Jawa Tengah ...")."""
    tok = tokens[toks[0]]
    low = tok.lower()
    if low in _portfolio_words() or (tok.isupper() and len(tok) > 1 and low not in _degrees()):
        return 1
    limit = ends[toks[-1]]
    listed = [e for e in _listed_at(text).get(starts[toks[0]], ()) if e <= limit]
    if not listed:
        return 0
    end = max(listed)
    return sum(1 for k in toks if ends[k] <= end)


@lru_cache(maxsize=32)
def _listed_at(text: str) -> dict[int, list[int]]:
    """Start offset -> end offsets of the listed places, countries and organisations of a text."""
    out: dict[int, list[int]] = {}
    for s, e in [(s, e) for _, _, s, e in find_places(text)] + [(c.start, c.end) for c in find_countries(text)] \
            + [(s, e) for _, s, e in find_orgs_listed(text)]:
        out.setdefault(s, []).append(e)
    return out


def _split_joint(toks: list[int], tokens, starts, ends, text) -> list[tuple[int, int]]:
    """`Prabowo Subianto-Gibran Rakabuming Raka` names two people; `Al-Raisi` and `Jean-Paul` one."""
    for j, k in enumerate(toks):
        tok = tokens[k]
        left_words = j + 1
        right_words = len(toks) - j
        if "-" in tok and left_words >= 2 and right_words >= 2:
            left, _, right = tok.partition("-")
            if left[:1].isupper() and right[:1].isupper():
                cut = starts[k] + len(left)
                return [(starts[toks[0]], cut), (cut + 1, ends[toks[-1]])]
        if tok in ("-", "–", "/", "&") and 0 < j < len(toks) - 1:
            return [(starts[toks[0]], ends[toks[j - 1]]), (starts[toks[j + 1]], ends[toks[-1]])]
    return [(starts[toks[0]], ends[toks[-1]])]


def _person_ok(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 6:
        return False
    if all(w.lower().rstrip(".") in _title_words() for w in words):
        return False  # "Sultan", "Pak": a title alone names nobody in particular
    low = name.lower()
    if low in _not_actors() or any(w.lower() in _not_actors() for w in words):
        return False
    if words[0].lower() in _org_heads() and len(words) > 1:
        return False
    if not any(c.islower() for c in name) and len(name) > 5:
        return False  # an all-capital run this long is a heading or an acronym, not a name
    return any(w[:1].isupper() for w in words) and all(w[:1].isupper() or w.lower() in _CONNECTORS or w in _ROMAN
                                                      or not w[:1].isalpha() for w in words)
