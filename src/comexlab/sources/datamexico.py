"""DataMéxico: state × month × HS6 × country trade (Secretaría de Economía), and its API.

The CSV format (``Month ID, Month, State ID, State, HS6 ID, HS6, Flow ID, Flow, Country ID,
Country, Trade Value``, also what :func:`download` saves from the API; older extracts may add
``Number of Firms``, no longer published) has two traps: ``HS6 ID`` is the HS section number
**prefixed** to the HS6 code (1020713 = section 1 + 020713; 16847150 =
section 16 + 847150), and ``Country ID`` is lowercase ISO3. ``Flow ID`` 1 = imports, 2 = exports.
Values are USD. The shared file is a 28-row format sample, not data: it shows no totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import AuditNote, InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.countries import datamexico_to_iso3
from comexlab.nomenclature.hs import section_of
from comexlab.nomenclature.states import state
from comexlab.sources import flowtable as ft
from comexlab.sources.http import NotReleasedError, Publisher, fetch_json

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
MEASURES = ("Trade Value",)


def split_hs6_id(hs6_id: str) -> tuple[int, str]:
    """DataMéxico 'HS6 ID' → (section, HS6): '1020713' → (1, '020713'), '6320120' → (6, '320120').

    The last six digits are the HS6 code (with its leading zero); what precedes them is the
    section number, which must agree with the HS6's chapter, else the ID is refused.
    """
    text = hs6_id.strip()
    if not text.isdigit() or not 7 <= len(text) <= 8:
        raise InputError(Msg("error.src.hs6_id", value=repr(hs6_id)))
    section, hs6 = int(text[:-6]), text[-6:]
    if section_of(hs6).number != section:
        raise InputError(Msg("error.src.hs6_id_section", value=repr(hs6_id), section=section,
                             hs6=hs6))
    return section, hs6


#: Continent prefixes of Datawheel's country IDs ('nausa' = North America + usa), the form the
#: Tesseract cubes built by Datawheel (DataMéxico, OEC) use besides plain lowercase ISO3.
CONTINENTS = frozenset({"af", "an", "as", "eu", "na", "oc", "sa"})


def country_iso3(code: str) -> str:
    """ISO3 of a 'Country ID': 'usa' (published CSVs) or 'nausa' (continent-prefixed API form)."""
    text = code.strip()
    if len(text) == 5 and text[:2].lower() in CONTINENTS:
        text = text[2:]
    return datamexico_to_iso3(text)


def frame_to_flows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Validated DataMéxico rows (strings) → flow columns."""
    month_id = ft.parse_numbers(df, "Month ID", path, integer=True).astype(int)
    value = ft.parse_numbers(df, "Trade Value", path)
    hs6 = ft.map_codes(df, "HS6 ID", path, lambda c: split_hs6_id(c)[1])
    flow = ft.map_fixed(df, "Flow ID", path, FLOWS,
                        Msg("error.src.flow_imports_exports", column="Flow ID"))
    ft.fail_at_first(df, ~(month_id % 100).between(1, 12), path, "Month ID",
                     Msg("error.src.month_id"))
    ft.check_unique(df, ("Month ID", "State ID", "HS6 ID", "Flow ID", "Country ID"), path)
    out = pd.DataFrame({
        "reporter": ft.map_codes(df, "State ID", path, lambda c: state(int(c)).reporter),
        "partner": ft.map_codes(df, "Country ID", path, country_iso3),
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
                           Msg("audit.detail.format_sample")),)
    return ft.FlowLoad(SOURCE, table, tuple(paths), notes)


# --------------------------------------------------------------------------- download
PUBLISHER = Publisher("DataMéxico (Secretaría de Economía)", min_interval=1.0, timeout=120.0,
                      hints={503: Msg("download.hint.try_later")})


def month_query(state_id: int, year: int, month: int, *, locale: str = "en"
                ) -> dict[str, str | int]:
    """Tesseract query for one state-month at HS6 × country × flow.

    The cube has one measure, ``Trade Value`` (``Number of Firms`` is no longer published); its
    Product dimension holds HS2, HS4 and HS6 rows, so the ``Product Level=6`` cut keeps the
    HS6 rows only. One month per request: a state-year at this grain is too large for one
    answer.
    """
    return {
        "cube": CUBE, "drilldowns": ",".join(DRILLDOWNS), "measures": ",".join(MEASURES),
        "State": state_id, "Month": f"{year:04d}{month:02d}", "Product Level": 6,
        "parents": "false", "sparse": "false", "locale": locale,
    }


def check_records(payload: object, what: str) -> None:
    """A ``{"data": [records]}`` answer whose records have the loader's columns."""
    records = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise InputError(Msg("error.src.no_data_list", source="DataMéxico"), file=what,
                         field="data")
    for i, record in enumerate(records[:1] + records[-1:]):
        missing = [c for c in COLUMNS if not isinstance(record, dict) or c not in record]
        if missing:
            raise InputError(Msg("error.src.record_lacks", columns=", ".join(missing)),
                             file=what,
                             row=1 if i == 0 else len(records), field=missing[0])


def file_name(state_id: int, year: int, month: int) -> str:
    """Loadable file of one state-month (matches :data:`PATTERN`)."""
    return f"state{state_id}_{year:04d}{month:02d}.csv"


def download(state_ref: str | int, year: int, month: int, *, dest_dir: Path, cache: Path,
             base_url: str = API_URL, refresh: bool = False) -> tuple[Path, bool]:
    """One state-month of trade by HS6 × country × flow; (loadable CSV, fetched now?).

    The validated answer is cached per state-month under ``cache``; the CSV written to
    ``dest_dir`` has the columns of the published CSVs, so :func:`load` reads both alike. A
    month with no records is not released yet: nothing is cached, :class:`NotReleasedError`.
    """
    st = state(state_ref)
    state_id = int(st.inegi)
    what = f"{st.reporter} {year:04d}-{month:02d}"
    got = fetch_json("GET", base_url, cache / f"state{state_id}" / f"{year:04d}{month:02d}.json",
                     validate=lambda p: _released(p, what), publisher=PUBLISHER, what=what,
                     refresh=refresh, params=month_query(state_id, year, month))
    df = pd.DataFrame.from_records(got.payload["data"])
    return ft.write_csv(df, dest_dir / file_name(state_id, year, month)), got.fetched


def _released(payload: object, what: str) -> None:
    check_records(payload, what)
    if not payload["data"]:  # type: ignore[index]
        raise NotReleasedError(Msg("download.error.not_released", publisher=PUBLISHER.name,
                                   what=what))
