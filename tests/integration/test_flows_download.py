"""download() of each flow source against a local HTTP server replaying recorded answers.

The answers are hand-written in each API's official response shape with small invented rows;
the downloaded file is then read by the source's own loader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from comexlab.errors import DownloadError
from comexlab.sources import census_intltrade, comtrade, datamexico, usitc_dataweb

CENSUS_ANSWER = [
    ["CTY_CODE", "CTY_NAME", "I_COMMODITY", "CON_VAL_MO", "time", "COMM_LVL", "CTY_CODE"],
    ["2010", "MEXICO", "8703230140", "1500000", "2025-03", "HS10", "2010"],
    ["2010", "MEXICO", "8471500150", "2500000", "2025-03", "HS10", "2010"],
    ["1220", "CANADA", "8703230140", "700000", "2025-03", "HS10", "1220"],
]


def test_census_download_and_load(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(
        "/data/timeseries/intltrade/imports/hs",
        query_string="get=CTY_CODE%2CCTY_NAME%2CI_COMMODITY%2CCON_VAL_MO&time=2025-03"
                     "&COMM_LVL=HS10&CTY_CODE=2010&CTY_CODE=1220",
    ).respond_with_json(CENSUS_ANSWER)
    path = census_intltrade.download(
        2025, 3, dest_dir=tmp_path,
        base_url=httpserver.url_for("/data/timeseries/intltrade/imports/hs"))
    # cached: a second call does not hit the server again
    assert census_intltrade.download(2025, 3, dest_dir=tmp_path,
                                     base_url=httpserver.url_for("/nothing")) == path
    parsed = census_intltrade.load([path])
    rows = parsed.table.to_pylist()
    assert len(rows) == 3
    mex = [r for r in rows if r["reporter"] == "MEX"]
    assert sum(r["value_usd"] for r in mex) == 4_000_000
    assert {r["period"] for r in rows} == {"2025-03"}
    assert all(r["reported_by"] == "USA" and r["flow"] == "export" for r in rows)


def _dataweb_answer(rows: list[tuple[str, str, str]]) -> dict[str, object]:
    return {"dto": {"errors": [], "tables": [{
        "tableTitle": "March 2025 Imports for Consumption",
        "row_groups": [{"rowsNew": [
            {"rowEntries": [{"value": hts}, {"value": "desc"}, {"value": country},
                            {"value": value}]}
            for hts, country, value in rows]}],
    }]}}


def test_dataweb_download_writes_the_official_monthly_format(httpserver: HTTPServer,
                                                             tmp_path: Path) -> None:
    total = _dataweb_answer([("8703230140", "Mexico", "1,000,000"),
                             ("8703230140", "Canada", "300,000")])
    usmca = _dataweb_answer([("8703230140", "Mexico", "600,000")])

    def handler(request):  # type: ignore[no-untyped-def]
        from werkzeug import Response

        assert request.headers["Authorization"] == "Bearer TOKEN"
        body = request.get_json()
        programs = body["searchOptions"]["MiscGroup"]["extImportPrograms"]["extImportPrograms"]
        return Response(json.dumps(usmca if programs else total),
                        content_type="application/json")

    httpserver.expect_request("/dataweb/api/v2/report2/runReport", method="POST"
                              ).respond_with_handler(handler)
    path = usitc_dataweb.download(2025, 3, token="TOKEN", dest_dir=tmp_path,
                                  base_url=httpserver.url_for("/dataweb"), chapters=["87"])
    assert path.name == "usmca_product_shares_2025_03.csv.gz"
    rows = usitc_dataweb.load([path]).table.to_pylist()
    by = {r["reporter"]: r for r in rows}
    assert by["MEX"]["value_usd"] == 1_000_000
    assert by["MEX"]["preference_value_usd"] == 600_000
    assert by["CAN"]["preference_value_usd"] == 0
    assert by["MEX"]["period"] == "2025-03"


def test_dataweb_error_answer_is_reported(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/dataweb/api/v2/report2/runReport", method="POST"
                              ).respond_with_json({"dto": {"errors": ["Invalid token"]}})
    with pytest.raises(ValueError, match="Invalid token"):
        usitc_dataweb.download(2025, 3, token="BAD", dest_dir=tmp_path,
                               base_url=httpserver.url_for("/dataweb"), chapters=["87"])


DATAMEXICO_ANSWER = {
    "data": [
        {"Month ID": 201801, "Month": "2018-01", "HS6 ID": 17870323, "HS6": "Cars 1500-3000cc",
         "State ID": 11, "State": "Guanajuato", "Country ID": "usa", "Country": "United States",
         "Flow ID": 2, "Flow": "Exports", "Trade Value": 123456789.0, "Number of Firms": 4},
        {"Month ID": 201801, "Month": "2018-01", "HS6 ID": 1020713, "HS6": "Chicken cuts",
         "State ID": 11, "State": "Guanajuato", "Country ID": "usa", "Country": "United States",
         "Flow ID": 1, "Flow": "Imports", "Trade Value": 5000.0, "Number of Firms": None},
    ],
    "source": [{"name": "economy_foreign_trade_ent", "measures": ["Trade Value",
                                                                 "Number of Firms"]}],
}


def test_datamexico_download_and_load(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/tesseract/data.jsonrecords", query_string={
        "cube": "economy_foreign_trade_ent", "drilldowns": "Month,HS6,State,Country,Flow",
        "measures": "Trade Value,Number of Firms", "State": "11", "Year": "2018",
        "parents": "false", "sparse": "false", "locale": "en",
    }).respond_with_json(DATAMEXICO_ANSWER)
    path = datamexico.download("GTO", 2018, dest_dir=tmp_path,
                               base_url=httpserver.url_for("/tesseract/data.jsonrecords"))
    rows = datamexico.load([path]).table.to_pylist()
    cars = next(r for r in rows if r["flow"] == "export")
    assert (cars["reporter"], cars["product_code"], cars["partner"], cars["firms"]) == (
        "MX-GTO", "870323", "USA", 4)
    chicken = next(r for r in rows if r["flow"] == "import")
    assert chicken["product_code"] == "020713" and chicken["firms"] is None


COMTRADE_ANSWER = {
    "elapsedTime": "0.2 secs", "count": 2, "error": "",
    "data": [
        {"typeCode": "C", "freqCode": "A", "period": "2017", "reporterCode": 484,
         "flowCode": "X", "partnerCode": 842, "cmdCode": "8703", "primaryValue": 31000000.0},
        {"typeCode": "C", "freqCode": "A", "period": "2017", "reporterCode": 484,
         "flowCode": "X", "partnerCode": 842, "cmdCode": "0101", "primaryValue": 1200.0},
    ],
}


def test_comtrade_download_and_load(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/public/v1/preview/C/A/HS").respond_with_json(COMTRADE_ANSWER)
    path = comtrade.download(2017, dest_dir=tmp_path, base_url=httpserver.url_for("/"))
    rows = comtrade.load([path]).table.to_pylist()
    assert {(r["product_code"], r["partner"], r["flow"]) for r in rows} == {
        ("8703", "USA", "export"), ("0101", "USA", "export")}
    assert sum(r["value_usd"] for r in rows) == 31_001_200


def test_server_errors_are_retried_then_reported(httpserver: HTTPServer,
                                                 tmp_path: Path) -> None:
    httpserver.expect_request("/tesseract/data.jsonrecords").respond_with_data(
        "busy", status=503, headers={"Retry-After": "0"})
    with pytest.raises(DownloadError, match="503"):
        datamexico.download(11, 2018, dest_dir=tmp_path,
                            base_url=httpserver.url_for("/tesseract/data.jsonrecords"))
    assert len(httpserver.log) == 4  # first try + 3 retries
