"""Tests of the HTTP service: in-process, and against a real uvicorn process."""
