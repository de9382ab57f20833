"""Whether an article supports a person named by one word only.

A full name (`Heru Joko Sulistyono`) is a person by its shape; one capitalised word is a person only
if something says so. In a sample of 400 corpus pages (issue 21, docs/quality.md), 115 of the 361
one-word persons left after the article's own names were joined had no support at all, and about
four in five of those were not persons: villages in a list (`Wilayah terdampak: Kralas, Gulon,
Potrobayan`), products and games (`Ecobubble`, `Overwatch`), wayang characters, words of a title
(`Nginap`, `Mari`). The support looked for is what writers put beside a person's name:
- a title, office or honorific before it (`Kepala Desa Subagyo`, `Pak Bagyo`: titles.txt, and
  person_support.txt), or after it behind a comma (`Darini, Ketua Komisi D`);
- a speech verb next to it (`kata Umar`, `Subarsono menjelaskan`: speech_verbs.txt, person_support.txt);
- an age after it (`Sukmi (56)`, `Warijan, 80 tahun`);
- a nickname's cue before it (`yang akrab disapa Ms. Rya`);
- the corpus bodies naming a person so in most articles that write it (names.tsv.gz: `Jokowi`,
  `Prabowo`, `Trump`), or person_aliases.csv listing it.
Any one mention with support keeps every mention of the name. Pure: hits in, names out.
"""
from __future__ import annotations

import re
from typing import Iterable

from functools import lru_cache

from . import lexicons
from .actors import ActorHit
from .article_names import person_aliases
from .candidates import _PUNCT, _speech_verbs, _title_before
from .gazetteers import _title_words, known_names

_AGE_AFTER = re.compile(r"\s*(?:\(\s*\d{1,3}\s*(?:th|tahun)?\s*\)|,\s*\d{1,3}\s*(?:th\b|tahun\b|,))")
_NICKNAME_BEFORE = re.compile(
    r"(?:akrab|biasa|karib|kerap|sering|lebih)\s+(?:di)?(?:sapa|panggil|sebut|kenal)(?:an)?\s+(?:dengan\s+)?(?:nama\s+)?"
    r"(?:\S+\s+)?[\"“']?$"
)

_APPOSITION = re.compile(r"\s*,\s*([A-Za-z]+)")


@lru_cache(maxsize=1)
def _cues() -> dict[str, frozenset[str]]:
    """person_support.txt: side (`before`, `after`) -> words."""
    out: dict[str, set[str]] = {"before": set(), "after": set()}
    for line in lexicons.lines("person_support.txt"):
        side, word = line.split(None, 1)
        out[side].add(word.strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


def known_well(name: str) -> bool:
    """The corpus bodies name a person so in at least 3 articles and 6 in 10 of those that write it."""
    kn = known_names().get(name)
    return kn is not None and kn[0] >= 3 and kn[0] >= 0.6 * kn[1]


def supported_here(text: str, hit: ActorHit) -> bool:
    """Does the text around this one mention say it is a person?"""
    if hit.titled:
        return True
    before = text[max(0, hit.start - 40) : hit.start]
    before_words = before.split()
    if before_words and _title_before(before_words):
        return True
    cues = _cues()
    if any(w.strip(_PUNCT).lower() in cues["before"] for w in before_words[-4:]):
        return True
    speech = _speech_verbs() | cues["after"]
    prev_word = before_words[-1].strip(_PUNCT).lower() if before_words else ""
    next_words = [w.strip(_PUNCT).lower() for w in text[hit.end : hit.end + 40].split()[:2]]
    if prev_word in speech or any(w in speech for w in next_words):
        return True
    # A title after it, set off by a comma: `Darini, Ketua Komisi D`, `Dadiri, Ketua Umum ...`.
    apposition = _APPOSITION.match(text, hit.end)
    if apposition and len(apposition.group(1)) > 3 and apposition.group(1).lower() in _title_words():
        return True
    if _AGE_AFTER.match(text, hit.end):
        return True
    return bool(_NICKNAME_BEFORE.search(text[max(0, hit.start - 60) : hit.start]))


def unsupported_single_names(found: Iterable[tuple[str, ActorHit, str]]) -> set[str]:
    """The one-word person names (as resolved in the article) that no mention supports.

    `found` holds (the part's text, the hit, the name the hit resolved to) for the article's persons."""
    support: dict[str, bool] = {}
    aliases = person_aliases()
    for text, hit, name in found:
        if " " in name or support.get(name):
            continue
        support[name] = (known_well(name) or known_well(hit.name) or name in aliases
                         or name in aliases.values() or supported_here(text, hit))
    return {n for n, ok in support.items() if not ok}
