"""Which full-text engine for search (issue 10): SQLite FTS5 (in Python's sqlite3) against tantivy,
and both against a plain DuckDB scan, on a real warehouse.

Run:  .venv/bin/python bench/search_engines.py --db WAREHOUSE [--limit N] [--tantivy]

For each engine: the time to build an index of every article's title and body, its size per
article, and the median of 5 for a few queries in Media Cloud's style (words, a phrase, AND / OR /
NOT, a prefix), counting the matches per month the way the search page's chart would. The plain scan
(DuckDB `regexp_matches` on lower-cased text) is the reference every engine's matches are compared
with. tantivy is optional (`pip install tantivy`); the figures go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (label, FTS5 query, regular expression over lower-cased "title body" for the plain scan)
QUERIES = [
    ("one word", "korupsi", r"\bkorupsi\b"),
    ("phrase", '"dana desa"', r"\bdana\s+desa\b"),
    ("three words, boolean", "korupsi AND (kpk OR kejaksaan) NOT \"dana desa\"",
     None),  # checked as a set expression below
    ("prefix", "korup*", r"\bkorup\w*"),
]


def articles(db: Path, limit: int | None):
    con = duckdb.connect(str(db), read_only=True)
    sql = "SELECT row_number() OVER (ORDER BY article_id) AS rid, article_id, published_date, title, body FROM articles"
    if limit:
        sql += f" LIMIT {int(limit)}"
    cur = con.execute(sql)
    while True:
        rows = cur.fetchmany(10_000)
        if not rows:
            break
        yield from rows
    con.close()


def build_fts5(db: Path, path: Path, limit: int | None) -> tuple[float, int]:
    t = time.perf_counter()
    lite = sqlite3.connect(path)
    # unicode61 folds case and strips diacritics; tokens are words, so `korup*` is a prefix query.
    # Not contentless: the month column is read back for the chart (SQLite 3.40 has no
    # contentless_unindexed), so FTS5 also keeps a copy of the text: most of its size.
    lite.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, day UNINDEXED, "
                 "tokenize='unicode61 remove_diacritics 2', detail=full)")
    batch = []
    n = 0
    for rid, _aid, day, title, body in articles(db, limit):
        batch.append((rid, title or "", body or "", day.isoformat()[:7] if day else None))
        n += 1
        if len(batch) == 5000:
            lite.executemany("INSERT INTO docs(rowid, title, body, day) VALUES (?, ?, ?, ?)", batch)
            batch = []
    if batch:
        lite.executemany("INSERT INTO docs(rowid, title, body, day) VALUES (?, ?, ?, ?)", batch)
    lite.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    lite.commit()
    lite.execute("VACUUM")
    lite.close()
    return time.perf_counter() - t, n


def fts5_months(path: Path, query: str) -> dict:
    lite = sqlite3.connect(path)
    rows = lite.execute("SELECT day, count(*) FROM docs WHERE docs MATCH ? GROUP BY day", [query]).fetchall()
    lite.close()
    return dict(rows)


def fts5_ids(path: Path, query: str) -> set[int]:
    lite = sqlite3.connect(path)
    ids = {r[0] for r in lite.execute("SELECT rowid FROM docs WHERE docs MATCH ?", [query])}
    lite.close()
    return ids


def scan_ids(db: Path, pattern: str, limit: int | None) -> set[int]:
    con = duckdb.connect(str(db), read_only=True)
    inner = "SELECT row_number() OVER (ORDER BY article_id) AS rid, title, body FROM articles"
    if limit:
        inner += f" LIMIT {int(limit)}"
    ids = {r[0] for r in con.execute(
        f"SELECT rid FROM ({inner}) WHERE regexp_matches(lower(coalesce(title, '') || ' ' || coalesce(body, '')), ?)",
        [pattern]).fetchall()}
    con.close()
    return ids


def timed(fn, repeats: int = 5) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def build_tantivy(db: Path, folder: Path, limit: int | None):
    import tantivy

    schema = (tantivy.SchemaBuilder().add_integer_field("rid", stored=True, indexed=True, fast=True)
              .add_text_field("title", stored=False).add_text_field("body", stored=False)
              .add_text_field("month", stored=False, tokenizer_name="raw", fast=True).build())
    t = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for rid, _aid, day, title, body in articles(db, limit):
        writer.add_document(tantivy.Document(rid=rid, title=title or "", body=body or "",
                                             month=day.isoformat()[:7] if day else "none"))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, time.perf_counter() - t


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--tantivy", action="store_true", help="also build and query a tantivy index")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="media-search-"))
    fts = work / "fts5.sqlite"
    seconds, n = build_fts5(args.db, fts, args.limit)
    print(f"{n:,} articles")
    print(f"FTS5: built in {seconds:,.1f} s; {os.path.getsize(fts) / n:,.0f} bytes/article")
    for label, query, pattern in QUERIES:
        ms = timed(lambda: fts5_months(fts, query)) * 1000
        got = fts5_ids(fts, query)
        if pattern is not None:
            ref_t = time.perf_counter()
            ref = scan_ids(args.db, pattern, args.limit)
            ref_ms = (time.perf_counter() - ref_t) * 1000
        else:
            ref_t = time.perf_counter()
            ref = (scan_ids(args.db, r"\bkorupsi\b", args.limit)
                   & (scan_ids(args.db, r"\bkpk\b", args.limit) | scan_ids(args.db, r"\bkejaksaan\b", args.limit))) \
                - scan_ids(args.db, r"\bdana\s+desa\b", args.limit)
            ref_ms = (time.perf_counter() - ref_t) * 1000
        print(f"  {label:<22} {query!r}: {len(got):,} matches, per-month counts {ms:,.0f} ms; "
              f"plain scan {len(ref):,} matches in {ref_ms:,.0f} ms; same set: {got == ref}"
              + ("" if got == ref else f" (only FTS5 {len(got - ref)}, only scan {len(ref - got)})"))
    if args.tantivy:
        index, seconds = build_tantivy(args.db, work / "tantivy", args.limit)
        print(f"tantivy: built in {seconds:,.1f} s; {folder_size(work / 'tantivy') / n:,.0f} bytes/article")
        searcher = index.searcher()
        for label, query in [("one word", "korupsi"), ("phrase", '"dana desa"'),
                             # tantivy's parser writes NOT as a leading minus, and has no prefix*:
                             # the product would expand a prefix with Searcher.terms_with_prefix
                             ("three words, boolean", 'korupsi AND (kpk OR kejaksaan) -"dana desa"')]:
            q = index.parse_query(query, ["title", "body"])
            ms = timed(lambda: searcher.search(q, limit=1).count) * 1000
            print(f"  {label:<22} {query!r}: {searcher.search(q, limit=1).count:,} matches, count {ms:,.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
