"""Past one machine: extraction on a real Dask cluster (a scheduler and 2 worker processes) and the
lake warehouse on a real local S3 (moto's server), each compared row for row with a single-process
load into a DuckDB file."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

import warehouse
from etl.load import load_paths
from warehouse.lake import TABLES

from .conftest import SEEDS, SHARED, needs_corpus
from .dashboard_data import FIXTURE_PAGES

pytestmark = pytest.mark.scaleout

# What differs between two loads of the same inputs by design: when they ran, and how long.
VOLATILE = {
    "article_versions": {"loaded_at"},
    "load_runs": {"started_at", "finished_at", "seconds", "inputs"},
    "load_errors": {"logged_at"},
}


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]
    ).fetchall() if c not in VOLATILE.get(table, set())]
    listed = ", ".join(f'"{c}"' for c in columns)
    return sorted(con.execute(f"SELECT {listed} FROM {table}").fetchall(), key=repr)


def assert_same_warehouse(a: duckdb.DuckDBPyConnection, b: duckdb.DuckDBPyConnection) -> dict[str, int]:
    sizes = {}
    for table in TABLES:
        left, right = _rows(a, table), _rows(b, table)
        assert len(left) == len(right), f"{table}: {len(left)} rows against {len(right)}"
        assert left == right, f"{table} differs"
        sizes[table] = len(left)
    for view in ("mention_events", "stories", "trending_headlines"):
        assert _rows(a, view) == _rows(b, view), f"view {view} differs"
    return sizes


def _exports(folder: Path) -> Path:
    """Rows across months, copies of one story under other outlets, and repeated rows: what the
    order of batches would change if the writer did not keep input order."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "rows.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "content", "date", "url", "source"])
        for i in range(120):
            story = i % 30  # every story four times: one original, three syndicated copies
            outlet = ["kompas.com", "detik.com", "tempo.co", "antaranews.com"][i // 30]
            w.writerow([f"Menteri Sri Mulyani bertemu Gubernur Bank Indonesia soal anggaran {story}",
                        f"Menteri Keuangan Sri Mulyani Indrawati bertemu Gubernur Bank Indonesia Perry Warjiyo di "
                        f"Jakarta membahas anggaran nomor {story}. KPK dan Komisi Pemberantasan Korupsi hadir.",
                        f"2025-{story % 6 + 1:02d}-{story % 27 + 1:02d}", f"https://{outlet}/berita/{story}", outlet])
        for i in range(10):  # the same rows again
            w.writerow([f"Menteri Sri Mulyani bertemu Gubernur Bank Indonesia soal anggaran {i}",
                        "Salinan.", "2025-01-01", f"https://kompas.com/berita/{i}", "kompas.com"])
    return folder


def test_dask_workers_give_the_rows_of_a_single_process(dask_scheduler, tmp_path, monkeypatch):
    import etl.load

    inputs = [SEEDS, FIXTURE_PAGES, _exports(tmp_path / "in")]
    monkeypatch.setattr(etl.load, "BATCH_SIZE", 7)  # many small batches, finishing in any order
    single = load_paths(inputs, db=tmp_path / "single.duckdb", progress=False, workers=1)
    spread = load_paths(inputs, db=tmp_path / "spread.duckdb", progress=False, scheduler=dask_scheduler)
    assert spread.workers == 2
    assert (spread.added, spread.duplicates, spread.rows_seen) == (single.added, single.duplicates, single.rows_seen)
    with duckdb.connect(str(tmp_path / "single.duckdb"), read_only=True) as a, \
            duckdb.connect(str(tmp_path / "spread.duckdb"), read_only=True) as b:
        sizes = assert_same_warehouse(a, b)
    assert sizes["articles"] > 100 and sizes["mentions"] > 500
    assert single.added == 123 and single.updated + spread.updated == 0


def test_lake_on_s3_holds_the_file_warehouse_and_readers_keep_their_version(s3_env, tmp_path):
    inputs = [SEEDS, FIXTURE_PAGES, _exports(tmp_path / "in")]
    lake = "s3://media/readers"
    load_paths(inputs, db=tmp_path / "file.duckdb", progress=False, workers=1)
    first = load_paths(inputs, db=lake, progress=False, workers=1)
    assert first.added == 123
    with duckdb.connect(str(tmp_path / "file.duckdb"), read_only=True) as a, \
            warehouse.connect(lake, read_only=True) as b:
        assert_same_warehouse(a, b)
    reader = warehouse.connect(lake, read_only=True)  # holds version 1 while the next load commits
    try:
        more = tmp_path / "more"
        more.mkdir()
        (more / "new.csv").write_text("title,content,date,url,source\nBerita baru Presiden Prabowo Subianto,"
                                      "Presiden Prabowo Subianto di Jakarta.,2025-07-01,https://x.test/1,x.test\n",
                                      encoding="utf-8")
        second = load_paths([*inputs, more], db=lake, progress=False, workers=1)
        assert (second.added, second.unchanged) == (1, 123)
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 123
        assert reader.execute("SELECT count(*) FROM load_runs").fetchone()[0] == 1
    finally:
        reader.close()
    with warehouse.connect(lake, read_only=True) as now:
        assert now.execute("SELECT count(*) FROM articles").fetchone()[0] == 124
        assert [r for (r,) in now.execute("SELECT run_id FROM load_runs ORDER BY 1").fetchall()] == [1, 2]


def test_a_lake_writer_with_no_working_copy_rebuilds_it_and_changes_nothing(s3_env, tmp_path, monkeypatch):
    inputs = [SEEDS, FIXTURE_PAGES]
    lake = f"lake:{tmp_path / 'shared-lake'}"
    load_paths(inputs, db=lake, progress=False, workers=1)
    catalog = tmp_path / "shared-lake" / "_catalog"
    files_before = {p for p in (tmp_path / "shared-lake").rglob("*.parquet")}
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "another-machine"))
    again = load_paths(inputs, db=lake, progress=False, workers=1)
    assert (again.added, again.unchanged, again.run_id) == (0, 3, 2)
    assert (catalog / "HEAD").read_text().strip() == "2"
    doc = json.loads((catalog / "v00000002.json").read_text())
    # Only what a second run changes was written again: the runs and the versions' run ids.
    written = {p for p in (tmp_path / "shared-lake").rglob("*.parquet")} - files_before
    assert {p.parts[-3] for p in written} <= {"load_runs", "article_versions"}, written
    assert sum(f["rows"] for f in doc["tables"]["articles"]) == 3


