"""Where chunks of sample paths run: this process, a local process pool, or a Dask cluster.

A task is ``run_chunk(model, policies, path_ids, seed, reopt)``: plain data in
(arrays and small dataclasses), plain data out (dicts of arrays). Results do not
depend on where a chunk ran, because each path seeds its own generator.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from ..errors import InputError

__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "make_executor"]

Task = tuple[Any, ...]


class Executor:
    """Runs ``fn(*task)`` for every task and yields results as they finish."""

    def map(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        """Yield ``(task index, result)`` pairs in completion order."""
        raise NotImplementedError

    @property
    def slots(self) -> int:
        """How many tasks run at once."""
        return 1

    def close(self) -> None:
        """Release workers."""


class LocalExecutor(Executor):
    """Run in this process (``workers=1``) or in it and ``workers - 1`` local processes.

    This process works on tasks from the front of the list from the start; each
    worker process gets its first task only once it has started and imported
    yieldopt (about two seconds, ``spawn`` start method: workers start clean, without
    copies of solver handles or threads) and then takes tasks from the back. So a pool
    never makes a run slower by more than the tasks still running in workers when this
    process runs out of work, and short runs finish before a worker is ready.

    Parameters
    ----------
    workers : int
        Processes working on tasks, this one included.
    here : bool
        Whether this process works on tasks too; ``False`` sends every task to
        ``workers`` worker processes (tests use it to make sure tasks cross processes).
    """

    def __init__(self, workers: int = 1, *, here: bool = True) -> None:
        if workers < 1:
            raise InputError("workers", f"must be at least 1, got {workers}")
        self.workers = workers
        self.here = here

    @property
    def slots(self) -> int:
        return self.workers

    def map(self, fn, tasks):
        if self.here and (self.workers == 1 or len(tasks) < 2):
            for i, task in enumerate(tasks):
                yield i, fn(*task)
            return
        children = self.workers - 1 if self.here else self.workers
        yield from _shared_map(fn, tasks, max(1, min(children, len(tasks))), self.here)


def _ready() -> None:
    """Return at once: a worker's first call, answered once it has imported yieldopt."""


def _post(done: queue.SimpleQueue[tuple[str, int, Any]], kind: str, i: int, fut: Future) -> None:
    """Done-callback of a worker's future: hand it to the calling thread."""
    done.put((kind, i, fut))


def _shared_map(
    fn: Callable[..., Any], tasks: Sequence[Task], children: int, here: bool = True
) -> Iterator[tuple[int, Any]]:
    """Run ``tasks`` in a thread of this process (if ``here``) and ``children`` processes.

    The thread takes tasks from the front, the workers from the back, one at a time,
    so that whoever is free takes the next one. Results go through one queue and are
    yielded in this (the calling) thread.
    """
    todo = deque(range(len(tasks)))
    lock = threading.Lock()
    done: queue.SimpleQueue[tuple[str, int, Any]] = queue.SimpleQueue()
    stop = threading.Event()

    def take(front: bool) -> int | None:
        with lock:
            if not todo or stop.is_set():
                return None
            return todo.popleft() if front else todo.pop()

    def local() -> None:
        try:
            while (i := take(front=True)) is not None:
                done.put(("here", i, fn(*tasks[i])))
        except BaseException as exc:  # re-raised in the calling thread
            done.put(("error", -1, exc))
        done.put(("idle", -1, None))

    pool = ProcessPoolExecutor(children, mp_context=get_context("spawn"))
    busy = 0

    def submit() -> None:
        nonlocal busy
        i = take(front=False)
        if i is None:
            return
        busy += 1
        job = pool.submit(fn, *tasks[i])
        job.add_done_callback(functools.partial(_post, done, "pool", i))

    thread = threading.Thread(target=local, name="yieldopt-local-chunks", daemon=True)
    try:
        if here:
            thread.start()
        for _ in range(children):
            pool.submit(_ready).add_done_callback(functools.partial(_post, done, "ready", -1))
        waiting_ready, local_busy = children, here
        while local_busy or busy or (waiting_ready and todo):
            kind, i, value = done.get()
            if kind == "error":
                raise value
            if kind == "idle":
                local_busy = False
            elif kind == "ready":
                waiting_ready -= 1
                value.result()  # a worker that cannot start fails here
                submit()
            elif kind == "pool":
                busy -= 1
                result = value.result()
                submit()
                yield i, result
            else:
                yield i, value
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        if here:
            thread.join()


class DaskExecutor(Executor):
    """A Dask distributed cluster at ``address`` (``tcp://host:port``).

    Needs the ``distributed`` extra.
    """

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the installed extras
            raise InputError(
                "cluster", "Dask is not installed: pip install 'yieldopt[distributed]'"
            ) from None
        try:
            self.client = Client(address, timeout="10s")
        except OSError as exc:
            raise InputError(
                "cluster", f"cannot reach the Dask scheduler at {address}: {exc}"
            ) from None
        self._own = True

    @property
    def slots(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map(self, fn, tasks):
        from distributed import as_completed as dask_completed

        futures = [self.client.submit(fn, *task, pure=False) for task in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            yield index[fut.key], fut.result()

    def close(self) -> None:
        if self._own:
            self.client.close()


def make_executor(workers: int = 1, cluster: str | None = None) -> Executor:
    """Choose an executor: ``cluster`` (or ``DASK_SCHEDULER_ADDRESS``) wins over ``workers``."""
    address = cluster or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return DaskExecutor(address)
    return LocalExecutor(workers)
