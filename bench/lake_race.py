"""Two machines loading into one lake at the same instant, round after round: is any load lost?

    .venv/bin/python bench/lake_race.py --rounds 20            # a lake on a folder
    .venv/bin/python bench/lake_race.py --rounds 20 --s3       # on a local S3 (moto's server, 127.0.0.1)

Each "machine" is its own process with its own working copy (MEDIA_LAKE_CACHE); in each round both
load a file of their own (one new article each), started at the same instant. After every round the
lake must hold every article loaded so far; at the end each machine loads once more, and the lake
must still hold them all. Prints one line per round and a summary; exits 1 if any load was lost or
failed. `tests/test_lake_commits.py` runs a few rounds of it.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Imports first, then wait for the agreed instant: both loads start their work together.
RUNNER = """
import sys, time
from etl.cli import main
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
sys.exit(main(sys.argv[2:]))
"""


def _article(path: Path, n: int) -> None:
    path.write_text("title,content,date,url,source\n"
                    f"Berita nomor {n} dari Sleman,Bupati Sleman Harda Kiswaya meresmikan pasar nomor {n}.,"
                    f"2025-06-{n % 28 + 1:02d},https://race.test/{n},race.test\n", encoding="utf-8")


def _articles(lake: str, env: dict[str, str]) -> int:
    # A reader in its own process with its own cache, as a dashboard on a third machine would be.
    code = "import sys, warehouse; c = warehouse.connect(sys.argv[1], read_only=True); print(c.execute('SELECT count(*) FROM articles').fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code, lake], env=env, capture_output=True, text=True, cwd=ROOT, check=True)
    return int(done.stdout.strip())


def race(rounds: int, s3: bool, work: Path) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with contextlib.ExitStack() as stack:
        if s3:
            from tests.services import s3_server  # the tests' local S3: moto's server on 127.0.0.1

            env.update(MEDIA_S3_ENDPOINT=stack.enter_context(s3_server(work, bucket="race")), AWS_ACCESS_KEY_ID="test",
                       AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
        return _rounds(rounds, "s3://race/media" if s3 else f"lake:{work / 'lake'}", work, env)


def _load(f: Path, lake: str, env: dict[str, str], start: float | None = None) -> subprocess.Popen:
    head = [sys.executable, "-c", RUNNER, str(start)] if start else [sys.executable, "-m", "etl"]
    return subprocess.Popen(head + ["load", str(f), "--db", lake, "--no-progress", "--workers", "1"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _rounds(rounds: int, lake: str, work: Path, env: dict[str, str]) -> dict[str, int]:
    machines = [{**env, "MEDIA_LAKE_CACHE": str(work / f"machine-{m}")} for m in (0, 1)]
    reader = {**env, "MEDIA_LAKE_CACHE": str(work / "reader")}
    failed = conflicts = short_rounds = n = 0
    for r in range(1, rounds + 1):
        start = time.time() + 4.0
        runs = []
        for m, menv in enumerate(machines):
            n += 1
            _article(work / f"round-{r}-machine-{m}.csv", n)
            runs.append(_load(work / f"round-{r}-machine-{m}.csv", lake, menv, start))
        outs = [p.communicate(timeout=600) for p in runs]
        codes = [p.returncode for p in runs]
        beaten = sum(err.count("loading again on top of it") for _, err in outs)
        conflicts += beaten
        failed += sum(c != 0 for c in codes)
        have = _articles(lake, reader)
        short_rounds += have < n
        print(f"round {r}: exit codes {codes}, {beaten} load(s) beaten to the commit and run again, "
              f"{have} of {n} articles in the lake", flush=True)
        for c, (_, err) in zip(codes, outs):
            if c != 0:
                print("  " + err.strip().replace("\n", "\n  "), flush=True)
    for m, menv in enumerate(machines):  # a later ordinary load from each machine keeps them all
        n += 1
        _article(work / f"later-{m}.csv", n)
        later = _load(work / f"later-{m}.csv", lake, menv)
        later.communicate(timeout=600)
        failed += later.returncode != 0
    have = _articles(lake, reader)
    print(f"after a later load from each machine: {have} of {n} articles in the lake", flush=True)
    return {"rounds": rounds, "lost": n - have, "failed": failed, "conflicts": conflicts, "articles": n,
            "short_rounds": short_rounds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--s3", action="store_true", help="a lake on moto's S3 server on 127.0.0.1 instead of a folder")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lake-race-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = race(args.rounds, args.s3, work)
    print(f"{'s3' if args.s3 else 'folder'}: {result['rounds']} rounds, {result['articles']} loads, "
          f"{result['short_rounds']} rounds ending with articles missing, {result['lost']} missing at the end, "
          f"{result['failed']} loads failed, "
          f"{result['conflicts']} beaten to the commit and run again")
    return 1 if result["lost"] or result["failed"] or result["short_rounds"] else 0


if __name__ == "__main__":
    sys.exit(main())
