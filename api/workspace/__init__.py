"""The revenue manager's workspace: web pages served by the service itself."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["install_workspace"]


def install_workspace(app: FastAPI) -> None:
    """Add the workspace's pages and assets to the service."""
