"""The lexicons as sets and automata: what the extractor looks names up in.

Listed places (places.csv) and organisations (organizations.csv), platforms, titles, degrees,
organisation heads, words that are never actors, and the people the corpus bodies name
(`models/names.tsv.gz`, built by `python -m etl.train`). Each is read once per process; the
text lookups are cached per text, since several steps of one extraction ask about the same text.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator

import ahocorasick

from . import lexicons, memo


@lru_cache(maxsize=1)
def _titles() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(t.lower().rstrip(".").split()) for t in lexicons.lines("titles.txt"))


@lru_cache(maxsize=1)
def _degrees() -> frozenset[str]:
    return frozenset(d.replace(".", "").lower() for d in lexicons.lines("degrees.txt"))


@lru_cache(maxsize=1)
def _not_actors() -> frozenset[str]:
    return lexicons.word_set("not_actors.txt")


@lru_cache(maxsize=1)
def _portfolio_words() -> frozenset[str]:
    return lexicons.word_set("portfolio_words.txt")


@lru_cache(maxsize=1)
def _byline_cues() -> frozenset[str]:
    return lexicons.word_set("byline_cues.txt")


@lru_cache(maxsize=1)
def _org_heads() -> frozenset[str]:
    return frozenset(x.split()[0].lower() for x in lexicons.lines("org_heads.txt"))


@lru_cache(maxsize=1)
def place_countries() -> dict[str, str | None]:
    """Every listed place (places.csv) -> the ISO code of the country it lies in (None: a region)."""
    return {r["name"]: (r.get("country") or None) for r in lexicons.rows("places.csv")}


@lru_cache(maxsize=1)
def _place_canonical_keys() -> dict[str, str]:
    from .name_forms import key

    out = {}
    for r in lexicons.rows("places.csv"):
        out[key(r["name"])] = key(r.get("canonical") or r["name"])
    return out


def place_canonical_key(k: str) -> str:
    """A place's key (name_forms.key) -> the key of the name places.csv counts it under (`sulsel` ->
    `sulawesi selatan`), itself when not listed."""
    return _place_canonical_keys().get(k, k)


@lru_cache(maxsize=1)
def _place_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for name, code in place_countries().items():
        auto.add_word(name, (name, (name, code)))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=1)
def org_aliases() -> dict[str, str]:
    """Every listed organisation form (case kept) -> canonical name."""
    out: dict[str, str] = {}
    for row in lexicons.rows("organizations.csv"):
        out[row["name"]] = row["name"]
        for alias in row.get("aliases", "").split(";"):
            if alias.strip():
                out[alias.strip()] = row["name"]
    return out


@lru_cache(maxsize=1)
def _org_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for form, canonical in org_aliases().items():
        auto.add_word(form, (form, canonical))
    auto.make_automaton()
    return auto


def _whole_word_matches(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, Any]]:
    """Case-sensitive whole-word matches of an automaton whose values are (form, payload), longest
    first and not overlapping: (start, end, payload)."""
    hits = []
    for end_idx, (form, payload) in automaton.iter(text):
        start, end = end_idx - len(form) + 1, end_idx + 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] == "-"):
            continue
        hits.append((start, end, payload))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, last_end = [], -1
    for start, end, payload in hits:
        if start >= last_end:
            out.append((start, end, payload))
            last_end = end
    return out


@lru_cache(maxsize=32)  # one text is looked up by several steps of its extraction
def find_places(text: str) -> tuple[tuple[str, str | None, int, int], ...]:
    """Listed places as case-sensitive whole words, longest first: (name, country code, start, end)."""
    return tuple((name, code, start, end) for start, end, (name, code) in _whole_word_matches(_place_automaton(), text))


@lru_cache(maxsize=32)  # one text is looked up by several steps of its extraction
def find_orgs_listed(text: str) -> tuple[tuple[str, int, int], ...]:
    """Listed organisations (organizations.csv), case-sensitive whole words: (canonical, start, end)."""
    return tuple((canonical, start, end) for start, end, canonical in _whole_word_matches(_org_automaton(), text))


@lru_cache(maxsize=50_000)  # names recur across spans and articles
def is_listed_org(name: str) -> bool:
    """The whole of `name` is a listed organisation's form (organizations.csv)."""
    return any(a == 0 and b == len(name) for a, b, _ in _whole_word_matches(_org_automaton(), name))


@lru_cache(maxsize=1)
def _platforms() -> frozenset[str]:
    return frozenset(lexicons.lines("platforms.txt"))


@lru_cache(maxsize=1)
def _platform_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for form in _platforms():
        auto.add_word(form, (form, form))
    auto.make_automaton()
    return auto


def _channel_cue(text: str, start: int) -> bool:
    before = text[max(0, start - 30) : start].lower().split()[-2:]
    return any(w.strip(",.:;\"'“”") in lexicons.word_set("channel_cues.txt") for w in before)


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    return frozenset(w for t in _titles() for w in t)


@lru_cache(maxsize=1)
def _named_after_heads() -> dict[str, str]:
    out = {}
    for line in lexicons.lines("named_after_heads.txt"):
        label, _, head = line.rpartition("place:")
        out[(head or line).strip().lower()] = "LOC" if line.startswith("place:") else "ORG"
    return out


_NO_NAMES: list[bool] = []


@contextmanager
def without_known_names() -> Iterator[None]:
    """Extract as if names.tsv.gz were empty: how `etl.train` builds that file, so that it depends
    on ../shared and the model alone, not on the copy it replaces."""
    _NO_NAMES.append(True)
    _clear_known()
    try:
        yield
    finally:
        _NO_NAMES.pop()
        _clear_known()


def _clear_known() -> None:
    memo.forget("names")  # these lists, and what other modules worked out from them


@lru_cache(maxsize=1)
def known_first_words() -> frozenset[str]:
    """First words of the corpus's full names: `Jean-Paul` opens `Jean-Paul van Gastel`, so it is one
    man's given name, not a ticket of two people."""
    return frozenset(n.split()[0] for n in known_names() if " " in n)


@lru_cache(maxsize=1)
def known_names() -> dict[str, tuple[int, int]]:
    """names.tsv.gz: name -> (articles naming a person so, articles writing it), from `etl.train`."""
    import gzip

    path = lexicons.MODELS / "names.tsv.gz"
    out: dict[str, tuple[int, int]] = {}
    # A name the user's lexicons list as a place or an organisation is not a person's, whatever the
    # corpus made of it when the list was built (Khan Younis).
    listed = set(place_countries())
    if path.exists() and not _NO_NAMES:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    name, named, written = line.rstrip("\n").split("\t")
                    if name in listed or any(a == 0 and b == len(name) for _, a, b in find_orgs_listed(name)):
                        continue
                    out[name] = (int(named), int(written))
    return out


@lru_cache(maxsize=1)
def _known_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for name, (named, written) in known_names().items():
        # A one-word name counts when most articles that write it mean a person by it.
        if " " in name or named >= 0.6 * written:
            auto.add_word(name, (name, name))
    if len(auto):
        auto.make_automaton()
    return auto


for _cache in (known_names, _known_automaton, known_first_words):
    memo.depends_on("names")(_cache.cache_clear)
