"""A lake that cannot lose a load: a version is created once (a hard link on a folder, a conditional
put on the local S3), a load beaten to its commit loads again on top of the winner, two machines
loading at the same instant keep both loads, and two loads on one machine take turns."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import warehouse
from etl.load import load_paths
from warehouse.lake import CATALOG, Lake, LakeConflict, open_lake

from .conftest import one_article_csv

pytestmark = pytest.mark.scaleout

ROOT = Path(__file__).resolve().parent.parent


def _article(folder: Path, n: int) -> Path:
    return one_article_csv(folder, n, "Bupati Sleman Harda Kiswaya meresmikan pasar", "commits.test")


def _count(lake: str) -> int:
    with warehouse.connect(lake, read_only=True) as con:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]


@pytest.mark.parametrize("where", ["folder", "s3"])
def test_a_version_document_is_created_once(where, tmp_path, request):
    if where == "s3":
        request.getfixturevalue("s3_env")
        lake = open_lake("s3://media/created-once")
    else:
        lake = open_lake(f"lake:{tmp_path / 'lake'}")
    assert lake.create(b"first", CATALOG, "v00000001.json")
    assert not lake.create(b"second", CATALOG, "v00000001.json")
    assert lake.read_text(CATALOG, "v00000001.json") == "first"
    # No temporary file is left behind on a folder.
    if where == "folder":
        assert sorted(p.name for p in (tmp_path / "lake" / CATALOG).iterdir()) == ["v00000001.json"]


def test_head_is_the_last_version_written_even_before_head_moves(tmp_path):
    lake = open_lake(f"lake:{tmp_path / 'lake'}")
    n = lake.commit({"tables": {}, "search": [], "sequences": {}}, expected_head=0)
    assert (n, lake.head()) == (1, 1)
    # A writer that created version 2 and has not yet written HEAD: readers and writers see 2.
    assert lake.create(json.dumps({"version": 2, "tables": {}, "search": []}).encode(), CATALOG, "v00000002.json")
    assert lake.read_text(CATALOG, "HEAD").strip() == "1"
    assert lake.head() == 2
    with pytest.raises(LakeConflict):
        lake.commit({"tables": {}, "search": [], "sequences": {}}, expected_head=1)


def test_a_load_beaten_to_its_commit_loads_again_on_top_of_the_winner(tmp_path, monkeypatch):
    """Machine A's load has done its work when machine B's load commits first: A's commit is refused
    (it would have replaced B's version), and A loads again on top of B's version, keeping both."""
    lake = f"lake:{tmp_path / 'lake'}"
    a_in, b_in = _article(tmp_path / "a", 1), _article(tmp_path / "b", 2)
    commit = Lake.commit
    raced = []

    def commit_after_the_other_machine(self, doc, expected_head):
        if not raced:
            raced.append(expected_head)
            monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine-b"))
            b = load_paths([b_in], db=lake, progress=False, workers=1)
            assert b.added == 1
            monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine-a"))
        return commit(self, doc, expected_head)

    monkeypatch.setattr(Lake, "commit", commit_after_the_other_machine)
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine-a"))
    a = load_paths([a_in], db=lake, progress=False, workers=1)
    assert raced == [0] and a.added == 1
    assert _count(lake) == 2
    with warehouse.connect(lake, read_only=True) as con:
        assert [r for (r,) in con.execute("SELECT run_id FROM load_runs ORDER BY 1").fetchall()] == [1, 2]
    # A later ordinary load from B's machine, whose working copy predates A's commit, keeps A's article.
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine-b"))
    later = load_paths([_article(tmp_path / "b", 3)], db=lake, progress=False, workers=1)
    assert later.added == 1 and _count(lake) == 3


@pytest.mark.parametrize("where", ["folder", "s3"])
def test_two_machines_loading_at_the_same_instant_lose_nothing(where, tmp_path):
    """bench/lake_race.py, three rounds: two processes with their own working copies start their
    loads together; after every round the lake holds both articles, and after a later load from each
    machine all of them (before the fix, one load of each round was refused or lost)."""
    args = [sys.executable, str(ROOT / "bench" / "lake_race.py"), "--rounds", "3", "--work", str(tmp_path)]
    done = subprocess.run(args + (["--s3"] if where == "s3" else []), capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 rounds ending with articles missing, 0 missing at the end, 0 loads failed" in done.stdout, done.stdout


def test_two_loads_on_one_machine_take_turns(tmp_path):
    """Two loads into one lake from one machine (one working copy) at once: the second waits for
    the first instead of failing on DuckDB's file lock, and both articles are in the lake."""
    lake = f"lake:{tmp_path / 'lake'}"
    env = {**os.environ, "MEDIA_LAKE_CACHE": str(tmp_path / "machine"), "PYTHONPATH": str(ROOT)}
    runner = "import sys, time; from etl.cli import main; time.sleep(max(0, float(sys.argv[1]) - time.time())); sys.exit(main(sys.argv[2:]))"
    start = time.time() + 4
    procs = [subprocess.Popen([sys.executable, "-c", runner, str(start), "load", str(_article(tmp_path / "in", n)),
                               "--db", lake, "--no-progress", "--workers", "1"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert not any("Traceback" in err or "Could not set lock" in err for _, err in outs), outs
    assert _count(lake) == 2


def test_a_new_machines_first_load_into_a_lake_indexes_only_what_is_new(tmp_path, monkeypatch):
    """The search index comes with the lake's version; a working copy rebuilt on another machine
    knows those articles are indexed, so its first load adds only its new one (it indexed all again,
    and Search counted every match twice)."""
    from warehouse.search import open_index, search

    lake = f"lake:{tmp_path / 'lake'}"
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine-a"))
    load_paths([_article(tmp_path / "in", n) for n in (1, 2, 3)], db=lake, progress=False, workers=1)
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine-b"))
    report = load_paths([_article(tmp_path / "in", 4)], db=lake, progress=False, workers=1)
    assert report.added == 1
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "reader"))
    index = open_index(warehouse.read_path(lake))
    assert index is not None and index.searcher().num_docs == 4
    assert len(search(index, "Sleman").ids) == len(set(search(index, "Sleman").ids)) == 4


def test_a_lake_load_that_changes_nothing_commits_no_version(tmp_path, monkeypatch):
    lake = f"lake:{tmp_path / 'lake'}"
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine"))
    load_paths([_article(tmp_path / "in", 1)], db=lake, progress=False, workers=1)
    again = load_paths([tmp_path / "in"], db=lake, progress=False, workers=1)
    assert (again.added, again.unchanged) == (0, 1)
    assert open_lake(lake).head() == 1
    # The next load that adds something publishes both runs.
    load_paths([_article(tmp_path / "in", 2)], db=lake, progress=False, workers=1)
    assert open_lake(lake).head() == 2
    with warehouse.connect(lake, read_only=True) as con:
        assert [r for (r,) in con.execute("SELECT run_id FROM load_runs ORDER BY 1").fetchall()] == [1, 2, 3]
    assert _count(lake) == 2


def test_vacuum_leaves_the_current_version_whole_and_other_engines_count_what_the_product_does(tmp_path, monkeypatch):
    """Every load writes new files and old ones stay for the readers of old versions: a plain
    read_parquet over the folder counted old versions' rows too. `etl vacuum --keep-hours 0` removes
    what only older versions name (and files no version names, once an hour old), nothing else."""
    import duckdb

    from etl.cli import main as cli_main

    folder = tmp_path / "lake"
    lake = f"lake:{folder}"
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine"))
    for n in (1, 2, 3):
        load_paths([_article(tmp_path / "in", n)], db=lake, progress=False, workers=1)
    everything = f"read_parquet('{folder}/articles/**/*.parquet', hive_partitioning = false)"
    assert duckdb.execute(f"SELECT count(*) FROM {everything}").fetchone()[0] > 3  # versions 1 and 2's files too
    young, old = folder / "articles" / "month=2025-06" / "young-orphan.parquet", folder / "mentions" / "old-orphan.parquet"
    for orphan in (young, old):
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(b"PAR1")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert cli_main(["vacuum", "--db", lake]) == 0  # the default keeps the last 24 hours: all three versions
    assert sorted(p.name for p in (folder / CATALOG).glob("v*.json")) == [f"v0000000{n}.json" for n in (1, 2, 3)]
    assert young.exists() and not old.exists()
    assert cli_main(["vacuum", "--db", lake, "--keep-hours", "0"]) == 0
    assert sorted(p.name for p in (folder / CATALOG).glob("v*.json")) == ["v00000003.json"]
    young.unlink()
    assert duckdb.execute(f"SELECT count(*) FROM {everything}").fetchone()[0] == _count(lake) == 3
    # The lake reads and loads on as before.
    load_paths([_article(tmp_path / "in", 4)], db=lake, progress=False, workers=1)
    assert _count(lake) == 4
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "new-machine"))
    assert _count(lake) == 4


