"""Outlets: the current selection per outlet over time, and each outlet's share."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import outlet_queries
from dashboard.downloads import file_name
from dashboard.figures import outlet_share_figure, outlets_figure
from dashboard.queries import Filters
from dashboard.widgets import Context, _unit, describe, download

SHOWN = 10


@st.cache_data(ttl=300, show_spinner=False)
def _per_outlet(db: str, stamp: float, f: Filters) -> pd.DataFrame:
    return outlet_queries.per_outlet(db, f)


def render(ctx: Context) -> None:
    f = replace(ctx.filters, page=(("view", "outlets"),))
    ctx.ready(f)
    unit = _unit(f)
    st.caption(f"Items {describe(f)}, per outlet.")
    per = _per_outlet(ctx.db, ctx.stamp, f)
    if per.empty or not per["items"].sum():
        st.info(f"Nothing found in items {describe(f)}.")
        return
    totals = outlet_queries.outlet_totals(per)
    top = totals["outlet"].head(SHOWN).tolist()
    share = f.measure == "share"
    y = "share_of_outlet" if share else "items"
    fig = outlets_figure(per, top, y, unit, share)
    st.plotly_chart(fig, key="outlets_chart", config={"displaylogo": False})
    st.subheader("Each outlet's share")
    bar = outlet_share_figure(totals.head(25))
    st.plotly_chart(bar, key="outlets_share", config={"displaylogo": False})
    st.dataframe(totals.rename(columns={"items": unit.capitalize(), "outlet_items": f"All its {unit}",
                                        "share_of_outlet": "% of its output", "share_of_selection": "% of the selection"}),
                 hide_index=True, key="outlets_table")
    st.caption("% of its output: the outlet's selected items over all its items of the range (same sources). "
               "% of the selection: the outlet's part of everything selected.")
    download("Download per outlet over time (CSV)", "download_outlets", ctx.view, f,
             make=lambda g: outlet_queries.per_outlet(ctx.db, g), name=lambda g: file_name("outlets", g, g.interval))
