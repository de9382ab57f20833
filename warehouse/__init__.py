"""The DuckDB warehouse: where it lives, its schema and its documented views."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

DB_ENV = "MEDIA_DB"
DEFAULT_DB = Path(__file__).resolve().parent / "media.duckdb"
_HERE = Path(__file__).resolve().parent


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the one passed in, else $MEDIA_DB, else warehouse/media.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else DEFAULT_DB


def connect(
    path: str | os.PathLike[str] | None = None, read_only: bool = False, schema: bool = True
) -> duckdb.DuckDBPyConnection:
    """A connection; a write connection first applies the schema unless schema=False (a loader that
    reconnects per batch applies it once: re-creating the views on every connection rewrote the
    catalog each time and grew the file)."""
    target = db_path(path)
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(target))
        if schema:
            ensure_schema(con)
        return con
    return duckdb.connect(str(target), read_only=True)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if missing and (re)create the views; safe to run on every connection."""
    # `entities` was a view before the registry made it a table.
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'entities' AND NOT internal").fetchone()[0]:
        con.execute("DROP VIEW entities")
    con.execute((_HERE / "schema.sql").read_text(encoding="utf-8"))
    con.execute((_HERE / "views.sql").read_text(encoding="utf-8"))
