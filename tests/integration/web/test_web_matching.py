"""Web matching pages: buyer-need form, B2B fair upload, downloads, roles, hostile input."""

from __future__ import annotations

import io
import zipfile

from icalendar import Calendar

PEOPLE = (b"id,name,available\nA,Acme Buyer,\nB,<script>alert(1)</script>,1-2\n"
          b"C,=cmd|x,1;2\nD,Delta,1\n")
WANTS = b"from,to,priority\nA,B,5\nB,A,3\nC,D,4\nA,C,2\n"


def _fair(c, wants: bytes = WANTS, **form):
    data = {"slots": "2", "tables": "1", "start": "2026-05-20T09:00", "slot_minutes": "30",
            "event": "Foro GO", **form}
    return c.post("/matching/fair", data=data, files={
        "participants": ("participants.csv", PEOPLE, "text/csv"),
        "requests": ("requests.csv", wants, "text/csv")})


def test_fair_page_schedules_and_serves_agendas(as_user) -> None:
    c = as_user("analyst")
    assert c.get("/matching/fair").status_code == 200
    r = _fair(c)
    assert r.status_code == 200, r.text
    html = r.text
    # optimum 12 (C–D in slot 1, A–B in slot 2) against greedy 10: hand-checked in
    # tests/unit/test_fair_files.py
    assert 'id="fair-total">12<' in html and 'id="fair-greedy">10<' in html
    assert "<script>alert(1)</script>" not in html  # names are escaped
    token = html.split("/matching/fair/")[1].split("/")[0]
    agendas = c.get(f"/matching/fair/{token}/agendas.csv")
    assert agendas.status_code == 200 and "'=cmd|x" in agendas.content.decode("utf-8-sig")
    archive = zipfile.ZipFile(io.BytesIO(c.get(f"/matching/fair/{token}/calendars.zip").content))
    assert sorted(archive.namelist()) == ["ics/A.ics", "ics/B.ics", "ics/C.ics", "ics/D.ics"]
    assert Calendar.from_ical(archive.read("ics/A.ics")).walk("VEVENT")
    # another user cannot fetch this user's exports, nor unknown names
    other = as_user("analyst2")
    assert other.get(f"/matching/fair/{token}/agendas.csv").status_code == 404
    assert c.get(f"/matching/fair/{token}/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_fair_bad_rows_listed_in_the_readers_language(as_user) -> None:
    c = as_user("analyst")
    c.cookies.set("lang", "es")
    r = _fair(c, b"from,to,priority\nA,Z,1\nA,A,2\n")
    assert r.status_code == 422
    assert "requests.csv, fila 2, campo &#39;to&#39;: ningún participante tiene este id" in r.text
    assert "fila 3" in r.text and "consigo mismo" in r.text


def test_fair_options_and_roles(as_user) -> None:
    c = as_user("analyst")
    assert _fair(c, slots="0").status_code == 422
    assert _fair(c, start="mañana").status_code == 422
    firm_user = as_user("firm_a")
    assert firm_user.get("/matching/fair").status_code == 403
    assert firm_user.get("/matching/need").status_code == 403


def test_need_form_ranks_with_gaps(as_user) -> None:
    c = as_user("analyst")
    assert c.get("/matching/need").status_code == 200
    r = c.post("/matching/need", data={
        "processes": ["stamping", "welding"], "sector": "automotive", "cert_mode": "usual",
        "from_state": "11", "max_km": "300", "hard": ["processes", "location"],
        "buyer": "OEM Silao"})
    assert r.status_code == 200, r.text
    assert 'id="need-qualified"' in r.text and "match-row" in r.text
    assert "IATF 16949" in r.text  # gaps name the sector's usual certification


def test_need_form_refuses_bad_values(as_user) -> None:
    c = as_user("analyst")
    c.cookies.set("lang", "en")
    r = c.post("/matching/need", data={"processes": ["teleportation"], "max_km": "far",
                                       "from_state": "11"})
    assert r.status_code == 422
    assert "unknown process" in r.text and "max_km must be a positive number" in r.text
