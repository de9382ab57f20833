"""Span stages that cut a tagger's span where it holds more than one thing, or join two that are one:
- a Title Case headline's ordinary word inside a name (`Israel Serang Rafah`, `Gandeng Danantara`):
  the span is cut there, as the case-normalised view the tagger read shows it;
- a rank or title after an organisation (`Polri Inspektur Jenderal ...`): the organisation ends
  before it (the person after it is found by the titled-names stage);
- an organisation or place followed by a person the corpus knows (`Hamas Ismail Haniyeh`): two
  spans;
- a unit and the place it serves written as two spans (`Polres Metro` + `Jakarta Utara`): one
  organisation, as `Polres Gunungkidul` is.
And one that decides a span's kind from evidence the tagger does not see (`relabel`):
- a one-word organisation or place the corpus bodies use inside persons' names four times in five
  (`Trump` in `Orang Kepercayaan Trump`) is that person;
- an acronym that is the initials of one full name the corpus gives to a person, and that the corpus
  itself names as a person (`AHY`), is a person;
- a joint ticket written as one word whose halves the corpus knows as persons (`Prabowo-Gibran`)
  is persons, whatever the tagger said;
- a name listed both as a place and as an organisation (`Liverpool`, a city and its club) is the
  organisation in an article about sport, the place after a place cue, elsewhere what the corpus
  mostly reads it as;
- a listed organisation the tagger read as a name's first word (`Suzuki Jimny`, a car) is the
  organisation alone, and so is one at the end of a name no head opens (`Town Hall Danantara`);
- a word of a ministry's shape (org_patterns.txt: `Kemenhan`, `Kemlu`) is an organisation;
- a name ending on an event's or programme's word (event_tails.txt: `... Expo`, `... Program`) is
  no organisation.
Each stage has span_rules.py's signature: (Doc, spans) -> spans.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import lexicons, memo
from .gazetteers import _org_heads, _titles, is_listed_org, known_names, org_aliases, place_countries
from .name_forms import key
from .name_likeness import name_likeness
from .span_rules import Doc
from .tagger import Span

# Words that join the parts of a name in lower case even in a headline ("Kementerian Pertahanan dan
# Keamanan", "Bank of America"): a lowered word of these does not cut a span.
_JOINING = frozenset("dan dari untuk atas bagi di ke of the and for de du des la le van von der den da del al el bin binti".split())


# Lower-case words that stand inside names besides the joining words: a hospital's `dr`, an Italian
# paper's `dello`, an English title's `on`, `to`, `in`, a ministry's `bidang`.
_INSIDE_NAMES = _JOINING | frozenset("from dr dr. drg dello della delle dei degli del dos das do y on to in at bidang nan".split())


_LOWER_INSIDE = re.compile(r"\s[a-z]")  # a quick test: most spans hold no lower-case word


def cut_at_lower_words(doc: Doc, spans: list[Span]) -> list[Span]:
    """An organisation's or place's span is cut at a lower-case word inside it that names do not
    hold (`Inter Miami vs FC Porto`, `Real Madrid seri dengan Al Hilal` glued by a scraper,
    `Kostrad bernama Sherpa`): the pieces are names of the same label, the word none. On the corpus
    435 organisation and 131 place mentions held such a word."""
    out: list[Span] = []
    toks = doc.tokens
    for s in spans:
        if s.label == "PER" or s.last - s.first < 2 or not _LOWER_INSIDE.search(doc.text, s.start, s.end):
            out.append(s)
            continue
        cuts = [k for k in range(s.first + 1, s.last) if toks[k][:1].islower() and toks[k].lower() not in _INSIDE_NAMES
                and not any(c.isupper() for c in toks[k])]
        if not cuts:
            out.append(s)
            continue
        first = s.first
        for k in cuts + [s.last + 1]:
            if k - 1 >= first:
                out.append(Span(s.label, first, k - 1, doc.starts[first], doc.ends[k - 1]))
            first = k + 1
    return out


def cut_at_headline_words(doc: Doc, spans: list[Span]) -> list[Span]:
    """In a Title Case headline, a word the corpus writes in lower case (the tagger's view lowered
    it) cuts the span: `Israel Serang Rafah` -> `Israel`, `Rafah`; `Gandeng Danantara` ->
    `Danantara`. Leading and trailing such words are dropped."""
    if not doc.headline:
        return spans
    heads = _org_heads() | _place_heads()
    out: list[Span] = []
    for s in spans:
        name = doc.text[s.start : s.end]
        if doc.tokens[s.first].lower() in heads or name in org_aliases() or name in place_countries() \
                or name in known_names():
            out.append(s)  # "Gedung Putih", "Kementerian Luar Negeri": a head announces a name of ordinary words
            continue
        pieces: list[tuple[int, int]] = []
        first = None
        for i in range(s.first, s.last + 1):
            lowered = doc.view[i] != doc.tokens[i] and doc.view[i].lower() not in _JOINING
            if lowered:
                if first is not None:
                    pieces.append((first, i - 1))
                first = None
            elif first is None:
                first = i
        if first is not None:
            pieces.append((first, s.last))
        if pieces == [(s.first, s.last)]:
            out.append(s)
            continue
        for a, b in pieces:
            if any(doc.tokens[k][:1].isupper() or doc.tokens[k][:1].isdigit() for k in range(a, b + 1)):
                out.append(Span(s.label, a, b, doc.starts[a], doc.ends[b]))
    return out


def end_organisation_before_a_title(doc: Doc, spans: list[Span]) -> list[Span]:
    """`Korps Lalu Lintas Polri Inspektur Jenderal`: an organisation's span stops before titles or
    ranks (whole entries of titles.txt) that end it; what comes after is a person's."""
    out = []
    for s in spans:
        cut = None
        # Only where a name follows: `Sekretariat Presiden pada Ahad` is the office's name whole.
        if s.label == "ORG" and s.last > s.first and _name_follows(doc, s.last):
            for i in range(s.first + 1, s.last + 1):
                if doc.tokens[i][:1].isupper() and _titles_to_end(doc, i, s.last):
                    cut = i
                    break
        if cut is None:
            out.append(s)
        else:
            out.append(Span("ORG", s.first, cut - 1, s.start, doc.ends[cut - 1]))
    return out


