"""Benchmark: load ../shared/corpus/pages into a fresh warehouse, next to a floor measured in the same run.

Run: .venv/bin/python bench/load_pages.py
Floor: reading the same bytes and splitting them into words with one regular expression.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.load import discover, load_paths  # noqa: E402

PAGES = ROOT.parent / "shared" / "corpus" / "pages"


def main() -> int:
    if not PAGES.is_dir():
        print(f"skipped: {PAGES} not found")
        return 0
    files, _ = discover([PAGES])
    size = sum(f.stat().st_size for f in files)
    words = re.compile(r"\w+")
    t = time.perf_counter()
    n = sum(len(words.findall(f.read_text(encoding="utf-8"))) for f in files)
    floor = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report = load_paths([PAGES], db=Path(tmp) / "bench.duckdb", progress=False)
        load = time.perf_counter() - t
        t = time.perf_counter()
        again = load_paths([PAGES], db=Path(tmp) / "bench.duckdb", progress=False)
        reload_ = time.perf_counter() - t
    mb = size / 1e6
    print(f"pages: {len(files)}  text: {mb:.1f} MB  words: {n}")
    print(f"floor (read + regex words): {floor:.2f} s  {len(files) / floor:,.0f} pages/s  {mb / floor:.1f} MB/s")
    print(f"load (parse, date, extract, write): {load:.2f} s  {report.added / load:,.0f} pages/s  {mb / load:.2f} MB/s")
    print(f"load / floor time ratio: {load / floor:.0f}x")
    print(f"second load (all unchanged): {reload_:.2f} s, added {again.added}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
