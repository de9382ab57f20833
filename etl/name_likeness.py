"""How much a word's letters look like a person's name: a letter 3-gram model learned from the corpus's
own word table (words.tsv.gz: words the corpus tagger mostly read as persons' against the rest). For
words too rare for the table to say what they are (`Valdecy`, `Achfandi`, `Lakeside`)."""
from __future__ import annotations

import math
from functools import lru_cache

from .features import word_table


@lru_cache(maxsize=1)
def _letter_model() -> tuple[dict[str, float], float]:
    """Log-odds of letter 3-grams in words the corpus tagger mostly read as persons' against words it
    read as anything else (words.tsv.gz), with add-one smoothing; and the log-odds of an unseen 3-gram."""
    pos: dict[str, int] = {}
    neg: dict[str, int] = {}
    for word, info in word_table().items():
        if len(word) < 3 or not word.isalpha() or info.history not in ("PER", "O", "ORG", "LOC"):
            continue
        side = pos if info.history == "PER" else neg
        for g in _grams(word):
            side[g] = side.get(g, 0) + 1
    vocab = len(set(pos) | set(neg)) or 1
    p_total, n_total = sum(pos.values()) + vocab, sum(neg.values()) + vocab
    odds = {g: math.log((pos.get(g, 0) + 1) / p_total) - math.log((neg.get(g, 0) + 1) / n_total) for g in set(pos) | set(neg)}
    return odds, math.log(1 / p_total) - math.log(1 / n_total)


def _grams(word: str) -> list[str]:
    s = f"^{word.lower()}$"
    return [s[i : i + 3] for i in range(len(s) - 2)]


@lru_cache(maxsize=100_000)
def name_likeness(word: str) -> float:
    """Mean log-odds that a word's letters are a person's name's (`Achfandi` 1.1, `Lakeside` -0.8)."""
    odds, unseen = _letter_model()
    gs = _grams(word)
    return sum(odds.get(g, unseen) for g in gs) / len(gs) if gs else 0.0


