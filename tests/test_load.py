import shutil
from datetime import date

import duckdb
import pytest

from etl.cli import main as cli_main
from etl.load import load_paths

from .conftest import CORPUS_PAGES, SEEDS, needs_corpus


def rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_seed_load_meets_the_contract(db_path):
    report = load_paths([SEEDS], db=db_path, evidence=True)
    assert (report.added, report.failed) == (1, 0)
    [a] = rows(db_path, "SELECT title, photo_credit, dateline, body, published_date, url, outlet FROM articles")
    assert a[0] == "Tiongkok dan Interpol Bertekad Perkuat Kerja Sama Penegakan Hukum"
    assert a[1] == "ANTARA/Xinhua/Gao Jing" and a[2] == "Lyon"
    assert a[3].startswith("Anggota Dewan Negara") and a[3].endswith("Bruno Retailleau.")
    assert a[4] == date(2024, 11, 28)
    assert a[5].startswith("https://koran-jakarta.com/") and a[6] == "koran-jakarta.com"
    trending = rows(db_path, "SELECT rank, headline FROM trending ORDER BY rank")
    assert [r for r, _ in trending] == [1, 2, 3, 4, 5]
    assert trending[0][1] == "Siswa SMK Hanyut di Air Terjun Lahat, Tim SAR Lakukan Pencarian"
    mentions = set(rows(db_path, "SELECT part, trending_rank, kind, entity, entity_code FROM mentions"))
    for person in ["Wang Xiaohong", "Ahmed Nasser Al-Raisi", "Valdecy Urquiza", "Bruno Retailleau"]:
        assert ("body", None, "person", person, None) in mentions
    assert ("trending", 3, "person", "Armuji", None) in mentions
    assert any(k == "organization" and "Interpol" in e for _, _, k, e, _ in mentions)
    assert {("body", "CN"), ("body", "FR"), ("trending", "ID")} <= {(p, c) for p, _, k, _, c in mentions if k == "country"}
    persons = {e for _, _, k, e, _ in mentions if k == "person"}
    assert not persons & {"Gao Jing", "Kamis", "Lyon", "Foto", "Berita Trending"}
    evidence = rows(db_path, "SELECT e.start_offset, e.end_offset, a.body FROM mention_evidence e JOIN articles a "
                             "USING (article_id) WHERE e.entity = 'Bruno Retailleau' AND e.part = 'body'")
    assert evidence and all(body[s:e] == "Bruno Retailleau" for s, e, body in evidence)


def test_loading_twice_changes_nothing(db_path):
    tables = ["articles", "trending", "mentions", "mention_evidence"]
    load_paths([SEEDS], db=db_path)
    before = {t: sorted(rows(db_path, f"SELECT * FROM {t}"), key=repr) for t in tables}
    second = load_paths([SEEDS], db=db_path)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1)
    after = {t: sorted(rows(db_path, f"SELECT * FROM {t}"), key=repr) for t in tables}
    assert before == after
    assert rows(db_path, "SELECT count(*) FROM load_runs")[0][0] == 2


