"""Sortable, paged tables on every page, and the dashboard's cached warm path (issue 13).

The script in static/app.js sorts and pages any ``<table data-sortable>``; what the server must
give it is checked here: the attribute and the pager's words in the reader's language, and a
``data-value`` with the raw number on every numeric cell (so the browser never parses
"US$24.71 mil M"). The browser side is in tests/browser/test_browser_tables.py.
"""

from __future__ import annotations

import math

import lxml.html
import pytest

from comexlab.web.auth import security
from comexlab.web.context import context_of
from comexlab.web.routes import dashboard as dashboard_route

GTO_2018 = {"reporter": "MX-GTO", "start": "2018", "end": "2018"}


def sortable_tables(html: str) -> list[lxml.html.HtmlElement]:
    return lxml.html.fromstring(html).xpath("//table[@data-sortable]")


def assert_numeric_cells_carry_values(table: lxml.html.HtmlElement) -> None:
    """Every right-aligned (numeric) body cell of a sortable table has a data-value."""
    for cell in table.xpath("./tbody/tr/td[contains(concat(' ', @class, ' '), ' n ')]"):
        value = cell.get("data-value")
        assert value is not None, (table.get("id"), lxml.html.tostring(cell)[:120])
        if value:
            float(value)  # a plain number, not formatted text


def test_dashboard_tables_sort_on_raw_values_and_show_every_row(as_user) -> None:
    c = as_user("analyst")
    api = c.get("/api/dashboard", params=GTO_2018).json()
    html = c.get("/dashboard", params=GTO_2018).text
    table = lxml.html.fromstring(html).get_element_by_id("table-sectors")
    assert table.get("data-sortable") is not None and table.get("data-page-size") == "10"
    # the pager's words from the Spanish catalog, placeholders left for the script
    assert table.get("data-label-page") == "Página {page} de {pages}"
    assert table.get("data-label-next") == "Siguiente ›"
    rows = table.xpath("./tbody/tr")
    # every sector, not the first ten: the script pages them (INEGI EEF GTO 2018: 24 SCIAN rows)
    assert len(rows) == len(api["sectors"]) > 10
    for row, cut in zip(rows, api["sectors"], strict=True):
        value, change, share = (td.get("data-value") for td in row.xpath("./td[@class='n']"))
        assert math.isclose(float(value), cut["value_usd"])
        assert math.isclose(float(share), cut["share"])
        assert change == ("" if cut["change"] is None else repr(cut["change"]))
    assert_numeric_cells_carry_values(table)
    c.cookies.set("lang", "en")
    table_en = sortable_tables(c.get("/dashboard", params=GTO_2018).text)[0]
    assert table_en.get("data-label-page") == "Page {page} of {pages}"


PAGES = [
    ("/dashboard", GTO_2018, ["table-sectors"]),
    ("/regime", {"reporter": "MEX"}, ["table-parts", "table-segments", "table-lines"]),
    ("/markets", {"product": "030617", "exporter": "MEX", "year": "2018"}, ["table-markets"]),
    ("/kpi", {"year": "2025"}, ["table-kpi"]),
    ("/programs/GTO-SUPPLY", {}, ["table-firms"]),
    ("/registry/clusters", {}, ["clusters-table", "links-table"]),
    ("/admin/users", {}, ["users"]),
    ("/scenarios", {}, ["catalog-table"]),
]


@pytest.mark.parametrize(("path", "params", "ids"), PAGES, ids=[p[0] for p in PAGES])
def test_list_tables_are_sortable_with_values(as_user, path, params, ids) -> None:
    c = as_user("admin")
    response = c.get(path, params=params)
    assert response.status_code == 200, response.text[:300]
    tables = {t.get("id"): t for t in sortable_tables(response.text)}
    assert set(ids) <= set(tables), (path, sorted(k for k in tables if k))
    for table in tables.values():
        assert table.xpath("./thead/tr/th"), table.get("id")  # headers to click
        assert_numeric_cells_carry_values(table)


def test_regime_total_row_stays_out_of_the_sorted_rows(as_user) -> None:
    html = as_user("analyst").get("/regime", params={"reporter": "MEX"}).text
    parts = lxml.html.fromstring(html).get_element_by_id("table-parts")
    assert parts.xpath("./tfoot/tr/th")  # the total is a footer: sorting cannot move it
    assert not parts.xpath("./tbody/tr/th")


def test_firm_page_certificates_sort_by_date(as_user, web_env) -> None:
    html = as_user("admin").get(f"/registry/firms/{web_env.firm_a}").text
    doc = lxml.html.fromstring(html)
    certs = doc.xpath("//table[@id='certs']")
    if certs:
        assert certs[0].get("data-sortable") is not None
        dates = [td.get("data-value") for td in certs[0].xpath("./tbody/tr/td[5]")]
        assert all(d == "" or len(d) == 10 for d in dates)  # ISO dates sort as text
    else:
        assert doc.get_element_by_id("certs-empty").text_content().startswith("No hay datos")


