"""A load that changes no article skips the end phase (registry, rollups, search index, the readers'
copy), and only then: an edited overrides file, or articles a crashed load wrote, still rebuild."""
from __future__ import annotations

import duckdb
import pytest

import warehouse
from etl import registry, storage
from etl.load import load_paths

from .conftest import SEEDS, one_article_csv


def _state(db) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [f for (f,) in con.execute("SELECT fingerprint FROM end_phase_state").fetchall()]


def _article(folder, n: int):
    return one_article_csv(folder, n, "Gubernur Jawa Tengah Ahmad Luthfi meninjau pasar", "end.test")


def test_a_load_that_changes_nothing_skips_the_end_phase(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    first = load_paths([SEEDS], db=db, progress=False, workers=1)
    assert first.added == 1 and len(_state(db)) == 1
    snapshot = warehouse.snapshot_path(db)
    before = snapshot.stat().st_mtime_ns
    built = []
    monkeypatch.setattr(registry, "build", lambda con: built.append(1))
    again = load_paths([SEEDS], db=db, progress=False, workers=1)
    assert (again.added, again.unchanged) == (0, 1)
    assert built == [] and snapshot.stat().st_mtime_ns == before
    with duckdb.connect(str(db), read_only=True) as con:  # the run is recorded, finished
        assert con.execute("SELECT count(*) FROM load_runs WHERE finished_at IS NOT NULL").fetchone()[0] == 2


def test_a_changed_fingerprint_rebuilds_with_nothing_new(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    load_paths([SEEDS], db=db, progress=False, workers=1)
    built = []
    real = registry.build
    monkeypatch.setattr(registry, "build", lambda con: (built.append(1), real(con)))
    monkeypatch.setattr(storage, "end_phase_fingerprint", lambda extractor: "overrides edited")
    load_paths([SEEDS], db=db, progress=False, workers=1)
    assert built == [1] and _state(db) == ["overrides edited"]


def test_articles_written_by_a_load_that_died_before_its_end_are_built_by_the_next(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    load_paths([_article(tmp_path / "in", 1)], db=db, progress=False, workers=1)
    real = storage.DuckDBStore.finish

    def dies(self, paths, started_at):
        raise RuntimeError("killed after its batches")

    monkeypatch.setattr(storage.DuckDBStore, "finish", dies)
    with pytest.raises(RuntimeError, match="killed"):
        load_paths([_article(tmp_path / "in", 2)], db=db, progress=False, workers=1)
    monkeypatch.setattr(storage.DuckDBStore, "finish", real)
    # The second article is stored and counts as met, not new: the end phase runs all the same.
    again = load_paths([tmp_path / "in"], db=db, progress=False, workers=1)
    assert again.added == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(DISTINCT article_id) FROM mentions").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM daily_items").fetchone()[0] >= 2
        found = con.execute("SELECT max(items) FROM entities WHERE entity = 'Ahmad Luthfi'").fetchone()[0]
    assert found == 2
