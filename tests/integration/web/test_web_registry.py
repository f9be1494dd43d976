"""Registry pages and API on the seeded demo registry: firm isolation, edits, import, graph."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from web_helpers import assert_error

from comexlab.registry.db import make_engine, reading
from comexlab.registry.models import Firm


def _firm(web_env, firm_id: int) -> Firm:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        firm = s.get(Firm, firm_id)
        s.expunge(firm)
        return firm


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# ------------------------------------------------------------------ firm isolation
def test_firm_user_reads_own_firm_only_by_api(as_user, web_env) -> None:
    c = as_user("firm_a")
    own = c.get(f"/api/firms/{web_env.firm_a}")
    assert own.status_code == 200 and own.json()["id"] == web_env.firm_a
    assert_error(c.get(f"/api/firms/{web_env.firm_b}"), 403, "forbidden")
    assert_error(c.get(f"/api/firms/{web_env.firm_b}/gap", params={"sector": "automotive"}),
                 403, "forbidden")


def test_firm_user_list_holds_only_own_firm(as_user, web_env) -> None:
    c = as_user("firm_a")
    data = c.get("/api/firms", params={"page_size": 200}).json()
    assert data["total"] == 1
    assert [f["id"] for f in data["firms"]] == [web_env.firm_a]
    page = c.get("/registry/firms")
    other = _firm(web_env, web_env.firm_b)
    assert other.legal_name not in page.text and other.rfc not in page.text


def test_firm_user_cannot_open_other_firm_by_url(as_user, web_env) -> None:
    c = as_user("firm_a")
    other = _firm(web_env, web_env.firm_b)
    r = c.get(f"/registry/firms/{web_env.firm_b}", headers={"accept": "text/html"})
    assert r.status_code == 403
    assert other.legal_name not in r.text and other.rfc not in r.text
    assert c.get(f"/registry/firms/{web_env.firm_a}").status_code == 200


def test_firm_user_cannot_change_other_firm_by_api(as_user, web_env) -> None:
    before = _firm(web_env, web_env.firm_b)
    c = as_user("firm_a")
    r = c.patch(f"/api/firms/{web_env.firm_b}", json={"website": "https://hijack.example"})
    assert_error(r, 403, "forbidden")
    after = _firm(web_env, web_env.firm_b)
    assert after.website == before.website


def test_firm_user_cannot_change_other_firm_by_form(as_user, web_env) -> None:
    before = _firm(web_env, web_env.firm_b)
    c = as_user("firm_a")
    token = _form_token(c.get(f"/registry/firms/{web_env.firm_a}").text)
    r = c.post(f"/registry/firms/{web_env.firm_b}",
               data={"csrf_token": token, "website": "https://hijack.example", "employees": "1"},
               headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 403
    after = _firm(web_env, web_env.firm_b)
    assert (after.website, after.employees) == (before.website, before.employees)


def test_firm_user_edits_own_firm_by_form(as_user, web_env) -> None:
    c = as_user("firm_a")
    page = c.get(f"/registry/firms/{web_env.firm_a}")
    assert 'id="firm-edit"' in page.text
    before = _firm(web_env, web_env.firm_a)
    r = c.post(f"/registry/firms/{web_env.firm_a}",
               data={"csrf_token": _form_token(page.text), "website": "https://own.example",
                     "employees": "260", "exporter": "on" if before.exporter else ""},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    after = _firm(web_env, web_env.firm_a)
    assert after.website == "https://own.example" and after.employees == 260
    assert after.size_class == "large"  # recomputed by the registry (industry, >250)


def test_firm_user_edits_own_firm_by_api_and_bad_value_is_422(as_user, web_env) -> None:
    c = as_user("firm_a")
    r = c.patch(f"/api/firms/{web_env.firm_a}", json={"employees": 12})
    assert r.status_code == 200 and r.json()["employees"] == 12
    assert r.json()["size_class"] == "small"
    body = assert_error(c.patch(f"/api/firms/{web_env.firm_a}", json={"employees": -3}),
                        422, "invalid_input")
    assert body["details"][0]["field"] == "employees"


def test_analyst_reads_all_but_cannot_edit(as_user, web_env) -> None:
    c = as_user("analyst")
    assert c.get("/api/firms").json()["total"] >= 100  # the demo registry has 128 firms
    assert c.get(f"/api/firms/{web_env.firm_b}").status_code == 200
    assert_error(c.patch(f"/api/firms/{web_env.firm_b}", json={"employees": 5}), 403, "forbidden")


def test_firm_user_may_not_see_clusters_or_import(as_user) -> None:
    c = as_user("firm_a")
    assert_error(c.get("/api/clusters/graph"), 403, "forbidden")
    files = {"file": ("firms.csv", b"rfc\n", "text/csv")}
    assert_error(c.post("/api/registry/import", files=files), 403, "forbidden")


# ------------------------------------------------------------------ list, gap, graph
def test_firm_filters(as_user) -> None:
    c = as_user("analyst")
    stamping = c.get("/api/firms", params={"process": "stamping", "page_size": 200}).json()
    assert stamping["total"] > 0
    assert all("stamping" in f["processes"] for f in stamping["firms"])
    gto = c.get("/api/firms", params={"state": "11", "page_size": 200}).json()
    assert gto["total"] > 0 and all(f["state"] == "11" for f in gto["firms"])
    page2 = c.get("/api/firms", params={"page": 2, "page_size": 10}).json()
    page1 = c.get("/api/firms", params={"page": 1, "page_size": 10}).json()
    assert {f["id"] for f in page1["firms"]}.isdisjoint(f["id"] for f in page2["firms"])


def test_gap_names_iatf_for_firm_without_it(as_user, web_env) -> None:
    c = as_user("analyst")
    firms = c.get("/api/firms", params={"page_size": 200}).json()["firms"]
    without = next(f for f in firms if "IATF16949" not in f["certifications"])
    gap = c.get(f"/api/firms/{without['id']}/gap", params={"sector": "automotive"}).json()
    assert "IATF16949" in gap["missing"]
    html = c.get(f"/registry/firms/{without['id']}/gap", params={"sector": "automotive"}).text
    assert "IATF 16949" in html  # the standard by name, not by code


def test_firm_page_colours_certificates_by_status(as_user) -> None:
    c = as_user("analyst")
    expired = c.get("/api/firms", params={"cert_status": "expired", "page_size": 1}).json()
    fid = expired["firms"][0]["id"]
    detail = c.get(f"/api/firms/{fid}").json()
    assert "expired" in {cert["status"] for cert in detail["certifications"]}
    assert 'class="cert-expired"' in c.get(f"/registry/firms/{fid}").text


def test_clusters_graph(as_user) -> None:
    c = as_user("analyst")
    graph = c.get("/api/clusters/graph").json()
    ids = {n["id"] for n in graph["nodes"]}
    assert len(graph["nodes"]) == 6 and len(graph["links"]) >= 5  # demo: 6 clusters, 7 links
    assert all(lk["source"] in ids and lk["target"] in ids for lk in graph["links"])
    page = c.get("/registry/clusters").text
    assert 'data-chart="chart-clusters"' in page and '"type": "graph"' in page


# ------------------------------------------------------------------ import
FIRM_HEADER = ["rfc", "legal_name", "state_code", "municipality_code", "employees", "activity",
               "chain_role", "sectors", "processes", "exporter", "export_destinations",
               "website", "is_demo"]


def _workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "firms"
    ws.append(FIRM_HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = ["TME140101AB1", "Troqueles Modelo SA de CV", "11", "020", 40, "industry", "tier2",
        "automotive", "stamping", "no", None, None, "no"]
_TAIL = ["industry", None, None, None, "no", None, None, "no"]
BAD_ROWS = [
    ["NOT-AN-RFC", "Mala 1", "11", "020", 10, *_TAIL],  # bad RFC
    ["BBB140101AB2", "Mala 2", "99", None, 10, *_TAIL],  # no state 99
    ["CCC140101AB3", "Mala 3", "14", None, -5, *_TAIL],  # negative employees
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _firm_count(web_env) -> int:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        return s.scalar(select(func.count()).select_from(Firm))


def test_import_with_errors_lists_every_row_and_writes_nothing(as_user, web_env) -> None:
    before = _firm_count(web_env)
    c = as_user("admin")
    content = _workbook([GOOD, *BAD_ROWS])
    r = c.post("/api/registry/import", files={"file": ("firms.xlsx", content, XLSX)},
               params={"dry_run": "false"})
    body = assert_error(r, 422, "invalid_input")
    assert {d["row"] for d in body["details"]} == {3, 4, 5}  # header is row 1, GOOD is row 2
    assert {"rfc", "state_code", "employees"} <= {d["field"] for d in body["details"]}
    assert _firm_count(web_env) == before


def test_import_page_shows_errors_before_writing(as_user, web_env) -> None:
    before = _firm_count(web_env)
    c = as_user("admin")
    token = _form_token(c.get("/registry/import").text)
    r = c.post("/registry/import", data={"csrf_token": token},
               files={"upload": ("firms.xlsx", _workbook([GOOD, *BAD_ROWS]), XLSX)})
    assert r.status_code == 422
    assert 'id="import-errors"' in r.text and "import-confirm" not in r.text
    for row in (3, 4, 5):  # the row number, sortable as a number (data-value)
        assert f'<td class="n" data-value="{row}">{row}</td>' in r.text
    assert _firm_count(web_env) == before


@pytest.mark.parametrize("rfc", ["TMD140101AB4"])
def test_import_clean_file_dry_run_then_confirm(as_user, web_env, rfc: str) -> None:
    before = _firm_count(web_env)
    c = as_user("admin")
    token = _form_token(c.get("/registry/import").text)
    good = [rfc, *GOOD[1:]]
    r = c.post("/registry/import", data={"csrf_token": token},
               files={"upload": ("firms.xlsx", _workbook([good]), XLSX)})
    assert r.status_code == 200 and 'id="import-confirm"' in r.text
    assert _firm_count(web_env) == before  # dry run wrote nothing
    confirm = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = c.post("/registry/import/confirm", data={"csrf_token": token, "token": confirm})
    assert r.status_code == 200 and 'id="import-done"' in r.text
    assert _firm_count(web_env) == before + 1
    # a replayed confirmation does nothing
    r = c.post("/registry/import/confirm", data={"csrf_token": token, "token": confirm},
               headers={"accept": "application/json"})
    assert_error(r, 409, "conflict")


def test_import_rejects_other_file_types(as_user) -> None:
    c = as_user("admin")
    r = c.post("/api/registry/import", files={"file": ("x.exe", b"MZ", "application/x-msdownload")})
    body = assert_error(r, 422, "invalid_input")
    assert body["details"][0]["field"] == "upload"


def test_firms_firm_and_clusters_pages_show_names_not_codes(as_user) -> None:
    """Issue 13: processes, states, clusters and municipalities by name in the reader's language."""
    c = as_user("analyst")
    page = c.get("/registry/firms").text
    table = page[page.index('id="firm-table"'):]
    assert "Automatización industrial e integración de robots" in table  # process, Spanish
    assert "industrial_automation" not in table
    assert "<td>Guanajuato</td>" in table and "<td>11</td>" not in table  # INEGI 11
    assert "Clúster Automotriz de Guanajuato (demo)" in table
    # firm 1 of the demo registry is in El Salto, Jalisco: INEGI AGEEM 14070
    firm = c.get("/registry/firms/1").text
    assert 'id="firm-municipality">El Salto <span class="muted">(14070)</span>' in firm
    links = c.get("/registry/clusters").text.split("<h2>", 2)[-1]
    assert "Clúster Automotriz de Jalisco (demo)</td><td>↔" in links
    en = as_user("analyst")
    en.cookies.set("lang", "en")
    assert "Industrial automation and robotics integration" in en.get("/registry/firms").text


def test_municipality_outside_the_list_shows_its_code() -> None:
    from comexlab.services.sites import municipality_name

    assert municipality_name("14", "070") == "El Salto"
    assert municipality_name("14", "999") is None and municipality_name("14", None) is None
