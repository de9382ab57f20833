"""Load inputs into the warehouse: incremental, idempotent, batch-transactional, in parallel.

The main process reads files and decides what is new (by a hash of each input); worker processes
parse and extract; the main process writes each finished batch in one short transaction. The
database is opened only for that write, so a reader (the dashboard) is shut out for the length of
one transaction, not for the whole load. At most a few batches are in flight, so memory stays
bounded whatever the size of the input.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import pyarrow as pa

import warehouse

from . import lexicons
from .columns import ColumnError
from .dates import numeric_dayfirst
from .exports import TABLE_SUFFIXES, ExportError, TableOptions, looks_like, read_table, undecodable_bytes
from .features import MODELS
from .page_parser import PageParseError
from .records import META_SUFFIX, READ_AS_KEY, ArticleBundle, RowRejected, bundle_from_page, bundle_from_row, read_meta
from . import registry, rollups, search_index
from .stories import assign_stories

PAGE_SUFFIXES = {".txt"}
BATCH_SIZE = 500
# Bump when a code change alters what is extracted, so the next load redoes every article.
EXTRACTOR_VERSION = "3"

_ARTICLE_COLUMNS = [
    ("article_id", pa.string()), ("url", pa.string()), ("outlet", pa.string()), ("title", pa.string()),
    ("caption", pa.string()), ("photo_credit", pa.string()), ("dateline", pa.string()), ("body", pa.string()),
    ("published_date", pa.date32()), ("date_source", pa.string()), ("source_path", pa.string()),
    ("category", pa.string()), ("author", pa.string()), ("story_id", pa.string()), ("title_key", pa.string()),
    ("body_sig", pa.list_(pa.uint32())),
]
_SCHEMAS = {
    "articles": pa.schema(_ARTICLE_COLUMNS),
    "trending": pa.schema([
        ("article_id", pa.string()), ("rank", pa.int32()), ("headline", pa.string()), ("observed_date", pa.date32()),
    ]),
    "mentions": pa.schema([
        ("article_id", pa.string()), ("part", pa.string()), ("trending_rank", pa.int32()), ("kind", pa.string()),
        ("entity", pa.string()), ("entity_code", pa.string()), ("n", pa.int32()), ("event_date", pa.date32()),
        ("outlet", pa.string()), ("story_id", pa.string()), ("name", pa.string()), ("entity_id", pa.int64()),
    ]),
}
_EVIDENCE_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("part", pa.string()), ("trending_rank", pa.int32()), ("kind", pa.string()),
    ("entity", pa.string()), ("start_offset", pa.int32()), ("end_offset", pa.int32()),
])


@dataclass
class FileProblem:
    path: str
    message: str
    severity: str = "error"  # error: nothing loaded from the file; rejected: a row not loaded; warning
    row_number: int | None = None
    reason: str | None = None  # the message without row details, to count problems per reason


@dataclass
class LoadReport:
    files_seen: int = 0
    rows_seen: int = 0  # pages and export rows read
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # already in the warehouse, identical
    duplicates: int = 0  # the same article met earlier in this load
    rejected: Counter = field(default_factory=Counter)  # reason -> rows not loaded
    warned: Counter = field(default_factory=Counter)  # reason -> rows loaded with a remark
    problems: list[FileProblem] = field(default_factory=list)  # file-level: kept for the summary
    pending: list[FileProblem] = field(default_factory=list)  # every problem not yet in load_errors
    seconds: float = 0.0
    run_id: int | None = None
    workers: int = 1

    @property
    def failed(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def loaded(self) -> int:
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        rejected = sum(self.rejected.values())
        lines = [
            f"files: {self.files_seen}  rows read: {self.rows_seen}  failed files: {self.failed}  "
            f"seconds: {self.seconds:.1f}",
            f"articles added: {self.added}  updated: {self.updated}  already present: {self.unchanged}  "
            f"duplicates in this load: {self.duplicates}  rows rejected: {rejected}",
        ]
        for reason, n in self.rejected.most_common():
            lines.append(f"  rejected {n:>7}  {reason}")
        for reason, n in self.warned.most_common():
            lines.append(f"  loaded with remark {n:>7}  {reason}")
        file_level = self.problems
        for p in file_level[:50]:
            lines.append(f"  {p.severity.upper()} {_shown(p.path)}: {_shown(p.message)}")
        if len(file_level) > 50:
            lines.append(f"  ... and {len(file_level) - 50} more in load_errors")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Inputs: files -> work items (or problems), each with a hash of everything it is built from.


@dataclass
class _Item:
    kind: str  # page | row
    source: str
    row_number: int | None
    payload: object  # (text, meta) for a page; fields for a row
    input_hash: str
    dayfirst: bool = True


def _shown(text: str) -> str:
    """A file name or message for a one-line report: control characters (a newline in a file name
    could fake a report line) written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileProblem]]:
    """Input files under the given paths, in a stable order; missing paths are problems."""
    found: list[Path] = []
    problems: list[FileProblem] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(_walk(p, problems))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(FileProblem(str(p), "no such file or folder"))
    return found, problems


