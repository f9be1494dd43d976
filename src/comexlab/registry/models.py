"""The registry's tables as SQLAlchemy 2.x typed ORM classes.

Natural keys (what people use to name things in spreadsheets) are unique constraints so that
imports upsert on them: RFC for firms, (firm, name) for plants and contacts, (standard,
certificate number) for certificates, codes for clusters and programs, (program, firm) for
enrolments. Option sets are stored as short strings (portable across SQLite and PostgreSQL,
migrations stay simple) and validated against :mod:`comexlab.registry.vocab` on the way in.
Schema changes go through Alembic migrations in ``registry/migrations``; never ``create_all``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base; every registry (and web) table hangs off this metadata."""

    metadata = MetaData(naming_convention=NAMING)


_CASCADE = "all, delete-orphan"


class Firm(Base):
    """A supplier firm (legal entity), identified by its RFC."""

    __tablename__ = "firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    rfc: Mapped[str] = mapped_column(String(13), unique=True)
    legal_name: Mapped[str] = mapped_column(String(300), index=True)
    state_code: Mapped[str] = mapped_column(String(2), index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(3))
    employees: Mapped[int | None]
    activity: Mapped[str] = mapped_column(String(16), default="industry")
    size_class: Mapped[str | None] = mapped_column(String(8), index=True)
    chain_role: Mapped[str | None] = mapped_column(String(16))
    exporter: Mapped[bool] = mapped_column(default=False)
    website: Mapped[str | None] = mapped_column(String(300))
    is_demo: Mapped[bool] = mapped_column(default=False)

    sectors: Mapped[list[FirmSector]] = relationship(cascade=_CASCADE, back_populates="firm")
    processes: Mapped[list[FirmProcess]] = relationship(cascade=_CASCADE, back_populates="firm")
    destinations: Mapped[list[FirmDestination]] = relationship(cascade=_CASCADE,
                                                               back_populates="firm")
    contacts: Mapped[list[Contact]] = relationship(cascade=_CASCADE, back_populates="firm")
    plants: Mapped[list[Plant]] = relationship(cascade=_CASCADE, back_populates="firm")
    certifications: Mapped[list[Certification]] = relationship(cascade=_CASCADE,
                                                               back_populates="firm")
    memberships: Mapped[list[ClusterMember]] = relationship(cascade=_CASCADE,
                                                            back_populates="firm")
    enrolments: Mapped[list[Enrolment]] = relationship(cascade=_CASCADE, back_populates="firm")


class FirmSector(Base):
    """A buyer sector the firm supplies (codes in ``registry/data/sectors.csv``)."""

    __tablename__ = "firm_sector"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"),
                                         primary_key=True)
    sector: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    firm: Mapped[Firm] = relationship(back_populates="sectors")


class FirmProcess(Base):
    """A process capability (codes in ``supply/data/processes.csv``)."""

    __tablename__ = "firm_process"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"),
                                         primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    firm: Mapped[Firm] = relationship(back_populates="processes")


class FirmDestination(Base):
    """A country the firm exports to (ISO 3166-1 alpha-3)."""

    __tablename__ = "firm_destination"

    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"),
                                         primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    firm: Mapped[Firm] = relationship(back_populates="destinations")


class Contact(Base):
    """A person to talk to at a firm."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("firm_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    firm: Mapped[Firm] = relationship(back_populates="contacts")


class Plant(Base):
    """A production site of a firm."""

    __tablename__ = "plant"
    __table_args__ = (UniqueConstraint("firm_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    state_code: Mapped[str] = mapped_column(String(2))
    municipality_code: Mapped[str | None] = mapped_column(String(3))
    industrial_park: Mapped[str | None] = mapped_column(String(200))
    capacity_notes: Mapped[str | None] = mapped_column(Text)
    firm: Mapped[Firm] = relationship(back_populates="plants")


class Certification(Base):
    """A certificate a firm holds (status is computed from the dates, never stored)."""

    __tablename__ = "certification"
    __table_args__ = (UniqueConstraint("standard", "certificate_number"),
                      CheckConstraint("expires_on >= issued_on", name="dates_in_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    plant_id: Mapped[int | None] = mapped_column(ForeignKey("plant.id", ondelete="SET NULL"))
    standard: Mapped[str] = mapped_column(String(32), index=True)
    certificate_number: Mapped[str] = mapped_column(String(100))
    certifying_body: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
    firm: Mapped[Firm] = relationship(back_populates="certifications")
    plant: Mapped[Plant | None] = relationship()


class Cluster(Base):
    """An industry cluster (association of firms), identified by a short code."""

    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    state_code: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    members: Mapped[list[ClusterMember]] = relationship(cascade=_CASCADE,
                                                        back_populates="cluster")


class ClusterMember(Base):
    """Membership of a firm in a cluster."""

    __tablename__ = "cluster_member"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"),
                                            primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    joined_on: Mapped[date | None]
    cluster: Mapped[Cluster] = relationship(back_populates="members")
    firm: Mapped[Firm] = relationship(back_populates="memberships")


class ClusterLink(Base):
    """An undirected, typed link between two clusters.

    Stored with ``cluster_a`` before ``cluster_b`` by code, so A–B and B–A are one link.
    """

    __tablename__ = "cluster_link"
    __table_args__ = (UniqueConstraint("cluster_a_id", "cluster_b_id", "kind"),
                      CheckConstraint("cluster_a_id <> cluster_b_id", name="not_self"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_a_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"))
    cluster_b_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    since: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    cluster_a: Mapped[Cluster] = relationship(foreign_keys=[cluster_a_id])
    cluster_b: Mapped[Cluster] = relationship(foreign_keys=[cluster_b_id])


class Program(Base):
    """An agency program (training, certification support, trade mission, …)."""

    __tablename__ = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    agency: Mapped[str | None] = mapped_column(String(100))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    marketplace: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    countries: Mapped[list[ProgramCountry]] = relationship(cascade=_CASCADE,
                                                           back_populates="program")
    enrolments: Mapped[list[Enrolment]] = relationship(cascade=_CASCADE,
                                                       back_populates="program")


class ProgramCountry(Base):
    """A target country of a program (ISO 3166-1 alpha-3)."""

    __tablename__ = "program_country"

    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"),
                                            primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    program: Mapped[Program] = relationship(back_populates="countries")


class Enrolment(Base):
    """A firm in a program: current status and the outcomes obtained."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("program_id", "firm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_on: Mapped[date]
    enrolled_on: Mapped[date | None]
    certificate_obtained: Mapped[str | None] = mapped_column(String(32))
    first_export_on: Mapped[date | None]
    export_sales_usd: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    program: Mapped[Program] = relationship(back_populates="enrolments")
    firm: Mapped[Firm] = relationship(back_populates="enrolments")
    history: Mapped[list[EnrolmentStatusChange]] = relationship(
        cascade=_CASCADE, back_populates="enrolment",
        order_by=lambda: (EnrolmentStatusChange.changed_on, EnrolmentStatusChange.id))


