"""Tests of the booking-control store (SQLite and PostgreSQL)."""
