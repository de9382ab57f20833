"""Where extraction runs: in this process, in local worker processes, or on a Dask cluster.

Every executor takes chunks of work items and hands back their results in the order the chunks
were given, whatever order the workers finish in: the writer sees the same sequence of batches, so
a load gives the same warehouse with any number of workers (stories and duplicates are decided in
input order).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from typing import Callable, Iterator, Protocol

from .inputs import Item, extractor_fingerprint
from .work import Built, build_chunk, build_results, warm


class Executor(Protocol):
    workers: int

    def submit(self, chunk: list[Item]) -> Callable[[], Built]: ...
    def close(self) -> None: ...


def default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


class InProcess:
    workers = 1

    def __init__(self, evidence: bool = True) -> None:
        self.evidence = evidence

    def submit(self, chunk: list[Item]) -> Callable[[], Built]:
        result = build_chunk(chunk, self.evidence)
        return lambda: result

    def close(self) -> None:
        pass


class LocalPool:
    """Worker processes on this machine, started fresh ("spawn"): a forked worker carried the loader's
    memory at the time of the fork (DuckDB's buffers, the libraries the writer needs), and every
    worker's resident memory counted it again: 410 MiB a worker at 200,000 articles against about
    250 for one that imports only extraction."""

    def __init__(self, workers: int, evidence: bool = True) -> None:
        self.workers = workers
        self.evidence = evidence
        # Ctrl-C is the loader's to handle. A spawned worker that met it while still starting up
        # (before warm() ignores it) died with a traceback and the load ended with exit 1, not 130:
        # ignored at spawn time, SIGINT stays ignored in the new process from its first instruction.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.pool = multiprocessing.get_context("spawn").Pool(workers, initializer=warm)
        finally:
            signal.signal(signal.SIGINT, previous)

    def submit(self, chunk: list[Item]) -> Callable[[], Built]:
        pending = self.pool.apply_async(build_results, (chunk, self.evidence))
        return lambda: list(zip(chunk, pending.get()))

    def close(self) -> None:
        # Workers ignore SIGINT (see work.warm), so terminating them does not wait on one that was
        # interrupted mid-task: that had left Pool.terminate() hanging for 608 s once. Their
        # unfinished chunks were never written.
        self.pool.terminate()


class ClusterError(RuntimeError):
    """The Dask cluster cannot be used: unreachable, without workers, or extracting differently."""


class DaskCluster:
    """Workers of a Dask scheduler (`tcp://host:port`), or a local cluster of `workers` processes.

    The workers need this project importable (start them from its folder or its installed
    package); they must extract with the same code, models and lexicons as this process, which is
    checked before any work is sent: rows from a different extractor would mix into the warehouse.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None, evidence: bool = True) -> None:
        from distributed import Client, LocalCluster

        self.evidence = evidence
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"the Dask scheduler {scheduler} cannot be reached ({exc})") from exc
        else:
            self.cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                                        processes=True, dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster)
        found = self.client.run(_worker_fingerprint)
        if not found:
            self.close()
            raise ClusterError(f"the Dask scheduler {scheduler} has no workers")
        mine = extractor_fingerprint()
        other = {addr for addr, fp in found.items() if fp != mine}
        if other:
            self.close()
            raise ClusterError(f"Dask workers {', '.join(sorted(other))} extract with other code, models or lexicons "
                               f"than this process: restart them from the same version")
        self.workers = len(found)

    def submit(self, chunk: list[Item]) -> Callable[[], Built]:
        future = self.client.submit(build_results, chunk, self.evidence, pure=False)
        return lambda: list(zip(chunk, future.result()))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _worker_fingerprint() -> str:
    warm(ignore_interrupt=False)
    return extractor_fingerprint()


def run_ordered(executor: Executor, chunks: Iterator[list[Item]], write: Callable[[Built], None],
                depth: int) -> None:
    """Submit chunks, keeping at most `depth` in flight, and write results in submission order.
    Bounded: a few chunks in flight keep the workers busy without holding the input in memory."""
    in_flight: deque[Callable[[], Built]] = deque()
    for chunk in chunks:
        in_flight.append(executor.submit(chunk))
        while len(in_flight) > depth:
            write(in_flight.popleft()())
    while in_flight:
        write(in_flight.popleft()())


class Auto:
    """This machine's default: extract in this process until a chunk worth a pool arrives (small
    loads, such as a day's files, never pay for starting workers), then in `workers` forked
    processes."""

    def __init__(self, workers: int, threshold: int, evidence: bool = True) -> None:
        self.wanted, self.threshold, self.evidence = workers, threshold, evidence
        self.workers = 1
        self.pool: LocalPool | None = None

    def submit(self, chunk: list[Item]) -> Callable[[], Built]:
        if self.pool is None and self.wanted > 1 and len(chunk) >= self.threshold:
            self.pool = LocalPool(self.wanted, self.evidence)
            self.workers = self.wanted
        return self.pool.submit(chunk) if self.pool is not None else InProcess(self.evidence).submit(chunk)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def make_executor(workers: int | None, scheduler: str | None, threshold: int, evidence: bool = True) -> Executor:
    """`scheduler`: None (this machine's processes), "local" (a Dask LocalCluster of `workers`
    processes) or a Dask scheduler's address. evidence: whether results carry each occurrence's
    offsets (only loads that keep mention_evidence need them)."""
    if scheduler == "local":
        return DaskCluster(None, workers, evidence)
    if scheduler:
        return DaskCluster(scheduler, evidence=evidence)
    return Auto(workers or default_workers(), threshold, evidence)
