"""Readers never hurt a load, loads queue, and the dashboard reads the last published snapshot
(issue 11)."""
from __future__ import annotations

import csv
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

import warehouse
from etl.load import load_paths

from .conftest import ROOT, SEEDS, needs_corpus
from .dashboard_data import FIXTURE_PAGES

NAMES = ["Joko Widodo", "Prabowo Subianto", "Sri Mulyani", "Anies Baswedan", "Ganjar Pranowo", "Erick Thohir"]
PLACES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Semarang"]


def write_rows(path: Path, n: int, start: int = 0) -> Path:
    """A CSV export of n distinct articles (enough text for the extractor to chew on)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "content", "date", "url", "source"])
        for i in range(start, start + n):
            who, where = NAMES[i % len(NAMES)], PLACES[i % len(PLACES)]
            body = " ".join(
                f"{who} mengunjungi {where} pada hari ke-{i} untuk meninjau proyek nomor {i + k}. "
                f"Menurut {NAMES[(i + k) % len(NAMES)]}, kegiatan itu berjalan lancar." for k in range(6))
            w.writerow([f"{who} Tinjau Proyek {i} di {where}", body, f"2025-0{i % 9 + 1}-1{i % 9}",
                        f"https://example.test/berita/{i}", "example.test"])
    return path


def _load(paths: list[Path], db: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", *map(str, paths), "--db", str(db), "--no-progress"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**__import__("os").environ, **env})


def _poll(db: Path, stop: threading.Event, answers: list[str]) -> None:
    """A reader opening the warehouse file itself every 0.2 s, as an analyst's script would."""
    while not stop.is_set():
        try:
            con = duckdb.connect(str(db), read_only=True)
            con.execute("SELECT count(*) FROM articles").fetchall()
            con.close()
            answers.append("read")
        except duckdb.IOException as exc:
            assert "lock" in str(exc).lower()  # a clear answer: the file is being written
            answers.append("busy")
        time.sleep(0.2)


