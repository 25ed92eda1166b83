"""Where chunks of sample paths run: this process, a local process pool, or a Dask cluster.

A task is ``run_chunk(model, policies, path_ids, seed, reopt)``: plain data in
(arrays and small dataclasses), plain data out (dicts of arrays). Results do not
depend on where a chunk ran, because each path seeds its own generator.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
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
    """Run in this process (``workers=1``) or a pool of ``workers`` local processes."""

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise InputError("workers", f"must be at least 1, got {workers}")
        self.workers = workers

    @property
    def slots(self) -> int:
        return self.workers

    def map(self, fn, tasks):
        if self.workers == 1:
            for i, task in enumerate(tasks):
                yield i, fn(*task)
            return
        # "spawn": workers start clean, without copies of solver handles or threads.
        with ProcessPoolExecutor(self.workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
            for fut in as_completed(futures):
                yield futures[fut], fut.result()


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
