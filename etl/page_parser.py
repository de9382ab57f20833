"""Parse one article page in the seed's layout: text in, PageRecord out.

Layout: headline; optional photo caption; optional `Foto:` credit, often glued to the dateline
(`Foto: ANTARA/Xinhua/Gao JingLyon - Anggota ...`); body paragraphs; optional `Berita Trending`
block of ranked headlines (`- 1 Headline`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicons
from .text_clean import normalize_text, squeeze


@dataclass(frozen=True)
class TrendingItem:
    rank: int
    headline: str


@dataclass
class PageRecord:
    title: str
    caption: str | None = None
    photo_credit: str | None = None
    dateline: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    trending: list[TrendingItem] = field(default_factory=list)
    # Things a reader should know but that do not stop the load ("no body text").
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


class PageParseError(ValueError):
    """The text is not an article page (no headline)."""


_TRENDING_HEADER = re.compile(r"^\s*berita\s+trending\s*:?\s*$", re.IGNORECASE)
_TRENDING_ITEM = re.compile(r"^\s*(?:[-*•]\s*)?(\d{1,5})[.)]?\s+(\S.*?)\s*$")
_CREDIT = re.compile(r"^\s*(?:foto|photo|sumber\s+foto)\s*:\s*", re.IGNORECASE)
# A dateline separator: hyphen, en or em dash, or a double hyphen, with space on at least one side.
_SEP = re.compile(r"\s*(?:--|[-–—])\s+|\s+(?:--|[-–—])\s*")
_URL_PREFIX = re.compile(r"^https?://\S+\s+")
_DOMAIN = re.compile(r"\b[\w-]+[.,](?:com|co\.id|co|id|net|org|tv)\b", re.IGNORECASE)
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_PLACE_WORD = re.compile(r"^[A-Z][A-Za-z'’.]*$")
_BACA_JUGA = re.compile(r"\b(?:Baca\s+Juga|Baca\s+juga|BACA\s+JUGA|Simak\s+Juga)\s*:\s*")
_HEADLINE_GLUE = re.compile(r"[a-z0-9)!?'\"”’][A-Z][a-z]")
_FUNCTION_WORDS = frozenset(
    "di ke dari dan yang untuk dengan pada atau vs hingga jadi usai soal bagi dalam oleh "
    "agar tak tapi akan ini itu ada bisa saat jelang pun lagi".split()
)


def parse_page(text: str) -> PageRecord:
    """Parse a page text into its fields. Raises PageParseError when there is no headline."""
    lines = [ln.strip() for ln in normalize_text(text).split("\n")]
    article_lines, trending, other = _split_trending(lines)
    # One pass of the boilerplate patterns over the whole text ($ still means end of line).
    cleaned = _boilerplate().sub(" ", "\n".join(article_lines))
    article_lines = [ln for ln in (squeeze(ln) for ln in cleaned.split("\n")) if ln]
    if not article_lines:
        raise PageParseError("empty page: no headline")
    title, rest = article_lines[0], article_lines[1:]
    caption, credit, rest = _split_caption_and_credit(rest)
    dateline, first = _split_dateline(rest[0]) if rest else (None, "")
    paragraphs = [p for p in (_strip_read_also(p) for p in [first, *rest[1:]]) if p]
    warnings = [] if paragraphs else ["no body text after the headline (only site boilerplate)"]
    if other:
        # The sidebar's other lines are not an article's text; said, so that nothing goes unseen.
        warnings.append(f"trending sidebar: {other:,} line{'' if other == 1 else 's'} after \"Berita Trending\" "
                        "not a ranked headline; not kept")
    return PageRecord(
        title=title,
        caption=caption,
        photo_credit=credit,
        dateline=dateline,
        paragraphs=paragraphs,
        trending=trending,
        warnings=warnings,
    )


_LINE_END = re.compile(r"[.!?:;\"”’)]$")


def parse_article_text(title: str, body: str) -> PageRecord:
    """Clean an export's title and body the way a page is cleaned (boilerplate, dateline, `Baca Juga`).

    Scrapers often break lines at inline links (`anggota polisi\nPolsek Wewewa\n, Sumba`), so a line
    that does not end a sentence is joined to the next one.
    """
    title = squeeze(_strip_boilerplate(normalize_text(title or "").replace("\n", " ")))
    paragraphs: list[str] = []
    pending = ""
    for raw in _boilerplate().sub(" ", normalize_text(body or "")).split("\n"):
        line = squeeze(raw)
        if not line:
            if pending:
                paragraphs.append(pending)
                pending = ""
            continue
        pending = f"{pending} {line}" if pending else line
        if _LINE_END.search(pending) and len(pending) > 80:
            paragraphs.append(pending)
            pending = ""
    if pending:
        paragraphs.append(pending)
    dateline = None
    if paragraphs:
        dateline, first = _split_dateline(paragraphs[0])
        paragraphs[0] = first
    paragraphs = [p for p in (_strip_read_also(p) for p in paragraphs) if p]
    return PageRecord(title=title, dateline=dateline, paragraphs=paragraphs)


def _split_trending(lines: list[str]) -> tuple[list[str], list[TrendingItem], int]:
    """(article lines, trending items, lines after the header that are no ranked headline)."""
    for i, line in enumerate(lines):
        if _TRENDING_HEADER.match(line):
            items, other = [], 0
            for item_line in lines[i + 1 :]:
                m = _TRENDING_ITEM.match(item_line)
                if m:
                    items.append(TrendingItem(int(m.group(1)), squeeze(m.group(2))))
                elif item_line:
                    other += 1
            return lines[:i], items, other
    return lines, [], 0


def _strip_boilerplate(line: str) -> str:
    return squeeze(_boilerplate().sub(" ", line))


class _Boilerplate:
    """The patterns of boilerplate.txt, each run only on texts that hold its literal start: one
    alternation of all of them cost a seventh of a load's CPU (no literal prefix to skip ahead to)."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        self.sources = [p.pattern for p in patterns]
        self.keys = [_literal_start(p) for p in self.sources]
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}

    def sub(self, repl: str, text: str) -> str:
        """One pass of the alternation of the patterns that can match this text (the same result
        as the alternation of all of them)."""
        low = text.lower()
        which = tuple(i for i, key in enumerate(self.keys) if not key or key in low)
        pattern = self._compiled.get(which)
        if pattern is None:
            pattern = self._compiled[which] = re.compile(
                "|".join(f"(?:{self.sources[i]})" for i in which), re.IGNORECASE | re.MULTILINE)
        return pattern.sub(repl, text)


