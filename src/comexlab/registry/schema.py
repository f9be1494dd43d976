"""Bringing the registry database (firms … and the web's users) to the current schema.

Called by the web app at start, ``comexlab web add-user`` and the demo set-up.
"""

from __future__ import annotations

from sqlalchemy import Engine

from comexlab.registry import db as registry_db


def ensure_registry_schema(engine: Engine) -> None:
    """Run the registry's Alembic migrations up to head (idempotent; includes ``web_user``)."""
    if registry_db.current_revision(engine) != registry_db.head_revision():
        registry_db.upgrade(engine)
