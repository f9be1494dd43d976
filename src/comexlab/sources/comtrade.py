"""UN Comtrade: Mexico-reported trade by HS4 × partner, 2015–2021 (an incomplete extract).

Columns ``year, section, SA_4, imp_exp, partner_code, tradevalue``: ``SA_4`` is the HS4 code
as a 4-digit string, ``partner_code`` UN M49 (Comtrade's variant: 842 = USA; 0 = World →
'WLD'), ``imp_exp`` 1 = import, 2 = export, values in USD. The extract came from Comtrade's
preview API, capped at 500 records per query: small partners are missing for many HS4 codes
and the World rows exist for only part of them. The caveat (catalog ``flows.caveat.comtrade``,
and the load's audit note) must be shown by every output that uses this source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import AuditNote, DownloadError, InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.countries import m49_to_iso3
from comexlab.nomenclature.hs import section_of
from comexlab.sources import flowtable as ft
from comexlab.sources.http import Publisher, fetch_json

SOURCE = "comtrade"
FOLDER = "comtrade_mexico_hs4"
#: the shipped extract (mexico_trade_hs4_partner_2015_2021.csv.gz) and downloaded years
PATTERN = "*_hs4_*.csv.gz"
COLUMNS = ("year", "section", "SA_4", "imp_exp", "partner_code", "tradevalue")
CAVEAT_KEY = "flows.caveat.comtrade"
FLOWS = {"1": "import", "2": "export"}
COMTRADE_URL = "https://comtradeapi.un.org"
MEXICO_M49 = 484
#: Mexico's own statistics (reporter = reported_by = MEX), HS4 headings.
CONSTANTS = {"source": SOURCE, "reporter": "MEX", "reporter_level": "country",
             "reported_by": "MEX", "classification": "HS", "product_level": "hs4"}


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read the Comtrade extract; section column is checked against the HS4's chapter."""
    table = ft.read_files(paths, _rows, reader=lambda p: ft.read_strings(p, COLUMNS),
                          constants=CONSTANTS)
    notes = (AuditNote("incomplete_extract", table.num_rows,
                       Msg("audit.detail.comtrade_incomplete")),)
    return ft.FlowLoad(SOURCE, table, tuple(paths), notes)


def _rows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    ft.check_codes(df, "SA_4", path, digits=4)
    year = ft.parse_numbers(df, "year", path, integer=True).astype(int)
    value = ft.parse_numbers(df, "tradevalue", path)
    section = ft.parse_numbers(df, "section", path, integer=True).astype(int)
    flow = ft.map_fixed(df, "imp_exp", path, FLOWS,
                        Msg("error.src.flow_import_export", column="imp_exp"))
    expected = df["SA_4"].map(lambda c: section_of(c).number)
    wrong = (expected != section).to_numpy()
    if wrong.any():
        first = df.index[wrong][0]
        ft.fail_at_first(df, wrong, path, "section", Msg(
            "error.src.section_mismatch", hs4=df.at[first, "SA_4"], expected=expected[first]))
    ft.check_unique(df, ("year", "SA_4", "imp_exp", "partner_code"), path)
    return pd.DataFrame({
        "partner": ft.map_codes(df, "partner_code", path, m49_to_iso3),
        "flow": flow, "year": year, "period": year.astype(str),
        "product_code": df["SA_4"], "value_usd": value.astype("float64"),
    })


# --------------------------------------------------------------------------- download
KEY_URL = "https://comtradedeveloper.un.org"
PREVIEW_CAP = 500          # the keyless preview API returns at most 500 records
KEYED_CAP = 100_000        # free comtrade-v1 subscription: up to 100,000 records a call
PUBLISHER = Publisher(
    "UN Comtrade", min_interval=1.0, timeout=120.0,
    hints={401: Msg("download.hint.comtrade_key"), 403: Msg("download.hint.comtrade_key"),
           503: Msg("download.hint.try_later")})


