"""US Census Bureau international-trade API: US imports by HTS10 × country, monthly.

``/data/timeseries/intltrade/imports/hs`` answers a JSON array of arrays whose first row is the
header (``CTY_CODE, I_COMMODITY, CON_VAL_MO, time`` plus the predicate columns). The answer is
saved as returned and read by :func:`load`: imports for consumption, customs value, USD —
the same measure as DataWeb's totals, but **without** the USMCA-claimed split (Census's rate
provision field misses USMCA claims on MFN-free lines; DataWeb's program indicator has them).
Stored as mirror data like DataWeb: reporter = the exporting country, reported_by = USA.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import InputError
from comexlab.nomenclature.countries import census_to_iso3, iso3_to_census
from comexlab.sources import flowtable as ft
from comexlab.sources.http import fetch

SOURCE = "census_intltrade"
FOLDER = "census_intltrade"
PATTERN = "census_imports_hs10_*.json"
COLUMNS = ("CTY_CODE", "I_COMMODITY", "CON_VAL_MO", "time")
API_URL = "https://api.census.gov/data/timeseries/intltrade/imports/hs"
#: Mirror data like DataWeb: US imports stand for the partner's exports to the US.
CONSTANTS = {"source": SOURCE, "reporter_level": "country", "reported_by": "USA",
             "partner": "USA", "flow": "export", "classification": "HTS",
             "product_level": "hts10"}


def read_answer(path: Path) -> pd.DataFrame:
    """The saved API answer as a string DataFrame (header = first array)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a Census API JSON answer: {exc}", file=path) from exc
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise InputError("Census API answer must be a JSON array of arrays", file=path)
    header, body = rows[0], rows[1:]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=path, row=1,
                         field=missing[0])
    df = pd.DataFrame(body, columns=header, dtype=str)
    # the API repeats predicate variables that are also requested (CTY_CODE twice): keep one
    return df.loc[:, ~df.columns.duplicated()]


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read saved Census API answers; rows with a zero value are kept (Census omits empty cells)."""
    table = ft.read_files(paths, _rows, reader=read_answer, constants=CONSTANTS)
    return ft.FlowLoad(SOURCE, table, tuple(paths))


def _rows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    ft.check_codes(df, "I_COMMODITY", path, digits=10)
    ft.check_unique(df, ("CTY_CODE", "I_COMMODITY", "time"), path)
    value = ft.parse_numbers(df, "CON_VAL_MO", path)
    period = df["time"].str.strip()
    ft.fail_at_first(df, ~period.str.fullmatch(r"\d{4}-\d{2}"), path, "time",
                     "time must be YYYY-MM")
    return pd.DataFrame({
        "reporter": ft.map_codes(df, "CTY_CODE", path, census_to_iso3),
        "product_code": df["I_COMMODITY"], "value_usd": value.astype("float64"),
        "period": period, "year": period.str[:4].astype(int),
        "month": period.str[5:7].astype(int),
    })


def download(year: int, month: int, *, countries: Sequence[str] = ("MEX", "CAN"),
             dest_dir: Path, base_url: str = API_URL, api_key: str | None = None,
             refresh: bool = False) -> Path:
    """Fetch US imports by HTS10 from ``countries`` (ISO3) for one month; returns the saved file.

    A key (api.census.gov/data/key_signup.html) is optional for small volumes.
    """
    # one CTY_CODE predicate per country: the API ORs repeated predicates
    params: dict[str, str | list[str]] = {
        "get": "CTY_CODE,CTY_NAME,I_COMMODITY,CON_VAL_MO",
        "time": f"{year:04d}-{month:02d}", "COMM_LVL": "HS10",
        "CTY_CODE": [iso3_to_census(c) for c in countries],
    }
    if api_key:
        params["key"] = api_key
    dest = dest_dir / f"census_imports_hs10_{year:04d}_{month:02d}.json"
    return fetch(base_url, dest, refresh=refresh, params=params)
