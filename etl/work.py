"""Extraction, the load's pure step: work items in, article bundles (or problems) out.

Nothing here touches the warehouse, so a batch can run in this process, a local worker process or a
Dask worker on another machine, and give the same rows.
"""
from __future__ import annotations

import signal

from .inputs import Item, readable_reason
from .page_parser import PageParseError
from .records import ArticleBundle, RowRejected, bundle_from_page, bundle_from_row
from .report import FileProblem

Built = list[tuple[Item, ArticleBundle | FileProblem]]


class WorkerBroken(RuntimeError):
    """A worker process could not prepare extraction (a lexicon or model it cannot read)."""


_START_FAILURE: str | None = None


def build(item: Item, evidence: bool = True) -> ArticleBundle | FileProblem:
    try:
        if item.kind == "page":
            text, meta = item.payload
            return bundle_from_page(text, item.source, meta, evidence=evidence)
        return bundle_from_row(item.payload, item.source, dayfirst=item.dayfirst, evidence=evidence)
    except RowRejected as exc:
        return FileProblem(item.source, f"row {item.row_number}: {exc}", "rejected", item.row_number, str(exc))
    except Exception as exc:  # one page or row that cannot be processed never stops the load
        where = f"row {item.row_number}: " if item.row_number else ""
        severity = "rejected" if item.row_number else "error"
        reason = str(exc) if isinstance(exc, (PageParseError, ValueError)) else readable_reason(exc)
        return FileProblem(item.source, f"{where}{reason}", severity, item.row_number, reason)


def build_chunk(items: list[Item], evidence: bool = True) -> Built:
    return [(it, build(it, evidence)) for it in items]


def build_results(items: list[Item], evidence: bool = True) -> list[ArticleBundle | FileProblem]:
    """What a worker sends back: the results only (the sender still holds the items, and sending
    them back doubled the bytes: 2.3 KB an article in, 8.8 KB back with them, 6.5 KB without; 4.6 KB
    now that evidence rows are left out unless the load keeps them)."""
    if _START_FAILURE is not None:
        raise WorkerBroken(f"a worker process could not prepare extraction: {_START_FAILURE}")
    return [build(it, evidence) for it in items]


def warm(ignore_interrupt: bool = True) -> None:
    """Prepare a worker process: load lexicons and models once, before the first chunk arrives."""
    global _START_FAILURE
    if ignore_interrupt:
        # Ctrl-C is the parent's to handle: a worker interrupted mid-task left Pool.terminate() waiting
        # (608 s once). The parent stops the workers itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .extract import extract_article

        extract_article("Presiden Joko Widodo", None, "Presiden Joko Widodo di Jakarta.", [])
    except Exception as exc:
        # Raised here, it ended the worker process, and multiprocessing's pool started another in its
        # place, which failed the same way: the load hung, using both cores. The worker stays up and
        # refuses its chunks instead, so the load stops with the reason.
        _START_FAILURE = f"{type(exc).__name__}: {exc}"
