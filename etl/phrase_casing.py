"""How the corpus writes a name's words inside its sentences, for two decisions no lexicon lists:

- a head alone (`Bank`, `Dewan`, `Sekretariat`, `PT`) is no organisation where the corpus bodies
  go on with another capitalised word after it in nine uses of ten at least (`Bank Dunia`,
  `Dewan Pers`): alone it is what is left of a longer name, or the ordinary noun; a word the
  corpus mostly writes alone (`Polri`, `Kemenkes`, `Brimob`) is a name of its own;
- a name of several words (`Tim Investigasi`, `Rumah Sakit`, `Kepala Desa`) is no actor where the
  corpus bodies write those very words in lower case inside a sentence in six uses of ten at
  least: a common phrase capitalised by a headline or a sentence's start.

`build` counts both from (headline, body) texts: `python -m etl.train casing` writes
`etl/models/casing.tsv.gz` from ../shared/corpus (about 20 s); without that file nothing is dropped.
Bodies only, sentences that are not themselves in Title Case (a headline quoted inside a body), and
never a sentence's first word.
"""
from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .features import MODELS
from .tokens import sentences, tokenize

CASING_FILE = MODELS / "casing.tsv.gz"
MAX_WORDS = 5             # longest phrase counted
WORD_LEAST = 20           # capitalised uses inside sentences before a word's habit counts
CONTINUED_SHARE = 0.9     # ... and the share of them that a longer capitalised name continues
PHRASE_LEAST_LOWER = 5    # lower-case uses before a phrase's habit counts
LOWER_SHARE = 0.6         # ... and their share of all its uses inside sentences
_SENTENCE_END = frozenset('.!?:"“”\'')


@dataclass
class CasingCounts:
    alone: Counter = field(default_factory=Counter)      # capitalised word, no capitalised word after it
    continued: Counter = field(default_factory=Counter)  # capitalised word opening a longer capitalised run
    capitalised: Counter = field(default_factory=Counter)  # phrase (lower-cased key) inside a capitalised run
    lower: Counter = field(default_factory=Counter)      # the same words written in lower case


def _capital(tok: str) -> bool:
    return tok[:1].isupper() and tok[:1].isalpha()


def build(texts: Iterable[tuple[str, str]]) -> CasingCounts:
    """Counts over the bodies of (headline, body) pairs."""
    counts = CasingCounts()
    kept: list[list[str]] = []
    for _headline, body in texts:
        if not body:
            continue
        for sent in sentences(tokenize(body)[0]):
            long_words = [t for t in sent if len(t) > 3 and t[0].isalpha()]
            if len(long_words) < 4 or sum(t[0].isupper() for t in long_words) > 0.5 * len(long_words):
                continue  # a headline quoted in a body capitalises every word
            kept.append(sent)
            _count_capitalised_runs(sent, counts)
    # Second pass: lower-case uses of the phrases seen capitalised (all lower-case n-grams would not fit).
    for sent in kept:
        _count_lower_phrases(sent, counts)
    return counts


def _count_capitalised_runs(sent: list[str], counts: CasingCounts) -> None:
    """Each run of capitalised words not opening the sentence: its first word alone or continued, and
    every phrase of two to MAX_WORDS words inside it."""
    i, n = 1, len(sent)
    while i < n:
        if not (_capital(sent[i]) and sent[i - 1] not in _SENTENCE_END):
            i += 1
            continue
        j = i
        while j < n and _capital(sent[j]):
            j += 1
        (counts.alone if j - i == 1 else counts.continued)[sent[i]] += 1
        run = [w.lower() for w in sent[i:j]]
        for a in range(len(run)):
            for b in range(a + 2, min(len(run), a + MAX_WORDS) + 1):
                counts.capitalised[" ".join(run[a:b])] += 1
        i = j


def _count_lower_phrases(sent: list[str], counts: CasingCounts) -> None:
    """The phrases already seen capitalised that the sentence writes all in lower case."""
    wanted, n = counts.capitalised, len(sent)
    for i in range(n):
        if not sent[i][:1].islower():
            continue
        for b in range(i + 2, min(n, i + MAX_WORDS) + 1):
            if not sent[b - 1][:1].islower():
                break
            phrase = " ".join(sent[i:b])
            if phrase in wanted:
                counts.lower[phrase] += 1


def write(path: Path, counts: CasingCounts) -> None:
    """Only what a decision can use: words with WORD_LEAST capitalised uses, phrases with
    PHRASE_LEAST_LOWER lower-case ones."""
    lines = ["# word\tcapitalised alone\tcontinued by a capitalised word",
             "# phrase (lower case)\tcapitalised\tlower case"]
    for w in sorted(set(counts.alone) | set(counts.continued)):
        a, c = counts.alone[w], counts.continued[w]
        if a + c >= WORD_LEAST and "\t" not in w:
            lines.append(f"w\t{w}\t{a}\t{c}")
    for p in sorted(counts.lower):
        if counts.lower[p] >= PHRASE_LEAST_LOWER and "\t" not in p:
            lines.append(f"p\t{p}\t{counts.capitalised[p]}\t{counts.lower[p]}")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    words: dict[str, tuple[int, int]] = {}
    phrases: dict[str, tuple[int, int]] = {}
    if CASING_FILE.exists():
        with gzip.open(CASING_FILE, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                kind, text, a, b = line.rstrip("\n").split("\t")
                (words if kind == "w" else phrases)[text] = (int(a), int(b))
    return words, phrases


def clear_cache() -> None:
    _tables.cache_clear()


def head_without_name(name: str) -> bool:
    """One word that the corpus continues with a longer capitalised name nine times in ten."""
    if " " in name:
        return False
    alone, continued = _tables()[0].get(name, (0, 0))
    return alone + continued >= WORD_LEAST and continued >= CONTINUED_SHARE * (alone + continued)


def common_phrase(name: str) -> bool:
    """Words the corpus mostly writes in lower case inside a sentence."""
    words = name.lower().split()
    if not 2 <= len(words) <= MAX_WORDS:
        return False
    capitalised, lower = _tables()[1].get(" ".join(words), (0, 0))
    return lower >= PHRASE_LEAST_LOWER and lower >= LOWER_SHARE * (capitalised + lower)
