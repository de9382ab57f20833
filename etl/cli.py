"""Command line: `python -m etl load PATH... [--db FILE]`."""
from __future__ import annotations

import argparse
import sys

import warehouse

from .load import load_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="load page files (or folders of them) into the warehouse")
    load.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to load")
    load.add_argument("--db", help=f"DuckDB file (default: ${warehouse.DB_ENV} or {warehouse.DEFAULT_DB})")
    load.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    db = warehouse.db_path(args.db)
    report = load_paths(args.paths, db=db, progress=False if args.no_progress else None)
    print(f"warehouse: {db}")
    print(report.summary())
    # Non-zero only when nothing at all could be loaded.
    return 1 if report.loaded == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