def _name_follows(doc: Doc, last: int) -> bool:
    nxt = last + 1
    return nxt < len(doc.tokens) and doc.tokens[nxt][:1].isupper() and doc.starts[nxt] - doc.ends[last] <= 1


def _titles_to_end(doc: Doc, i: int, last: int) -> bool:
    """Tokens i..last are one or more whole titles (`Inspektur Jenderal`, `Kombes Pol`), not a word
    that titles share with names (`Kota` of `Wali Kota`)."""
    titles = _titles()
    while i <= last:
        n = next((n for n in (4, 3, 2, 1) if i + n - 1 <= last
                  and tuple(doc.tokens[k].lower().rstrip(".") for k in range(i, i + n)) in titles), 0)
        if not n:
            return False
        i += n
    return True


def split_known_person_after(doc: Doc, spans: list[Span]) -> list[Span]:
    """`Hamas Ismail Haniyeh`, `Bos Hamas Ismail Haniyeh`: an organisation or place span that ends
    with a full name the corpus bodies give to a person (names.tsv.gz) is that span, then the
    person."""
    known = known_names()
    out = []
    for s in spans:
        if s.label == "PER" or s.last - s.first < 1 or _listed_org(doc.text[s.start : s.end]) \
                or doc.text[s.start : s.end] in place_countries() or doc.tokens[s.first].lower() in _org_heads():
            out.append(s)  # "Polda Metro Jaya": a unit's head names the place it serves, not a person
            continue
        split = None
        for k in range(s.first + 1, s.last):  # the person has two words at least
            name = doc.text[doc.starts[k] : s.end]
            hit = known.get(name)
            if hit is not None and hit[0] >= 10 and hit[0] >= 0.6 * hit[1]:
                split = k
                break
            # A listed organisation, then two capitalised words or more opened by a word the corpus
            # tagger mostly read as a person's ("Hamas Ismail Haniyeh").
            info = doc.words.get(doc.tokens[k].lower())
            person_word = info.history == "PER" if info is not None else name_likeness(doc.tokens[k]) > 0
            if doc.text[s.start : doc.ends[k - 1]] in org_aliases() and person_word \
                    and all(doc.tokens[j][:1].isupper() for j in range(k, s.last + 1)):
                split = k  # "Interpol Valdecy Urquiza": a rare first name reads as a person's by its letters
                break
        if split is None:
            out.append(s)
            continue
        out.append(Span(s.label, s.first, split - 1, s.start, doc.ends[split - 1]))
        out.append(Span("PER", split, s.last, doc.starts[split], s.end))
    return out


