"""The service's routers: health, networks and forecasts, decisions, bookings."""

from . import bookings, decisions, health, networks

__all__ = ["bookings", "decisions", "health", "networks"]
