"""The service's routers: health, networks and forecasts, decisions, bookings, overrides."""

from . import bookings, decisions, health, networks, overrides

__all__ = ["bookings", "decisions", "health", "networks", "overrides"]