def unit_with_place(doc: Doc, spans: list[Span]) -> list[Span]:
    """`Polres Metro` + `Jakarta Utara`, `BPBD` + `Sleman`: an organisation opened by a unit's head
    (org_heads.txt) right before a place is the unit of that place, one name."""
    heads = _org_heads()
    out: list[Span] = []
    for s in sorted(spans, key=lambda x: (x.first, -x.last)):
        prev = out[-1] if out else None
        if prev is not None and prev.label == "ORG" and s.label == "LOC" and s.first == prev.last + 1 \
                and doc.tokens[prev.first].lower() in heads and doc.starts[s.first] - doc.ends[prev.last] == 1:
            out[-1] = Span("ORG", prev.first, s.last, prev.start, s.end)
            continue
        if s.label in ("LOC", "ORG") and s.first == s.last and s.first >= 3 and doc.tokens[s.first - 1] == ")" \
                and doc.tokens[s.first - 3] == "(" and doc.tokens[s.first - 2].isupper() \
                and doc.text[s.start : s.end] in place_countries() \
                and any(o.label == "ORG" and o.last == s.first - 4 and doc.tokens[o.first].lower() in heads for o in out):
            continue  # "Dinas Koperasi ... (UKM) Sumut": the unit's region, after its acronym
        out.append(s)
    return out


_DESIGNATOR = re.compile(r"(?:[IVX]+|[A-E]|\d{1,2})")


def numbered_unit_of_parent(doc: Doc, spans: list[Span]) -> list[Span]:
    """`Komisi IX` + `DPR RI`, `Komisi D` + `DPRD Kota Yogyakarta`: a unit's head with its number or
    letter, right before the body it belongs to, is one organisation (`Komisi IX DPR RI`), as the
    annotation guide and both annotators write it; alone, `Komisi IX` named no body and `DPR RI` was
    counted beside it. 160 such writings in the corpus pages of 5 outlets (`Komisi A DPRD DIY`,
    `Komisi VIII DPR RI`, `Komisi D DPRD Karanganyar`)."""
    heads = _org_heads()
    out: list[Span] = []
    for s in spans:
        prev = out[-1] if out else None
        if prev is not None and prev.label == "ORG" and s.label == "ORG" and s.first == prev.last + 1 \
                and prev.last == prev.first + 1 and doc.tokens[prev.first].lower() in heads \
                and _DESIGNATOR.fullmatch(doc.tokens[prev.last]) and doc.starts[s.first] - doc.ends[prev.last] == 1:
            out[-1] = Span("ORG", prev.first, s.last, prev.start, s.end)
            continue
        out.append(s)
    return out


def relabel(doc: Doc, spans: list[Span]) -> list[Span]:
    """The kind of a span from corpus evidence and the article's subject (see the module's notes)."""
    out = []
    event_tails = lexicons.word_set("event_tails.txt")
    for s in spans:
        name = doc.text[s.start : s.end]
        if s.label == "ORG" and s.last > s.first and doc.tokens[s.last].lower() in event_tails \
                and not _listed_org(name):
            continue  # "Zurich Entrepreneurship Program", "Indo Defence Expo": an event or programme
        if " " not in name and s.label != "ORG" and _org_shape(name):
            out.append(Span("ORG", s.first, s.last, s.start, s.end))  # "Kemenhan", "Kemlu": a ministry
            continue
        k = _org_after_words(doc, s) if s.label in ("LOC", "ORG") and s.last > s.first else 0
        if k:
            out.append(Span("ORG", k, s.last, doc.starts[k], s.end))  # "Town Hall Danantara": the body, not the event
            continue
        if " " not in name and s.label in ("ORG", "LOC"):
            if "-" in name and _ticket_of_known_people(name):
                out.append(Span("PER", s.first, s.last, s.start, s.end))
                continue
            if name not in org_aliases() and _usually_a_person(name):
                out.append(Span("PER", s.first, s.last, s.start, s.end))
                continue
            if s.label == "ORG" and name.isupper() and name in person_initials():
                out.append(Span("PER", s.first, s.last, s.start, s.end))
                continue
        if s.label in ("ORG", "LOC") and name in place_countries() and _listed_org(name):
            out.append(Span(_club_or_city(doc, s, name), s.first, s.last, s.start, s.end))
            continue
        if doc.sport and s.label == "LOC":
            club = _club_named_after_a_place(doc, s, name)
            if club is not None:
                out.append(club)
                continue
        if s.label == "PER" and s.last > s.first and doc.tokens[s.first] in org_aliases() \
                and not doc.tokens[s.first].isupper():
            out.append(Span("ORG", s.first, s.first, s.start, doc.ends[s.first]))
            continue
        out.append(s)
    return out


_PLACE_CUES = frozenset("di ke dari menuju asal kota".split())
_CLUB_TAILS = frozenset("United City FC".split())  # org_tails.txt's words that end clubs' names


