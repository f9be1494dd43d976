"""Words for the "Arancel vigente" page: measure titles in the reader's language, what changed.

The regime timeline names measures by id (``s232-steel-50``), which is right for files and the
API but unreadable on a page. Analysts reading the table of changes want to know what came
into force and what ended on each date, not the full list of thirty ids in force; the lines
table wants the titles, not ``s232-autos;s232-auto-parts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from comexlab.i18n import catalog, t
from comexlab.nomenclature.states import state


def measure_title(measure_id: str, lang: str, fallback: str = "") -> str:
    """The measure's title from the catalog; the timeline's English title (or the id) if absent."""
    key = f"regime.measure.{measure_id}"
    return t(key, lang) if key in catalog() else (fallback or measure_id)


def measure_titles(ids: str, lang: str) -> list[str]:
    """Titles of a list of ids as the regime view joins them (``,`` or ``;``)."""
    return [measure_title(i.strip(), lang) for i in ids.replace(";", ",").split(",") if i.strip()]


@dataclass(frozen=True)
class SegmentChange:
    """What a stretch of days changed against the one before it (titles, reader's language)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    first: bool


def segment_changes(measures: Sequence[str], lang: str) -> list[SegmentChange]:
    """One change per segment, given each segment's measures as the view joins them."""
    out: list[SegmentChange] = []
    before: set[str] = set()
    for i, joined in enumerate(measures):
        now = {m.strip() for m in joined.replace(";", ",").split(",") if m.strip()}
        out.append(SegmentChange(
            added=tuple(measure_title(m, lang) for m in sorted(now - before)),
            removed=tuple(measure_title(m, lang) for m in sorted(before - now)),
            first=i == 0))
        before = now
    return out


def reporter_name(reporter: str, lang: str) -> str:
    """'México' for MEX, the state's name for 'GTO' / 'MX-GTO'; the code if unknown."""
    if reporter == "MEX":
        return t("regime.reporter.mex", lang)
    try:
        return state(reporter).short_name
    except ValueError:
        return reporter
