"""Words and punctuation of a text, with their offsets: what the tagger labels.

One regular expression, so a megabyte takes a few hundredths of a second. Words keep their inner
hyphens, apostrophes and dots (`Al-Raisi`, `Ma'had`, `P.W`, `detik.com`); a dot glued between a
lower-case word and a capitalised one (`Danantara.Peluang`, scrapers drop the space) ends a sentence.
"""
from __future__ import annotations

import re
from itertools import accumulate
from operator import itemgetter, sub
from typing import Iterator, Mapping, Protocol

from . import memo

# Initials and title abbreviations keep their dot ("P.W.", "H.", "Dr."), so that a lone "." token
# always ends a sentence and can never sit inside a name.
_ABBREVIATION = r"(?:[A-Z]\.){1,4}(?![\w'’])|(?:Dr|Drs|Dra|Prof|Ir|Hj|dr|drg|Jl|St|Sdr|Ny|Tn|Kol|Bpk)\.(?!\w)"
_TOKEN = re.compile(_ABBREVIATION + r"|\d+(?:[.,/:]\d+)+|[^\W_]+(?:[-'’.&][^\W_]+)*|[^\w\s]")
# Tokens that end or bracket a clause: never part of a name (the tagger gives them O).
BREAKS = frozenset('.!?:;"“”()[]')
_SPACED_TOKEN = re.compile(r"([\s_]*)(" + _TOKEN.pattern + r")")  # "_" is the one character no token takes
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9)]{2})\.(?=[A-Z][a-z])")


class KnownWord(Protocol):
    @property
    def count(self) -> int: ...

    @property
    def cap_pct(self) -> int: ...  # share of its non-initial occurrences written with a capital; -1 when unknown


def tokenize(text: str, vocabulary: Mapping[str, KnownWord] | None = None) -> tuple[list[str], list[int], list[int]]:
    """(tokens, starts, ends) of a text. With the corpus's vocabulary (lower-case word -> counts), a
    word the scraper glued to the next (`Unitedsiap`, `JakartaMakan`, `KISAHMarc`) is split where
    both halves are words the corpus knows (`split_glued`)."""
    toks, starts, ends = _tokenize(text)
    if vocabulary:
        return split_glued(toks, starts, ends, vocabulary)
    return toks, starts, ends


def _tokenize(text: str) -> tuple[list[str], list[int], list[int]]:
    # One findall of (space before, token) pairs: offsets are running sums of their lengths, which
    # is cheaper than a match object per token.
    pairs = _SPACED_TOKEN.findall(text)
    toks = list(map(itemgetter(1), pairs))
    ends = list(accumulate(map(len, map("".join, pairs))))  # builtins only: no Python frame per token
    starts = list(map(sub, ends, map(len, toks)))
    if not _GLUED_SENTENCE.search(text):
        return toks, starts, ends
    # Rare: "Danantara.Peluang" glued by a scraper is split into word, dot, word.
    out_t: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    for tok, start, end in zip(toks, starts, ends):
        if "." not in tok or not _GLUED_SENTENCE.search(tok):
            out_t.append(tok)
            out_s.append(start)
            out_e.append(end)
            continue
        pos = 0
        for piece in _GLUED_SENTENCE.split(tok):
            if pos:
                out_t.append(".")
                out_s.append(start + pos - 1)
                out_e.append(start + pos)
            out_t.append(piece)
            out_s.append(start + pos)
            out_e.append(start + pos + len(piece))
            pos += len(piece) + 1
    return out_t, out_s, out_e


def join_tokens(tokens: list[str], glue_hyphens: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """Join pre-split tokens (a CoNLL sentence) as a writer would, keeping each token's offsets.
    glue_hyphens: the file splits every hyphen off (`Song Hye - kyo`, `sia - sia`), so a `-`
    between two words is written without spaces."""
    text, offsets = "", []
    for i, tok in enumerate(tokens):
        glued = glue_hyphens and 0 < i < len(tokens) - 1 and _is_inner_hyphen(tokens, i)
        after_glue = glue_hyphens and i > 1 and _is_inner_hyphen(tokens, i - 1)
        if i and tok not in _NO_SPACE_BEFORE and tokens[i - 1] not in _NO_SPACE_AFTER and not glued and not after_glue:
            text += " "
        offsets.append((len(text), len(text) + len(tok)))
        text += tok
    return text, offsets


def _is_inner_hyphen(tokens: list[str], i: int) -> bool:
    return tokens[i] == "-" and i + 1 < len(tokens) and tokens[i - 1][-1:].isalnum() and tokens[i + 1][:1].isalnum()


_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "%", "'s"}
_NO_SPACE_AFTER = {"(", "["}


