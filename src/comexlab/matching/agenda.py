"""What participants take home from a schedule: personal agendas, calendar files, a table plan.

Rows are plain dicts with catalog-translated column names so that one function feeds the CSV,
the xlsx and the web page alike. Calendar files follow RFC 5545 (built with the
``icalendar`` package: CRLF line ends, 75-octet folding, a UID and DTSTAMP per event); times
are written in UTC so that no VTIMEZONE block is needed and every calendar shows local time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from comexlab.i18n import t
from comexlab.matching.schedule import Fair, Meeting


@dataclass(frozen=True, slots=True)
class Timing:
    """When slot 1 starts (aware datetime) and how long each slot lasts."""

    start: datetime
    slot_minutes: int = 30

    def slot(self, number: int) -> tuple[datetime, datetime]:
        """Start and end of slot ``number`` (1-based)."""
        begin = self.start + timedelta(minutes=self.slot_minutes * (number - 1))
        return begin, begin + timedelta(minutes=self.slot_minutes)


def _names(fair: Fair) -> dict[str, str]:
    return {p.id: p.name for p in fair.participants}


def agenda_rows(fair: Fair, meetings: Sequence[Meeting], timing: Timing, lang: str,
                participant: str | None = None) -> list[dict[str, object]]:
    """One row per participant and meeting (or only ``participant``'s), by person then slot."""
    names = _names(fair)
    rows = []
    for m in meetings:
        for me, other in ((m.a, m.b), (m.b, m.a)):
            if participant is not None and me != participant:
                continue
            begin, end = timing.slot(m.slot)
            rows.append({
                t("fair.col.participant", lang): me, t("fair.col.name", lang): names[me],
                t("fair.col.slot", lang): m.slot,
                t("fair.col.start", lang): begin.strftime("%Y-%m-%d %H:%M"),
                t("fair.col.end", lang): end.strftime("%H:%M"),
                t("fair.col.table", lang): m.table, t("fair.col.with", lang): other,
                t("fair.col.with_name", lang): names[other]})
    participant_col, slot_col = t("fair.col.participant", lang), t("fair.col.slot", lang)
    return sorted(rows, key=lambda r: (str(r[participant_col]), int(r[slot_col])))  # type: ignore[call-overload]


def table_plan_rows(fair: Fair, meetings: Sequence[Meeting], timing: Timing,
                    lang: str) -> list[dict[str, object]]:
    """The organisers' plan: one row per slot and table in use."""
    names = _names(fair)
    return [{t("fair.col.slot", lang): m.slot,
             t("fair.col.start", lang): timing.slot(m.slot)[0].strftime("%Y-%m-%d %H:%M"),
             t("fair.col.table", lang): m.table,
             t("fair.col.a", lang): m.a, t("fair.col.a_name", lang): names[m.a],
             t("fair.col.b", lang): m.b, t("fair.col.b_name", lang): names[m.b],
             t("fair.col.weight", lang): m.weight}
            for m in sorted(meetings, key=lambda m: (m.slot, m.table))]


def ics(fair: Fair, meetings: Sequence[Meeting], participant: str, timing: Timing, *,
        event: str, stamp: datetime, lang: str, uid_domain: str = "comexlab.invalid") -> bytes:
    """``participant``'s meetings as an RFC 5545 calendar (one VEVENT per meeting).

    ``stamp`` is the DTSTAMP (when the file was made; passed in so the output is
    reproducible). The UID is stable per fair and pair, so importing a re-planned
    agenda updates the same events instead of duplicating them (RFC 5545 §3.8.4.7).
    """
    names = _names(fair)
    calendar = Calendar()
    calendar.add("prodid", "-//comexlab//B2B scheduler//ES")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for m in sorted(meetings):
        if participant not in (m.a, m.b):
            continue
        other = m.b if participant == m.a else m.a
        begin, end = timing.slot(m.slot)
        item = Event()
        item.add("uid", f"{_slug(event)}-{m.a}-{m.b}@{uid_domain}")
        item.add("dtstamp", stamp.astimezone(UTC))
        item.add("dtstart", begin.astimezone(UTC))
        item.add("dtend", end.astimezone(UTC))
        item.add("summary", t("fair.ics.summary", lang, event=event, name=names[other],
                              table=m.table))
        item.add("description", t("fair.ics.description", lang, slot=m.slot, table=m.table))
        item.add("location", f"{event} — {t('fair.col.table', lang)} {m.table}")
        calendar.add_component(item)
    return calendar.to_ical()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "fair"
