from datetime import date, datetime, timedelta, timezone

import pytest

from etl.dates import JAKARTA, infer_published_date, parse_date_string

FETCHED = datetime(2025, 5, 5, 22, 12, 34, tzinfo=timezone(timedelta(hours=7)))
TODAY = date(2026, 11, 26)  # the machine clock may be a year ahead of the news


def test_seed_gives_2024_11_28(seed_text):
    from etl.page_parser import parse_page

    p = parse_page(seed_text)
    guess = infer_published_date([p.title, p.caption, p.body], today=TODAY)
    assert guess.published_date == date(2024, 11, 28)


def test_metadata_wins():
    g = infer_published_date(["Senin (28/4/2025) warga"], published_raw="2025-05-03 17:54:30", fetched_at=FETCHED, today=TODAY)
    assert (g.published_date, g.date_source) == (date(2025, 5, 3), "metadata")


def test_relative_metadata_against_fetched_at():
    g = infer_published_date(["isi"], published_raw="2 jam yang lalu", fetched_at=FETCHED, today=TODAY)
    assert (g.published_date, g.date_source) == (date(2025, 5, 5), "metadata")
    late = datetime(2025, 5, 6, 1, 0, tzinfo=JAKARTA)
    assert infer_published_date(["isi"], published_raw="3 jam lalu", fetched_at=late, today=TODAY).published_date == date(2025, 5, 5)


def test_full_date_in_text():
    g = infer_published_date(["Warga berkumpul, Senin (28/4/2025), di balai desa."], fetched_at=FETCHED, today=TODAY)
    assert (g.published_date, g.date_source) == (date(2025, 4, 28), "text_full_date")


def test_weekday_without_year_uses_weekday_consistency_not_the_clock():
    # Kamis 28/11: 2024 is a Thursday; today's year (2026) would be wrong.
    g = infer_published_date(["Pertemuan di Lyon pada Kamis (28/11)."], today=TODAY)
    assert (g.published_date, g.date_source) == (date(2024, 11, 28), "text_weekday_date")


def test_weekday_year_from_text():
    g = infer_published_date(["Sidang tahun 2019 digelar Kamis (28/11)."], today=TODAY)
    assert g.published_date == date(2019, 11, 28)


def test_never_after_fetched_at():
    g = infer_published_date(["Final digelar Sabtu (10/5/2025) mendatang."], fetched_at=FETCHED, today=TODAY)
    assert g.published_date <= FETCHED.date()
    assert g.date_source == "fetched_at"


def test_no_date_at_all():
    assert infer_published_date(["Tanpa tanggal."], today=TODAY).date_source == "unknown"


def test_day_is_jakarta_local():
    utc_evening = datetime(2025, 5, 5, 20, 0, tzinfo=timezone.utc)  # 03:00 WIB on 6 May
    g = infer_published_date(["isi"], published_raw=utc_evening.isoformat(), today=TODAY)
    assert g.published_date == date(2025, 5, 6)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("15 Jun 2025, 07:53 WIB", datetime(2025, 6, 15, 7, 53, tzinfo=timezone(timedelta(hours=7)))),
        ("Selasa, 29 Apr 2025 12:52 WIB", datetime(2025, 4, 29, 12, 52, tzinfo=timezone(timedelta(hours=7)))),
        ("Senin, 12 Mei  2025 14:00 WITA", datetime(2025, 5, 12, 14, 0, tzinfo=timezone(timedelta(hours=8)))),
        ("Diperbarui 18 Jun 2025, 14:05 WIB", datetime(2025, 6, 18, 14, 5, tzinfo=timezone(timedelta(hours=7)))),
        ("2025/06/01", date(2025, 6, 1)),
        ("28 November 2024", date(2024, 11, 28)),
        ("tanggal tidak jelas", None),
    ],
)
def test_parse_date_string(raw, expected):
    assert parse_date_string(raw) == expected


def test_numeric_dates_day_first_unless_told():
    assert parse_date_string("9/11/2024") == date(2024, 11, 9)
    assert parse_date_string("9/11/2024", dayfirst=False) == date(2024, 9, 11)
