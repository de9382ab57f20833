"""Load inputs into the warehouse: idempotent, batch-transactional, with a report kept in the warehouse.

The database is opened only to write a finished batch, so a reader (the dashboard) is shut out for
the length of one short transaction, not for the whole load.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa

import warehouse

from .page_parser import PageParseError
from .records import META_SUFFIX, ArticleBundle, bundle_from_page, read_meta

PAGE_SUFFIXES = {".txt"}
BATCH_SIZE = 500

_SCHEMAS = {
    "articles": pa.schema([
        ("article_id", pa.string()), ("url", pa.string()), ("outlet", pa.string()), ("title", pa.string()),
        ("caption", pa.string()), ("photo_credit", pa.string()), ("dateline", pa.string()), ("body", pa.string()),
        ("published_date", pa.date32()), ("date_source", pa.string()), ("source_path", pa.string()),
    ]),
    "trending": pa.schema([
        ("article_id", pa.string()), ("rank", pa.int32()), ("headline", pa.string()), ("observed_date", pa.date32()),
    ]),
    "mentions": pa.schema([
        ("article_id", pa.string()), ("part", pa.string()), ("trending_rank", pa.int32()), ("kind", pa.string()),
        ("entity", pa.string()), ("entity_code", pa.string()), ("n", pa.int32()),
    ]),
    "mention_evidence": pa.schema([
        ("article_id", pa.string()), ("part", pa.string()), ("trending_rank", pa.int32()), ("kind", pa.string()),
        ("entity", pa.string()), ("start_offset", pa.int32()), ("end_offset", pa.int32()), ("sentence", pa.string()),
    ]),
}


@dataclass
class FileProblem:
    path: str
    message: str
    severity: str = "error"  # error: nothing loaded from the file; warning: loaded, but see message


@dataclass
class LoadReport:
    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    seconds: float = 0.0
    run_id: int | None = None

    @property
    def failed(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def loaded(self) -> int:
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        lines = [
            f"files: {self.files_seen}  articles added: {self.added}  updated: {self.updated}  "
            f"already present: {self.unchanged}  failed files: {self.failed}  seconds: {self.seconds:.1f}"
        ]
        for p in self.problems:
            lines.append(f"  {p.severity.upper()} {p.path}: {p.message}")
        return "\n".join(lines)


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileProblem]]:
    """Input files under the given paths, in a stable order; missing paths are problems."""
    found: list[Path] = []
    problems: list[FileProblem] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and _is_input(f)))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(FileProblem(str(p), "no such file or folder"))
    return found, problems


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in PAGE_SUFFIXES and not path.name.endswith(META_SUFFIX) and not path.name.startswith(".")


def read_bundles(files: list[Path]) -> Iterator[ArticleBundle | FileProblem]:
    """Parse each file; a broken file yields a FileProblem and the rest go on."""
    for path in files:
        source = str(path.resolve())
        if path.suffix.lower() not in PAGE_SUFFIXES:
            yield FileProblem(source, f"unsupported file type {path.suffix or '(none)'}; expected a page .txt")
            continue
        try:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValueError(f"not UTF-8 text (byte {exc.start})") from exc
            bundle = bundle_from_page(text, source, read_meta(path))
        except (PageParseError, ValueError, OSError) as exc:
            yield FileProblem(source, str(exc))
            continue
        yield bundle


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    db: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> LoadReport:
    """Load every input under `paths` into the warehouse at `db` (or $MEDIA_DB)."""
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc)
    paths = [str(p) for p in paths]
    files, problems = discover(paths)
    report = LoadReport(files_seen=len(files), problems=problems)
    batch: list[ArticleBundle] = []
    items = read_bundles(files)
    if progress is None:
        progress = sys.stderr.isatty() and len(files) > 50
    if progress:
        from tqdm import tqdm

        items = tqdm(items, total=len(files), unit="file", desc="loading")
    for item in items:
        if isinstance(item, FileProblem):
            report.problems.append(item)
            continue
        report.problems.extend(FileProblem(item.article["source_path"], w, "warning") for w in item.warnings)
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            _write_batch(db, batch, report)
            batch = []
    if batch:
        _write_batch(db, batch, report)
    report.seconds = time.perf_counter() - started
    _write_report(db, report, paths, started_at)
    return report


def _write_batch(db, batch: list[ArticleBundle], report: LoadReport) -> None:
    # The same article twice in one batch (same URL in two files): the later file wins.
    unique: dict[str, ArticleBundle] = {}
    for b in batch:
        unique[b.article_id] = b
    hashes = {aid: b.content_hash() for aid, b in unique.items()}
    con = warehouse.connect(db)
    try:
        ids = pa.table({"article_id": list(hashes)})
        con.register("batch_ids", ids)
        known = dict(con.execute(
            "SELECT v.article_id, v.content_hash FROM article_versions v JOIN batch_ids USING (article_id)"
        ).fetchall())
        changed = [aid for aid in hashes if known.get(aid) != hashes[aid]]
        report.unchanged += len(hashes) - len(changed)
        if not changed:
            return
        report.updated += sum(aid in known for aid in changed)
        report.added += sum(aid not in known for aid in changed)
        rows = {name: [] for name in _SCHEMAS}
        for aid in changed:
            b = unique[aid]
            rows["articles"].append(b.article)
            rows["trending"].extend(b.trending)
            rows["mentions"].extend(b.mentions)
            rows["mention_evidence"].extend(b.evidence)
        now = datetime.now(timezone.utc)
        versions = pa.table({
            "article_id": changed,
            "content_hash": [hashes[a] for a in changed],
            "fetched_at": pa.array([unique[a].fetched_at for a in changed], pa.timestamp("us", tz="UTC")),
            "loaded_at": pa.array([now] * len(changed), pa.timestamp("us", tz="UTC")),
        })
        changed_ids = pa.table({"article_id": changed})
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("changed_ids", changed_ids)
            for name in [*_SCHEMAS, "article_versions"]:
                con.execute(f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM changed_ids)")
            for name, schema in _SCHEMAS.items():
                table = _to_arrow(rows[name], schema)
                con.register("incoming", table)
                con.execute(f"INSERT INTO {name} SELECT * FROM incoming")
                con.unregister("incoming")
            con.register("incoming_versions", versions)
            con.execute("INSERT INTO article_versions SELECT * FROM incoming_versions")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def _to_arrow(rows: list[dict], schema: pa.Schema) -> pa.Table:
    # Arrow tables go into DuckDB ~100x faster than executemany.
    return pa.Table.from_pylist(rows, schema=schema)


def _write_report(db, report: LoadReport, paths: list[str], started_at: datetime) -> None:
    con = warehouse.connect(db)
    try:
        run_id = con.execute("SELECT nextval('load_run_ids')").fetchone()[0]
        report.run_id = run_id
        con.execute(
            "INSERT INTO load_runs VALUES (?, ?, now(), ?, ?, ?, ?, ?, ?, ?)",
            [run_id, started_at, " ".join(paths), report.files_seen, report.added, report.updated,
             report.unchanged, report.failed, report.seconds],
        )
        if report.problems:
            now = datetime.now(timezone.utc)
            errors = pa.table({
                "run_id": pa.array([run_id] * len(report.problems), pa.int32()),
                "source_path": [p.path for p in report.problems],
                "severity": [p.severity for p in report.problems],
                "message": [p.message for p in report.problems],
                "logged_at": pa.array([now] * len(report.problems), pa.timestamp("us", tz="UTC")),
            })
            con.register("incoming_errors", errors)
            con.execute("INSERT INTO load_errors SELECT * FROM incoming_errors")
    finally:
        con.close()
