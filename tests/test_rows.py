"""Row shapes are written once (etl/rows.py): the tables schema.sql creates and the records
extraction builds must agree with them; and what names an outlet or fingerprints a body never
changes with a library release."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import warehouse
from etl import rows
from etl.records import body_signature, bundle_from_page, outlet_from_url

from .conftest import SEED_PAGE


@pytest.mark.parametrize("table", sorted(rows.WRITTEN))
def test_each_row_shape_is_the_table_schema_sql_creates(table):
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    created = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    assert created.names == rows.WRITTEN[table].names
    for name in created.names:
        assert _kind(created.field(name).type) == _kind(rows.WRITTEN[table].field(name).type), f"{table}.{name}"


def _kind(t):
    # DuckDB names the session's time zone (Etc/UTC, or the machine's); a TIMESTAMPTZ is a UTC instant.
    return ("timestamp", t.unit, t.tz is not None) if pa.types.is_timestamp(t) else t


def test_extraction_builds_rows_of_those_shapes():
    bundle = bundle_from_page(SEED_PAGE.read_text(encoding="utf-8"), str(SEED_PAGE), {})
    assert bundle.mentions and bundle.trending
    expected = {name: set(schema.names) - rows.FILLED_BY_WRITER.get(name, set())
                for name, schema in rows.ARTICLE_TABLES.items()}
    assert set(bundle.article) == expected["articles"]
    assert {frozenset(r) for r in bundle.trending} == {frozenset(expected["trending"])}
    assert {frozenset(r) for r in bundle.mentions} == {frozenset(expected["mentions"])}
    assert {frozenset(r) for r in bundle.evidence} == {frozenset(rows.MENTION_EVIDENCE.names)}


@pytest.mark.parametrize("url, outlet", [
    ("https://news.detik.com/berita/1", "detik.com"),
    ("https://www.smkn1-bandung.sch.id/berita", "smkn1-bandung.sch.id"),
    ("https://tni.mil.id/view-1", "tni.mil.id"),
    ("https://sukamaju.desa.id/artikel/2", "sukamaju.desa.id"),
    ("https://jatim.antaranews.com/berita/3", "antaranews.com"),
    ("https://pemkot.surabaya.go.id/a", "surabaya.go.id"),
    ("https://www.kompas.co.id/a", "kompas.co.id"),
    ("http://example.test/a/1", "example.test"),  # under no listed suffix: the last two labels
])
def test_outlets_are_named_by_the_public_suffix_list(url, outlet):
    assert outlet_from_url(url) == outlet


def test_body_signatures_do_not_depend_on_a_library_version():
    # Stored signatures are compared with new ones for ever: the hash family's constants are fixed.
    assert body_signature("Presiden Joko Widodo meresmikan jembatan baru di Jakarta pada Senin pagi") == [
        *body_signature("presiden joko widodo meresmikan jembatan baru di jakarta pada senin pagi")]
    assert body_signature("satu dua tiga empat lima enam")[:3] == [2842779101, 12898505, 869555524]


def test_every_dependency_is_locked_at_a_version_its_range_admits():
    import tomllib

    from packaging.requirements import Requirement

    from .conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        locked[name.strip().lower().replace("_", "-")] = version.strip()
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for spec in map(Requirement, wanted):
        key = spec.name.lower().replace("_", "-")
        assert key in locked, f"{spec.name} is not in requirements.lock"
        assert spec.specifier.contains(locked[key]), f"{spec.name}=={locked[key]} is outside {spec.specifier}"
        assert not list(spec.specifier.filter(["99999"])), f"{spec.name} has no upper bound"
