"""Character-level clean-up shared by every reader."""
from __future__ import annotations

import re

_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\u3000\t\f\v]")
# Invisible characters, and control characters other than tab and line ends (a NUL byte in a title
# was stored as is).
# Bidirectional controls too (U+202E turned titles and outlet names around on the page).
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\u00ad\x00-\x08\x0e-\x1f\x7f"
                        r"\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_MULTI_SPACE = re.compile(r" {2,}")


def normalize_text(text: str) -> str:
    """Unify line ends, drop BOM and zero-width characters, turn odd spaces into plain ones."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def squeeze(text: str) -> str:
    return _MULTI_SPACE.sub(" ", text).strip()


def clean_field(text: str | None) -> str | None:
    """A one-line field (author, outlet, category): invisible and control characters out, spaces
    squeezed; None when nothing is left."""
    if text is None:
        return None
    return squeeze(normalize_text(str(text)).replace("\n", " ")) or None
