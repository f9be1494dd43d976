"""DataMéxico: state × month × HS6 × country trade (Secretaría de Economía), and its API.

The CSV format (``Month ID, Month, State ID, State, HS6 ID, HS6, Flow ID, Flow, Country ID,
Country, Trade Value`` and, from the API, ``Number of Firms``) has two traps: ``HS6 ID`` is the
HS section number **prefixed** to the HS6 code (1020713 = section 1 + 020713; 16847150 =
section 16 + 847150), and ``Country ID`` is lowercase ISO3. ``Flow ID`` 1 = imports, 2 = exports.
Values are USD. The shared file is a 28-row format sample, not data: it shows no totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import AuditNote, InputError, Problem
from comexlab.nomenclature.countries import datamexico_to_iso3
from comexlab.nomenclature.hs import section_of
from comexlab.nomenclature.states import state
from comexlab.sources import flowtable as ft
from comexlab.sources.http import get

SOURCE = "datamexico"
FOLDER = "datamexico_state_trade_sample"
PATTERN = "state*_*.csv"
COLUMNS = ("Month ID", "State ID", "HS6 ID", "Flow ID", "Country ID", "Trade Value")
FLOWS = {"1": "import", "2": "export"}
#: State × HS6 exports/imports from Mexico's own statistics.
CONSTANTS = {"source": SOURCE, "reporter_level": "state", "reported_by": "MEX",
             "classification": "HS", "product_level": "hs6"}
CUBE = "economy_foreign_trade_ent"
API_URL = "https://www.economia.gob.mx/apidatamexico/tesseract/data.jsonrecords"
DRILLDOWNS = ("Month", "HS6", "State", "Country", "Flow")
MEASURES = ("Trade Value", "Number of Firms")


def split_hs6_id(hs6_id: str) -> tuple[int, str]:
    """DataMéxico 'HS6 ID' → (section, HS6): '1020713' → (1, '020713'), '6320120' → (6, '320120').

    The last six digits are the HS6 code (with its leading zero); what precedes them is the
    section number, which must agree with the HS6's chapter, else the ID is refused.
    """
    text = hs6_id.strip()
    if not text.isdigit() or not 7 <= len(text) <= 8:
        raise ValueError(f"not a DataMéxico HS6 ID: {hs6_id!r}")
    section, hs6 = int(text[:-6]), text[-6:]
    if section_of(hs6).number != section:
        raise ValueError(f"HS6 ID {hs6_id!r}: prefix {section} is not the section of {hs6}")
    return section, hs6


def frame_to_flows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Validated DataMéxico rows (strings) → flow columns."""
    month_id = ft.parse_numbers(df, "Month ID", path, integer=True).astype(int)
    value = ft.parse_numbers(df, "Trade Value", path)
    hs6 = ft.map_codes(df, "HS6 ID", path, lambda c: split_hs6_id(c)[1])
    flow = ft.map_fixed(df, "Flow ID", path, FLOWS, "Flow ID must be 1 (imports) or 2 (exports)")
    ft.fail_at_first(df, ~(month_id % 100).between(1, 12), path, "Month ID",
                     "Month ID must be YYYYMM")
    ft.check_unique(df, ("Month ID", "State ID", "HS6 ID", "Flow ID", "Country ID"), path)
    out = pd.DataFrame({
        "reporter": ft.map_codes(df, "State ID", path, lambda c: state(int(c)).reporter),
        "partner": ft.map_codes(df, "Country ID", path, datamexico_to_iso3),
        "flow": flow, "year": month_id // 100, "month": month_id % 100,
        "product_code": hs6, "value_usd": value.astype("float64"),
    })
    out["period"] = (out["year"].astype(str) + "-" + out["month"].astype(str).str.zfill(2))
    if "Number of Firms" in df.columns:
        out["firms"] = ft.parse_numbers(df, "Number of Firms", path, integer=True,
                                        allow_blank=True).astype("Int32")
    return out


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read DataMéxico state CSVs (the shipped sample or files written by :func:`download`)."""
    table = ft.read_files(paths, frame_to_flows, reader=lambda p: ft.read_strings(p, COLUMNS),
                          constants=CONSTANTS)
    notes: tuple[AuditNote, ...] = ()
    if any("FORMAT_SAMPLE" in p.name for p in paths):
        notes = (AuditNote("format_sample", table.num_rows,
                           "DataMéxico format sample: first rows of one state-month only"),)
    return ft.FlowLoad(SOURCE, table, tuple(paths), notes)


# --------------------------------------------------------------------------- download
def download(state_ref: str | int, year: int, *, dest_dir: Path, base_url: str = API_URL,
             flow: int | None = None, locale: str = "en") -> Path:
    """Fetch one state's year of trade by month × HS6 × country from DataMéxico's tesseract API.

    The answer (``{"data": [records]}``, one record per month × HS6 × country × flow with the
    same column names as the CSV format) is written as ``state{ID}_{year}.csv``, so the loader
    reads downloads exactly like the published CSVs.
    """
    st = state(state_ref)
    params: dict[str, str | int] = {
        "cube": CUBE, "drilldowns": ",".join(DRILLDOWNS), "measures": ",".join(MEASURES),
        "State": int(st.inegi), "Year": year, "parents": "false", "sparse": "false",
        "locale": locale,
    }
    if flow is not None:
        params["Flow"] = flow
    payload = get(base_url, params=params).json()
    records = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise InputError("DataMéxico answer has no 'data' list", field="data")
    df = pd.DataFrame.from_records(records)
    missing = [c for c in COLUMNS if c not in df.columns]
    if records and missing:
        raise InputError(f"DataMéxico answer lacks {missing}",
                         problems=[Problem("column missing", base_url, None, c) for c in missing])
    return ft.write_csv(df, dest_dir / f"state{int(st.inegi)}_{year}.csv")
