"""Scale benchmark: a warehouse of 1,000,000 articles built by replaying the real corpus.

Run:  .venv/bin/python bench/scale.py                 # 1,000,000 articles (about half an hour)
      .venv/bin/python bench/scale.py --articles 50000  # a quick look

Replay (deterministic): the pool is every article of ../shared/corpus with a body of 200+ characters
(the corpus pages without their trending sidebars, and the export rows), in file order, without
repeated URLs. Article i is pool[i % P] in round k = i // P: its URL gets `/replay-k` appended and
its date moves k weeks back, so every copy is a distinct article on another day. The rows are written
as JSON Lines exports (50,000 per file) and loaded with `python -m etl load`, as a user would.

Reported, in one run: load throughput next to a floor (reading the same bytes and splitting them into
words with one regular expression), peak memory of the load (resident memory of the load process and
its workers, summed, sampled every 0.2 s), warehouse bytes per article beyond the raw text it keeps,
and the time of each query behind the dashboard's charts filtered by one actor and 90 days.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import queries  # noqa: E402
from etl.exports import read_table  # noqa: E402
from etl.load import discover  # noqa: E402
from etl.page_parser import parse_page  # noqa: E402
from etl.records import read_meta  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
ROWS_PER_FILE = 50_000


def build_pool() -> list[dict]:
    pool, seen = [], set()
    files, _ = discover([CORPUS / "pages", CORPUS / "exports"])
    for f in files:
        if f.suffix == ".txt":
            page = parse_page(f.read_text(encoding="utf-8"))
            meta = read_meta(f)
            body = "\n".join(x for x in [page.caption or "", page.body] if x)
            day = (meta.get("fetched_at") or "")[:10]
            rows = [{"title": page.title, "body": body, "url": meta.get("url", ""), "outlet": meta.get("outlet", ""), "date": day}]
        elif f.name == "truth.csv":
            continue
        else:
            rows = [r.fields for r in read_table(f) if r.problem is None]
        for r in rows:
            body = r.get("body") or ""
            url = r.get("url") or ""
            if len(body) < 200 or not r.get("title") and not body or (url and url in seen):
                continue
            seen.add(url)
            pool.append({"title": r.get("title", ""), "body": body, "url": url, "outlet": r.get("outlet", ""),
                         "date": _iso_day(r.get("date", ""))})
    return pool


def _iso_day(raw: str) -> str | None:
    from etl.dates import local_day, parse_date_string

    parsed = parse_date_string(raw) if raw else None
    return local_day(parsed).isoformat() if parsed is not None else None


def write_replay(pool: list[dict], n: int, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    size, out = 0, None
    for i in range(n):
        if i % ROWS_PER_FILE == 0:
            if out:
                out.close()
            out = (folder / f"replay_{i // ROWS_PER_FILE:04d}.jsonl").open("w", encoding="utf-8")
        src, k = pool[i % len(pool)], i // len(pool)
        day = date.fromisoformat(src["date"]) - timedelta(weeks=k) if src["date"] else None
        url = (src["url"].rstrip("/") or f"https://replay.invalid/{i % len(pool)}") + f"/replay-{k}"
        line = json.dumps({"title": src["title"], "content": src["body"], "published_date": day.isoformat() if day else "",
                           "url": url, "source": src["outlet"]}, ensure_ascii=False) + "\n"
        size += len(line.encode("utf-8"))
        out.write(line)
    if out:
        out.close()
    return size


def floor_seconds(folder: Path) -> float:
    words = re.compile(r"\w+")
    t = time.perf_counter()
    for f in sorted(folder.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                words.findall(line)
    return time.perf_counter() - t


def _tree_rss(pid: int, with_pss: bool = True) -> tuple[int, int, int, int]:
    """Resident bytes of a process and all its descendants, of the process alone, the number of
    descendants, and their proportional set size (PSS: a page shared by n processes counts 1/n in
    each, so forked workers' shared pages are not counted twice as in the RSS sum)."""
    global _LAST_PARTS
    parts: list[int] = []
    total, own, kids, pss, todo = 0, 0, -1, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        own = own or int(line.split()[1]) * 1024
                        parts.append(int(line.split()[1]) * 1024)
            if with_pss:  # smaps_rollup walks every mapping: read every 2 s, not every 0.2 s
                with open(f"/proc/{p}/smaps_rollup") as fh:
                    for line in fh:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1]) * 1024
            kids += 1
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    _LAST_PARTS = parts
    return total, own, max(kids, 0), pss


