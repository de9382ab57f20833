"""The charts as one plotly figure: a panel per chart, stacked, each with its own legend.

One figure rather than three: in headless Chromium on this 2-core machine each plotly chart on the
page cost about a second to draw whatever its data (three charts: 3.0-4.2 s to a usable first page
at 1M articles; one figure of three panels: 2.2-2.9 s; docs/performance.md).
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dashboard.queries import Chart

PANEL_HEIGHT = 330
PALETTE = qualitative.Plotly + qualitative.D3  # 20 colours; a panel shows at most 50 lines


def label_text(text: object) -> str:
    """A name from the data as plotly shows it literally: plotly reads <b>, <a href> and entities in
    trace names; escaped, they show as typed. Never put such text in a hovertemplate (it would be
    read as %{...} placeholders): hovertemplates name the trace with %{fullData.name}."""
    return html.escape(str(text), quote=False)


def panel_title(title: str, chart: Chart, unit: str, share: bool) -> str:
    shown = chart.data["entity"].nunique() if not chart.data.empty else 0
    if not shown:
        return f"{title}: none found"
    what = f"share of all the period's {unit}" if share else unit
    return f"{title}: top {shown} of {chart.entities:,}, {what} per {chart.interval}"


def charts_figure(charts: list[tuple[str, Chart]], unit: str, share: bool) -> go.Figure:
    """`charts`: (title, chart) per panel, top to bottom. Lines (bars when the range has fewer than
    three periods: a line through two points says little), every period present, 0 where nothing."""
    n = len(charts)
    fig = make_subplots(rows=n, cols=1, vertical_spacing=0.09 if n > 1 else 0.0,
                        subplot_titles=[panel_title(t, c, unit, share) for t, c in charts])
    y = "share" if share else "items"
    for row, (_title, chart) in enumerate(charts, start=1):
        legend = "legend" if row == 1 else f"legend{row}"
        data = chart.data
        periods = data["period"].nunique() if not data.empty else 0
        for i, (entity, part) in enumerate(data.groupby("entity", sort=False)):
            colour = PALETTE[i % len(PALETTE)]
            hover = f"%{{fullData.name}}<br>%{{x|%Y-%m-%d}}: %{{y:,{'.2f' if share else 'd'}}}{'%' if share else ''}<extra></extra>"
            if periods < 3:
                trace = go.Bar(x=part["period"], y=part[y], name=label_text(entity), legend=legend, marker_color=colour,
                               hovertemplate=hover)
            else:
                trace = go.Scatter(x=part["period"], y=part[y], name=label_text(entity), legend=legend, mode="lines+markers"
                                   if periods <= 60 else "lines", line=dict(color=colour), hovertemplate=hover)
            fig.add_trace(trace, row=row, col=1)
        axis = "yaxis" if row == 1 else f"yaxis{row}"
        if share:
            fig.layout[axis].update(ticksuffix="%", rangemode="tozero")
        else:
            top = int(data["items"].max()) if not data.empty else 0
            fig.layout[axis].update(tickformat=",d", rangemode="tozero", dtick=1 if top <= 5 else None)
        # A few periods: one tick a period (plotly would add ticks between days, each labelled alike).
        step = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1"}.get(chart.interval) if periods <= 12 else None
        fig.layout["xaxis" if row == 1 else f"xaxis{row}"].update(type="date", tickformat="%Y-%m-%d", dtick=step)
        # Each panel's legend beside its panel.
        top_of_panel = fig.layout["yaxis" if row == 1 else f"yaxis{row}"].domain[1]
        fig.layout[legend] = dict(y=top_of_panel, yanchor="top", x=1.01, xanchor="left", font=dict(size=11))
    fig.update_layout(height=PANEL_HEIGHT * n + 40, margin=dict(l=10, r=10, t=40, b=10), barmode="group")
    return fig


def series_figure(series: pd.DataFrame, unit: str, share: bool, title: str, height: int = 380) -> go.Figure:
    """Several series (rows of period, series, items, share) as lines on one chart."""
    y = "share" if share else "items"
    fig = go.Figure()
    periods = series["period"].nunique() if not series.empty else 0
    for i, (name, part) in enumerate(series.groupby("series", sort=False)):
        hover = f"%{{fullData.name}}<br>%{{x|%Y-%m-%d}}: %{{y:,{'.2f' if share else 'd'}}}{'%' if share else ''}<extra></extra>"
        if periods < 3:
            fig.add_trace(go.Bar(x=part["period"], y=part[y], name=label_text(name), marker_color=PALETTE[i % len(PALETTE)],
                                 hovertemplate=hover))
        else:
            fig.add_trace(go.Scatter(x=part["period"], y=part[y], name=label_text(name), mode="lines+markers" if periods <= 60 else "lines",
                                     line=dict(color=PALETTE[i % len(PALETTE)]), hovertemplate=hover))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10), barmode="group", showlegend=True,
                      legend=dict(orientation="h", y=-0.15), xaxis=dict(type="date", tickformat="%Y-%m-%d"))
    fig.update_yaxes(ticksuffix="%" if share else "", rangemode="tozero", tickformat=None if share else ",d")
    return fig


def outlets_figure(per: pd.DataFrame, top: list[str], y: str, unit: str, share: bool) -> go.Figure:
    """The top outlets over time (rows of period, outlet and `y`). Outlet names come from the data:
    each reaches plotly escaped, and no hovertemplate is built from one (px wrote each group's value
    into its hovertemplate, where `%{x}` in a name was read as a placeholder)."""
    fig = go.Figure()
    periods = per["period"].nunique()
    fmt = ".2f" if share else ",d"
    for i, outlet in enumerate(top):
        part = per[per["outlet"] == outlet]
        fig.add_trace(go.Scatter(x=part["period"], y=part[y], name=label_text(outlet),
                                 mode="lines+markers" if periods <= 60 else "lines", line=dict(color=PALETTE[i % len(PALETTE)]),
                                 hovertemplate=f"%{{fullData.name}}<br>%{{x|%Y-%m-%d}}: %{{y:{fmt}}}{'%' if share else ''}<extra></extra>"))
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.2),
                      title=f"The {len(top)} outlets with most: " + (f"share of each outlet's {unit}" if share else unit),
                      xaxis=dict(type="date", tickformat="%Y-%m-%d"),
                      yaxis=dict(title=f"% of the outlet's {unit}" if share else unit, rangemode="tozero"))
    return fig


def outlet_share_figure(totals: pd.DataFrame) -> go.Figure:
    """Each outlet's share of the selection, as bars (rows of outlet, items, outlet_items,
    share_of_outlet, share_of_selection); the names escaped, the numbers through customdata."""
    bar = go.Figure(go.Bar(
        x=totals["share_of_selection"], y=totals["outlet"].map(label_text), orientation="h",
        customdata=totals[["items", "outlet_items", "share_of_outlet"]].to_numpy(),
        hovertemplate="%{y}<br>% of the selection: %{x:.2f}<br>items: %{customdata[0]:,d}<br>"
                      "all its items: %{customdata[1]:,d}<br>% of its output: %{customdata[2]:.2f}<extra></extra>"))
    bar.update_layout(height=max(280, 24 * len(totals) + 60), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(autorange="reversed"), xaxis=dict(title="% of the selection"))
    return bar
