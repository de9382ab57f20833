"""Keep the warehouse's search index (warehouse/search.py) in step with its articles.

Run at the end of every load, and by `python -m etl index` for a warehouse made before the index
existed. Which article version the index holds is recorded in the warehouse (`search_indexed`), so a
sync only (re)indexes what changed. A crash cannot leave the two disagreeing for good: rows are marked
'pending' in DuckDB before the index is written and 'done' after its commit, and a pending article is
deleted from the index before it is added again.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse import search

BATCH = 5_000
WRITER_HEAP = 128_000_000   # bytes of tantivy's indexing buffer (split between its threads)

STATE_DDL = """
CREATE TABLE IF NOT EXISTS search_indexed (
    article_id      VARCHAR PRIMARY KEY,
    content_hash    VARCHAR NOT NULL,
    status          VARCHAR NOT NULL        -- pending: being written to the index; done: committed
)"""


@dataclass
class SyncReport:
    added: int = 0
    removed: int = 0
    seconds: float = 0.0
    rebuilt: bool = False


def _writer(folder: Path) -> tuple[Any, Any]:  # a tantivy Index and its IndexWriter
    import tantivy

    folder.mkdir(parents=True, exist_ok=True)
    schema = search.schema()
    layout = folder / search.LAYOUT_FILE
    if (folder / "meta.json").exists():
        if not layout.exists() or layout.read_text(encoding="utf-8").strip() != search.LAYOUT:
            raise ValueError("an index of another layout")
        index = tantivy.Index.open(str(folder))
    else:
        index = tantivy.Index(schema, path=str(folder))
        layout.write_text(search.LAYOUT + "\n", encoding="utf-8")
    return index, index.writer(heap_size=WRITER_HEAP, num_threads=2)


def index_ready(db: str | Path) -> bool:
    """Whether the warehouse at `db` has a search index folder to keep in step (a load builds it)."""
    return (search.index_path(db) / "meta.json").exists()


def sync(con: duckdb.DuckDBPyConnection, db: str | Path) -> SyncReport:
    """Bring the index beside `db` up to date with the articles in `con` (a write connection)."""
    import tantivy

    started = time.perf_counter()
    report = SyncReport()
    folder = search.index_path(db)
    con.execute(STATE_DDL)
    try:
        index, writer = _writer(folder)
    except ValueError:
        # An index of another layout (or a damaged one): rebuilt from the warehouse, which holds the text.
        shutil.rmtree(folder, ignore_errors=True)
        con.execute("DELETE FROM search_indexed")
        index, writer = _writer(folder)
        report.rebuilt = True
    if not (folder / "meta.json").exists() or index.searcher().num_docs == 0:
        # A fresh folder (first sync, or the folder was deleted): nothing in it is done.
        con.execute("DELETE FROM search_indexed")

    gone = [r[0] for r in con.execute(
        "SELECT s.article_id FROM search_indexed AS s ANTI JOIN articles AS a USING (article_id)").fetchall()]
    todo = con.sql("""
        WITH current AS (
            SELECT a.article_id, v.content_hash
            FROM articles AS a JOIN article_versions AS v USING (article_id)
        )
        SELECT c.article_id, c.content_hash, s.status IS NOT NULL AS seen
        FROM current AS c
        LEFT JOIN search_indexed AS s USING (article_id)
        WHERE s.article_id IS NULL OR s.status <> 'done' OR s.content_hash <> c.content_hash
    """).to_arrow_table()
    if not gone and not todo.num_rows:
        writer.rollback()
        report.seconds = time.perf_counter() - started
        return report

    if todo.num_rows:
        con.register("search_todo", todo)
        con.execute("""
            INSERT OR REPLACE INTO search_indexed
            SELECT article_id, content_hash, 'pending' FROM search_todo
        """)
    for article_id in gone:
        writer.delete_documents_by_term("id", article_id)
    seen = set(todo.filter(todo["seen"]).column("article_id").to_pylist()) if todo.num_rows else set()
    for article_id in seen:
        writer.delete_documents_by_term("id", article_id)
    if todo.num_rows:
        cur = con.execute("""
            SELECT a.article_id, a.title, a.body
            FROM articles AS a SEMI JOIN search_todo AS t USING (article_id)
        """)
        while True:
            batch = cur.fetchmany(BATCH)
            if not batch:
                break
            for article_id, title, body in batch:
                doc = tantivy.Document()
                doc.add_text("id", article_id)
                doc.add_unsigned("key", search.article_key(article_id))
                doc.add_text("text", search.document_text(title, body))
                writer.add_document(doc)
            report.added += len(batch)
    writer.commit()
    writer.wait_merging_threads()
    if todo.num_rows:
        con.execute("UPDATE search_indexed SET status = 'done' WHERE article_id IN (SELECT article_id FROM search_todo)")
        con.unregister("search_todo")
    if gone:
        con.register("search_gone", pa.table({"article_id": pa.array(gone, pa.string())}))
        con.execute("DELETE FROM search_indexed WHERE article_id IN (SELECT article_id FROM search_gone)")
        con.unregister("search_gone")
    report.removed = len(gone)
    report.seconds = time.perf_counter() - started
    return report
