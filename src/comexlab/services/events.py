"""Events in the registry: a scheduled B2B round saved with its meetings, outcomes recorded.

A schedule computed by :mod:`comexlab.services.fair` is saved as an event (participants
linked to registry firms when their id is an RFC of the registry), then each meeting's
outcome — follow-up, quote, contract — is recorded as it happens, so that the agency's KPIs
can count meetings that led somewhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from comexlab.errors import InputError, NotFoundError
from comexlab.i18n import Msg
from comexlab.registry.models import Event, EventMeeting, EventParticipant, Firm, MeetingOutcome
from comexlab.registry.vocab import EventKind, MeetingOutcomeKind
from comexlab.services.fair import FairResult


@dataclass(frozen=True, slots=True)
class EventRequest:
    """The event a schedule belongs to."""

    code: str
    name: str
    kind: str
    starts_on: date
    city: str | None = None
    country: str = "MEX"
    lang: str = "en"


def save_schedule(session: Session, request: EventRequest, result: FairResult) -> Event:
    """Store the event, its participants and scheduled meetings (refused if the code exists)."""
    if request.kind not in {k.value for k in EventKind}:
        raise InputError(Msg("event.error.kind", known=", ".join(k.value for k in EventKind)),
                         field="kind", value=request.kind, lang=request.lang)
    if session.scalars(select(Event).filter_by(code=request.code)).first() is not None:
        raise InputError(Msg("event.error.exists"), field="code", value=request.code,
                         lang=request.lang)
    fair = result.fair
    event = Event(code=request.code, name=request.name, kind=request.kind,
                  starts_on=request.starts_on, city=request.city, country=request.country,
                  slots=fair.slots, tables=fair.tables)
    firms = {f.rfc: f for f in session.scalars(select(Firm).where(
        Firm.rfc.in_([p.id.upper() for p in fair.participants])))}
    people = {p.id: EventParticipant(external_id=p.id, name=p.name,
                                     firm=firms.get(p.id.upper()))
              for p in fair.participants}
    event.participants = list(people.values())
    event.meetings = [EventMeeting(slot=m.slot, table_no=m.table, participant_a=people[m.a],
                                   participant_b=people[m.b], weight=m.weight)
                      for m in result.schedule.meetings]
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class OutcomeRequest:
    """What a meeting led to, and when."""

    event: str
    slot: int
    table: int
    outcome: str
    on: date
    value_usd: float | None = None
    note: str | None = None
    lang: str = "en"


def record_outcome(session: Session, request: OutcomeRequest) -> MeetingOutcome:
    """Record (or update) one outcome of one meeting; the meeting is marked as held."""
    known = [k.value for k in MeetingOutcomeKind]
    if request.outcome not in known:
        raise InputError(Msg("event.error.outcome", known=", ".join(known)), field="outcome",
                         value=request.outcome, lang=request.lang)
    if request.value_usd is not None and not request.value_usd > 0:
        raise InputError(Msg("event.error.value"), field="value_usd", value=request.value_usd,
                         lang=request.lang)
    meeting = session.scalars(select(EventMeeting).join(Event).where(
        Event.code == request.event, EventMeeting.slot == request.slot,
        EventMeeting.table_no == request.table)).first()
    if meeting is None:
        raise NotFoundError(Msg("event.error.no_meeting", code=request.event, slot=request.slot,
                                table=request.table), lang=request.lang)
    meeting.held = True
    row = next((o for o in meeting.outcomes if o.outcome == request.outcome), None)
    if row is None:
        row = MeetingOutcome(outcome=request.outcome)
        meeting.outcomes.append(row)
    row.recorded_on, row.value_usd, row.note = request.on, request.value_usd, request.note
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class EventKpis:
    """Counts the agency reports: meetings scheduled, held, and how many reached each outcome."""

    event: str
    meetings: int
    held: int
    outcomes: dict[str, int]
    contract_value_usd: float


def event_kpis(session: Session, code: str, *, lang: str = "en") -> EventKpis:
    """Meetings of an event and the outcomes they reached (a meeting counts once per kind)."""
    event = session.scalars(select(Event).filter_by(code=code)).first()
    if event is None:
        raise NotFoundError(Msg("event.error.no_event", code=code), lang=lang)
    counts: Counter[str] = Counter()
    value = 0.0
    for m in event.meetings:
        for o in m.outcomes:
            counts[o.outcome] += 1
            if o.outcome == MeetingOutcomeKind.contract and o.value_usd:
                value += o.value_usd
    return EventKpis(code, len(event.meetings), sum(1 for m in event.meetings if m.held),
                     {k.value: counts.get(k.value, 0) for k in MeetingOutcomeKind}, value)
