"""Read the editable lexicon files in etl/lexicons (or $MEDIA_LEXICON_DIR)."""
from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).with_name("lexicons")
MODELS = Path(__file__).with_name("models")  # the trained model files (etl.train writes them)


def lexicon_dir() -> Path:
    return Path(os.environ.get("MEDIA_LEXICON_DIR") or DEFAULT_DIR)


def _path(name: str) -> Path:
    own = lexicon_dir() / name
    # A user's folder may override only some files; the rest come from the shipped set.
    return own if own.exists() else DEFAULT_DIR / name


class LexiconError(ValueError):
    """A lexicon file that cannot be read, named with its path."""


def _text(name: str) -> str:
    path = _path(name)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        # Named: a user's lexicon folder is edited by hand, and "can't decode byte 0xff" alone does
        # not say which of twenty files to fix.
        raise LexiconError(f"lexicon {path} cannot be read as UTF-8 text ({exc})") from exc


@lru_cache(maxsize=None)
def lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text lexicon."""
    out = []
    for raw in _text(name).splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a CSV lexicon (header line first; lines starting with # are comments)."""
    text = _text(name)
    body = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple({k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(body))


@lru_cache(maxsize=None)
def word_set(name: str) -> frozenset[str]:
    return frozenset(w.lower() for w in lines(name))


@lru_cache(maxsize=None)
def regex_list(name: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in lines(name))
