"""Engine, sessions and schema migrations of the registry database.

SQLite is the embedded default (``COMEXLAB_REGISTRY_URL``); PostgreSQL is supported. The schema
is only ever created by Alembic migrations shipped inside the package
(``comexlab/registry/migrations``), run programmatically so an installed package can
``comexlab registry init`` without an ``alembic.ini`` on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session

from comexlab.settings import get_settings


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked, per connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str | None = None, *, schema: str | None = None) -> Engine:
    """Engine for ``url`` (default: settings); ``schema`` pins PostgreSQL's search_path.

    Tests use ``schema`` to give each test its own PostgreSQL schema.
    """
    url = url or get_settings().registry_url
    kwargs: dict[str, Any] = {}
    if schema is not None:
        if not url.startswith("postgresql"):
            raise ValueError("schema= is only supported for PostgreSQL URLs")
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


@contextmanager
def transaction(engine: Engine | Connection) -> Iterator[Session]:
    """A session whose work commits on success and rolls back entirely on any error.

    A :class:`Connection` with an open outer transaction lets a caller roll everything back
    (the web's dry-run import).
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for queries (rolled back at the end; nothing is written)."""
    with Session(engine) as session:
        yield session


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations inside the installed package."""
    cfg = Config()
    cfg.set_main_option("script_location",
                        str(resources.files("comexlab.registry") / "migrations"))
    return cfg


def _run(engine: Engine, fn: Any, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        fn(cfg, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (creates it on an empty database)."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to ``revision`` (``base`` drops every registry table)."""
    _run(engine, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    """Revision the database is at (None when never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Newest revision shipped with this package."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()