def test_vacuum_on_s3_keeps_the_current_version_readable_from_a_new_machine(s3_env, tmp_path, monkeypatch):
    from warehouse.lake import vacuum

    lake = "s3://media/vacuumed"
    for n in (1, 2, 3):
        load_paths([_article(tmp_path / "in", n)], db=lake, progress=False, workers=1)
    report = vacuum(lake, keep_hours=0)
    assert (report.head, report.versions_kept, report.versions_removed) == (3, [3], 2) and report.files_removed > 0
    listed = open_lake(lake)
    assert not listed.exists(CATALOG, "v00000002.json") and listed.exists(CATALOG, "v00000003.json")
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "new-machine"))
    assert _count(lake) == 3
    load_paths([_article(tmp_path / "in", 4)], db=lake, progress=False, workers=1)
    assert _count(lake) == 4


def test_a_load_writes_only_the_partitions_it_changed_and_vacuum_spares_a_readers_version(tmp_path, monkeypatch):
    """Two months of articles, then one more article in one of them: only that month's partitions
    (and the small whole tables) are written again, the other month's files are untouched (by
    mtime: an upload of identical content under the same digest name would pass a check of names).
    A reader that opened the first version reads it whole after the next commit and a vacuum that
    keeps the default 24 hours."""
    folder = tmp_path / "lake"
    lake = f"lake:{folder}"
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine"))
    first = tmp_path / "first"
    first.mkdir()
    (first / "two-months.csv").write_text(
        "title,content,date,url,source\n"
        "Berita Mei,Bupati Sleman Harda Kiswaya di pasar.,2025-05-03,https://months.test/1,months.test\n"
        "Berita Juni,Bupati Bantul Abdul Halim Muslih di pasar.,2025-06-03,https://months.test/2,months.test\n",
        encoding="utf-8")
    load_paths([first], db=lake, progress=False, workers=1)
    mtimes = {p: p.stat().st_mtime_ns for p in folder.rglob("*.parquet")}
    may = {p for p in mtimes if "month=2025-05" in p.as_posix()}
    assert may, sorted(str(p) for p in mtimes)
    reader = warehouse.connect(lake, read_only=True)  # holds version 1
    try:
        time.sleep(0.05)
        (first / "june-again.csv").write_text(
            "title,content,date,url,source\n"
            "Berita Juni lagi,Gubernur DIY Sri Sultan Hamengku Buwono X di Kraton.,2025-06-20,https://months.test/3,months.test\n",
            encoding="utf-8")
        load_paths([first], db=lake, progress=False, workers=1)
        assert all(p.exists() and p.stat().st_mtime_ns == mtimes[p] for p in may), "May's files were written again"
        doc = json.loads((folder / CATALOG / "v00000002.json").read_text())
        changed = {(t, f["partition"]) for t, files in doc["tables"].items() for f in files
                   if not (folder / f["path"]).exists() or (folder / f["path"]) not in mtimes}
        assert not {part for _, part in changed} & {"2025-05"}, changed
        from warehouse.lake import vacuum

        vacuum(lake)  # keeps the last 24 hours: version 1 stays whole for its reader
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert reader.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    finally:
        reader.close()
    assert _count(lake) == 3


