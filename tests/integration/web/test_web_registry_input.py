"""Issue 9, registry bad input through the web app: never a 500, always a field error in the
reader's language, nothing written; and a firm with only its required columns is listed."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text
from web_helpers import assert_error

from comexlab.registry.db import make_engine, reading
from comexlab.registry.models import Firm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MINIMAL_RFC = "MIN140101AB1"
LATIN_RFC = "QAN140101AB2"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _firm_by_rfc(web_env, rfc: str) -> Firm | None:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        firm = s.scalars(select(Firm).filter_by(rfc=rfc)).one_or_none()
        if firm is not None:
            s.expunge(firm)
        return firm


def _firm_count(web_env) -> int:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        return s.scalar(select(func.count()).select_from(Firm))


def _import(client, name: str, content: bytes, media: str = "text/csv"):
    return client.post("/api/registry/import", files={"file": (name, content, media)},
                       params={"dry_run": "false"})


# ------------------------------------------------------------------ NaN in optional fields
def test_firm_with_only_required_columns_is_listed_and_shown(as_user, web_env) -> None:
    """Was a 500: pandas 3 turns the NULL municipality/size/role into NaN in the firm list."""
    admin = as_user("admin")
    csv_bytes = f"rfc,legal_name,state_code\n{MINIMAL_RFC},Solo Obligatorios SA,14\n".encode()
    r = _import(admin, "firms.csv", csv_bytes)
    assert r.status_code == 200, r.text
    with reading(make_engine(web_env.settings.registry_url)) as s:  # the importer wrote NULLs
        stored = s.execute(text(
            "SELECT municipality_code, employees, chain_role, website, size_class "
            "FROM firm WHERE rfc = :rfc"), {"rfc": MINIMAL_RFC}).one()
    assert tuple(stored) == (None, None, None, None, None)
    firm_id = _firm_by_rfc(web_env, MINIMAL_RFC).id

    analyst = as_user("analyst")
    listed = analyst.get("/api/firms", params={"q": "Solo Obligatorios"})
    assert listed.status_code == 200, listed.text
    (row,) = listed.json()["firms"]
    assert (row["municipality"], row["employees"], row["chain_role"], row["size_class"]) == (
        None, None, None, None)
    everyone = analyst.get("/api/firms", params={"page_size": 200})
    assert everyone.status_code == 200 and everyone.json()["total"] >= 100
    page = analyst.get("/registry/firms", params={"q": "Solo Obligatorios"})
    assert page.status_code == 200 and "Solo Obligatorios SA" in page.text
    assert "nan" not in page.text.lower().split("solo obligatorios sa")[1][:300]
    assert analyst.get(f"/registry/firms/{firm_id}").status_code == 200
    assert analyst.get(f"/api/firms/{firm_id}").json()["municipality"] is None


def test_cluster_without_sector_does_not_break_the_graph(as_user) -> None:
    admin = as_user("admin")
    r = _import(admin, "clusters.csv", b"cluster_code,name,state_code\nNOSECTOR,Sin sector,14\n")
    assert r.status_code == 200, r.text
    graph = as_user("analyst").get("/api/clusters/graph")
    assert graph.status_code == 200, graph.text
    node = next(n for n in graph.json()["nodes"] if n["id"] == "NOSECTOR")
    assert node["sector"] is None


# ------------------------------------------------------------------ ranges in the firm form
FORM_ERRORS = {
    ("-5", "es"): "no puede ser negativo", ("-5", "en"): "cannot be negative",
    ("9999999999", "es"): "debe ser como máximo 1,000,000",
    ("9999999999", "en"): "must be at most 1,000,000",
    ("muchos", "es"): "se esperaba un número entero", ("muchos", "en"): "expected a whole number",
    ("1" * 40, "en"): "must be at most 1,000,000",
}


@pytest.mark.parametrize(("employees", "lang"), list(FORM_ERRORS))
def test_firm_form_refuses_employees_out_of_range(as_user, web_env, employees: str,
                                                  lang: str) -> None:
    """Was a 500: the form built a FirmEdit that pydantic refused inside the route."""
    before = _firm_by_rfc(web_env, _firm_rfc(web_env))
    c = as_user("firm_a")
    c.cookies.set("lang", lang)
    token = _token(c.get(f"/registry/firms/{web_env.firm_a}").text)
    r = c.post(f"/registry/firms/{web_env.firm_a}",
               data={"csrf_token": token, "website": "", "employees": employees},
               headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 422, r.text
    assert FORM_ERRORS[employees, lang] in r.text
    assert "employees" in r.text  # the field is named
    after = _firm_by_rfc(web_env, before.rfc)
    assert (after.employees, after.website) == (before.employees, before.website)
    api = c.post(f"/registry/firms/{web_env.firm_a}",
                 data={"csrf_token": token, "employees": employees},
                 headers={"accept": "application/json"}, follow_redirects=False)
    body = assert_error(api, 422, "invalid_input")
    assert body["details"][0]["field"] == "employees"
    assert body["details"][0]["message"] == FORM_ERRORS[employees, lang]


def _firm_rfc(web_env) -> str:
    with reading(make_engine(web_env.settings.registry_url)) as s:
        return s.get(Firm, web_env.firm_a).rfc


@pytest.mark.parametrize("employees", [-5, 9_999_999_999, 2**63])
def test_api_refuses_employees_out_of_range(as_user, web_env, employees: int) -> None:
    c = as_user("firm_a")
    body = assert_error(c.patch(f"/api/firms/{web_env.firm_a}", json={"employees": employees}),
                        422, "invalid_input")
    assert body["details"][0]["field"] == "employees"


API_ERRORS = {  # issue 11: was pydantic's English ("Input should be less than or equal to …")
    ("employees", -5, "es"): "employees debe ser como mínimo 0",
    ("employees", -5, "en"): "employees must be at least 0",
    ("employees", 9_999_999_999, "es"): "employees debe ser como máximo 1,000,000",
    ("employees", 9_999_999_999, "en"): "employees must be at most 1,000,000",
    ("employees", "muchos", "es"): "employees debe ser un número entero",
    ("website", "x" * 301, "es"): "website debe tener como máximo 300 caracteres",
    ("website", "x" * 301, "en"): "website must have at most 300 characters",
    ("exporter", "quizás", "es"): "exporter debe ser true o false",
}


@pytest.mark.parametrize(("field", "value", "lang"), list(API_ERRORS))
def test_api_error_is_the_catalog_message_in_the_readers_language(
        as_user, web_env, field: str, value: object, lang: str) -> None:
    before = _firm_by_rfc(web_env, _firm_rfc(web_env))
    c = as_user("firm_a")
    c.cookies.set("lang", lang)
    body = assert_error(c.patch(f"/api/firms/{web_env.firm_a}", json={field: value}),
                        422, "invalid_input")
    assert body["message"] == {"es": "solicitud no válida", "en": "invalid request"}[lang]
    assert body["details"] == [{"field": field, "row": None,
                                "message": API_ERRORS[field, value, lang]}]
    after = _firm_by_rfc(web_env, before.rfc)
    assert (after.employees, after.website, after.exporter) == (
        before.employees, before.website, before.exporter)


# ------------------------------------------------------------------ files users really send
def test_latin1_csv_from_spanish_excel_imports(as_user, web_env) -> None:
    """Was a 500 (UnicodeDecodeError): Excel's "CSV" in Spanish Windows is cp1252."""
    name = "Querétaro Año Diseño S.A."
    content = f"rfc;legal_name;state_code\n{LATIN_RFC};{name};22\n".encode("cp1252")
    assert b"\xe9" in content and b"\xf1" in content  # é and ñ as single bytes
    r = _import(as_user("admin"), "firms.csv", content)
    assert r.status_code == 200, r.text
    assert _firm_by_rfc(web_env, LATIN_RFC).legal_name == name


