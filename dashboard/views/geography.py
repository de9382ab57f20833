"""Map: countries mentioned, as a choropleth drawn from shipped geometry (dashboard/geometry.py; no
CDN, no map tiles), and Indonesian places by province. Both follow the sidebar's filters."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import geometry, queries
from dashboard.downloads import file_name
from dashboard.loaders import load_entity_totals
from dashboard.widgets import Context, _unit, describe, download, plain

NO_PROVINCE = "(province not known)"


def country_table(totals: pd.DataFrame) -> pd.DataFrame:
    out = totals[["entity", "entity_code", "items"]].rename(columns={"entity": "country", "entity_code": "iso_a2"})
    shapes = geometry.codes()
    out["on_map"] = out["iso_a2"].isin(shapes)
    return out.reset_index(drop=True)


def province_tables(places: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per province: places, items; per place: province, place, items) for places in Indonesia.
    A province counts the items mentioning any of its places (an item naming two of its cities
    counts twice: the items of the places, added)."""
    indonesian = places[places["entity_code"] == "ID"].copy()
    indonesian["province"] = indonesian["region"].fillna(NO_PROVINCE)
    per_place = indonesian[["province", "entity", "items"]].rename(columns={"entity": "place"}).reset_index(drop=True)
    per_province = (per_place.groupby("province", as_index=False)
                    .agg(places=("place", "count"), items=("items", "sum"))
                    .assign(unknown=lambda t: t["province"] == NO_PROVINCE)
                    .sort_values(["unknown", "items", "province"], ascending=[True, False, True])
                    .drop(columns=["unknown"]).reset_index(drop=True))
    return per_province, per_place


def render(ctx: Context) -> None:
    f = ctx.filters
    ctx.ready(replace(f, page=(("map", "countries"),)))
    unit = _unit(f)
    st.caption(f"Items {describe(f)}.")
    st.subheader("Countries mentioned")
    totals = load_entity_totals(ctx.db, ctx.stamp, f, ("country",))
    table = country_table(totals)
    if table.empty:
        st.info(f"No country mentioned in items {describe(f)}.")
    else:
        shown = table[table["on_map"]].assign(shade=lambda t: np.log10(t["items"].clip(lower=1)))
        # A log scale: one or two countries (Palestine, Israel) would otherwise leave the rest white.
        fig = px.choropleth_map(
            shown, geojson=geometry.countries(), locations="iso_a2", featureidkey="properties.iso_a2",
            color="shade", hover_name="country", hover_data={"iso_a2": False, "shade": False, "items": ":,d"},
            color_continuous_scale="Blues", map_style="white-bg", zoom=0.6, center={"lat": 10, "lon": 60},
            opacity=0.9, labels={"items": unit},
        )
        top = int(np.ceil(shown["shade"].max())) if len(shown) else 1
        ticks = list(range(0, max(top, 1) + 1))
        fig.update_layout(height=480, margin=dict(l=0, r=0, t=0, b=0), coloraxis_colorbar=dict(
            title=unit, tickvals=ticks, ticktext=[f"{10 ** t:,}" for t in ticks]))
        st.plotly_chart(fig, key="country_map", config={"displaylogo": False})
        missing = table[~table["on_map"]]
        st.caption(f"{len(table):,} {'country' if len(table) == 1 else 'countries'} mentioned; shading: {unit} that mention each over the range. "
                   + (f"Too small for the map's 1:110m shapes, listed below only: {plain(', '.join(missing['country'].head(8)))}"
                      + (" and more." if len(missing) > 8 else ".") if len(missing) else ""))
        st.dataframe(table.rename(columns={"items": unit.capitalize()}), hide_index=True, key="country_table", height=250)
    download("Download countries (CSV)", "download_map_countries", ctx.view, replace(f, page=(("map", "countries"),)),
             make=lambda g: country_table(queries.entity_totals(ctx.db, g, ("country",))),
             name=lambda g: file_name("map-countries", g))

    st.subheader("Indonesian places by province")
    places = load_entity_totals(ctx.db, ctx.stamp, f, ("place",))
    per_province, per_place = province_tables(places)
    if per_province.empty:
        st.info(f"No Indonesian place mentioned in items {describe(f)}.")
        return
    fig = px.bar(per_province.head(38), x="items", y="province", orientation="h", labels={"items": unit, "province": ""},
                 hover_data={"places": True})
    fig.update_layout(height=max(300, 22 * min(len(per_province), 38) + 60), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(autorange="reversed"))
    st.plotly_chart(fig, key="province_chart", config={"displaylogo": False})
    st.caption("Per province: the items that mention its places, added up (places from etl/lexicons/places.csv).")
    left, right = st.columns(2)
    with left:
        st.dataframe(per_province, hide_index=True, key="province_table", height=300)
    with right:
        st.dataframe(per_place, hide_index=True, key="place_table", height=300)
    download("Download places by province (CSV)", "download_map_places", ctx.view, replace(f, page=(("map", "places"),)),
             make=lambda g: province_tables(queries.entity_totals(ctx.db, g, ("place",)))[1],
             name=lambda g: file_name("map-places", g))
