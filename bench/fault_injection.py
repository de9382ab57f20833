"""Fault injection (issue 11): kill -9 a load at random points, load again, compare with a clean load.

Run:  .venv/bin/python bench/fault_injection.py [--input ../shared/corpus] [--kills 20] [--worker-kills 10] [--seed 11]

A clean load of --input gives the reference. Then, --kills times: a fresh warehouse, a load started
and killed with SIGKILL (its whole process group: the loader and its workers) after a random time
between 0.3 s and the clean load's duration (seeded), the same load run again to its end, and the
result compared with the reference, table by table: articles, trending, mentions, article_versions
(id and content hash), the entity registry and its aliases, the daily rollups, load_errors (path,
row, severity, message, reason) and the number of documents in the search index. Run ids, times and
load_runs (where the killed run stays, unfinished) are left out.

--worker-kills times (issue 22): a load started on a fresh warehouse, and one of its extraction worker
processes killed with SIGKILL (what the OOM killer does) at a random time; the load must end by itself
within 60 s of the kill (it runs the dead worker's batches again on fresh workers and finishes, or
stops with one line and exit 2), and the same load run again must equal the clean load.

--disk-full (issue 22; needs root and a machine that allows mounting a tmpfs): the load runs into a
warehouse on a tmpfs too small for it; it must stop with one line naming ENOSPC and exit 2; the tmpfs
is then grown (remount) and the same load run again must equal the clean load.

Exits 1 if any rerun differs or a load did not end by itself.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# table -> the columns compared (what a clean load and a rerun must agree on)
COMPARED = {
    "articles": "*",
    "trending": "*",
    "mentions": "*",
    "article_versions": "article_id, content_hash",
    "entities": "*",
    "entity_aliases": "*",
    "daily_entities": "*",
    "daily_items": "*",
    "load_errors": "source_path, row_number, severity, message, reason",
}


def digest(db: Path) -> dict[str, tuple[int, str]]:
    """Per table: rows and an md5 of all its compared rows in order."""
    import duckdb

    from warehouse import search

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table, cols in COMPARED.items():
            rows, md5 = con.execute(f"""
                SELECT count(*), md5(coalesce(string_agg(r, chr(30) ORDER BY r), ''))
                FROM (SELECT CAST(ROW({cols}) AS VARCHAR) AS r FROM {table})
            """ if cols != "*" else f"""
                SELECT count(*), md5(coalesce(string_agg(r, chr(30) ORDER BY r), ''))
                FROM (SELECT CAST(t AS VARCHAR) AS r FROM {table} AS t)
            """).fetchone()
            out[table] = (rows, md5)
    finally:
        con.close()
    index = search.open_index(db)
    out["search index documents"] = (index.searcher().num_docs if index else 0, "")
    return out


def load(inputs: list[str], db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", *inputs, "--db", str(db), "--no-progress"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def clean_load(inputs: list[str], work: Path) -> tuple[dict, float]:
    clean = work / "clean.duckdb"
    t = time.perf_counter()
    proc = load(inputs, clean)
    _, err = proc.communicate()
    took = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"the clean load failed: {err[-500:]}")
    reference = digest(clean)
    print(f"clean load: {took:.1f} s; " + ", ".join(f"{k} {v[0]:,}" for k, v in reference.items()), flush=True)
    return reference, took


def _remove(db: Path) -> None:
    for suffix in ("", ".wal", ".snapshot"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.rmtree(str(db) + ".search", ignore_errors=True)


def run(inputs: list[str], kills: int, seed: int, work: Path, max_at: float | None = None,
        clean: tuple[dict, float] | None = None) -> list[dict]:
    reference, took = clean or clean_load(inputs, work)
    rng = random.Random(seed)
    results = []
    for k in range(kills):
        db = work / f"run{k}.duckdb"
        at = rng.uniform(0.3, min(took, max_at) if max_at else took)
        proc = load(inputs, db)
        time.sleep(at)
        ended_first = proc.poll() is not None
        if not ended_first:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        again = load(inputs, db)
        _, err = again.communicate()
        got = digest(db) if again.returncode == 0 else {}
        differ = [name for name in reference if got.get(name) != reference[name]]
        results.append({"kill": k + 1, "at": at, "ended_first": ended_first, "rerun_rc": again.returncode,
                        "differ": differ})
        print(f"kill {k + 1:>2} at {at:5.1f} s{' (the load had ended)' if ended_first else ''}: rerun exit "
              f"{again.returncode}; " + ("equal to the clean load" if not differ else f"DIFFERENT: {differ}"),
              flush=True)
        _remove(db)
    return results


def _workers(pid: int) -> list[int]:
    """A load's extraction worker processes (spawned: `spawn_main` in their command line)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            try:
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                pass
    return found


