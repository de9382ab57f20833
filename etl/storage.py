"""Storage: the load's only writer. DuckDBStore writes the single-file warehouse.

The loader talks to a store through five calls (start_run, filter_new, write, finish, close); the
lake (etl/lake_store.py) is a store too. Everything that needs to see the whole warehouse happens
here, in one process: which inputs are new, stories (copies of one article across outlets), the
registry and the rollups.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

import warehouse

from . import lexicons, registry, rollups, rows, search_index
from .inputs import Item
from .records import ArticleBundle
from .report import FileProblem, LoadReport
from .stories import assign_stories

# DuckDB's share of the loader's memory: small while batches are written (the workers need theirs
# then), larger for the registry and rollups at the end (the workers have stopped), and small again
# while the search index, which has a buffer of its own, is written.
LOAD_MEMORY_LIMIT = "256MB"
FINISH_MEMORY_LIMIT = "512MB"

# How long a load waits for the warehouse when another process has it open (a reader of the
# warehouse file itself, or another load: loads queue this way), before giving up with a message.
LOCK_WAIT_SECONDS = float(os.environ.get("MEDIA_LOCK_WAIT") or 600)


# What the end of a load (registry, rollups, search index) was last built from, so that a load that
# changed no article skips it. Internal, like search_indexed: not part of the documented schema.
END_PHASE_DDL = "CREATE TABLE IF NOT EXISTS end_phase_state (fingerprint VARCHAR NOT NULL)"


def end_phase_fingerprint(extractor: str) -> str:
    """Changes with the extractor (its code, models and lexicons: `extractor`) and with anything else
    the end phase reads: the overrides the registry applies, and the code and SQL of this package and
    the warehouse (conservative: an edit anywhere rebuilds once)."""
    h = hashlib.sha1(extractor.encode())
    here = Path(__file__).resolve().parent
    for f in sorted([*here.glob("*.py"), *(here.parent / "warehouse").glob("*.py"), *(here.parent / "warehouse").glob("*.sql")]):
        h.update(f.name.encode() + f.read_bytes())
    overrides = Path(lexicons.lexicon_dir()) / "entity_overrides.csv"
    for f in (overrides, Path(lexicons.DEFAULT_DIR) / "entity_overrides.csv"):
        if f.is_file():
            h.update(f.read_bytes())
    return h.hexdigest()


class WarehouseLocked(RuntimeError):
    """Another process kept the warehouse file open for longer than the load would wait."""


class Store(Protocol):
    def start_run(self, paths: list[str], started_at: datetime) -> int: ...
    def filter_new(self, chunk: list[Item]) -> list[Item]: ...
    def write(self, built: list[tuple[Item, ArticleBundle | FileProblem]]) -> None: ...
    def finish(self, paths: list[str], started_at: datetime) -> None: ...
    def close(self) -> None: ...


def connect_for_load(db: str | os.PathLike[str], schema: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A write connection, waiting while another process has the file open (DuckDB lets one process
    write a file and no other read it meanwhile; the dashboard reads the published snapshot instead,
    but an analyst's own reader, or another load, may hold the file for a while)."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    deadline = time.monotonic() + wait
    said = False
    while True:
        try:
            con = warehouse.connect(db, schema=schema)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"{db}: another process has the warehouse open (another load, or a reader of the file itself); "
                    f"waited {wait:.0f} s. Try again when it has finished.") from exc
            if not said:
                print(f"waiting for {db}: another process has it open", file=sys.stderr, flush=True)
                said = True
            time.sleep(0.1)
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    return con


class DuckDBStore:
    """The single-file warehouse. One connection for the whole load: the file is locked from the
    first write to the end (readers use the snapshot published at the end, see warehouse.publish).

    What this load has seen, so that a second copy of an input or an article counts once, is kept in
    the warehouse, not in memory: article_versions.run_id says which load last wrote or met an article.
    Only inputs in flight (sent to the workers, not yet written) are held here.
    """

    def __init__(self, db: str | os.PathLike[str], report: LoadReport, evidence: bool = False, publish: bool = True) -> None:
        self.db = db
        self.report = report
        self.evidence = evidence
        self.publish = publish
        self.in_flight: set[str] = set()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.settled = False  # finish found nothing to rebuild (see END_PHASE_DDL)

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.con = connect_for_load(self.db, schema=True)
        return self.con

    def start_run(self, paths: list[str], started_at: datetime) -> int:
        con = self.connection()
        run_id = warehouse.scalar(con, "SELECT nextval('load_run_ids')")
        # Say so when this load extracts otherwise than the last one did (an upgrade, a lexicon
        # edited): every article it meets again is extracted again, and counts as updated.
        last = con.execute("SELECT extractor FROM load_runs WHERE finished_at IS NOT NULL "
                           "ORDER BY run_id DESC LIMIT 1").fetchone()
        if last and last[0] != self.report.extractor and warehouse.scalar(con, "SELECT count(*) > 0 FROM articles"):
            self.report.extractor_changed = True
        # finished_at stays NULL until the load ends: a crashed load is visible as such.
        con.execute(
            "INSERT INTO load_runs BY NAME SELECT ? AS run_id, ? AS started_at, ? AS inputs, ? AS extractor",
            [run_id, started_at, " ".join(paths), self.report.extractor],
        )
        self.report.run_id = run_id
        return run_id

    def filter_new(self, chunk: list[Item]) -> list[Item]:
        """Drop inputs already in the warehouse (same hash) or already met in this load."""
        fresh: list[Item] = []
        for item in chunk:
            if item.input_hash in self.in_flight:
                self.report.duplicates += 1
            else:
                self.in_flight.add(item.input_hash)
                fresh.append(item)
        if not fresh:
            return []
        con = self.connection()
        try:
            con.register("batch_hashes", pa.table({"content_hash": [i.input_hash for i in fresh]}))
            known = {h: (aid, run) for h, aid, run in con.execute(
                "SELECT v.content_hash, v.article_id, v.run_id FROM article_versions v JOIN batch_hashes USING (content_hash)"
            ).fetchall()}
            todo, met = [], []
            for item in fresh:
                hit = known.get(item.input_hash)
                if hit is None:
                    todo.append(item)
                    continue
                self.in_flight.discard(item.input_hash)
                if hit[1] == self.report.run_id:
                    self.report.duplicates += 1
                else:
                    self.report.unchanged += 1
                    met.append(item.input_hash)
            if met:
                con.register("met_hashes", pa.table({"content_hash": met}))
                con.execute(
                    "UPDATE article_versions SET run_id = ? WHERE content_hash IN (SELECT content_hash FROM met_hashes)",
                    [self.report.run_id],
                )
        finally:
            con.unregister("batch_hashes")
        return todo

    def write(self, built: list[tuple[Item, ArticleBundle | FileProblem]]) -> None:
        for item, _ in built:
            self.in_flight.discard(item.input_hash)
        con = self.connection()
        ids = sorted({r.article_id for _, r in built if not isinstance(r, FileProblem)})
        done: set[str] = set()
        earlier: set[str] = set()  # written by an earlier load: this one updates them
        if ids:
            # One look-up for both (each scans the article ids: 11-13 ms a batch at a million articles).
            con.register("built_ids", pa.table({"article_id": ids}))
            for aid, run in con.execute(
                "SELECT article_id, run_id FROM article_versions JOIN built_ids USING (article_id)"
            ).fetchall():
                (done if run == self.report.run_id else earlier).add(aid)
            con.unregister("built_ids")
        if any(not isinstance(r, FileProblem) for _, r in built):
            # Articles are about to change: the end phase must run, whatever happens next.
            con.execute(END_PHASE_DDL)
            con.execute("DELETE FROM end_phase_state")
        batch: list[tuple[Item, ArticleBundle]] = []
        for item, result in built:
            if isinstance(result, FileProblem):
                self.report.note(result, counts_as_row=True)
                continue
            if result.article_id in done:
                self.report.duplicates += 1
                continue
            done.add(result.article_id)
            for w in result.warnings:
                reason = w.split(":", 1)[0]
                self.report.warned[reason] += 1
                where = f"row {item.row_number}: " if item.row_number else ""
                problem = FileProblem(item.source, where + w, "warning", item.row_number, reason)
                self.report.pending.append(problem)
                if item.row_number is None:
                    self.report.problems.append(problem)
            batch.append((item, result))
        if batch:
            write_batch(con, batch, self.report, self.evidence, present=earlier)
        if len(self.report.pending) >= 5000:
            # Row problems go to the warehouse as the load runs, so a million of them are not held.
            flush_problems(con, self.report)

    def finish(self, paths: list[str], started_at: datetime) -> None:
        """Close the run: its totals, the registry, rollups, search index, then publish for readers.
        The memory cap matters most here: the registry aggregates every mention (13.6M rows at 1M
        articles took 2.2 GB uncapped; capped, DuckDB spills to disk)."""
        con = self.connection()
        r = self.report
        # The totals now, finished_at only when the registry, rollups and index are done: a run killed
        # in between was recorded as finished (issue 22).
        con.execute(
            "UPDATE load_runs SET files_seen = ?, articles_added = ?, articles_updated = ?, "
            "articles_unchanged = ?, files_failed = ?, seconds = ?, rows_seen = ?, duplicates = ?, rows_rejected = ? "
            "WHERE run_id = ?",
            [r.files_seen, r.added, r.updated, r.unchanged, r.failed, r.seconds,
             r.rows_seen, r.duplicates, sum(r.rejected.values()), r.run_id],
        )
        flush_problems(con, r)
        fingerprint = end_phase_fingerprint(r.extractor)
        con.execute(END_PHASE_DDL)
        self.settled = (r.added == 0 and r.updated == 0 and search_index.index_ready(warehouse.db_path(self.db))
                        and warehouse.scalar(con, "SELECT count(*) FROM end_phase_state WHERE fingerprint = ?", [fingerprint]) == 1)
        if not self.settled:
            # Also with nothing new when the overrides (or the code) changed: an edited
            # entity_overrides.csv takes effect on the next load.
            con.execute("DELETE FROM end_phase_state")
            con.execute(f"SET memory_limit = '{FINISH_MEMORY_LIMIT}'")
            registry.build(con)
            rollups.rebuild(con)
            con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
            search_index.sync(con, warehouse.db_path(self.db))
            con.execute("INSERT INTO end_phase_state VALUES (?)", [fingerprint])
        con.execute("UPDATE load_runs SET finished_at = now() WHERE run_id = ?", [r.run_id])
        quiet = not r.problems and not sum(r.rejected.values())
        if self.publish and not (self.settled and quiet and warehouse.snapshot_path(warehouse.db_path(self.db)).exists()):
            # The dashboard reads this copy: it shows the previous load's data until this point. A
            # load that changed nothing (and met no bad input) leaves it as it was: the copy is the
            # whole warehouse (16 of a 22 s end phase at 3M articles), and would differ only by this
            # run's bookkeeping row, which the next load that changes something publishes.
            warehouse.publish(con, warehouse.db_path(self.db))

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def write_batch(con: duckdb.DuckDBPyConnection, batch: list[tuple[Item, ArticleBundle]], report: LoadReport, evidence: bool = False,
                present: set[str] | None = None) -> None:
    """Write one batch in one transaction on the caller's connection. present: the batch's articles
    already in the warehouse (looked up here when not given)."""
    ids = [b.article_id for _, b in batch]
    if present is None:
        con.register("batch_ids", pa.table({"article_id": ids}))
        present = {r[0] for r in con.execute(
            "SELECT article_id FROM article_versions JOIN batch_ids USING (article_id)"
        ).fetchall()}
        con.unregister("batch_ids")
    else:
        present = present & set(ids)
    con.execute("BEGIN TRANSACTION")
    try:
        stories = assign_stories(con, [b.article for _, b in batch])
        out: dict[str, list[dict]] = {name: [] for name in [*rows.ARTICLE_TABLES, "mention_evidence"]}
        for _, b in batch:
            story = stories[b.article_id]
            b.article["story_id"] = story
            out["articles"].append(b.article)
            out["trending"].extend(b.trending)
            day, outlet = b.article["published_date"], b.article["outlet"]
            observed = {t["rank"]: t["observed_date"] for t in b.trending}
            for m in b.mentions:
                is_trending = m["part"] == "trending"
                m["event_date"] = observed.get(m["trending_rank"]) or day if is_trending else day
                m["outlet"], m["story_id"] = outlet, story
            out["mentions"].extend(b.mentions)
            if evidence:
                out["mention_evidence"].extend(b.evidence)
        now = datetime.now(timezone.utc)
        versions = pa.table({
            "article_id": ids,
            "content_hash": [item.input_hash for item, _ in batch],
            "fetched_at": pa.array([b.fetched_at for _, b in batch], rows.ARTICLE_VERSIONS.field("fetched_at").type),
            "loaded_at": pa.array([now] * len(batch), rows.ARTICLE_VERSIONS.field("loaded_at").type),
            "run_id": pa.array([report.run_id] * len(batch), pa.int32()),
        }, schema=rows.ARTICLE_VERSIONS)
        if present:
            # Only updated articles have old rows; deleting for new ones too fragmented the file.
            con.register("updated_ids", pa.table({"article_id": sorted(present)}))
            for name in [*rows.ARTICLE_TABLES, "mention_evidence", "article_versions"]:
                con.execute(f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM updated_ids)")
        tables = dict(rows.ARTICLE_TABLES, mention_evidence=rows.MENTION_EVIDENCE) if evidence else rows.ARTICLE_TABLES
        for name, schema in tables.items():
            con.register("incoming", rows.to_arrow(out[name], schema))
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
        con.register("incoming_versions", versions)
        con.execute("INSERT INTO article_versions BY NAME SELECT * FROM incoming_versions")
        # The batch's remarks (and problems met since the last batch) commit with its articles: a crash
        # cannot keep the articles and lose what was said about them.
        flush_problems(con, report)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            # DuckDB may have ended the transaction itself (a full disk): the error that says why is
            # the one to raise, not "cannot rollback - no transaction is active" chained after it.
            pass
        raise
    report.updated += len(present)
    report.added += len(batch) - len(present)


def flush_problems(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    if not report.pending:
        return
    now = datetime.now(timezone.utc)
    todo = report.pending
    errors = pa.table({
        "run_id": [report.run_id] * len(todo),
        "source_path": [p.path for p in todo],
        "severity": [p.severity for p in todo],
        "message": [p.message for p in todo],
        "logged_at": [now] * len(todo),
        "row_number": [p.row_number for p in todo],
        "reason": [p.reason for p in todo],
    }, schema=rows.LOAD_ERRORS)
    con.register("incoming_errors", errors)
    # Each problem once, under the run that first met it: a rerun after a crash (or a second load of
    # the same files) meets the same rejected rows and broken files again.
    con.execute("""
        INSERT INTO load_errors BY NAME
        SELECT i.* FROM incoming_errors AS i
        WHERE NOT EXISTS (
            SELECT 1 FROM load_errors AS e
            WHERE e.source_path = i.source_path AND e.message = i.message
              AND e.row_number IS NOT DISTINCT FROM i.row_number
        )
    """)
    con.unregister("incoming_errors")
    report.pending = []

