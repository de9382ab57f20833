"""Inputs: files -> work items (or problems), each with a hash of everything it is built from.

A work item is one page or one export row, with what extraction needs and nothing else: it can go to
another process or machine. The hash says whether the warehouse already holds the same input read
by the same extractor, so that loading the same files twice changes nothing.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import lexicons
from .columns import ColumnError
from .dates import numeric_dayfirst
from .exports import TABLE_SUFFIXES, ExportError, TableOptions, TableRow, looks_like, read_table, undecodable_bytes
from .features import MODELS
from .records import META_SUFFIX, READ_AS_KEY, read_meta
from .report import FileProblem, LoadReport

PAGE_SUFFIXES = {".txt"}
# The fingerprint holds the sources of every module extraction runs (see extraction_sources), so a
# code change redoes the articles by itself; bump this only to force a reload without one.
EXTRACTOR_VERSION = "4"  # 4: outlets named by the public-suffix list
PACKAGE = Path(__file__).resolve().parent


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
            problems.append(FileProblem(path_text(p), "no such file or folder"))
    return found, problems


def path_text(path: str | os.PathLike[str] | bytes) -> str:
    """A path as text that can be stored and printed. A file name is bytes to the system; one that is
    not UTF-8 (`caf\xe9.csv`, written on a Latin-1 machine) reached Python with surrogates, and the
    first write of it to the warehouse stopped the whole load: its odd bytes become `\xe9` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _walk(folder: Path, problems: list[FileProblem]) -> list[Path]:
    """Input files under a folder, sorted. A folder that cannot be read is reported; linked folders
    are not followed (a link back up made a loop), and are reported too."""
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        problems.append(FileProblem(path_text(exc.filename or folder), f"folder not readable ({exc.strerror or exc})", "warning"))

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        for d in sorted(dirs):
            if os.path.islink(os.path.join(root, d)):
                problems.append(FileProblem(path_text(os.path.join(root, d)), "a link to a folder: not followed (load its target itself)", "warning"))
        for name in files:
            f = Path(root) / name
            if _is_input(f) and f.is_file():
                found.append(f)
            elif _is_input(f) and f.is_symlink():
                # A link to nothing, or links in a loop (a -> b -> a): was skipped without a word.
                problems.append(FileProblem(path_text(f), "a link that leads to no file (missing, or links in a loop): "
                                            "not loaded", "warning"))
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
    # The code: a `git pull` that changes extraction leaves any version string as it was (issue 22).
    for module in extraction_sources():
        h.update(module.name.encode() + module.read_bytes())
    # sorted: a set's order changes from process to process (string hashing is salted), and so did
    # the fingerprint, making a second load in a new process redo every article.
    for folder in sorted({Path(lexicons.DEFAULT_DIR), Path(lexicons.lexicon_dir()), Path(MODELS)}):
        for f in sorted(Path(folder).glob("*")):
            if f.is_file() and f.name != "entity_overrides.csv":
                h.update(f.name.encode() + f.read_bytes())
    h.update(repr(sorted(blocked())).encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def extraction_sources() -> tuple[Path, ...]:
    """The source files of every module of this package that extraction can run: etl/work.py and all
    it imports, followed through every import statement of the package (also those inside functions,
    which run later), read from the files, not from what this process happens to have imported: every
    process must get the same list."""
    seen: set[str] = set()
    todo = ["work"]
    while todo:
        name = todo.pop()
        if name in seen or not (PACKAGE / f"{name}.py").is_file():
            continue
        seen.add(name)
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:  # from .x import y / from . import x
                todo.extend([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("etl."):
                todo.append(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                todo.extend(a.name.split(".")[1] for a in node.names if a.name.startswith("etl."))
    return tuple(PACKAGE / f"{name}.py" for name in sorted(seen))


def content_hash(fingerprint: str, payload: object) -> str:
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1((fingerprint + data).encode("utf-8")).hexdigest()


def iter_items(
    files: list[Path], fingerprint: str, options: TableOptions | None = None
) -> Iterator[Item | FileProblem]:
    """Work items of every file, streaming; a broken file (or row) yields a FileProblem and the rest go on."""
    for path in files:
        # The path as given, made absolute, not resolved: a linked file is reported (and stored)
        # under its own name, not its target's (issue 22).
        given = os.path.abspath(path)
        source = path_text(given)
        if source != given:
            yield FileProblem(source, "the file name is not UTF-8: its bytes are written as \\x escapes here and in "
                                      "the warehouse", "warning")
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

    def items(seq: Iterable[TableRow]) -> Iterator[Item | FileProblem]:
        for row in seq:
            if row.problem:
                yield FileProblem(source, f"row {row.number}: {row.problem}", "rejected", row.number, row.problem)
                continue
            for remark in row.remarks:  # the row loads; the value that was not text is said, not stringified
                yield FileProblem(source, f"row {row.number}: {remark}", "warning", None, "value not text")
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
