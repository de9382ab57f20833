"""Real services for the scale-out tests, started as separate processes on 127.0.0.1 and stopped
after: a Dask scheduler with worker processes, and a local S3 (moto's server).

The tests start them themselves, so `bash scripts/test.sh` (and .ci/run, which calls it) runs the
scale-out tests from a fresh clone with nothing else to set up.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from .conftest import ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


@contextlib.contextmanager
def dask_cluster(workers: int, log_dir: Path) -> Iterator[str]:
    """`dask scheduler` and `workers` separate `dask worker` processes (one thread each), started
    from the project folder so that they import its code. Yields the scheduler's address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs: list[subprocess.Popen] = []
    try:
        procs.append(subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            cwd=ROOT, env=env, stdout=open(log_dir / "scheduler.log", "wb"), stderr=subprocess.STDOUT))
        for i in range(workers):
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"w{i}"],
                cwd=ROOT, env=env, stdout=open(log_dir / f"worker{i}.log", "wb"), stderr=subprocess.STDOUT))
        from distributed import Client

        deadline = time.time() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(workers, timeout=max(1, deadline - time.time()))
                break
            except Exception:
                if time.time() > deadline or any(p.poll() is not None for p in procs):
                    logs = "\n".join(f.read_text(errors="replace")[-2000:] for f in sorted(log_dir.glob("*.log")))
                    raise RuntimeError(f"the Dask cluster did not start:\n{logs}") from None
                time.sleep(0.5)
        yield address
    finally:
        _stop(procs)


@contextlib.contextmanager
def s3_server(log_dir: Path, bucket: str = "media") -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 with an empty bucket. Yields the endpoint (http://127.0.0.1:PORT)."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=open(log_dir / "moto.log", "wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=2)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("moto_server did not start:\n" + (log_dir / "moto.log").read_text(errors="replace")) from None
                time.sleep(0.2)
        import pyarrow.fs as pafs

        pafs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", region="us-east-1",
                          access_key="test", secret_key="test", allow_bucket_creation=True).create_dir(bucket)
        yield endpoint
    finally:
        _stop([proc])