def query(year: int, *, flow: str, partners: Sequence[int], max_records: int
          ) -> dict[str, str | int]:
    """The documented final-data query (as ``comtradeapicall`` sends it): Mexico × HS4."""
    return {
        "reporterCode": MEXICO_M49, "period": year, "flowCode": flow,
        "partnerCode": ",".join(str(p) for p in partners), "cmdCode": "AG4",
        "partner2Code": 0, "customsCode": "C00", "motCode": 0, "maxRecords": max_records,
        "format": "JSON", "breakdownMode": "classic", "includeDesc": "false",
    }


def check_answer(payload: object, what: str, cap: int) -> None:
    """A ``{count, data, error}`` answer, refused when it reached the record cap (truncated)."""
    if not isinstance(payload, dict):
        raise InputError(Msg("error.src.not_json_object", source="Comtrade"), file=what)
    if payload.get("error"):
        raise DownloadError(Msg("download.error.comtrade_api", what=what,
                                detail=str(payload["error"])[:200]))
    records = payload.get("data")
    if not isinstance(records, list):
        raise InputError(Msg("error.src.no_data_list", source="Comtrade"), file=what,
                         field="data")
    count = payload.get("count", len(records))
    if not isinstance(count, int) or count < len(records):
        raise InputError(Msg("error.src.count_mismatch", count=repr(count),
                             records=len(records)), file=what, field="count")
    if len(records) >= cap or count > len(records):  # at the cap, or fewer sent than counted
        hint = Msg("download.hint.comtrade_key") if cap == PREVIEW_CAP else ""
        raise DownloadError(Msg("download.error.comtrade_cap", what=what, count=count, cap=cap,
                                hint=hint))


def file_name(year: int, flow: str, partners: Sequence[int]) -> str:
    """Loadable file of one request (year, flow and partner list; matches :data:`PATTERN`)."""
    return f"comtrade_mex_hs4_{year}_{flow}_{'-'.join(str(p) for p in partners)}.csv.gz"


def download(year: int, *, dest_dir: Path, cache: Path, flow: str = "X",
             partners: Sequence[int] = (842,), base_url: str = COMTRADE_URL,
             subscription_key: str | None = None, refresh: bool = False) -> tuple[Path, bool]:
    """Mexico's HS4 trade with ``partners`` for one year; (loadable CSV, fetched now?).

    Without a key, Comtrade's public preview (``/public/v1/preview/C/A/HS``) answers at most
    500 records: an answer at that cap is refused, not saved, because Mexico → US at HS4
    (~1,200 headings) would be silently truncated. With a free subscription key (header
    ``Ocp-Apim-Subscription-Key``) the same query goes to ``/data/v1/get/C/A/HS`` with
    ``maxRecords`` 100,000. Requests go through :mod:`comexlab.sources.http` (cache per year ×
    flow × partners, throttle, retries); ``comtradeapicall`` itself is not used because it
    prints, hard-codes the host and bypasses that cache. ``flow``: 'X' exports, 'M' imports.
    """
    keyed = bool(subscription_key)
    path = "/data/v1/get/C/A/HS" if keyed else "/public/v1/preview/C/A/HS"
    cap = KEYED_CAP if keyed else PREVIEW_CAP
    headers = {"Ocp-Apim-Subscription-Key": subscription_key} if subscription_key else None
    what = f"MEX {year} {flow} → {','.join(str(p) for p in partners)}"
    stem = f"{'data' if keyed else 'preview'}_{year}_{flow}_{'-'.join(map(str, partners))}"
    got = fetch_json("GET", base_url.rstrip("/") + path, cache / f"{stem}.json",
                     validate=lambda p: check_answer(p, what, cap), publisher=PUBLISHER,
                     what=what, refresh=refresh, headers=headers,
                     params=query(year, flow=flow, partners=partners, max_records=cap))
    rows = [{
        "year": int(r["period"]), "section": section_of(str(r["cmdCode"])).number,
        "SA_4": str(r["cmdCode"]), "imp_exp": "1" if r["flowCode"] == "M" else "2",
        "partner_code": int(r["partnerCode"]), "tradevalue": r["primaryValue"],
    } for r in got.payload["data"]]
    out = ft.write_csv(pd.DataFrame(rows, columns=list(COLUMNS)),
                       dest_dir / file_name(year, flow, partners))
    return out, got.fetched
