"""The lake's writer: a DuckDBStore on a local working copy, published to the lake as a new version.

Everything that must see the whole warehouse (what is new, stories, the registry, rollups, the
search index) runs on the working copy exactly as on a single-file warehouse, so a lake load and a
file load of the same inputs give the same rows. At the end, only the partitions whose rows changed
are written as new Parquet files, and one new catalog version names them all (warehouse/lake.py).

The working copy is a cache: when it is missing, or another machine committed a newer version, it
is rebuilt from the lake's files, and what DuckDB would keep for us (the run-id sequence) is set
from the data. A crash mid-load leaves the lake as it was and the working copy consistent (batches
are transactions); the next load carries on from the working copy. A load that loses the race for
its version (LakeConflict) marks its working copy stale: the load is run again from the new
version (etl/load.py). Loads into one lake from one machine take turns (a lock file beside the
working copy): DuckDB lets one process at a time open it.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

import duckdb

import warehouse
from warehouse.lake import (
    TABLES,
    Lake,
    LakeConflict,
    LakeError,
    cache_dir,
    local_file,
    open_lake,
    partition_digests,
    partition_expr,
    place_search,
)
from warehouse.search import index_path as index_folder

from . import search_index
from .inputs import Item
from .records import ArticleBundle
from .report import FileProblem, LoadReport
from .storage import DuckDBStore


class LakeStore:
    def __init__(self, location: str, report: LoadReport, evidence: bool = False) -> None:
        self.location = location
        self.lake: Lake = open_lake(location)
        self.cache = cache_dir(location)
        self.cache.mkdir(parents=True, exist_ok=True)
        self.copy = self.cache / "writer.duckdb"
        self.state = self.cache / "writer.json"
        self._lock = _take_turn(self.cache / "writer.lock", location)
        try:
            self.base = self.lake.head()
            if self._copy_version() != self.base:
                self._restore()
        except OSError as exc:
            self._lock.close()
            raise LakeError(f"{location}: the lake cannot be read ({str(exc).splitlines()[0]})") from exc
        except BaseException:
            self._lock.close()
            raise
        self.inner = DuckDBStore(self.copy, report, evidence, publish=False)

    # The store interface: the working copy does the work.
    def start_run(self, paths: list[str], started_at: datetime) -> int:
        return self.inner.start_run(paths, started_at)

    def filter_new(self, chunk: list[Item]) -> list[Item]:
        return self.inner.filter_new(chunk)

    def write(self, built: list[tuple[Item, ArticleBundle | FileProblem]]) -> None:
        self.inner.write(built)

    def finish(self, paths: list[str], started_at: datetime) -> None:
        self.inner.finish(paths, started_at)
        con = self.inner.connection()
        con.execute("CHECKPOINT")
        r = self.inner.report
        if self.inner.settled and not r.problems and not sum(r.rejected.values()):
            # Nothing changed but this run's bookkeeping: no version (a commit reads every partition's
            # digest, O(warehouse)); the working copy keeps the run row for this machine's next commit.
            return
        try:
            version = self._publish(con)
        except LakeConflict:
            # This copy holds the load on an old version: the next open rebuilds it from the lake.
            self.state.unlink(missing_ok=True)
            raise
        except OSError as exc:
            # The working copy keeps this load; the next load publishes it.
            raise LakeError(f"{self.location}: the lake cannot be written ({str(exc).splitlines()[0]}); "
                            f"this load is kept on this machine and goes to the lake with its next load, unless another "
                            f"machine commits first: then load these files again") from exc
        self._set_copy_version(version)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self._lock.close()

    # --- working copy -------------------------------------------------------------------------
    def _copy_version(self) -> int | None:
        if not self.copy.exists() or not self.state.exists():
            return None
        return json.loads(self.state.read_text()).get("version")

    def _set_copy_version(self, version: int) -> None:
        tmp = self.state.with_suffix(".tmp")
        tmp.write_text(json.dumps({"location": self.location, "version": version}))
        os.replace(tmp, self.state)

    def _restore(self) -> None:
        """Rebuild the working copy from the lake's current version."""
        doc = self.lake.version(self.base)
        self.state.unlink(missing_ok=True)
        for old in (self.copy, Path(str(self.copy) + ".wal")):
            old.unlink(missing_ok=True)
        shutil.rmtree(index_folder(self.copy), ignore_errors=True)
        con = warehouse.connect(self.copy)
        try:
            for table, files in doc["tables"].items():
                if files:
                    paths = [str(local_file(self.lake, f["path"], self.cache)) for f in files]
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?, hive_partitioning = false)", [paths])
            # A lake has no sequences: the next run id comes from the runs it holds.
            last = warehouse.scalar(con, "SELECT coalesce(max(run_id), 0) FROM load_runs")
            con.execute("DROP SEQUENCE IF EXISTS load_run_ids")
            con.execute(f"CREATE SEQUENCE load_run_ids START WITH {int(last) + 1}")
            if doc.get("search"):
                # The version's index was published with it, from a working copy whose index held
                # exactly these articles: they are indexed. (Without this, the first load on a new
                # machine indexed every article again beside the copies in the files it fetched:
                # 23,376 documents for 11,689 articles, and Search counted each match twice.)
                con.execute(search_index.STATE_DDL)
                con.execute("""
                    INSERT INTO search_indexed
                    SELECT a.article_id, v.content_hash, 'done'
                    FROM articles AS a JOIN article_versions AS v USING (article_id)
                """)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        place_search(self.lake, doc, self.cache, index_folder(self.copy))
        self._set_copy_version(self.base)

    # --- publishing ---------------------------------------------------------------------------
    def _publish(self, con: duckdb.DuckDBPyConnection) -> int:
        """Write the partitions that changed since the base version, then commit a version naming
        every partition's file."""
        old = self.lake.version(self.base)
        kept = {(t, f["partition"]): f for t, files in old["tables"].items() for f in files}
        tables: dict[str, list[dict]] = {}
        scratch = self.cache / "outgoing"
        scratch.mkdir(exist_ok=True)
        for table in TABLES:
            entries = []
            for part, (rows, digest) in sorted(partition_digests(con, table).items()):
                prev = kept.get((table, part))
                if prev and prev["digest"] == digest:
                    entries.append(prev)
                    continue
                rel = f"{table}/month={part}/part-{digest}.parquet"
                local = scratch / f"{table}-{part}-{digest}.parquet"
                con.execute(f"COPY (SELECT * FROM {table} WHERE {partition_expr(table)} = '{part}') "
                            f"TO '{local}' (FORMAT parquet, COMPRESSION zstd)")
                self.lake.upload(local, rel)
                local.unlink()
                entries.append({"partition": part, "digest": digest, "rows": rows, "path": rel})
            tables[table] = entries
        search = self._publish_search({e["name"]: e for e in old.get("search", [])})
        last = warehouse.scalar(con, "SELECT coalesce(max(run_id), 0) FROM load_runs")
        return self.lake.commit({"tables": tables, "search": search, "sequences": {"load_run_ids": int(last)}},
                                expected_head=self.base)

    def _publish_search(self, before: dict[str, dict]) -> list[dict]:
        """The search index's files; tantivy never changes a segment file once written, so a file
        already in the lake under the same name and size is not sent again."""
        import hashlib

        folder = index_folder(self.copy)
        out = []
        for f in sorted(folder.glob("*")) if folder.is_dir() else []:
            if not f.is_file() or f.name.startswith(".") or f.name.endswith(".lock"):
                continue
            with f.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha1").hexdigest()[:20]
            prev = before.get(f.name)
            if prev and prev["digest"] == digest:
                out.append(prev)
                continue
            rel = f"search/{digest}-{f.name}"
            self.lake.upload(f, rel)
            out.append({"name": f.name, "digest": digest, "path": rel, "bytes": f.stat().st_size})
        return out


def _take_turn(path: Path, location: str) -> IO[str]:
    """Hold the machine's lock on this lake's working copy (released when the file is closed, or
    the process ends), waiting for a load already holding it."""
    fh = open(path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"waiting: another load into {location} runs on this machine", file=sys.stderr)
        fcntl.flock(fh, fcntl.LOCK_EX)
    return fh
