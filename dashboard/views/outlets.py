"""Outlets: the current selection per outlet over time, and each outlet's share."""
from __future__ import annotations

from dataclasses import replace

import plotly.express as px
import streamlit as st

from dashboard import outlet_queries
from dashboard.downloads import file_name
from dashboard.queries import Filters
from dashboard.widgets import Context, _unit, describe, download

SHOWN = 10


@st.cache_data(ttl=300, show_spinner=False)
def _per_outlet(db: str, stamp: float, f: Filters):
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
    fig = px.line(per[per["outlet"].isin(top)], x="period", y=y, color="outlet", markers=per["period"].nunique() <= 60,
                  labels={"items": unit, "share_of_outlet": f"% of the outlet's {unit}", "period": ""},
                  category_orders={"outlet": top})
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.2),
                      title=f"The {len(top)} outlets with most: " + (f"share of each outlet's {unit}" if share else unit))
    fig.update_yaxes(rangemode="tozero")
    st.plotly_chart(fig, key="outlets_chart", config={"displaylogo": False})
    st.subheader("Each outlet's share")
    bar = px.bar(totals.head(25), x="share_of_selection", y="outlet", orientation="h",
                 labels={"share_of_selection": "% of the selection", "outlet": ""},
                 hover_data={"items": ":,d", "outlet_items": ":,d", "share_of_outlet": ":.2f"})
    bar.update_layout(height=max(280, 24 * min(len(totals), 25) + 60), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(autorange="reversed"))
    st.plotly_chart(bar, key="outlets_share", config={"displaylogo": False})
    st.dataframe(totals.rename(columns={"items": unit.capitalize(), "outlet_items": f"All its {unit}",
                                        "share_of_outlet": "% of its output", "share_of_selection": "% of the selection"}),
                 hide_index=True, key="outlets_table")
    st.caption("% of its output: the outlet's selected items over all its items of the range (same sources). "
               "% of the selection: the outlet's part of everything selected.")
    download("Download per outlet over time (CSV)", "download_outlets", ctx.view, f,
             make=lambda g: outlet_queries.per_outlet(ctx.db, g), name=lambda g: file_name("outlets", g, g.interval))
