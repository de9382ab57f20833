"""Every file is its own failure (issue 11): inputs that used to abort a whole load, each beside a good
file. The load exits 0, the good file's rows load, and the bad file gets one load_errors row with a
readable reason."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from etl.cli import main as cli

GOOD_ROWS = 20


def _good(folder: Path) -> None:
    with open(folder / "good.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "content", "date", "url", "source"])
        for i in range(GOOD_ROWS):
            w.writerow([f"Presiden Joko Widodo meresmikan jembatan {i}",
                        f"Presiden Joko Widodo meresmikan jembatan nomor {i} di Jakarta pada Senin.",
                        f"2025-05-{i % 9 + 1:02d}", f"https://example.test/a/{i}", "example.test"])


def _page(folder: Path, name: str, meta) -> None:
    (folder / f"{name}.txt").write_text("Judul Berita Presiden\nJakarta - Presiden Joko Widodo hadir.\n", encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _late_unknown(folder: Path) -> None:
    # 1,000 good objects, then one with no column the importer knows (it used to stop the whole load)
    lines = [json.dumps({"title": f"Berita {i}", "content": "Presiden Joko Widodo hadir.", "url": f"https://e.test/{i}"})
             for i in range(1000)] + [json.dumps({"foo": 1, "bar": 2})]
    (folder / "late.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


BAD = {
    "nested.json": lambda d: (d / "nested.json").write_text("[" * 100_000 + "]" * 100_000),
    "nested.jsonl": lambda d: (d / "nested.jsonl").write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n"),
    "url-number": lambda d: _page(d, "url-number", {"url": 123}),
    "outlet-number": lambda d: _page(d, "outlet-number", {"outlet": 5}),
    "url-list": lambda d: _page(d, "url-list", {"url": ["https://a.test", "https://b.test"]}),
    "late.jsonl": _late_unknown,
    "empty.csv": lambda d: (d / "empty.csv").write_text(""),
    "numbers.json": lambda d: (d / "numbers.json").write_text("[1, 2, 3]"),
}
REASONS = {
    "nested.json": "nested too deeply to read",
    "nested.jsonl": "nested too deeply to read",
    "url-number": "'url' must be text, not int",
    "outlet-number": "'outlet' must be text, not int",
    "url-list": "'url' must be text, not list",
    "late.jsonl": "row 1001: no title or text",
    "empty.csv": "the file is empty",
    "numbers.json": "expected a JSON array of objects",
}


@pytest.mark.parametrize("bad", sorted(BAD))
def test_a_bad_file_beside_a_good_one_is_reported_and_the_rest_loads(tmp_path, bad, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _good(inputs)
    BAD[bad](inputs)
    db = tmp_path / "w.duckdb"
    assert cli(["load", str(inputs), "--db", str(db), "--no-progress"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        urls = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
        assert {f"https://example.test/a/{i}" for i in range(GOOD_ROWS)} <= urls
        problems = con.execute(
            "SELECT source_path, message FROM load_errors WHERE severity IN ('error', 'rejected')").fetchall()
        [(finished,)] = con.execute("SELECT count(*) FROM load_runs WHERE finished_at IS NOT NULL").fetchall()
    finally:
        con.close()
    mine = [(p, m) for p, m in problems if bad.split(".")[0] in Path(p).name]
    assert len(mine) == 1, problems
    assert REASONS[bad] in mine[0][1]
    assert finished == 1


def test_a_long_article_is_kept_whole_and_scanned_up_to_the_limit(tmp_path, monkeypatch):
    from etl import extract, records
    from etl.load import load_paths

    monkeypatch.setattr(extract, "SCAN_CHARS", 20_000)
    monkeypatch.setattr(records, "SCAN_CHARS", 20_000)
    sentence = "Presiden Joko Widodo meresmikan jembatan di Jakarta. "
    body = sentence * 400 + "Menteri Basuki Hadimuljono hadir di Surabaya. " * 400  # the second name after the limit
    page = tmp_path / "long.txt"
    page.write_text("Presiden Joko Widodo Tinjau Proyek\n" + body, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    report = load_paths([page], db=db, progress=False, workers=1)
    assert report.added == 1 and report.warned["text not fully scanned"] == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT length(body) FROM articles").fetchone()[0] >= len(body) - 2
        names = {r[0] for r in con.execute("SELECT entity FROM mentions WHERE kind = 'person'").fetchall()}
        [(message,)] = con.execute("SELECT message FROM load_errors WHERE severity = 'warning'").fetchall()
    finally:
        con.close()
    assert "Joko Widodo" in names and "Basuki Hadimuljono" not in names
    assert "only the first 20,000 characters of the body" in message


def test_a_page_with_ten_thousand_trending_entries_loads_its_sidebar_and_scans_the_first(tmp_path):
    from etl.load import load_paths

    lines = ["Presiden Joko Widodo Tinjau Proyek", "Jakarta - Presiden Joko Widodo meninjau proyek.", "Berita Trending"]
    lines += [f"- {i} Menteri Basuki Hadimuljono Tinjau Jembatan {i}" for i in range(1, 10_001)]
    page = tmp_path / "sidebar.txt"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    report = load_paths([page], db=db, progress=False, workers=1)
    assert report.added == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("SELECT count(*) FROM trending").fetchone()[0]
        scanned = con.execute("SELECT count(DISTINCT trending_rank) FROM mentions WHERE part = 'trending'").fetchone()[0]
    finally:
        con.close()
    assert stored == 10_000  # the whole sidebar is kept
    assert 0 < scanned <= 100 and report.warned["text not fully scanned"] == 1


def test_text_that_is_not_utf8_is_read_and_reported_with_the_encoding_it_looks_like(tmp_path):
    from etl.load import load_paths

    (tmp_path / "latin.txt").write_bytes(
        "Presiden Joko Widodo Kunjungi Café\nJakarta - Presiden Joko Widodo minum kopi di café itu.\n".encode("cp1252"))
    rows = "title,content,url\n" + "".join(f"Berita {i},Presiden hadir {i}.,https://e.test/{i}\n" for i in range(300))
    (tmp_path / "late.csv").write_bytes(rows.encode() + "Berita Café,Presiden di café.,https://e.test/x\n".encode("cp1252"))
    db = tmp_path / "w.duckdb"
    report = load_paths([tmp_path / "latin.txt", tmp_path / "late.csv"], db=db, progress=False)
    assert report.added == 302 and report.failed == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        titles = {r[0] for r in con.execute("SELECT title FROM articles").fetchall()}
        said = [r[0] for r in con.execute("SELECT message FROM load_errors WHERE reason = 'encoding'").fetchall()]
    finally:
        con.close()
    assert "Presiden Joko Widodo Kunjungi Café" in titles
    assert any("read as Windows-1252" in m for m in said) and any("look like Windows-1252" in m for m in said)


def test_control_characters_are_not_stored(tmp_path):
    from etl.load import load_paths

    (tmp_path / "nul.csv").write_bytes(b"title,content,url\nJudul\x00 Berita\x07,Presiden Joko Widodo hadir.,https://e.test/n\n")
    db = tmp_path / "w.duckdb"
    load_paths([tmp_path / "nul.csv"], db=db, progress=False)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT title FROM articles").fetchone()[0] == "Judul Berita"
    con.close()


def test_a_db_that_is_a_folder_or_not_duckdb_is_refused_in_one_line(tmp_path, capsys):
    from .conftest import SEEDS

    not_db = tmp_path / "notes.duckdb"
    not_db.write_text("not a database")
    for target in (tmp_path, not_db):
        assert cli(["load", str(SEEDS), "--db", str(target), "--no-progress"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("not loaded: ") and "\n" not in err and "Traceback" not in err


def test_folder_links_are_not_followed_and_file_names_cannot_fake_report_lines(tmp_path, capsys):
    from .conftest import SEEDS

    inputs = tmp_path / "in"
    (inputs / "a").mkdir(parents=True)
    (inputs / "a" / "back").symlink_to(inputs)  # a loop
    seed = next(SEEDS.glob("*.txt"))
    (inputs / "a" / "page.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "x\nERROR fake.txt").write_text("", encoding="utf-8")
    assert cli(["load", str(inputs), "--db", str(tmp_path / "w.duckdb"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "a link to a folder: not followed" in out
    assert not [line for line in out.splitlines() if line.startswith("ERROR fake")]
    assert "x\\nERROR fake.txt" in out


def test_a_fuzz_run_escapes_nothing_and_loses_no_file(tmp_path):
    """A short run of bench/fuzz.py (fixed seed): the full run's figures are in docs/reliability.md."""
    from bench.fuzz import run

    result = run(40, seed=7, seconds=120, work=tmp_path)
    assert result["escaped"] == [] and result["lost"] == []
    assert result["files_with_articles"] > 0 and result["files_reported"] > 0


