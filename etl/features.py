"""What the tagger sees of each token: features of the word itself, of its neighbours, and of the
lexicon entries that cover it. One definition serves training (attribute strings for CRFsuite) and
tagging (the same strings, summed into per-word score vectors once per word type).

Per word type (cached): the lower-cased word, its shape, affixes, its clusters at four
granularities (learned from the corpus, `etl/models/words.tsv.gz`), how often it is capitalised
inside a sentence, and the single-word lexicons (titles, organisation heads and tails, place cues,
speech verbs, connectors, degrees, ordinary Indonesian words). Neighbours at -2..+2 contribute a
subset of theirs. Per text: whether a listed organisation, country or place covers the token.
"""
from __future__ import annotations

import gzip
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from . import lexicons
from .lexicons import MODELS

WORDS_FILE = MODELS / "words.tsv.gz"
OFFSETS = (-2, -1, 1, 2)
PAD = "<S>"  # beyond either end of the text
_CONNECTORS = frozenset("bin binti van der de den von da dos del la le al el ibn dan".split())
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class WordInfo:
    count: int
    cap_pct: int  # -1: unknown
    word_class: str  # d: affixed Indonesian word, c: other ordinary word, -: neither
    history: str  # what the tagger mostly made of it in the corpus (PER, ORG, LOC, O, -)
    clusters: tuple[int, ...]


@lru_cache(maxsize=4)
def word_table(path: Path = WORDS_FILE) -> dict[str, WordInfo]:
    """words.tsv.gz as a dict (empty when the file is missing: the tagger then runs without it)."""
    out: dict[str, WordInfo] = {}
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            w, n, cap, cls, hist, *cl = line.rstrip("\n").split("\t")
            out[w] = WordInfo(int(n), int(cap), cls, hist, tuple(int(c) for c in cl))
    return out


def shape(word: str) -> str:
    """Xx, X, x, d, X.X ...: character classes with repeats collapsed."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


def _cap_bucket(pct: int) -> str:
    if pct < 0:
        return "u"
    return "0" if pct < 10 else "1" if pct < 50 else "2" if pct < 90 else "3"


@lru_cache(maxsize=1)
def _single_word_lexicons() -> dict[str, frozenset[str]]:
    def singles(name: str) -> frozenset[str]:
        return frozenset(x.lower().rstrip(".") for x in lexicons.lines(name) if " " not in x.strip())

    def firsts(name: str) -> frozenset[str]:
        return frozenset(x.split()[0].lower().rstrip(".") for x in lexicons.lines(name))

    return {
        "title": singles("titles.txt"),
        "title1": firsts("titles.txt"),
        "orghead": firsts("org_heads.txt"),
        "orgtail": singles("org_tails.txt"),
        "placehead": firsts("place_heads.txt"),
        "speech": lexicons.word_set("speech_verbs.txt"),
        "degree": frozenset(d.replace(".", "").lower() for d in lexicons.lines("degrees.txt")),
        "portfolio": lexicons.word_set("portfolio_words.txt"),
        "notactor": frozenset(x.lower() for x in lexicons.lines("not_actors.txt") if " " not in x),
    }


_PLACE_CUES = frozenset("di ke dari asal menuju sekitar wilayah kawasan kota kabupaten desa provinsi".split())


def lexicon_fingerprint() -> str:
    """A hash of the single-word lexicons the per-word features read: score vectors precomputed
    with other lexicons are stale."""
    import hashlib

    h = hashlib.sha1()
    for name, words in sorted(_single_word_lexicons().items()):
        h.update(name.encode() + b"\0" + "\n".join(sorted(words)).encode("utf-8"))
    return h.hexdigest()


class FeatureSpace:
    """Features per word type, cached; the same strings for training and tagging."""

    def __init__(self, words: dict[str, WordInfo] | None = None) -> None:
        self.words = word_table() if words is None else words
        self.lex = _single_word_lexicons()
        self._own: dict[str, list[str]] = {}
        self._ctx: dict[tuple[str, int], list[str]] = {}
        self._ctx_base: dict[tuple[str, bool], list[str]] = {}

    def own(self, word: str) -> list[str]:
        f = self._own.get(word)
        if f is None:
            f = self._own[word] = self._own_features(word)
        return f

    def ctx(self, word: str, offset: int) -> list[str]:
        key = (word, offset)
        f = self._ctx.get(key)
        if f is None:
            f = self._ctx[key] = self._ctx_features(word, offset)
        return f

    def _own_features(self, word: str) -> list[str]:
        if word == PAD:
            return ["pad"]
        low = word.lower()
        info = self.words.get(low)
        f = ["b", "w=" + _DIGIT.sub("0", low), "sh=" + shape(word)]
        if word[:1].isupper():
            f.append("cap")
            if len(word) > 1 and word.isupper():
                f.append("allcaps")
        if len(low) > 3 and low.isalpha():
            f += ["p2=" + low[:2], "p3=" + low[:3], "s2=" + low[-2:], "s3=" + low[-3:], "s4=" + low[-4:]]
        f.append("len=" + str(min(len(word), 6)))
        if info is not None:
            f.append("cp=" + _cap_bucket(info.cap_pct))
            f.append("fq=" + str(min(len(str(info.count)), 5)))
            f += [f"k{i}={c}" for i, c in enumerate(info.clusters) if c >= 0]
            if info.word_class != "-":
                f.append("L:" + ("derived" if info.word_class == "d" else "common"))
            if info.history != "-":
                f.append("H=" + info.history)
        else:
            f.append("oov")
        key = low.rstrip(".")
        f += ["L:" + name for name, words in self.lex.items() if key in words]
        if key in _PLACE_CUES:
            f.append("L:placecue")
        if key in _CONNECTORS:
            f.append("L:conn")
        return f

    def _ctx_features(self, word: str, offset: int) -> list[str]:
        p = f"{offset}|"
        return [p + b for b in self.ctx_base(word, abs(offset) == 1)]

    def ctx_base(self, word: str, near: bool) -> list[str]:
        """A neighbour's features without their offset prefix: near (+-1) or far (+-2)."""
        key = (word, near)
        f = self._ctx_base.get(key)
        if f is None:
            f = self._ctx_base[key] = self._ctx_base_features(word, near)
        return f

    def _ctx_base_features(self, word: str, near: bool) -> list[str]:
        if word == PAD:
            return ["pad"]
        low = word.lower()
        info = self.words.get(low)
        f = ["w=" + _DIGIT.sub("0", low), "sh=" + shape(word)]
        if info is not None and info.clusters and info.clusters[0] >= 0:
            f.append("k1=" + str(info.clusters[1]) if near else "k0=" + str(info.clusters[0]))
        if near:
            if info is not None:
                f.append("cp=" + _cap_bucket(info.cap_pct))
            key = low.rstrip(".")
            f += ["L:" + name for name in ("title", "title1", "orghead", "speech", "portfolio", "degree") if key in self.lex[name]]
            if key in _PLACE_CUES:
                f.append("L:placecue")
            if info is not None and info.history != "-":
                f.append("H=" + info.history)
        return f

    def sequence(self, tokens: list[str], spans: dict[int, list[str]] | None = None) -> list[list[str]]:
        """Attribute strings of every token (training, and the slow reference path of the tagger)."""
        padded = [PAD, PAD, *tokens, PAD, PAD]
        out = []
        for i, tok in enumerate(tokens):
            f = list(self.own(tok))
            for off in OFFSETS:
                f += self.ctx(padded[i + 2 + off], off)
            if spans:
                f += spans.get(i, ())
            out.append(f)
        return out