class EnrolmentStatusChange(Base):
    """One step of an enrolment's status history."""

    __tablename__ = "enrolment_status"
    __table_args__ = (UniqueConstraint("enrolment_id", "status", "changed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    enrolment: Mapped[Enrolment] = relationship(back_populates="history")


class SourcePlant(Base):
    """A plant known from a public register (SEMARNAT RETC, INEGI DENUE), labelled with it.

    WHY a table of its own and not a :class:`Firm`: a firm's identity in the registry is its
    RFC (imports, exports, enrolments and firm logins key on it) and public registers publish
    none. A source plant is linked to a firm (``firm_id``) once the agency knows its RFC.
    """

    __tablename__ = "source_plant"
    __table_args__ = (UniqueConstraint("source", "source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16), index=True)  # 'semarnat_retc', …
    source_ref: Mapped[str] = mapped_column(String(40))  # the register's key (RETC NRA)
    source_year: Mapped[int]  # edition of the register the row comes from
    legal_name: Mapped[str] = mapped_column(String(300), index=True)
    plant_name: Mapped[str | None] = mapped_column(String(300))
    scian: Mapped[str] = mapped_column(String(6), index=True)
    state_code: Mapped[str] = mapped_column(String(2), index=True)
    municipality: Mapped[str | None] = mapped_column(String(200))
    industrial_park: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="SET NULL"),
                                                index=True)
    firm: Mapped[Firm | None] = relationship()


# -- events: trade missions, fairs, B2B rounds, and their meetings ------------------------------

class Event(Base):
    """A trade mission, fair or B2B round the agency organises or takes firms to."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16), index=True)  # vocab.EventKind
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(3), default="MEX")  # ISO 3166-1 alpha-3
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("program.id", ondelete="SET NULL"), index=True)
    slots: Mapped[int | None]
    tables: Mapped[int | None]
    is_demo: Mapped[bool] = mapped_column(default=False)
    program: Mapped[Program | None] = relationship()
    participants: Mapped[list[EventParticipant]] = relationship(cascade=_CASCADE,
                                                                back_populates="event")
    meetings: Mapped[list[EventMeeting]] = relationship(cascade=_CASCADE,
                                                        back_populates="event")


class EventParticipant(Base):
    """Someone at an event: a registry firm, or an outside buyer known by the platform's id."""

    __tablename__ = "event_participant"
    __table_args__ = (UniqueConstraint("event_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))  # the id in the fair's files
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(16))  # buyer / supplier
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firm.id", ondelete="SET NULL"),
                                                index=True)
    event: Mapped[Event] = relationship(back_populates="participants")
    firm: Mapped[Firm | None] = relationship()


class EventMeeting(Base):
    """A scheduled meeting between two participants (slot and table of the B2B schedule)."""

    __tablename__ = "event_meeting"
    __table_args__ = (
        UniqueConstraint("event_id", "slot", "table_no"),
        CheckConstraint("participant_a_id <> participant_b_id", name="two_people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    slot: Mapped[int]
    table_no: Mapped[int]
    participant_a_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), index=True)
    participant_b_id: Mapped[int] = mapped_column(
        ForeignKey("event_participant.id", ondelete="CASCADE"), index=True)
    weight: Mapped[int | None]  # summed priority of both requests
    held: Mapped[bool | None]  # did it take place (None: not recorded yet)
    event: Mapped[Event] = relationship(back_populates="meetings")
    participant_a: Mapped[EventParticipant] = relationship(foreign_keys=[participant_a_id])
    participant_b: Mapped[EventParticipant] = relationship(foreign_keys=[participant_b_id])
    outcomes: Mapped[list[MeetingOutcome]] = relationship(
        cascade=_CASCADE, back_populates="meeting",
        order_by=lambda: (MeetingOutcome.recorded_on, MeetingOutcome.id))


class MeetingOutcome(Base):
    """What came of a meeting, step by step (follow-up, quote, contract), for the KPIs."""

    __tablename__ = "meeting_outcome"
    __table_args__ = (UniqueConstraint("meeting_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("event_meeting.id", ondelete="CASCADE"),
                                            index=True)
    outcome: Mapped[str] = mapped_column(String(16), index=True)  # vocab.MeetingOutcomeKind
    recorded_on: Mapped[date]
    value_usd: Mapped[float | None] = mapped_column(Float)  # quote or contract value
    note: Mapped[str | None] = mapped_column(Text)
    meeting: Mapped[EventMeeting] = relationship(back_populates="outcomes")
