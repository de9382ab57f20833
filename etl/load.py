"""Load inputs into the warehouse: incremental, idempotent, batch-transactional, in parallel.

The seams, each its own module: inputs (files -> hashed work items), work (extraction, pure),
executors (where extraction runs: this process, local workers, a Dask cluster), storage (the only
writer: DuckDB file or lake) and report (what the load says). This module wires them: the main
process reads files and asks the store what is new; the executor extracts; the store writes each
finished batch in one transaction, in input order. At most a few batches are in flight, so memory
stays bounded whatever the size of the input.
"""
from __future__ import annotations

import os
import random
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Iterable, Iterator

from warehouse.lake import LakeConflict, LakeError

from .executors import default_workers, make_executor, run_ordered
from .exports import TableOptions
from .inputs import Item, chunks, discover, extractor_fingerprint, iter_items, path_text
from .report import FileProblem, LoadReport
from .storage import DuckDBStore, Store, WarehouseLocked
from .work import Built

__all__ = ["BATCH_SIZE", "FileProblem", "LoadReport", "WarehouseLocked", "discover", "extractor_fingerprint",
           "load_paths", "open_store"]

BATCH_SIZE = 500
LAKE_TRIES = 8  # a lake load beaten to its commit by another machine's is run again, this many times at most

# Set by the command line's SIGINT and SIGTERM handlers. The handler also raises KeyboardInterrupt
# where the load is, but DuckDB can swallow that exception when the signal lands inside one of its
# calls (a Ctrl-C test saw the load run to its end once, exit 0, under a busy machine): the load
# checks this between batches too.
STOP = threading.Event()


def _check_stop() -> None:
    if STOP.is_set():
        raise KeyboardInterrupt


def open_store(db: str | os.PathLike[str], report: LoadReport, evidence: bool = False) -> Store:
    """The writer for a warehouse location: a DuckDB file, or a lake (see warehouse/lake.py)."""
    import warehouse

    if warehouse.is_lake(db):
        from .lake_store import LakeStore

        return LakeStore(str(db), report, evidence)
    return DuckDBStore(db, report, evidence)


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    options: TableOptions | None = None,
    workers: int | None = None,
    evidence: bool = False,
    scheduler: str | None = None,
) -> LoadReport:
    """Load every input under `paths` into the warehouse at `db` (or $MEDIA_DB).

    evidence=True also keeps every occurrence's offsets in mention_evidence (about 400 bytes an
    article); without it they can be recomputed from the stored text, as extraction is deterministic.
    scheduler: None (this machine's cores), "local" (a Dask cluster of `workers` processes here) or a
    Dask scheduler's address such as tcp://10.0.0.5:8786.

    Into a lake, a load that another machine's load beat to the commit is run again on top of it
    (what is new is decided again, so an article both loaded is added once), up to LAKE_TRIES times.
    """
    listed = [str(p) for p in paths]
    for attempt in range(1, LAKE_TRIES + 1):
        try:
            return _load_once(listed, db, progress, options, workers, evidence, scheduler)
        except LakeConflict as exc:
            if attempt == LAKE_TRIES:
                raise LakeError(f"{exc}; gave up after {attempt} tries, load again") from exc
            print(f"{exc}: loading again on top of it", file=sys.stderr)
            time.sleep(random.uniform(0.0, 0.2 * attempt))  # two losers at once part ways
    raise AssertionError("unreachable")


def _load_once(
    listed: list[str],
    db: str | os.PathLike[str] | None,
    progress: bool | None,
    options: TableOptions | None,
    workers: int | None,
    evidence: bool,
    scheduler: str | None,
) -> LoadReport:
    import warehouse

    started = time.perf_counter()
    started_at = datetime.now(timezone.utc)
    files, problems = discover(listed)
    named = [path_text(p) for p in listed]  # as recorded in load_runs: a name that is not UTF-8, escaped
    report = LoadReport(files_seen=len(files), problems=problems)
    fingerprint = extractor_fingerprint() + ("+evidence" if evidence else "")
    report.extractor = fingerprint
    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="row", desc="loading", total=None)
    store = open_store(db if db is not None else warehouse.location(), report, evidence)
    executor = None
    try:
        store.start_run(named, started_at)
        report.pending.extend(problems)

        def new_work() -> Iterator[list[Item]]:
            for chunk in _timed(chunks(iter_items(files, fingerprint, options), report, BATCH_SIZE), report):
                _check_stop()
                if bar is not None:
                    bar.update(len(chunk))
                t = time.perf_counter()
                todo = store.filter_new(chunk)
                report.writer_seconds += time.perf_counter() - t
                if todo:
                    yield todo

        def write(built: Built) -> None:
            _check_stop()
            t = time.perf_counter()
            store.write(built)
            report.writer_seconds += time.perf_counter() - t

        executor = make_executor(workers, scheduler, threshold=BATCH_SIZE // 2, evidence=evidence)
        depth = 2 * (executor.workers if scheduler else workers or default_workers())
        run_ordered(executor, new_work(), write, depth=depth)
        report.workers = executor.workers
        report.worker_restarts, report.worker_death = getattr(executor, "restarts", 0), getattr(executor, "died", "")
        executor.close()
        executor = None
        report.seconds = time.perf_counter() - started
        _check_stop()
        t = time.perf_counter()
        store.finish(named, started_at)
        _check_stop()
        report.finish_seconds = time.perf_counter() - t
    finally:
        if executor is not None:
            executor.close()
        store.close()
        if bar is not None:
            bar.close()
    return report


def _timed(chunks_: Iterator[list[Item]], report: LoadReport) -> Iterator[list[Item]]:
    """The chunks, adding the time spent reading and hashing them to report.input_seconds."""
    while True:
        t = time.perf_counter()
        chunk = next(chunks_, None)
        report.input_seconds += time.perf_counter() - t
        if chunk is None:
            return
        yield chunk
