"""Download a flow source over a window, one cached unit at a time (``flows download``).

Each source's ``download()`` fetches one *unit* — a month (DataWeb, Census, DataMéxico) or a
year (Comtrade) — through the one HTTP client (:mod:`comexlab.sources.http`), which caches every
validated answer. Running the same window again therefore fetches only what is missing: a run
stopped by an outage resumes where it stopped. Files are written to
``<data>/<source folder>/`` under the names ``flows load`` looks for (the source's
``FlowSource.folder`` and ``pattern``), so a download is loaded like a shipped file.

Keys come from :class:`~comexlab.settings.Settings` (environment) only, never from the command
line, so they never reach shell history.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import SecretStr

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.states import state as find_state
from comexlab.settings import Settings
from comexlab.sources import census_intltrade, comtrade, datamexico, usitc_dataweb
from comexlab.sources.flow_sources import get_source
from comexlab.sources.http import NotReleasedError

DOWNLOADABLE = ("usitc_dataweb", "census_intltrade", "datamexico", "comtrade")
Status = Literal["fetched", "cached", "not_released"]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Unit:
    """One request unit: a month, or a year for annual sources (``month`` None)."""

    year: int
    month: int | None = None

    @property
    def label(self) -> str:
        """``YYYY-MM`` or ``YYYY``: how the unit is shown and named in messages."""
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class UnitResult:
    """What one unit gave: saved file (None if not released), status, requests made."""

    unit: Unit
    status: Status
    path: Path | None
    requests: int
    notes: tuple[Msg, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """A validated download request: where files go, the units, the key to use."""

    source: str
    units: tuple[Unit, ...]
    folder: Path          # <data>/<source folder>: what ``flows load --data <data>`` reads
    cache: Path           # raw validated answers (resumable)
    key: str | None = field(repr=False, default=None)
    state: str | None = None


def parse_month(text: str, field: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month); anything else names ``field`` (``start`` or ``end``)."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(Msg("flows.download.error.period"), field=field, value=text)
    return int(m.group(1)), int(m.group(2))


def units_between(start: str, end: str, *, annual: bool) -> tuple[Unit, ...]:
    """Every month (or year) from ``start`` to ``end`` inclusive."""
    (y0, m0), (y1, m1) = parse_month(start, "start"), parse_month(end, "end")
    if (y0, m0) > (y1, m1):
        raise InputError(Msg("flows.download.error.period"), field="start", value=start)
    if annual:
        return tuple(Unit(y) for y in range(y0, y1 + 1))
    return tuple(Unit(y, m) for y in range(y0, y1 + 1) for m in range(1, 13)
                 if (y0, m0) <= (y, m) <= (y1, m1))


def _check_writable(folder: Path) -> None:
    """The data folder must take new files (the shared sample folder is read-only)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(Msg("flows.download.error.folder", folder=str(folder),
                             detail=exc.strerror or str(exc)), field="data_dir") from exc
    if not os.access(folder, os.W_OK):
        raise InputError(Msg("flows.download.error.folder", folder=str(folder),
                             detail="read-only"), field="data_dir")


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def plan(source: str, start: str, end: str, *, settings: Settings,
         data_dir: Path | None = None, state: str | None = None) -> Plan:
    """Check the request and resolve folders and key; nothing is fetched or written yet."""
    if source not in DOWNLOADABLE:
        raise InputError(Msg("flows.download.error.source", known=", ".join(DOWNLOADABLE)),
                         field="source", value=source)
    if source == "datamexico":
        if not state:
            raise InputError(Msg("flows.download.error.state"), field="state")
        try:
            state = find_state(state).reporter
        except ValueError as exc:
            raise InputError(Msg("supply.error.unknown_state_option"), field="state",
                             value=state) from exc
    keys = {"usitc_dataweb": settings.dataweb_token, "census_intltrade": settings.census_key,
            "comtrade": settings.comtrade_key}
    folder = Path(data_dir or settings.data) / get_source(source).folder
    _check_writable(folder)
    return Plan(source, units_between(start, end, annual=source == "comtrade"), folder,
                Path(settings.cache) / source, _secret(keys.get(source)), state)


#: The publishers' hosts: a key or token is only ever sent to these (or to this machine,
#: for a local mirror or test server), so a mistyped or malicious ``--base-url`` cannot
#: collect it.
OFFICIAL_HOSTS = {"usitc_dataweb": "datawebws.usitc.gov", "census_intltrade": "api.census.gov",
                  "comtrade": "comtradeapi.un.org"}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check_key_destination(p: Plan, base_url: str | None) -> None:
    """Refuse to send the source's key to a host that is neither the publisher nor local."""
    if not base_url or not p.key:
        return
    host = urlsplit(base_url).hostname or ""
    if host not in LOCAL_HOSTS and host != OFFICIAL_HOSTS.get(p.source):
        raise InputError(Msg("flows.download.error.key_host", host=host,
                             official=OFFICIAL_HOSTS.get(p.source, "?")),
                         field="base_url", value=base_url)


def run_unit(p: Plan, unit: Unit, *, base_url: str | None = None,
             refresh: bool = False) -> UnitResult:
    """Download one unit (from the cache if already saved); a 204/empty month is reported."""
    check_key_destination(p, base_url)
    try:
        return _RUNNERS[p.source](p, unit, {"base_url": base_url} if base_url else {}, refresh)
    except NotReleasedError:
        return UnitResult(unit, "not_released", None, 1)


Runner = Callable[[Plan, Unit, dict[str, Any], bool], UnitResult]


def _status(fetched: int) -> Status:
    return "fetched" if fetched else "cached"


def _dataweb(p: Plan, unit: Unit, extra: dict[str, Any], refresh: bool) -> UnitResult:
    assert unit.month is not None
    notes: list[Msg] = []
    path, stats = usitc_dataweb.download(unit.year, unit.month, token=p.key, dest_dir=p.folder,
                                         cache=p.cache, refresh=refresh, notes=notes, **extra)
    return UnitResult(unit, _status(stats["fetched"]), path, stats["fetched"], tuple(notes))


def _census(p: Plan, unit: Unit, extra: dict[str, Any], refresh: bool) -> UnitResult:
    assert unit.month is not None
    got = census_intltrade.download(unit.year, unit.month, dest_dir=p.folder, api_key=p.key,
                                    refresh=refresh, **extra)
    return UnitResult(unit, _status(got.fetched), got.path, int(got.fetched))


def _datamexico(p: Plan, unit: Unit, extra: dict[str, Any], refresh: bool) -> UnitResult:
    assert unit.month is not None and p.state is not None
    path, fetched = datamexico.download(p.state, unit.year, unit.month, dest_dir=p.folder,
                                        cache=p.cache, refresh=refresh, **extra)
    return UnitResult(unit, _status(fetched), path, int(fetched))


def _comtrade(p: Plan, unit: Unit, extra: dict[str, Any], refresh: bool) -> UnitResult:
    path, fetched = comtrade.download(unit.year, dest_dir=p.folder, cache=p.cache,
                                      subscription_key=p.key, refresh=refresh, **extra)
    return UnitResult(unit, _status(fetched), path, int(fetched))


_RUNNERS: dict[str, Runner] = {"usitc_dataweb": _dataweb, "census_intltrade": _census,
                               "datamexico": _datamexico, "comtrade": _comtrade}