def test_dashboard_warm_request_renders_once_and_revalidates(as_user, monkeypatch) -> None:
    drawn: list[str] = []
    real = dashboard_route.charts.dashboard_charts

    def counting(data, lang="es"):
        drawn.append(lang)
        return real(data, lang)

    monkeypatch.setattr(dashboard_route.charts, "dashboard_charts", counting)
    c = as_user("analyst")
    first = c.get("/dashboard", params=GTO_2018)
    second = c.get("/dashboard", params=GTO_2018)
    assert first.status_code == second.status_code == 200
    assert first.text == second.text and drawn == ["es"]  # second one from the cache
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "private, no-cache"
    again = c.get("/dashboard", params=GTO_2018, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # the htmx fragment, another user and another language are other validators
    frag = c.get("/dashboard", params=GTO_2018, headers={"HX-Request": "true"})
    assert frag.status_code == 200 and frag.headers["etag"] != etag
    assert "<html" not in frag.text and 'id="table-sectors"' in frag.text
    other = as_user("analyst2").get("/dashboard", params=GTO_2018,
                                    headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    c.cookies.set("lang", "en")
    english = c.get("/dashboard", params=GTO_2018, headers={"If-None-Match": etag})
    assert english.status_code == 200 and "State exports" in english.text
    assert drawn == ["es", "en"]


def test_dashboard_cache_cleared_by_a_warehouse_write(as_user, app, monkeypatch) -> None:
    drawn: list[str] = []
    real = dashboard_route.charts.dashboard_charts
    monkeypatch.setattr(dashboard_route.charts, "dashboard_charts",
                        lambda data, lang="es": drawn.append(lang) or real(data, lang))
    c = as_user("analyst")
    c.get("/dashboard", params=GTO_2018)
    context_of(app).warehouse.submit_write(lambda con: None)  # the single writer clears the cache
    c.get("/dashboard", params=GTO_2018)
    assert drawn == ["es", "es"]


def test_logged_out_session_gets_no_cached_page(as_user) -> None:
    c = as_user("analyst")
    etag = c.get("/dashboard", params=GTO_2018).headers["etag"]
    csrf = c.get("/api/auth/csrf").json()["csrf_token"]
    assert c.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code in (200, 204)
    after = c.get("/dashboard", params=GTO_2018, headers={"If-None-Match": etag})
    assert after.status_code in (200, 401) and after.status_code != 304
    assert 'id="table-sectors"' not in after.text  # the login form, not the report


def test_one_session_lookup_per_page_request(as_user, monkeypatch) -> None:
    c = as_user("analyst")
    calls: list[object] = []
    real = security._live_session_user
    monkeypatch.setattr(security, "_live_session_user",
                        lambda request, uid, token: calls.append(uid) or real(request, uid, token))
    assert c.get("/dashboard", params=GTO_2018).status_code == 200
    assert c.get("/registry/clusters").status_code == 200
    assert len(calls) == 2  # the page renderer reuses the dependency's answer


def test_repeated_dashboard_page_is_served_from_the_page_cache(as_user, app,
                                                               monkeypatch) -> None:
    """A second view of the same page (same session, report, language) costs no render and no
    gzip: the page cache keeps both forms; another session, a write or a new role do not hit.
    """
    import gzip

    from comexlab.web.routes import dashboard as route

    made: list[int] = []
    real = route._page_bytes
    monkeypatch.setattr(route, "_page_bytes", lambda r: made.append(1) or real(r))
    c = as_user("analyst")
    first = c.get("/dashboard", params=GTO_2018)
    raw = c.get("/dashboard", params=GTO_2018, headers={"Accept-Encoding": "identity"})
    packed = c.stream("GET", "/dashboard", params=GTO_2018,
                      headers={"Accept-Encoding": "gzip"})
    with packed as r:
        body = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in r.headers["vary"]
    assert made == [1]  # rendered once for three requests
    assert gzip.decompress(body) == raw.content == first.content
    assert "content-encoding" not in raw.headers
    # another analyst's session has its own page (its own user name and CSRF token)
    other = as_user("analyst2").get("/dashboard", params=GTO_2018)
    assert other.status_code == 200 and made == [1, 1]
    assert "analyst2" in other.text and other.content != first.content
    context_of(app).warehouse.submit_write(lambda con: None)
    c.get("/dashboard", params=GTO_2018)
    assert made == [1, 1, 1]  # a write clears the pages too
