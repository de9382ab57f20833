"""Read tabular scraper exports (CSV, JSON Lines, JSON, Parquet) as rows of known fields, streaming."""
from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from .columns import ColumnError, guess_headerless, looks_like_header, map_columns

TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet"}
_SAMPLE_ROWS = 50

csv.field_size_limit(64 * 1024 * 1024)


class ExportError(ValueError):
    """The file cannot be read as a table at all."""


@dataclass
class TableRow:
    number: int  # 1-based data row (header excluded); the line for JSON Lines
    fields: dict[str, str]  # field -> raw string ("" when missing)
    problem: str | None = None  # the row could not be read (bad JSON line)
    remarks: list[str] = field(default_factory=list)  # values left out (not text), said in the report


@dataclass
class TableOptions:
    mapping: dict[str, str] | None = None  # field -> column, from --map
    columns: list[str] | None = None  # names for a headerless file, from --columns


def read_table(path: Path, options: TableOptions | None = None) -> Iterator[TableRow]:
    """Rows of one export file with its columns mapped to fields; raises ExportError/ColumnError."""
    options = options or TableOptions()
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        yield from _csv_rows(path, options, "\t" if suffix == ".tsv" else None)
    elif suffix in {".jsonl", ".ndjson"}:
        yield from _jsonl_rows(path, options)
    elif suffix == ".json":
        yield from _json_rows(path, options)
    elif suffix == ".parquet":
        yield from _parquet_rows(path, options)
    else:
        raise ExportError(f"unsupported file type {suffix or '(none)'}")


class NotText(ValueError):
    """A value that is no text, number or date (a JSON object, bytes): writing Python's repr of it
    (`{'a': 1}`, `b'...'`) into a title or an author made up text no source had."""


_SCALARS = (str, int, float, bool, date, datetime, Decimal)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if not isinstance(value, _SCALARS):
        kinds: dict[type, str] = {dict: "an object", bytes: "bytes", bytearray: "bytes"}
        kind = kinds.get(type(value), f"a {type(value).__name__}")
        raise NotText(f"holds {kind}, not text")
    return str(value)


def _fields(row: dict, mapping: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The row's fields as text, and a remark for each value that is not text (left empty)."""
    fields, remarks = {}, []
    for name, col in mapping.items():
        try:
            fields[name] = _text(row.get(col))
        except NotText as exc:
            fields[name] = ""
            remarks.append(f"column {col!r} {exc}: left empty")
    return fields, remarks


def _table_row(number: int, record: dict, mapping: dict[str, str]) -> TableRow:
    fields, remarks = _fields(record, mapping)
    return TableRow(number, fields, remarks=remarks)


def looks_like(sample: bytes) -> tuple[str, str] | None:
    """(codec, name) of the encoding bytes that are not UTF-8 look like, or None. Indonesian pages
    and exports that are not UTF-8 are Windows-1252 (a superset of Latin-1) or UTF-16."""
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16", "UTF-16"
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return ("cp1252", "Windows-1252 (Latin-1)") if all(c.isprintable() or c.isspace() for c in text) else None


class _Undecodable:
    """Counts the bytes that were not UTF-8 while a file was read (they become U+FFFD), so that the
    load can say so instead of changing text without a word."""
    name = "media-count-replace"
    files: dict[int, list] = {}

    @classmethod
    def handler(cls, exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)  # registered for decoding only
        # The reader's stream is not reachable from here: one counter per reading thread will do.
        import threading

        seen = cls.files.setdefault(threading.get_ident(), [0, None])
        seen[0] += exc.end - exc.start
        if seen[1] is None:
            seen[1] = bytes(exc.object[exc.start:exc.start + 64])
        return "\ufffd", exc.end


codecs.register_error(_Undecodable.name, _Undecodable.handler)


def undecodable_bytes() -> tuple[int, bytes | None]:
    """Bytes replaced in this thread since the last call (and the first such bytes), then reset."""
    import threading

    seen = _Undecodable.files.pop(threading.get_ident(), [0, None])
    return seen[0], seen[1]


def _open_text(path: Path) -> io.TextIOWrapper:
    head = path.open("rb").read(4096)
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) - exc.start > 4:  # not just a character cut by the 4 KB window
            looks = looks_like(head[exc.start:exc.start + 64])
            hint = f"; it looks like {looks[1]}: convert it to UTF-8" if looks else ""
            raise ExportError(f"not UTF-8 text (byte {exc.start}){hint}") from exc
    # A BOM is dropped; a bad byte later on becomes U+FFFD instead of losing the file, and is counted
    # (undecodable_bytes) for the load to report.
    undecodable_bytes()
    return path.open("r", encoding="utf-8-sig", errors=_Undecodable.name, newline="")


