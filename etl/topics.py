"""Tag text with IPTC Media Topics (top level) from the Indonesian keyword lexicon topics.csv."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from . import lexicons


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    label_en: str


@dataclass(frozen=True)
class TopicHit:
    code: str
    keyword: str
    start: int
    end: int


@lru_cache(maxsize=1)
def topics() -> dict[str, Topic]:
    return {r["code"]: Topic(r["code"], r["label"], r["label_en"]) for r in lexicons.rows("topics.csv")}


@lru_cache(maxsize=1)
def _automaton():
    auto = ahocorasick.Automaton()
    by_key: dict[str, list[str]] = {}
    for row in lexicons.rows("topics.csv"):
        for kw in row["keywords"].split(";"):
            kw = kw.strip().lower()
            if kw:
                by_key.setdefault(kw, [])
                if row["code"] not in by_key[kw]:
                    by_key[kw].append(row["code"])
    for kw, codes in by_key.items():
        auto.add_word(kw, (kw, tuple(codes)))
    auto.make_automaton()
    return auto


def find_topic_keywords(text: str) -> list[TopicHit]:
    """Every whole-word keyword hit; a keyword listed under two topics counts for both."""
    low = text.lower()
    out: list[TopicHit] = []
    for end_idx, (kw, codes) in _automaton().iter(low):
        start, end = end_idx - len(kw) + 1, end_idx + 1
        if start > 0 and low[start - 1].isalnum():
            continue
        if end < len(low) and low[end].isalnum():
            continue
        out.extend(TopicHit(code, kw, start, end) for code in codes)
    return out
