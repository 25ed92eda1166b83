"""The README's HTTP API examples run as written, with curl, against a real server."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .server import ROOT, Server

README = ROOT / "README.md"


def http_section() -> str:
    text = README.read_text()
    start = text.index("## HTTP API")
    end = text.index("\n## ", start + 1)
    return text[start:end]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_examples_run(tmp_path):
    blocks = re.findall(r"```bash\n(.*?)```", http_section(), re.S)
    start, script = blocks[0], "\n".join(blocks[1:])
    assert "yieldopt serve" in start
    keys = re.search(r'YIELDOPT_API_KEYS="([^"]+)"', start).group(1)
    with Server(f"sqlite:///{tmp_path / 'hotel.db'}", keys=keys) as srv:
        script = script.replace("127.0.0.1:8000", f"127.0.0.1:{srv.port}")
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr + run.stdout
    out = run.stdout
    for fragment in (
        '"version":1',
        '"authorized":{"std/2026-12-04":21',
        '"reason":"bid_price"',
        '"bid_price_total":200.0,"margin":-100.0',
        '"booking_id":"',
        '"sold":2,"available":19',
        '"status":"cancelled"',
        # The group quote, as the README's Python example computes it on 21 rooms per night.
        '"decision":"reject","accept":false,"fits":true,"displaced_value":2070.0,'
        '"group_value":2000.0,"break_even_rate":98.5,"margin":-70.0',
        '"field":"quantity"',
    ):
        assert fragment in out, fragment
