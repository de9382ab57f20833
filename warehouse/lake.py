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
    from warehouse import ensure_schema

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


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse import VIEWS_SQL

    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))


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
