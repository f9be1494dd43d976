"""The web app's users: who may log in, with which role, tied to which firm.

Three roles (``Role``): agency *admin* (imports, manages users), agency *analyst* (reads
everything, runs scenarios) and *firm* user (sees and edits only the firm in ``firm_id``).
The tables live in the registry database (same metadata and Alembic chain) so that a firm
user's firm is a real foreign key; so do their models, here, so that the registry's migrations
never import the web package (the web's auth code imports these).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from comexlab.registry.models import Base


class Role(StrEnum):
    """What a user may do; ordered from most to least powerful."""

    ADMIN = "admin"
    ANALYST = "analyst"
    FIRM = "firm"


class User(Base):
    """A person who logs in to the web app."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    firm_id: Mapped[int | None] = mapped_column(
        ForeignKey("firm.id", ondelete="CASCADE"), nullable=True, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime, default=lambda: datetime.now(UTC).replace(tzinfo=None)
    )

    @property
    def role_enum(self) -> Role:
        """The role as an enum (the column stores its string value)."""
        return Role(self.role)


class WebSession(Base):
    """A logged-in browser or API client, so that a session can be ended on the server.

    The signed cookie alone cannot be taken back: it stays valid until it expires, even after
    logout or a restart. The cookie therefore also carries a random token whose SHA-256 is the
    primary key here; deleting the row (logout, password or role change, deactivation) ends
    that session at its next request. Only the hash is stored, so a copy of the database
    does not yield usable cookies.
    """

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(
        ForeignKey("web_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class UserChange(Base):
    """One change an admin made to a user: who, when, what (the users page shows them).

    Usernames are copied, not foreign keys, so the record outlives the accounts it names.
    ``kind`` is a code (created, role, password, deactivated, reactivated) shown through the
    catalogue; ``detail`` is the new role/firm (never a password).
    """

    __tablename__ = "web_user_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime, default=lambda: datetime.now(UTC).replace(tzinfo=None), index=True
    )
    actor: Mapped[str] = mapped_column(String(80))
    username: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)
