"""Products an analyst recognises on the web: the dashboard's top products, its workbook and
the product search (page and API), tried as an analyst, a careless user and an attacker.

Expected names come from the official files (tests/unit/test_product_labels.py cites rows):
'Vehículo › Coches' from the Comtrade-Mexico Spanish side files, the English lines below the
heading from the USITC HTS.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from web_helpers import assert_error

from comexlab.i18n import t

BARE = {"Other", "New", "Used", ""}


def _mexico_2025(c) -> dict:
    r = c.get("/api/dashboard", params={"reporter": "MEX", "start": "2025"})
    assert r.status_code == 200, r.text[:300]
    return r.json()


def test_dashboard_top_products_show_code_and_description_path(as_user) -> None:
    c = as_user("analyst")
    d = _mexico_2025(c)
    labels = [p["full_label"] or p["label"] for p in d["products"]]
    assert labels and not set(labels) & BARE
    for p in d["products"]:
        code = p["code"]
        if code.isdigit():
            assert p["label"].startswith(f"{code[:4]}.{code[4:6]}") and " › " in p["label"]
            assert (p["full_label"] or p["label"]).startswith(p["label"].split(" › ")[0][:13])
    # the largest 2025 line, 8471.50.01.50 (PROVENANCE.md: computers, $80.6 bn): the whole
    # path in full_label, code + heading + the last levels in the card
    assert labels[0].startswith("8471.50.01.50 — Reactores nucleares")
    assert labels[0].endswith("› Other")
    short = d["products"][0]["label"]
    assert short.startswith("8471.50.01.50 — Ordenadores › Processing units other than")
    assert short.endswith("› Other")
    car = next(p for p in d["products"] if p["code"] == "8703230140")
    assert car["label"] == ("8703.23.01.40 — Coches › … › Having engines with not more than "
                            "4 cylinders › Other")
    assert t("products.note.english_only", "es") in d["notes"]
    page = c.get("/dashboard", params={"reporter": "MEX", "start": "2025"})
    assert "8471.50.01.50 — Ordenadores › Processing units" in page.text


def test_dashboard_workbook_products_sheet_has_the_same_labels(as_user) -> None:
    c = as_user("analyst")
    d = _mexico_2025(c)
    r = c.get("/dashboard/export.xlsx", params={"reporter": "MEX", "start": "2025"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))["Principales productos"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Código", "Descripción")
    assert [row[1] for row in rows[1:len(d["products"]) + 1]] == [
        p["full_label"] or p["label"] for p in d["products"]]  # the whole path


def test_english_reader_gets_english_names_and_no_english_only_note(as_user) -> None:
    c = as_user("analyst")
    c.get("/lang/en")
    d = _mexico_2025(c)
    assert d["products"][0]["full_label"].startswith(
        "8471.50.01.50 — Machinery and mechanical appliances, boilers, nuclear reactors")
    assert t("products.note.english_only", "en") not in d["notes"]


def test_search_api_by_code_and_by_word(as_user) -> None:
    c = as_user("analyst")
    body = c.get("/api/products", params={"q": "8703.23"}).json()
    assert body["kind"] == "code" and body["total"] >= 10
    assert body["hits"][0]["code"] == "870323"
    assert body["hits"][0]["label"].startswith("8703.23 — Vehículo › Coches › ")
    assert all(h["code"].startswith("870323") for h in body["hits"])
    words = c.get("/api/products", params={"q": "vehiculos", "limit": 200}).json()
    assert "8703" in {h["code"] for h in words["hits"]}
    assert c.get("/api/products", params={"q": "VEHÍCULOS"}).json()["total"] == words["total"]


@pytest.mark.parametrize("q", ["", "   ", "%", "_", "%_%", "..", "8703..23 "])
def test_careless_queries_answer_not_fail(as_user, q: str) -> None:
    c = as_user("analyst")
    r = c.get("/api/products", params={"q": q})
    assert r.status_code == 200
    if q.strip() in ("", "%", "_", "%_%"):
        assert r.json()["total"] == 0
    assert c.get("/products", params={"q": q}).status_code == 200


def test_hostile_queries_are_bounded_and_escaped(as_user) -> None:
    c = as_user("analyst")
    assert_error(c.get("/api/products", params={"q": "x" * 101}), 422, "invalid_input")
    assert_error(c.get("/api/products", params={"q": "x" * 5000}), 422, "invalid_input")
    page = c.get("/products", params={"q": "x" * 101})
    assert page.status_code == 200 and 'id="products-error"' in page.text
    sql = c.get("/api/products", params={"q": "'; DROP TABLE flow; --"})
    assert sql.status_code == 200
    assert _mexico_2025(c)["products"]  # the flow table is still there
    xss = c.get("/products", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in xss.text
    assert "&lt;script&gt;" in xss.text
    assert_error(c.get("/api/products", params={"q": "87", "limit": 100_000}), 422,
                 "invalid_input")


def test_search_page_links_and_firm_users_may_search(as_user) -> None:
    page = as_user("analyst").get("/products", params={"q": "8703"})
    assert page.status_code == 200
    assert 'id="p-8703"' in page.text and 'href="/markets?product=8703"' in page.text
    assert 'href="/regime?reporter=MEX"' in page.text
    firm = as_user("firm_a").get("/products", params={"q": "8703"})
    assert firm.status_code == 200 and 'href="/regime' not in firm.text


def test_tariff_in_force_lines_use_the_same_labels(as_user) -> None:
    c = as_user("analyst")
    r = c.get("/api/regime", params={"reporter": "MEX", "on": "2026-03-01"})
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    lines = body["lines"]
    assert lines and not {ln["description"] for ln in lines} & BARE
    for ln in lines[:20]:
        code = ln["product_code"]
        assert ln["description"].startswith(f"{code[:4]}.{code[4:6]}.{code[6:8]}")
        assert " › " in ln["description"]
    assert t("products.note.english_only", "es") in body["notes"]
