"""The exports importer: column mapping, raw dates, headerless files, dedup, stories, reports."""
from __future__ import annotations

import csv
import json
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.cli import main as cli_main
from etl.columns import ColumnError, map_columns
from etl.dates import numeric_dayfirst
from etl.exports import read_table
from etl.load import load_paths
from etl.records import bundle_from_row, normalize_url, read_published

from .conftest import CORPUS_EXPORTS, needs_exports

BODY_BGN = (
    "JAKARTA, KOMPAS.com - Kepala Badan Gizi Nasional (BGN) Dadan Hindayana mengatakan program Makan "
    "Bergizi Gratis (MBG) menjangkau 20 juta penerima manfaat. Presiden Prabowo Subianto meminta "
    "pengawasan dapur diperketat setelah kasus keracunan di Bandung Barat."
)
BODY_BAHLIL = (
    "REPUBLIKA.CO.ID, JAKARTA -- Menteri ESDM Bahlil Lahadalia mencabut empat izin usaha pertambangan "
    "di Raja Ampat, Papua Barat Daya. Bahlil menyebut sebagian lahan masuk kawasan Geopark."
)


from .test_load import rows as q  # noqa: E402  (beside the texts it is used with)


def write_csv(path, header, rows, bom=False):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        if header:
            w.writerow(header)
        w.writerows(rows)


def test_columns_are_mapped_from_indonesian_and_english_names():
    m = map_columns(["sumber", "tanggal_publikasi", "judul", "isi_berita", "tautan", "penulis"])
    assert m == {"outlet": "sumber", "date": "tanggal_publikasi", "title": "judul", "body": "isi_berita",
                 "url": "tautan", "author": "penulis"}
    # news-watch's export columns
    m = map_columns(["title", "publish_date", "author", "content", "keyword", "category", "source", "link"])
    assert (m["date"], m["body"], m["url"], m["outlet"]) == ("publish_date", "content", "link", "source")
    assert map_columns(["headline_text", "teks"], {"title": "headline_text"})["title"] == "headline_text"
    with pytest.raises(ColumnError, match="not in the file"):
        map_columns(["judul"], {"body": "naskah"})
    with pytest.raises(ColumnError, match="no title, text or URL"):
        map_columns(["foo", "bar"])


@pytest.mark.parametrize("raw, time, expected", [
    ("Diperbarui 18 Jun 2025, 14:05 WIB", "", date(2025, 6, 18)),
    ("Kompas.com - 10/06/2025, 21:44 WIB", "", date(2025, 6, 10)),
    ("Selasa, 29 Apr 2025 12:52 WIB", "", date(2025, 4, 29)),
    ("2025-09-22T20:45:00+00:00", "", date(2025, 9, 23)),  # 03:45 WIB the next day
    ("10 Jun 2025", "22:35", date(2025, 6, 10)),
    ("2015/08/25", "", date(2015, 8, 25)),
    ("14 Maret 2018 | 07.50 WIB", "", date(2018, 3, 14)),
    ("Rabu, 18 Juni 2025 23:30 WITA", "", date(2025, 6, 18)),
])
def test_raw_date_strings(raw, time, expected):
    day, source, warning = read_published(raw, time, None, today=date(2026, 1, 1))
    assert (day, source, warning) == (expected, "metadata", None)


def test_relative_dates_use_the_scrape_time_and_bad_dates_are_reported():
    from datetime import datetime

    from etl.dates import JAKARTA

    fetched = datetime(2025, 5, 5, 1, 0, tzinfo=JAKARTA)
    assert read_published("2 jam yang lalu", "", fetched)[0] == date(2025, 5, 4)
    day, source, warning = read_published("Tidak Ditemukan", "", None)
    assert (day, source) == (None, "unreadable") and "Tidak Ditemukan" in warning
    assert read_published("", "", None)[:2] == (None, "missing")
    assert read_published("2031-01-01", "", None, today=date(2026, 1, 1))[1] == "unreadable"


def test_month_first_columns_are_recognised():
    assert numeric_dayfirst(["28/11/2024", "3/4/2025"]) is True
    assert numeric_dayfirst(["11/28/2024", "3/4/2025"]) is False
    assert numeric_dayfirst(["3/4/2025"]) is True  # ambiguous: Indonesian order


def test_url_normalisation():
    a = normalize_url("https://www.kompas.com/read/2025/06/10/x?utm_source=ABC&utm_medium=rss")
    assert a == normalize_url("http://kompas.com/read/2025/06/10/x/") == normalize_url("https://kompas.com/read/2025/06/10/x/amp")
    assert normalize_url("https://amp.kompas.com/read/2025/06/10/x") == a
    assert normalize_url("https://m.detik.com/news/d-1?fbclid=x") == normalize_url("https://detik.com/news/d-1")
    assert normalize_url("https://news.detik.com/d-1") != normalize_url("https://sport.detik.com/d-1")


