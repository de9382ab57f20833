"""Corrections of the tagger's spans before they become names, each for a pattern of Indonesian
news the tagger alone gets wrong: a name after a title it missed (`Wali Kota Armuji`), a unit opened
by its head word (`Pemkot Medan`, `Kementerian Kesehatan`), an organisation named after a person
(`RSUD Prof. dr. Soekandar`), a country and the name after it read as one place, connectors inside
names (`Mohammed bin Salman`), and, in Title Case headlines, the ordinary words it took for names and
the people the corpus knows. Spans in, spans out.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping

from . import lexicons
from .countries import find_countries
from .features import WordInfo
from .gazetteers import (
    _degrees,
    _known_automaton,
    _named_after_heads,
    _not_actors,
    _org_heads,
    _portfolio_words,
    _title_words,
    _whole_word_matches,
    find_orgs_listed,
    find_places,
    known_names,
    org_aliases,
    place_countries,
)
from .tagger import Span, default_tagger, usually_lower


@dataclass(frozen=True)
class Doc:
    """One text as the span stages see it: its tokens and their offsets, the tokens as the tagger
    read them (a Title Case headline's ordinary words lowered), and the corpus's word table."""
    text: str
    tokens: list[str]
    starts: list[int]
    ends: list[int]
    view: list[str]
    headline: bool
    words: Mapping[str, WordInfo]
    sport: bool = False  # the article (or sidebar headline) is mostly about sport


# Every stage has this signature: the text, the spans so far -> the spans after it.
SpanStage = Callable[[Doc, list[Span]], list[Span]]


def trim_edges(doc: Doc, spans: list[Span]) -> list[Span]:
    """A name starts with a capital: `umat Islam`, `kota Pati` give `Islam`, `Pati` (the public sets
    sometimes include such a word; our annotation guide does not). It ends with one too:
    `Bhabinkamtibmas setempat`, `Pengadilan Agama setempat`, `Suriah utara`, `Real Madrid vs` give
    the name (190 corpus articles over 23 outlets had such an ending), except a lower-case legal
    form org_affixes.txt lists (`Shell plc`)."""
    return [t for t in (_trim(s, doc.tokens, doc.starts, doc.ends) for s in spans) if t is not None]


def _trim(span: Span, tokens: list[str], starts: list[int], ends: list[int]) -> Span | None:
    first = span.first
    while first <= span.last and not tokens[first][:1].isupper() and not tokens[first][:1].isdigit() \
            and not _camel_case(tokens[first]):
        first += 1
    if first > span.last:
        return None
    last = span.last
    while last > first and tokens[last][:1].islower() and not _camel_case(tokens[last]) \
            and tokens[last].lower() not in _lower_tails():
        last -= 1
    if (first, last) == (span.first, span.last):
        return span
    return Span(span.label, first, last, starts[first], ends[last])


@lru_cache(maxsize=1)
def _lower_tails() -> frozenset[str]:
    from .name_forms import _affixes

    return frozenset(s for s in _affixes()[1] if " " not in s)


def _camel_case(tok: str) -> bool:
    """`detikINET`, `iPhone`, `eBay`: a brand written with a small first letter is still a name."""
    return tok[:1].islower() and any(c.isupper() for c in tok[1:])


def _split_place_and_name(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int], text: str,
                          words: Mapping[str, WordInfo]) -> list[Span]:
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
            if rest and tokens[rest[-1]].lower() in lexicons.word_set("place_tails.txt"):
                rest = range(0)  # "Jakarta Convention Center", "Maluku City Mall": one place, no person
            if rest and k is not None and all(_name_word(tokens[i], words) for i in rest) \
                    and not any(a >= end for a in listed if a < s.end):
                out.append(Span("LOC", s.first, k - 1, s.start, ends[k - 1]))
                out.append(Span("PER", k, s.last, starts[k], s.end))
                continue
        out.append(s)
    return out


def _whole_names(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int], text: str) -> list[Span]:
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


def _join_connectors(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int]) -> list[Span]:
    """`Mohammed bin Salman`, `Siti Rahmawati binti Abdullah`: a connector between two capitalised
    names makes one person (the tagger sometimes stops at the connector)."""
    out: list[Span] = []
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


def _titled_names(spans: list[Span], view: list[str], starts: list[int], ends: list[int], text: str,
                  words: Mapping[str, WordInfo]) -> list[Span]:
    """A name right after a title and its office (`Wali Kota Armuji`, `Wakil Ketua MPR RI, Lestari
    Moerdijat`) is a person even where the tagger missed it: up to four capitalised words that the
    corpus does not write in lower case."""
    from .features import find_titles

    taken = {i for s in spans for i in range(s.first, s.last + 1)}
    out = list(spans)
    for _t_start, t_end in find_titles(text):
        k = bisect_left(starts, t_end)  # the first token after the title (a scan here made long texts quadratic)
        if k >= len(starts):
            continue
        while k < len(view) and k not in taken:
            if view[k] == ",":
                k += 1
                continue
            n = _office_length(view, list(range(k, min(len(view), k + 6))), starts, ends, text)
            if not n:
                break
            k += n
        guess = _guessed_place(out, k, view, words)
        if guess is not None:
            out.remove(guess)  # "Wali Kota Armuji meninjau": the tagger's place where the office's region goes
            taken.difference_update(range(guess.first, guess.last + 1))
        first = k
        while k < len(view) and k - first < 4 and k not in taken and _name_word(view[k], words):
            k += 1
        if k - first == 1 and not _single_name(view[first], words):
            continue
        if k > first and (k == len(view) or k in taken or not view[k][:1].isupper()):
            out.append(Span("PER", first, k - 1, starts[first], ends[k - 1]))
            taken.update(range(first, k))
    return sorted(out, key=lambda s: s.first)


def _guessed_place(spans: list[Span], k: int, view: list[str], words: Mapping[str, WordInfo]) -> Span | None:
    """A one-word place right after a title that no list names and the corpus never read as a place,
    with no name after it, is the titled person: the tagger learned that a region follows `Wali Kota`
    and guesses one for a name it has not seen (`Wali Kota Armuji meninjau`); `Wali Kota Surabaya`
    is listed and `Bupati Sleman` is read as a place across the corpus, so both stay places."""
    if k >= len(view) or not _plain_name_word(view[k]) or (k + 1 < len(view) and view[k + 1][:1].isupper()):
        return None
    span = next((s for s in spans if s.first == k == s.last and s.label == "LOC"), None)
    if span is None or find_places(view[k]) or not _single_name(view[k], words):
        return None
    return span


def _single_name(tok: str, words: Mapping[str, WordInfo]) -> bool:
    """A one-word name after a title: no dictionary word (`Hakim Konstitusi` names no one), no word
    the corpus tagger mostly read as something other than a person (`Ketua Pansel`), and none the
    corpus bodies write mostly outside persons' names (`Kapolres Metro Jakarta Utara`: Metro is a
    person's name in 62 of the 362 articles that write it)."""
    info = words.get(tok.lower())
    known = known_names().get(tok)
    if known is not None and known[1] >= 10 and known[0] < 0.5 * known[1]:
        return False
    return info is None or (info.word_class == "-" and info.history not in ("O", "ORG", "LOC"))


def _name_word(tok: str, words: Mapping[str, WordInfo]) -> bool:
    if not tok[:1].isupper() or tok.isupper() or not tok.replace("-", "").replace("'", "").isalpha():
        return False
    low = tok.lower()
    if low in _not_actors() or low.rstrip(".") in _title_words() or tok in place_countries() or _is_country(tok) \
            or low in _org_heads():
        return False  # "Menteri Kesehatan Kongo Felix Numbi": the country is the office's, not a name
    info = words.get(low)
    return info is None or info.cap_pct >= 50 or (info.cap_pct < 0 and info.word_class == "-")


def _headed_organisations(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int]) -> list[Span]:
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