def _literal_start(pattern: str) -> str:
    """The literal text every match starts with (lower case), or "" when there is none."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in ".()[]{}?*+|^$\\/-":
            out.append(pattern[i + 1])
            i += 2
            continue
        if c in ".^$*+?{}[]()|\\":
            # A quantifier makes the character before it optional.
            if c in "*?{" and out:
                out.pop()
            break
        out.append(c)
        i += 1
    return "".join(out).lower().strip()


@lru_cache(maxsize=1)
def _boilerplate() -> _Boilerplate:
    return _Boilerplate(lexicons.regex_list("boilerplate.txt"))


def _split_caption_and_credit(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    for i, line in enumerate(lines[:3]):
        m = _CREDIT.match(line)
        if not m:
            continue
        caption = squeeze(" ".join(lines[:i])) or None
        credit, rest_of_line = _split_glued_credit(line[m.end() :])
        rest = ([rest_of_line] if rest_of_line else []) + lines[i + 1 :]
        return caption, credit, rest
    # No credit: a short first line is a caption only when the next line opens with a dateline.
    if len(lines) >= 2 and len(lines[0]) <= 300 and _dateline_parts(lines[0]) is None:
        if _dateline_parts(lines[1]) is not None:
            return lines[0], None, lines[1:]
    return None, None, lines


def _split_glued_credit(text: str) -> tuple[str | None, str]:
    """`ANTARA/Xinhua/Gao JingLyon - Anggota` -> (`ANTARA/Xinhua/Gao Jing`, `Lyon - Anggota`)."""
    sep = _SEP.search(text)
    if sep is None or sep.start() > 120:
        return squeeze(text) or None, ""
    head = text[: sep.start()]
    # The credit ends where a lower-case letter runs straight into a capital: "JingLyon", "HumasJAKARTA".
    glue = None
    for m in re.finditer(r"[a-z0-9.)](?=[A-Z])|[A-Z](?=[A-Z][a-z])", head):
        glue = m.end()
    if glue is not None:
        return squeeze(head[:glue]) or None, text[glue:]
    # "Dok. Humas JAKARTA - ...": a trailing upper-case word is the dateline.
    trailing = re.search(r"\s([A-Z]{3,}(?:\s[A-Z]{3,})?)$", head)
    if trailing:
        return squeeze(head[: trailing.start()]) or None, text[trailing.start() :].strip()
    return squeeze(head) or None, text[sep.end() :]


def _dateline_parts(line: str) -> tuple[str | None, int] | None:
    """If the line opens with a dateline, return (place or None, offset where the body starts)."""
    offset = 0
    m = _URL_PREFIX.match(line)
    if m:
        offset = m.end()
    place: str | None = None
    saw_outlet = False
    for _ in range(3):  # "Krjogja.com - KUDUS - ..." has two segments before the body
        sep = _SEP.search(line, offset)
        if sep is None or sep.start() - offset > 60:
            break
        segment = line[offset : sep.start()]
        found, outlet = _place_in_segment(segment)
        if found is None and not outlet:
            break
        saw_outlet = saw_outlet or outlet
        offset = sep.end()
        if found is not None:
            place = found
            break
    if place is None and not saw_outlet:
        return None
    return place, offset


def _place_in_segment(segment: str) -> tuple[str | None, bool]:
    outlets = lexicons.word_set("dateline_outlets.txt")
    outlet = False
    place = None
    for part in segment.split(","):
        part = part.strip()
        if not part:
            continue
        if "(" in part:  # "Jakarta (ANTARA)"
            outlet = True
            part = _PAREN.sub(" ", part).strip()
        if _DOMAIN.search(part) or part.lower() in outlets:
            outlet = True
            # "KRJOGJA.COM Jakarta": a place may follow the domain in the same part.
            part = _DOMAIN.sub(" ", part).strip() if _DOMAIN.search(part) else ""
            if not part:
                continue
        words = part.split()
        if 1 <= len(words) <= 4 and all(_PLACE_WORD.match(w) for w in words):
            place = part
        else:
            return None, False
    if place is not None:
        place = " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in place.split())
    return place, outlet


def _split_dateline(line: str) -> tuple[str | None, str]:
    parts = _dateline_parts(line)
    if parts is None:
        return None, line
    place, offset = parts
    return place, line[offset:].strip()


def _strip_read_also(paragraph: str) -> str:
    """Drop `Baca Juga: <headline>` inserts; the headline ends at a glued capital or its last capital word."""
    while True:
        m = _BACA_JUGA.search(paragraph)
        if not m:
            return squeeze(paragraph)
        end = _read_also_end(paragraph, m.end())
        paragraph = paragraph[: m.start()] + " " + paragraph[end:]


def _read_also_end(text: str, start: int) -> int:
    from .gazetteers import known_first_words

    glue = _HEADLINE_GLUE.search(text, start)
    glue_at = glue.start() + 1 if glue else len(text)
    run: list[tuple[int, str]] = []  # the capital words just before, (start, word)
    pos = start
    for m in re.finditer(r"\S+", text[start:glue_at]):
        word = m.group()
        w_start = start + m.start()
        core = word.strip("\"'“”‘’(),:;")
        if core[:1].isupper() or core[:1].isdigit():
            run.append((w_start, core))
            pos = start + m.end()
            if word[-1:] in "!?." and len(core) > 1 and not core.isupper():
                return pos
        elif core.lower() in _FUNCTION_WORDS or not core:
            run = []
            pos = start + m.end()
        else:
            # A lower-case content word: the headline ended before the last capital word we took,
            # or before the given name that opens it (`... di BPMP DIY Retno Sudiyanti selaku ...`:
            # `Retno` opens full names the corpus gives to persons, names.tsv.gz).
            if not run:
                return w_start
            i = len(run) - 1
            first_words = known_first_words()
            while i > 0 and run[i - 1][1] in first_words and not run[i - 1][1].isupper():
                i -= 1
            return run[i][0]
    return glue_at if glue else pos
