"""Where extraction runs: in this process, in local worker processes, or on a Dask cluster.

Every executor takes chunks of work items and hands back their results in the order the chunks
were given, whatever order the workers finish in: the writer sees the same sequence of batches, so
a load gives the same warehouse with any number of workers (stories and duplicates are decided in
input order).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator, Protocol

from .inputs import Item, extractor_fingerprint
from .work import Built, WorkerBroken, build_chunk, build_results, warm


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


class WorkerDied(WorkerBroken):
    """A worker process ended while extracting (killed: the OOM killer's SIGKILL, a crash), and the
    batch it had failed again on fresh workers."""


class LocalPool:
    """Worker processes on this machine, started fresh ("spawn"): a forked worker carried the loader's
    memory at the time of the fork (DuckDB's buffers, the libraries the writer needs), and every
    worker's resident memory counted it again: 410 MiB a worker at 200,000 articles against about
    250 for one that imports only extraction.

    A concurrent.futures pool, not multiprocessing.Pool: that one waits for ever on the result of a
    worker killed with SIGKILL (what the OOM killer sends), holding the warehouse lock; this one
    watches each worker's process sentinel and fails the pending results at once. The batches that
    were in flight then run once more on fresh workers; a batch that loses its worker twice stops the
    load with the reason."""

    RETRIES = 1

    def __init__(self, workers: int, evidence: bool = True) -> None:
        self.workers = workers
        self.evidence = evidence
        self.restarts = 0
        self.died = ""
        self._members: dict[int, multiprocessing.process.BaseProcess] = {}
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm)

    def _submit(self, chunk: list[Item]) -> tuple[ProcessPoolExecutor, Future]:
        # Ctrl-C is the loader's to handle. A spawned worker that met it while still starting up
        # (before warm() ignores it) died with a traceback and the load ended with exit 1, not 130.
        # This pool starts its workers inside submit(): SIGINT is blocked meanwhile, so a worker starts
        # with it blocked (the mask survives exec), and a Ctrl-C pressed then reaches the loader as
        # soon as submit() returns rather than being lost.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool = self._pool
            try:
                future = pool.submit(build_results, chunk, self.evidence)
            except BrokenProcessPool:  # a worker died since the last submit: the pool takes no more
                self._replace(pool)
                pool = self._pool
                future = pool.submit(build_results, chunk, self.evidence)
            # Its workers, kept here: the pool forgets them when it breaks, and then how they ended.
            self._members.update((getattr(pool, "_processes", None) or {}).items())
            return pool, future
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool in place of a broken one (once: the first to find it broken replaces it)."""
        if broken is not self._pool:
            return
        self._members.update((getattr(broken, "_processes", None) or {}).items())
        self.died = _exit_codes(list(self._members.values()))
        broken.shutdown(wait=True, cancel_futures=True)
        self._members = {}
        self._pool = self._start()
        self.restarts += 1

    def submit(self, chunk: list[Item]) -> Callable[[], Built]:
        pool, future = self._submit(chunk)

        def result() -> Built:
            nonlocal pool, future
            for attempt in range(self.RETRIES + 1):
                try:
                    return list(zip(chunk, future.result()))
                except BrokenProcessPool as exc:
                    self._replace(pool)
                    if attempt == self.RETRIES:
                        raise WorkerDied(
                            f"an extraction worker process died ({self.died}) on the batch from {_sources(chunk)}, "
                            f"and again when that batch ran on fresh workers; the batches before it are loaded, "
                            f"so the same command carries on from there (free memory or use fewer --workers)"
                        ) from exc
                    pool, future = self._submit(chunk)
            raise AssertionError("unreachable")

        return result

    def close(self) -> None:
        # Stopping early (Ctrl-C, an error) must not wait for the chunks in flight: the workers are
        # terminated (they ignore SIGINT, see work.warm), and their unfinished chunks were never written.
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        for p in processes:
            p.terminate()
        # Not wait=True: joining the pool's manager thread could wait on a pipe the terminated workers
        # left full. The workers themselves are waited for, briefly, and killed if they linger.
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()


def _exit_codes(processes: list[multiprocessing.process.BaseProcess]) -> str:
    """How a pool's workers ended: "killed by SIGKILL" and the like."""
    # The pool fails the pending results before it has reaped the dead worker: wait for its sentinel.
    multiprocessing.connection.wait([p.sentinel for p in processes], timeout=2)
    codes = sorted({p.exitcode for p in processes if p.exitcode})
    if len(codes) > 1:  # the pool ends the other workers with SIGTERM itself: not news
        codes = [c for c in codes if c != -signal.SIGTERM]
    if not codes:
        return "ended abruptly"
    return ", ".join(f"killed by {signal.Signals(-c).name}" if c < 0 and -c in signal.Signals._value2member_map_
                     else f"exit code {c}" for c in codes)


def _sources(chunk: list[Item]) -> str:
    names = sorted({it.source for it in chunk})
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} other file(s)"


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

    @property
    def restarts(self) -> int:
        return self.pool.restarts if self.pool is not None else 0

    @property
    def died(self) -> str:
        return self.pool.died if self.pool is not None else ""

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
