"""Markets, program and KPI pages and their API on the demo (same figures as the CLI)."""

from __future__ import annotations

import pytest
from web_helpers import assert_error


def test_api_rank_mexico_shrimp(as_user) -> None:
    c = as_user("firm_a")  # public statistics: every role may rank markets
    d = c.get("/api/markets/rank", params={"product": "030617", "exporter": "MEX",
                                           "year": 2018}).json()
    first = d["markets"][0]
    assert first["market"] == "USA" and first["rank"] == 1
    assert first["actual_usd"] == pytest.approx(280_881_973.0)  # raw file: 280,881.973 k
    assert d["supply_usd"] == pytest.approx(378_022_128.0)
    assert "tariffs=neutral default" in d["parameters"]
    assert d["partial"] is False and len(d["markets"]) == 20


def test_markets_page_and_bad_input(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/markets", params={"product": "030617", "exporter": "MEX"}).text
    assert 'id="table-markets"' in html and 'data-chart="chart-markets"' in html
    assert "USA" in html and 'id="assumptions"' in html
    # a product with no data: a message on the page, not a 500
    page = c.get("/markets", params={"product": "999999", "exporter": "MEX"})
    assert page.status_code == 200 and 'id="markets-error"' in page.text
    # the extract of two exporters is flagged, never passed off as a world ranking
    zaf = c.get("/markets", params={"product": "870323", "exporter": "ZAF"}).text
    assert 'id="partial-flag"' in zaf
    body = assert_error(c.get("/api/markets/rank", params={"product": "<script>",
                                                           "exporter": "MEX"}),
                        422, "invalid_input")
    assert body["details"][0]["field"] == "product"


def test_program_page_for_agency_only(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/programs/GTO-SUPPLY").text
    assert 'id="kpi-firms_onboarded"' in html and 'id="table-firms"' in html
    d = c.get("/api/programs/GTO-SUPPLY").json()
    progress = {p["indicator"]: p for p in d["progress"]}
    assert progress["firms_onboarded"]["target"] == 500
    assert progress["countries_reached"]["target"] == 120
    assert len(d["firms"]) == 30
    firm = as_user("firm_a")
    assert firm.get("/programs/GTO-SUPPLY").status_code == 403
    assert firm.get("/api/programs/GTO-SUPPLY").status_code == 403
    assert c.get("/api/programs/NOPE").status_code == 404


def test_kpi_page_says_no_events(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/kpi", params={"year": 2025}).text
    assert 'id="table-kpi"' in html and 'id="no-events"' in html
    assert as_user("firm_a").get("/kpi").status_code == 403
    assert c.get("/kpi", params={"year": 1800}).status_code == 422
