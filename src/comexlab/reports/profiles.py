"""What each flow source can answer, and which one a report uses (dispatch table, pure).

A report picks the first source in :data:`PREFERENCE` that can answer the request (reporter
level, partner) and has every period of the window loaded: real state × HS6 data (DataMéxico)
before INEGI's annual subsectors — the EEF package (2007–2025, revised) before the older EAEF
file (2007–2018) wherever both have the years —, national DataWeb lines before the incomplete
Comtrade extract, and the *estimated* state lines only when the user allowed estimates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from comexlab.reports.exports import CURRENT, PRIOR, SourceProfile
from comexlab.reports.windows import Window

DATAWEB = "usitc_dataweb"
INEGI = "inegi_eaef"
INEGI_EEF = "inegi_eef"
#: INEGI state-subsector sources, newest package first: the allocation takes its shares from
#: the first one loaded, the report from the first one that has the window's years.
INEGI_SOURCES: tuple[str, ...] = (INEGI_EEF, INEGI)
DATAMEXICO = "datamexico"
COMTRADE = "comtrade"
STATE_ESTIMATED = "state_estimated"  # not a loaded source: DataWeb × INEGI allocation

PROFILES: dict[str, SourceProfile] = {
    DATAMEXICO: SourceProfile(DATAMEXICO, "HS", "hs6", "month", "state", "by_partner",
                              caveats=("report.caveat.datamexico",)),
    INEGI_EEF: SourceProfile(INEGI_EEF, "SCIAN", "scian3", "year", "state", "world_only",
                             caveats=("report.caveat.inegi_eef_scope",)),
    INEGI: SourceProfile(INEGI, "SCIAN", "scian3", "year", "state", "world_only",
                         caveats=("report.caveat.inegi_scope",)),
    DATAWEB: SourceProfile(DATAWEB, "HTS", "hts10", "month", "country", "us_only",
                           caveats=("report.caveat.dataweb_mirror",)),
    COMTRADE: SourceProfile(COMTRADE, "HS", "hs4", "year", "country", "by_partner",
                            caveats=("report.caveat.comtrade_incomplete",)),
    STATE_ESTIMATED: SourceProfile(STATE_ESTIMATED, "HTS", "hts10", "month", "state", "us_only",
                                   caveats=("report.caveat.allocation",
                                            "report.caveat.dataweb_mirror"),
                                   estimated=True),
}
PREFERENCE: tuple[str, ...] = (DATAMEXICO, INEGI_EEF, INEGI, DATAWEB, COMTRADE, STATE_ESTIMATED)
US = "USA"


def can_answer(profile: SourceProfile, *, reporter_level: str, window: Window,
               partner: str | None) -> bool:
    """Whether a source's dimensions fit the request (coverage is checked separately)."""
    if profile.reporter_level != reporter_level:
        return False
    if window.grain == "month" and profile.grain != "month":
        return False
    if partner is None:
        return True
    if profile.destinations == "by_partner":
        return True
    return profile.destinations == "us_only" and partner == US


def periods_needed(profile: SourceProfile, window: Window) -> tuple[str, ...]:
    """``flow.period`` values a source must have to cover ``window``.

    A monthly source answering an annual window needs all twelve months of each year.
    """
    if window.grain == "year" and profile.grain == "month":
        return window.months()
    return window.codes()


def tag_windows(rows: pd.DataFrame, window: Window, profile: SourceProfile) -> pd.DataFrame:
    """Add ``window`` (current/prior) and ``is_total``; drop rows at other product levels.

    ``rows`` are flow rows by period (``period``, ``product_level``, ...); rows of periods in
    neither window are dropped too.
    """
    current = set(periods_needed(profile, window))
    prior = set(periods_needed(profile, window.prior()))
    tag = rows["period"].map(lambda p: CURRENT if p in current else PRIOR if p in prior else "")
    keep = rows["product_level"].isin([profile.product_level, "total"]) & (tag != "")
    return rows.assign(window=tag, is_total=rows["product_level"] == "total")[keep]


def covers(profile: SourceProfile, window: Window, loaded: Collection[str]) -> bool:
    """True if every period the window needs from this source is loaded."""
    return set(periods_needed(profile, window)) <= set(loaded)


def inegi_for_shares(loaded: Collection[str]) -> str | None:
    """The INEGI source the allocation takes its shares from: the newest package loaded."""
    return next((name for name in INEGI_SOURCES if name in loaded), None)


def choose(loaded: Mapping[str, Collection[str]], *, reporter_level: str, window: Window,
           partner: str | None, allow_estimated: bool = False,
           only: str | None = None) -> SourceProfile | None:
    """First source in preference order that fits and covers the window; ``None`` if none.

    ``loaded`` maps source → periods loaded for this reporter (for ``STATE_ESTIMATED``: the
    periods where an estimate can be made). ``only`` forces one source (``--source``).
    """
    for name in PREFERENCE if only is None else (only,):
        profile = PROFILES.get(name)
        if profile is None or (profile.estimated and not allow_estimated and only is None):
            continue
        if (can_answer(profile, reporter_level=reporter_level, window=window, partner=partner)
                and covers(profile, window, loaded.get(name, ()))):
            return profile
    return None