def test_broken_files_are_reported_and_the_rest_loads(db_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "koran-jakarta_tiongkok-interpol.txt", folder / "good.txt")
    (folder / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Judul\nBerita caf\xe9 \xe0 Jakarta".encode("latin-1"))
    (folder / "badmeta.txt").write_text("Judul Lain\nJAKARTA - Isi berita lain.", encoding="utf-8")
    (folder / "badmeta.meta.json").write_text("{not json", encoding="utf-8")
    report = load_paths([folder, tmp_path / "missing"], db=db_path)
    # The Latin-1 page loads, read as the encoding it looks like, and says so (issue 11).
    assert report.added == 2
    failed = {p.path.rsplit("/", 1)[-1]: p.message for p in report.problems if p.severity == "error"}
    assert set(failed) == {"empty.txt", "badmeta.txt", "missing"}
    assert "JSON" in failed["badmeta.txt"]
    kept = dict(rows(db_path, "SELECT source_path, message FROM load_errors"))
    assert len(kept) == 4
    latin = next(m for p, m in kept.items() if p.endswith("latin1.txt"))
    assert "not UTF-8" in latin and "Windows-1252" in latin
    assert rows(db_path, "SELECT files_failed FROM load_runs")[0][0] == 3


def test_cli_exit_codes(db_path, tmp_path, capsys):
    assert cli_main(["load", str(SEEDS), "--db", str(db_path), "--no-progress"]) == 0
    (tmp_path / "bad.txt").write_text("", encoding="utf-8")
    assert cli_main(["load", str(tmp_path / "bad.txt"), "--db", str(db_path), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "bad.txt" in out and "failed files: 1" in out


def test_database_path_from_environment(tmp_path, monkeypatch):
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("MEDIA_DB", str(target))
    assert cli_main(["load", str(SEEDS), "--no-progress"]) == 0
    assert rows(target, "SELECT count(*) FROM articles")[0][0] == 1


def test_a_failed_batch_leaves_the_warehouse_as_it_was(db_path, monkeypatch, tmp_path):
    import etl.rows as load_mod

    load_paths([SEEDS], db=db_path)
    before = sorted(rows(db_path, "SELECT * FROM mentions"), key=repr)
    real = load_mod.to_arrow
    calls = {"n": 0}

    def flaky(rows_, schema):
        calls["n"] += 1
        if calls["n"] == 3:  # after articles and trending were written inside the transaction
            raise RuntimeError("simulated crash")
        return real(rows_, schema)

    monkeypatch.setattr(load_mod, "to_arrow", flaky)
    # The same article (same URL) with an edited body: an update that must not half-happen.
    seed = SEEDS / "koran-jakarta_tiongkok-interpol.txt"
    edited = tmp_path / seed.name
    edited.write_text(seed.read_text(encoding="utf-8").replace("Bruno Retailleau", "Gerald Darmanin"), encoding="utf-8")
    shutil.copy(seed.with_name(seed.stem + ".meta.json"), tmp_path / (seed.stem + ".meta.json"))
    with pytest.raises(RuntimeError):
        load_paths([edited], db=db_path)
    assert sorted(rows(db_path, "SELECT * FROM mentions"), key=repr) == before
    assert rows(db_path, "SELECT count(*) FROM articles")[0][0] == 1
    monkeypatch.setattr(load_mod, "to_arrow", real)
    report = load_paths([edited], db=db_path)
    assert (report.added, report.updated) == (0, 1)
    people = {r[0] for r in rows(db_path, "SELECT entity FROM mentions WHERE kind = 'person'")}
    assert "Gerald Darmanin" in people and "Bruno Retailleau" not in people


@needs_corpus()
def test_whole_corpus_loads(db_path):
    report = load_paths([CORPUS_PAGES], db=db_path)
    assert report.failed == 0
    assert report.added == 2151
    assert rows(db_path, "SELECT count(*) FROM articles WHERE title IS NULL OR title = ''")[0][0] == 0
    with_trending = rows(db_path, "SELECT count(DISTINCT article_id) FROM trending")[0][0]
    assert with_trending == 2151
    no_body = rows(db_path, "SELECT source_path FROM articles WHERE body = ''")
    # Two krjogja pages hold nothing but the site footer; they load with a warning.
    assert len(no_body) <= 2
    future = rows(db_path, "SELECT count(*) FROM articles WHERE published_date > current_date")[0][0]
    assert future == 0


def test_the_extractor_fingerprint_follows_the_code_extraction_runs(tmp_path):
    """It held a version string, lexicons and models: a `git pull` that changed extraction code left
    every article `already present` with its old mentions (issue 22)."""
    import subprocess
    import sys

    from etl.inputs import PACKAGE, extraction_sources

    from .conftest import ROOT

    names = {p.name for p in extraction_sources()}
    assert {"work.py", "extract.py", "span_rules.py", "candidates.py", "tokens.py", "page_parser.py", "dates.py",
            "article_names.py", "topics.py"} <= names
    assert not names & {"cli.py", "load.py", "storage.py", "evaluate.py", "train.py"}
    code = "from etl.inputs import extractor_fingerprint as f; print(f())"

    def fingerprint(root) -> str:
        return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                              env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{root}:{ROOT}"}).stdout.strip()

    copy = tmp_path / "etl"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint(tmp_path)
    assert fingerprint(ROOT) == before
    with open(copy / "span_rules.py", "a", encoding="utf-8") as fh:  # a change inside a function's module
        fh.write("\n_UPGRADED = True\n")
    assert fingerprint(tmp_path) != before


def test_a_reload_after_the_extractor_changed_redoes_the_articles_and_says_why(db_path, monkeypatch):
    import etl.load

    first = load_paths([SEEDS], db=db_path)
    assert first.added == 1 and not first.extractor_changed
    again = load_paths([SEEDS], db=db_path)
    assert again.unchanged == 1 and not again.extractor_changed
    monkeypatch.setattr(etl.load, "extractor_fingerprint", lambda: "an upgraded extractor")
    upgraded = load_paths([SEEDS], db=db_path)
    assert upgraded.updated == 1 and upgraded.extractor_changed
    assert "the extractor changed since the last load" in upgraded.summary()
    assert rows(db_path, "SELECT extractor FROM load_runs ORDER BY run_id DESC LIMIT 1") == [("an upgraded extractor",)]


def test_a_file_name_that_is_not_utf8_is_reported_and_everything_loads(db_path, tmp_path):
    """`caf\\xe9.csv` in a folder (a Latin-1 file name) stopped the load with a traceback, 0 articles."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copytree(SEEDS, folder / "seed")
    bad = os.path.join(os.fsencode(folder), b"caf\xe9.csv")
    with open(bad, "wb") as fh:
        fh.write(b"title,content,url\nJudul Satu,Presiden Joko Widodo meninjau pasar di Jakarta.,https://contoh.id/1\n")
    (folder / "ok.csv").write_text("title,content,url\nJudul Dua,Prabowo Subianto di Bandung.,https://contoh.id/2\n",
                                   encoding="utf-8")
    report = load_paths([folder], db=db_path)
    assert report.added == 3 and report.failed == 0
    shown = f"{folder}/caf\\xe9.csv"
    assert any(p.path == shown and "not UTF-8" in p.message for p in report.problems)
    assert shown in report.summary()
    assert rows(db_path, "SELECT count(*) FROM articles WHERE source_path = ?".replace("?", f"'{shown}'")) == [(1,)]
    again = load_paths([os.fsdecode(bad)], db=db_path)  # the name given as an argument (recorded in load_runs)
    assert again.unchanged == 1
    assert rows(db_path, "SELECT inputs FROM load_runs ORDER BY run_id DESC LIMIT 1") == [(shown,)]


def _cli_load(args: list[str]):
    import subprocess
    import sys

    from .conftest import ROOT

    return subprocess.run([sys.executable, "-m", "etl", "load", *args, "--no-progress"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_a_truncated_warehouse_stops_the_load_in_one_line_with_exit_2(tmp_path):
    """It crashed with a DuckDB traceback and exit 1 (issue 22)."""
    import os

    db = tmp_path / "w.duckdb"
    assert _cli_load([str(SEEDS), "--db", str(db)]).returncode == 0
    os.truncate(db, db.stat().st_size // 2)
    done = _cli_load([str(SEEDS), "--db", str(db)])
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("stopped: the warehouse") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_full_disk_stops_the_load_naming_enospc(tmp_path):
    """A full disk ended in a chained traceback whose last line was `cannot rollback - no transaction
    is active` (issue 22). Needs a small tmpfs (root, and a machine that allows mounting)."""
    import subprocess

    from .test_concurrency import write_rows

    tiny = tmp_path / "tiny"
    tiny.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(tiny)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root and a machine that allows it)")
    try:
        rows_csv = write_rows(tmp_path / "rows.csv", 2000)
        done = _cli_load([str(rows_csv), "--db", str(tiny / "w.duckdb")])
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("stopped: no space left on the device (ENOSPC)"), done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    finally:
        subprocess.run(["umount", "-l", str(tiny)], capture_output=True)


def test_failed_files_count_files_not_problems():
    from etl.report import FileProblem, LoadReport

    r = LoadReport(files_seen=1, problems=[FileProblem("/in/a.csv", "not valid JSON"),
                                           FileProblem("/in/a.csv", "stopped reading after row 9: ..."),
                                           FileProblem("/in/a.csv", "encoding: ...", "warning")])
    assert r.failed == 1 and "failed files: 1" in r.summary()


def test_a_run_that_dies_in_its_end_phase_is_not_recorded_as_finished(db_path, monkeypatch):
    import etl.search_index

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as a kill inside the search index step would leave it

    monkeypatch.setattr(etl.search_index, "sync", killed)
    with pytest.raises(KeyboardInterrupt):
        load_paths([SEEDS], db=db_path)
    assert rows(db_path, "SELECT finished_at IS NULL FROM load_runs ORDER BY run_id DESC LIMIT 1") == [(True,)]
    monkeypatch.undo()
    load_paths([SEEDS], db=db_path)
    assert rows(db_path, "SELECT finished_at IS NULL FROM load_runs ORDER BY run_id DESC LIMIT 1") == [(False,)]


def test_a_stop_with_exit_2_does_not_wait_on_threads_left_running(tmp_path):
    """A full-disk stop printed its line and then hung in the interpreter's exit handlers, which join
    the worker pool's threads (issue 22, under a busy machine). A thread that never ends stands in
    for a stuck pool thread here: the stop must still exit at once with 2."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    db = tmp_path / "w.duckdb"
    assert _cli_load([str(SEEDS), "--db", str(db)]).returncode == 0
    os.truncate(db, db.stat().st_size // 2)
    script = ("import runpy, sys, threading\n"
              "threading.Thread(target=threading.Event().wait).start()  # never ends, not a daemon\n"
              f"sys.argv = ['etl', 'load', {str(SEEDS)!r}, '--db', {str(db)!r}, '--no-progress']\n"
              "runpy.run_module('etl', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("stopped: the warehouse")
