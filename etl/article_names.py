"""One name per actor within one article: short forms (`Wang`, `Van Gastel`), abbreviations (`Sri
Sultan HB X`), initials (`AHY` beside `Agus Harimurti Yudhoyono`) and nicknames (`Zulhas`, `... akrab
disapa Rerie`) of a person become the fullest name the article uses; an organisation's acronym, its
listed forms and its name with or without legal forms and affixes (`MPR` and `MPR RI`, `PT KAI` and
`KAI`) become one. Across articles the entity registry does the same with corpus evidence
(resolution.py); both use the tests of name_forms.py.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from . import lexicons
from .actors import ActorHit
from .gazetteers import org_aliases, place_countries
from .name_forms import abbreviates, is_initials_of, key, long_and_acronym, org_core, without_country


@lru_cache(maxsize=1)
def person_aliases() -> dict[str, str]:
    """person_aliases.csv: alias -> full name."""
    return {r["alias"]: r["name"] for r in lexicons.rows("person_aliases.csv")}


@lru_cache(maxsize=1)
def _aliases_by_name() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for alias, name in person_aliases().items():
        out.setdefault(name, []).append(alias)
    return out


_NICKNAME = re.compile(
    r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\s*,?\s+(?:yang\s+)?(?:akrab|biasa|karib|kerap|sering|lebih)\s+"
    r"(?:di)?(?:sapa|panggil|sebut|kenal)(?:an)?\s+(?:dengan\s+)?(?:nama\s+)?[\"“']?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
)


_NICKNAME_CUE = re.compile(r"(?:akrab|biasa|karib|kerap|sering|lebih)\s+(?:di)?(?:sapa|panggil|sebut|kenal)")


def person_resolver(hits: list[tuple[str, ActorHit]]) -> Callable[[str], str]:
    """One name per person in an article: short forms (`Wang`, `Nasser Al-Raisi`) and nicknames
    (`Zulhas`, `... akrab disapa Rerie`) become the fullest name the article uses."""
    return _PersonNames(hits).resolve


class _PersonNames:
    """The full names of one article's persons (two words or more), indexed for the look-ups
    `resolve` tries, fullest first, then first seen."""

    def __init__(self, hits: list[tuple[str, ActorHit]]) -> None:
        names = [h.name for _, h in hits]
        first_seen: dict[str, int] = {}
        for i, n in enumerate(names):
            first_seen.setdefault(n, i)
        self.full = sorted({n for n in names if len(n.split()) > 1}, key=lambda n: (-len(n.split()), first_seen[n]))
        # full names by each of their words, in full's order: a short name is looked for only among
        # the full names holding its first word (every full name for every short one was quadratic).
        self.by_word: dict[str, list[str]] = {}
        for candidate in self.full:
            for w in dict.fromkeys(candidate.split()):
                self.by_word.setdefault(w, []).append(candidate)
        self.aliases: dict[str, str] = {}
        by_name = _aliases_by_name()
        for name in self.full:
            for alias in by_name.get(name, ()):
                self.aliases.setdefault(alias, name)
        self._nicknames(dict.fromkeys(text for text, _ in hits))
        self.folded = [(f, [w.casefold() for w in f.split()]) for f in self.full]
        self.initials = _initials_of(self.full)
        self.by_initial: dict[str, list[str]] = {}
        for f in self.full:
            self.by_initial.setdefault(key(f)[:1], []).append(f)
        self.memo: dict[str, str] = {}

    def _nicknames(self, texts: Iterable[str]) -> None:
        """`Lestari, yang akrab disapa Rerie`: the nickname is another name of the person."""
        for text in texts:
            if not _NICKNAME_CUE.search(text):
                continue  # the cue alone is a quick scan; the whole pattern tries every capital
            for m in _NICKNAME.finditer(text):
                person, nickname = m.group(1), m.group(2)
                full_name = person if person in self.full else next(
                    (f for f in self.full if _contains(f.split(), person.split())), None)
                if full_name and nickname != full_name:
                    self.aliases.setdefault(nickname, full_name)

    def resolve(self, name: str) -> str:
        if name not in self.memo:
            self.memo[name] = self._resolve(name)
        return self.memo[name]

    def _resolve(self, name: str) -> str:
        if name in self.aliases:
            return self.aliases[name]
        return self._holding(name) or self._abbreviated(name) or name

    def _holding(self, name: str) -> str | None:
        """A longer full name that holds the name's words, as written, then in other capitals (`Van
        Gastel` in `Jean-Paul van Gastel`)."""
        words = name.split()
        for candidate in self.by_word.get(words[0], ()) if words else ():
            cw = candidate.split()
            if candidate != name and len(cw) > len(words) and _contains(cw, words):
                return candidate
        low = [w.casefold() for w in words]
        for candidate, cw in self.folded:
            if candidate != name and len(cw) > len(low) and _contains(cw, low):
                return candidate
        return None

    def _abbreviated(self, name: str) -> str | None:
        """A full name the name abbreviates, gives the initials of, or writes otherwise.
        Abbreviations and variants open with the full name's first letter: only those are tried."""
        near = self.by_initial.get(key(name)[:1], ())
        # "Sri Sultan HB X" for "Sri Sultan Hamengku Buwono X", "Luhut B Pandjaitan".
        for candidate in near:
            if candidate != name and abbreviates(name, candidate):
                return candidate
        # "AHY" beside "Agus Harimurti Yudhoyono": the initials of one full name of the article.
        if name.isupper() and name in self.initials:
            return self.initials[name]
        # "R. Kelly" and "R Kelly"; "Thomas Lembong" and "Tom Lembong" beside "Thomas Trikasih
        # Lembong"; "Andreas Mikhael Sumual" beside "Andreas Mikael Sumual".
        for candidate in near:
            if candidate != name and len(candidate) >= len(name) and _variant_of(name, candidate):
                return candidate
        return None


def _variant_of(name: str, full_name: str) -> bool:
    """Another writing of the same full name within one article: the same name in other punctuation;
    the same first and last word with middle words left out (the first word may be cut to three
    letters or more: `Tom` for `Thomas`); or one middle word spelled one letter apart."""
    if key(name) == key(full_name):
        return True
    a, b = key(name).split(), key(full_name).split()
    if len(a) < 2 or len(b) < 2 or a[-1] != b[-1]:
        return False
    first_ok = a[0] == b[0] or (len(a[0]) >= 3 and b[0].startswith(a[0]))
    if not first_ok:
        return False
    if len(a) < len(b):
        it = iter(b[1:-1])
        return all(w in it for w in a[1:-1])
    if len(a) == len(b) and a[0] == b[0]:
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        return len(diff) == 1 and len(diff[0][0]) >= 4 and _one_letter_apart(*diff[0])
    return False


def _one_letter_apart(x: str, y: str) -> bool:
    if abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y)) == 1
    short, long_ = (x, y) if len(x) < len(y) else (y, x)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _initials_of(full: list[str]) -> dict[str, str]:
    """Initials (`AHY`, `STY` for `Shin Tae-yong`) of the article's full names of three words or more
    counted as words, when only one full name has them."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    for f in full:
        ws = f.replace("-", " ").split()
        if len(ws) < 2:
            continue
        acr = "".join(w[0] for w in ws if w[:1].isalpha()).upper()
        if len(acr) < 2:
            continue
        if acr in out and out[acr] != f:
            clash.add(acr)
        out.setdefault(acr, f)
    return {a: f for a, f in out.items() if a not in clash}


def org_resolver(hits: list[ActorHit]) -> Callable[[str], str]:
    """One name per organisation in an article: `Badan Gizi Nasional (BGN)` absorbs later `BGN` and
    `Badan Gizi Nasional`; two listed forms of one organisation (`Kementerian Keuangan`, `Kemenkeu`)
    become `Long Form (Short)`."""
    joined: dict[str, str] = {}
    for h in hits:
        if h.short:
            # Two spellings of the long form with one acronym are one organisation too.
            first = joined.setdefault(h.short, h.name)
            long_form = h.name[: -len(h.short) - 2].rstrip(" (")
            joined.setdefault(long_form, first)
            joined.setdefault(h.name, first)
            if " " in h.short:
                # `... (BPI Danantara)`: each short form that is no place stands for it (`Danantara`),
                # not `DIY` of `... (BPBD DIY)`.
                places = place_countries()
                for part in h.short.split():
                    if part not in places:
                        joined.setdefault(part, first)
    listed = org_aliases()
    forms: dict[str, list[str]] = {}
    for h in hits:
        if h.name in listed and h.name not in joined:
            forms.setdefault(listed[h.name], [])
            if h.name not in forms[listed[h.name]]:
                forms[listed[h.name]].append(h.name)
    for _canonical, seen in forms.items():
        if len(seen) >= 2:
            ranked = sorted(seen, key=lambda f: (-len(f.split()), -len(f)))  # first written wins ties
            long_form, short = ranked[0], ranked[-1]
            for f in seen:
                joined[f] = f"{long_form} ({short})"
    _same_core(hits, joined)
    _inside_longer(hits, joined)
    _abbreviated(hits, joined)  # after: `Daop 9 Jember` has joined `KAI Daop 9 Jember`, which joins PT KAI's
    return lambda name: joined.get(name, name)


def _inside_longer(hits: list[ActorHit], joined: dict[str, str]) -> None:
    """`SMPN 33` beside `SMPN 33 Banjarmasin`, `Zurich Foundation` beside `Z Zurich Foundation`: a name
    that opens a longer one of the article followed only by places, or that ends one whose first word
    heads no unit (`DPR RI` in `Komisi IX DPR RI` is the parent body, another organisation)."""
    from .gazetteers import _org_heads

    names = list(dict.fromkeys(joined.get(h.name, h.name) for h in hits))
    places = _place_keys()
    heads = _org_heads() - _legal_prefixes()  # "PT KAI Daop 6" is the company's unit, not a unit's head
    listed = org_aliases()
    # Each name's words once; names written as `Long Form (ACR)` are neither side.
    plain = [(n, key(n).split()) for n in names if not long_and_acronym(n)]
    hit_names = list(dict.fromkeys(h.name for h in hits))
    for short, sw in plain:
        if not sw:
            continue
        for long_name, lw in plain:
            if len(lw) <= len(sw) or long_name == short:
                continue
            if lw[: len(sw)] == sw and _all_places(lw[len(sw) :], places):
                joined[short] = long_name
                break
            if len(sw) >= 2 and lw[-len(sw) :] == sw and lw[0] not in heads:
                joined[short] = long_name
                break
        if short not in joined and len(sw) == 1 and short not in listed:
            # `City` beside `Manchester City`, `United` beside `Manchester United`: one word that ends
            # exactly one longer name of the article, whose first word heads no unit.
            ends = [n for n, lw in plain if len(lw) > 1 and lw[-1] == sw[0] and lw[0] not in heads]
            if len(ends) == 1:
                joined[short] = ends[0]
        if short in joined:
            for name in hit_names:
                if joined.get(name) == short:
                    joined[name] = joined[short]


@lru_cache(maxsize=1)
def _place_keys() -> frozenset[str]:
    from .gazetteers import place_countries

    return frozenset(key(p) for p in place_countries())


@lru_cache(maxsize=1)
def _legal_prefixes() -> frozenset[str]:
    from .name_forms import _affixes

    return frozenset(p for p in _affixes()[0] if " " not in p)


def _all_places(words: list[str], places: frozenset[str] | set[str]) -> bool:
    """The words are one or more listed places (`banjarmasin`, `kota yogyakarta`)."""
    i = 0
    while i < len(words):
        n = next((n for n in (3, 2, 1) if " ".join(words[i : i + n]) in places), 0)
        if not n:
            return False
        i += n
    return True


def _same_core(hits: list[ActorHit], joined: dict[str, str]) -> None:
    """`MPR` and `MPR RI`, `PT KAI` and `KAI`, `Danantara` and `Danantara Indonesia`, `Pemprov DKI` and
    `Pemerintah Provinsi DKI Jakarta`: the same organisation without legal forms and affixes (or
    without the country's name after it) is one name, the fullest the article writes."""
    names = list(dict.fromkeys(joined.get(h.name, h.name) for h in hits))
    acronyms = {key(la[1]) for la in map(long_and_acronym, names) if la}
    by_core: dict[str, list[str]] = {}
    for n in names:
        la = long_and_acronym(n)
        base = (la or (n, ""))[0]
        # An ordered set: the groups are joined in this order, and a set's order follows the hash seed.
        cores = {org_core(base): None}
        if la:
            cores[org_core(la[1])] = None  # "... Nusantara (Danantara)" is also "Danantara"
        # "PT Telkom Indonesia (Persero)" beside "Telkom": the country ends the name once its legal
        # forms are off.
        rest = without_country(base) or without_country(org_core(base))
        if rest and (any(key(o) == key(rest) for o in names) or key(rest) in acronyms):
            cores[org_core(rest)] = None  # "Danantara Indonesia" beside "Danantara"
        for c in cores:
            by_core.setdefault(c, []).append(n)
    for group in by_core.values():
        if len(group) < 2:
            continue
        best = max(group, key=lambda n: (bool(long_and_acronym(n)), len(n.split()), len(n)))
        for n in group:
            if n != best:
                for h in hits:
                    if joined.get(h.name, h.name) == n:
                        joined[h.name] = best


_initials = lru_cache(maxsize=50_000)(is_initials_of)  # the same word and run recur across articles
_UNIT_ADMIN = frozenset("kabupaten kab kota provinsi prov".split())
_JOINERS = frozenset("dan &".split())


def _abbreviated(hits: list[ActorHit], joined: dict[str, str]) -> None:
    """`KAI Daop 9 Jember` beside `PT Kereta Api Indonesia Daerah Operasi 9 Jember`, `SDN Ungaran 1`
    beside `SD Negeri Ungaran 1`, `Kemenkomdigi` beside `Kementerian Komunikasi dan Digital
    (Komdigi)`, `Dinas Kesehatan Toba` beside `Dinas Kesehatan Kabupaten Toba`: a name whose words
    are the other's words, or abbreviate runs of them (each word of the run giving the start of it:
    `Daop` = DAerah OPerasi), or leave out its `Kabupaten`, `Kota` or `Provinsi`, is that name. A name
    that would be two of the article's names is left alone (`Dinas Kesehatan Bekasi` beside the
    city's and the regency's)."""
    names = list(dict.fromkeys(joined.get(h.name, h.name) for h in hits))
    if len(names) < 2:
        return
    legal = _legal_prefixes()
    words = {n: _plain_words(n, legal) for n in names}
    longer = [n for n in names if len(words[n]) >= 2 and _all_capitalised(words[n])]
    if not longer:
        return
    for short in names:
        sw = words[short]
        if not sw or long_and_acronym(short):
            continue
        initial = sw[0][:1].lower()
        # A quick test first: the long name's first word that is no `Kota` or `dan` opens as the short's.
        targets = [n for n in longer if n != short and words[n] != sw and _first_letter(words[n]) == initial
                   and _abbreviates_words(sw, words[n])]
        if len(targets) != 1:
            continue
        for h in hits:
            if joined.get(h.name, h.name) == short:
                joined[h.name] = targets[0]


def _first_letter(ws: list[str]) -> str:
    return next((w[:1].lower() for w in ws if w.lower() not in _UNIT_ADMIN and w.lower() not in _JOINERS), "")


def _all_capitalised(ws: list[str]) -> bool:
    """Every word a name's (`Real Madridseri dengan`, a scraper's glue, is no name to join)."""
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _JOINERS for w in ws)


def _plain_words(name: str, legal: frozenset[str]) -> list[str]:
    la = long_and_acronym(name)
    ws = (la[0] if la else name).split()
    while ws and ws[0].lower() in legal:
        ws = ws[1:]
    return ws


def _abbreviates_words(sw: list[str], lw: list[str]) -> bool:
    """The short name's words, in order, are the long name's words, or abbreviations of runs of them
    (at least one is), and the long name's other words are only `Kabupaten`/`Kota`/`Provinsi` or `dan`."""
    if len(sw) > len(lw):
        return False
    memo: dict[tuple[int, int, bool], bool] = {}

    def go(i: int, j: int, changed: bool) -> bool:
        if (i, j, changed) in memo:
            return memo[(i, j, changed)]
        if j == len(lw):
            out = i == len(sw) and changed
        else:
            lo = lw[j].lower()
            out = (lo in _UNIT_ADMIN and go(i, j + 1, True)) or (lo in _JOINERS and go(i, j + 1, changed))
            if not out and i < len(sw):
                if key(sw[i]) == key(lw[j]):
                    out = go(i + 1, j + 1, changed)
                if not out and len(sw[i]) >= 2 and sw[i][:1].lower() == lo[:1]:
                    for k in range(j + 1, len(lw) + 1):
                        run = " ".join(lw[j:k])
                        if (k - j >= 2 or len(sw[i]) >= 3 and len(sw[i]) < len(lw[j])) and _initials(sw[i], run) \
                                and go(i + 1, k, True):
                            out = True
                            break
        memo[(i, j, changed)] = out
        return out

    return go(0, 0, False)


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))




_ADMIN = frozenset("kabupaten kab kota provinsi prov kecamatan kec desa kelurahan kalurahan kampung dusun kapanewon kemantren".split())


def place_resolver(hits: list[ActorHit]) -> Callable[[str], str]:
    """One name per place in an article: `Tasikmalaya` and `Kabupaten Tasikmalaya`, `Sulsel` and
    `Provinsi Sulawesi Selatan` (places.csv's canonical names), `Batam` and `Kota Batam` are one
    place, named by the fullest form the article writes."""
    from .gazetteers import place_canonical_key

    names = list(dict.fromkeys(h.name for h in hits))
    by_core: dict[str, list[str]] = {}
    for n in names:
        ws = key(n).split()
        while len(ws) > 1 and ws[0] in _ADMIN:
            ws = ws[1:]
        by_core.setdefault(place_canonical_key(" ".join(ws)), []).append(n)
    joined: dict[str, str] = {}
    for group in by_core.values():
        if len(group) > 1:
            best = max(group, key=lambda n: (len(n.split()), len(n), -names.index(n)))
            for n in group:
                joined[n] = best
    return lambda name: joined.get(name, name)