def test_csv_jsonl_and_parquet_load_through_one_command(tmp_path, db_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "mbg.csv", ["sumber", "tanggal", "judul", "content", "author", "url"], [
        ["kompas", "2025-12-17 11:16:54", "BGN Klaim Program MBG Bisa Jadi Instrumen", BODY_BGN, "Robertus",
         "https://nasional.kompas.com/read/2025/12/17/1/bgn-klaim"],
        ["kompas", "", "", "", "", "https://nasional.kompas.com/read/2025/12/17/2/kosong"],
    ], bom=True)
    with (folder / "tempo.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "Bahlil Cabut Empat IUP di Raja Ampat", "content": BODY_BAHLIL,
                             "published_at": "2025-06-10T14:55:00+00:00", "source": "tempo",
                             "url": "https://www.tempo.co/ekonomi/bahlil-cabut-iup-1"}) + "\n")
        fh.write("{not json\n")
    pq.write_table(pa.table({
        "judul_berita": ["Israel Serang Gaza Lagi"], "sumber_berita": ["Detik"],
        "url": ["https://news.detik.com/internasional/d-6969939/israel-serang-gaza"],
        "tanggal_publikasi_iso": ["2023-10-07T12:57"],
    }), folder / "headlines.parquet")

    assert cli_main(["load", str(folder), "--db", str(db_path), "--no-progress"]) == 0
    arts = {r[0]: r[1:] for r in q(db_path, "SELECT title, outlet, published_date, author, dateline FROM articles")}
    assert arts["BGN Klaim Program MBG Bisa Jadi Instrumen"] == ("kompas.com", date(2025, 12, 17), "Robertus", "Jakarta")
    assert arts["Bahlil Cabut Empat IUP di Raja Ampat"][:2] == ("tempo.co", date(2025, 6, 10))
    assert arts["Israel Serang Gaza Lagi"][:2] == ("detik.com", date(2023, 10, 7))
    people = {r[0] for r in q(db_path, "SELECT entity FROM mentions WHERE kind = 'person'")}
    assert {"Dadan Hindayana", "Prabowo Subianto", "Bahlil Lahadalia"} <= people
    assert ("IL",) in q(db_path, "SELECT entity_code FROM mentions WHERE kind = 'country'")
    run = q(db_path, "SELECT rows_seen, articles_added, duplicates, rows_rejected FROM load_runs")
    assert run == [(5, 3, 0, 2)]
    errors = q(db_path, "SELECT regexp_extract(source_path, '[^/]+$'), row_number, reason FROM load_errors "
                        "WHERE severity = 'rejected' ORDER BY 1")
    assert errors == [("mbg.csv", 2, "no title or text"), ("tempo.jsonl", 2, "not valid JSON (Expecting property name enclosed in double quotes)")]


