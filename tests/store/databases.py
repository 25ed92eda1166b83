"""Database fixtures shared by the store and API tests: a SQLite file, and PostgreSQL in a
schema of its own when ``YIELDOPT_TEST_POSTGRES_URL`` is set (dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

PG_ENV = "YIELDOPT_TEST_POSTGRES_URL"
PG_SKIP = f"{PG_ENV} is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"


def postgres_schema_url(base: str, schema: str) -> str:
    """The URL of ``base`` with ``search_path`` set to ``schema``."""
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'yieldopt.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    schema = f"yo_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_schema_url(base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Each backend in turn (PostgreSQL skipped with a reason when not configured)."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
