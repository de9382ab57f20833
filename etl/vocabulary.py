"""Is a word an ordinary Indonesian word? Uses PySastrawi's root-word list and stemmer (MIT)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _roots() -> frozenset[str]:
    data = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in data.split() if w.strip())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def is_common_word(word: str) -> bool:
    """True for dictionary words and their derived forms (`Sebut`, `Diguyur`, `Keamanan`)."""
    low = word.lower()
    if not low.isalpha():
        return False
    roots = _roots()
    if low in roots:
        return True
    if len(low) < 5:
        return False
    return _stemmer().stem(low) in roots


@lru_cache(maxsize=200_000)
def is_derived_word(word: str) -> bool:
    """True when the word is an affixed form of a root (`Menegaskan`), never a bare root (`Budi`)."""
    low = word.lower()
    if not low.isalpha() or len(low) < 5 or low in _roots():
        return False
    stem = _stemmer().stem(low)
    return stem != low and stem in _roots()
