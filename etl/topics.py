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
    weight: float = 1.0


@lru_cache(maxsize=1)
def topics() -> dict[str, Topic]:
    return {r["code"]: Topic(r["code"], r["label"], r["label_en"]) for r in lexicons.rows("topics.csv")}


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    by_key: dict[str, list[tuple[str, float]]] = {}
    for row in lexicons.rows("topics.csv"):
        for item in row["keywords"].split(";"):
            kw, _, weight = item.strip().lower().partition(":")
            kw = kw.strip()
            if kw:
                by_key.setdefault(kw, [])
                if row["code"] not in [c for c, _ in by_key[kw]]:
                    by_key[kw].append((row["code"], float(weight) if weight else 1.0))
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
        out.extend(TopicHit(code, kw, start, end, weight) for code, weight in codes)
    return out


@dataclass(frozen=True)
class TopicScore:
    code: str
    label: str
    score: float  # weighted keyword hits: a headline hit weighs TITLE_WEIGHT, a body hit 1
    triggers: tuple[str, ...]  # the keywords that fired, most frequent first (the explanation)


TITLE_WEIGHT = 3.0


def score_topics(title: str, body: str) -> list[TopicScore]:
    """Every topic an article touches, best first, with its score and the words behind it."""
    weights: dict[str, float] = {}
    words: dict[str, dict[str, int]] = {}
    for text, weight in ((title or "", TITLE_WEIGHT), (body or "", 1.0)):
        for hit in find_topic_keywords(text):
            weights[hit.code] = weights.get(hit.code, 0.0) + weight * hit.weight
            counts = words.setdefault(hit.code, {})
            counts[hit.keyword] = counts.get(hit.keyword, 0) + 1
    names = topics()
    out = [
        TopicScore(code, names[code].label, score, tuple(sorted(words[code], key=lambda w: (-words[code][w], w))))
        for code, score in weights.items()
    ]
    return sorted(out, key=lambda t: (-t.score, t.code))
