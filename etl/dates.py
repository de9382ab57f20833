"""Dates in Indonesian news: parse raw date strings, and infer a page's publish day.

Publish days are calendar days in the outlet's local time (Asia/Jakarta unless told otherwise).
A year is never taken from the machine clock: a year-less date gets its year from the text or from
the weekday it is given with, and no inferred day may lie after the page was fetched (or after today).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
WEEKDAYS = {
    "senin": 0, "monday": 0, "selasa": 1, "tuesday": 1, "rabu": 2, "wednesday": 2,
    "kamis": 3, "thursday": 3, "jumat": 4, "jum'at": 4, "jum’at": 4, "friday": 4,
    "sabtu": 5, "saturday": 5, "minggu": 6, "ahad": 6, "sunday": 6,
}
ZONES = {"wib": 7, "wita": 8, "wit": 9, "utc": 0, "gmt": 0}

# Online news older than this is a typo or a history date, not a publish day.
MIN_YEAR = 1995
# With a fetch time known, the publish day is looked for at most this many days before it.
FETCH_WINDOW_DAYS = 60

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted((re.escape(w) for w in WEEKDAYS), key=len, reverse=True))

_ISO = re.compile(
    r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_YMD_SLASH = re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})\s*(?:-\s*)?({_MONTH_RE})\.?,?\s*(?:-\s*)?(\d{{4}}|\d{{2}})\b", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_TIME = re.compile(r"\b(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(WIB|WITA|WIT|UTC|GMT)?\b", re.IGNORECASE)
_ZONE = re.compile(r"\b(WIB|WITA|WIT|UTC|GMT)\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(\d+|se|satu|dua|tiga|empat|lima)\s*(detik|menit|jam|hari|minggu|pekan|bulan)\s+(?:yang\s+)?lalu\b",
    re.IGNORECASE,
)
_WEEKDAY_PAREN = re.compile(
    rf"\b({_WEEKDAY_RE})\s*\(\s*(\d{{1,2}})\s*/\s*(\d{{1,2}})(?:\s*/\s*(\d{{4}}|\d{{2}}))?\s*\)",
    re.IGNORECASE,
)
_WEEKDAY_NAMED = re.compile(
    rf"\b({_WEEKDAY_RE}),?\s*(?:\(\s*)?(\d{{1,2}})\s+({_MONTH_RE})\.?(?:\s+(\d{{4}}))?", re.IGNORECASE
)
_YEAR = re.compile(r"\b(19[7-9]\d|20\d\d)\b")
_NUMBER_WORDS = {"se": 1, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5}
_UNITS = {
    "detik": timedelta(seconds=1), "menit": timedelta(minutes=1), "jam": timedelta(hours=1),
    "hari": timedelta(days=1), "minggu": timedelta(weeks=1), "pekan": timedelta(weeks=1),
    "bulan": timedelta(days=30),
}


@dataclass(frozen=True)
class DateGuess:
    published_date: date | None
    date_source: str  # metadata | text_full_date | text_weekday_date | text_relative | fetched_at | unknown


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _zone(text: str) -> timezone | None:
    m = _ZONE.search(text)
    return timezone(timedelta(hours=ZONES[m.group(1).lower()])) if m else None


def within_calendar(value: datetime | date | None) -> datetime | date | None:
    """The value, or None when it is a moment the calendar cannot hold in UTC or in Jakarta
    (`9999-12-31T23:59-12:00`, `0001-01-01T00:00+14:00`): converting it raised OverflowError, and
    the row or page was lost instead of loading without a day (issue 22)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value.astimezone(timezone.utc)
            value.astimezone(JAKARTA)
        except (OverflowError, ValueError):
            return None
    return value


def parse_date_string(
    raw: str, reference: datetime | None = None, dayfirst: bool = True
) -> datetime | date | None:
    """Read one raw date string as scrapers and sites write it.

    Returns an aware datetime when a time is given (WIB/WITA/WIT honoured, Asia/Jakarta assumed),
    a date when only a day is given, None when the string cannot be read or names a moment the
    calendar cannot hold. Relative forms (`2 jam yang lalu`, `kemarin`) need `reference`, the
    moment the page was fetched.
    """
    try:
        return within_calendar(_parse_date_string(raw, reference, dayfirst))
    except OverflowError:  # `3 hari yang lalu` from a reference on the calendar's first day
        return None


def _parse_date_string(raw: str, reference: datetime | None, dayfirst: bool) -> datetime | date | None:
    s = " ".join(str(raw).split())
    if not s:
        return None
    low = s.lower()
    if reference is not None:
        m = _RELATIVE.search(low)
        if m:
            n = _NUMBER_WORDS.get(m.group(1), None) or int(m.group(1))
            return reference - n * _UNITS[m.group(2)]
        if re.search(r"\bkemarin\b", low):
            return reference - timedelta(days=1)
        if re.search(r"\b(baru saja|hari ini)\b", low):
            return reference
    m = _ISO.search(s)
    if m:
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d is None:
            return None
        if m.group(4) is None:
            return d
        tz = _parse_offset(m.group(7)) or _zone(s) or JAKARTA
        return datetime(d.year, d.month, d.day, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0), tzinfo=tz)
    d = None
    for pattern, order in ((_YMD_SLASH, "ymd"), (_DAY_MONTH_YEAR, "dMy"), (_MONTH_DAY_YEAR, "Mdy")):
        m = pattern.search(s)
        if m:
            d = _from_groups(m.groups(), order)
            break
    else:
        m = _NUMERIC.search(s)
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
            day, month = (a, b) if dayfirst else (b, a)
            d = _safe_date(y, month, day) or _safe_date(y, day, month)
    if d is None:
        return None
    assert m is not None  # d was set from a match
    rest = s[m.end():]
    t = _TIME.search(rest)
    if t and (t.group(4) or ":" in t.group(0)):
        tz = _zone(t.group(0)) or _zone(s) or JAKARTA
        hour, minute = int(t.group(1)), int(t.group(2))
        if hour < 24 and minute < 60:
            return datetime(d.year, d.month, d.day, hour, minute, int(t.group(3) or 0), tzinfo=tz)
    return d


