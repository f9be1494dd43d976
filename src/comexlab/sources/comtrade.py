"""UN Comtrade: Mexico-reported trade by HS4 × partner, 2015–2021 (an incomplete extract).

Columns ``year, section, SA_4, imp_exp, partner_code, tradevalue``: ``SA_4`` is the HS4 code
as a 4-digit string, ``partner_code`` UN M49 (Comtrade's variant: 842 = USA; 0 = World →
'WLD'), ``imp_exp`` 1 = import, 2 = export, values in USD. The extract came from Comtrade's
preview API, capped at 500 records per query: small partners are missing for many HS4 codes
and the World rows exist for only part of them. :data:`CAVEAT` must be shown by every output
that uses this source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import AuditNote, InputError
from comexlab.nomenclature.countries import m49_to_iso3
from comexlab.nomenclature.hs import section_of
from comexlab.sources import flowtable as ft
from comexlab.sources.http import get

SOURCE = "comtrade"
FOLDER = "comtrade_mexico_hs4"
PATTERN = "mexico_trade_hs4_partner_2015_2021.csv.gz"
COLUMNS = ("year", "section", "SA_4", "imp_exp", "partner_code", "tradevalue")
CAVEAT_KEY = "flows.caveat.comtrade"
CAVEAT = (
    "UN Comtrade extract is incomplete: pulled through the 500-record preview API, so smaller "
    "partners are missing for many HS4 codes and 'World' rows exist for only part of them; "
    "sums over partners understate totals (e.g. imports from China ≈ 95% of official)."
)
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
    notes = (AuditNote("incomplete_extract", table.num_rows, CAVEAT),)
    return ft.FlowLoad(SOURCE, table, tuple(paths), notes)


def _rows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    ft.check_codes(df, "SA_4", path, digits=4)
    year = ft.parse_numbers(df, "year", path, integer=True).astype(int)
    value = ft.parse_numbers(df, "tradevalue", path)
    section = ft.parse_numbers(df, "section", path, integer=True).astype(int)
    flow = ft.map_fixed(df, "imp_exp", path, FLOWS, "imp_exp must be 1 (import) or 2 (export)")
    expected = df["SA_4"].map(lambda c: section_of(c).number)
    wrong = (expected != section).to_numpy()
    if wrong.any():
        first = df.index[wrong][0]
        ft.fail_at_first(df, wrong, path, "section", f"section does not match HS4 "
                         f"{df.at[first, 'SA_4']} (expected {expected[first]})")
    ft.check_unique(df, ("year", "SA_4", "imp_exp", "partner_code"), path)
    return pd.DataFrame({
        "partner": ft.map_codes(df, "partner_code", path, m49_to_iso3),
        "flow": flow, "year": year, "period": year.astype(str),
        "product_code": df["SA_4"], "value_usd": value.astype("float64"),
    })


# --------------------------------------------------------------------------- download
def download(year: int, *, dest_dir: Path, flow: str = "X", partners: Sequence[int] = (842,),
             base_url: str = COMTRADE_URL, subscription_key: str | None = None) -> Path:
    """Fetch Mexico's HS4 trade with ``partners`` for one year into the extract's CSV format.

    Uses Comtrade's public v1 API (``/public/v1/preview/C/A/HS``, or ``/data/v1/get/C/A/HS``
    with a subscription key, as the ``comtradeapicall`` package does) through
    :mod:`comexlab.sources.http`, so requests are cached, throttled and retried; the package
    itself is not used because it prints, hard-codes the host and bypasses that cache.
    ``flow`` is 'X' (exports) or 'M' (imports).
    """
    path = "/data/v1/get/C/A/HS" if subscription_key else "/public/v1/preview/C/A/HS"
    params: dict[str, str | int] = {
        "reporterCode": MEXICO_M49, "period": year, "flowCode": flow,
        "partnerCode": ",".join(str(p) for p in partners), "cmdCode": "AG4",
        "partner2Code": 0, "customsCode": "C00", "motCode": 0, "includeDesc": "false",
    }
    headers = {"Ocp-Apim-Subscription-Key": subscription_key} if subscription_key else None
    payload = get(base_url.rstrip("/") + path, params=params, headers=headers).json()
    records = payload.get("data")
    if not isinstance(records, list):
        raise InputError(f"Comtrade answer has no 'data' list: {payload.get('error')}",
                         field="data")
    rows = [{
        "year": int(r["period"]), "section": section_of(str(r["cmdCode"])).number,
        "SA_4": str(r["cmdCode"]), "imp_exp": "1" if r["flowCode"] == "M" else "2",
        "partner_code": int(r["partnerCode"]), "tradevalue": r["primaryValue"],
    } for r in records]
    return ft.write_csv(pd.DataFrame(rows, columns=list(COLUMNS)),
                        dest_dir / f"comtrade_mex_hs4_{year}_{flow}.csv.gz")
