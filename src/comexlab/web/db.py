"""The registry database as the web app uses it: the registry's engine, a session per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from comexlab.web.context import app_context


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (templates render after the unit)."""
    return sessionmaker(engine, expire_on_commit=False)


def db_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one registry session per request, committed if the handler succeeds."""
    with app_context(request).sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


# The unit of work ends (commits) when the handler returns, *before* the response is sent.
# FastAPI's default scope for dependencies with yield ends them after the response, so a client
# could act on a response (follow the login redirect with its new cookie) before the write it
# reports was committed, and be turned away as logged out.
Db = Annotated[Session, Depends(db_session, scope="function")]