_LAST_PARTS: list[int] = []


def run_load(folder: Path, db: Path) -> tuple[float, int, int, str]:
    cmd = [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db), "--no-progress"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0, 0]
    phases = {"with workers": [0, 0], "without workers": [0, 0]}  # RSS sum, PSS sum
    shares: dict[bool, list[int]] = {}  # each process's RSS at each phase's peak
    samples = [0]

    def sample():
        while proc.poll() is None:
            samples[0] += 1
            total, own, kids, pss = _tree_rss(proc.pid, with_pss=samples[0] % 10 == 0)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], own)
            phase = phases["with workers" if kids else "without workers"]
            if total > phase[0]:
                shares[kids > 0] = list(_LAST_PARTS)
            phase[0], phase[1] = max(phase[0], total), max(phase[1], pss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    seconds = time.perf_counter() - t
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"load failed:\n{output}")
    for (name, (rss, pss)), parts in zip(phases.items(), (shares.get(True, []), shares.get(False, []))):
        listed = " + ".join(f"{p / 2**20:,.0f}" for p in parts)
        print(f"peak memory {name}: RSS sum {rss / 2**20:,.0f} MiB ({listed}), PSS sum {pss / 2**20:,.0f} MiB", flush=True)
    return seconds, peak[0], peak[1], output


def time_queries(db: Path, repeats: int = 5) -> tuple[str, date, date, dict[str, float]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    # A busy actor, and the 90 days up to the latest day it is mentioned.
    actor, last = con.execute(
        "SELECT entity, max(event_date) FROM mentions WHERE kind = 'person' AND part <> 'trending' "
        "GROUP BY entity ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    con.close()
    f = queries.Filters(actors=(actor,), start=last - timedelta(days=89), end=last, sources=("article",))
    cases = {
        "topics chart": lambda: queries.mentions_over_time(db, f, ("topic",)),
        "actors chart": lambda: queries.mentions_over_time(db, f, queries.ACTOR_KINDS),
        "countries chart": lambda: queries.mentions_over_time(db, f, ("country",)),
        "articles table": lambda: queries.matching_articles(db, f),
        "actor picker": lambda: queries.actor_options(db),
        "overview": lambda: queries.overview(db),
    }
    out = {}
    for name, fn in cases.items():
        fn()  # warm the OS cache; the dashboard also caches per warehouse version
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times) * 1000
    return actor, f.start, f.end, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--work", type=Path, help="folder for the replay files and the warehouse (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} not found")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="media-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB; "
              f"{datetime.now():%Y-%m-%d %H:%M}", flush=True)
        pool = build_pool()
        replay = work / "replay"
        size = write_replay(pool, args.articles, replay)
        print(f"replay: {args.articles:,} articles from a pool of {len(pool):,} real ones, {size / 1e6:,.0f} MB of JSON Lines", flush=True)
        floor = floor_seconds(replay)
        print(f"floor (read + regex words): {floor:.1f} s = {args.articles / floor:,.0f} articles/s, {size / 1e6 / floor:,.1f} MB/s", flush=True)
        db = work / "scale.duckdb"
        if db.exists():
            db.unlink()
        seconds, peak, peak_main, output = run_load(replay, db)
        print(output.strip())
        print(f"load: {seconds:,.0f} s = {args.articles / seconds:,.0f} articles/s, {size / 1e6 / seconds:.2f} MB/s; "
              f"{seconds / floor:.0f}x the floor's time", flush=True)
        print(f"peak memory of the load (process + workers): {peak / 2**20:,.0f} MiB; of the main process: {peak_main / 2**20:,.0f} MiB")
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        n, raw = con.execute(
            "SELECT count(*), sum(strlen(coalesce(title, '')) + strlen(coalesce(body, '')) + strlen(coalesce(caption, ''))) FROM articles"
        ).fetchone()
        n_mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        con.close()
        disk = db.stat().st_size
        print(f"warehouse: {disk / 2**20:,.0f} MiB for {n:,} articles ({n_mentions:,} mention rows) = "
              f"{disk / n:,.0f} bytes/article; raw text {raw / n:,.0f} bytes/article; beyond the raw text "
              f"{(disk - raw) / n:,.0f} bytes/article")
        actor, start, end, timings = time_queries(db)
        print(f"queries, median of 5, actor {actor!r}, {start} to {end}:")
        for name, ms in timings.items():
            print(f"  {name:<16} {ms:8.1f} ms")
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