# A glued word is split only when the whole is not a word of the corpus and its halves are: the left
# half a word seen this often, the right half an ordinary lower-case word this long and this frequent.
GLUE_KNOWN = 5
GLUE_SUFFIX_CHARS = 4
GLUE_SUFFIX_COUNT = 100
GLUE_SUFFIX_MAX_CAP = 10
GLUE_SUFFIX_MAX_CAP_AFTER_NAME = 20
_GLUE_MEMO: dict[int, dict[str, list[str] | tuple[()]]] = {}
_GLUE_SHORT = frozenset({"dan", "yang"})  # the joining words scrapers glue most; never "di" or "ke" (Setiadi)
_CASE_CHANGE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def split_glued(tokens: list[str], starts: list[int], ends: list[int], vocabulary: Mapping[str, KnownWord]
                ) -> tuple[list[str], list[int], list[int]]:
    """Split the words a scraper glued together when it dropped a line break or a link's spaces:
    `Manchester Unitedsiap` (a capitalised word, then an ordinary word of four letters or more),
    `dariAP`, `FederasiRusiaVladimir`, `KISAHMarc` (a change of case inside a word). Only a word the
    corpus does not know is split, and only where the corpus knows the halves, so brands written in
    camel case (`YouTube`, `GoPay`, `detikINET`) and names stay whole. Offsets stay those of the text."""
    # Most words are lower case (never split) or met before: the answer is kept per word and per
    # vocabulary (a dict keyed by the vocabulary's id, cleared when it grows past _GLUE_MEMO words).
    memo = _GLUE_MEMO.setdefault(id(vocabulary), {})
    if len(memo) > 200_000:
        memo.clear()
    # One dict lookup per token, in C; a word met for the first time is decided once (a lower-case,
    # short or non-alphabetic word is never split; "never" is kept as an empty tuple).
    found: list = list(map(memo.get, tokens))
    if None in found:
        for i, tok in enumerate(tokens):
            if found[i] is None:
                found[i] = memo[tok] = (() if len(tok) < 5 or tok.islower()
                                        else (_glued_pieces(tok, vocabulary) if tok.isalpha()
                                              else _after_number(tok, vocabulary)) or ())
    if not any(found):
        return tokens, starts, ends
    out_t: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    for tok, start, end, pieces in zip(tokens, starts, ends, found):
        if not pieces:
            out_t.append(tok)
            out_s.append(start)
            out_e.append(end)
            continue
        pos = start
        for piece in pieces:
            out_t.append(piece)
            out_s.append(pos)
            out_e.append(pos + len(piece))
            pos += len(piece)
    return out_t, out_s, out_e


@memo.depends_on("model")
def clear_glue_memo() -> None:
    """Forget the words already split or kept whole (after the vocabulary changed)."""
    _GLUE_MEMO.clear()


def _name_word(word: str, vocabulary: Mapping[str, KnownWord]) -> bool:
    """A word the corpus knows well and writes with a capital (`Ghazali`, `United`)."""
    info = vocabulary.get(word.lower())
    return info is not None and info.count >= 20 and info.cap_pct >= 80


def _capitalised_word(word: str, vocabulary: Mapping[str, KnownWord]) -> bool:
    """A word the corpus knows well and mostly capitalises where it is not a sentence's first
    (`Komisaris`, `Direktur` in a board list)."""
    info = vocabulary.get(word.lower())
    return word[:1].isupper() and info is not None and info.count >= 20 and info.cap_pct >= 50


def _title_word(word: str) -> bool:
    """A title of titles.txt (`Direktur`, `Komisaris`): a board list that lost its line breaks glues
    one after a short name (`Park Jin JeDirektur Utama`), where `McDonald` glues no title."""
    from .gazetteers import _titles

    return len(word) >= 4 and (word.lower(),) in _titles()


def _known(word: str, vocabulary: Mapping[str, KnownWord], least: int = GLUE_KNOWN) -> bool:
    info = vocabulary.get(word.lower())
    return info is not None and info.count >= least