def _walk(folder: Path, problems: list[FileProblem]) -> list[Path]:
    """Input files under a folder, sorted. A folder that cannot be read is reported; linked folders
    are not followed (a link back up made a loop), and are reported too."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        problems.append(FileProblem(str(exc.filename or folder), f"folder not readable ({exc.strerror or exc})", "warning"))

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        for d in sorted(dirs):
            if os.path.islink(os.path.join(root, d)):
                problems.append(FileProblem(os.path.join(root, d), "a link to a folder: not followed (load its target itself)", "warning"))
        for name in files:
            f = Path(root) / name
            if _is_input(f) and f.is_file():
                found.append(f)
    return sorted(found)


def _is_input(path: Path) -> bool:
    suffix = path.suffix.lower()
    if path.name.startswith(".") or path.name.endswith(META_SUFFIX):
        return False
    return suffix in PAGE_SUFFIXES or suffix in TABLE_SUFFIXES


def extractor_fingerprint() -> str:
    """Changes when the extractor, its model or any lexicon changes, so that a reload redoes the
    affected articles. entity_overrides.csv counts only for its blocks: merges and splits act in the
    registry at the end of the load, without reading articles again."""
    from .registry import blocked

    h = hashlib.sha1(EXTRACTOR_VERSION.encode())
    # sorted: a set's order changes from process to process (string hashing is salted), and so did
    # the fingerprint, making a second load in a new process redo every article.
    for folder in sorted({Path(lexicons.DEFAULT_DIR), Path(lexicons.lexicon_dir()), Path(MODELS)}):
        for f in sorted(Path(folder).glob("*")):
            if f.is_file() and f.name != "entity_overrides.csv":
                h.update(f.name.encode() + f.read_bytes())
    h.update(repr(sorted(blocked())).encode())
    return h.hexdigest()


def _hash(fingerprint: str, payload: object) -> str:
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1((fingerprint + data).encode("utf-8")).hexdigest()


def iter_items(
    files: list[Path], fingerprint: str, options: TableOptions | None = None
) -> Iterator[_Item | FileProblem]:
    """Work items of every file, streaming; a broken file (or row) yields a FileProblem and the rest go on."""
    for path in files:
        source = str(path.resolve())
        suffix = path.suffix.lower()
        if suffix in PAGE_SUFFIXES:
            try:
                raw = path.read_bytes()
                read_as = None
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    # Indonesian sites that are not UTF-8 are Windows-1252 (Latin-1): read it as that,
                    # and say so, rather than lose the page.
                    looks = looks_like(raw[exc.start:exc.start + 64])
                    if looks is None:
                        raise ValueError(f"not UTF-8 text (byte {exc.start}), nor any encoding it looks like") from exc
                    text, read_as = raw.decode(looks[0], errors="replace"), (exc.start, looks[1])
                meta = read_meta(path)
                if read_as:
                    meta = {**meta, READ_AS_KEY: f"not UTF-8 from byte {read_as[0]}: read as {read_as[1]}"}
            except Exception as exc:
                yield FileProblem(source, _reason(exc))
                continue
            yield _Item("page", source, None, (text, meta), _hash(fingerprint, [text, meta]))
        elif suffix in TABLE_SUFFIXES:
            yield from _table_items(path, source, fingerprint, options)
        else:
            yield FileProblem(source, f"unsupported file type {suffix or '(none)'}; expected .txt, .csv, .jsonl, .json or .parquet")


def _reason(exc: BaseException) -> str:
    """A readable reason for an error met while reading or processing one file or row."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "too large to read into memory"
    if isinstance(exc, (ExportError, ColumnError, OSError, UnicodeDecodeError, ValueError)):
        return str(exc) or type(exc).__name__
    return f"could not be processed ({type(exc).__name__}: {exc})"


