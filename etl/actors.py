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
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

from . import lexicons
from .countries import find_countries
from .gazetteers import (
    _byline_cues,
    _channel_cue,
    _degrees,
    _not_actors,
    _org_heads,
    _platform_automaton,
    _platforms,
    _titles,
    _whole_word_matches,
    find_orgs_listed,
    find_places,
    known_first_words,
    known_names,
    place_countries,
)
from .name_forms import is_short_form, key
from .span_rules import (
    Doc,
    SpanStage,
    _office_length,
    headed_organisations,
    headline_names,
    join_connectors,
    named_after_people,
    split_place_and_name,
    titled_names,
    trim_edges,
    unit_names,
    unit_with_region,
    whole_names,
)
from .span_splits import (
    _listed_org_keys,
    cut_at_headline_words,
    cut_at_lower_words,
    end_organisation_before_a_title,
    numbered_unit_of_parent,
    relabel,
    split_known_person_after,
    unit_with_place,
)
from .tagger import Span, default_tagger, truecase

_LEGAL_FORM_IN_BRACKETS = re.compile(r"\s*\(\s*(Persero|Tbk|Perum|Perseroda|Perseroan)\s*\)")
_ACRONYM_IN_BRACKETS = re.compile(r"\s*\(\s*([^()]{1,40}?)\s*\)")
_CONNECTORS = frozenset("bin binti van der de den von da dos del la le al el ibn".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # a count ("10 Universitas ..."), not a model ("iPhone 4S Apple")
_ROMAN = frozenset("I II III IV V VI VII VIII IX X XI XII".split())


# The tagger's spans go through these in order (each: the text, spans -> spans; span_rules.py and
# span_splits.py say what each corrects).
SPAN_STAGES: tuple[SpanStage, ...] = (
    cut_at_lower_words,
    trim_edges,
    cut_at_headline_words,
    headline_names,
    split_place_and_name,
    whole_names,
    join_connectors,
    split_known_person_after,
    titled_names,
    named_after_people,
    headed_organisations,
    unit_names,
    unit_with_region,
    unit_with_place,
    numbered_unit_of_parent,
    end_organisation_before_a_title,
    relabel,
)


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
# Spans to names


def find_actors(text: str, headline: bool | None = None, sport: bool = False) -> list[ActorHit]:
    """Persons, organisations and places in one text (a title, caption, body or trending headline).
    headline=None decides from the text whether it is written in Title Case."""
    if headline is None:
        headline = is_headline_like(text)
    tagger = default_tagger()
    spans, tokens, starts, ends = tagger.tag(text, title_case=headline)
    view = truecase(tokens, tagger.space) if headline else tokens
    doc = Doc(text, tokens, starts, ends, view, headline, tagger.space.words, sport)
    for stage in SPAN_STAGES:
        spans = stage(doc, spans)
    walk = _Walk(doc, spans)
    i = 0
    while i < len(spans):
        listed = _listed_kind(text[spans[i].start : spans[i].end])
        for rule in SPAN_RULES:
            step = rule(walk, i, listed)
            if step is not None:
                i = step
                break
        else:
            i += 1  # a label none of the rules reads
    hits = walk.hits + _listed_orgs_left(text, walk.taken)
    hits = _spaced_where_glued(hits, text, tokens, starts, ends)
    return _join_double_acronyms(sorted(hits, key=lambda h: (h.start, h.end)), text)


@dataclass
class _Walk:
    """One pass over a text's spans: the names found so far and the characters the spans took
    (a listed organisation inside them is not added again)."""
    doc: Doc
    spans: list[Span]
    hits: list[ActorHit] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)

    def name(self, i: int) -> str:
        s = self.spans[i]
        return self.doc.text[s.start : s.end]

    def next_span(self, i: int) -> Span | None:
        return self.spans[i + 1] if i + 1 < len(self.spans) else None

    def add(self, hit: ActorHit | None, start: int, end: int) -> None:
        if hit is not None:
            self.hits.append(hit)
        self.taken.append((start, end))