def test_a_lake_that_cannot_be_reached_is_one_clear_line(tmp_path, monkeypatch, capsys):
    from etl.cli import main as cli_main

    monkeypatch.setenv("MEDIA_S3_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    assert cli_main(["load", str(SEEDS), "--db", "s3://media/nowhere", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("not loaded: s3://media/nowhere") and len(err.strip().splitlines()) == 1


@needs_corpus()
def test_corpus_through_two_dask_workers_into_the_lake_equals_a_file_load(corpus_single_process, dask_scheduler,
                                                                           s3_env, tmp_path):
    lake = "s3://media/corpus"
    report = load_paths([SHARED / "corpus"], db=lake, progress=False, scheduler=dask_scheduler)
    assert report.workers == 2
    with duckdb.connect(str(corpus_single_process), read_only=True) as a, warehouse.connect(lake, read_only=True) as b:
        sizes = assert_same_warehouse(a, b)
    assert sizes["articles"] > 60_000


@pytest.fixture(scope="module")
def corpus_single_process(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("single") / "corpus.duckdb"
    load_paths([SHARED / "corpus"], db=db, progress=False, workers=1)
    return db


def test_workers_that_extract_with_other_code_are_refused(dask_scheduler, tmp_path, monkeypatch):
    """The workers' fingerprint is checked against the loader's before any batch goes out: a
    loader whose code, models or lexicons differ (here: its fingerprint) loads nothing."""
    import etl.executors
    from etl.executors import ClusterError

    monkeypatch.setattr(etl.executors, "extractor_fingerprint", lambda: "another version of the code")
    with pytest.raises(ClusterError, match="extract with other code"):
        load_paths([SEEDS], db=tmp_path / "w.duckdb", progress=False, scheduler=dask_scheduler)
