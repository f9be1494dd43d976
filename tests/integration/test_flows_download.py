"""download() of each flow source against a local HTTP server replaying publisher-shaped answers.

The answers (tests/integration/fixtures/downloads/, whose README names the documentation or
client each shape comes from) include the error answers the publishers really give: the Census
302 to its ``missing_key`` page, 204 for an unreleased month, DataWeb's 503 maintenance page and
its 20,000-row cap, Comtrade's 500-record preview cap, 401 with the API's own message and 429
with ``Retry-After``. Each test asserts the request the server received (path, query, headers,
body) is the documented one, and what was — and was not — cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from comexlab.cli import app
from comexlab.errors import DownloadError, InputError
from comexlab.settings import get_settings
from comexlab.sources import census_intltrade, comtrade, datamexico, http, usitc_dataweb
from comexlab.sources.http import NotReleasedError

FIXTURES = Path(__file__).parent / "fixtures" / "downloads"
CENSUS_PATH = "/data/timeseries/intltrade/imports/hs"
RUNREPORT = "/dataweb/api/v2/report2/runReport"
TESSERACT = "/apidatamexico/tesseract/data.jsonrecords"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record the client's sleeps (throttle, backoff, Retry-After) instead of sleeping."""
    slept: list[float] = []
    monkeypatch.setattr(http, "_sleep", slept.append)
    http._last_request.clear()
    yield slept


def requests_made(server: HTTPServer) -> list[Request]:
    return [request for request, _ in server.log]


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --------------------------------------------------------------------------- Census


def census(server: HTTPServer, dest: Path, **kw: Any) -> http.Cached:
    kw.setdefault("api_key", "K" * 40)
    return census_intltrade.download(2025, 3, dest_dir=dest,
                                     base_url=server.url_for(CENSUS_PATH), **kw)


