"""Command line: `python -m etl load PATH... [--db FILE] [--map FIELD=COLUMN] [--columns A,B,...]`,
`python -m etl index [--db FILE]`, `python -m etl vacuum --db LAKE [--keep-hours H]`."""
from __future__ import annotations

import argparse
import errno
import signal
import sys
from pathlib import Path
from types import FrameType

import duckdb

import warehouse
from warehouse.lake import LakeError

from .columns import FIELDS
from .executors import ClusterError, WorkerDied
from .exports import TableOptions
from .load import STOP, WarehouseLocked, load_paths
from .work import WorkerBroken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="load page files and CSV/JSONL/JSON/Parquet exports (or folders of them) into the warehouse")
    load.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to load")
    load.add_argument("--db", help=f"DuckDB file, or a lake (s3://BUCKET/PATH or lake:FOLDER; see warehouse/lake.py) "
                                   f"(default: ${warehouse.DB_ENV} or {warehouse.DEFAULT_DB})")
    load.add_argument("--no-progress", action="store_true", help="no progress bar")
    load.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN",
        help=f"take FIELD from COLUMN in tabular files (fields: {', '.join(FIELDS)}); repeatable",
    )
    load.add_argument(
        "--columns", metavar="NAME,NAME,...",
        help="column names for headerless CSV files, e.g. idx,title,image_url,url,date",
    )
    load.add_argument(
        "--evidence", action="store_true",
        help="also keep each mention's offsets in mention_evidence (about 400 bytes an article)",
    )
    load.add_argument("--workers", type=int, help="processes that parse and extract (default: one per core)")
    load.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="extract on a Dask cluster: its scheduler's address (tcp://HOST:PORT), or `local` for a local "
             "cluster of --workers processes",
    )
    index = sub.add_parser("index", help="bring the warehouse's search index up to date (every load does this too)")
    index.add_argument("--db", help=f"DuckDB file (default: ${warehouse.DB_ENV} or {warehouse.DEFAULT_DB})")
    vacuum = sub.add_parser("vacuum", help="remove a lake's old versions and the files only they name")
    vacuum.add_argument("--db", required=True, help="the lake (s3://BUCKET/PATH or lake:FOLDER)")
    vacuum.add_argument("--keep-hours", type=float, default=24.0,
                        help="keep every version committed in the last HOURS, and the current one (default 24; "
                             "0: only the current one, so that other engines reading the files count what the product does)")
    args = parser.parse_args(argv)
    if args.command == "index":
        return _index(warehouse.db_path(args.db))
    if args.command == "vacuum":
        return _vacuum(args.db, args.keep_hours)

    mapping = {}
    for item in args.map:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            parser.error(f"--map expects FIELD=COLUMN, got {item!r}")
        if field.strip() not in FIELDS:
            parser.error(f"--map: unknown field {field.strip()!r}; fields are {', '.join(FIELDS)}")
        mapping[field.strip()] = column.strip()
    options = TableOptions(
        mapping=mapping or None,
        columns=[c.strip() for c in args.columns.split(",")] if args.columns else None,
    )
    db = warehouse.location(args.db)
    problem = None if warehouse.is_lake(db) else _not_a_warehouse(warehouse.db_path(db))
    if problem:
        print(f"not loaded: {problem}", file=sys.stderr)
        return 2
    # SIGTERM (systemd stopping the service, `kill`, a container's end) stops the load as Ctrl-C does:
    # it had ended the process at once with exit 143 and no word.
    STOP.clear()
    # SIGINT only where it is not ignored: a shell starts background jobs with it ignored, so that a
    # Ctrl-C at the terminal leaves them running.
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    previous = (signal.signal(signal.SIGTERM, _on_sigterm),
                signal.getsignal(signal.SIGINT) if ignored else signal.signal(signal.SIGINT, _on_sigint))
    try:
        return _load(args, db, options)
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def _load(args: argparse.Namespace, db: str, options: TableOptions) -> int:
    try:
        report = load_paths(args.paths, db=db, progress=False if args.no_progress else None, options=options,
                            workers=args.workers, evidence=args.evidence, scheduler=args.scheduler)
    except WorkerDied as exc:
        # The batches written before it are committed: "not loaded" would say otherwise.
        print(f"stopped: {exc}", file=sys.stderr)
        return 2
    except (WarehouseLocked, LakeError, ClusterError, WorkerBroken) as exc:
        print(f"not loaded: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _interrupted()
    except (duckdb.Error, OSError, RuntimeError) as exc:
        # Ctrl-C inside a DuckDB query surfaces as DuckDB's error ("Query interrupted"), not
        # KeyboardInterrupt: the handler's flag says which it was.
        if STOP.is_set() or str(exc).strip() == "Query interrupted":
            return _interrupted()
        if not isinstance(exc, (duckdb.Error, OSError)):
            raise
        # The warehouse's file cannot be read or written (damaged, truncated, the disk full): one line
        # that says which and why; what earlier batches committed stays.
        print(f"stopped: {_storage_problem(exc, db)}", file=sys.stderr)
        return 2
    print(f"warehouse: {db}")
    print(report.summary())
    if STOP.is_set():  # the signal came as the load ended, and was swallowed on the way: say so
        return _interrupted()
    # Non-zero only when nothing at all could be loaded.
    return 1 if report.loaded == 0 else 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the load is, so that it unwinds as from Ctrl-C."""


_TERMINATED = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _TERMINATED
    _TERMINATED = True
    STOP.set()
    raise Terminated()


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    STOP.set()  # the load also checks it between batches: DuckDB may swallow the exception below
    raise KeyboardInterrupt


def _storage_problem(exc: BaseException, db: str) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "No space left on device" in first:
        where = getattr(exc, "filename", None) or db
        return (f"no space left on the device (ENOSPC) writing {where}; the batches written before are kept: "
                f"free some space and load the same files again")
    if isinstance(exc, duckdb.Error) and not isinstance(exc, duckdb.IOException) and "Corrupt" not in first:
        return f"the warehouse {db} gave an error: {first}"
    return (f"the warehouse {db} cannot be read or written ({first}); if it is damaged, move it aside and "
            f"load the same files into a new one")


def _interrupted() -> int:
    # Batches are transactions: what was committed stays, the batch in progress is rolled back, and
    # the next load of the same files carries on from there (its run finishes the bookkeeping).
    said = "terminated (SIGTERM)" if _TERMINATED else "interrupted"
    print(f"{said}: nothing was half-written; load the same files again to finish", file=sys.stderr)
    return 143 if _TERMINATED else 130


def _not_a_warehouse(db: Path) -> str | None:
    """Why `db` cannot be a warehouse (a folder, a file DuckDB cannot open), or None."""
    import duckdb

    if db.is_dir():
        return f"{db} is a folder; --db names the warehouse file (it is created if missing)"
    if not db.exists():
        return None
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return None  # another process has it open: the load waits for it
        return f"{db} is not a DuckDB warehouse ({str(exc).splitlines()[0]})"
    except duckdb.Error as exc:
        return f"{db} is not a DuckDB warehouse ({str(exc).splitlines()[0]})"
    return None


def _vacuum(location: str, keep_hours: float) -> int:
    from warehouse.lake import vacuum

    if not warehouse.is_lake(location):
        print(f"not vacuumed: {location} is not a lake (s3://BUCKET/PATH or lake:FOLDER)", file=sys.stderr)
        return 2
    try:
        report = vacuum(location, keep_hours=keep_hours)
    except (LakeError, OSError) as exc:
        print(f"not vacuumed: {location}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    print(f"{location}: {report.summary()}")
    return 0


def _index(db: Path) -> int:
    from .search_index import sync

    if not db.exists():
        print(f"no warehouse at {db}", file=sys.stderr)
        return 1
    con = warehouse.connect(db)
    try:
        report = sync(con, db)
        warehouse.publish(con, db)
    finally:
        con.close()
    print(f"search index: {report.added:,} articles indexed, {report.removed:,} removed in {report.seconds:,.1f} s"
          + (" (rebuilt: it had another layout)" if report.rebuilt else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