def _finished_runs(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM load_runs WHERE finished_at IS NOT NULL").fetchone()[0]
    finally:
        con.close()


def _reader_during_load(db: Path, inputs: list[Path]) -> list[str]:
    stop, answers = threading.Event(), []
    reader = threading.Thread(target=_poll, args=(db, stop, answers))
    reader.start()
    try:
        proc = _load(inputs, db)
        out, err = proc.communicate(timeout=600)
    finally:
        stop.set()
        reader.join()
    assert proc.returncode == 0, err
    return answers


def test_a_reader_polling_the_warehouse_never_stops_a_load(tmp_path):
    db = tmp_path / "w.duckdb"
    load_paths([SEEDS], db=db, progress=False)
    answers = _reader_during_load(db, [write_rows(tmp_path / "rows.csv", 1500)])
    assert "busy" in answers and _finished_runs(db) == 2


@needs_corpus()
def test_a_reader_polling_during_a_full_corpus_load(tmp_path):
    from .conftest import SHARED

    db = tmp_path / "w.duckdb"
    load_paths([SEEDS], db=db, progress=False)
    _reader_during_load(db, [SHARED / "corpus"])
    assert _finished_runs(db) == 2


def test_a_second_load_waits_for_the_first_and_both_are_recorded(tmp_path):
    db = tmp_path / "w.duckdb"
    load_paths([SEEDS], db=db, progress=False)
    first = _load([write_rows(tmp_path / "a.csv", 6000)], db)
    time.sleep(2.0)  # the first has the file
    assert first.poll() is None, "the first load ended too soon to test anything"
    second = _load([write_rows(tmp_path / "b.csv", 50, start=10_000)], db)
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "waiting for" in err2 and "another process has it open" in err2
    assert _finished_runs(db) == 3


def test_a_load_that_cannot_get_the_file_says_so_in_one_line(tmp_path):
    db = tmp_path / "w.duckdb"
    load_paths([SEEDS], db=db, progress=False)
    holder = _load([write_rows(tmp_path / "a.csv", 6000)], db)
    time.sleep(2.0)
    assert holder.poll() is None, "the first load ended too soon to test anything"
    refused = _load([FIXTURE_PAGES], db, MEDIA_LOCK_WAIT="1")
    out, err = refused.communicate(timeout=120)
    holder.communicate(timeout=600)
    assert refused.returncode == 2
    assert err.strip().splitlines()[-1].startswith("not loaded: ") and "Traceback" not in err


def test_every_load_publishes_the_snapshot_the_dashboard_reads(tmp_path):
    db = tmp_path / "w.duckdb"
    load_paths([SEEDS], db=db, progress=False)
    assert warehouse.read_path(db) == warehouse.snapshot_path(db)
    load_paths([FIXTURE_PAGES], db=db, progress=False)
    con = duckdb.connect(str(warehouse.snapshot_path(db)), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    con.close()


def test_the_extractor_fingerprint_is_the_same_in_every_process():
    """It keys every input's hash: when it changed with Python's hash seed, a second load in a new
    process redid every article (found by bench/fault_injection.py)."""
    import os

    prints = {subprocess.run([sys.executable, "-c", "from etl.load import extractor_fingerprint as f; print(f())"],
                             cwd=ROOT, capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip() for seed in range(6)}
    assert len(prints) == 1


def test_a_second_load_in_a_new_process_adds_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        proc = _load([SEEDS, FIXTURE_PAGES], db)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert "articles added: 0  updated: 0  already present: 3" in out


def test_ctrl_c_stops_a_load_and_the_next_load_finishes_it(tmp_path):
    import os
    import signal

    rows = write_rows(tmp_path / "rows.csv", 6000)
    clean = tmp_path / "clean.duckdb"
    proc = _load([rows], clean)
    assert proc.wait(timeout=600) == 0

    db = tmp_path / "w.duckdb"
    # As a terminal starts it: SIGINT at its default. A test run started as a background job of a
    # non-interactive shell has SIGINT ignored, and the load would inherit that and rightly ignore it.
    proc = subprocess.Popen([sys.executable, "-m", "etl", "load", str(rows), "--db", str(db), "--no-progress"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3.0)
    assert proc.poll() is None, "the load ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole process group
    # No bound in seconds (a busy machine breaks it: 21 s once); a hang is what the timeout catches.
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    again = _load([rows], db)
    assert again.wait(timeout=600) == 0
    from bench.fault_injection import digest

    assert digest(db) == digest(clean)


@needs_corpus()
def test_two_loads_of_the_same_files_give_the_same_warehouse(tmp_path):
    """The registry grouped names in the order a parallel GROUP BY returned them: two loads of the
    corpus pages disagreed on a few hundred mentions' entities (found by bench/fault_injection.py)."""
    from bench.fault_injection import digest

    from .conftest import CORPUS_PAGES

    for name in ("a", "b"):
        load_paths([CORPUS_PAGES], db=tmp_path / f"{name}.duckdb", progress=False)
    assert digest(tmp_path / "a.duckdb") == digest(tmp_path / "b.duckdb")


def test_extraction_is_the_same_whatever_pythons_hash_seed():
    """Overlapping names in a headline went to whichever name a set listed first: the title of
    "Royal Crown Music" was Royal Crown in some processes and Crown Music in others."""
    import os

    code = (
        "from etl.extract import extract_article\n"
        "body = ('Grup musik Royal Crown tampil di Malang. Vokalis Crown Music, Egy Fajar, bernyanyi. '"
        " 'Manajer Royal Crown menyebut Crown Music siap.')\n"
        "title = 'Dikenal Sebagai Band Pengiring Happy Asmara, Royal Crown Music Siapkan Single Perdana'\n"
        "print(sorted((m.part, m.kind, m.entity, m.start) for m in extract_article(title, None, body, [])))\n"
    )
    outs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert len(outs) == 1, outs


def test_a_load_whose_workers_cannot_start_stops_with_the_reason(tmp_path):
    """A worker that failed while loading the lexicons died, and multiprocessing's pool started
    another in its place, forever: the load hung with both cores busy. A user's lexicon folder with
    a file that is not UTF-8 was enough."""
    rows = write_rows(tmp_path / "rows.csv", 600)
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "titles.txt").write_bytes(b"\xff\xfePresiden\n")
    proc = _load([rows], tmp_path / "w.duckdb", MEDIA_LEXICON_DIR=str(folder))
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the load hung") from None
    assert proc.returncode == 2, (out, err)
    assert "not loaded: a worker process could not prepare extraction" in err
    assert "titles.txt" in err and "Traceback" not in err


def _workers(pid: int) -> list[int]:
    """The extraction workers among a load's child processes (spawned: `spawn_main` in their command)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmd:
                found.append(int(child))
    return found


def _kill_workers(proc: subprocess.Popen, times: int | None) -> int:
    """SIGKILL (what the OOM killer sends) the load's workers as they appear, `times` times or
    until the load ends; how many were killed."""
    import os
    import signal

    killed: set[int] = set()
    while proc.poll() is None and (times is None or len(killed) < times):
        for pid in _workers(proc.pid):
            if pid not in killed and (times is None or len(killed) < times):
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid)
                except ProcessLookupError:
                    pass
        time.sleep(0.2)
    return len(killed)


def _rows_and_a_clean_load(tmp_path: Path) -> tuple[Path, Path]:
    """6,000 rows, and a clean load of them to compare a disturbed load's rerun with."""
    rows = write_rows(tmp_path / "rows.csv", 6000)
    clean = tmp_path / "clean.duckdb"
    assert _load([rows], clean).wait(timeout=600) == 0
    return rows, clean


def _ended(proc: subprocess.Popen, what: str, timeout: float = 300) -> tuple[str, str]:
    """The load's output; a load that does not end within the timeout is killed and the test fails."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"the load hung {what}") from None


def test_a_killed_worker_s_batches_run_again_and_the_load_equals_a_clean_one(tmp_path):
    """multiprocessing.Pool waited for ever on a SIGKILLed worker's result, holding the warehouse
    lock (issue 22): the load must notice, and here, with one kill, finish the work."""
    from bench.fault_injection import digest

    rows, clean = _rows_and_a_clean_load(tmp_path)
    db = tmp_path / "w.duckdb"
    proc = _load([rows], db)
    while proc.poll() is None and not _workers(proc.pid):
        time.sleep(0.1)
    time.sleep(1.0)  # let it get to work
    assert _kill_workers(proc, times=1) == 1, "the load ended before a worker could be killed"
    out, err = _ended(proc, "after a worker was killed")
    assert proc.returncode == 0, err
    # "killed by SIGKILL" when the pool saw its worker end; under a busy machine it may only know "abruptly"
    assert "an extraction worker died (" in out and "1 time(s)" in out, err
    assert digest(db) == digest(clean)


def test_a_load_whose_workers_keep_dying_stops_with_the_reason_and_a_rerun_finishes_it(tmp_path):
    from bench.fault_injection import digest

    rows, clean = _rows_and_a_clean_load(tmp_path)
    db = tmp_path / "w.duckdb"
    proc = _load([rows], db)
    killer = threading.Thread(target=_kill_workers, args=(proc, None), daemon=True)
    killer.start()
    out, err = _ended(proc, "while its workers were killed")
    assert proc.returncode == 2, (out, err)
    assert err.startswith("stopped: an extraction worker process died ("), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _load([rows], db).wait(timeout=600) == 0
    assert digest(db) == digest(clean)


def test_sigterm_stops_a_load_as_ctrl_c_does_and_exits_143(tmp_path):
    """SIGTERM (systemd, `kill`) ended the load at once with exit 143 and no word (issue 22)."""
    import os
    import signal

    from bench.fault_injection import digest

    rows, clean = _rows_and_a_clean_load(tmp_path)
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "etl", "load", str(rows), "--db", str(db), "--no-progress"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    while proc.poll() is None and not _workers(proc.pid):
        time.sleep(0.1)
    time.sleep(1.0)
    assert proc.poll() is None, "the load ended before it could be stopped"
    os.killpg(proc.pid, signal.SIGTERM)  # what systemd sends to the whole service
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, (out, err)
    assert err.startswith("terminated (SIGTERM): nothing was half-written") and "Traceback" not in err, err
    assert _load([rows], db).wait(timeout=600) == 0
    assert digest(db) == digest(clean)


def test_a_load_started_with_sigint_ignored_keeps_ignoring_it(tmp_path):
    """A shell starts background jobs with SIGINT ignored so that Ctrl-C at the terminal leaves them
    running; the loader's own SIGINT handler must not undo that."""
    import os
    import signal

    rows = write_rows(tmp_path / "rows.csv", 3000)
    proc = subprocess.Popen([sys.executable, "-m", "etl", "load", str(rows), "--db", str(tmp_path / "w.duckdb"),
                             "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    while proc.poll() is None and not _workers(proc.pid):
        time.sleep(0.1)
    assert proc.poll() is None, "the load ended before it could be sent SIGINT"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "articles added: 3000" in out
