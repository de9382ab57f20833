"""Fuzz the page parser and the importer (issue 11): hostile files in, the loader must account for each.

Run:  .venv/bin/python bench/fuzz.py [--inputs 400] [--seed 11] [--seconds 600]

Makes --inputs files (seeded, so every run makes the same ones): random bytes; real corpus pages
(the seed page without ../shared) cut at random points, with bytes flipped, re-encoded in part as
Windows-1252 or UTF-16, with a line of a few megabytes, with a trending list of 10,000 entries;
CSV, JSON Lines, JSON and Parquet exports cut, flipped, with unbalanced quotes, NUL bytes, a huge
field or nesting; one file in five named with odd bytes (Latin-1, a newline, a bidi override); CSVs
with dates at the calendar's edges, odd authors and URLs, JSON with values that are not text. Each goes through the loader's own steps (reading, parsing, extraction), timed,
and no exception may escape them; then all are loaded together into one warehouse, and every file
must be accounted for: articles from it, or a load_errors row that names it. Stops making new
inputs after --seconds. Exits 1 on an escaped exception or a file lost.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ROOT.parent / "shared" / "corpus" / "pages"
EDGE_DATES = ["9999-12-31T23:59-12:00", "0001-01-01T00:00+14:00", "9999-12-31", "0001-01-01"]
# File names as bytes (issue 22): Latin-1, a newline, a bidi override, a zero-width space, a tab.
ODD_NAMES = [b"caf\xe9", b"line\nbreak", "kanan\u202ekiri".encode(), "nol\u200blebar".encode(), b"tab\tname"]


def real_pages(limit: int = 200) -> list[str]:
    found = sorted(PAGES.rglob("*.txt"))[:limit] if PAGES.is_dir() else []
    found = found or sorted((ROOT / "seeds").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in found]


def flip(data: bytes, rng: random.Random, n: int) -> bytes:
    data = bytearray(data)
    for _ in range(n):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def make_page(rng: random.Random, pages: list[str]) -> bytes:
    page = rng.choice(pages)
    kind = rng.randrange(7)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 20_000))
    if kind == 1:
        raw = page.encode()
        return raw[: rng.randrange(len(raw) + 1)]
    if kind == 2:
        return flip(page.encode(), rng, rng.randrange(1, 50))
    if kind == 3:  # part of it in another encoding
        cut = rng.randrange(len(page) + 1)
        other = rng.choice(["cp1252", "utf-16", "latin-1"])
        return page[:cut].encode() + page[cut:].encode(other, errors="replace")
    if kind == 4:  # one huge line
        return (page.split("\n", 1)[0] + "\n" + "kata " * rng.randrange(100_000, 600_000)).encode()
    if kind == 5:  # a huge trending list
        return (page + "\nBerita Trending\n" + "".join(f"- {i} Judul berita trending nomor {i}\n" for i in range(1, 10_001))).encode()
    return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 5000))).encode("utf-8", errors="replace")


def make_table(rng: random.Random, pages: list[str], tag: int) -> tuple[str, bytes]:
    """An export; its rows' URLs carry `tag`, so that no two files hold the same article."""
    page = rng.choice(pages)
    title, _, body = page.partition("\n")
    suffix = rng.choice([".csv", ".jsonl", ".json", ".parquet"])
    kind = rng.randrange(6)
    if suffix == ".parquet":
        return suffix, _parquet_table(rng, title, body, tag, kind)
    if suffix == ".csv":
        return suffix, _csv_table(rng, title, body, tag, kind)
    records = [{"title": f"{title} {i}", "content": body[:2000], "url": f"https://f.test/{tag}/j{i}"} for i in range(rng.randrange(1, 30))]
    if kind == 5:  # values that are not text (issue 22): an object, a list of objects, a number
        for r in records:
            r["author"] = rng.choice([{"a": 1}, [{"b": 2}], 12, None, "Budi"])
    return suffix, (_jsonl_table if suffix == ".jsonl" else _json_table)(rng, records, kind)


def _parquet_table(rng: random.Random, title: str, body: str, tag: int, kind: int) -> bytes:
    if kind < 3:
        return rng.randbytes(rng.randrange(0, 5000))
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"title": [f"{title} {tag}"] * 3, "content": [body, "", None], "weird": [1, 2, 3]}), buf)
    data = buf.getvalue()
    return data[: rng.randrange(len(data) + 1)] if kind == 3 else data


def _csv_table(rng: random.Random, title: str, body: str, tag: int, kind: int) -> bytes:
    rows = ['title,content,date,url,fetched_at,author']
    for i in range(rng.randrange(1, 30)):
        day, fetched, author = f"2025-05-0{i % 9 + 1}", "", ""
        if kind == 5:  # issue 22: the calendar's edges, text that is not text, URLs that are no address
            day = rng.choice(EDGE_DATES + [day])
            fetched = rng.choice(EDGE_DATES + ["", "bukan tanggal"])
            author = rng.choice(["Budi\u202e Santoso", "Ani\u200b", "\u2066x\u2069", ""])
        url = f"https://f.test/{tag}/{i}" if kind != 5 or i % 3 else rng.choice(["www.javascript:alert(1)", "javascript:x()"])
        rows.append(f'"{title} {i}","{body[:2000].replace(chr(34), "")}",{day},{url},{fetched},{author}')
    data = "\n".join(rows).encode()
    if kind == 0:
        return data.replace(b'"', b"", 1)  # an unbalanced quote
    if kind == 1:
        return flip(data, rng, 30)
    if kind == 2:
        return data + b'\n"' + b"x" * rng.randrange(1_000_000, 3_000_000) + b'",body\n'  # a huge field
    if kind == 3:
        return data.replace(b",", b"\x00,", 5)
    if kind == 4:
        return data[: rng.randrange(len(data) + 1)]
    return data


