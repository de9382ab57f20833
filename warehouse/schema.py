"""The warehouse's schema (schema.sql) and documented views (views.sql), applied to a connection.
A module of its own so that the lake (lake.py) applies them without importing the package's entry
points, which import the lake."""
from __future__ import annotations

from pathlib import Path

import duckdb

_HERE = Path(__file__).resolve().parent
SCHEMA_SQL = _HERE / "schema.sql"
VIEWS_SQL = _HERE / "views.sql"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if missing and (re)create the views; safe to run on every connection."""
    # `entities` was a view before the registry made it a table.
    row = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'entities' AND NOT internal").fetchone()
    if row and row[0]:
        con.execute("DROP VIEW entities")
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """The documented views alone (a lake reader's catalog has views, not tables, underneath)."""
    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
