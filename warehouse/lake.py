"""The lake warehouse: the warehouse's tables as Parquet files on a shared folder or S3-compatible
storage, partitioned by month, with a catalog of immutable versions.

Layout under the lake's root (`lake:/shared/media` or `s3://bucket/media`):

    _catalog/HEAD                     the current version's number
    _catalog/v00000042.json           version 42: every table's files, the search index's files and
                                      the sequences; never changed once written
    articles/month=2025-06/part-<digest>.parquet
    search/<digest>-<name>            the tantivy search index's files

A version's files are never rewritten (a file's name is a digest of its rows), so a reader that
took version 42 reads version 42 to the end, whatever a load commits meanwhile: a load writes new
files, then the version document, then HEAD. A version document is created only if it does not
exist yet (a hard link of a finished file on a folder, a conditional put on S3), so of two loads
that commit at once exactly one gets version N; the other is told (LakeConflict) and loads again on
top of it (etl/load.py), so no load is lost. HEAD is a hint a reader starts from: the current
version is the last of the unbroken run of version documents from there.

DuckDB reads it through a small local catalog file per version (`materialize`): views over the
Parquet files, then the warehouse's documented views on top, so the dashboard and analysts' SQL
run on it unchanged. DuckDB's pip wheel has no S3 reader (httpfs is an extension that cannot be
downloaded here), so files on S3 are fetched once into a local cache by pyarrow; they are immutable,
so the cache never goes stale. On a shared folder the views read the files where they are.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from warehouse.schema import ensure_schema, ensure_views

LAKE_PREFIX = "lake:"
CATALOG = "_catalog"
CACHE_ENV = "MEDIA_LAKE_CACHE"
S3_ENDPOINT_ENV = "MEDIA_S3_ENDPOINT"

# How each table is split into files: by the month of its date (charts read a few months), or whole.
PARTITIONS = {
    "articles": "published_date",
    "trending": "observed_date",
    "mentions": "event_date",
    "daily_entities": "event_date",
    "daily_items": "event_date",
}
TABLES = ["articles", "trending", "mentions", "mention_evidence", "article_versions", "load_runs",
          "load_errors", "entities", "entity_aliases", "daily_entities", "daily_items"]


class LakeError(RuntimeError):
    """A lake that cannot be read or written as asked."""


class LakeConflict(LakeError):
    """Another load committed the version this one was about to commit."""


def _temporary(path: str) -> str:
    # Writers on other machines (or processes) never share a temporary name.
    return f"{path}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"


def is_lake(location: object) -> bool:
    text = str(location)
    if text.startswith(("s3://", LAKE_PREFIX)):
        return True
    return (Path(text) / CATALOG).is_dir()


@dataclass
class Lake:
    """A lake location opened for reading or writing its files."""
    location: str
    fs: Any      # a pyarrow FileSystem
    root: str    # the root's path in fs
    local: bool  # a folder on this machine (or a mounted share): readers need no copy

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def read_text(self, *parts: str) -> str | None:
        import pyarrow.fs as pafs

        p = self.path(*parts)
        if self.fs.get_file_info(p).type == pafs.FileType.NotFound:
            return None
        with self.fs.open_input_stream(p) as f:
            return f.read().decode("utf-8")

    def write_bytes(self, data: bytes, *parts: str) -> None:
        """Write one object whole. On a folder: a temporary name, then a rename, so a reader never
        sees half a file; an S3 put is all-or-nothing by itself."""
        p = self.path(*parts)
        self.fs.create_dir(p.rsplit("/", 1)[0], recursive=True)
        if self.local:
            tmp = _temporary(p)
            with self.fs.open_output_stream(tmp) as f:
                f.write(data)
            self.fs.move(tmp, p)
        else:
            with self.fs.open_output_stream(p) as f:
                f.write(data)

    def upload(self, local_file: Path, *parts: str) -> None:
        import pyarrow.fs as pafs

        p = self.path(*parts)
        self.fs.create_dir(p.rsplit("/", 1)[0], recursive=True)
        target = _temporary(p) if self.local else p
        pafs.copy_files(str(local_file), target, source_filesystem=pafs.LocalFileSystem(),
                        destination_filesystem=self.fs)
        if self.local:
            self.fs.move(target, p)

    def exists(self, *parts: str) -> bool:
        import pyarrow.fs as pafs

        return self.fs.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    def create(self, data: bytes, *parts: str) -> bool:
        """Write one object only if nothing is there yet; False when something was. On a folder: a
        temporary file, then a hard link to the name (which fails if the name exists); on S3 a put
        with `If-None-Match: *`, which S3 (and moto) refuse with 412 when the key exists."""
        p = self.path(*parts)
        if self.local:
            self.fs.create_dir(p.rsplit("/", 1)[0], recursive=True)
            tmp = _temporary(p)
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, p)
                return True
            except FileExistsError:
                return False
            except OSError as exc:
                # A share without hard links (some SMB mounts) cannot give a commit that only one
                # writer wins; a plain write there could lose a load, so none is made.
                raise LakeError(f"{self.location}: this folder cannot make hard links ({exc.strerror}), which "
                                f"the lake's commits need: use a local disk, NFS or S3") from exc
            finally:
                os.unlink(tmp)
        from botocore.exceptions import ClientError

        bucket, _, key = p.partition("/")
        try:
            _s3_client().put_object(Bucket=bucket, Key=key, Body=data, IfNoneMatch="*")
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            raise OSError(str(exc)) from exc

    def head(self) -> int:
        """The current version: HEAD's number, or a later one whose document exists (HEAD is
        written after the document, so it may lag behind by a commit under way)."""
        text = self.read_text(CATALOG, "HEAD")
        n = int(text.strip()) if text else 0
        while self.exists(CATALOG, f"v{n + 1:08d}.json"):
            n += 1
        return n

    def version(self, n: int) -> dict:
        if n == 0:
            return {"version": 0, "tables": {}, "search": [], "sequences": {}}
        text = self.read_text(CATALOG, f"v{n:08d}.json")
        if text is None:
            raise LakeError(f"{self.location}: version {n} is named by HEAD but missing")
        return json.loads(text)

    def commit(self, doc: dict, expected_head: int) -> int:
        """Create the next version and point HEAD at it. LakeConflict when another load committed
        since `expected_head` was read, or commits that version first: the writer then loads again
        on top of the new head."""
        if self.head() != expected_head:
            raise LakeConflict(f"{self.location}: another load committed while this one ran")
        n = expected_head + 1
        doc = {**doc, "version": n, "parent": expected_head,
               "committed_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if not self.create(json.dumps(doc, indent=1, sort_keys=True).encode(), CATALOG, f"v{n:08d}.json"):
            raise LakeConflict(f"{self.location}: another load committed version {n} first")
        self.write_bytes(f"{n}\n".encode(), CATALOG, "HEAD")
        return n


def _s3_options() -> tuple[str, str | None, str]:
    """(region, endpoint host or None, scheme) from the environment, for pyarrow and boto3 alike."""
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    endpoint = os.environ.get(S3_ENDPOINT_ENV)
    if not endpoint:
        return region, None, "https"
    scheme, _, host = endpoint.partition("://")
    return (region, host, scheme) if host else (region, scheme, "https")


def _s3_client() -> Any:
    import boto3

    region, host, scheme = _s3_options()
    return boto3.client("s3", region_name=region, endpoint_url=f"{scheme}://{host}" if host else None)


def open_lake(location: str) -> Lake:
    import pyarrow.fs as pafs

    text = str(location)
    if text.startswith("s3://"):
        region, host, scheme = _s3_options()
        kwargs: dict = {"region": region}
        if host:
            kwargs.update(endpoint_override=host, scheme=scheme)
        return Lake(text, pafs.S3FileSystem(**kwargs), text[len("s3://"):], local=False)
    folder = Path(text[len(LAKE_PREFIX):] if text.startswith(LAKE_PREFIX) else text).resolve()
    return Lake(text, pafs.LocalFileSystem(), str(folder), local=True)


def cache_dir(location: str) -> Path:
    """This machine's working folder for a lake: the writer's working copy and readers' files."""
    base = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "media-monitor" / "lake")
    return base / hashlib.sha1(str(location).encode()).hexdigest()[:12]


