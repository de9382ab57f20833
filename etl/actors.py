"""Rule-based persons and organisations in Indonesian news text.

Runs of capitalised words are the candidates. Titles and offices in front of a name are stripped
(`Menteri Keamanan Publik Tiongkok Wang Xiaohong` -> `Wang Xiaohong`); runs opened by an organisation
word (`Polres`, `Kementerian`, `PT`) or listed in organizations.csv are organisations; countries,
places, weekdays and other words in not_actors.txt never become actors. All lexicons are data files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from . import lexicons
from .countries import find_countries
from .vocabulary import is_common_word, is_derived_word

_TOKEN = re.compile(r"[^\W_](?:[\w'’]|[-.](?=[^\W_]))*")
_CONNECTORS = frozenset("bin binti van der de den von da dos del la le al el ibn".split())
_ABBREVIATIONS = frozenset({"dr", "prof", "drs", "dra", "ir", "hj", "kh", "sdr"})
# A token as _TOKEN would find it, but only when it is capitalised or a name connector.
_CANDIDATE = re.compile(
    r"(?<!\w)(?<!\w['’])(?<![^\W_][-.])(?:[^\W\d_a-z\u00df-\u00ff]|(?:"
    + "|".join(sorted(_CONNECTORS, key=len, reverse=True))
    + r")(?![\w'’]|[-.][^\W_]))(?:[\w'’]|[-.](?=[^\W_]))*"
)
_PLACE_CUES = frozenset("di ke dari asal menuju sekitar wilayah kawasan kota kabupaten desa".split())
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z0-9&.-]{1,14})\)")
_STOP_OPENERS = frozenset(
    "dalam selama menurut bersama sementara namun tetapi sedangkan kemudian setelah sebelum saat "
    "ketika jika karena oleh untuk dengan pada dia ia mereka kami kita ini itu hal para sang si "
    "di ke dari ya tak tidak bukan selain adapun berikut yakni yaitu".split()
)


@dataclass(frozen=True)
class ActorHit:
    kind: str  # "person", "organization" or "place"
    name: str
    start: int
    end: int
    titled: bool = False  # a title (or a cue such as "kata") stood by the name ("Wali Kota Armuji")
    code: str | None = None  # for places: the ISO code of the country it lies in


@dataclass
class _Tok:
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _titles() -> dict[tuple[str, ...], int]:
    return {tuple(t.lower().rstrip(".").split()): len(t.split()) for t in lexicons.lines("titles.txt")}


@lru_cache(maxsize=1)
def _max_title_len() -> int:
    return max(_titles().values())


@lru_cache(maxsize=None)
def _multiword(name: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(x.lower().split()) for x in lexicons.lines(name))


@lru_cache(maxsize=1)
def _degrees() -> frozenset[str]:
    return frozenset(d.replace(".", "").lower() for d in lexicons.lines("degrees.txt"))


@lru_cache(maxsize=1)
def _not_actors() -> frozenset[str]:
    return lexicons.word_set("not_actors.txt")


@lru_cache(maxsize=1)
def place_countries() -> dict[str, str | None]:
    """Every listed place (places.csv) -> the ISO code of the country it lies in (None: a region)."""
    return {r["name"]: (r.get("country") or None) for r in lexicons.rows("places.csv")}


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(n.lower() for n in place_countries())


@lru_cache(maxsize=1)
def _place_automaton():
    auto = ahocorasick.Automaton()
    for name, code in place_countries().items():
        auto.add_word(name, (name, (name, code)))
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


def find_places(text: str) -> list[tuple[str, str | None, int, int]]:
    """Listed places as case-sensitive whole words, longest first: (name, country code, start, end)."""
    return [(name, code, start, end) for start, end, (name, code) in _whole_word_matches(_place_automaton(), text)]


@lru_cache(maxsize=1)
def _person_alias_forms() -> frozenset[str]:
    return frozenset(r["alias"] for r in lexicons.rows("person_aliases.csv"))


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    return lexicons.word_set("speech_verbs.txt")


@lru_cache(maxsize=1)
def _org_tails() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(x.lower().split()) for x in lexicons.lines("org_tails.txt"))


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


def _match_prefix(words: list[str], i: int, table) -> int:
    """Length of the longest entry of `table` (tuples of lower-case words) starting at words[i]."""
    best = 0
    for n in range(1, min(_max_title_len(), len(words) - i) + 1):
        if tuple(w.lower().rstrip(".") for w in words[i : i + n]) in table:
            best = n
    return best


def find_orgs_listed(text: str) -> list[tuple[str, int, int]]:
    """Listed organisations (organizations.csv), case-sensitive whole words, longest first."""
    out: list[tuple[str, int, int]] = []
    for start, end, canonical in _whole_word_matches(_org_automaton(), text):
        # "Organisasi ... Internasional (Interpol)": the bracketed acronym repeats the same mention.
        if out and out[-1][0] == canonical and text[out[-1][2] : start].strip() == "(":
            continue
        out.append((canonical, start, end))
    return out


def _runs(text: str) -> list[list[_Tok]]:
    """Maximal runs of capitalised tokens joined only by spaces (or `Dr. `-style abbreviations)."""
    # Only capitalised tokens and connectors are scanned; a lower-case word between two of them
    # shows up as a non-space gap, which ends the run just as a full tokenisation would.
    tokens = [_Tok(m.group(), m.start(), m.end()) for m in _CANDIDATE.finditer(text)]
    runs: list[list[_Tok]] = []
    current: list[_Tok] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        is_cap = tok.text[0].isupper()
        is_conn = (
            not is_cap and tok.text in _CONNECTORS and current and i + 1 < n and tokens[i + 1].text[0].isupper()
            and _only_spaces(text[tok.end : tokens[i + 1].start])
        )
        if current:
            gap = text[current[-1].end : tok.start]
            prev = current[-1].text
            abbrev = gap == ". " and (len(prev) <= 2 or prev.lower() in _ABBREVIATIONS)
            if not (_only_spaces(gap) or abbrev) or not (is_cap or is_conn):
                runs.append(current)
                current = []
        if is_cap or (is_conn and current):
            current.append(tok)
    if current:
        runs.append(current)
    return runs


def _only_spaces(gap: str) -> bool:
    return gap.isspace() and "\n" not in gap


def _sentence_initial(text: str, start: int) -> bool:
    # A bounded look-back: slicing from 0 made long bodies quadratic.
    before = text[max(0, start - 40) : start].rstrip(" \"'“‘(")
    if not before and start > 40:
        before = text[:start].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?:\n"


def _is_headline_like(text: str) -> bool:
    words = [w for w in _TOKEN.findall(text) if w[0].isalpha() and len(w) > 3]
    if len(words) < 3:
        return True
    return sum(w[0].isupper() for w in words) / len(words) > 0.6


_ROMAN = frozenset("I II III IV V VI VII VIII IX X XI XII".split())


def _name_token_ok(tok: str, last: bool) -> bool:
    if last and tok in _ROMAN:  # Hamengku Buwono X
        return True
    if tok.lower() in _CONNECTORS:
        return not last
    if len(tok) == 1:
        return tok.isupper() and not last
    if tok.isupper() and len(tok) > 1:
        return False
    return tok[0].isupper() and any(c.islower() for c in tok)


def find_actors(text: str, headline: bool | None = None) -> list[ActorHit]:
    """Persons and organisations in one text (a title, caption, body or trending headline).

    Single-word persons without a title are returned with titled=False; extract.py keeps them only
    when they are a short form of a full name in the same article.
    """
    if headline is None:
        headline = _is_headline_like(text)
    covered: list[tuple[int, int, str]] = []  # spans of countries and listed orgs
    hits: list[ActorHit] = []
    for canonical, start, end in find_orgs_listed(text):
        hits.append(ActorHit("organization", canonical, start, end))
        covered.append((start, end, "org"))
    for c in find_countries(text):
        covered.append((c.start, c.end, "country"))
    for name, code, start, end in find_places(text):
        if not any(s <= start and end <= e for s, e, _ in covered):
            covered.append((start, end, "place"))
            hits.append(ActorHit("place", name, start, end, code=code))
    acronyms = _acronym_definitions(text)
    for run in _runs(text):
        hits.extend(_classify_run(run, text, covered, acronyms, headline))
    return _drop_nested(sorted(hits, key=lambda h: (h.start, -(h.end - h.start))))


def _drop_nested(hits: list[ActorHit]) -> list[ActorHit]:
    """A place inside a longer organisation or place (`Polres Sleman`, `Kabupaten Sleman`) goes, and so
    does an organisation inside a longer one (`Pertamina` in `PT Pertamina Patra Niaga`)."""
    out: list[ActorHit] = []
    for h in hits:
        if h.kind in ("place", "organization") and any(
            o.start <= h.start and h.end <= o.end and o is not h and (o.end - o.start) > (h.end - h.start)
            for o in hits if o.kind in ("organization", "place") and (h.kind == "place" or o.kind == "organization")
        ):
            continue
        out.append(h)
    return out


def _acronym_definitions(text: str) -> dict[int, tuple[str, int]]:
    """`Badan Gizi Nasional (BGN)`: map the long form's end offset to (acronym, acronym start)."""
    out = {}
    for m in _ACRONYM_DEF.finditer(text):
        out[m.start()] = (m.group(1), m.start(1))
    return out


