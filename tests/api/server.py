"""Run the service as a real ``yieldopt serve`` process on a free port (tests and benchmarks)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
# At least 16 characters each (the service refuses shorter keys).
ADMIN, BOOK, READ = "t3st-admin-k3y-0001", "t3st-book-k3y-00001", "t3st-read-k3y-00001"
KEYS = f"{ADMIN}:admin,{BOOK}:book,{READ}:read"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auth(key: str) -> dict[str, str]:
    """The Authorization header of a key."""
    return {"Authorization": f"Bearer {key}"}


class Server:
    """A ``yieldopt serve`` subprocess; restartable on the same port and database.

    Parameters
    ----------
    db_url : str
        Database URL.
    keys : str
        ``YIELDOPT_API_KEYS``.
    env : dict, optional
        More environment variables.
    args : list of str, optional
        More ``yieldopt serve`` options.
    preexec_fn : callable, optional
        Run in the child before ``serve`` starts (e.g. to lower its resource limits).
    """

    def __init__(
        self,
        db_url: str,
        keys: str = KEYS,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        preexec_fn=None,
    ) -> None:
        self.db_url = db_url
        self.args = list(args or [])
        self.preexec_fn = preexec_fn
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "YIELDOPT_API_KEYS": keys, **(env or {})}
        fd, log = tempfile.mkstemp(prefix="yieldopt-serve-", suffix=".log")
        os.close(fd)
        self.log = Path(log)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> Server:
        """Start the process and wait until ``/healthz`` answers."""
        cmd = [
            sys.executable,
            "-c",
            "from yieldopt.cli import main; main()",
            "serve",
            "--db",
            self.db_url,
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            *self.args,
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                preexec_fn=self.preexec_fn,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after 10 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def kill(self) -> None:
        """Kill at once (SIGKILL): no shutdown code runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def client(self, key: str = ADMIN, **kw) -> httpx.Client:
        """An HTTP client for the server with a key."""
        return httpx.Client(base_url=self.url, headers=auth(key), timeout=30.0, **kw)

    def __enter__(self) -> Server:
        # Already started (``with Server(...).start(timeout=...)``): just use it.
        return self if self.proc is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log.unlink(missing_ok=True)