def _table_items(path: Path, source: str, fingerprint: str, options: TableOptions | None) -> Iterator[_Item | FileProblem]:
    head: list = []
    try:
        rows = read_table(path, options)
        # The first rows decide whether numeric dates are day-first (Indonesian) or month-first.
        for row in rows:
            head.append(row)
            if len(head) >= 1000:
                break
    except Exception as exc:  # any failure reading one file is that file's problem, never the load's
        yield FileProblem(source, _reason(exc))
        return
    dayfirst = numeric_dayfirst([r.fields.get("date", "") for r in head])

    def items(seq) -> Iterator[_Item | FileProblem]:
        for row in seq:
            if row.problem:
                yield FileProblem(source, f"row {row.number}: {row.problem}", "rejected", row.number, row.problem)
                continue
            yield _Item("row", source, row.number, row.fields, _hash(fingerprint, [row.fields, dayfirst]), dayfirst)

    yield from items(head)
    try:
        yield from items(rows)
    except Exception as exc:
        yield FileProblem(source, f"stopped reading after row {head[-1].number if head else 0}: {_reason(exc)}")
    replaced, sample = undecodable_bytes()
    if replaced:
        looks = looks_like(sample or b"")
        yield FileProblem(source, f"encoding: {replaced:,} bytes were not UTF-8 and became \ufffd"
                          + (f"; they look like {looks[1]}" if looks else ""), "warning", None, "encoding")


# ---------------------------------------------------------------------------------------------
# Work: items -> bundles (in worker processes).


def _build(item: _Item) -> ArticleBundle | FileProblem:
    try:
        if item.kind == "page":
            text, meta = item.payload
            return bundle_from_page(text, item.source, meta)
        return bundle_from_row(item.payload, item.source, dayfirst=item.dayfirst)
    except RowRejected as exc:
        return FileProblem(item.source, f"row {item.row_number}: {exc}", "rejected", item.row_number, str(exc))
    except Exception as exc:  # one page or row that cannot be processed never stops the load
        where = f"row {item.row_number}: " if item.row_number else ""
        severity = "rejected" if item.row_number else "error"
        reason = str(exc) if isinstance(exc, (PageParseError, ValueError)) else _reason(exc)
        return FileProblem(item.source, f"{where}{reason}", severity, item.row_number, reason)


def _build_chunk(items: list[_Item]) -> list[tuple[_Item, ArticleBundle | FileProblem]]:
    return [(it, _build(it)) for it in items]


def _default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


# ---------------------------------------------------------------------------------------------
# The load.


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    options: TableOptions | None = None,
    workers: int | None = None,
    evidence: bool = False,
) -> LoadReport:
    """Load every input under `paths` into the warehouse at `db` (or $MEDIA_DB).

    evidence=True also keeps every occurrence's offsets in mention_evidence (about 400 bytes an
    article); without it they can be recomputed from the stored text, as extraction is deterministic.
    """
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc)
    paths = [str(p) for p in paths]
    files, problems = discover(paths)
    report = LoadReport(files_seen=len(files), problems=problems)
    fingerprint = extractor_fingerprint() + ("+evidence" if evidence else "")
    workers = workers or _default_workers()
    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="row", desc="loading", total=None)

    report.run_id = _start_run(db, paths, started_at)
    for p in problems:
        report.pending.append(p)
    state = _LoadState(db, report, evidence)
    pool = None
    in_flight: deque = deque()
    try:
        for chunk in _chunks(iter_items(files, fingerprint, options), report, BATCH_SIZE):
            todo = state.filter_new(chunk)
            if bar is not None:
                bar.update(len(chunk))
            if not todo:
                continue
            if pool is None and workers > 1 and len(todo) >= BATCH_SIZE // 2:
                pool = multiprocessing.get_context("fork").Pool(workers, initializer=_warm)
                report.workers = workers
            if pool is None:
                state.write(_build_chunk(todo))
                continue
            in_flight.append(pool.apply_async(_build_chunk, (todo,)))
            # Bounded: a few chunks in flight keep both cores busy without holding the input in memory.
            while len(in_flight) > 2 * workers:
                state.write(in_flight.popleft().get())
        while in_flight:
            state.write(in_flight.popleft().get())
    finally:
        state.close()
        if pool is not None:
            _stop(pool)
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - started
    _write_report(db, report, paths, started_at)
    return report


