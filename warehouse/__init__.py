"""The DuckDB warehouse: where it lives, its schema and its documented views."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

DB_ENV = "MEDIA_DB"
DEFAULT_DB = Path(__file__).resolve().parent / "media.duckdb"
_HERE = Path(__file__).resolve().parent

from warehouse.schema import SCHEMA_SQL, VIEWS_SQL, ensure_schema  # noqa: E402, F401  (reached here as before)


def location(explicit: str | os.PathLike[str] | None = None) -> str:
    """Where the warehouse is, as given (a lake's `s3://...` would not survive being a Path): the one
    passed in, else $MEDIA_DB, else warehouse/media.duckdb."""
    return str(explicit or os.environ.get(DB_ENV) or DEFAULT_DB)


def is_lake(where: str | os.PathLike[str] | None = None) -> bool:
    """A lake (warehouse/lake.py) rather than a DuckDB file: `s3://...`, `lake:FOLDER`, or a folder
    holding a lake's catalog."""
    from warehouse.lake import is_lake as _is_lake

    return _is_lake(location(where))


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the one passed in, else $MEDIA_DB, else warehouse/media.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else DEFAULT_DB


SNAPSHOT_SUFFIX = ".snapshot"


def snapshot_path(db: str | os.PathLike[str]) -> Path:
    """The published read copy of a warehouse: `<warehouse>.snapshot` beside it."""
    db = Path(db)
    return db.with_name(db.name + SNAPSHOT_SUFFIX)


def main_path(path: str | os.PathLike[str]) -> Path:
    """The warehouse a path belongs to (itself, or the one a snapshot was published from)."""
    path = Path(path)
    return path.with_name(path.name[: -len(SNAPSHOT_SUFFIX)]) if path.name.endswith(SNAPSHOT_SUFFIX) else path


def read_path(db: str | os.PathLike[str] | None = None) -> Path:
    """What readers open: the warehouse's published snapshot when there is one, else the warehouse.

    DuckDB lets one process write a file and no other process read it meanwhile: a load writes the
    warehouse and, when it ends, publishes a copy (`publish`); the dashboard reads that copy, so it
    keeps showing the last load's data while the next one runs, and never blocks a load. For a lake,
    a local catalog file of its current version (see warehouse/lake.py)."""
    if is_lake(db):
        from warehouse.lake import materialize

        return materialize(location(db))
    main = db_path(db)
    snap = snapshot_path(main)
    return snap if snap.exists() else main


def publish(con: duckdb.DuckDBPyConnection, db: str | os.PathLike[str]) -> Path:
    """Copy the warehouse (open for writing in `con`, so no one else writes it) to its snapshot:
    checkpointed first, copied to a temporary name, then renamed over the old snapshot in one step
    (readers that have the old one open keep reading it)."""
    import shutil

    con.execute("CHECKPOINT")
    main = Path(db)
    snap = snapshot_path(main)
    tmp = snap.with_name(snap.name + ".tmp")
    shutil.copyfile(main, tmp)
    os.replace(tmp, snap)
    return snap


def connect(
    path: str | os.PathLike[str] | None = None, read_only: bool = False, schema: bool = True
) -> duckdb.DuckDBPyConnection:
    """A connection; a write connection first applies the schema unless schema=False (a loader that
    reconnects per batch applies it once: re-creating the views on every connection rewrote the
    catalog each time and grew the file)."""
    if is_lake(path):
        if not read_only:
            raise ValueError(f"{location(path)} is a lake: loads write it (python -m etl load), readers open it read-only")
        return duckdb.connect(str(read_path(path)), read_only=True)
    target = db_path(path)
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(target))
        if schema:
            ensure_schema(con)
        return con
    return duckdb.connect(str(target), read_only=True)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The first column of the first row of a query (None when it gives no row)."""
    row = con.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


