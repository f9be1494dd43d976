"""USITC DataWeb: US imports for consumption from Mexico and Canada by HTS10, with USMCA value.

Files ``usmca_product_shares_YYYY_MM.csv.gz`` (columns ``hts10, cty_code, usmca_share,
total_value, usmca_value``) are the Budget Lab's monthly DataWeb extracts: customs value in USD,
and the part that claimed USMCA (Special Program Indicator S/S+). They are **mirror data**: US
imports from Mexico stand for Mexican exports to the US, so rows are stored as reporter=MEX
(or CAN), reported_by=USA, partner=USA, flow=export. Zero-value rows (DataWeb lists every
HTS10 × country pair) are skipped and counted in the load notes; nothing else is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from comexlab.errors import AuditNote, DownloadError, InputError
from comexlab.i18n import Msg
from comexlab.nomenclature.countries import census_to_iso3
from comexlab.sources import flowtable as ft
from comexlab.sources.http import NotReleasedError, Publisher, fetch_json

SOURCE = "usitc_dataweb"
FOLDER = "usitc_dataweb_us_imports_mx_ca"
PATTERN = "usmca_product_shares_[0-9][0-9][0-9][0-9]_[0-9][0-9].csv.gz"
COLUMNS = ("hts10", "cty_code", "usmca_share", "total_value", "usmca_value")
#: Flow columns that are the same on every DataWeb row: mirror data (US imports) of exports.
CONSTANTS = {"source": SOURCE, "reporter_level": "country", "reported_by": "USA",
             "partner": "USA", "flow": "export", "classification": "HTS",
             "product_level": "hts10", "preference_program": "S"}
CENSUS_CODES = {"MEX": "2010", "CAN": "1220"}
_NAME = re.compile(r"usmca_product_shares_(\d{4})_(\d{2})\.csv(\.gz)?$")
DATAWEB_URL = "https://datawebws.usitc.gov/dataweb"


def period_of(path: Path) -> tuple[int, int]:
    """(year, month) from the file name; other names are refused (the period is not in the rows)."""
    m = _NAME.search(path.name)
    if not m:
        raise InputError(Msg("error.src.dataweb_name"), file=path)
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise InputError(Msg("error.src.name_month", month=month), file=path)
    return year, month


MAX_LINE_VALUE = 1e12
"""Largest customs value accepted for one HTS10 × country × month: US$1 trillion. All US
imports from every country come to about US$3.3 trillion a *year*; the largest line of these
files (8471500150, computers from Mexico) is US$80.6 bn for all of 2025, i.e. under US$10 bn a
month. A value above US$1 trillion is a unit or export error (1e300, cents for dollars …)."""


def read_month(path: Path) -> tuple[pa.Table, int]:
    """One monthly file → flow rows, and how many zero-value rows were skipped.

    Checks, each with its own error naming file, row and field: codes (10 digits; country
    Mexico 2010 or Canada 1220 only), unique keys, numbers that are finite, not negative and
    at most :data:`MAX_LINE_VALUE`, then USMCA-claimed value not above the total.
    """
    year, month = period_of(path)
    df = ft.read_strings(path, COLUMNS)
    ft.check_codes(df, "hts10", path, digits=10)
    ft.fail_at_first(df, ~df["cty_code"].str.strip().isin(CENSUS_CODES.values()), path,
                     "cty_code", Msg("error.dataweb_country",
                                     known=", ".join(f"{c} = {iso}" for iso, c
                                                     in CENSUS_CODES.items())))
    ft.check_unique(df, ("hts10", "cty_code"), path)
    total = ft.parse_numbers(df, "total_value", path)
    usmca = ft.parse_numbers(df, "usmca_value", path)
    for column, values in (("total_value", total), ("usmca_value", usmca)):
        ft.check_amounts(df, values, column, path, maximum=MAX_LINE_VALUE)
    ft.fail_at_first(df, usmca > total, path, "usmca_value", Msg("error.src.usmca_exceeds"))
    reporter = ft.map_codes(df, "cty_code", path, census_to_iso3)
    keep = total != 0
    out = pd.DataFrame({
        "reporter": reporter[keep],
        "product_code": df["hts10"][keep],
        "value_usd": total[keep].astype("float64"),
        "preference_value_usd": usmca[keep].astype("float64"),
    })
    month_columns = {"period": f"{year:04d}-{month:02d}", "year": year, "month": month}
    return ft.to_flow_table(out, {**CONSTANTS, **month_columns}), int((~keep).sum())


def load(paths: Sequence[Path]) -> ft.FlowLoad:
    """Read monthly DataWeb files; two files for the same month are refused."""
    tables, skipped, seen, empty = [], 0, {}, []
    for path in sorted(paths):
        period = period_of(path)
        if period in seen:
            raise InputError(Msg("error.src.month_twice", month=f"{period[0]}-{period[1]:02d}",
                                 other=seen[period].name), file=path)
        seen[period] = path
        table, zeros = read_month(path)
        if table.num_rows == 0:
            empty.append((path, zeros))
        tables.append(table)
        skipped += zeros
    notes = (AuditNote("zero_value_rows_skipped", skipped,
                       Msg("audit.detail.zero_value_rows")),)
    return ft.FlowLoad(SOURCE, ft.concat(tables), tuple(sorted(paths)), notes, tuple(empty))


# --------------------------------------------------------------------------- download
#: DataWeb's answer cap: ``totalRecords`` "20000" in USITC's own sample query. An answer with
#: that many rows is truncated.
ROW_CAP = 20_000
TOKEN_URL = "https://dataweb.usitc.gov"
PUBLISHER = Publisher(
    "USITC DataWeb", min_interval=2.0, timeout=180.0,
    hints={401: Msg("download.hint.dataweb_token"), 403: Msg("download.hint.dataweb_token"),
           503: Msg("download.hint.dataweb_maintenance"),
           502: Msg("download.hint.dataweb_maintenance"),
           504: Msg("download.hint.dataweb_maintenance")})


def runreport_query(chapters: Sequence[str], *, year: int, month: int,
                    programs: Sequence[str] = ()) -> dict[str, object]:
    """DataWeb ``runReport`` body: HTS10 × {Canada, Mexico} customs value for one month.

    The body is USITC's documented ``basicQuery`` (dataweb_query_api.html, "Sample API
    Request") with every key present, changed only where this query differs — as the Budget
    Lab's working client (src/download_usmca_dataweb.R) does: DataWeb answers a body with
    missing keys by a misleading 503 "Site under maintenance" page. ``programs`` = ("S",
    "S+") restricts to USMCA-claimed imports; empty means all programs.
    """
    countries = list(CENSUS_CODES.values())
    names = {code: name for name, code in (("Mexico", "2010"), ("Canada", "1220"))}
    return {
        # runMonthly true with a "Monthly" timeline, as the Budget Lab client's monthly mode
        "savedQueryName": "", "savedQueryDesc": "", "isOwner": True, "runMonthly": True,
        "reportOptions": {"tradeType": "Import", "classificationSystem": "HTS"},
        "searchOptions": {
            "MiscGroup": {
                "districts": {
                    "aggregation": "Aggregate District", "districtGroups": {"userGroups": []},
                    "districts": [], "districtsExpanded": [{"name": "All Districts",
                                                            "value": "all"}],
                    "districtsSelectType": "all"},
                "importPrograms": {"aggregation": None, "importPrograms": [],
                                   "programsSelectType": "all"},
                "extImportPrograms": {
                    "aggregation": "Aggregate CSC", "extImportPrograms": list(programs),
                    "extImportProgramsExpanded": [],
                    "programsSelectType": "list" if programs else "all"},
                "provisionCodes": {
                    "aggregation": "Aggregate RPCODE", "provisionCodesSelectType": "all",
                    "rateProvisionCodes": [], "rateProvisionCodesExpanded": []},
            },
            "commodities": {
                "aggregation": "Break Out Commodities", "codeDisplayFormat": "YES",
                "commodities": list(chapters), "commoditiesExpanded": [],
                "commoditiesManual": "", "commodityGroups": {"systemGroups": [],
                                                             "userGroups": []},
                "commoditySelectType": "list", "granularity": "10", "groupGranularity": None,
                "searchGranularity": None},
            "componentSettings": {
                "dataToReport": ["CONS_CUSTOMS_VALUE"], "scale": "1",
                "timeframeSelectType": "specificDateRange", "years": [str(year)],
                "startDate": f"{month:02d}/{year}", "endDate": f"{month:02d}/{year}",
                "startMonth": None, "endMonth": None, "yearsTimeline": "Monthly"},
            "countries": {
                "aggregation": "Break Out Countries", "countries": countries,
                "countriesExpanded": [{"name": names[c], "value": c} for c in countries],
                "countriesSelectType": "list",
                "countryGroups": {"systemGroups": [], "userGroups": []}},
        },
        "sortingAndDataFormat": {
            "DataSort": {"columnOrder": [], "fullColumnOrder": [], "sortOrder": []},
            "reportCustomizations": {
                "exportCombineTables": False, "showAllSubtotal": True, "subtotalRecords": "",
                "totalRecords": str(ROW_CAP), "exportRawData": False},
        },
    }


def parse_runreport(payload: dict[str, object]) -> dict[tuple[str, str], float]:
    """(hts10, census code) → value from a runReport answer (``dto.tables[].row_groups``).

    The country column is found by its value (Mexico/Canada) because DataWeb has reordered
    columns before; the value is the last entry, printed with thousands separators.
    """
    dto = payload.get("dto")
    if not isinstance(dto, dict):
        raise InputError(Msg("error.src.dataweb_no_dto"), field="dto")
    if dto.get("errors"):
        raise InputError(Msg("error.src.dataweb_errors", errors=str(dto["errors"])),
                         field="dto.errors")
    names = {"Mexico": "2010", "Canada": "1220"}
    out: dict[tuple[str, str], float] = {}
    for table in dto.get("tables") or []:
        for group in table.get("row_groups") or []:
            for row in group.get("rowsNew") or []:
                entries = [e.get("value") for e in row["rowEntries"]]
                country = next((names[v] for v in entries[:-1] if v in names), None)
                if country is None:
                    raise InputError(Msg("error.src.dataweb_row", entries=str(entries)),
                                     field="rowEntries")
                out[(str(entries[0]), country)] = float(str(entries[-1]).replace(",", ""))
    return out


def row_count(payload: dict[str, object]) -> int:
    """Rows of a runReport answer (to compare with :data:`ROW_CAP`)."""
    dto = payload.get("dto")
    tables = dto.get("tables") if isinstance(dto, dict) else None
    return sum(len(group.get("rowsNew") or []) for table in tables or []
               for group in table.get("row_groups") or [])


def _check(payload: object, what: str) -> None:
    """Validate an answer before it is cached: a dict that :func:`parse_runreport` reads."""
    if not isinstance(payload, dict):
        raise InputError(Msg("error.src.not_json_object", source="DataWeb"), file=what)
    try:
        parse_runreport(payload)
    except InputError:
        raise
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        raise InputError(Msg("error.src.runreport_shape", detail=repr(exc)),
                         file=what) from exc


def _batch_values(chapters: Sequence[str], programs: Sequence[str], *, year: int, month: int,
                  url: str, token: str, cache: Path, refresh: bool,
                  stats: dict[str, int], notes: list[Msg]) -> dict[tuple[str, str], float]:
    """Values of one chapter batch, cached; a batch at the row cap is split into chapters."""
    kind = "usmca" if programs else "all"
    what = f"{year:04d}-{month:02d} ch{chapters[0]}-{chapters[-1]} ({kind})"
    dest = cache / f"{year:04d}_{month:02d}" / f"ch{'-'.join(chapters)}_{kind}.json"
    capped: list[bool] = []

    def validate(payload: object) -> None:
        _check(payload, what)
        if row_count(payload) >= ROW_CAP:  # type: ignore[arg-type]
            capped.append(True)
            raise DownloadError(Msg("download.error.dataweb_cap", what=what, cap=ROW_CAP))

    try:
        got = fetch_json("POST", url, dest, validate=validate, publisher=PUBLISHER, what=what,
                         refresh=refresh, body=runreport_query(chapters, year=year,
                                                               month=month, programs=programs),
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json; charset=utf-8"})
    except DownloadError:
        if not capped or len(chapters) == 1:
            raise
        notes.append(Msg("download.warn.dataweb_split", what=what, cap=ROW_CAP))
        stats["fetched"] += 1
        out: dict[tuple[str, str], float] = {}
        for chapter in chapters:
            out.update(_batch_values([chapter], programs, year=year, month=month, url=url,
                                     token=token, cache=cache, refresh=refresh, stats=stats,
                                     notes=notes))
        return out
    stats["fetched" if got.fetched else "reused"] += 1
    return parse_runreport(got.payload)


def download(year: int, month: int, *, token: str | None, dest_dir: Path, cache: Path,
             base_url: str = DATAWEB_URL, chapters: Sequence[str] | None = None,
             batch: int = 5, refresh: bool = False,
             notes: list[Msg] | None = None) -> tuple[Path, dict[str, int]]:
    """Fetch one month from DataWeb (all programs, then S/S+) into the official file format.

    DataWeb needs a free account token (dataweb.usitc.gov, API tab: ``COMEXLAB_DATAWEB_TOKEN``).
    Chapters are queried in batches of ``batch`` because one answer is capped at 20,000 rows;
    each answer is cached per month × batch × program set, so an interrupted month resumes
    where it stopped. A batch that comes back at the cap is truncated: it is not cached but
    re-queried chapter by chapter (a note says so); a single chapter at the cap is an error.
    The month is written as ``usmca_product_shares_YYYY_MM.csv.gz`` so :func:`load` reads
    downloads and shipped files the same way. Returns the file and request counts.
    """
    if not token:
        raise DownloadError(Msg("download.error.no_key", publisher=PUBLISHER.name,
                                setting="COMEXLAB_DATAWEB_TOKEN",
                                url=TOKEN_URL + " (API tab)"))
    chapters = list(chapters or [f"{c:02d}" for c in range(1, 99) if c != 77])
    url = f"{base_url.rstrip('/')}/api/v2/report2/runReport"
    stats = {"fetched": 0, "reused": 0}
    notes = notes if notes is not None else []
    total: dict[tuple[str, str], float] = {}
    usmca: dict[tuple[str, str], float] = {}
    for i in range(0, len(chapters), batch):
        part = chapters[i:i + batch]
        for programs, into in (((), total), (("S", "S+"), usmca)):
            into.update(_batch_values(part, programs, year=year, month=month, url=url,
                                      token=token, cache=cache, refresh=refresh, stats=stats,
                                      notes=notes))
    if not any(total.values()):
        # DataWeb answers an unpublished month with empty tables, not an error: keep nothing,
        # so the month is asked again once it is released instead of loading as zero trade
        for answer in (cache / f"{year:04d}_{month:02d}").glob("*.json"):
            answer.unlink()
        raise NotReleasedError(Msg("download.error.not_released", publisher=PUBLISHER.name,
                                   what=f"{year:04d}-{month:02d}"))
    rows = [
        {"hts10": hts10, "cty_code": cty, "total_value": int(value),
         "usmca_value": int(usmca.get((hts10, cty), 0.0)),
         "usmca_share": (usmca.get((hts10, cty), 0.0) / value) if value else 0}
        for (hts10, cty), value in sorted(total.items())
    ]
    path = ft.write_csv(pd.DataFrame(rows, columns=list(COLUMNS)),
                        dest_dir / f"usmca_product_shares_{year:04d}_{month:02d}.csv.gz")
    return path, stats