def _unit_names(spans: list[Span], view: list[str], starts: list[int], ends: list[int]) -> list[Span]:
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
            elif nxt in ("dan", ",") and j + 2 < len(view) and view[j + 2][:1].isupper() and j + 2 not in taken \
                    and view[j + 2].lower() not in heads and not view[j + 2].isupper():
                j += 1  # "Dinas Kependudukan dan Catatan Sipil"; not "Pemerintah dan PSSI", "Kementerian, Lembaga"
            else:
                break
        while j > i and view[j] in ("dan", ","):
            j -= 1
        if j > i:
            out.append(Span("ORG", i, j, starts[i], ends[j]))
        done = j
    return sorted(out, key=lambda s: (s.first, -s.last))


_REGION_WORDS = frozenset({"kota", "kabupaten", "kab", "provinsi", "kecamatan"})


def _unit_with_region(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int]) -> list[Span]:
    """`Dinas Kesehatan Kota` + `Yogyakarta`: a unit's name that ends on the word of a region is
    the unit of that region, so the place right after it belongs to the name (`Dinas Kesehatan Kota
    Yogyakarta`, as `Dinas Pendidikan Provinsi Jawa Timur`); alone it would be a fragment and the
    city a place of its own."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda x: (x.first, -x.last)):
        prev = out[-1] if out else None
        if prev is not None and prev.label == "ORG" and s.label == "LOC" and s.first == prev.last + 1 \
                and tokens[prev.last].rstrip(".").lower() in _REGION_WORDS and starts[s.first] - ends[prev.last] == 1:
            out[-1] = Span("ORG", prev.first, s.last, prev.start, s.end)
            continue
        out.append(s)
    return out


def _named_after_people(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int], text: str) -> list[Span]:
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
        if k > 0 and k < s.first - 1 and tokens[k] == "." and tokens[k - 1].lower() in heads:
            k -= 1  # "RSUD. Prof. dr. Soekandar": a stray dot after the head, before a title
            # (without a title the dot ends a sentence: "personel Satgas. Subagyo menjelaskan")
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


def _headline_names(spans: list[Span], tokens: list[str], starts: list[int], ends: list[int], words: Mapping[str,
                    WordInfo], text: str) -> list[Span]:
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


def _ordinary_in_headline(word: str, words: Mapping[str, WordInfo]) -> bool:
    info = words.get(word.lower())
    if info is None:
        return usually_lower(word, default_tagger().space)
    return info.history not in ("PER", "mix") and info.cap_pct < 90


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


# ---------------------------------------------------------------------------------------------
# The stages, one signature each (Doc, spans) -> spans; actors.py runs them in order.


def headline_names(doc: Doc, spans: list[Span]) -> list[Span]:
    return _headline_names(spans, doc.tokens, doc.starts, doc.ends, doc.words, doc.text) if doc.headline else spans


def split_place_and_name(doc: Doc, spans: list[Span]) -> list[Span]:
    return _split_place_and_name(spans, doc.tokens, doc.starts, doc.ends, doc.text, doc.words)


def whole_names(doc: Doc, spans: list[Span]) -> list[Span]:
    return spans if doc.headline else _whole_names(spans, doc.tokens, doc.starts, doc.ends, doc.text)


def join_connectors(doc: Doc, spans: list[Span]) -> list[Span]:
    return _join_connectors(spans, doc.tokens, doc.starts, doc.ends)


def titled_names(doc: Doc, spans: list[Span]) -> list[Span]:
    return _titled_names(spans, doc.view, doc.starts, doc.ends, doc.text, doc.words)


def named_after_people(doc: Doc, spans: list[Span]) -> list[Span]:
    return _named_after_people(spans, doc.tokens, doc.starts, doc.ends, doc.text)


def headed_organisations(doc: Doc, spans: list[Span]) -> list[Span]:
    return _headed_organisations(spans, doc.tokens, doc.starts, doc.ends)


def unit_names(doc: Doc, spans: list[Span]) -> list[Span]:
    return _unit_names(spans, doc.view, doc.starts, doc.ends)


def unit_with_region(doc: Doc, spans: list[Span]) -> list[Span]:
    return _unit_with_region(spans, doc.tokens, doc.starts, doc.ends)