# Every rule has this signature: the walk, the index of the span, what the lexicons list that span's
# text as -> the index of the next span to read, or None when the rule does not apply to it. The
# first rule that applies decides (SPAN_RULES, in order).
SpanRule = Callable[[_Walk, int, "str | None"], "int | None"]


def _post_nominal_letters(w: _Walk, i: int, listed: str | None) -> int | None:
    """`dr. Erta P.W., SpJP, FIHA`: post-nominal letters, not an organisation or place."""
    s = w.spans[i]
    return i + 1 if s.first == s.last and w.doc.tokens[s.first].replace(".", "").lower() in _degrees() else None


def _channel_of_a_post(w: _Walk, i: int, listed: str | None) -> int | None:
    """`akun TikTok @dr.erta`: a platform as the channel of a post is no actor."""
    s = w.spans[i]
    if s.label == "ORG" and w.name(i) in _platforms() and _channel_cue(w.doc.text, s.start):
        w.add(None, s.start, s.end)
        return i + 1
    return None


def _listed_as_another_kind(w: _Walk, i: int, listed: str | None) -> int | None:
    """A span that is exactly a listed place or organisation is that, whatever the tagger said:
    `di Khan Younis` is no person, `Daerah Istimewa Yogyakarta (DIY)` no organisation. One word the
    tagger read as an organisation stays one (`atas Wolfsburg`, `Roma akan bertanding`: a club, or a
    city's government)."""
    s, text = w.spans[i], w.doc.text
    if listed == "LOC" and s.label == "ORG" and " " not in w.name(i):
        listed = None
    if listed is None or listed == s.label:
        return None
    if listed != "LOC":
        w.add(ActorHit("organization", w.name(i), s.start, s.end), s.start, s.end)
        return i + 1
    w.add(_place(text, s.start, s.end), s.start, s.end)
    m = _ACRONYM_IN_BRACKETS.match(text, s.end)
    nxt = w.next_span(i)
    if m and nxt is not None and nxt.start == m.start(1) and _listed_kind(m.group(1)) == "LOC":
        return i + 2  # "(DIY)" after it is the same place
    return i + 1


def _long_form_and_acronym(w: _Walk, i: int, listed: str | None) -> int | None:
    """`Badan Gizi Nasional (BGN)`: the long form and its acronym (the next span) are one
    organisation; `Pemerintah Kota (Pemkot) Semarang`, the unit of the place after the acronym, not
    every city's government (470 corpus articles over 14 outlets write a unit so)."""
    s, nxt, text = w.spans[i], w.next_span(i), w.doc.text
    m = _ACRONYM_IN_BRACKETS.match(text, s.end) if s.label == "ORG" else None
    if not (m and nxt is not None and nxt.start == m.start(1) and nxt.end == m.end(1) and nxt.label in ("ORG", "PER")
            and is_short_form(m.group(1), w.name(i))):
        return None
    long_form, acronym = w.name(i), m.group(1)
    region = _region_after(text, m.end(), long_form) if _org_name(acronym) else None
    if region is not None:
        unit = _unit_of_place(long_form, acronym, region, s.start)
        w.add(unit, unit.start, unit.end)
        return _first_after(w.spans, i + 2, unit.end)
    named = _org_name(long_form) is not None and _org_name(acronym) is not None
    w.add(ActorHit("organization", f"{long_form} ({acronym})", s.start, m.end(), short=acronym) if named else None,
          s.start, m.end())
    return i + 2


