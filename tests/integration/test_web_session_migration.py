"""Migration w0002 (web_session, server-side sessions) on SQLite and PostgreSQL: up from the
revision before it with users in place, down again without touching them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from registry_support import bare_engine  # noqa: F401  (fixture)
from sqlalchemy import Engine

from comexlab.registry import db

BEFORE = ScriptDirectory.from_config(db.alembic_config()).get_revision("w0002").down_revision


def test_w0002_adds_and_drops_web_session_keeping_users(bare_engine: Engine) -> None:  # noqa: F811
    db.upgrade(bare_engine, str(BEFORE))
    with bare_engine.begin() as con:
        con.execute(sa.text(
            "INSERT INTO web_user (username, password_hash, role, active, created_at) "
            "VALUES ('ana', 'h', 'analyst', true, :now)"), {"now": datetime(2026, 11, 30)})
    assert "web_session" not in sa.inspect(bare_engine).get_table_names()
    db.upgrade(bare_engine, "w0002")
    inspector = sa.inspect(bare_engine)
    assert {c["name"] for c in inspector.get_columns("web_session")} == {
        "id", "user_id", "created_at", "expires_at"}
    with bare_engine.begin() as con:
        uid = con.execute(sa.text("SELECT id FROM web_user WHERE username = 'ana'")).scalar_one()
        con.execute(sa.text("INSERT INTO web_session VALUES ('a' , :uid, :t, :t)"),
                    {"uid": uid, "t": datetime(2026, 11, 30)})
    db.downgrade(bare_engine, str(BEFORE))
    assert "web_session" not in sa.inspect(bare_engine).get_table_names()
    with bare_engine.connect() as con:
        assert con.execute(sa.text("SELECT count(*) FROM web_user")).scalar_one() == 1
    db.upgrade(bare_engine)
    assert db.current_revision(bare_engine) == db.head_revision()