def _club_named_after_a_place(doc: Doc, s: Span, name: str) -> Span | None:
    """In an article about sport, a club that carries its town's name, which the tagger read as a
    place: the town with a club's tail right after it (`Bali United`, `Dewa United`: the tagger
    took `Bali` alone), or a name of two or three words that ends on a listed place and opens with
    a word that heads no place, is no ordinary word and is not mostly a place's in the corpus
    (`Deltras Sidoarjo`, `Persiku Kudus`, `Jaya Raya Jakarta`; not `Kota Kediri`, `Stadion Manahan`,
    `Kraton Yogyakarta`, `Jawa Timur`)."""
    nxt = s.last + 1
    if nxt < len(doc.tokens) and doc.tokens[nxt] in _CLUB_TAILS and doc.starts[nxt] - doc.ends[s.last] == 1:
        return Span("ORG", s.first, nxt, s.start, doc.ends[nxt])
    places = place_countries()
    if not 0 < s.last - s.first <= 2 or name in places or doc.tokens[s.last] not in places:
        return None
    first = doc.tokens[s.first]
    if first.lower() in _place_heads() or first in places or not first[:1].isupper():
        return None
    # Not an ordinary word nor one the corpus tagger mostly read as a place: `Kantor Setda Sleman`,
    # `Kraton Yogyakarta`, `Gelora Bangkalan` stay places.
    info = doc.words.get(first.lower())
    if info is not None and (info.word_class != "-" or info.history == "LOC"):
        return None
    return Span("ORG", s.first, s.last, s.start, s.end)


def _club_or_city(doc: Doc, s: Span, name: str) -> str:
    """`Liverpool`, listed as a city and as a club: the club in an article about sport; the city
    after a place cue (`ke Liverpool`); elsewhere what the corpus tagger mostly made of the word
    (words.tsv.gz: Liverpool is ORG in 1,003 corpus occurrences' majority), else the tagger's
    reading."""
    if doc.sport:
        return "ORG"
    if s.first > 0 and doc.tokens[s.first - 1].lower() in _PLACE_CUES:
        return "LOC"
    info = doc.words.get(name.lower()) if " " not in name else None
    if info is not None and info.history in ("ORG", "LOC"):
        return info.history
    return s.label


@lru_cache(maxsize=1)
def _org_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in lexicons.lines("org_patterns.txt"))


@lru_cache(maxsize=50_000)
def _org_shape(word: str) -> bool:
    return any(p.match(word) for p in _org_patterns())


def _org_after_words(doc: Doc, s: Span) -> int:
    """`Town Hall Danantara`, `Gandeng Danantara`: a place or organisation span whose last words are a
    listed organisation and whose first word heads no place (`Gedung`, `Kantor`) nor organisation:
    the token where the listed organisation starts, else 0."""
    first = doc.tokens[s.first].lower()
    if first in _place_heads() or first in _org_heads():
        return 0
    for k in range(s.first + 1, s.last + 1):
        if _listed_org(doc.text[doc.starts[k] : s.end]):
            return k
    return 0


def _listed_org(name: str) -> bool:
    return is_listed_org(name)


def _usually_a_person(word: str) -> bool:
    """A single word the corpus bodies use inside persons' names at least four times in five, and
    five times at least (names.tsv.gz: Trump 238 of 277)."""
    hit = known_names().get(word)
    return hit is not None and hit[0] >= 5 and hit[0] >= 0.8 * hit[1]


def _ticket_of_known_people(token: str) -> bool:
    left, _, right = token.partition("-")
    known = known_names()
    return all(w[:1].isupper() and len(w) > 1 and known.get(w, (0, 0))[0] >= 3 for w in (left, right))


@lru_cache(maxsize=1)
def _place_heads() -> frozenset[str]:
    return frozenset(x.split()[0].lower() for x in lexicons.lines("place_heads.txt"))


@lru_cache(maxsize=1)
def person_initials() -> frozenset[str]:
    """Acronyms that are the initials of exactly one full name the corpus bodies give to a person
    (five articles at least) and that the corpus also names as a person (three articles): `AHY`.
    Hyphenated parts count (`Shin Tae-yong` is STY)."""
    known = known_names()
    by_initials: dict[str, list[str]] = {}
    for name, (named, written) in known.items():
        words = name.replace("-", " ").split()
        if len(words) < 2 or named < 5 or named < 0.6 * written:
            continue
        initials = "".join(w[0] for w in words).upper()
        by_initials.setdefault(initials, []).append(name)
    out = set()
    for acr, names in by_initials.items():
        as_person = known.get(acr, (0, 0))[0]
        if len(names) == 1 and 2 <= len(acr) <= 4 and as_person >= 3 and key(acr) not in _listed_org_keys():
            out.add(acr)
    return frozenset(out)


@lru_cache(maxsize=1)
def _listed_org_keys() -> frozenset[str]:
    return frozenset(key(n) for n in org_aliases())


memo.depends_on("names")(person_initials.cache_clear)
