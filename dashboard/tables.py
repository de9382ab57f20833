"""The articles table as plain HTML (escaped), drawn by `st.html`.

A page of 100 rows reads the same as Streamlit's data grid, and draws in a fraction of the time: the
grid's component cost about 0.4 s of the first page in headless Chromium here (docs/performance.md).
Text is escaped, and only http(s) addresses become links.
"""
from __future__ import annotations

import html

import pandas as pd

_CELL = "padding:0.3rem 0.6rem;border-bottom:1px solid rgba(49,51,63,0.1);text-align:left;vertical-align:top"


def _day(value: object) -> str:
    return f"{pd.Timestamp(value):%Y-%m-%d}" if value is not None and not pd.isna(value) else "undated"


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else html.escape(str(value))


def _flag(flag: object) -> str:
    # A date that cannot be right (before 1995, after the page's fetch) says so.
    return f'<br><small title="this date cannot be right">{_text(flag)}</small>' if isinstance(flag, str) and flag else ""


def _title(title: object, url: object) -> str:
    text = _text(title) or "(no title)"
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{text}</a>'
    return text


def _table(headers: tuple[str, ...], body: str, cls: str) -> str:
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in headers)
    return (f'<table class="{cls}" style="width:100%;border-collapse:collapse;font-size:0.9rem">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def articles_html(articles: pd.DataFrame) -> str:
    """Rows of (date, outlet, title, url) as an HTML table: date, outlet, and the title linked to the article."""
    rows = "".join(
        f'<tr><td style="{_CELL};white-space:nowrap">{_day(r.date)}{_flag(getattr(r, "date_flag", None))}</td>'
        f'<td style="{_CELL}">{_text(r.outlet)}</td>'
        f'<td style="{_CELL}" class="title">{_title(r.title, r.url)}</td></tr>'
        for r in articles.itertuples()
    )
    return _table(("Date", "Outlet", "Title"), rows, "articles")


def search_results_html(rows: pd.DataFrame) -> str:
    """Search results: date, outlet, and the linked title above its matching passage (`passage` is
    HTML already: escaped text with the matched words in <mark>)."""
    body = "".join(
        f'<tr><td style="{_CELL};white-space:nowrap">{_day(r.date)}</td>'
        f'<td style="{_CELL}">{_text(r.outlet)}</td>'
        f'<td style="{_CELL}" class="title">{_title(r.title, r.url)}<br><small class="passage">{r.passage}</small></td></tr>'
        for r in rows.itertuples()
    )
    return _table(("Date", "Outlet", "Title and matching passage"), body, "articles search")


def evidence_html(rows: pd.DataFrame) -> str:
    """Sentences that mention an actor (date, outlet, sentence as marked HTML, linked title)."""
    body = "".join(
        f'<tr><td style="{_CELL};white-space:nowrap">{_day(r.date)}</td>'
        f'<td style="{_CELL}">{_text(r.outlet)}</td>'
        f'<td style="{_CELL}" class="sentence">{r.marked}</td>'
        f'<td style="{_CELL}" class="title">{_title(r.title, r.url)}</td></tr>'
        for r in rows.itertuples()
    )
    return _table(("Date", "Outlet", "Sentence", "Article"), body, "articles evidence")