def _acronym_the_tagger_left_out(w: _Walk, i: int, listed: str | None) -> int | None:
    """An organisation followed by its acronym in brackets that no span covers: `Dinas Kesehatan
    (Dinkes) Kota Yogyakarta` is that unit of that place; `Ketua Badan Pemeriksa Keuangan (BPK)` is
    `Long (ACR)`."""
    s, nxt, text = w.spans[i], w.next_span(i), w.doc.text
    m = _ACRONYM_IN_BRACKETS.match(text, s.end) if s.label == "ORG" else None
    if not (m and " " not in m.group(1) and is_short_form(m.group(1), w.name(i))
            and not (nxt is not None and nxt.start < m.end())):
        return None
    long_form, acronym = w.name(i), m.group(1)
    region = _region_after(text, m.end(), long_form) if acronym[:1].isupper() else None
    if region is not None:
        unit = _unit_of_place(long_form, acronym, region, s.start)
        w.add(unit, unit.start, unit.end)
        return _first_after(w.spans, i + 1, unit.end)
    if not acronym.isupper():
        return None
    named = _org_name(long_form) is not None
    w.add(ActorHit("organization", f"{long_form} ({acronym})", s.start, m.end(), short=acronym) if named else None,
          s.start, m.end())
    return i + 1


def _company_with_legal_form(w: _Walk, i: int, listed: str | None) -> int | None:
    """`PT Pertamina (Persero)`: the legal form in brackets belongs to the company's name."""
    s, nxt = w.spans[i], w.next_span(i)
    name = _org_name(w.name(i)) if s.label == "ORG" else None
    legal = _LEGAL_FORM_IN_BRACKETS.match(w.doc.text, s.end) if name else None
    if not (name and legal and not (nxt is not None and nxt.start < legal.end() and nxt.label != "ORG")):
        return None
    w.add(ActorHit("organization", f"{name} ({legal.group(1)})", s.start, legal.end()), s.start, legal.end())
    return i + 2 if nxt is not None and nxt.start < legal.end() else i + 1


def _organisation(w: _Walk, i: int, listed: str | None) -> int | None:
    """Any other organisation span, as written; not a count of such bodies (`10 Universitas Islam
    Baru`) nor a country (`RI`, `Indonesia`: countries.py reports it)."""
    s, tokens = w.spans[i], w.doc.tokens
    if s.label != "ORG":
        return None
    name = _org_name(w.name(i))
    if s.first > 0 and _NUMBER.fullmatch(tokens[s.first - 1]):
        name = None
    if name and any(c.start == 0 and c.end == len(name) for c in find_countries(name)):
        name = None
    w.add(ActorHit("organization", name, s.start, s.end) if name else None, s.start, s.end)
    return i + 1


def _person(w: _Walk, i: int, listed: str | None) -> int | None:
    """A person span; a word in brackets is a short form of what stands before it or a byline
    (`(KHGT)`, `(Kakorlantas)`, `(Fxh)`), only after a person a nickname (`... Purnama (Ahok)`)."""
    s, d = w.spans[i], w.doc
    if s.label != "PER":
        return None
    prev = w.spans[i - 1] if i else None
    bracketed = s.first > 0 and d.tokens[s.first - 1] == "(" and s.last + 1 < len(d.tokens) and d.tokens[s.last + 1] == ")"
    after_person = prev is not None and prev.last == s.first - 2 and prev.label == "PER"
    if not (bracketed and s.first == s.last and not after_person):
        w.hits.extend(_persons(s, d.tokens, d.starts, d.ends, d.text))
    w.add(None, s.start, s.end)
    return i + 1


def _known_person_read_as_place(w: _Walk, i: int, listed: str | None) -> int | None:
    """`di bawah Gerald Vanenburg`: a place cue before a name the corpus knows as a person's;
    `Netanyahu Perintahkan ...`: a headline's Title Case hides the cue (363 headlines read him as a
    place before)."""
    s, d = w.spans[i], w.doc
    if s.label != "LOC" or listed == "LOC" or not _known_person(w.name(i)):
        return None
    w.hits.extend(_persons(Span("PER", s.first, s.last, s.start, s.end), d.tokens, d.starts, d.ends, d.text))
    w.add(None, s.start, s.end)
    return i + 1


