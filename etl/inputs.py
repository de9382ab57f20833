"""Inputs: files -> work items (or problems), each with a hash of everything it is built from.

A work item is one page or one export row, with what extraction needs and nothing else: it can go to
another process or machine. The hash says whether the warehouse already holds the same input read
by the same extractor, so that loading the same files twice changes nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import lexicons
from .columns import ColumnError
from .dates import numeric_dayfirst
from .exports import TABLE_SUFFIXES, ExportError, TableOptions, looks_like, read_table, undecodable_bytes
from .features import MODELS
from .records import META_SUFFIX, READ_AS_KEY, read_meta
from .report import FileProblem, LoadReport

PAGE_SUFFIXES = {".txt"}
# Bump when a code change alters what is extracted, so the next load redoes every article.
EXTRACTOR_VERSION = "4"  # 4: outlets named by the public-suffix list


@dataclass
class Item:
    kind: str  # page | row
    source: str
    row_number: int | None
    payload: Any  # (text, meta) for a page; fields for a row
    input_hash: str
    dayfirst: bool = True


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileProblem]]:
    """Input files under the given paths, in a stable order; missing paths are problems."""
    found: list[Path] = []
    problems: list[FileProblem] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(_walk(p, problems))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(FileProblem(str(p), "no such file or folder"))
    return found, problems


def _walk(folder: Path, problems: list[FileProblem]) -> list[Path]:
    """Input files under a folder, sorted. A folder that cannot be read is reported; linked folders
    are not followed (a link back up made a loop), and are reported too."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        problems.append(FileProblem(str(exc.filename or folder), f"folder not readable ({exc.strerror or exc})", "warning"))

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        for d in sorted(dirs):
            if os.path.islink(os.path.join(root, d)):
                problems.append(FileProblem(os.path.join(root, d), "a link to a folder: not followed (load its target itself)", "warning"))
        for name in files:
            f = Path(root) / name
            if _is_input(f) and f.is_file():
                found.append(f)
    return sorted(found)


def _is_input(path: Path) -> bool:
    suffix = path.suffix.lower()
    if path.name.startswith(".") or path.name.endswith(META_SUFFIX):
        return False
    return suffix in PAGE_SUFFIXES or suffix in TABLE_SUFFIXES


def extractor_fingerprint() -> str:
    """Changes when the extractor, its model or any lexicon changes, so that a reload redoes the
    affected articles. entity_overrides.csv counts only for its blocks: merges and splits act in the
    registry at the end of the load, without reading articles again."""
    from .registry import blocked

    h = hashlib.sha1(EXTRACTOR_VERSION.encode())
    # sorted: a set's order changes from process to process (string hashing is salted), and so did
    # the fingerprint, making a second load in a new process redo every article.
    for folder in sorted({Path(lexicons.DEFAULT_DIR), Path(lexicons.lexicon_dir()), Path(MODELS)}):
        for f in sorted(Path(folder).glob("*")):
            if f.is_file() and f.name != "entity_overrides.csv":
                h.update(f.name.encode() + f.read_bytes())
    h.update(repr(sorted(blocked())).encode())
    return h.hexdigest()


def content_hash(fingerprint: str, payload: object) -> str:
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1((fingerprint + data).encode("utf-8")).hexdigest()


def iter_items(
    files: list[Path], fingerprint: str, options: TableOptions | None = None
) -> Iterator[Item | FileProblem]:
    """Work items of every file, streaming; a broken file (or row) yields a FileProblem and the rest go on."""
    for path in files:
        source = str(path.resolve())
        suffix = path.suffix.lower()
        if suffix in PAGE_SUFFIXES:
            try:
                raw = path.read_bytes()
                read_as = None
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    # Indonesian sites that are not UTF-8 are Windows-1252 (Latin-1): read it as that,
                    # and say so, rather than lose the page.
                    looks = looks_like(raw[exc.start:exc.start + 64])
                    if looks is None:
                        raise ValueError(f"not UTF-8 text (byte {exc.start}), nor any encoding it looks like") from exc
                    text, read_as = raw.decode(looks[0], errors="replace"), (exc.start, looks[1])
                meta = read_meta(path)
                if read_as:
                    meta = {**meta, READ_AS_KEY: f"not UTF-8 from byte {read_as[0]}: read as {read_as[1]}"}
            except Exception as exc:
                yield FileProblem(source, readable_reason(exc))
                continue
            yield Item("page", source, None, (text, meta), content_hash(fingerprint, [text, meta]))
        elif suffix in TABLE_SUFFIXES:
            yield from _table_items(path, source, fingerprint, options)
        else:
            yield FileProblem(source, f"unsupported file type {suffix or '(none)'}; expected .txt, .csv, .jsonl, .json or .parquet")


def readable_reason(exc: BaseException) -> str:
    """A readable reason for an error met while reading or processing one file or row."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "too large to read into memory"
    if isinstance(exc, (ExportError, ColumnError, OSError, UnicodeDecodeError, ValueError)):
        return str(exc) or type(exc).__name__
    return f"could not be processed ({type(exc).__name__}: {exc})"


def _table_items(path: Path, source: str, fingerprint: str, options: TableOptions | None) -> Iterator[Item | FileProblem]:
    head: list = []
    try:
        rows = read_table(path, options)
        # The first rows decide whether numeric dates are day-first (Indonesian) or month-first.
        for row in rows:
            head.append(row)
            if len(head) >= 1000:
                break
    except Exception as exc:  # any failure reading one file is that file's problem, never the load's
        yield FileProblem(source, readable_reason(exc))
        return
    dayfirst = numeric_dayfirst([r.fields.get("date", "") for r in head])

    def items(seq) -> Iterator[Item | FileProblem]:
        for row in seq:
            if row.problem:
                yield FileProblem(source, f"row {row.number}: {row.problem}", "rejected", row.number, row.problem)
                continue
            yield Item("row", source, row.number, row.fields, content_hash(fingerprint, [row.fields, dayfirst]), dayfirst)

    yield from items(head)
    try:
        yield from items(rows)
    except Exception as exc:
        yield FileProblem(source, f"stopped reading after row {head[-1].number if head else 0}: {readable_reason(exc)}")
    replaced, sample = undecodable_bytes()
    if replaced:
        looks = looks_like(sample or b"")
        yield FileProblem(source, f"encoding: {replaced:,} bytes were not UTF-8 and became \ufffd"
                          + (f"; they look like {looks[1]}" if looks else ""), "warning", None, "encoding")


def chunks(items: Iterator[Item | FileProblem], report: LoadReport, size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        if isinstance(item, FileProblem):
            if item.row_number is not None:
                report.rows_seen += 1
            report.note(item, counts_as_row=item.row_number is not None)
            continue
        report.rows_seen += 1
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
