"""Which column of an export holds which field: automatic from common names, or told explicitly."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from . import lexicons
from .dates import parse_date_string

FIELDS = ("title", "body", "summary", "date", "time", "url", "outlet", "category", "author", "fetched_at")


class ColumnError(ValueError):
    """The columns of a file cannot be mapped (no title or text column, unknown name in --map)."""


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lstrip("\ufeff").lower())


@lru_cache(maxsize=1)
def known_names() -> dict[str, list[str]]:
    """field -> column names in order of preference (columns.csv)."""
    return {r["field"]: [_norm(n) for n in r["names"].split(";") if n.strip()] for r in lexicons.rows("columns.csv")}


def map_columns(header: list[str], explicit: dict[str, str] | None = None) -> dict[str, str]:
    """field -> column of `header`. Explicit choices (`{"title": "headline_text"}`) win."""
    by_norm: dict[str, str] = {}
    for col in header:
        by_norm.setdefault(_norm(col), col)
    mapping: dict[str, str] = {}
    for field, col in (explicit or {}).items():
        if field not in FIELDS:
            raise ColumnError(f"unknown field {field!r} in the column map; fields are {', '.join(FIELDS)}")
        if _norm(col) not in by_norm:
            raise ColumnError(f"column {col!r} (mapped to {field}) is not in the file; it has {', '.join(map(str, header))}")
        mapping[field] = by_norm[_norm(col)]
    taken = set(mapping.values())
    for field, names in known_names().items():
        if field in mapping:
            continue
        for name in names:
            found = by_norm.get(name)
            if found is not None and found not in taken:
                mapping[field] = found
                taken.add(found)
                break
    if not {"title", "body", "url"} & set(mapping):
        raise ColumnError(f"no title, text or URL column among {', '.join(map(str, header))}; name them with --map")
    return mapping


def looks_like_header(cells: list[str]) -> bool:
    """A first row is a header unless it holds data: a URL or a date, or no known column name."""
    names = {n for ns in known_names().values() for n in ns}
    if any(str(c).strip().lower().startswith(("http://", "https://")) for c in cells):
        return False
    if any(parse_date_string(c) is not None for c in cells if c and len(c) < 40):
        return False
    return any(_norm(c) in names for c in cells)


_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp)(?:\?.*)?$", re.IGNORECASE)


def guess_headerless(sample: list[list[str]]) -> list[str]:
    """Names for the columns of a headerless file, from what the cells hold."""
    width = max((len(r) for r in sample), default=0)
    names = [f"column_{i + 1}" for i in range(width)]

    def cells(i: int) -> list[str]:
        return [r[i].strip() for r in sample if i < len(r) and r[i].strip()]

    def share(i: int, test: Callable[[str], bool]) -> float:
        values = cells(i)
        return sum(map(test, values)) / len(values) if values else 0.0

    free = set(range(width))
    url = max(free, key=lambda i: share(i, lambda v: v.startswith("http") and not _IMAGE.search(v)), default=None)
    if url is not None and share(url, lambda v: v.startswith("http")) > 0.8:
        names[url] = "url"
        free.discard(url)
    def is_date(v: str) -> bool:
        return not v.startswith("http") and len(v) < 40 and parse_date_string(v) is not None

    date_col = max(free, key=lambda i: share(i, is_date), default=None)
    if date_col is not None and share(date_col, is_date) > 0.8:
        names[date_col] = "date"
        free.discard(date_col)
    texts = [i for i in free if share(i, lambda v: " " in v and not v.startswith("http")) > 0.8]
    texts.sort(key=lambda i: sum(len(v) for v in cells(i)) / max(1, len(cells(i))))
    if texts:
        names[texts[0]] = "title"
        if len(texts) > 1 and sum(len(v) for v in cells(texts[-1])) / max(1, len(cells(texts[-1]))) > 200:
            names[texts[-1]] = "body"
    return names
