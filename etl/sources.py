"""News sources: the names the corpus bodies quote as where a report comes from.

`dilansir Reuters`, `dikutip dari Kompas.com`, `seperti dilaporkan AFP`: the name after a citation cue
(lexicons/citation_cues.txt) is the source of what follows, not an actor of the story, and the
annotation guide lists a media outlet only where it acts in it. Which names are sources is counted, not
listed: `build` finds every name written right after a cue in the corpus bodies and the articles that
write the name at all; a name is a source where at least SOURCE_SHARE of those articles quote it so,
in SOURCE_LEAST articles at least, from two corpus folders at least (outlets or export sets). Reuters,
AFP, Antara qualify; KPK or BGN, now and then quoted (`dikutip dari laman BGN`), do not.

`python -m etl.train sources` writes `etl/models/sources.tsv` from ../shared/corpus (about a minute);
without that file no name is a source.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from . import lexicons
from .features import MODELS

SOURCES_FILE = MODELS / "sources.tsv"
SOURCE_SHARE = 0.25   # of the articles writing the name, the share that quote it as a source
SOURCE_LEAST = 5      # articles that quote it so, at least
FOLDERS_LEAST = 2     # corpus folders those articles come from, at least
_NAME = r"([A-Z][\w.&'-]*(?:[ \t]+[A-Z][\w.&'-]*){0,3})"


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted(lexicons.lines("citation_cues.txt"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")[ \t]+" + _NAME,
                      re.IGNORECASE)


def quoted_names(body: str) -> set[str]:
    """The names a body writes right after a citation cue (trailing dots and commas off)."""
    out = set()
    for m in _cue_pattern().finditer(body):
        name = m.group(1).rstrip(".,")
        if name[:1].isupper():
            out.add(name)
    return out


def corpus_bodies(corpus: Path) -> Iterator[tuple[str, str]]:
    """(folder, body) of every page and export row: the folder is the outlet's (pages/<outlet>) or
    the export set's (exports/<set>)."""
    from .clusters import corpus_texts
    from .inputs import discover

    files, _ = discover([corpus])
    for f in files:
        rel = f.relative_to(corpus).parts
        folder = "/".join(rel[:2]) if len(rel) > 2 else rel[0]
        for _headline, body in corpus_texts([f]):
            if body:
                yield folder, body


def build(bodies: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    """name -> (articles quoting it as a source, articles writing it, folders quoting it), for the
    names quoted in SOURCE_LEAST articles at least."""
    kept = list(bodies)
    quoted: Counter = Counter()
    folders: dict[str, set[str]] = defaultdict(set)
    for folder, body in kept:
        for name in {n.casefold() for n in quoted_names(body)}:  # `ANTARA` is `Antara`
            quoted[name] += 1
            folders[name].add(folder)
    names = [n for n, k in quoted.items() if k >= SOURCE_LEAST]
    if not names:
        return {}
    # Second pass: in how many articles is each name written at all (whole words, any case).
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w])",
                         re.IGNORECASE)
    written: Counter = Counter()
    for _folder, body in kept:
        written.update({m.casefold() for m in pattern.findall(body) if m[:1].isupper()})  # not `antara lain`
    return {n: (quoted[n], max(written[n], quoted[n]), len(folders[n])) for n in sorted(names)}


def write(path: Path, counts: dict[str, tuple[int, int, int]]) -> None:
    lines = ["# name\tarticles quoting it as a source\tarticles writing it\tcorpus folders quoting it"]
    lines += [f"{n}\t{q}\t{w}\t{f}" for n, (q, w, f) in counts.items() if "\t" not in n]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def _sources() -> frozenset[str]:
    if not SOURCES_FILE.exists():
        return frozenset()
    out = set()
    for line in SOURCES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, q, w, f = line.split("\t")
        if int(q) >= SOURCE_LEAST and int(q) >= SOURCE_SHARE * int(w) and int(f) >= FOLDERS_LEAST:
            out.add(name)
    return frozenset(out)


def clear_cache() -> None:
    _sources.cache_clear()
    _cue_pattern.cache_clear()
    _cue_before.cache_clear()


_WEB_ADDRESS = re.compile(r"\.(?:com|co\.id|id|net|org|co\.uk|tv)$", re.IGNORECASE)


def is_news_source(name: str) -> bool:
    """A name the corpus mostly quotes as the source of a report (Reuters, AFP, Antara), in any
    capitals."""
    return name.casefold() in _sources()


def quoted_web_address(text: str, start: int, name: str) -> bool:
    """A web address quoted as a source where it stands (`dikutip dari Kompas.com`): an outlet's site,
    whichever it is."""
    if not _WEB_ADDRESS.search(name):
        return False
    before = text[max(0, start - 40) : start]
    return any(m.end() == len(before) for m in _cue_before().finditer(before))


@lru_cache(maxsize=1)
def _cue_before() -> re.Pattern[str]:
    cues = sorted(lexicons.lines("citation_cues.txt"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")[ \t]+", re.IGNORECASE)
