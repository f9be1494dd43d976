"""Registry test databases: every test runs on SQLite and on PostgreSQL, each in isolation.

PostgreSQL tests use their own schema (dropped afterwards). A missing server or URL FAILS the
test with instructions; it never skips, because a skipped PostgreSQL test is a test that
does not exist.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from comexlab.registry.db import make_engine

_HOW = ("run `bash scripts/system-deps.sh` (installs and starts PostgreSQL) and "
        "`. scripts/test-env.sh` (exports COMEXLAB_TEST_POSTGRES_URL)")


def _postgres_engine() -> Iterator[Engine]:
    url = os.environ.get("COMEXLAB_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(f"COMEXLAB_TEST_POSTGRES_URL is not set: {_HOW}", pytrace=False)
    admin = sa.create_engine(url)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as con:
            con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"cannot reach PostgreSQL at {sa.make_url(url).render_as_string()}: "
                    f"{exc.orig}; {_HOW}", pytrace=False)
    engine = make_engine(url, schema=schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as con:
            con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bare_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty registry database (no schema yet) of each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'registry.sqlite'}")
        yield engine
        engine.dispose()
    else:
        yield from _postgres_engine()


@pytest.fixture()
def engine(bare_engine: Engine) -> Engine:
    """A registry database migrated to the newest schema."""
    from comexlab.registry.db import upgrade

    upgrade(bare_engine)
    return bare_engine