def _covered_kind(tok: _Tok, covered: list[tuple[int, int, str]]) -> str | None:
    for start, end, kind in covered:
        if start <= tok.start and tok.end <= end:
            return kind
    return None


def _classify_run(run, text, covered, acronyms, headline) -> list[ActorHit]:
    words = [t.text for t in run]
    # Drop an opening word that is ordinary language ("Dalam", "Menurut", "Menegaskan").
    while run and _sentence_initial(text, run[0].start) or (run and words[0].lower() in _STOP_OPENERS):
        w = words[0]
        # A bare root word ("Wang") stays: extract.py keeps it only as a short form of a full name.
        if w.lower() in _STOP_OPENERS or w.lower() in _speech_verbs() or is_derived_word(w):
            run, words = run[1:], words[1:]
            continue
        break
    if not run:
        return []
    joined = " ".join(words)
    if joined.lower() in _not_actors():
        return []
    prev_word = text[max(0, run[0].start - 60) : run[0].start].rstrip().rsplit(None, 1)[-1:] or [""]
    if prev_word[0].lower() in _PLACE_CUES and not _match_prefix(words, 0, _multiword("org_heads.txt")):
        if not _match_prefix(words, 0, _titles()):
            return _cued_place(run, text, covered, headline)
    # An organisation opened by its head word, unless a listed organisation already covers it.
    if _match_prefix(words, 0, _multiword("org_heads.txt")) and len(run) > 1:
        # "PT Pertamina" is the listed Pertamina; "PT Pertamina Patra Niaga" is another company.
        head_len = _match_prefix(words, 0, _multiword("org_heads.txt"))
        if all(_covered_kind(t, covered) == "org" for t in run[head_len:]):
            return []
        acr = acronyms.get(_next_paren(text, run[-1].end))
        if acr:
            return [ActorHit("organization", acr[0], run[0].start, run[-1].end)]
        if headline:
            # "Tim SAR Lakukan Pencarian": in Title Case the name ends at the first ordinary word.
            head_len = _match_prefix(words, 0, _multiword("org_heads.txt"))
            for k in range(head_len + 1, len(run)):
                if is_common_word(words[k]):
                    run = run[:k]
                    break
        end = _strip_trailing_degrees(run)
        return [ActorHit("organization", text[run[0].start : end], run[0].start, end)]
    if _match_prefix(words, 0, _multiword("place_heads.txt")):
        head = _match_prefix(words, 0, _multiword("place_heads.txt"))
        if len(run) > head and not headline and not any(_covered_kind(t, covered) == "org" for t in run):
            # "Bandara Kualanamu", "Kabupaten Sleman": the head is part of the place's name.
            end = run[-1].end
            inner = [place_countries().get(t.text) for t in run if t.text in place_countries()]
            return [ActorHit("place", text[run[0].start : end], run[0].start, end, code=inner[0] if inner else None)]
        return []
    # "Garuda Indonesia", "AirNav Indonesia": a name followed by the country is a company or a team.
    if (
        len(run) >= 2 and _covered_kind(run[-1], covered) == "country" and not _match_prefix(words, 0, _titles())
        and not any(_covered_kind(t, covered) for t in run[:-1]) and not any(is_common_word(w) for w in words[:-1])
        and words[0].lower() not in _not_actors()
    ):
        return [ActorHit("organization", text[run[0].start : run[-1].end], run[0].start, run[-1].end)]
    # "Blue Bird Group", "Leicester City", "Lion Air": an organisation's tail word ends the run.
    if len(run) >= 2 and not _match_prefix(words, 0, _titles()) and _ends_with_tail(words) and not headline:
        if not any(_covered_kind(t, covered) for t in run):
            return [ActorHit("organization", text[run[0].start : run[-1].end], run[0].start, run[-1].end)]
    # Titles and the office that follows them. A place or unit before the title ("Sleman Letkol Inf
    # Bambang", after "Dandim 0732") belongs to the office too.
    i, titled = 0, False
    for j in range(1, min(len(run), 4)):
        if _match_prefix(words, j, _titles()) and all(_covered_kind(t, covered) or t.text.isupper() for t in run[:j]):
            i = j
            break
    while i < len(run):
        n = _match_prefix(words, i, _titles())
        if n:
            i, titled = i + n, True
            continue
        if titled and _is_office_word(run[i], covered):
            i += 1
            continue
        break
    name_toks = run[i:]
    if headline and not titled:
        return []
    if not titled:
        # "RI Joko Widodo" (after "Presiden ke-7"): a leading acronym or place is not part of the name.
        while len(name_toks) > 1 and (_covered_kind(name_toks[0], covered) or (name_toks[0].text.isupper() and len(name_toks[0].text) > 1)):
            name_toks = name_toks[1:]
    if headline:
        # In Title Case text the name ends at the first ordinary word ("Armuji Sebut Warga ...").
        cut = len(name_toks)
        for k, tok in enumerate(name_toks):
            if is_common_word(tok.text) and tok.text.lower() not in _CONNECTORS:
                cut = k
                break
        name_toks = name_toks[:cut]
    # Degrees and post-nominals go.
    while name_toks and name_toks[-1].text.replace(".", "").lower() in _degrees():
        name_toks = name_toks[:-1]
    if not name_toks:
        return []
    if any(_covered_kind(t, covered) for t in name_toks):
        return []
    names = [t.text for t in name_toks]
    if " ".join(names) in _person_alias_forms():  # "SBY", "Cak Imin": listed in person_aliases.csv
        return [ActorHit("person", " ".join(names), name_toks[0].start, name_toks[-1].end, True)]
    if not all(_name_token_ok(w, k == len(names) - 1) for k, w in enumerate(names)):
        return []
    name = " ".join(names)
    low = name.lower()
    if low in _not_actors() or low in _places() or any(w.lower() in _not_actors() for w in names):
        return []
    if len(names) > 1 and all(is_common_word(w) or w.lower() in _CONNECTORS for w in names):
        return []
    if len(names) > 5:
        return []
    if not titled and len(names) == 1 and not is_common_word(names[0]):
        titled = _speech_cue(text, name_toks[0].start, name_toks[-1].end)
    return [ActorHit("person", name, name_toks[0].start, name_toks[-1].end, titled)]


