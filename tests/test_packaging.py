"""What the distribution ships: every package folder, and the service as ``yieldopt_api``."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _folders(top: str, name: str) -> set[str]:
    """Dotted names of ``top`` and its sub-folders that hold files (not caches)."""
    out = set()
    for d in [ROOT / top, *(ROOT / top).rglob("*")]:
        if not d.is_dir() or "__pycache__" in d.parts:
            continue
        if any(f.is_file() and not f.name.endswith(".pyc") for f in d.iterdir()):
            out.add(".".join([name, *d.relative_to(ROOT / top).parts]))
    return out


def test_every_package_folder_is_listed():
    cfg = _setuptools()
    assert cfg["package-dir"] == {"yieldopt_api": "api"}
    assert set(cfg["packages"]) == _folders("yieldopt", "yieldopt") | _folders(
        "api", "yieldopt_api"
    )


def test_the_service_imports_as_yieldopt_api_and_not_as_api(tmp_path):
    # From another folder than the repository root, only what is installed is importable.
    code = (
        "import importlib.util as u, yieldopt_api.main as m, yieldopt.cli;"
        "print(m.create_app.__module__, u.find_spec('api'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["yieldopt_api.main", "None"]