def test_census_sends_the_documented_query_and_caches(httpserver: HTTPServer,
                                                      tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_imports_hs_2025_03.json"), content_type="application/json")
    got = census(httpserver, tmp_path)
    [sent] = requests_made(httpserver)
    assert sent.path == CENSUS_PATH
    assert sent.args.getlist("CTY_CODE") == ["2010", "1220"]  # repeated predicate = OR
    assert {k: sent.args[k] for k in ("get", "time", "COMM_LVL", "key")} == {
        "get": "CTY_CODE,CTY_NAME,I_COMMODITY,CON_VAL_MO", "time": "2025-03",
        "COMM_LVL": "HS10", "key": "K" * 40}
    assert got.fetched and got.path.name == "census_imports_hs10_2025_03_CAN-MEX.json"
    again = census(httpserver, tmp_path)
    assert not again.fetched and len(httpserver.log) == 1  # cached: no second request
    rows = census_intltrade.load([got.path]).table.to_pylist()
    assert sum(r["value_usd"] for r in rows if r["reporter"] == "MEX") == 4_000_000


def test_census_without_a_key_refuses_before_any_request(httpserver: HTTPServer,
                                                         tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as err:
        census(httpserver, tmp_path, api_key=None)
    assert "COMEXLAB_CENSUS_KEY" in err.value.render("en")
    assert "api.census.gov/data/key_signup.html" in err.value.render("es")
    assert requests_made(httpserver) == []


def test_census_302_to_missing_key_page_is_not_followed_nor_cached(httpserver: HTTPServer,
                                                                   tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/data/missing_key.html")})
    httpserver.expect_request("/data/missing_key.html").respond_with_data(
        fixture_text("census_missing_key.html"), content_type="text/html")
    with pytest.raises(DownloadError) as err:
        census(httpserver, tmp_path, api_key="expired-key")
    assert [r.path for r in requests_made(httpserver)] == [CENSUS_PATH]  # never followed
    assert files_in(tmp_path) == []
    en, es = err.value.render("en"), err.value.render("es")
    assert "redirect (HTTP 302)" in en and "/data/missing_key.html" in en
    assert "COMEXLAB_CENSUS_KEY" in en and "redirección" in es
    assert "expired-key" not in en + es  # the key travels in the query; messages omit it


def test_census_key_error_header_is_a_key_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_missing_key.html"), content_type="text/html",
        headers={"X-DataWebAPI-KeyError": "Invalid Key"})
    with pytest.raises(DownloadError, match=r"Invalid Key.*COMEXLAB_CENSUS_KEY"):
        census(httpserver, tmp_path)
    assert files_in(tmp_path) == []


def test_census_204_means_not_released_and_nothing_is_cached(httpserver: HTTPServer,
                                                             tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data("", status=204)
    with pytest.raises(NotReleasedError) as err:
        census(httpserver, tmp_path)
    assert "not released" in err.value.render("en")
    assert "no publicados" in err.value.render("es")
    assert files_in(tmp_path) == []


def test_census_html_with_200_is_never_cached_as_json(httpserver: HTTPServer,
                                                      tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_missing_key.html"), content_type="text/html")
    with pytest.raises(DownloadError, match=r"web page instead of data.*Missing Key"):
        census(httpserver, tmp_path)
    assert files_in(tmp_path) == []


def test_census_country_list_is_part_of_the_cache_key(httpserver: HTTPServer,
                                                      tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_imports_hs_2025_03.json"), content_type="application/json")
    both = census(httpserver, tmp_path, countries=("MEX", "CAN"))
    mex = census(httpserver, tmp_path, countries=("MEX",))
    assert both.path != mex.path and mex.fetched
    assert requests_made(httpserver)[1].args.getlist("CTY_CODE") == ["2010"]


# --------------------------------------------------------------------------- DataWeb


def dataweb(server: HTTPServer, tmp_path: Path, **kw: Any) -> tuple[Path, dict[str, int]]:
    kw.setdefault("token", "TOKEN")
    kw.setdefault("chapters", ["87"])
    return usitc_dataweb.download(2025, 3, dest_dir=tmp_path / "data", cache=tmp_path / "cache",
                                  base_url=server.url_for("/dataweb"), **kw)


def _programs(request: Request) -> list[str]:
    body = request.get_json()
    return body["searchOptions"]["MiscGroup"]["extImportPrograms"]["extImportPrograms"]


def test_dataweb_sends_the_documented_full_query(httpserver: HTTPServer, tmp_path: Path) -> None:
    answer = fixture_json("dataweb_runreport_2025_03.json")
    usmca = json.loads(json.dumps(answer))
    group = usmca["dto"]["tables"][0]["row_groups"][0]
    group["rowsNew"] = group["rowsNew"][:1]  # Mexico only claimed USMCA
    group["rowsNew"][0]["rowEntries"][3]["value"] = "600,000"

    def handler(request: Request) -> Response:
        return Response(json.dumps(usmca if _programs(request) else answer),
                        content_type="application/json")

    httpserver.expect_request(RUNREPORT, method="POST").respond_with_handler(handler)
    path, stats = dataweb(httpserver, tmp_path)
    sent = requests_made(httpserver)
    assert stats == {"fetched": 2, "reused": 0} and len(sent) == 2
    assert sent[0].headers["Authorization"] == "Bearer TOKEN"
    assert sent[0].headers["Content-Type"].startswith("application/json")
    body = sent[0].get_json()
    # every key of USITC's documented basicQuery (dataweb_query_api.html, "Sample API Request")
    assert set(body) == {"savedQueryName", "savedQueryDesc", "isOwner", "runMonthly",
                         "reportOptions", "searchOptions", "sortingAndDataFormat"}
    options = body["searchOptions"]
    assert set(options["MiscGroup"]) == {"districts", "importPrograms", "extImportPrograms",
                                         "provisionCodes"}
    assert set(options["commodities"]) == {
        "aggregation", "codeDisplayFormat", "commodities", "commoditiesExpanded",
        "commoditiesManual", "commodityGroups", "commoditySelectType", "granularity",
        "groupGranularity", "searchGranularity"}
    assert set(options["componentSettings"]) == {
        "dataToReport", "scale", "timeframeSelectType", "years", "startDate", "endDate",
        "startMonth", "endMonth", "yearsTimeline"}
    assert set(options["countries"]) == {"aggregation", "countries", "countriesExpanded",
                                         "countriesSelectType", "countryGroups"}
    assert body["sortingAndDataFormat"]["reportCustomizations"]["totalRecords"] == "20000"
    assert options["commodities"]["commodities"] == ["87"]
    assert options["commodities"]["granularity"] == "10"
    assert options["componentSettings"]["dataToReport"] == ["CONS_CUSTOMS_VALUE"]
    assert (options["componentSettings"]["startDate"],
            options["componentSettings"]["endDate"]) == ("03/2025", "03/2025")
    assert options["countries"]["countries"] == ["2010", "1220"]
    assert _programs(sent[0]) == [] and _programs(sent[1]) == ["S", "S+"]
    rows = {r["reporter"]: r for r in usitc_dataweb.load([path]).table.to_pylist()}
    assert rows["MEX"]["value_usd"] == 1_000_000 and rows["MEX"]["preference_value_usd"] == 600_000
    assert rows["CAN"]["preference_value_usd"] == 0


def test_dataweb_caches_per_batch_and_resumes_after_maintenance(
        httpserver: HTTPServer, tmp_path: Path, waits: list[float]) -> None:
    answer = fixture_text("dataweb_runreport_2025_03.json")
    down = {"on": True}

    def handler(request: Request) -> Response:
        chapters = request.get_json()["searchOptions"]["commodities"]["commodities"]
        if down["on"] and chapters == ["06"]:
            return Response(fixture_text("dataweb_maintenance.html"), status=503,
                            content_type="text/html")
        return Response(answer, content_type="application/json")

    httpserver.expect_request(RUNREPORT, method="POST").respond_with_handler(handler)
    chapters = ["01", "02", "03", "04", "05", "06"]  # batch of 5 → 2 batches × 2 program sets
    with pytest.raises(DownloadError) as err:
        dataweb(httpserver, tmp_path, chapters=chapters)
    assert "Wednesdays 5:30–8:30 PM" in err.value.render("en")
    assert "miércoles" in err.value.render("es")
    assert len(httpserver.log) == 2 + 4  # batch 1 twice, then batch 2 tried 1 + 3 retries
    assert len(files_in(tmp_path / "cache")) == 2  # the 503 page was not cached
    assert files_in(tmp_path / "data") == []  # the month is not written incomplete
    down["on"] = False
    _, stats = dataweb(httpserver, tmp_path, chapters=chapters)
    assert stats == {"fetched": 2, "reused": 2}  # only the missing batch × programs
    assert len(httpserver.log) == 6 + 2


@pytest.mark.parametrize("status", [401, 403])
def test_dataweb_401_403_say_token_missing_or_expired(httpserver: HTTPServer, tmp_path: Path,
                                                      status: int) -> None:
    httpserver.expect_request(RUNREPORT, method="POST").respond_with_json(
        {"error": "Unauthorized"}, status=status)
    with pytest.raises(DownloadError) as err:
        dataweb(httpserver, tmp_path, token="EXPIRED")
    assert f"HTTP {status}" in err.value.render("en")
    assert "Token missing or expired" in err.value.render("en")
    assert "API tab" in err.value.render("en") and "pestaña API" in err.value.render("es")
    assert files_in(tmp_path) == []


def test_dataweb_without_token_refuses_before_any_request(httpserver: HTTPServer,
                                                          tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="COMEXLAB_DATAWEB_TOKEN"):
        dataweb(httpserver, tmp_path, token=None)
    assert requests_made(httpserver) == []


def _rows_answer(n: int) -> dict[str, Any]:
    rows = [{"rowEntries": [{"value": f"{8400000000 + i:010d}"}, {"value": "d"},
                            {"value": "Mexico"}, {"value": "1"}]} for i in range(n)]
    return {"dto": {"errors": [], "tables": [{"row_groups": [{"rowsNew": rows}]}]}}


def test_dataweb_batch_at_the_20000_row_cap_is_split_not_cached(httpserver: HTTPServer,
                                                                tmp_path: Path) -> None:
    def handler(request: Request) -> Response:
        chapters = request.get_json()["searchOptions"]["commodities"]["commodities"]
        n = usitc_dataweb.ROW_CAP if len(chapters) > 1 else 3
        return Response(json.dumps(_rows_answer(n)), content_type="application/json")

    httpserver.expect_request(RUNREPORT, method="POST").respond_with_handler(handler)
    notes: list[Any] = []
    _, stats = dataweb(httpserver, tmp_path, chapters=["84", "85"], notes=notes)
    assert {n.key for n in notes} == {"download.warn.dataweb_split"}
    assert "20000-row cap" in notes[0].text("en")
    cached = [p.name for p in files_in(tmp_path / "cache")]
    assert sorted(cached) == ["ch84_all.json", "ch84_usmca.json", "ch85_all.json",
                              "ch85_usmca.json"]  # the capped 2-chapter answers were not kept
    assert stats["fetched"] == 2 + 4


def test_dataweb_single_chapter_at_the_cap_is_refused(httpserver: HTTPServer,
                                                      tmp_path: Path) -> None:
    httpserver.expect_request(RUNREPORT, method="POST").respond_with_json(
        _rows_answer(usitc_dataweb.ROW_CAP))
    with pytest.raises(DownloadError, match=r"20000-row cap.*truncated"):
        dataweb(httpserver, tmp_path, chapters=["84"])
    assert files_in(tmp_path) == []


def test_dataweb_reported_errors_are_not_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(RUNREPORT, method="POST").respond_with_json(
        {"dto": {"errors": ["Dataweb is in data load mode"]}})
    with pytest.raises(DownloadError, match="data load mode"):
        dataweb(httpserver, tmp_path)
    assert files_in(tmp_path) == []


# --------------------------------------------------------------------------- DataMéxico


def test_datamexico_one_month_with_the_documented_cuts(httpserver: HTTPServer,
                                                       tmp_path: Path) -> None:
    httpserver.expect_request(TESSERACT).respond_with_data(
        fixture_text("datamexico_gto_2025_01.json"), content_type="application/json")
    path, fetched = datamexico.download("GTO", 2025, 1, dest_dir=tmp_path / "data",
                                        cache=tmp_path / "cache",
                                        base_url=httpserver.url_for(TESSERACT))
    [sent] = requests_made(httpserver)
    assert dict(sent.args) == {
        "cube": "economy_foreign_trade_ent", "drilldowns": "Month,HS6,State,Country,Flow",
        "measures": "Trade Value", "State": "11", "Month": "202501", "Product Level": "6",
        "parents": "false", "sparse": "false", "locale": "en"}
    assert fetched and path.name == "state11_202501.csv"
    rows = datamexico.load([path]).table.to_pylist()
    cars = [r for r in rows if r["product_code"] == "870323"]
    assert {(r["partner"], r["value_usd"]) for r in cars} == {("USA", 812_345_678.0),
                                                              ("CAN", 61_234_567.0)}
    again, fetched = datamexico.download(11, 2025, 1, dest_dir=tmp_path / "data",
                                         cache=tmp_path / "cache",
                                         base_url=httpserver.url_for("/gone"))
    assert again == path and not fetched and len(httpserver.log) == 1


def test_datamexico_empty_month_is_not_released(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(TESSERACT).respond_with_json({"data": [], "source": []})
    with pytest.raises(NotReleasedError):
        datamexico.download("GTO", 2026, 11, dest_dir=tmp_path / "data", cache=tmp_path / "c",
                            base_url=httpserver.url_for(TESSERACT))
    assert files_in(tmp_path) == []


def test_server_errors_are_retried_then_reported(httpserver: HTTPServer, tmp_path: Path,
                                                 waits: list[float]) -> None:
    httpserver.expect_request(TESSERACT).respond_with_data(
        "busy", status=503, headers={"Retry-After": "7"})
    with pytest.raises(DownloadError, match=r"HTTP 503.*after 4 attempts"):
        datamexico.download(11, 2018, 1, dest_dir=tmp_path, cache=tmp_path / "c",
                            base_url=httpserver.url_for(TESSERACT))
    assert len(httpserver.log) == 4  # first try + 3 retries
    assert waits.count(7.0) == 3  # each retry waited what Retry-After asked
    assert files_in(tmp_path) == []


# --------------------------------------------------------------------------- Comtrade


def test_comtrade_preview_sends_the_documented_query(httpserver: HTTPServer,
                                                     tmp_path: Path) -> None:
    httpserver.expect_request("/public/v1/preview/C/A/HS").respond_with_data(
        fixture_text("comtrade_preview_2017_X.json"), content_type="application/json")
    path, fetched = comtrade.download(2017, dest_dir=tmp_path / "data", cache=tmp_path / "c",
                                      base_url=httpserver.url_for("/"))
    [sent] = requests_made(httpserver)
    assert "Ocp-Apim-Subscription-Key" not in sent.headers
    assert dict(sent.args) == {
        "reporterCode": "484", "period": "2017", "flowCode": "X", "partnerCode": "842",
        "cmdCode": "AG4", "partner2Code": "0", "customsCode": "C00", "motCode": "0",
        "maxRecords": "500", "format": "JSON", "breakdownMode": "classic",
        "includeDesc": "false"}
    assert fetched and path.name == "comtrade_mex_hs4_2017_X_842.csv.gz"
    rows = comtrade.load([path]).table.to_pylist()
    assert sum(r["value_usd"] for r in rows) == 31_001_200


def _records(n: int) -> dict[str, Any]:
    record = fixture_json("comtrade_preview_2017_X.json")["data"][0]
    return {"elapsedTime": "1.1 secs", "count": n, "error": "",
            "data": [{**record, "cmdCode": f"{1000 + i}"} for i in range(n)]}


def test_comtrade_preview_at_500_records_is_refused(httpserver: HTTPServer,
                                                    tmp_path: Path) -> None:
    httpserver.expect_request("/public/v1/preview/C/A/HS").respond_with_json(_records(500))
    with pytest.raises(DownloadError) as err:
        comtrade.download(2019, dest_dir=tmp_path / "data", cache=tmp_path / "c",
                          base_url=httpserver.url_for("/"))
    en = err.value.render("en")
    assert "returned 500 records" in en and "truncated" in en
    assert "COMEXLAB_COMTRADE_KEY" in en and "comtradedeveloper.un.org" in en
    assert files_in(tmp_path) == []


def test_comtrade_count_above_the_records_sent_is_truncation(httpserver: HTTPServer,
                                                             tmp_path: Path) -> None:
    answer = {**_records(300), "count": 1214}
    httpserver.expect_request("/public/v1/preview/C/A/HS").respond_with_json(answer)
    with pytest.raises(DownloadError, match="1214 records"):
        comtrade.download(2019, dest_dir=tmp_path / "data", cache=tmp_path / "c",
                          base_url=httpserver.url_for("/"))
    assert files_in(tmp_path) == []


def test_comtrade_key_uses_the_data_endpoint_header_and_larger_cap(httpserver: HTTPServer,
                                                                   tmp_path: Path) -> None:
    httpserver.expect_request("/data/v1/get/C/A/HS").respond_with_json(_records(1200))
    path, _ = comtrade.download(2019, dest_dir=tmp_path / "data", cache=tmp_path / "c",
                                base_url=httpserver.url_for("/"), subscription_key="SUB")
    [sent] = requests_made(httpserver)
    assert sent.headers["Ocp-Apim-Subscription-Key"] == "SUB"
    assert sent.args["maxRecords"] == "100000"
    assert comtrade.load([path]).table.num_rows == 1200


def test_comtrade_401_shows_the_api_message_and_where_to_get_a_key(httpserver: HTTPServer,
                                                                   tmp_path: Path) -> None:
    httpserver.expect_request("/data/v1/get/C/A/HS").respond_with_data(
        fixture_text("comtrade_401.json"), status=401, content_type="application/json")
    with pytest.raises(DownloadError) as err:
        comtrade.download(2019, dest_dir=tmp_path, cache=tmp_path / "c",
                          base_url=httpserver.url_for("/"), subscription_key="BAD")
    en = err.value.render("en")
    assert "HTTP 401" in en and "Access denied due to invalid subscription key" in en
    assert "comtradedeveloper.un.org" in en
    assert "clave de suscripción gratuita" in err.value.render("es")
    assert len(httpserver.log) == 1  # a 401 is not retried


@pytest.mark.parametrize("status", [429, 403])
def test_comtrade_rate_limit_with_retry_after_is_retried(httpserver: HTTPServer, tmp_path: Path,
                                                         waits: list[float],
                                                         status: int) -> None:
    httpserver.expect_ordered_request("/data/v1/get/C/A/HS").respond_with_data(
        fixture_text("comtrade_429.json"), status=status, headers={"Retry-After": "2"},
        content_type="application/json")
    httpserver.expect_ordered_request("/data/v1/get/C/A/HS").respond_with_data(
        fixture_text("comtrade_preview_2017_X.json"), content_type="application/json")
    path, fetched = comtrade.download(2017, dest_dir=tmp_path, cache=tmp_path / "c",
                                      base_url=httpserver.url_for("/"), subscription_key="SUB")
    assert fetched and path.exists() and len(httpserver.log) == 2
    assert 2.0 in waits  # waited what Retry-After said


def test_rate_limit_that_never_lifts_says_so(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/data/v1/get/C/A/HS").respond_with_data(
        fixture_text("comtrade_429.json"), status=429, headers={"Retry-After": "1"},
        content_type="application/json")
    with pytest.raises(DownloadError, match=r"limiting requests.*Rate limit is exceeded"):
        comtrade.download(2017, dest_dir=tmp_path, cache=tmp_path / "c",
                          base_url=httpserver.url_for("/"), subscription_key="SUB")
    assert len(httpserver.log) == 4


# --------------------------------------------------------------------------- the client


def test_a_damaged_cache_file_is_refetched_not_trusted(httpserver: HTTPServer,
                                                       tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_imports_hs_2025_03.json"), content_type="application/json")
    dest = tmp_path / census_intltrade.file_name(2025, 3, ("MEX", "CAN"))
    dest.write_text("<html>poisoned by an older version</html>")
    got = census(httpserver, tmp_path)
    assert got.fetched and json.loads(dest.read_text())[0][0] == "CTY_CODE"




# --------------------------------------------------------------------------- CLI


@pytest.fixture()
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings from the environment as a user has them: cache in tmp, no keys set."""
    for name in ("COMEXLAB_DATAWEB_TOKEN", "COMEXLAB_CENSUS_KEY", "COMEXLAB_COMTRADE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COMEXLAB_CACHE", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _download_gto(server: HTTPServer, data: Path, end: str = "2025-01") -> Result:
    return invoke("flows", "download", "--source", "datamexico", "--from", "2025-01",
                  "--to", end, "--state", "GTO", "--data", str(data),
                  "--base-url", server.url_for(TESSERACT), "--lang", "en")


def test_cli_download_then_load_gives_a_real_state_hs6_country_report(
        httpserver: HTTPServer, cli_env: Path) -> None:
    """The closing demonstration: one DataMéxico month of Guanajuato, replayed from the fixture.

    Expected figures are the fixture's records summed by hand: exports (Flow ID 2) 1,151,715,932;
    to the US 1,090,123,342; HS6 870323 to the US 812,345,678 and to Canada 61,234,567.
    """
    httpserver.expect_request(TESSERACT).respond_with_data(
        fixture_text("datamexico_gto_2025_01.json"), content_type="application/json")
    data, wh = cli_env / "data", cli_env / "wh.duckdb"
    shown = _download_gto(httpserver, data).output
    assert "2025-01" in shown and "downloaded" in shown and "state11_202501.csv" in shown
    invoke("flows", "load", "--source", "datamexico", "--data", str(data), "--warehouse",
           str(wh), "--no-hts-naics", "--lang", "en")
    doc = json.loads(invoke("report", "exports", "--reporter", "GTO", "--from", "2025-01",
                            "--to", "2025-01", "--format", "json", "--lang", "en",
                            "--warehouse", str(wh)).output)
    assert (doc["source"], doc["estimated"]) == ("datamexico", False)  # real, not estimated
    assert "ESTIMATED" not in json.dumps(doc)
    assert doc["cuts"]["total"][0]["value_usd"] == 1_151_715_932
    partners = {r["code"]: r["value_usd"] for r in doc["cuts"]["partner"]}
    assert partners == {"USA": 1_090_123_342, "CAN": 61_469_134, "DEU": 123_456}
    to_us = json.loads(invoke("report", "exports", "--reporter", "GTO", "--partner", "USA",
                              "--from", "2025-01", "--to", "2025-01", "--format", "json",
                              "--lang", "en", "--warehouse", str(wh)).output)
    products = {r["code"]: r["value_usd"] for r in to_us["cuts"]["product"]}
    assert products["870323"] == 812_345_678 and to_us["source"] == "datamexico"
    assert sum(products.values()) == 1_090_123_342


def test_cli_download_is_resumable_and_counts_requests(httpserver: HTTPServer,
                                                       cli_env: Path) -> None:
    def handler(request: Request) -> Response:
        if request.args["Month"] == "202502":  # February not published yet
            return Response(json.dumps({"data": [], "source": []}),
                            content_type="application/json")
        return Response(fixture_text("datamexico_gto_2025_01.json"),
                        content_type="application/json")

    httpserver.expect_request(TESSERACT).respond_with_handler(handler)
    first = _download_gto(httpserver, cli_env / "data", end="2025-02").output
    assert len(httpserver.log) == 2 and "not released yet" in first
    second = _download_gto(httpserver, cli_env / "data", end="2025-02").output
    # January is saved: only February, still unreleased, is asked again
    assert len(httpserver.log) == 3 and "already saved" in second
    assert [p.name for p in files_in(cli_env / "data")] == ["state11_202501.csv"]


def test_cli_keys_are_settings_never_options(httpserver: HTTPServer, cli_env: Path) -> None:
    result = CliRunner().invoke(app, ["flows", "download", "--source", "census_intltrade",
                                      "--from", "2025-01", "--to", "2025-01", "--key", "K"])
    assert result.exit_code == 2 and "No such option" in result.output
    result = CliRunner().invoke(app, ["flows", "download", "--source", "census_intltrade",
                                      "--from", "2025-01", "--to", "2025-01",
                                      "--data", str(cli_env / "data"),
                                      "--base-url", httpserver.url_for(CENSUS_PATH)])
    assert isinstance(result.exception, DownloadError)
    assert "COMEXLAB_CENSUS_KEY" in result.exception.render("es")
    assert requests_made(httpserver) == []


def test_cli_census_key_from_the_environment(httpserver: HTTPServer, cli_env: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMEXLAB_CENSUS_KEY", "ENVKEY")
    get_settings.cache_clear()
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_imports_hs_2025_03.json"), content_type="application/json")
    shown = invoke("flows", "download", "--source", "census_intltrade", "--from", "2025-03",
                   "--to", "2025-03", "--data", str(cli_env / "data"), "--base-url",
                   httpserver.url_for(CENSUS_PATH), "--lang", "en").output
    assert requests_made(httpserver)[0].args["key"] == "ENVKEY"
    assert "ENVKEY" not in shown
    assert files_in(cli_env / "data" / "census_intltrade")[0].name.startswith(
        "census_imports_hs10_2025_03")


def test_cli_never_sends_a_key_to_a_foreign_base_url(httpserver: HTTPServer, cli_env: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Attacker's view: a pasted command with --base-url must not leak COMEXLAB_CENSUS_KEY."""
    monkeypatch.setenv("COMEXLAB_CENSUS_KEY", "SECRET")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["flows", "download", "--source", "census_intltrade",
                                      "--from", "2025-03", "--to", "2025-03", "--data",
                                      str(cli_env / "data"), "--base-url",
                                      "https://collector.example/data"])
    assert result.exception is not None and "collector.example" in str(result.exception)
    assert "api.census.gov" in str(result.exception)


def test_dataweb_unreleased_month_is_not_written_as_zero_trade(httpserver: HTTPServer,
                                                               tmp_path: Path) -> None:
    empty = {"dto": {"errors": [], "tables": [{"row_groups": [{"rowsNew": []}]}]}}
    httpserver.expect_request(RUNREPORT, method="POST").respond_with_json(empty)
    with pytest.raises(NotReleasedError):
        dataweb(httpserver, tmp_path)
    assert files_in(tmp_path) == []  # neither the month file nor its empty batches


def test_an_error_without_a_body_still_reads_as_a_sentence(httpserver: HTTPServer,
                                                           tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data("", status=404)
    with pytest.raises(DownloadError) as err:
        census(httpserver, tmp_path)
    assert "HTTP 404 for 2025-03 (MEX, CAN): (no message in the answer)" in err.value.render("en")
    assert "(la respuesta no trae mensaje)" in err.value.render("es")


def test_census_overlapping_country_lists_are_not_loaded_twice(httpserver: HTTPServer,
                                                               tmp_path: Path) -> None:
    httpserver.expect_request(CENSUS_PATH).respond_with_data(
        fixture_text("census_imports_hs_2025_03.json"), content_type="application/json")
    both = census(httpserver, tmp_path, countries=("MEX", "CAN")).path
    mex = census(httpserver, tmp_path, countries=("MEX",)).path
    with pytest.raises(ValueError, match="count that trade twice"):
        census_intltrade.load([both, mex])


def test_datamexico_continent_prefixed_country_ids_are_read() -> None:
    """Datawheel cubes also spell countries 'nausa'; the CSVs say 'usa'. Both are the US."""
    assert datamexico.country_iso3("nausa") == datamexico.country_iso3("usa") == "USA"
    assert datamexico.country_iso3("eudeu") == "DEU"
    with pytest.raises(ValueError):
        datamexico.country_iso3("xxusa")


@pytest.mark.parametrize(("start", "end", "field"), [
    ("2025-13", "2025-12", "--from"), ("2025-01", "25-02", "--to"),
    ("2025-03", "2025-01", "--from"),
])
def test_cli_bad_window_names_the_option(cli_env: Path, start: str, end: str,
                                         field: str) -> None:
    result = CliRunner().invoke(app, ["flows", "download", "--source", "datamexico", "--state",
                                      "GTO", "--from", start, "--to", end,
                                      "--data", str(cli_env / "data")])
    assert result.exception is not None and field in result.exception.render("es")
    assert "AAAA-MM" in result.exception.render("es")


def test_cli_unwritable_data_folder_is_a_plain_error(cli_env: Path) -> None:
    data = cli_env / "not-a-folder"
    data.write_text("a file where the data folder should be")  # (tests may run as root)
    result = CliRunner().invoke(app, ["flows", "download", "--source", "datamexico",
                                      "--state", "GTO", "--from", "2025-01", "--to", "2025-01",
                                      "--data", str(data), "--base-url", "http://127.0.0.1:9/"])
    assert isinstance(result.exception, InputError)
    assert "COMEXLAB_DATA" in result.exception.render("en")
    assert "carpeta en la que pueda escribir" in result.exception.render("es")


def test_unreachable_publisher_is_reported_after_retries(tmp_path: Path,
                                                         waits: list[float]) -> None:
    with pytest.raises(DownloadError) as err:
        datamexico.download("GTO", 2025, 1, dest_dir=tmp_path, cache=tmp_path / "c",
                            base_url="http://127.0.0.1:9/tesseract/data.jsonrecords")
    assert "cannot reach" in err.value.render("en")
    assert "no se puede conectar" in err.value.render("es")
    assert waits.count(1.0) >= 1 and 4.0 in waits  # backoff 1, 2, 4 s between the 4 tries


def test_cli_dataweb_month_is_40_cached_requests(httpserver: HTTPServer, cli_env: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """97 chapters in batches of 5 = 20 batches × (all programs, S/S+) = 40 POSTs a month."""
    monkeypatch.setenv("COMEXLAB_DATAWEB_TOKEN", "TOKEN")
    get_settings.cache_clear()
    httpserver.expect_request(RUNREPORT, method="POST").respond_with_data(
        fixture_text("dataweb_runreport_2025_03.json"), content_type="application/json")
    args = ("flows", "download", "--source", "usitc_dataweb", "--from", "2025-03", "--to",
            "2025-03", "--data", str(cli_env / "data"), "--base-url",
            httpserver.url_for("/dataweb"), "--lang", "en")
    assert "downloaded" in invoke(*args).output and len(httpserver.log) == 40
    assert "already saved" in invoke(*args).output and len(httpserver.log) == 40
    [month] = files_in(cli_env / "data" / usitc_dataweb.FOLDER)
    assert month.name == "usmca_product_shares_2025_03.csv.gz"


def test_cli_comtrade_without_key_refuses_a_capped_preview(httpserver: HTTPServer,
                                                           cli_env: Path) -> None:
    httpserver.expect_request("/public/v1/preview/C/A/HS").respond_with_json(_records(500))
    result = CliRunner().invoke(app, ["flows", "download", "--source", "comtrade", "--from",
                                      "2019-01", "--to", "2019-12", "--data",
                                      str(cli_env / "data"), "--base-url",
                                      httpserver.url_for("/")])
    assert isinstance(result.exception, DownloadError)
    assert "COMEXLAB_COMTRADE_KEY" in result.exception.render("es")
    assert requests_made(httpserver)[0].args["period"] == "2019"
    assert files_in(cli_env / "data") == []
