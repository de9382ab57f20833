"""Benchmark: a load through Dask with 1 and with 2 worker processes on this machine, in one run.

Run: .venv/bin/python bench/dask_workers.py [--input PATH] [--repeat N]
Prints articles/s for each and the ratio 2 workers / 1 worker (the figure: on 2 cores, the most
it can be is 2). Each run loads into a fresh DuckDB file, so the writer's work (what is new,
stories, the registry, rollups, the search index) is inside the time; the cluster is started
before the clock. The runs alternate (1, 2, 1, 2...) so drift on a shared machine hits both.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.load import load_paths  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def timed_load(inputs: list[Path], scheduler: str):
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report = load_paths(inputs, db=Path(tmp) / "bench.duckdb", progress=False, scheduler=scheduler)
        total = time.perf_counter() - t
    return total, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", action="append", type=Path, help="files or folders (default: ../shared/corpus)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    inputs = args.input or [CORPUS]
    if not all(p.exists() for p in inputs):
        print(f"skipped: {inputs} not found")
        return 0
    from distributed import LocalCluster

    clusters = {n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                host="127.0.0.1") for n in (1, 2)}
    rates: dict[int, list[float]] = {1: [], 2: []}
    try:
        for r in range(args.repeat):
            for n, cluster in clusters.items():
                total, report = timed_load(inputs, cluster.scheduler_address)
                added = report.added
                rates[n].append(added / total)
                print(f"run {r + 1}, {n} worker{'s' if n > 1 else ''}: {added:,} articles in {total:.1f} s "
                      f"({added / total:,.0f} articles/s); batches done at {report.seconds:.1f} s: the main process "
                      f"read inputs {report.input_seconds:.1f} s, wrote {report.writer_seconds:.1f} s; "
                      f"then registry, rollups, index {report.finish_seconds:.1f} s",
                      flush=True)
    finally:
        for cluster in clusters.values():
            cluster.close()
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"median: 1 worker {one:,.0f} articles/s, 2 workers {two:,.0f} articles/s, ratio {two / one:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
