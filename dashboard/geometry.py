"""Country shapes for the Map page, shipped with the project (no map fetched from a CDN at run time).

`dashboard/geo/countries.geojson` is Natural Earth's 1:110m "admin 0" countries (public domain), as
the `naturalearth_lowres` test fixture of the pyogrio wheel carries it (177 countries; the smallest,
such as Singapore, are not in it at this scale). Each feature has `iso_a2` (ISO 3166-1 alpha-2, the
code the warehouse gives countries) and `name`. Rebuild it with:

    pip download --no-deps pyogrio==0.13.0 -d /tmp/geo && unzip -o /tmp/geo/pyogrio-*.whl 'pyogrio/tests/fixtures/*' -d /tmp/geo
    pip install pyshp pycountry
    python -m dashboard.geometry /tmp/geo/pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

GEOJSON = Path(__file__).resolve().parent / "geo" / "countries.geojson"
# Natural Earth writes -99 where a country's ISO code is disputed or absent.
BY_NAME = {"France": "FR", "Norway": "NO", "Kosovo": "XK"}
DIGITS = 2      # coordinates rounded to 0.01 degree: a tenth of the file, invisible at this scale


@lru_cache(maxsize=1)
def countries() -> dict:
    """The shipped GeoJSON FeatureCollection (features keyed by properties.iso_a2)."""
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def codes() -> set[str]:
    return {f["properties"]["iso_a2"] for f in countries()["features"]}


def _round(coords: list) -> list:
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
    return [_round(c) for c in coords]


def build(shp: Path, out: Path = GEOJSON) -> int:
    import pycountry
    import shapefile

    reader = shapefile.Reader(str(shp))
    features: list[dict] = []
    for shape_record in reader.iterShapeRecords():
        rec = shape_record.record.as_dict()
        code = BY_NAME.get(rec["name"])
        if code is None and rec["iso_a3"] != "-99":
            country = pycountry.countries.get(alpha_3=rec["iso_a3"])
            code = country.alpha_2 if country else None
        if code is None:
            continue  # N. Cyprus, Somaliland: no ISO code the extractor could give
        geometry = shape_record.shape.__geo_interface__
        features.append({
            "type": "Feature",
            "properties": {"iso_a2": code, "name": rec["name"]},
            "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])},
        })
    features.sort(key=lambda f: f["properties"]["iso_a2"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    return len(features)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"{build(Path(sys.argv[1]))} countries written to {GEOJSON}")