def _location(w: _Walk, i: int, listed: str | None) -> int | None:
    """A location span: a place (a country is left to countries.py)."""
    s = w.spans[i]
    if s.label != "LOC":
        return None
    w.add(_place(w.doc.text, s.start, s.end), s.start, s.end)
    return i + 1


SPAN_RULES: tuple[SpanRule, ...] = (
    _post_nominal_letters,
    _channel_of_a_post,
    _listed_as_another_kind,
    _long_form_and_acronym,
    _acronym_the_tagger_left_out,
    _company_with_legal_form,
    _organisation,
    _person,
    _known_person_read_as_place,
    _location,
)


def _listed_orgs_left(text: str, taken: list[tuple[int, int]]) -> list[ActorHit]:
    """Organisations the lexicons list (and platforms) where no span took their characters."""
    listed_spans = [(start, end) for _, start, end in find_orgs_listed(text)]
    listed_spans += [(start, end) for start, end, _ in _whole_word_matches(_platform_automaton(), text)]
    # Characters already taken by a span, as a mask: comparing every listed name with every span made
    # long texts quadratic (a 5 MB article ran for hours; issue 11).
    covered = bytearray(len(text) + 1)
    for a, b in taken:
        covered[a:b] = b"\x01" * (b - a)
    out = []
    for start, end in sorted(set(listed_spans)):
        if any(covered[start:end]):
            continue
        if text[start:end] in _platforms() and _channel_cue(text, start):
            continue  # "akun TikTok @dr.erta": the channel of a post, not an actor
        if text[end : end + 5] == " lain" and not text[end + 5 : end + 6].isalnum():
            continue  # "Antara lain, ...": "among others", not the news agency
        if text[max(0, start - 6) : start] == "Piala ":
            continue  # "Piala Uber": a cup named after someone, not the company
        out.append(ActorHit("organization", text[start:end], start, end))
        covered[start:end] = b"\x01" * (end - start)
    return out


def _spaced_where_glued(hits: list[ActorHit], text: str, tokens: list[str], starts: list[int], ends: list[int]) -> list[ActorHit]:
    """A name across a number a scraper glued to the next word (`KAI Daop 9Jember`, split by
    tokens.py) is written with the space it lost, so that it is the name written elsewhere with it.
    (Words split at a change of case keep their writing: `PalmCo` may be a brand's.)"""
    glue = [ends[k] for k in range(len(tokens) - 1)
            if ends[k] == starts[k + 1] and tokens[k][-1:].isdigit() and tokens[k + 1][:1].isalpha()]
    if not glue:
        return hits
    out = []
    for h in hits:
        inside = [g for g in glue if h.start < g < h.end]
        if inside and h.name == text[h.start : h.end]:
            pieces, at = [], h.start
            for g in inside:
                pieces.append(text[at:g])
                at = g
            pieces.append(text[at : h.end])
            h = replace(h, name=" ".join(pieces))
        out.append(h)
    return out


_DOUBLE = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")
_PLACE_SHORT = re.compile(r"\s*\(([A-Z][A-Za-z0-9-]{1,12})\)")


_REGION = re.compile(r"[ \t]+((?:(?:Kabupaten|Kota|Provinsi|Kab\.)[ \t]+)?[A-Z][\w'-]+(?:[ \t]+[A-Z][\w'-]+){0,2})")


def _unit_of_place(long_form: str, acronym: str, region: tuple[str, int], start: int) -> ActorHit:
    """`Pemerintah Kota Semarang (Pemkot Semarang)` from the long form, its acronym and the place after
    them (`_region_after`)."""
    where, end = region
    short = f"{acronym} {where}"
    return ActorHit("organization", f"{long_form} {where} ({short})", start, end, short=short)