def _speech_cue(text: str, start: int, end: int) -> bool:
    """`kata Budi`, `Budi mengatakan`: a speech verb right before or after the name."""
    before = text[max(0, start - 20) : start].rstrip(" ,\"'“”").rsplit(None, 1)[-1:]
    after = text[end : end + 25].lstrip(" ,\"'“”").split(None, 1)[:1]
    verbs = _speech_verbs()
    return bool(before and before[0].lower().strip(",.\"'“”") in verbs) or bool(after and after[0].lower().strip(",.") in verbs)


def _ends_with_tail(words: list[str]) -> bool:
    tails = _org_tails()
    low = [w.lower() for w in words]
    return any(tuple(low[-n:]) in tails for n in (1, 2) if len(low) > n)


def _cued_place(run, text, covered, headline) -> list[ActorHit]:
    """`di Cawang`, `ke Wolfsburg`: a short capitalised run after a place word is a place."""
    if headline or len(run) > 3:
        return []
    names = [t.text for t in run]
    if any(_covered_kind(t, covered) for t in run) or " ".join(names).lower() in _not_actors():
        return []
    if any(is_common_word(w) or w.isupper() or not w[0].isupper() for w in names):
        return []
    return [ActorHit("place", " ".join(names), run[0].start, run[-1].end)]


def _next_paren(text: str, end: int) -> int:
    j = end
    while j < len(text) and text[j] == " ":
        j += 1
    return j


def _strip_trailing_degrees(run) -> int:
    toks = list(run)
    while len(toks) > 1 and toks[-1].text.replace(".", "").lower() in _degrees():
        toks.pop()
    return toks[-1].end


@lru_cache(maxsize=1)
def _portfolio_words() -> frozenset[str]:
    return lexicons.word_set("portfolio_words.txt")


def _is_office_word(tok: _Tok, covered) -> bool:
    w = tok.text
    return (
        w.lower() in _portfolio_words()
        or _covered_kind(tok, covered) is not None
        or w.lower() in _places()
        or (w.isupper() and len(w) > 1)
        or is_derived_word(w)  # "Menko Perekonomian Airlangga": an affixed word is the office, not a name
    )