def _parse_offset(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return timezone.utc
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _from_groups(groups: tuple[str, ...], order: str) -> date | None:
    if order == "ymd":
        return _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
    if order == "dMy":
        return _safe_date(_year(groups[2]), MONTHS[groups[1].lower()], int(groups[0]))
    return _safe_date(int(groups[2]), MONTHS[groups[0].lower()], int(groups[1]))


def local_day(value: datetime | date, tz: ZoneInfo = JAKARTA) -> date:
    """The calendar day of a moment in the outlet's time zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(tz).date()
    return value


def infer_published_date(
    texts: list[str],
    published_raw: str | None = None,
    fetched_at: datetime | None = None,
    today: date | None = None,
    tz: ZoneInfo = JAKARTA,
) -> DateGuess:
    """Infer the publish day of a page from its metadata and texts (caption and body, in page order)."""
    today = today or datetime.now(tz).date()
    bound = min(local_day(fetched_at, tz), today) if fetched_at else today

    # A text date long before the fetch is a history or a related link, not the publish day.
    floor = local_day(fetched_at, tz) - timedelta(days=FETCH_WINDOW_DAYS) if fetched_at else date(MIN_YEAR, 1, 1)

    def ok(d: date | None) -> bool:
        return d is not None and floor <= d <= bound

    if published_raw:
        parsed = parse_date_string(published_raw, reference=fetched_at)
        if parsed is not None and ok(local_day(parsed, tz)):
            return DateGuess(local_day(parsed, tz), "metadata")
    joined = "\n".join(t for t in texts if t)
    # The latest date the text gives: stories report what happened up to the day they are written
    # ("ujar Antoni, Sabtu (24/5/2025)"); earlier dates are background. Measured on the corpus
    # pages: latest 53% right, first 51% (docs/quality.md).
    full = _latest_full_date(joined, ok)
    weekday = _first_weekday_date(joined, bound)
    if weekday is not None and not ok(weekday):
        weekday = None
    if full is not None and (weekday is None or full >= weekday):
        return DateGuess(full, "text_full_date")
    if weekday is not None:
        return DateGuess(weekday, "text_weekday_date")
    if fetched_at is not None:
        m = _RELATIVE.search(joined[:300])
        if m:
            rel = parse_date_string(m.group(0), reference=fetched_at)
            if rel is not None:
                return DateGuess(local_day(rel, tz), "text_relative")
        return DateGuess(local_day(fetched_at, tz), "fetched_at")
    return DateGuess(None, "unknown")


def _latest_full_date(text: str, ok: Callable[[date | None], bool]) -> date | None:
    """The latest complete date in the text (weekday forms with a year, `28 November 2024`, `3/5/2025`)."""
    found: list[tuple[int, date | None]] = []
    for m in _WEEKDAY_PAREN.finditer(text):
        if m.group(4):
            d = _safe_date(_year(m.group(4)), int(m.group(3)), int(m.group(2)))
            if ok(d):
                found.append((m.start(), d))
    for m in _DAY_MONTH_YEAR.finditer(text):
        if len(m.group(3)) == 4:
            d = _from_groups(m.groups(), "dMy")
            if ok(d):
                found.append((m.start(), d))
    for m in _NUMERIC.finditer(text):
        if len(m.group(3)) == 4:
            d = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if ok(d):
                found.append((m.start(), d))
    return max(d for _, d in found if d is not None) if found else None


def _first_weekday_date(text: str, bound: date) -> date | None:
    """`Kamis (28/11)`: the year from the text if it fits the weekday, else the latest fitting year."""
    years = sorted({int(y) for y in _YEAR.findall(text) if int(y) <= bound.year}, reverse=True)
    for m in _WEEKDAY_PAREN.finditer(text):
        weekday = WEEKDAYS[m.group(1).lower()]
        day, month = int(m.group(2)), int(m.group(3))
        d = _fit_year(day, month, weekday, years, bound)
        if d is not None:
            return d
    for m in _WEEKDAY_NAMED.finditer(text):
        if m.group(4):
            continue
        weekday = WEEKDAYS[m.group(1).lower()]
        d = _fit_year(int(m.group(2)), MONTHS[m.group(3).lower()], weekday, years, bound)
        if d is not None:
            return d
    return None


def _fit_year(day: int, month: int, weekday: int, years: list[int], bound: date) -> date | None:
    for y in years:
        d = _safe_date(y, month, day)
        if d is not None and MIN_YEAR <= y and d <= bound and d.weekday() == weekday:
            return d
    # No year in the text fits: the latest year up to the bound in which the weekday matches.
    for y in range(bound.year, bound.year - 8, -1):
        d = _safe_date(y, month, day)
        if d is not None and d <= bound and d.weekday() == weekday:
            return d
    return None


_NUMERIC_START = re.compile(r"^\D{0,20}?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def numeric_dayfirst(values: list[str]) -> bool:
    """Whether a column's numeric dates are day-first (`28/11/2024`, the Indonesian order) or
    month-first (`11/28/2024`): month-first only when some value cannot be day-first and none
    cannot be month-first."""
    day_first = month_first = False
    for v in values:
        m = _NUMERIC_START.match(v or "")
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day_first |= a > 12
            month_first |= b > 12
    return not (month_first and not day_first)
