"""Words and punctuation of a text, with their offsets: what the tagger labels.

One regular expression, so a megabyte takes a few hundredths of a second. Words keep their inner
hyphens, apostrophes and dots (`Al-Raisi`, `Ma'had`, `P.W`, `detik.com`); a dot glued between a
lower-case word and a capitalised one (`Danantara.Peluang`, scrapers drop the space) ends a sentence.
"""
from __future__ import annotations

import re
from itertools import accumulate

# Initials and title abbreviations keep their dot ("P.W.", "H.", "Dr."), so that a lone "." token
# always ends a sentence and can never sit inside a name.
_ABBREVIATION = r"(?:[A-Z]\.){1,4}(?![\w'’])|(?:Dr|Drs|Dra|Prof|Ir|Hj|dr|drg|Jl|St|Sdr|Ny|Tn|Kol|Bpk)\.(?!\w)"
_TOKEN = re.compile(_ABBREVIATION + r"|\d+(?:[.,/:]\d+)+|[^\W_]+(?:[-'’.&][^\W_]+)*|[^\w\s]")
# Tokens that end or bracket a clause: never part of a name (the tagger gives them O).
BREAKS = frozenset('.!?:;"“”()[]')
_SPACED_TOKEN = re.compile(r"([\s_]*)(" + _TOKEN.pattern + r")")  # "_" is the one character no token takes
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9)]{2})\.(?=[A-Z][a-z])")


def tokenize(text: str) -> tuple[list[str], list[int], list[int]]:
    """(tokens, starts, ends) of a text."""
    # One findall of (space before, token) pairs: offsets are running sums of their lengths, which
    # is cheaper than a match object per token.
    pairs = _SPACED_TOKEN.findall(text)
    toks = [t for _, t in pairs]
    ends = list(accumulate(len(sp) + len(t) for sp, t in pairs))
    starts = [e - len(t) for e, t in zip(ends, toks)]
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
