"""When two written names can be one actor: the tests shared by an article's extraction (extract.py,
names within one article) and the entity registry (resolution.py, names across the warehouse).

Pure functions of the names and the lexicons:
- `key`: the same name in other capitals, accents or punctuation (`Whatsapp` / `WhatsApp`);
- `spelling_key`: the same name in the old or new spelling, or spaced differently (`Soekarnoputri` /
  `Sukarnoputri`, `Pandjaitan` / `Panjaitan`, `Hamengkubuwono` / `Hamengku Buwono`);
- `org_core`: an organisation's name without its legal form and affixes (`PT ... (Persero) Tbk`,
  `Partai`, a trailing `RI`), its unit word written out (`Pemprov` = `Pemerintah Provinsi`) and its
  place named canonically (`DKI` = `DKI Jakarta`);
- `abbreviates`: one name is the other with words shortened (`Man United` / `Manchester United`,
  `Sri Sultan HB X` / `Sri Sultan Hamengku Buwono X`, `Luhut B Pandjaitan`);
- `is_short_form`: an acronym or syllable short name of a long form (`KPK`, `Kemenhan`);
- `contains_words`: a short form written inside a longer name (`Marquez` in `Marc Marquez`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import lexicons

_PUNCT = re.compile(r"[^\w]+")
_LONG_ACR = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


@lru_cache(maxsize=200_000)
def key(name: str) -> str:
    """Names that differ only in capitals, accents or punctuation are one name."""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFKC", name).casefold()).split())


def long_and_acronym(name: str) -> tuple[str, str] | None:
    """`Badan Gizi Nasional (BGN)` -> (`Badan Gizi Nasional`, `BGN`). A legal form in brackets is no
    acronym (`PT Pertamina (Persero)`: every state company would share it)."""
    m = _LONG_ACR.match(name)
    if not m or key(m.group(2)) in _legal_suffixes():
        return None
    return m.group(1).strip(), m.group(2).strip()


@lru_cache(maxsize=1)
def _legal_suffixes() -> frozenset[str]:
    return frozenset(key(s) for s in _affixes()[1])


# Indonesian spelling before 1972 (EYD) and Dutch-era names: dj -> j, tj -> c, oe -> u, ch -> kh.
_OLD_SPELLING = (("dj", "j"), ("tj", "c"), ("oe", "u"), ("ch", "kh"))


def spelling_key(name: str) -> str:
    """`key` in today's spelling and without spaces: `Megawati Soekarnoputri` = `Megawati
    Sukarnoputri`, `Hamengku Buwono` = `Hamengkubuwono`."""
    k = key(name).replace(" ", "")
    for old, new in _OLD_SPELLING:
        k = k.replace(old, new)
    return k


def words(name: str) -> list[str]:
    return key(name).split()


def contains_words(long_name: str, short_name: str) -> bool:
    """The short name's words, in order and together, inside the long name (case and punctuation
    aside): `Marquez` in `Marc Marquez`, `Gibran Rakabuming` in `Gibran Rakabuming Raka`."""
    lw, sw = words(long_name), words(short_name)
    n = len(sw)
    return 0 < n < len(lw) and any(lw[i : i + n] == sw for i in range(len(lw) - n + 1))


# ---------------------------------------------------------------------------------------------
# Organisations


@lru_cache(maxsize=1)
def _affixes() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """(prefixes, suffixes, unit abbreviations) from org_affixes.txt, lower case."""
    prefixes, suffixes, units = [], [], {}
    for line in lexicons.lines("org_affixes.txt"):
        what, _, rest = line.partition(":")
        rest = rest.strip()
        if what.strip() == "prefix":
            prefixes.append(rest.lower())
        elif what.strip() == "suffix":
            suffixes.append(rest.lower())
        elif what.strip() == "unit":
            short, _, long_form = rest.partition("=")
            units[short.strip().lower()] = long_form.strip().lower()
    # Longest first: "(persero) tbk" before "tbk".
    return tuple(sorted(prefixes, key=len, reverse=True)), tuple(sorted(suffixes, key=len, reverse=True)), units


@lru_cache(maxsize=1)
def _place_canonical() -> dict[str, str]:
    """Place names (lower case) -> the key of the name they are counted under (`dki` -> `jakarta`)."""
    out = {}
    for r in lexicons.rows("places.csv"):
        out[key(r["name"])] = key(r.get("canonical") or r["name"])
    return out


@lru_cache(maxsize=200_000)
def org_core(name: str) -> str:
    """An organisation's name as a key, without legal forms and affixes, with unit words written out
    and places named canonically: `PT Bank Rakyat Indonesia (Persero) Tbk` and `Bank Rakyat
    Indonesia` give the same core; so do `Pemprov DKI` and `Pemerintah Provinsi DKI Jakarta`,
    `Partai Demokrat` and `Demokrat`, `DPD RI` and `DPD`. The country's own name is not stripped
    here (`Bank Indonesia` is not a bank): see `without_country`."""
    prefixes, suffixes, units = _affixes()
    k = " " + key(name) + " "
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if k.startswith(" " + p + " ") and len(k) > len(p) + 3:
                k, changed = k[len(p) + 1 :], True
        for s in suffixes:
            if k.endswith(" " + s + " ") and len(k) > len(s) + 3:
                k, changed = k[: -len(s) - 1], True
    ws = k.split()
    out: list[str] = []
    for w in ws:
        out.extend(units.get(w, w).split())
    # Places by their canonical name, longest match first ("dki jakarta" before "dki").
    places = _place_canonical()
    i, result = 0, []
    while i < len(out):
        for n in (3, 2, 1):
            seg = " ".join(out[i : i + n])
            if len(out[i : i + n]) == n and seg in places:
                result.append(places[seg])
                i += n
                break
        else:
            result.append(out[i])
            i += 1
    return " ".join(result)


_HOME = ("indonesia", "ri", "republik indonesia")


def without_country(name: str) -> str | None:
    """`Danantara Indonesia` -> `Danantara`, `Kemenkeu RI` -> `Kemenkeu`: the name without the home
    country written after it (None when there is none). Whether the rest names the same body is the
    caller's call: `Bank Indonesia` is not a bank."""
    ws = name.split()
    for home in _HOME:
        h = home.split()
        if len(ws) > len(h) and [w.lower() for w in ws[-len(h) :]] == h:
            return " ".join(ws[: -len(h)])
    return None


# ---------------------------------------------------------------------------------------------
# Abbreviations


ROMAN = re.compile(r"[IVX]+")


def abbreviates(short_name: str, long_name: str) -> bool:
    """Is `short_name` the long name with some words shortened, none added or left out? A word may be
    kept, cut to its start (`Man` for `Manchester`, `B` for `Binsar`, `Muh.` for `Muhammad`), or be
    the initials of a run of words (`HB` for `Hamengku Buwono`). At least one word must be shortened,
    and a cut word keeps three letters unless it is a single initial; a word in capitals is no cut
    word (`Komisi III DPR` is not `Komisi III DPRD`)."""
    sw = [w for w in re.split(r"\s+", short_name.strip()) if w]
    lw = [w for w in re.split(r"\s+", long_name.strip()) if w]
    if not sw or len(sw) > len(lw) or key(short_name) == key(long_name):
        return False

    memo: dict[tuple[int, int, bool], bool] = {}

    def go(i: int, j: int, shortened: bool) -> bool:
        if (i, j, shortened) not in memo:
            memo[(i, j, shortened)] = step(i, j, shortened)
        return memo[(i, j, shortened)]

    def step(i: int, j: int, shortened: bool) -> bool:
        if i == len(sw):
            return j == len(lw) and shortened
        if j == len(lw):
            return False
        s = sw[i].rstrip(".").casefold()
        target = lw[j].casefold()
        if s == target and go(i + 1, j + 1, shortened):
            return True
        cut = (len(s) == 1 and sw[i][:1].isupper() or len(s) >= 3 and not sw[i].rstrip(".").isupper()) \
            and not ROMAN.fullmatch(lw[j]) \
            and not (i == len(sw) - 1 and ROMAN.fullmatch(sw[i]))
        # A number of a line ends a name: "Angkasa Pura I" shortens neither "Angkasa Pura II" nor
        # "Angkasa Pura Indonesia".
        if s and s != target and target.startswith(s) and cut and go(i + 1, j + 1, True):
            return True  # an acronym is never a cut word: `DPR` does not shorten `DPRD`
        # initials: "HB" = "Hamengku Buwono" (two words or more)
        if sw[i].isupper() and 2 <= len(s) <= 4 and j + len(s) <= len(lw):
            if all(lw[j + k][:1].casefold() == s[k] for k in range(len(s))) and go(i + 1, j + len(s), True):
                return True
        return False

    return go(0, 0, False)


def is_short_form(short: str, long_form: str) -> bool:
    """Is `short` an acronym or short name of `long_form`? Its letters, in order, from the start
    of one of the long form's words: KPK, Kemenkeu, Danantara, Unisa yes; `Pansus Angket KPK`,
    `Edy` no."""
    s = "".join(c for c in short.lower() if c.isalnum())
    ws = re.findall(r"\w+", long_form.lower())
    if not s or not ws or len(short.split()) > 3:
        return False
    for i, w in enumerate(ws):
        if w[0] != s[0]:
            continue
        rest = "".join(ws[i:])
        pos = 0
        for c in s:
            pos = rest.find(c, pos) + 1
            if pos == 0:
                break
        else:
            return True
    return False


_CONNECTORS = frozenset("dan & of and the untuk di ke dari serta atau pada".split())


def is_initials_of(short: str, long_form: str) -> bool:
    """Is `short` made of the starts of `long_form`'s words, every word giving one letter or more, in
    order (joining words may give none)? `BTN` of `Bank Tabungan Negara`, `BMKG` of `Badan
    Meteorologi, Klimatologi, dan Geofisika`, `ANTAM` of `Aneka Tambang`; not `BRI` of `Bank Mandiri`."""
    s = "".join(c for c in short.lower() if c.isalnum())
    ws = [w for w in key(long_form).split() if w]
    if not s or not ws:
        return False

    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if j == len(ws):
            return i == len(s)
        w = ws[j]
        if w in _CONNECTORS and go(i, j + 1):
            return True
        return any(s[i : i + n] == w[:n] and go(i + n, j + 1) for n in range(1, min(len(w), len(s) - i) + 1))

    return go(0, 0)


def is_word_of(short: str, long_form: str) -> bool:
    """`DPR` in `Komisi III DPR`, `PAN` in `Kementerian PAN-RB`: the short form is a whole word of the
    long one, which then names a unit of it or something else, not the same body."""
    return key(short) in key(long_form).split() or key(short) in re.split(r"[\s-]+", long_form.lower())
