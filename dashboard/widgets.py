"""What every page shares: the filters in words, counts in words, and downloads that are what the
screen shows (dashboard/downloads.py)."""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.downloads import CsvDownload, LatestView, attach_entry
from dashboard.queries import Filters

# Tests only: seconds each rerun waits after reading its filters, so that a browser test can click a
# button of the previous run while the new one is still computing (what a slow warehouse does).
RERUN_DELAY = float(os.environ.get("MEDIA_TEST_RERUN_DELAY") or 0)


@dataclass
class Context:
    """What the app hands each page: the warehouse, its overview, the sidebar's filters."""
    db: str
    stamp: float
    ov: dict
    filters: Filters
    view: LatestView

    def ready(self, f: Filters) -> None:
        """The page has read all its settings (`f`, with the page's own in f.page): downloads of this
        run are built from them from now on."""
        self.view.filters_read(f)
        if RERUN_DELAY:
            time.sleep(RERUN_DELAY)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|~<>$:&=])")


def plain(text: object) -> str:
    """Text from the data or the user, made literal for Streamlit's markdown (captions, headers,
    alerts): every mark that can start markdown inline is backslash-escaped (no bold, links, KaTeX `$`,
    HTML, colour directives `:red[...]`; dashes, dots and quotes stay as they are: these strings sit
    inside sentences, never at the start of a line where they would make a list), and `material/` gets an invisible word joiner (Streamlit would draw
    `:material/warning:` as an icon fetched from Google's fonts)."""
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("material/", "\u2060material/")


_PATH = re.compile(r"""(?:[A-Za-z]:)?(?:[/\\][^\s/\\'"]+)+[/\\]([^\s/\\'"]*)""")


# The sidebar's settings a shared link can carry (the widgets bound to the URL, by key).
LINK_SETTINGS = ("actor", "dates", "undated", "where", "outlet", "interval", "count", "measure", "top", "min", "find")


def unusable_link_settings(opened: dict[str, list[str]], state: Any) -> list[str]:
    """The settings of the link the page was opened with that the sidebar could not take (an actor
    or outlet the warehouse does not have, a date or choice out of range): Streamlit's bound widgets
    drop them and rewrite the URL, and the person who opened a shared link saw the whole corpus with
    no word about it (issue 22). `state`: the widgets' values after the first run."""
    out = []
    for key, values in opened.items():
        if key not in LINK_SETTINGS or key not in state or not values:
            continue
        now = state[key]
        if key in ("actor", "outlet"):
            kept = {str(v) for v in now or ()}
            out += [f"{key}={v}" for v in values if v not in kept]
        elif key == "dates":
            days = now if isinstance(now, (tuple, list)) else [now]
            if sorted(values) != sorted(d.isoformat() for d in days if d is not None):
                out.append("dates=" + ",".join(values))
        elif [str(now).lower()] != [v.lower() for v in values]:
            out.append(f"{key}={values[0]}")
    return [clipped(x) for x in out]


def clipped(text: str, limit: int = 60) -> str:
    """User text quoted back in a message, cut to a length a message can hold."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def public_reason(exc: BaseException) -> str:
    """What went wrong, for the page: the error's first line, shortened, with every file path cut to
    its last part (a reader of the page has no business with the server's folders)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    first = _PATH.sub(lambda m: m.group(1) or "…", first)
    return first if len(first) <= 200 else first[:199] + "…"


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _latest_view() -> LatestView:
    if "_latest_view" not in st.session_state:
        st.session_state["_latest_view"] = LatestView()
    return st.session_state["_latest_view"]


def describe(f: Filters) -> str:
    """The filters in words, for markdown (names escaped with plain())."""
    return plain(describe_text(f))


def describe_text(f: Filters) -> str:
    bits = []
    if f.actors:
        bits.append("mentioning " + ", ".join(f.actors))
    if f.start:
        bits.append(f"from {f.start:%Y-%m-%d} to {(f.end or f.start):%Y-%m-%d}")
    if f.undated:
        bits.append("(and undated articles)")
    bits.append("in " + " and ".join(queries.SOURCES[s].lower() for s in f.sources))
    if f.outlets:
        bits.append("from " + ", ".join(f.outlets))
    return " ".join(bits)


def _unit(f: Filters) -> str:
    if f.sources == ("trending",):
        return "trending items"
    if f.sources == ("article",):
        return "stories" if f.count == "stories" else "articles"
    return "items"


def download(label: str, key: str, view: LatestView, f: Filters, make: Callable[..., pd.DataFrame],
             name: Callable[..., str]) -> None:
    dl = CsvDownload(view=view, filters=f, make=make, name=name)
    st.download_button(label, data=dl, file_name=name(f), mime="text/csv", key=key, on_click="ignore")
    attach_entry(dl)