# -------------------------------------------------------------------------------------------
# Lexicon spans: listed organisations, countries and places covering tokens.


def span_features(text: str, starts: list[int], ends: list[int]) -> dict[int, list[str]]:
    """Token index -> which listed entity covers it (B for its first token, I after) or stands
    right next to it. Sparse: most tokens have none."""
    from .countries import find_countries
    from .gazetteers import find_orgs_listed, find_places

    out: dict[int, list[str]] = {}
    groups = (
        ("org", [(s, e) for _, s, e in find_orgs_listed(text)]),
        ("cty", [(c.start, c.end) for c in find_countries(text)]),
        ("plc", [(s, e) for _, _, s, e in find_places(text)]),
        ("ttl", find_titles(text)),
    )
    n = len(starts)
    for name, spans in groups:
        for s, e in spans:
            i = bisect_left(starts, s)
            j = bisect_right(ends, e)
            if i >= j or i >= n:
                continue
            out.setdefault(i, []).append(f"G:{name}:B")
            for k in range(i + 1, j):
                out.setdefault(k, []).append(f"G:{name}:I")
            if i > 0:
                out.setdefault(i - 1, []).append(f"G:{name}:next")
            if j < n:
                out.setdefault(j, []).append(f"G:{name}:prev")
    return out


@lru_cache(maxsize=1)
def _title_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for t in lexicons.lines("titles.txt"):
        form = " ".join(t.lower().split())
        auto.add_word(form, len(form))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=32)  # one text is looked up by several steps of its extraction
def find_titles(text: str) -> tuple[tuple[int, int], ...]:
    """Titles and offices from titles.txt ("Wali Kota", "Kapolres", "Irjen Pol") written with a
    capital, whole words, longest first: (start, end)."""
    low = text.lower()
    hits = []
    for end_idx, length in _title_automaton().iter(low):
        start, end = end_idx - length + 1, end_idx + 1
        if (start > 0 and low[start - 1].isalnum()) or (end < len(low) and low[end].isalnum()):
            continue
        if not text[start].isupper():  # "ibu", "kepala" in lower case are ordinary words
            continue
        hits.append((start, end))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, last = [], -1
    for s, e in hits:
        if s >= last:
            out.append((s, e))
            last = e
    return tuple(out)