def _glued_pieces(tok: str, vocabulary: Mapping[str, KnownWord]) -> list[str] | None:
    if tok.islower():
        return None
    pieces = [p for p in _CASE_CHANGE.split(tok) if p]
    if len(pieces) > 1:
        # "JakartaMakan", "KISAHMarc": every boundary needs a known word on its left of three letters
        # or more ("iPhone", "LeBron", "McDonald" stay whole) and a known or capitalised word on its
        # right, or a word of four letters or more on its left and one the corpus knows well as a
        # capitalised word on its right ("SwastantoKomisaris", a board list that lost its breaks).
        if all(len(a) >= 3 and _known(a, vocabulary) and (_known(b, vocabulary) or b[:1].isupper())
               or len(a) >= 4 and _capitalised_word(b, vocabulary)
               or len(a) >= 2 and a[:1].isupper() and _title_word(b)
               for a, b in zip(pieces, pieces[1:])) and not _a_word_itself(tok, pieces, vocabulary):
            out: list[str] = []
            for p in pieces:
                out.extend(_suffix_split(p, vocabulary) or [p])
            return out
        return None
    return _suffix_split(tok, vocabulary)


_NUMBER_GLUE = re.compile(r"(\d+)([A-Z][a-z]{3,})")


def _after_number(tok: str, vocabulary: Mapping[str, KnownWord]) -> list[str] | None:
    """`9Jemberterus` -> `9`, `Jember`, `terus`: a number glued to the word after it (`KAI Daop
    9Jember`), the word then split as any other."""
    m = _NUMBER_GLUE.fullmatch(tok)
    if not m or _known(tok, vocabulary) or not _known(m.group(2), vocabulary) and not _glued_pieces(m.group(2), vocabulary):
        return None  # `1Malaysia`: a word the corpus writes so
    return [m.group(1)] + (_glued_pieces(m.group(2), vocabulary) or [m.group(2)])


def _suffix_split(tok: str, vocabulary: Mapping[str, KnownWord]) -> list[str] | None:
    """`Unitedsiap` -> `United`, `siap`; `Rakamelanjutkan` -> `Raka`, `melanjutkan`."""
    if not tok[:1].isupper():
        return None
    best: tuple[int, int] | None = None
    for j in range(4, len(tok) - 2):
        left, right = tok[:j], tok[j:]
        if not right.islower() or not _known(left, vocabulary):
            continue  # "Farhati" is no "Far" + "hati": the left half has four letters at least
        info = vocabulary.get(right)
        # After a name the corpus knows well the ordinary word may be one a title sometimes
        # capitalises (`Madridseri`: `seri`, 14 % in capitals, as in `Seri A`).
        max_cap = GLUE_SUFFIX_MAX_CAP_AFTER_NAME if _name_word(left, vocabulary) else GLUE_SUFFIX_MAX_CAP
        if info is None or info.count < GLUE_SUFFIX_COUNT or not 0 <= info.cap_pct <= max_cap:
            continue
        if len(right) < GLUE_SUFFIX_CHARS and not (right in _GLUE_SHORT and len(left) >= 5 and _name_word(left, vocabulary)):
            continue  # "Ghazalidan": a short joining word only after a name the corpus knows well
        if best is None or info.count > best[1]:
            best = (j, info.count)
    if best is None:
        return None
    pieces = [tok[: best[0]], tok[best[0] :]]
    return None if _a_word_itself(tok, pieces, vocabulary) else pieces


def _a_word_itself(tok: str, pieces: list[str], vocabulary: Mapping[str, KnownWord]) -> bool:
    """The whole is a word of its own, not a glue the scrapers repeat: seen five times at least and at
    least a twentieth as often as its rarer half (`Ramadan` against `rama`, `YouTube` against `tube`;
    `Ghazalidan` is ten of `ghazali`'s 660)."""
    whole = vocabulary.get(tok.lower())
    if whole is None or whole.count < GLUE_KNOWN:
        return False
    rarest = min(vocabulary[p.lower()].count if p.lower() in vocabulary else 0 for p in pieces)
    return whole.count >= 0.05 * rarest


def sentences(tokens: list[str]) -> Iterator[list[str]]:
    """Tokens cut after each `.`, `!` and `?` (for corpus statistics: quick, not a sentence splitter)."""
    start = 0
    for i, t in enumerate(tokens):
        if t in (".", "!", "?"):
            yield tokens[start : i + 1]
            start = i + 1
    if start < len(tokens):
        yield tokens[start:]
