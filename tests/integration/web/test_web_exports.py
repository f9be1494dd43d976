"""Downloads from the dashboard, the firms list, a firm's gap and the clusters page (issue 13).

Each file is opened as an analyst would (openpyxl / csv) and checked against the figure or row
the page itself shows; a firm user's downloads hold their firm only, as their pages do.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from web_helpers import assert_error

from comexlab.registry.db import make_engine, reading
from comexlab.registry.models import Firm


def _workbook(response):
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content))


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _legal_name(web_env, firm_id: int) -> str:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        return s.get(Firm, firm_id).legal_name


def test_dashboard_xlsx_holds_every_cut_with_report_figures(as_user) -> None:
    c = as_user("analyst")
    params = {"reporter": "MX-GTO", "start": "2018"}
    wb = _workbook(c.get("/dashboard/export.xlsx", params=params))
    # Spanish by default: sheet and column names in the reader's language.
    assert wb.sheetnames[:4] == ["Principales sectores", "Principales productos",
                                 "Principales destinos", "Exportaciones por periodo"]
    sectors = list(wb["Principales sectores"].iter_rows(values_only=True))
    assert sectors[0][:3] == ("Código", "Descripción", "Valor (USD)")
    # Guanajuato 2018: transport equipment (SCIAN 336) leads; the sectors add up to the
    # INEGI EEF total US$24,712,286 thousand (same figure as the dashboard test).
    assert sectors[1][0] == "336"
    assert sum(r[2] for r in sectors[1:]) == pytest.approx(24_712_286_000)
    notes = [r[0] for r in wb[wb.sheetnames[-1]].iter_rows(values_only=True)]
    assert any("MX-GTO" in str(n) for n in notes)


def test_dashboard_csv_one_cut(as_user) -> None:
    c = as_user("analyst")
    rows = _csv_rows(c.get("/dashboard/export.csv",
                           params={"reporter": "MX-GTO", "start": "2018", "cut": "series"}))
    assert rows[0] == ["Periodo", "Valor (USD)"]
    by_period = {r[0]: float(r[1]) for r in rows[1:]}
    assert by_period["2018"] == pytest.approx(24_712_286_000)
    assert_error(c.get("/dashboard/export.csv", params={"cut": "secret"}), 422, "invalid_input")


def test_dashboard_page_links_its_downloads(as_user) -> None:
    page = as_user("analyst").get("/dashboard", params={"reporter": "MX-GTO", "start": "2018"})
    assert 'href="/dashboard/export.xlsx?reporter=MX-GTO&amp;start=2018&amp;end=2018"' in page.text
    assert "cut=sectors" in page.text


def test_firms_export_keeps_filters_and_every_page(as_user, web_env) -> None:
    c = as_user("analyst")
    listed = c.get("/api/firms", params={"page_size": 200}).json()
    wb = _workbook(c.get("/registry/firms/export.xlsx", params={"page_size": 2}))
    rows = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert rows[0][:2] == ("Empresa", "RFC")
    assert len(rows) - 1 == listed["total"]  # every firm, not the page of 2
    first = listed["firms"][0]
    state = first["state"]
    filtered = c.get("/api/firms", params={"state": state, "page_size": 200}).json()
    csv_rows = _csv_rows(c.get("/registry/firms/export.csv", params={"state": state}))
    assert sorted(r[1] for r in csv_rows[1:]) == sorted(f["rfc"] for f in filtered["firms"])
    assert 'href="/registry/firms/export.xlsx?state=' in c.get(
        "/registry/firms", params={"state": state}).text


def test_firm_user_export_holds_own_firm_only(as_user, web_env) -> None:
    c = as_user("firm_a")
    rows = _csv_rows(c.get("/registry/firms/export.csv"))
    assert [r[0] for r in rows[1:]] == [_legal_name(web_env, web_env.firm_a)]
    assert_error(c.get(f"/registry/firms/{web_env.firm_b}/gap/export.csv",
                       params={"sector": "automotive"}), 403, "forbidden")
    assert_error(c.get("/registry/clusters/export.xlsx"), 403, "forbidden")


def test_gap_export_matches_gap_view(as_user, web_env) -> None:
    c = as_user("firm_a")
    gap = c.get(f"/api/firms/{web_env.firm_a}/gap", params={"sector": "automotive"}).json()
    wb = _workbook(c.get(f"/registry/firms/{web_env.firm_a}/gap/export.xlsx",
                         params={"sector": "automotive"}))
    rows = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert rows[0] == ("Empresa", "Sector", "Norma", "Requeridas", "Tiene", "Situación")
    standing = {r[2]: r[5] for r in rows[1:]}
    assert set(gap["required"]) | set(gap["held"]) <= set(standing)
    for std in gap["missing"]:
        assert standing[std] == "Falta"
    assert {r[0] for r in rows[1:]} == {_legal_name(web_env, web_env.firm_a)}


def test_clusters_export_names_not_codes(as_user) -> None:
    c = as_user("analyst")
    graph = c.get("/api/clusters/graph").json()
    wb = _workbook(c.get("/registry/clusters/export.xlsx"))
    clusters = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert clusters[0] == ("Clúster", "Estado", "Miembros")
    assert sorted(r[0] for r in clusters[1:]) == sorted(n["name"] for n in graph["nodes"])
    links = list(wb[wb.sheetnames[1]].iter_rows(values_only=True))
    names = {n["name"] for n in graph["nodes"]}
    assert len(links) - 1 == len(graph["links"]) and links[1][0] in names


def test_import_page_offers_template_and_allowed_values(as_user) -> None:
    c = as_user("admin")
    page = c.get("/registry/import").text
    assert 'href="/registry/import/template.xlsx"' in page
    # Allowed values named in the reader's language (Spanish by default), codes beside them.
    assert "Valores permitidos" in page and "oem (OEM (armadora))" in page
    assert "industry (industria)" in page
    wb = _workbook(c.get("/registry/import/template.xlsx"))
    assert "firms" in wb.sheetnames and "help" in wb.sheetnames
    header = next(wb["firms"].iter_rows(values_only=True))
    assert header[:2] == ("rfc", "legal_name")  # the importer's own column names
    c.cookies.set("lang", "en")
    english = c.get("/registry/import").text
    assert "Allowed values" in english and "industry (industry)" not in english
    assert "oem (OEM)" in english
    assert_error(as_user("analyst").get("/registry/import/template.xlsx"), 403, "forbidden")


def test_dashboard_opens_on_latest_year_with_data(as_user) -> None:
    """Issue 13: the dashboard opened on 2018 before the INEGI EEF package (2007-2025) merged."""
    c = as_user("analyst")
    options = c.get("/api/dashboard/options").json()
    d = c.get("/api/dashboard").json()
    assert options["default_reporter"] == "MX-GTO"
    assert d["start"] == options["default_start"] == "2025"
    assert d["total_usd"] > 0


def test_sector_links_to_its_firms_and_state_to_regime(as_user) -> None:
    """Dashboard SCIAN 336 (transport equipment) → the registry's automotive suppliers."""
    c = as_user("analyst")
    page = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2018"}).text
    assert 'href="/registry/firms?sector=automotive"' in page
    assert 'href="/regime?reporter=MX-GTO"' in page
    listed = c.get("/api/firms", params={"sector": "automotive", "page_size": 200}).json()
    every = c.get("/api/firms", params={"page_size": 200}).json()
    assert 0 < listed["total"] < every["total"]
    firms_page = c.get("/registry/firms", params={"sector": "automotive"}).text
    assert f'href="/registry/firms/{listed["firms"][0]["id"]}"' in firms_page
    assert c.get("/regime", params={"reporter": "MX-GTO"}).status_code == 200


def test_empty_sections_say_so_and_clusters_link_members(as_user) -> None:
    c = as_user("analyst")
    # INEGI has no destinations by state: the section says so instead of vanishing.
    page = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2018"}).text
    assert 'id="empty-destinations"' in page
    none = c.get("/registry/firms", params={"q": "no-such-firm-zzz"}).text
    assert 'id="firms-empty"' in none and "Ninguna empresa" in none
    graph = c.get("/api/clusters/graph").json()
    node = graph["nodes"][0]
    assert f'href="/registry/firms?cluster={node["id"]}"' in c.get("/registry/clusters").text
    members = c.get("/api/firms", params={"cluster": node["id"], "page_size": 200}).json()
    assert members["total"] == node["members"]
