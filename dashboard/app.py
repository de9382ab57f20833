"""Streamlit dashboard: who, where and what Indonesian news is about, over time.

Run with `streamlit run dashboard/app.py`; it reads the warehouse named by $MEDIA_DB read-only: the
copy the last load published (`<warehouse>.snapshot`), or the warehouse itself before any.
A multipage app (st.navigation): every page shares the sidebar's filters, and every filter and page
setting lives in the page's URL (`/search?q=korupsi&dates=...`), so a view can be bookmarked or shared.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import warehouse  # noqa: E402
from dashboard import queries  # noqa: E402
from dashboard.loaders import (  # noqa: E402
    PICKER_LIMIT,
    load_actor_count,
    load_actor_options,
    load_actor_search,
    load_outlets,
    load_overview,
)
from dashboard.loaders import stamp as file_stamp  # noqa: E402
from dashboard.queries import Filters, WarehouseBusy  # noqa: E402
from dashboard.views import compare, geography, outlets, overview, profile, search, trending  # noqa: E402
from dashboard.widgets import (  # noqa: E402
    LINK_SETTINGS,
    Context,
    _latest_view,
    _plural,
    clipped,
    plain,
    public_reason,
    unusable_link_settings,
)

log = logging.getLogger(__name__)

WHERE_CHOICES = {
    "Article text": ("article",),
    "Trending sidebar": ("trending",),
    "Both": ("article", "trending"),
}
INTERVAL_CHOICES = ["auto", "day", "week", "month"]
TOP_CHOICES = [5, 10, 20, 50]
LOAD_HINT = "python -m etl load PATH... (page texts or scraper exports; see the README)"
# (module, title, url path): the pages in the order of the navigation bar. No icons: Streamlit's
# material icons are fetched from fonts.gstatic.com, and the dashboard works offline.
PAGES = [
    (overview, "Overview", "overview"),
    (search, "Search", "search"),
    (compare, "Compare", "compare"),
    (profile, "Actor profile", "profile"),
    (trending, "Trending", "trending"),
    (geography, "Map", "map"),
    (outlets, "Outlets", "outlets"),
]


def actor_picker(db: str, stamp: float) -> tuple[str, ...]:
    """Canonical actors from the registry, most mentioned first; names seen in fewer items than the
    threshold are left out (the threshold is the user's); a search box finds any name or alias."""
    sidebar = st.sidebar
    picker_slot = sidebar.container()  # the picker shows first, but its options need the widgets below
    more = sidebar.expander("Find more actors")
    # A small warehouse offers every name; a large one leaves out names seen once or twice.
    default_min = 1 if load_actor_count(db, stamp, 1) <= PICKER_LIMIT else 3
    min_items = int(more.number_input(
        "Actors seen in at least (items)", min_value=1, max_value=100_000, value=default_min, step=1, key="min",
        bind="query-params", help="Rarely seen names are left out of the picker; set 1 to offer every name.",
    ))
    found = more.text_input(
        "Find any actor", key="find", placeholder="name or alias, e.g. Prabowo, KPK",
        help="Searches every name and alias in the warehouse; matches go first in the Actor picker.",
    )
    # The URL's actors must be among the options, or the bound widget would drop them.
    chosen = tuple(st.session_state.get("actor") or st.query_params.get_all("actor"))
    options = load_actor_options(db, stamp, min_items, chosen)
    if found.strip():
        matches = load_actor_search(db, stamp, found.strip())
        options = pd.concat([matches[["entity", "kind", "items"]], options]).drop_duplicates("entity")
    kinds = dict(zip(options["entity"], options["kind"]))
    counts = dict(zip(options["entity"], options["items"]))
    total = load_actor_count(db, stamp, min_items)
    picked = picker_slot.multiselect(
        "Actor",
        options["entity"].tolist(),
        key="actor",
        bind="query-params",
        placeholder="All actors (type to search)",
        filter_mode="contains",
        select_all=False,
        help=(f"Most mentioned first: the {min(PICKER_LIMIT, total):,} most mentioned of {total:,} people and organisations seen in "
              f"at least {min_items} items; use Find more actors for the rest. Keeps articles or trending items that "
              "mention any of the chosen actors."),
    )
    if picked:
        # The options are plain names (the URL holds them as they are); kinds and counts go here.
        picker_slot.caption(" · ".join(
            f"{plain(e)}: {'person' if kinds.get(e) == 'person' else 'organisation'}, {_plural(int(counts.get(e, 0)), 'item')}"
            for e in picked))
    return tuple(picked)


def sidebar_filters(db: str, stamp: float, ov: dict) -> Filters:
    st.sidebar.header("Filters")
    actors = actor_picker(db, stamp)
    # Filters are drawn only for a warehouse with dated articles (main() checks), so there is a range.
    default_first, default_last = queries.default_range(ov) or (ov["min_date"], ov["max_date"])
    picked = st.sidebar.date_input(
        "Date range", value=(default_first, default_last), min_value=ov["min_date"], max_value=ov["max_date"],
        key="dates", format="YYYY-MM-DD", bind="query-params",
        help=_date_help(ov),
    )
    start, end = (tuple(picked) + (None, None))[:2] if isinstance(picked, (tuple, list)) else (picked, picked)  # type: ignore[arg-type]
    end = end or start
    if start and end and start > end:
        # A link with the range end first gave "Nothing found" and no hint.
        start, end = end, start
        st.sidebar.caption(f"The range was given end first; it is read as {start:%Y-%m-%d} to {end:%Y-%m-%d}.")
    undated = st.sidebar.checkbox(
        f"Include undated articles ({ov['undated']:,})", key="undated", bind="query-params",
        disabled=not ov["undated"],
        help="Articles without a publish date cannot be placed on a time chart; this adds them to the table and its download.",
    )
    where = st.sidebar.radio("Where the mention is", list(WHERE_CHOICES), key="where", bind="query-params")
    outlets = st.sidebar.multiselect(
        "Outlet", load_outlets(db, stamp), key="outlet", placeholder="All outlets", bind="query-params",
        filter_mode="contains", select_all=False,
    )
    auto = queries.auto_interval(start, end)
    interval = st.sidebar.selectbox(
        "Interval", INTERVAL_CHOICES, key="interval", bind="query-params",
        format_func=lambda i: f"Auto ({auto})" if i == "auto" else i,
    )
    count = st.sidebar.radio(
        "Count", ["Articles", "Stories"], key="count", horizontal=True, bind="query-params",
        help="Stories count syndicated copies of one report (same headline, near-identical text) once.",
    )
    measure = st.sidebar.radio(
        "Show", ["Count", "Share"], key="measure", horizontal=True, bind="query-params",
        help="Share: per cent of all articles (or trending items) of the period, from the same outlets.",
    )
    top = st.sidebar.selectbox("Entities per chart", TOP_CHOICES, index=1, key="top", bind="query-params")
    return Filters(
        actors=actors, start=start, end=end, sources=WHERE_CHOICES[where],
        interval=auto if interval == "auto" else interval, outlets=tuple(outlets), count=count.lower(),
        measure=measure.lower(), top=int(top), undated=bool(undated),
    )


def _link_notice(first_run: bool) -> None:
    """Name the link's settings that could not be used, until the person changes a filter."""
    state = st.session_state
    snapshot = tuple(repr(state.get(k)) for k in LINK_SETTINGS)
    if first_run:
        opened = state["_opened_with"]
        # A link copied from such a page carries them on under `unused` (the bound widgets rewrite
        # their own keys without them), so whoever opens it next is told too.
        carried = [clipped(v) for v in opened.get("unused", [])]
        found = unusable_link_settings(opened, state)
        state["_link_unusable"] = list(dict.fromkeys(carried + found))
        state["_link_snapshot"] = snapshot
    unusable = state.get("_link_unusable")
    if unusable and state.get("_link_snapshot") == snapshot:
        st.query_params["unused"] = unusable
        st.warning("This link asked for settings that cannot be used here, so they were left out: "
                   + "; ".join(plain(x) for x in unusable)
                   + ". What is shown uses the rest of the link (which keeps them under `unused`).")
    elif "unused" in st.query_params:
        del st.query_params["unused"]  # the person chose other settings: the link is theirs now


def _date_help(ov: dict) -> str:
    bits = []
    if ov.get("stray"):
        bits.append(f"{_plural(ov['stray'], 'article')} dated before {ov['default_first']:%Y-%m-%d} "
                    "(stray dates far from the rest) are outside the default range")
    if ov.get("odd_dates"):
        bits.append(f"{_plural(ov['odd_dates'], 'article')} dated before {queries.EARLIEST_PLAUSIBLE.year} "
                    "or after the day they were fetched are left out of it")
    return "; ".join(bits) + ("; widen the range to include them." if bits else "")


def _listed(value: Any) -> list[str]:
    # A list column read from DuckDB: a list or array, or a missing value.
    return [str(v) for v in value] if isinstance(value, (list, tuple)) or hasattr(value, "tolist") else []


def contents_section(db: str, ov: dict) -> None:
    """A warehouse with too few days to chart: show what is in it instead of charts of one point."""
    st.info(f"The warehouse holds {_plural(ov['articles'], 'article')}, too few days to chart. "
            f"Load more news to see charts over time: {LOAD_HINT}")
    rows = queries.warehouse_contents(db)
    for row in rows.itertuples():
        st.subheader(plain(row.title))
        day = f"{pd.Timestamp(row.date):%Y-%m-%d}" if row.date is not None and not pd.isna(row.date) else None
        st.caption(" · ".join(plain(x) for x in (row.outlet, day, row.url) if x is not None and not pd.isna(x)))
        found = [
            ("People", row.persons), ("Organisations", row.organisations), ("Countries", row.countries),
            ("Places", row.places), ("Topics", row.topics),
        ]
        st.dataframe(
            pd.DataFrame([(what, ", ".join(_listed(names)) or "none") for what, names in found],
                         columns=["found", "names"]),
            hide_index=True, key=f"contents_{row.Index}",
        )
        trending = _listed(row.trending)
        if trending:
            st.markdown("**Trending sidebar**")
            st.dataframe(pd.DataFrame({"rank": range(1, len(trending) + 1), "headline": trending}),
                         hide_index=True, key=f"trending_{row.Index}")


def main(db: str | None = None) -> None:
    st.set_page_config(page_title="Indonesian media monitor", layout="wide")
    where = warehouse.location(db)
    if not warehouse.is_lake(where) and not warehouse.db_path(where).exists():
        st.title("Indonesian media monitor")
        st.info(f"No warehouse at {plain(where)}. Load some news first: python -m etl load seeds")
        return
    # The published snapshot when there is one (for a lake, its current version): a load running on
    # the warehouse never blocks the page, and the page shows the last finished load's data meanwhile.
    try:
        path = warehouse.read_path(where)
    except OSError as exc:
        st.title("Indonesian media monitor")
        st.error(f"The warehouse cannot be read: {plain(public_reason(exc))}")
        return
    db_str = str(path)
    view = _latest_view()
    view.run_started()
    try:
        ov = load_overview(db_str, file_stamp(path))
        if not ov["articles"]:
            st.title("Indonesian media monitor")
            st.info(f"The warehouse at {plain(path)} has no articles yet. Load some: {LOAD_HINT}")
            return
        if ov["first"] is None or ov["days"] < 2:
            st.title("Indonesian media monitor")
            contents_section(db_str, ov)
            return
        ctx_holder: dict = {}
        nav = st.navigation(
            [st.Page(lambda module=module: module.render(ctx_holder["ctx"]), title=title, url_path=url,  # type: ignore[misc]
                     default=(url == "overview")) for module, title, url in PAGES],
            position="top",
        )
        st.header(f"Indonesian media monitor · {nav.title}", divider="gray")
        first_run = "_opened_with" not in st.session_state
        if first_run:  # the link as opened, before the bound widgets rewrite the URL
            st.session_state["_opened_with"] = {k: st.query_params.get_all(k) for k in st.query_params}
        f = sidebar_filters(db_str, file_stamp(path), ov)
        _link_notice(first_run)
        ctx_holder["ctx"] = Context(db=db_str, stamp=file_stamp(path), ov=ov, filters=f, view=view)
        nav.run()
    except WarehouseBusy:
        st.warning("A load is writing to the warehouse right now. Reload the page in a moment.")
    except duckdb.CatalogException as exc:
        # A warehouse made by an older version lacks a view; any load (even of nothing new) adds it.
        st.error(f"This warehouse was made by an older version of the tool ({plain(public_reason(exc))}). "
                 f"Upgrade it by loading once, e.g.: python -m etl load seeds --db {plain(path.name)}")
    except Exception as exc:
        # The page boundary: a damaged warehouse, snapshot or search index gives a short message, never
        # a traceback with the server's paths (the full error goes to the server's log).
        log.exception("the page failed")
        st.error(f"This page cannot be shown: {plain(public_reason(exc))} ({type(exc).__name__}). "
                 f"If the warehouse was damaged, load the same files again into a new one.")
    finally:
        view.run_ended()


if __name__ == "__main__":
    main()
