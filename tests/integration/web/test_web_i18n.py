"""The web app speaks the reader's language beyond its labels: validation messages, vocabulary
codes (cluster link kinds, size classes, roles) and error responses follow the ``lang`` cookie.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from comexlab.i18n import label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["rfc", "legal_name", "state_code", "employees"]
BAD = [["ABC12345", "RFC corto", "14", 10],   # row 2: RFC of 8 characters
       ["BBB140101AB2", "Estado 99", "99", 10],  # row 3: no state 99
       ["CCC140101AB3", "Negativos", "14", -5]]  # row 4: negative employees
TEXTS = {
    "es": ["El RFC debe tener 12 (persona moral) o 13 (persona física) caracteres, tiene 8",
           "ningún estado tiene la clave INEGI 99 (01-32)", "no puede ser negativo",
           "Se encontraron 3 problema(s); no se escribió nada."],
    "en": ["RFC must have 12 (persona moral) or 13 (persona física) characters, got 8",
           "no state has INEGI code 99 (01-32)", "cannot be negative",
           "3 problem(s) found; nothing was written."],
}


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "firms"
    ws.append(HEADER)
    for row in BAD:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_import_page_lists_problems_in_the_readers_language(as_user, lang: str) -> None:
    c = as_user("admin")
    c.cookies.set("lang", lang)
    r = c.post("/registry/import", data={"csrf_token": _token(c.get("/registry/import").text)},
               files={"upload": ("firms.xlsx", _workbook(), XLSX)})
    assert r.status_code == 422
    for text in TEXTS[lang]:
        assert text in r.text
    other = "en" if lang == "es" else "es"
    assert TEXTS[other][2] not in r.text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_import_api_details_in_the_readers_language(as_user, lang: str) -> None:
    c = as_user("admin")
    c.cookies.set("lang", lang)
    r = c.post("/api/registry/import", files={"file": ("firms.xlsx", _workbook(), XLSX)})
    body = r.json()
    assert r.status_code == 422 and body["code"] == "invalid_input"
    assert {d["row"]: d["message"] for d in body["details"]} == {
        2: f"[firms] {TEXTS[lang][0]}", 3: f"[firms] {TEXTS[lang][1]}",
        4: f"[firms] {TEXTS[lang][2]}"}


def test_cluster_links_are_named_not_coded(as_user) -> None:
    c = as_user("analyst")
    graph = c.get("/api/clusters/graph").json()
    kinds = {k for link in graph["links"] for k in link["kinds"]}
    assert "supplier_exchange" in kinds  # the API keeps the codes
    page = c.get("/registry/clusters").text
    assert "intercambio de proveedores" in page
    assert not re.search(r"\b(supplier_exchange|collaboration_agreement)\b", page)
    c.cookies.set("lang", "en")
    page = c.get("/registry/clusters").text
    assert "supplier exchange" in page and "supplier_exchange" not in page


def test_firm_page_names_size_and_role(as_user) -> None:
    c = as_user("analyst")
    firm = c.get("/api/firms", params={"page_size": 200}).json()["firms"]
    shown = next(f for f in firm if f["size_class"] and f["chain_role"])
    page = c.get(f"/registry/firms/{shown['id']}").text
    assert label("size_class", shown["size_class"], "es") in page
    assert label("chain_role", shown["chain_role"], "es") in page
    listing = c.get("/registry/firms").text
    assert re.search(r"<td>(micro|pequeña|mediana|grande)</td>", listing)
    assert not re.search(r"<td>(small|medium|large)</td>", listing)


def test_http_errors_follow_the_language(as_user) -> None:
    c = as_user("firm_a")
    api = {"accept": "application/json"}
    assert c.get("/api/registry/facets", headers=api).status_code == 200
    r = c.get("/api/clusters/graph", headers=api)
    assert r.status_code == 403 and r.json()["message"] == "su rol no permite hacer esto"
    c.cookies.set("lang", "en")
    assert c.get("/api/clusters/graph", headers=api).json()["message"] == (
        "your role may not do this")