def local_file(lake: Lake, rel: str, cache: Path) -> Path:
    """A lake file on this machine: itself on a folder, else a cached copy (fetched once: immutable)."""
    if lake.local:
        return Path(lake.path(rel))
    target = cache / "files" / rel
    if not target.exists():
        import pyarrow.fs as pafs

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        pafs.copy_files(lake.path(rel), str(tmp), source_filesystem=lake.fs,
                        destination_filesystem=pafs.LocalFileSystem())
        os.replace(tmp, target)
    return target


def place_search(lake: Lake, doc: dict, cache: Path, folder: Path) -> None:
    """The version's search index as a folder of its own (tantivy opens a folder)."""
    if not doc.get("search"):
        return
    folder.mkdir(parents=True, exist_ok=True)
    for entry in doc["search"]:
        src = local_file(lake, entry["path"], cache)
        dst = folder / entry["name"]
        if not dst.exists():
            shutil.copyfile(src, dst)


def materialize(location: str) -> Path:
    """A local DuckDB catalog file for the lake's current version: open it read-only as the warehouse.
    Made once per version (cheap: views only, plus fetching new files from S3)."""
    lake = open_lake(location)
    n = lake.head()
    cache = cache_dir(location)
    target = cache / f"v{n:08d}.duckdb"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    doc = lake.version(n)
    tmp = cache / f".v{n:08d}.{os.getpid()}.duckdb"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        ensure_schema(con)
        for table, files in doc["tables"].items():
            if not files:
                continue
            paths = [str(local_file(lake, f["path"], cache)) for f in files]
            con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({_sql_list(paths)}, hive_partitioning = false)")
        ensure_views(con)
    finally:
        con.close()
    place_search(lake, doc, cache, Path(str(target) + ".search"))
    os.replace(tmp, target)
    return target


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def partition_expr(table: str) -> str:
    column = PARTITIONS.get(table)
    return f"coalesce(strftime({column}, '%Y-%m'), 'undated')" if column else "'all'"