def _csv_rows(path: Path, options: TableOptions, delimiter: str | None) -> Iterator[TableRow]:
    with _open_text(path) as fh:
        sample = fh.read(64 * 1024)
        fh.seek(0)
        if delimiter is None:
            try:
                delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            first = next(reader)
        except StopIteration:
            raise ExportError("the file is empty") from None
        except csv.Error as exc:
            raise ExportError(f"not a readable CSV file ({exc})") from exc
        if options.columns:
            header, pending = list(options.columns), [first]
        elif looks_like_header(first):
            header, pending = first, []
        else:
            pending = [first]
            for row in reader:
                pending.append(row)
                if len(pending) >= _SAMPLE_ROWS:
                    break
            header = guess_headerless(pending)
        mapping = map_columns(header, options.mapping)
        index = {field: header.index(col) for field, col in mapping.items()}
        number = 0

        def project(row: list[str]) -> dict[str, str]:
            return {f: (row[i] if i < len(row) else "") for f, i in index.items()}

        for row in pending:
            number += 1
            yield TableRow(number, project(row))
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                number += 1
                yield TableRow(number, {}, f"unreadable CSV row ({exc})")
                continue
            if not row:
                continue
            number += 1
            yield TableRow(number, project(row))


def _jsonl_rows(path: Path, options: TableOptions) -> Iterator[TableRow]:
    mapping = None
    seen = False
    with _open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            seen = True
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield TableRow(number, {}, f"not valid JSON ({exc.msg})")
                continue
            except RecursionError:
                yield TableRow(number, {}, "nested too deeply to read")
                continue
            if not isinstance(record, dict):
                yield TableRow(number, {}, "not a JSON object")
                continue
            if mapping is None:
                try:
                    mapping = map_columns(list(record), options.mapping)
                except ColumnError as exc:
                    if options.mapping:
                        raise  # the user's own --map names a column the file lacks: the whole file
                    # The columns are read from the first object that has known ones.
                    yield TableRow(number, {}, str(exc))
                    continue
            yield _table_row(number, record, mapping)
    if not seen:
        raise ExportError("the file is empty")


def _json_rows(path: Path, options: TableOptions) -> Iterator[TableRow]:
    with _open_text(path) as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            if not exc.doc.strip():
                raise ExportError("the file is empty") from exc
            raise ExportError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
        except RecursionError as exc:
            raise ExportError("nested too deeply to read") from exc
    if isinstance(data, dict):  # {"articles": [...]} and similar wrappers
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise ExportError("expected a JSON array of objects")
    keys: list[str] = []
    for record in data[:_SAMPLE_ROWS]:
        if isinstance(record, dict):
            keys.extend(k for k in record if k not in keys)
    if data and not any(isinstance(r, dict) for r in data[:_SAMPLE_ROWS]):
        kinds = sorted({type(r).__name__ for r in data[:_SAMPLE_ROWS]})
        raise ExportError(f"expected a JSON array of objects (one per article); its items are {', '.join(kinds)}")
    mapping = map_columns(keys, options.mapping)
    for number, record in enumerate(data, start=1):
        if isinstance(record, dict):
            yield _table_row(number, record, mapping)
        else:
            yield TableRow(number, {}, "not a JSON object")


def _parquet_rows(path: Path, options: TableOptions) -> Iterator[TableRow]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ExportError(f"not a readable Parquet file ({exc})") from exc
    mapping = map_columns(pf.schema_arrow.names, options.mapping)
    number = 0
    for batch in pf.iter_batches(batch_size=2048, columns=sorted(set(mapping.values()))):
        columns = {field: batch.column(col).to_pylist() for field, col in mapping.items()}
        for i in range(batch.num_rows):
            number += 1
            yield _table_row(number, {f: values[i] for f, values in columns.items()}, {f: f for f in columns})


__all__ = ["TABLE_SUFFIXES", "ColumnError", "ExportError", "TableOptions", "TableRow", "read_table"]