def _first_after(spans: list[Span], i: int, end: int) -> int:
    """The index of the first span from i on that starts at `end` or after it."""
    while i < len(spans) and spans[i].start < end:
        i += 1
    return i


def _region_after(text: str, at: int, long_form: str) -> tuple[str, int] | None:
    """The place written right after a unit's acronym (`Dinas Perhubungan (Dishub) DKI Jakarta`), as
    (its name, where it ends), when the long form opens with a unit's head (org_heads.txt) and the
    words are a listed place (the longest that is)."""
    if long_form.split()[0].lower() not in _org_heads():
        return None
    m = _REGION.match(text, at)
    if not m:
        return None
    words = m.group(1).split()
    places = place_countries()
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        bare = " ".join(words[1:n]) if words[0] in ("Kabupaten", "Kota", "Provinsi", "Kab.") else None
        if name in places or (bare and bare in places):
            return name, m.start(1) + len(name)
    return None


def _join_double_acronyms(hits: list[ActorHit], text: str) -> list[ActorHit]:
    """`Badan Pengelola Investasi (BPI) Daya Anagata Nusantara (Danantara)`, `Satuan Tugas (Satgas)
    Makan Bergizi Gratis (MBG)`, `Badan Penanggulangan Bencana Daerah (BPBD) Daerah Istimewa
    Yogyakarta (DIY)`: an organisation's `Long (ACR)` followed at once by another organisation's or a
    place's `Long (ACR)` is one organisation when the text itself writes the two short forms together
    (`BPI Danantara`, `Satgas MBG`, `BPBD DIY`): 70 of 265 such pairs in the corpus bodies, in 69 articles of 14 outlets."""
    if len(hits) < 2 or ") " not in text:
        return hits
    out: list[ActorHit] = []
    for h in hits:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == "organization" and prev.short and h.kind in ("organization", "place") \
                and 0 < h.start - prev.end <= 1 and text[prev.end : h.start].isspace():
            second_long, second_short, end = None, None, h.end
            m = _DOUBLE.match(h.name) if h.kind == "organization" else None
            if m:
                second_long, second_short = m.group(1), m.group(2)
            after = _PLACE_SHORT.match(text, h.end) if h.kind == "place" else None
            if after:
                second_long, second_short, end = h.name, after.group(1), after.end()
            if second_long and second_short and f"{prev.short} {second_short}" in text:
                first_long = prev.name[: prev.name.rfind("(")].rstrip()
                joined = f"{prev.short} {second_short}"
                out[-1] = ActorHit("organization", f"{first_long} {second_long} ({joined})", prev.start, end, short=joined)
                continue
        out.append(h)
    return out


def is_headline_like(text: str, first_words: int | None = None) -> bool:
    """Six in ten of its words of four letters or more (of the first `first_words` of them) are
    capitalised."""
    words = re.findall(r"[^\W\d_]{4,}", text)[:first_words]
    if len(words) < 3:
        return True
    return sum(w[0].isupper() for w in words) / len(words) > 0.6


def _listed_kind(name: str) -> str | None:
    """LOC for a listed place, ORG for a listed organisation (the whole name, as written), else None.
    A name that is both is left to the tagger; the lexicons, which users edit, win over the names
    list learned from the corpus."""
    place = name in place_countries()
    org = any(start == 0 and end == len(name) for _, start, end in find_orgs_listed(name))
    if not place and not org and len(name) >= 4 and not name.isupper():
        # "Nasdem" for the listed "NasDem": the lexicons' names in other capitals (not an acronym in
        # capitals, which may be another body's).
        place, org = key(name) in _listed_place_keys(), key(name) in _listed_org_keys()
    if place == org:
        return None
    return "LOC" if place else "ORG"


@lru_cache(maxsize=1)
def _listed_place_keys() -> frozenset[str]:
    return frozenset(key(n) for n in place_countries())


