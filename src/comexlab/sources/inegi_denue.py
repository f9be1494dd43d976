"""INEGI DENUE: the national directory of business establishments, in its bulk-download layout.

The columns are DENUE's own (``id, nom_estab, raz_social, codigo_act, per_ocu, cve_ent,
entidad, cve_mun, municipio, latitud, longitud, fecha_alta``, among others, which are ignored).
Tested on ``denue_manufacturing_isthmus_sample``, which covers **only** manufacturing
establishments of the Isthmus of Tehuantepec (Oaxaca and Veracruz municipalities), without the
small food and textile layers: it exercises the layout, it is not a directory of Jalisco or
Guanajuato. A full state download from INEGI has the same columns and loads the same way.

Every cell is checked: id an integer and unique; codigo_act a 6-digit SCIAN class; cve_ent a
state code whose name matches ``entidad``; cve_mun up to 3 digits (the GeoJSON sample lost
leading zeros: padded back); per_ocu one of DENUE's employment bands; latitude/longitude
decimal degrees inside Mexico; fecha_alta ``YYYY-MM``. Any bad cell refuses the whole file
with its file, row and field.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow as pa

from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.states import state
from comexlab.sources.establishments import Problems, clean, read_text
from comexlab.supply.geo import check_point

SOURCE = "inegi_denue"
FOLDER = "denue_manufacturing_isthmus_sample"
TABLE = "denue_establishment"
REQUIRED = ("id", "nom_estab", "raz_social", "codigo_act", "per_ocu", "cve_ent", "entidad",
            "cve_mun", "municipio", "latitud", "longitud", "fecha_alta")
#: DENUE employment bands → (low, high) persons; high None = open.
BANDS = {"0 a 5 personas": (0, 5), "6 a 10 personas": (6, 10), "11 a 30 personas": (11, 30),
         "31 a 50 personas": (31, 50), "51 a 100 personas": (51, 100),
         "101 a 250 personas": (101, 250), "251 y más personas": (251, None)}
SCHEMA = pa.schema([
    ("id", pa.int64()), ("name", pa.string()), ("legal_name", pa.string()),
    ("scian", pa.string()), ("employees_band", pa.string()), ("employees_min", pa.int32()),
    ("state_code", pa.string()), ("municipality_code", pa.string()),
    ("municipality", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64()),
    ("registered", pa.string()),
])


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _checks(r: dict[str, str], line: int, problems: Problems, seen: set[str]) -> None:
    if not re.fullmatch(r"\d{1,12}", r["id"]):
        problems.add(line, "id", "supply.error.integer", r["id"])
    elif r["id"] in seen:
        problems.add(line, "id", "supply.error.duplicate", r["id"])
    seen.add(r["id"])
    if not r["nom_estab"]:
        problems.add(line, "nom_estab", "supply.error.blank")
    if not re.fullmatch(r"\d{6}", r["codigo_act"]):
        problems.add(line, "codigo_act", "supply.error.scian6", r["codigo_act"])
    if r["per_ocu"] not in BANDS:
        problems.add(line, "per_ocu", "supply.error.band", r["per_ocu"])
    if not re.fullmatch(r"\d{1,3}", r["cve_mun"]):
        problems.add(line, "cve_mun", "supply.error.mun3", r["cve_mun"])
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", r["fecha_alta"]):
        problems.add(line, "fecha_alta", "supply.error.year_month", r["fecha_alta"])


def _state(r: dict[str, str], line: int, problems: Problems) -> str | None:
    try:
        by_code = state(r["cve_ent"].zfill(2)) if r["cve_ent"].isdigit() else None
    except ValueError:
        by_code = None
    if by_code is None:
        problems.add(line, "cve_ent", "supply.error.unknown_state", r["cve_ent"])
        return None
    try:
        by_name = state(r["entidad"])
    except ValueError:
        by_name = None
    if by_name != by_code:
        problems.add(line, "entidad", "supply.error.state_mismatch",
                     f"{r['cve_ent']} / {r['entidad']}")
        return None
    return by_code.inegi


def _point(r: dict[str, str], line: int, problems: Problems) -> tuple[float | None, ...]:
    lat, lon = _float(r["latitud"]), _float(r["longitud"])
    if lat is None or lon is None:
        field = "latitud" if lat is None else "longitud"
        problems.add(line, field, "supply.error.number", r[field])
        return None, None
    plat, plon, why = check_point(lat, lon)
    if why:
        problems.add(line, "latitud" if why.startswith("lat") else "longitud",
                     "supply.error.outside_mexico", f"{lat}, {lon}")
    return plat, plon


def load(path: Path) -> pa.Table:
    """Read and validate a DENUE CSV (plain or .gz); any bad cell refuses the whole file."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(Msg("supply.error.missing_columns", columns=", ".join(missing)),
                         file=path, row=1)
    problems, out = Problems(path), []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            problems.add(line, "*", "supply.error.row_width", len(raw) + len(raw[None]) - 1)
            continue
        r = {k: clean(raw[k]) for k in REQUIRED}
        _checks(r, line, problems, seen)
        state_code = _state(r, line, problems)
        lat, lon = _point(r, line, problems)
        band = BANDS.get(r["per_ocu"], (None, None))
        out.append({"id": int(r["id"]) if r["id"].isdigit() else None, "name": r["nom_estab"],
                    "legal_name": r["raz_social"] or None, "scian": r["codigo_act"],
                    "employees_band": r["per_ocu"], "employees_min": band[0],
                    "state_code": state_code, "municipality_code": r["cve_mun"].zfill(3),
                    "municipality": r["municipio"], "latitude": lat, "longitude": lon,
                    "registered": r["fecha_alta"]})
    if not out and not problems.items:
        raise InputError(Msg("supply.error.no_rows"), file=path)
    problems.raise_if_any()
    return pa.Table.from_pylist(out, schema=SCHEMA)
