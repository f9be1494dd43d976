"""Alembic environment of the registry: generic, run programmatically by comexlab.registry.db.

The caller passes an open connection in ``config.attributes["connection"]``; if absent (plain
``alembic`` CLI use), ``sqlalchemy.url`` from the config or COMEXLAB_REGISTRY_URL is used. Every
table of :class:`comexlab.registry.models.Base` (registry and web) belongs to this chain.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import comexlab.registry.auth_models  # noqa: F401 - registers web_user, web_session
from comexlab.registry.models import Base
from comexlab.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().registry_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().registry_url
    engine = create_engine(url)
    with engine.begin() as conn:
        _configure_and_run(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
