r"""SEMARNAT RETC: the register of industrial establishments obliged to report emissions.

Files ``es_<YEAR>.csv.gz`` (``semarnat_retc_establishments``): tab-separated, quoted, UTF-8,
one row per establishment that reported that year. This loader reads the layout of 2006–2011
and 2013–2022 (21 columns; header names may contain line breaks, e.g. ``COORDENADA\nUTM X``,
so they are compared with whitespace collapsed). 2004–2005 (no SCIAN) and 2012 (other headers)
are refused with a message naming the missing columns.

Normalisation: ESTADO → INEGI two-digit state code (the names vary: "Coahuila de Zaragoza",
"GUANAJUATO"); NOMBRE "LEGAL NAME,ESTABLISHMENT" → legal name and establishment name;
LATITUD NORTE / LONGITUD OESTE DMS texts → decimal degrees with west longitudes **negative**.
A coordinate that is not DMS or lies outside Mexico is kept as NULL with its reason in
``coord_problem`` and counted in the load's notes — reported, never guessed. Any other bad cell
(blank or repeated NRA, SCIAN not 6 digits, unknown state, blank name, a row of the wrong width)
refuses the whole file with its file, row and field.

Limits: only establishments under federal environmental jurisdiction report (large industry);
it is not a census of firms (see DENUE).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from comexlab.errors import AuditNote, InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.states import state
from comexlab.sources.establishments import Problems, clean, read_text
from comexlab.supply.geo import retc_point

SOURCE = "semarnat_retc"
FOLDER = "semarnat_retc_establishments"
TABLE = "retc_establishment"
#: header (whitespace collapsed) → column
HEADERS = {"NRA": "nra", "NOMBRE": "name", "SCIAN": "scian", "DESCRIPCIÓN SCIAN": "scian_label",
           "PARQUE INDUSTRIAL": "industrial_park", "LATITUD NORTE": "lat", "LONGITUD OESTE": "lon",
           "ESTADO": "state", "MUNICIPIO": "municipality"}
SCHEMA = pa.schema([
    ("year", pa.int16()), ("nra", pa.string()), ("legal_name", pa.string()),
    ("establishment", pa.string()), ("scian", pa.string()), ("scian_label", pa.string()),
    ("industrial_park", pa.string()), ("state_code", pa.string()), ("municipality", pa.string()),
    ("latitude", pa.float64()), ("longitude", pa.float64()), ("coord_problem", pa.string()),
])
_YEAR = re.compile(r"(20\d\d)")


@dataclass(frozen=True)
class RetcLoad:
    """Validated rows of one RETC year, ready for :func:`warehouse.db.replace_rows`."""

    year: int
    path: Path
    rows: pa.Table
    notes: tuple[AuditNote, ...]


def year_of(path: Path) -> int:
    """The reporting year from the file name (``es_2022.csv.gz`` → 2022)."""
    match = _YEAR.search(path.name)
    if not match:
        raise InputError(Msg("supply.error.retc_no_year"), file=path)
    return int(match.group(1))


#: establishment names that say there is none
NO_NAME = frozenset({"NINGUNO", "NINGUNA", "N/A", "NA", "-", "SIN NOMBRE"})


def split_name(text: str) -> tuple[str, str]:
    """'ACME SA DE CV,PLANTA SILAO' → ('ACME SA DE CV', 'PLANTA SILAO'); no comma → (text, '').

    An establishment name that says "none" (NINGUNO) is read as no name.
    """
    legal, _, plant = clean(text).rpartition(",")
    if not legal:
        return clean(plant), ""
    plant = clean(plant)
    return clean(legal), "" if plant.upper() in NO_NAME else plant


def _header(rows: list[list[str]], path: Path) -> dict[str, int]:
    if not rows:
        raise InputError(Msg("supply.error.empty_file"), file=path)
    found = {clean(h).upper(): i for i, h in enumerate(rows[0])}
    missing = [h for h in HEADERS if h not in found]
    if missing:
        raise InputError(Msg("supply.error.missing_columns", columns=", ".join(missing)),
                         file=path, row=1)
    if len(rows) < 2:
        raise InputError(Msg("supply.error.no_rows"), file=path)
    return {col: found[h] for h, col in HEADERS.items()}


def _row(cells: list[str], at: dict[str, int], line: int, problems: Problems,
         seen: dict[str, int]) -> dict[str, object] | None:
    nra, scian, name = clean(cells[at["nra"]]), clean(cells[at["scian"]]), cells[at["name"]]
    if not nra:
        problems.add(line, "NRA", "supply.error.blank")
    elif nra in seen:
        problems.add(line, "NRA", "supply.error.duplicate", nra)
    seen.setdefault(nra, line)
    if not re.fullmatch(r"\d{6}", scian):
        problems.add(line, "SCIAN", "supply.error.scian6", scian)
    legal, plant = split_name(name)
    if not legal:
        problems.add(line, "NOMBRE", "supply.error.blank")
    try:
        state_code = state(clean(cells[at["state"]])).inegi
    except ValueError:
        problems.add(line, "ESTADO", "supply.error.unknown_state", cells[at["state"]])
        return None
    lat, lon, why = retc_point(cells[at["lat"]], cells[at["lon"]])
    return {"nra": nra, "legal_name": legal, "establishment": plant, "scian": scian,
            "scian_label": clean(cells[at["scian_label"]]),
            "industrial_park": clean(cells[at["industrial_park"]]) or None,
            "state_code": state_code, "municipality": clean(cells[at["municipality"]]),
            "latitude": lat, "longitude": lon,
            "coord_problem": None if why is None else
            f"{why}: {clean(cells[at['lat']])!r} {clean(cells[at['lon']])!r}"}


def load(path: Path, *, year: int | None = None) -> RetcLoad:
    """Read and validate one RETC year file; any bad row refuses the whole file."""
    year = year if year is not None else year_of(path)
    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline=""), delimiter="\t"))
    except csv.Error as exc:
        raise InputError(Msg("supply.error.unreadable", reason=str(exc)), file=path) from exc
    at = _header(rows, path)
    width = len(rows[0])
    problems, out = Problems(path), []
    seen: dict[str, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != width:
            problems.add(line, "*", "supply.error.row_width", f"{len(cells)} != {width}")
            continue
        row = _row(cells, at, line, problems, seen)
        if row is not None:
            out.append({"year": year, **row})
    problems.raise_if_any()
    bad = Counter(str(r["coord_problem"]).split(":")[0] for r in out if r["coord_problem"])
    notes = tuple(AuditNote("coordinates_not_read", n, Msg("supply.note.coord", reason=why),
                            tuple(f"{r['nra']}: {r['coord_problem']}" for r in out
                                  if str(r["coord_problem"]).startswith(why))[:5])
                  for why, n in sorted(bad.items()))
    return RetcLoad(year, path, pa.Table.from_pylist(out, schema=SCHEMA), notes)