def _stop(pool) -> None:
    """Stop the workers (at the end, on an error or on Ctrl-C; their unfinished chunks were never
    written). Workers ignore SIGINT (see _warm), so terminating them does not wait on one that was
    interrupted mid-task: that had left Pool.terminate() hanging for 608 s once."""
    pool.terminate()


# The loader's share of memory; the rest of the 2 GB budget is the workers'.
LOAD_MEMORY_LIMIT = "512MB"


# How long a load waits for the warehouse when another process has it open (a reader of the
# warehouse file itself, or another load: loads queue this way), before giving up with a message.
LOCK_WAIT_SECONDS = float(os.environ.get("MEDIA_LOCK_WAIT") or 600)


class WarehouseLocked(RuntimeError):
    """Another process kept the warehouse file open for longer than the load would wait."""


def _connect_for_load(db, schema: bool = False, wait: float | None = None):
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


def _warm() -> None:
    # Ctrl-C is the parent's to handle: a worker interrupted mid-task left Pool.terminate() waiting
    # (608 s once). The parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Load lexicons once per worker, before the first chunk arrives.
    from .extract import extract_article

    extract_article("Presiden Joko Widodo", None, "Presiden Joko Widodo di Jakarta.", [])


def _chunks(items: Iterator[_Item | FileProblem], report: LoadReport, size: int) -> Iterator[list[_Item]]:
    chunk: list[_Item] = []
    for item in items:
        if isinstance(item, FileProblem):
            if item.row_number is not None:
                report.rows_seen += 1
            _note_problem(report, item, counts_as_row=item.row_number is not None)
            continue
        report.rows_seen += 1
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _note_problem(report: LoadReport, problem: FileProblem, counts_as_row: bool) -> None:
    report.pending.append(problem)
    if problem.row_number is None:
        report.problems.append(problem)
    if counts_as_row:
        report.rejected[problem.reason or problem.message] += 1


class _LoadState:
    """What this load has seen, so that a second copy of an input or an article counts once.

    The warehouse remembers it, not this process: article_versions.run_id says which load last wrote
    or met an article, so memory does not grow with the input. Only inputs in flight (submitted to
    the workers, not yet written) are held here.
    """

    def __init__(self, db, report: LoadReport, evidence: bool = False) -> None:
        self.db = db
        self.report = report
        self.evidence = evidence
        self.in_flight: set[str] = set()
        self.con = None
        self.batches = 0

    def filter_new(self, chunk: list[_Item]) -> list[_Item]:
        """Drop inputs already in the warehouse (same hash) or already met in this load."""
        fresh: list[_Item] = []
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

    def write(self, built: list[tuple[_Item, ArticleBundle | FileProblem]]) -> None:
        for item, _ in built:
            self.in_flight.discard(item.input_hash)
        con = self.connection()
        try:
            ids = sorted({r.article_id for _, r in built if not isinstance(r, FileProblem)})
            done: set[str] = set()
            if ids:
                con.register("built_ids", pa.table({"article_id": ids}))
                done = {r[0] for r in con.execute(
                    "SELECT article_id FROM article_versions JOIN built_ids USING (article_id) WHERE run_id = ?",
                    [self.report.run_id],
                ).fetchall()}
            batch: list[tuple[_Item, ArticleBundle]] = []
            for item, result in built:
                if isinstance(result, FileProblem):
                    _note_problem(self.report, result, counts_as_row=True)
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
                _write_batch(con, batch, self.report, self.evidence)
            if len(self.report.pending) >= 5000:
                # Row problems go to the warehouse as the load runs, so a million of them are not held.
                _flush_problems(con, self.report)
        finally:
            self.batches += 1

    def connection(self):
        if self.con is None:
            self.con = _connect_for_load(self.db)
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _write_batch(con, batch: list[tuple[_Item, ArticleBundle]], report: LoadReport, evidence: bool = False) -> None:
    """Write one batch in one transaction on the caller's connection."""
    ids = [b.article_id for _, b in batch]
    con.register("batch_ids", pa.table({"article_id": ids}))
    present = {r[0] for r in con.execute(
        "SELECT article_id FROM article_versions JOIN batch_ids USING (article_id)"
    ).fetchall()}
    con.execute("BEGIN TRANSACTION")
    try:
        stories = assign_stories(con, [b.article for _, b in batch])
        rows = {name: [] for name in [*_SCHEMAS, "mention_evidence"]}
        for _, b in batch:
            story = stories[b.article_id]
            b.article["story_id"] = story
            rows["articles"].append(b.article)
            rows["trending"].extend(b.trending)
            day, outlet = b.article["published_date"], b.article["outlet"]
            observed = {t["rank"]: t["observed_date"] for t in b.trending}
            for m in b.mentions:
                is_trending = m["part"] == "trending"
                m["event_date"] = observed.get(m["trending_rank"]) or day if is_trending else day
                m["outlet"], m["story_id"] = outlet, story
            rows["mentions"].extend(b.mentions)
            if evidence:
                rows["mention_evidence"].extend(b.evidence)
        now = datetime.now(timezone.utc)
        versions = pa.table({
            "article_id": ids,
            "content_hash": [item.input_hash for item, _ in batch],
            "fetched_at": pa.array([b.fetched_at for _, b in batch], pa.timestamp("us", tz="UTC")),
            "loaded_at": pa.array([now] * len(batch), pa.timestamp("us", tz="UTC")),
            "run_id": pa.array([report.run_id] * len(batch), pa.int32()),
        })
        if present:
            # Only updated articles have old rows; deleting for new ones too fragmented the file.
            con.register("updated_ids", pa.table({"article_id": sorted(present)}))
            for name in [*_SCHEMAS, "mention_evidence", "article_versions"]:
                con.execute(f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM updated_ids)")
        tables = dict(_SCHEMAS, mention_evidence=_EVIDENCE_SCHEMA) if evidence else _SCHEMAS
        for name, schema in tables.items():
            con.register("incoming", _to_arrow(rows[name], schema))
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
        con.register("incoming_versions", versions)
        con.execute("INSERT INTO article_versions BY NAME SELECT * FROM incoming_versions")
        # The batch's remarks (and problems met since the last batch) commit with its articles: a crash
        # cannot keep the articles and lose what was said about them.
        _flush_problems(con, report)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    report.updated += len(present)
    report.added += len(batch) - len(present)


