"""The yieldopt booking-control HTTP service (FastAPI): ``create_app()`` builds it."""

from .main import create_app

__all__ = ["create_app"]
