"""Bringing the registry database (firms … and the web's users) to the current schema."""

from __future__ import annotations

from sqlalchemy import Engine

from comexlab.web.auth.models import AuthBase


def ensure_registry_schema(engine: Engine) -> None:
    """Create missing tables of the registry database (idempotent)."""
    AuthBase.metadata.create_all(engine)