def test_dates_at_the_calendars_edge_load_the_row_with_a_remark(tmp_path):
    """`9999-12-31T23:59-12:00` and `0001-01-01T00:00+14:00` (and such a fetched_at) raised
    OverflowError and lost the row or page, where the README promises a load without a day."""
    from etl.load import load_paths

    edges = ["9999-12-31T23:59-12:00", "0001-01-01T00:00+14:00"]
    with open(tmp_path / "edge.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "content", "date", "fetched_at", "url"])
        for i, (date, fetched) in enumerate([(edges[0], ""), (edges[1], ""), ("2025-05-02", edges[0]),
                                             ("2025-05-03", edges[1]), ("2025-05-04", "bukan tanggal")]):
            w.writerow([f"Berita tepi {i}", f"Presiden Joko Widodo hadir di Jakarta {i}.", date, fetched, f"https://e.test/{i}"])
    for i, fetched in enumerate(edges + ["bukan tanggal"]):
        _page(tmp_path, f"p{i}", {"url": f"https://e.test/p{i}", "fetched_at": fetched})
    db = tmp_path / "w.duckdb"
    report = load_paths([tmp_path], db=db, progress=False)
    assert report.added == 8 and report.failed == 0 and not report.rejected
    con = duckdb.connect(str(db), read_only=True)
    try:
        days = dict(con.execute("SELECT url, published_date FROM articles").fetchall())
        said = [r[0] for r in con.execute("SELECT message FROM load_errors WHERE severity = 'warning'").fetchall()]
    finally:
        con.close()
    assert days["https://e.test/0"] is None and days["https://e.test/1"] is None
    assert str(days["https://e.test/2"]) == "2025-05-02"
    assert sum("fetched_at" in m for m in said) == 6, said


def test_text_that_is_not_text_is_cleaned_refused_or_said(tmp_path):
    """Issue 22: a bidi override flipped titles and outlets, NUL and zero-width characters stayed in
    `author`, `www.javascript:alert(1)` was kept as a URL, and a JSON object or bytes became Python's
    repr (`{'a': 1}`, `b'...'`) in the warehouse."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from etl.load import load_paths

    rows = [
        {"title": "Judul \u202eBerita\u202c Satu", "content": "Presiden Joko Widodo hadir di Jakarta.",
         "url": "https://e.test/1", "author": "Budi\x00 Santoso\u200b", "source": "e\u202e.test"},
        {"title": "Judul Berita Dua", "content": "Prabowo Subianto hadir di Bandung.", "url": "www.javascript:alert(1)"},
        {"title": "Judul Berita Tiga", "content": "Anies Baswedan hadir di Medan.", "url": "https://e.test/3",
         "author": {"a": 1}},
    ]
    (tmp_path / "odd.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"title": ["Judul Berita Empat"], "content": ["Ganjar Pranowo hadir di Semarang."],
                             "url": ["https://e.test/4"], "author": [b"\x00\x01bytes"]}), tmp_path / "odd.parquet")
    db = tmp_path / "w.duckdb"
    report = load_paths([tmp_path], db=db, progress=False)
    assert report.added == 4 and report.failed == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = {r[0]: r[1:] for r in con.execute("SELECT title, author, url, outlet FROM articles").fetchall()}
        said = [r[0] for r in con.execute("SELECT message FROM load_errors WHERE severity = 'warning'").fetchall()]
    finally:
        con.close()
    assert got["Judul Berita Satu"][0] == "Budi Santoso"
    assert all("\u202e" not in (v or "") for r in got.values() for v in r)
    assert got["Judul Berita Dua"][1] is None
    assert got["Judul Berita Tiga"][0] is None and got["Judul Berita Empat"][0] is None
    assert not any("{'a'" in (v or "") or "b'" in (v or "") for r in got.values() for v in r)
    assert any("is not a web address" in m for m in said)
    assert sum("not text: left empty" in m for m in said) == 2, said


def test_linked_files_keep_their_own_name_and_dead_or_looping_links_are_reported(tmp_path):
    """A linked file was reported under its target's path; a looping link was skipped without a word."""
    from etl.load import load_paths

    _good(tmp_path)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "real.csv").write_text("title,content,url\nJudul,Presiden Joko Widodo hadir.,https://e.test/l\n",
                                     encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "linked.csv").symlink_to(target / "real.csv")
    (inputs / "a.csv").symlink_to(inputs / "b.csv")
    (inputs / "b.csv").symlink_to(inputs / "a.csv")
    db = tmp_path / "w.duckdb"
    report = load_paths([inputs], db=db, progress=False)
    assert report.added == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(path,)] = con.execute("SELECT source_path FROM articles").fetchall()
    finally:
        con.close()
    assert path == str(inputs / "linked.csv")
    said = {p.path: p.message for p in report.problems}
    assert "loop" in said[str(inputs / "a.csv")] and "loop" in said[str(inputs / "b.csv")]
