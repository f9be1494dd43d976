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
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from comexlab.errors import DownloadError, InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.countries import census_to_iso3, iso3_to_census
from comexlab.sources import flowtable as ft
from comexlab.sources.http import Cached, Publisher, fetch_json

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
        raise InputError(Msg("error.src.census_json", detail=exc), file=path) from exc
    check_answer(rows, path)
    header, body = rows[0], rows[1:]
    df = pd.DataFrame(body, columns=header, dtype=str)
    # the API repeats predicate variables that are also requested (CTY_CODE twice): keep one
    return df.loc[:, ~df.columns.duplicated()]


def check_answer(rows: object, where: Path | str) -> None:
    """An API answer is an array of arrays whose first row names :data:`COLUMNS`."""
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise InputError(Msg("error.src.census_shape"), file=where)
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        raise InputError(Msg("error.src.missing_columns", columns=", ".join(missing)),
                         file=where, row=1,
                         field=missing[0])


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read saved Census API answers; rows with a zero value are kept (Census omits empty cells)."""
    check_no_overlap(paths)
    table = ft.read_files(paths, _rows, reader=read_answer, constants=CONSTANTS)
    return ft.FlowLoad(SOURCE, table, tuple(paths))


_SAVED = re.compile(r"census_imports_hs10_(\d{4})_(\d{2})(?:_([A-Z-]+))?\.json$")


def check_no_overlap(paths: Sequence[Path]) -> None:
    """Two saved answers for the same month and a common country would count it twice.

    Downloads for different country lists are saved side by side (the list is in the name);
    a name without a list (older downloads) overlaps any other file of its month.
    """
    seen: dict[str, list[tuple[set[str] | None, Path]]] = {}
    for path in sorted(paths):
        m = _SAVED.search(path.name)
        if not m:
            continue
        countries = set(m.group(3).split("-")) if m.group(3) else None
        for other, other_path in seen.setdefault(f"{m.group(1)}-{m.group(2)}", []):
            if countries is None or other is None or countries & other:
                raise InputError(Msg("error.src.census_overlap", other=other_path.name),
                                 file=path)
        seen[f"{m.group(1)}-{m.group(2)}"].append((countries, path))


def _rows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    ft.check_codes(df, "I_COMMODITY", path, digits=10)
    ft.check_unique(df, ("CTY_CODE", "I_COMMODITY", "time"), path)
    value = ft.parse_numbers(df, "CON_VAL_MO", path)
    period = df["time"].str.strip()
    ft.fail_at_first(df, ~period.str.fullmatch(r"\d{4}-\d{2}"), path, "time",
                     Msg("error.src.period_yyyy_mm", column="time"))
    return pd.DataFrame({
        "reporter": ft.map_codes(df, "CTY_CODE", path, census_to_iso3),
        "product_code": df["I_COMMODITY"], "value_usd": value.astype("float64"),
        "period": period, "year": period.str[:4].astype(int),
        "month": period.str[5:7].astype(int),
    })


#: The Census API since 12 May 2026: every query needs a key; without one it answers 302 to an
#: HTML ``missing_key`` page, with a bad one it sets ``X-DataWebAPI-KeyError``; an unreleased
#: month answers 204 No Content.
PUBLISHER = Publisher(
    "US Census Bureau API", min_interval=1.0, timeout=120.0,
    key_error_header="X-DataWebAPI-KeyError",
    hints={"redirect": Msg("download.hint.census_key"), 401: Msg("download.hint.census_key"),
           403: Msg("download.hint.census_key"),
           503: Msg("download.hint.try_later")})
KEY_URL = "https://api.census.gov/data/key_signup.html"


def file_name(year: int, month: int, countries: Sequence[str]) -> str:
    """Saved answer name: the month *and* the country list (different lists, different files)."""
    return f"census_imports_hs10_{year:04d}_{month:02d}_{'-'.join(sorted(countries))}.json"


def download(year: int, month: int, *, countries: Sequence[str] = ("MEX", "CAN"),
             dest_dir: Path, api_key: str | None, base_url: str = API_URL,
             refresh: bool = False) -> Cached:
    """Fetch US imports by HTS10 from ``countries`` (ISO3) for one month; the saved answer.

    The key (free: api.census.gov/data/key_signup.html) is required and travels as the
    documented ``key`` query parameter; it is never part of a file name or a message. The
    answer is checked before it is saved, and a 204 (month not released) saves nothing.
    """
    if not api_key:
        raise DownloadError(Msg("download.error.no_key", publisher=PUBLISHER.name,
                                setting="COMEXLAB_CENSUS_KEY", url=KEY_URL))
    # one CTY_CODE predicate per country: the API ORs repeated predicates
    params: dict[str, str | list[str]] = {
        "get": "CTY_CODE,CTY_NAME,I_COMMODITY,CON_VAL_MO",
        "time": f"{year:04d}-{month:02d}", "COMM_LVL": "HS10",
        "CTY_CODE": [iso3_to_census(c) for c in countries], "key": api_key,
    }
    what = f"{year:04d}-{month:02d} ({', '.join(countries)})"
    return fetch_json("GET", base_url, dest_dir / file_name(year, month, countries),
                      validate=lambda rows: check_answer(rows, what), publisher=PUBLISHER,
                      what=what, refresh=refresh, params=params)