def test_plain_duckdb_reading_the_catalog_counts_what_the_product_counts(tmp_path, monkeypatch):
    """The SQL of warehouse/README.md, run by a bare DuckDB on a lake with three versions (whose
    older files are still in the folder): the current version's files hold the product's articles."""
    import re

    import duckdb

    folder = tmp_path / "lake"
    lake = f"lake:{folder}"
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "machine"))
    for n in (1, 2, 3):
        load_paths([_article(tmp_path / "in", n)], db=lake, progress=False, workers=1)
    readme = (ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    sql = re.search(r"```sql\n(SET VARIABLE lake.*?)```", readme, re.S).group(1)
    con = duckdb.connect()
    statements = [s for s in sql.replace("/shared/media", str(folder)).split(";") if s.strip() and not s.strip().startswith("--")]
    for statement in statements[:-1]:
        con.execute(statement)
    assert con.execute(statements[-1]).fetchone()[0] == _count(lake) == 3
    everything = f"read_parquet('{folder}/articles/**/*.parquet', hive_partitioning = false)"
    assert con.execute(f"SELECT count(*) FROM {everything}").fetchone()[0] > 3  # why the catalog is read


def test_a_folder_without_hard_links_refuses_to_commit_with_one_clear_error(tmp_path, monkeypatch):
    from warehouse.lake import LakeError

    lake = open_lake(f"lake:{tmp_path / 'lake'}")

    def no_links(src, dst):
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(LakeError, match="cannot make hard links"):
        lake.create(b"x", CATALOG, "v00000001.json")
    assert not (tmp_path / "lake" / CATALOG / "v00000001.json").exists()
    assert list((tmp_path / "lake" / CATALOG).iterdir()) == []  # no temporary file left