def test_same_url_in_two_files_is_one_article_and_reload_is_a_no_op(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    row = ["kompas", "2025-12-17 11:16:54", "BGN Klaim Program MBG Bisa Jadi Instrumen", BODY_BGN, "Robertus"]
    write_csv(folder / "a.csv", ["sumber", "tanggal", "judul", "content", "author", "url"],
              [row + ["https://www.kompas.com/read/2025/12/17/1/bgn?utm_source=wa"]])
    # Same article, other URL spelling and a slightly different scrape of the body.
    write_csv(folder / "b.csv", ["sumber", "tanggal", "judul", "content", "author", "url"],
              [row[:3] + [BODY_BGN + " Baca juga: Lainnya"] + row[4:] + ["http://kompas.com/read/2025/12/17/1/bgn/amp"]])
    first = load_paths([folder], db=db_path)
    assert (first.rows_seen, first.added, first.duplicates) == (2, 1, 1)
    second = load_paths([folder], db=db_path)
    assert (second.added, second.updated, second.unchanged, second.duplicates) == (0, 0, 1, 1)
    assert q(db_path, "SELECT count(*) FROM articles")[0][0] == 1


def test_syndicated_copies_become_one_story(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    title = "Menteri ESDM Bahlil Cabut Empat IUP di Raja Ampat"
    write_csv(folder / "x.csv", ["judul", "isi", "tanggal", "sumber", "link"], [
        [title, BODY_BAHLIL, "2025-06-10", "republika.co.id", "https://republika.co.id/berita/1"],
        [title + " - Antara", "ANTARA, JAKARTA - " + BODY_BAHLIL.split("-- ", 1)[1], "2025-06-10", "antaranews.com",
         "https://www.antaranews.com/berita/2"],
        # Same headline, a different report: not a copy.
        [title, BODY_BGN, "2025-06-11", "kompas.com", "https://kompas.com/read/3"],
    ])
    load_paths([folder], db=db_path)
    stories = q(db_path, "SELECT outlet, story_id FROM articles ORDER BY outlet")
    by_outlet = dict(stories)
    assert by_outlet["antaranews.com"] == by_outlet["republika.co.id"] != by_outlet["kompas.com"]
    assert q(db_path, "SELECT max(copies) FROM stories")[0][0] == 2
    counts = q(db_path, "SELECT count(DISTINCT item_id), count(DISTINCT story_id) FROM mention_events "
                        "WHERE entity = 'Bahlil Lahadalia'")
    # Two articles (one story) give his full name; the third only says "Menteri ESDM Bahlil".
    assert counts == [(2, 1)]


def test_earlier_copies_in_the_warehouse_join_a_story_only_within_three_days(tmp_path, db_path):
    """The story look-up in the warehouse keeps only earlier copies within 3 days of the batch's
    articles (it fetched every copy of a headline: 190 ms a batch at a million articles)."""
    title = "Menteri ESDM Bahlil Cabut Empat IUP di Raja Ampat"
    cols = ["judul", "isi", "tanggal", "sumber", "link"]
    write_csv(tmp_path / "first.csv", cols, [[title, BODY_BAHLIL, "2025-06-10", "republika.co.id", "https://republika.co.id/b/1"]])
    load_paths([tmp_path / "first.csv"], db=db_path)
    write_csv(tmp_path / "second.csv", cols, [
        [title, BODY_BAHLIL, "2025-06-13", "antaranews.com", "https://antaranews.com/b/2"],  # 3 days later: a copy
        [title, BODY_BAHLIL, "2025-06-20", "kompas.com", "https://kompas.com/b/3"],          # 10 days later: a new story
    ])
    load_paths([tmp_path / "second.csv"], db=db_path)
    # Alone in its load (an undated article in a batch makes every earlier copy a candidate).
    write_csv(tmp_path / "third.csv", cols, [[title, BODY_BAHLIL, "", "tempo.co", "https://tempo.co/b/4"]])
    load_paths([tmp_path / "third.csv"], db=db_path)
    story = dict(q(db_path, "SELECT outlet, story_id FROM articles"))
    assert story["antaranews.com"] == story["republika.co.id"] == story["tempo.co"]
    assert story["kompas.com"] != story["republika.co.id"]


def test_headerless_csv_is_guessed_or_named(tmp_path, db_path):
    path = tmp_path / "kompas.csv"
    write_csv(path, None, [
        ["0", "Sambut Tahun Baru, Warga NTB Adakan Zikir", "https://asset.kompas.com/crop/1.jpg",
         "https://regional.kompas.com/read/2018/12/31/1/sambut", "2018-12-31"],
        ["0", "Korea Utara di 2019: Antara Denuklirisasi dan Reunifikasi", "https://asset.kompas.com/crop/2.jpg",
         "https://internasional.kompas.com/read/2018/12/31/2/korea", "2018-12-31"],
    ])
    rows = list(read_table(path))
    assert rows[0].fields["url"].startswith("https://regional.kompas.com")
    assert rows[1].fields["title"].startswith("Korea Utara") and rows[1].fields["date"] == "2018-12-31"
    assert cli_main(["load", str(path), "--db", str(db_path), "--no-progress",
                     "--columns", "idx,title,image_url,url,date"]) == 0
    assert q(db_path, "SELECT count(*), min(published_date) FROM articles") == [(2, date(2018, 12, 31))]
    assert ("KP",) in q(db_path, "SELECT entity_code FROM mentions WHERE kind = 'country'")


def test_a_file_that_is_not_a_table_is_reported_and_the_rest_loads(tmp_path, db_path):
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    write_csv(tmp_path / "ok.csv", ["judul", "isi"], [["Bahlil Cabut Empat IUP", BODY_BAHLIL]])
    report = load_paths([tmp_path], db=db_path)
    assert report.added == 1 and report.failed == 1
    [(path, message)] = q(db_path, "SELECT source_path, message FROM load_errors WHERE severity = 'error'")
    assert path.endswith("broken.parquet") and "Parquet" in message


def test_rows_are_rejected_with_reasons_not_guessed():
    with pytest.raises(ValueError, match="no title or text"):
        bundle_from_row({"title": " ", "body": ""}, "x.csv")
    b = bundle_from_row({"title": "Billy Syahputra Belikan Mobil", "date": "Tidak Ditemukan"}, "x.csv")
    assert b.article["published_date"] is None and b.warnings


@needs_exports()
def test_every_corpus_export_loads_and_counts_add_up(db_path):
    import pandas as pd

    expected = 0
    for f in sorted(CORPUS_EXPORTS.rglob("*")):
        if f.suffix == ".csv":
            headerless = f.name.startswith("berhasil_")
            expected += len(pd.read_csv(f, dtype=str, header=None if headerless else 0, encoding="utf-8-sig"))
        elif f.suffix == ".jsonl":
            expected += sum(1 for line in f.open(encoding="utf-8") if line.strip())
    report = load_paths([CORPUS_EXPORTS], db=db_path)
    assert report.failed == 0
    assert report.rows_seen == expected
    rejected = sum(report.rejected.values())
    assert report.added + report.updated + report.unchanged + report.duplicates + rejected == expected
    assert q(db_path, "SELECT count(*) FROM articles")[0][0] == report.added
    again = load_paths([CORPUS_EXPORTS], db=db_path)
    assert (again.added, again.updated) == (0, 0)
    assert q(db_path, "SELECT count(*) FROM articles")[0][0] == report.added