def _known_person(name: str) -> bool:
    """A full name the corpus bodies give to a person, or a single word they use inside persons'
    names at least four times in five (and five times at least: Netanyahu 50 of 57, Putin 49 of 54)."""
    known = known_names().get(name)
    if known is None:
        return False
    if " " in name:
        return True
    named, written = known
    return named >= 5 and named >= 0.8 * written


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


def _persons(span: Span, tokens: list[str], starts: list[int], ends: list[int], text: str) -> list[ActorHit]:
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
                if not n or n >= len(toks) or not any(_name_like(tokens[k]) for k in toks[n:]):
                    break  # "Sultan HB X": what would remain ("X") is no name, so "HB" is not an office
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
        if _person_ok(name) and not _a_date_or_sign(name, text, a, b):
            out.append(ActorHit("person", name, a, b, titled))
    return out


_YEAR_AFTER = re.compile(r"\s*(?:\d{1,2}\s*,?\s*)?(?:19|20)\d\d\b")


def _a_date_or_sign(name: str, text: str, start: int, end: int) -> bool:
    """`Jan` in `(Jul 2024 - Jan 2025)`, `Agust 2022`: a one-word name right before a year is a month;
    `Libra` in `Zodiak 20 Juni 2025 ... Libra, Scorpio, Sagitarius`: a sign of the zodiac (zodiac.txt)
    where the text names the zodiac or another sign is no person."""
    if " " in name:
        return False
    if _YEAR_AFTER.match(text, end):
        return True
    signs = lexicons.word_set("zodiac.txt")
    if name.lower() in signs:
        window = text[max(0, start - 200) : end + 200].lower()
        return "zodiak" in window or "zodiac" in window or sum(s in window for s in signs) >= 2
    return False


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


def _split_joint(toks: list[int], tokens: list[str], starts: list[int], ends: list[int], text: str) -> list[tuple[int, int]]:
    """`Prabowo Subianto-Gibran Rakabuming Raka` names two people; `Al-Raisi` and `Jean-Paul` one;
    `Jokowi-JK` or `Risma-Whisnu` alone is a ticket of two when the corpus names people by both parts."""
    if len(toks) == 1 and tokens[toks[0]].count("-") == 1:
        left, _, right = tokens[toks[0]].partition("-")
        known = known_names()
        if left.lower() not in _CONNECTORS and tokens[toks[0]] not in known_first_words() and all(
                w[:1].isupper() and len(w) > 1 and known.get(w, (0, 0))[0] >= 3 for w in (left, right)):
            cut = starts[toks[0]] + len(left)
            return [(starts[toks[0]], cut), (cut + 1, ends[toks[0]])]
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
    lowered = tuple(w.lower().rstrip(".") for w in words)
    if lowered in _titles() or all((w,) in _titles() for w in lowered):
        return False  # "Sultan", "Pak", "Jaksa Agung": a title alone names nobody ("Agung" alone is a name)
    low = name.lower()
    if low in _not_actors() or any(w.lower() in _not_actors() for w in words):
        return False
    if words[0].lower() in _org_heads() and len(words) > 1:
        return False
    if not any(c.islower() for c in name) and len(name) > 5:
        return False  # an all-capital run this long is a heading or an acronym, not a name
    return any(w[:1].isupper() for w in words) and all(w[:1].isupper() or w.lower() in _CONNECTORS or w in _ROMAN
                                                      or not w[:1].isalpha() or _ARABIC_ARTICLE.match(w) for w in words)


# "Bashar al-Assad", "Abdel Fattah el-Sisi": an article joined to a capitalised name is part of it.
_ARABIC_ARTICLE = re.compile(r"(?:al|el|an|ar|as|ash|at|ad|ud|ul|un|az)-[A-Z]")


def _name_like(tok: str) -> bool:
    """A word that can carry a name: letters, not only a Roman numeral or an initial."""
    return tok[:1].isupper() and tok.rstrip(".") not in _ROMAN and sum(c.isalpha() for c in tok) >= 2
