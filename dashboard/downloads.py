"""Downloads that are what the screen shows.

Streamlit keeps the previous run's elements on screen, clickable, while a rerun computes the new ones:
a download button clicked just after a filter changed used to serve the previous filters' file. Here
every download is generated when it is clicked (a callable passed to `st.download_button`), from the
filters of the *newest* run of the session (`LatestView`), after that run has read its widgets. When
the click landed on a button of an earlier run, the file's name is renamed to the new filters too;
if that cannot be done, the click fails with a message instead of serving the earlier state's data.
"""
from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.queries import Filters

log = logging.getLogger(__name__)

# A click arrives on the server right after the widget change that started a rerun; the rerun's
# thread needs a moment to start and read its widgets. Measured: a few milliseconds.
GRACE_SECONDS = 0.3
WAIT_SECONDS = 60.0


class LatestView:
    """Per browser session: the filters of the newest run, and whether that run is still reading them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._filters: Filters | None = None
        self._reading = False

    def run_started(self) -> None:
        with self._cond:
            self._reading = True

    def filters_read(self, filters: Filters) -> None:
        with self._cond:
            self._filters = filters
            self._reading = False
            self._cond.notify_all()

    def run_ended(self) -> None:
        with self._cond:
            self._reading = False
            self._cond.notify_all()

    def latest(self, grace: float = GRACE_SECONDS, timeout: float = WAIT_SECONDS) -> Filters | None:
        time.sleep(grace)
        with self._cond:
            self._cond.wait_for(lambda: not self._reading, timeout=timeout)
            return self._filters


def _slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text[:limit].strip("-") or "x"


def file_name(what: str, f: Filters, interval: str | None = None) -> str:
    """`actors_2025-01-01_2025-06-10_wang-xiaohong_article_count_week.csv`: the chart or table, the
    dates, the actors, where the mention is, stories or articles, count or share, the interval."""
    bits = [what]
    bits.append(f"{f.start:%Y-%m-%d}_{(f.end or f.start):%Y-%m-%d}" if f.start else "all-dates")
    if f.undated:
        bits.append("with-undated")
    if f.actors:
        names = [_slug(a, 30) for a in f.actors[:3]]
        if len(f.actors) > 3:
            names.append(f"and-{len(f.actors) - 3}-more")
        bits.append("+".join(names))
    else:
        bits.append("all-actors")
    if f.outlets:
        bits.append(_slug(f.outlets[0], 30) if len(f.outlets) == 1 else f"{len(f.outlets)}-outlets")
    bits.append("+".join(f.sources))
    if f.count == "stories":
        bits.append("stories")
    if interval:
        bits.append(f.measure)
        bits.append(interval)
        bits.append(f"top{f.top}")
    return "_".join(bits) + ".csv"


# A cell starting with one of these is read as a formula by spreadsheets (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """OWASP's advice for CSV injection: a text cell that would start a formula gets a leading `'`
    (shown by spreadsheets as text); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(df: pd.DataFrame) -> bytes:
    df = df.copy()
    for column in df.columns:
        if df[column].dtype == object or pd.api.types.is_string_dtype(df[column]):
            df[column] = df[column].map(neutralise)
    return df.to_csv(index=False).encode("utf-8")


@dataclass(eq=False)
class CsvDownload:
    """The callable behind one download button: builds the CSV for the newest filters at click time."""
    view: LatestView
    filters: Filters
    make: Callable[[Filters], pd.DataFrame]
    name: Callable[[Filters], str]
    entry: Any = None  # Streamlit's record of this deferred file (to rename it), when found

    def __call__(self) -> bytes:
        latest = self.view.latest() or self.filters
        if latest != self.filters:
            if self.entry is None or "filename" not in self.entry:
                raise RuntimeError("the filters changed while the file was asked for: click the button again")
            self.entry["filename"] = self.name(latest)
        return to_csv(self.make(latest))


# The deferred ids this process handed out: id -> (session, the button's stable element id). A rerun
# drops a button's previous id as it draws the button again; a click that the browser sent with the
# previous id before the new one reached it found nothing, and gave no file and no message (3 of
# about 150 clicks during reruns, issue 22). Such a click is served by the button's current id.
_HANDED_OUT: OrderedDict[str, tuple[str, str]] = OrderedDict()
_HANDED_OUT_CAP = 20_000
_installed = threading.Lock()


def attach_entry(download: CsvDownload) -> None:
    """Find Streamlit's record of the deferred file this callable serves, so that a click on a button
    of an earlier run can rename the file to the filters it is built from, and remember its id for a
    click that arrives with it after a rerun replaced it. Streamlit keeps the record in a private
    table; if its layout changes, `entry` stays None and such a click fails cleanly."""
    try:
        from streamlit.runtime import get_instance

        mgr = get_instance().media_file_mgr
        _install_fallback(mgr)
        with mgr._lock:  # noqa: SLF001
            for file_id, entry in mgr._deferred_callables.items():  # noqa: SLF001
                if entry.get("callable") is download:
                    download.entry = entry
                    if entry.get("element_id"):
                        _HANDED_OUT[file_id] = (entry["session_id"], entry["element_id"])
                        while len(_HANDED_OUT) > _HANDED_OUT_CAP:
                            _HANDED_OUT.popitem(last=False)
                    return
    except Exception as exc:  # a private structure: never let it break the page
        log.debug("deferred download record not found: %s", exc)


def current_id(deferred: dict, old_id: str) -> str | None:
    """The id the same button of the same session holds now, for an id a rerun dropped."""
    seen = _HANDED_OUT.get(old_id)
    if seen is None:
        return None
    for file_id, entry in deferred.items():
        if (entry.get("session_id"), entry.get("element_id")) == seen:
            return file_id
    return None


def _install_fallback(mgr: Any) -> None:
    """Wrap the media manager's execute_deferred (once per process) so that a click with a dropped id
    runs the button's current callable, which builds the newest filters' file."""
    with _installed:
        if getattr(mgr, "_media_monitor_fallback", False):
            return
        original = mgr.execute_deferred

        def execute_deferred(file_id: str) -> str:
            with mgr._lock:  # noqa: SLF001
                known = file_id in mgr._deferred_callables  # noqa: SLF001
            if known or file_id not in _HANDED_OUT:
                return original(file_id)
            # The rerun dropped the id and may not have drawn the button again yet: wait for it.
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                with mgr._lock:  # noqa: SLF001
                    now = current_id(mgr._deferred_callables, file_id)  # noqa: SLF001
                if now is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if now is None:
                return original(file_id)
            log.info("download clicked with a dropped id %s: served by the button's current id %s", file_id, now)
            return original(now)

        mgr.execute_deferred = execute_deferred
        mgr._media_monitor_fallback = True
