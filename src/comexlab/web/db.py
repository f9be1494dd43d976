"""The registry database as the web app uses it: the registry's engine, a session per request."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (templates render after the unit)."""
    return sessionmaker(engine, expire_on_commit=False)


def db_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one registry session per request, committed if the handler succeeds."""
    with request.app.state.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()
