"""Find countries in Indonesian text: CLDR names (via Babel) plus the press aliases in countries.csv."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
from babel import Locale

from . import lexicons

# CLDR region codes that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}
# After these words a country name is a language or a people's trait, not the country.
_LANGUAGE_CUES = re.compile(r"(?:bahasa|berbahasa|aksen|logat|sastra)\s+$", re.IGNORECASE)


_ENGLISH_NAMES_OF_PEOPLE = {"Jordan", "Georgia", "Chad", "Israel", "Kenya", "Niger", "Guinea"}


@dataclass(frozen=True)
class CountryHit:
    code: str
    name: str
    start: int
    end: int


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> canonical Indonesian display name."""
    territories = Locale("id").territories
    names = {c: n for c, n in territories.items() if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES}
    for row in lexicons.rows("countries.csv"):
        if row.get("display"):
            names[row["code"]] = row["display"]
    return names


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    forms: dict[str, tuple[str, bool]] = {}
    territories = Locale("id").territories
    for code, name in territories.items():
        if code in country_names():
            forms[name] = (code, False)
    # English names too: news quotes agencies and officials in English ("Perdana Menteri Ethiopia").
    # A few English names are also people's names and stay out.
    for code, name in Locale("en").territories.items():
        if code in country_names() and name not in forms and len(name) >= 5 and name not in _ENGLISH_NAMES_OF_PEOPLE:
            forms[name] = (code, False)
    for row in lexicons.rows("countries.csv"):
        code = row["code"]
        for alias in [row.get("display", ""), *row.get("aliases", "").split(";")]:
            alias = alias.strip()
            if alias:
                forms[alias] = (code, alias.isupper())
    auto = ahocorasick.Automaton()
    for form, (code, exact) in forms.items():
        key = form.lower()
        existing = auto.get(key, None)
        # Keep one entry a lower-cased form; an all-capital alias (AS) must then match exactly.
        if existing is None or (existing[2] and not exact):
            auto.add_word(key, (code, form, exact, len(form)))
    auto.make_automaton()
    return auto


def _lowercase_country_ok(surface: str) -> bool:
    """Transcribed speech writes `singapura` in lower case: a long country name that is no ordinary
    Indonesian word (unlike `cuba`, "try") still names the country."""
    from .vocabulary import is_common_word

    return len(surface) >= 6 and surface.isalpha() and surface.islower() and not is_common_word(surface)


@lru_cache(maxsize=32)  # one text is looked up by several steps of its extraction
def find_countries(text: str) -> tuple[CountryHit, ...]:
    """Country mentions, longest match first, as whole words with a leading capital."""
    low = text.lower()
    hits: list[tuple[int, int, str]] = []
    for end_idx, (code, form, exact, length) in _automaton().iter(low):
        start, end = end_idx - length + 1, end_idx + 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_"):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] in "_"):
            continue
        surface = text[start:end]
        if exact and surface != form:
            continue
        if not surface[:1].isupper() and not _lowercase_country_ok(surface):
            continue
        if _LANGUAGE_CUES.search(text[max(0, start - 12) : start]):
            continue
        hits.append((start, end, code))
    # Longest match wins ("Papua Nugini" over "Papua", "Korea Selatan" over "Korea").
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[CountryHit] = []
    last_end = -1
    names = country_names()
    for start, end, code in hits:
        if start < last_end:
            continue
        out.append(CountryHit(code, names.get(code, code), start, end))
        last_end = end
    return tuple(out)
