"""The local executor: this process works from the start, worker processes join when ready."""

import os
import time

import pytest
from typer.testing import CliRunner

from yieldopt.cli import app
from yieldopt.simulate import AUTO_POOL_STEPS, LocalExecutor, auto_workers


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _meet(parent: int, marker: str) -> int:
    """In the parent, wait (up to a minute) until a worker has run; in a worker, say so."""
    if os.getpid() == parent:
        deadline = time.monotonic() + 60
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
    else:
        open(marker, "w").close()
    return os.getpid()


def _fail_on(i: int) -> int:
    if i == 3:
        raise ValueError("task 3 failed")
    return i


def test_pool_and_this_process_share_the_tasks(tmp_path):
    # This process's first task waits until a worker has run one, so both take part.
    tasks = [(os.getpid(), str(tmp_path / "worker-ran")) for _ in range(8)]
    got = dict(LocalExecutor(2).map(_meet, tasks))
    assert sorted(got) == list(range(8))  # every task once, by its index
    pids = set(got.values())
    assert os.getpid() in pids and len(pids) == 2
    # This process works from the front, the worker from the back.
    assert got[0] == os.getpid() and got[7] != os.getpid()


def test_a_short_run_does_not_wait_for_workers():
    start = time.perf_counter()
    got = dict(LocalExecutor(2).map(_pid_after, [(0.01,)] * 5))
    # A worker needs over a second to import yieldopt; by then this process is done.
    assert set(got.values()) == {os.getpid()}
    assert time.perf_counter() - start < 10  # and shutting the pool down does not hang


def test_workers_only_sends_every_task_away():
    got = dict(LocalExecutor(2, here=False).map(_pid_after, [(0.0,)] * 4))
    assert sorted(got) == [0, 1, 2, 3] and os.getpid() not in set(got.values())


@pytest.mark.parametrize("here", [True, False])
def test_a_failing_task_raises_in_the_caller(here):
    with pytest.raises(ValueError, match="task 3 failed"):
        dict(LocalExecutor(2, here=here).map(_fail_on, [(i,) for i in range(6)]))


def test_auto_workers_uses_a_pool_only_for_long_runs(monkeypatch):
    monkeypatch.setattr(os, "process_cpu_count", lambda: 4, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert auto_workers(200, 1_370.0, 6) == 4  # the city hotel: 1.6 million steps
    assert auto_workers(10, 1_370.0, 6) == 1  # 82,000 steps: not worth a worker
    assert auto_workers(100, AUTO_POOL_STEPS / 100 - 1, 1) == 1
    assert auto_workers(100, AUTO_POOL_STEPS / 100, 1) == 4
    assert auto_workers(40, AUTO_POOL_STEPS, 1) == 2  # at most one process per 16 paths
    monkeypatch.setattr(os, "process_cpu_count", lambda: 1, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert auto_workers(200, 1_370.0, 6) == 1


@pytest.mark.parametrize(("value", "message"), [("0", "at least 1"), ("two", "whole number")])
def test_workers_option_is_checked(value, message):
    from pathlib import Path

    scenario = Path(__file__).resolve().parents[2] / "scenarios/hub-network.toml"
    result = CliRunner().invoke(app, ["simulate", str(scenario), "-n", "2", "--workers", value])
    assert result.exit_code == 2
    assert "--workers" in result.output and message in result.output
