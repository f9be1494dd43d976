"""The web app's users: who may log in, with which role, tied to which firm.

Three roles (``Role``): agency *admin* (imports, manages users), agency *analyst* (reads
everything, runs scenarios) and *firm* user (sees and edits only the firm in ``firm_id``).
The table lives in the registry database (same metadata and Alembic chain) so that a firm
user's firm is a real foreign key.
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