def partition_digests(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[int, str]]:
    """Each partition's row count and a digest of its rows (order-free: a sum of row hashes)."""
    out = {}
    for part, n, total in con.execute(
        f"SELECT {partition_expr(table)} AS part, count(*), sum(hash(t))::HUGEINT::VARCHAR FROM {table} AS t GROUP BY ALL"
    ).fetchall():
        out[part] = (n, hashlib.sha1(f"{table}/{part}/{n}/{total}".encode()).hexdigest()[:20])
    return out


# ---------------------------------------------------------------------------------------------
# Expiry: what no version worth keeping needs


@dataclass
class VacuumReport:
    head: int
    versions_kept: list[int]
    versions_removed: int
    files_removed: int
    bytes_removed: int
    cache_files_removed: int

    def summary(self) -> str:
        return (f"version {self.head} is current; kept versions {self.versions_kept[0]}-{self.versions_kept[-1]} "
                f"({len(self.versions_kept)}), removed {self.versions_removed} older versions and "
                f"{self.files_removed} files ({self.bytes_removed / 1e6:.1f} MB) no kept version names, "
                f"and {self.cache_files_removed} of this machine's cached files")


def vacuum(location: str, keep_hours: float = 24.0, orphan_hours: float = 1.0,
           now: datetime | None = None) -> VacuumReport:
    """Remove what no kept version names. Kept: the current version and every version committed in
    the last `keep_hours` (a reader or a load that started from one of them reads it to the end).
    Removed: the older versions' documents and the files only they name; files that no version names
    at all (a failed commit's, or a load's still uploading: why they must be `orphan_hours` old);
    this machine's cached files and reader catalogs of removed versions. After
    `vacuum(keep_hours=0)` the folder holds exactly the current version's files, so any engine
    reading the Parquet files directly counts what the product counts."""
    import pyarrow.fs as pafs

    lake = open_lake(location)
    head = lake.head()
    now = now or datetime.now(timezone.utc)
    listing = lake.fs.get_file_info(pafs.FileSelector(lake.root, recursive=True, allow_not_found=True))
    files = {info.path[len(lake.root.rstrip("/")) + 1:]: info for info in listing if info.type == pafs.FileType.File}
    numbers = sorted(int(rel[len(CATALOG) + 2: -5]) for rel in files
                     if rel.startswith(f"{CATALOG}/v") and rel.endswith(".json") and rel[len(CATALOG) + 2: -5].isdigit())
    docs = {n: lake.version(n) for n in numbers if n <= head}
    cutoff = now.timestamp() - keep_hours * 3600

    def committed(doc: dict) -> float:
        stamp = doc.get("committed_at")
        return datetime.fromisoformat(stamp).timestamp() if stamp else 0.0

    kept = sorted(n for n, doc in docs.items() if n == head or committed(doc) >= cutoff)
    expired = [n for n in docs if n not in kept]

    def named(doc: dict) -> set[str]:
        return {f["path"] for fs_ in doc.get("tables", {}).values() for f in fs_} | {e["path"] for e in doc.get("search", [])}

    keep_files = set().union(*(named(docs[n]) for n in kept)) if kept else set()
    ever = set().union(*(named(d) for d in docs.values())) if docs else set()
    orphan_cutoff = now.timestamp() - orphan_hours * 3600
    removed = removed_bytes = 0
    for rel, info in files.items():
        if rel.startswith(f"{CATALOG}/") or rel in keep_files:
            continue
        young = info.mtime is not None and info.mtime.timestamp() >= orphan_cutoff
        if rel not in ever and young:
            continue  # perhaps a load's, uploading now
        lake.fs.delete_file(lake.path(rel))
        removed += 1
        removed_bytes += info.size or 0
    for n in expired:  # last: a vacuum stopped midway is done again from the same documents
        lake.fs.delete_file(lake.path(CATALOG, f"v{n:08d}.json"))
    cache_removed = _vacuum_cache(location, lake, head, keep_files, set(kept))
    return VacuumReport(head, kept, len(expired), removed, removed_bytes, cache_removed)


def _vacuum_cache(location: str, lake: Lake, head: int, keep_files: set[str], kept: set[int]) -> int:
    """This machine's copies for the lake: reader catalogs of versions no longer kept, cached files
    that no kept version names (S3 only; a folder's files are read in place)."""
    cache = cache_dir(location)
    if not cache.is_dir():
        return 0
    removed = 0
    for catalog in cache.glob("v*.duckdb"):
        stem = catalog.name[1:-len(".duckdb")]
        if stem.isdigit() and int(stem) not in kept:
            catalog.unlink(missing_ok=True)  # a reader that has it open keeps reading it (Linux)
            shutil.rmtree(Path(str(catalog) + ".search"), ignore_errors=True)
            removed += 1
    files = cache / "files"
    if not lake.local and files.is_dir():
        for f in files.rglob("*"):
            if f.is_file() and f.relative_to(files).as_posix() not in keep_files:
                f.unlink(missing_ok=True)
                removed += 1
    return removed