def run_worker_kills(inputs: list[str], kills: int, seed: int, work: Path, clean: tuple[dict, float]) -> list[dict]:
    reference, took = clean
    rng = random.Random(seed + 1)
    results = []
    for k in range(kills):
        db = work / f"worker{k}.duckdb"
        proc = load(inputs, db)
        while proc.poll() is None and not _workers(proc.pid):
            time.sleep(0.05)
        at = rng.uniform(0.0, max(0.5, took * 0.8))
        time.sleep(at)
        workers = _workers(proc.pid)
        killed = bool(workers) and proc.poll() is None
        if killed:
            os.kill(rng.choice(workers), signal.SIGKILL)
        t = time.perf_counter()
        try:
            _, err = proc.communicate(timeout=60)
            ended_after, hung = time.perf_counter() - t, False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            ended_after, hung = time.perf_counter() - t, True
        again = load(inputs, db)
        _, err2 = again.communicate()
        got = digest(db) if again.returncode == 0 else {}
        differ = [name for name in reference if got.get(name) != reference[name]]
        last = (err.strip().splitlines() or [""])[-1][:160]
        results.append({"kill": k + 1, "killed": killed, "rc": proc.returncode, "ended_after": ended_after,
                        "hung": hung, "rerun_rc": again.returncode, "differ": differ})
        print(f"worker kill {k + 1:>2}{'' if killed else ' (no worker to kill: the load had ended)'}: the load "
              f"{'HUNG (killed after 60 s)' if hung else f'ended {ended_after:.1f} s after the kill, exit {proc.returncode}'}"
              f"{f' ({last})' if proc.returncode else ''}; rerun exit {again.returncode}; "
              + ("equal to the clean load" if not differ else f"DIFFERENT: {differ}"), flush=True)
        _remove(db)
    return results


def run_disk_full(inputs: list[str], work: Path, clean: tuple[dict, float]) -> dict | None:
    reference, _ = clean
    tiny = work / "tiny"
    tiny.mkdir()
    size = max(1, int(sum(f.stat().st_size for f in work.glob("clean.duckdb*") if f.is_file()) / 2**20 / 3))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}m", "tmpfs", str(tiny)], capture_output=True).returncode:
        print("disk full: cannot mount a tmpfs here (needs root); skipped", flush=True)
        return None
    try:
        db = tiny / "w.duckdb"
        proc = load(inputs, db)
        try:
            _, err = proc.communicate(timeout=900)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
        lines = err.strip().splitlines()
        said = lines[-1] if lines else ""
        subprocess.run(["mount", "-o", "remount,size=4g", str(tiny)], check=True)
        again = load(inputs, db)
        again.communicate()
        got = digest(db) if again.returncode == 0 else {}
        differ = [name for name in reference if got.get(name) != reference[name]]
        ok = proc.returncode == 2 and len(lines) == 1 and "ENOSPC" in said and not differ
        print(f"disk full ({size} MiB tmpfs): exit {proc.returncode}, {len(lines)} line(s): {said[:160]!r}; after growing "
              f"the disk, rerun exit {again.returncode}; " + ("equal to the clean load" if not differ else f"DIFFERENT: {differ}"),
              flush=True)
        return {"rc": proc.returncode, "lines": len(lines), "said": said, "differ": differ, "ok": ok}
    finally:
        subprocess.run(["umount", "-l", str(tiny)], capture_output=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", action="append", help="files or folders to load (default: ../shared/corpus)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--max-at", type=float, help="kill no later than this many seconds into a load")
    ap.add_argument("--worker-kills", type=int, default=0, help="loads in which one extraction worker is killed")
    ap.add_argument("--disk-full", action="store_true", help="a load into a tmpfs too small for it, then a rerun")
    args = ap.parse_args()
    inputs = args.input or [str(ROOT.parent / "shared" / "corpus")]
    work = Path(tempfile.mkdtemp(prefix="media-faults-"))
    try:
        clean = clean_load(inputs, work)
        results = run(inputs, args.kills, args.seed, work, args.max_at, clean)
        worker_results = run_worker_kills(inputs, args.worker_kills, args.seed, work, clean)
        disk = run_disk_full(inputs, work, clean) if args.disk_full else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in results if r["differ"] or r["rerun_rc"] != 0]
    killed = sum(not r["ended_first"] for r in results)
    print(f"{len(results)} runs, {killed} killed mid-load; reruns equal to the clean load: {len(results) - len(bad)} of {len(results)}")
    if worker_results:
        wbad = [r for r in worker_results if r["hung"] or r["differ"] or r["rerun_rc"] != 0]
        wk = [r for r in worker_results if r["killed"]]
        print(f"{len(worker_results)} loads, a worker killed in {len(wk)}: ended by themselves within 60 s "
              f"{sum(not r['hung'] for r in wk)} of {len(wk)} (longest {max((r['ended_after'] for r in wk), default=0):.1f} s "
              f"after the kill; finished {sum(r['rc'] == 0 for r in wk)}, stopped with exit 2 {sum(r['rc'] == 2 for r in wk)}); "
              f"reruns equal to the clean load: {len(worker_results) - len(wbad)} of {len(worker_results)}")
        bad += wbad
    if disk is not None and not disk["ok"]:
        bad.append(disk)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