def _workbook_bytes() -> bytes:
    wb = Workbook()
    wb.active.title = "firms"
    wb.active.append(["rfc", "legal_name", "state_code"])
    wb.active.append(["TRU140101AB3", "Truncada SA", "14"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(("lang", "words"), [
    ("es", "no es un libro de Excel"), ("en", "not an Excel workbook")])
@pytest.mark.parametrize("content", [
    b"rfc,legal_name,state_code\nX,Y,14\n",  # a CSV renamed .xlsx
    bytes(range(256)) * 4,  # random bytes
    _workbook_bytes()[:700],  # a truncated download
], ids=["csv-renamed", "random", "truncated"])
def test_xlsx_that_is_not_a_workbook_is_a_plain_error(as_user, web_env, content: bytes,
                                                      lang: str, words: str) -> None:
    """Was a 500 (BadZipFile): the error names the file and says what is wrong with it."""
    before = _firm_count(web_env)
    c = as_user("admin")
    c.cookies.set("lang", lang)
    body = assert_error(_import(c, "registro.xlsx", content, XLSX), 422, "invalid_input")
    (detail,) = body["details"]
    assert detail["message"].startswith("registro.xlsx: ") and words in detail["message"]
    page = c.post("/registry/import", data={"csrf_token": _token(c.get("/registry/import").text)},
                  files={"upload": ("registro.xlsx", content, XLSX)})
    assert page.status_code == 422 and words in page.text and "registro.xlsx" in page.text
    assert _firm_count(web_env) == before