def _to_arrow(rows: list[dict], schema: pa.Schema) -> pa.Table:
    # Arrow tables go into DuckDB ~100x faster than executemany.
    return pa.Table.from_pylist(rows, schema=schema)


def _start_run(db, paths: list[str], started_at: datetime) -> int:
    con = _connect_for_load(db, schema=True)
    try:
        run_id = con.execute("SELECT nextval('load_run_ids')").fetchone()[0]
        # finished_at stays NULL until the load ends: a crashed load is visible as such.
        con.execute(
            "INSERT INTO load_runs BY NAME SELECT ? AS run_id, ? AS started_at, ? AS inputs",
            [run_id, started_at, " ".join(paths)],
        )
        return run_id
    finally:
        con.close()


def _flush_problems(con, report: LoadReport) -> None:
    if not report.pending:
        return
    now = datetime.now(timezone.utc)
    todo = report.pending
    errors = pa.table({
        "run_id": pa.array([report.run_id] * len(todo), pa.int32()),
        "source_path": [p.path for p in todo],
        "severity": [p.severity for p in todo],
        "message": [p.message for p in todo],
        "logged_at": pa.array([now] * len(todo), pa.timestamp("us", tz="UTC")),
        "row_number": pa.array([p.row_number for p in todo], pa.int32()),
        "reason": [p.reason for p in todo],
    })
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


def _write_report(db, report: LoadReport, paths: list[str], started_at: datetime) -> None:
    # The memory cap matters most here: the registry aggregates every mention (13.6M rows at 1M
    # articles took 2.2 GB uncapped; capped, DuckDB spills to disk).
    con = _connect_for_load(db)
    try:
        con.execute(
            "UPDATE load_runs SET finished_at = now(), files_seen = ?, articles_added = ?, articles_updated = ?, "
            "articles_unchanged = ?, files_failed = ?, seconds = ?, rows_seen = ?, duplicates = ?, rows_rejected = ? "
            "WHERE run_id = ?",
            [report.files_seen, report.added, report.updated, report.unchanged, report.failed, report.seconds,
             report.rows_seen, report.duplicates, sum(report.rejected.values()), report.run_id],
        )
        _flush_problems(con, report)
        # Always: an edited entity_overrides.csv takes effect on the next load even with nothing new.
        registry.build(con)
        rollups.rebuild(con)
        search_index.sync(con, warehouse.db_path(db))
        # The dashboard reads this copy: it shows the previous load's data until this point.
        warehouse.publish(con, warehouse.db_path(db))
    finally:
        con.close()