def _jsonl_table(rng: random.Random, records: list[dict], kind: int) -> bytes:
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    if kind == 0:
        return data + b"\n" + b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    if kind == 1:
        return flip(data, rng, 30)
    if kind == 2:
        return data[: rng.randrange(len(data) + 1)]
    if kind == 3:
        return b"\n".join([b"[1, 2]", b"null", b"\"x\""] * 5) + b"\n" + data
    return data


def _json_table(rng: random.Random, records: list[dict], kind: int) -> bytes:
    data = json.dumps(records, ensure_ascii=False).encode()
    if kind == 0:
        return b"[" * 100_000 + b"]" * 100_000
    if kind == 1:
        return flip(data, rng, 30)
    if kind == 2:
        return data[: rng.randrange(len(data) + 1)]
    if kind == 3:
        return json.dumps({"items": records, "more": [1, 2]}).encode()
    return data


def run(n: int, seed: int, seconds: float, work: Path) -> dict:
    from etl.inputs import extractor_fingerprint, iter_items
    from etl.load import load_paths
    from etl.work import build as _build

    rng = random.Random(seed)
    pages = real_pages()
    files: list[Path] = []
    started = time.monotonic()
    for i in range(n):
        if time.monotonic() - started > seconds:
            break
        odd = ODD_NAMES[i // 10 % len(ODD_NAMES)] if i % 10 in (2, 3) else b""  # one file in five
        if i % 2 == 0:
            data, suffix = make_page(rng, pages), ".txt"
            stem = f"page{i:04d}"
        else:
            suffix, data = make_table(rng, pages, i)
            stem = f"table{i:04d}"
        raw = os.fsencode(work) + b"/" + stem.encode() + odd + suffix.encode()
        with open(raw, "wb") as fh:
            fh.write(data)
        files.append(Path(os.fsdecode(raw)))
    fingerprint = extractor_fingerprint()
    escaped, slowest = [], (0.0, "")
    built: dict[Path, set[str]] = {}  # the article ids each file makes (a copy of another file's article is no loss)
    for path in files:
        t = time.perf_counter()
        try:
            for item in iter_items([path], fingerprint):
                if not hasattr(item, "message"):  # a work item, not a FileProblem
                    bundle = _build(item)
                    if hasattr(bundle, "article_id"):
                        built.setdefault(path, set()).add(bundle.article_id)
        except BaseException as exc:  # noqa: BLE001 - what the fuzz looks for
            escaped.append(f"{path.name}: {type(exc).__name__}: {exc}"[:300])
        took = time.perf_counter() - t
        slowest = max(slowest, (took, path.name))
    db = work / "fuzz.duckdb"
    t = time.perf_counter()
    report = load_paths(files, db=db, progress=False)
    load_seconds = time.perf_counter() - t
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("SELECT DISTINCT source_path FROM articles").fetchall()}
        ids = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        reported = {r[0] for r in con.execute("SELECT DISTINCT source_path FROM load_errors").fetchall()}
    finally:
        con.close()
    from etl.inputs import path_text

    def stored(p: Path) -> str:  # the name the warehouse knows a file by (escaped when not UTF-8)
        return path_text(os.path.abspath(p))

    copies = {p for p, made in built.items() if made and made <= ids}
    lost = [stored(p) for p in files if stored(p) not in loaded | reported and p not in copies]
    return {"inputs": len(files), "escaped": escaped, "slowest": slowest, "load_seconds": load_seconds,
            "added": report.added, "failed_files": report.failed, "rows_rejected": sum(report.rejected.values()),
            "files_with_articles": len(loaded), "files_reported": len(reported),
            "copies": len(copies - {p for p in files if stored(p) in loaded | reported}), "lost": lost,
            "odd_names": sum(any(c in str(p) for c in "\n\t\u202e\u200b") or stored(p) != str(p) for p in files)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", type=int, default=400)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--seconds", type=float, default=600)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="media-fuzz-"))
    try:
        r = run(args.inputs, args.seed, args.seconds, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{r['inputs']} inputs (seed {args.seed}); exceptions escaping the loader's steps: {len(r['escaped'])}")
    for line in r["escaped"][:20]:
        print("  " + line)
    print(f"slowest input through the steps: {r['slowest'][0]:.2f} s ({r['slowest'][1]})")
    print(f"loaded together in {r['load_seconds']:.1f} s: {r['added']:,} articles from {r['files_with_articles']} files, "
          f"{r['failed_files']} files failed, {r['rows_rejected']:,} rows rejected; files reported in load_errors: "
          f"{r['files_reported']}; files whose articles were copies of another file's: {r['copies']}; "
          f"files lost (none of these): {len(r['lost'])} {r['lost'][:10]}; files with odd names: "
          f"{r['odd_names']}")
    return 1 if r["escaped"] or r["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
