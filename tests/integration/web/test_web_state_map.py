"""The dashboard's map of exports by state, on the official INEGI EEF file loaded by the demo."""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict

import pytest
from web_helpers import use_services

from comexlab.nomenclature.states import states
from comexlab.services.reports import state_exports
from comexlab.web.context import context_of

EEF = "inegi_eef_state_exports_2007_2025/eef_estatal_anual_tr_cifra_2007_2025.csv.gz"
STATE_LINK = re.compile(
    r'<a href="/dashboard\?reporter=(MX-[A-Z]+)&amp;start=(\d{4})&amp;end=(\d{4})" '
    r'id="smap-(\d{2})"[^>]*><title>([^<]+)</title>'
    r'<use href="/static/vendor/mx_states\.svg\?v=[0-9a-f]{12}#s\4" fill="([^"]+)"/></a>')


def _raw_totals(path, year: str) -> dict[str, float]:
    """Each state's US$ in ``year`` straight from INEGI's file: 'Disponible' cells × 1,000."""
    out: dict[str, float] = defaultdict(float)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["ANIO"] == year and r["ESTATUS_CIFRA"] == "Disponible" and r["CVE_ENT"] != "33":
                out[r["CVE_ENT"]] += float(r["VAL_USD"]) * 1000
    return dict(out)


@pytest.mark.parametrize("year", ["2025", "2018"])
def test_every_state_value_is_inegi_files_sum(app, shared_file, year: str) -> None:
    raw = _raw_totals(shared_file(EEF), year)
    got = context_of(app).warehouse.read_sync(lambda con: state_exports(con, year))
    assert got.source == "inegi_eef" and len(got.values) == 32
    by_code = {s.inegi: got.values[s.reporter] for s in states()}
    assert by_code == pytest.approx(raw)
    if year == "2018":  # the figure the dashboard's own test checks for Guanajuato 2018
        assert got.values["MX-GTO"] == pytest.approx(24_712_286_000)


def test_dashboard_draws_32_linked_states_with_values_in_titles(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2025"}).text
    links = STATE_LINK.findall(html)
    assert len(links) == 32
    assert {code for _r, _s, _e, code, _t, _f in links} == {f"{i:02d}" for i in range(1, 33)}
    by_code = {code: (rep, start, end, fill, title) for rep, start, end, code, title, fill in links}
    assert by_code["11"][:3] == ("MX-GTO", "2025", "2025")
    # Chihuahua led 2025 (US$109.51 bn, INEGI EEF); Quintana Roo was last (US$19.5 M)
    assert by_code["08"][4] == "Chihuahua: US$109.51\u00a0mil\u00a0M en 2025 — abrir su tablero"
    assert by_code["23"][4] == "Quintana Roo: US$19.5\u00a0M en 2025 — abrir su tablero"
    assert by_code["08"][3] == "#006d2c" and by_code["23"][3] == "#c7e9c0"
    assert 'id="smap-11" class="smap-state smap-current"' in html  # outlined: the state shown
    assert "Exportaciones por entidad federativa, 2025" in html
    assert "state-map-no-data" not in html  # every state has a 2025 figure


def test_map_table_lists_the_same_32_states_largest_first(as_user) -> None:
    html = as_user("analyst").get("/dashboard", params={"reporter": "MX-JAL",
                                                         "start": "2025"}).text
    table = html.split('id="table-state-map"')[1].split("</table>")[0]
    rows = re.findall(r'<td><a href="/dashboard\?reporter=(MX-[A-Z]+)[^"]*">([^<]+)</a></td>',
                      table)
    assert len(rows) == 32
    assert rows[0] == ("MX-CHIH", "Chihuahua") and rows[-1] == ("MX-QROO", "Quintana Roo")
    assert '<tr class="hl"><td class="n">5</td><td><a href="/dashboard?reporter=MX-JAL' in table


def test_map_in_english_and_in_the_htmx_fragment(as_user) -> None:
    c = as_user("analyst")
    c.cookies.set("lang", "en")
    html = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2018"},
                 headers={"HX-Request": "true"}).text
    assert "Exports by state, 2018" in html and "Colours are quintiles" in html
    assert "Guanajuato: US$24.71\u00a0bn in 2018 — open its dashboard" in html
    assert len(STATE_LINK.findall(html)) == 32


def test_year_without_state_figures_says_so_and_links_the_latest(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/dashboard", params={"reporter": "MEX", "start": "2026-01",
                                       "end": "2026-02"}).text
    assert 'id="state-map-empty"' in html
    assert "No hay cifras por estado cargadas para 2026." in html
    assert 'href="/dashboard?reporter=MX-GTO&amp;start=2025&amp;end=2025"' in html
    assert not STATE_LINK.findall(html)  # no map painted with another year's figures


def test_state_with_no_figure_is_hatched_and_in_the_legend(app, as_user) -> None:
    from dataclasses import replace

    real = context_of(app).services.state_exports

    def without_zacatecas(con, *, year):
        found = real(con, year=year)
        return replace(found, values={k: v for k, v in found.values.items() if k != "MX-ZAC"})

    use_services(app, state_exports=without_zacatecas)
    html = as_user("analyst").get("/dashboard", params={"reporter": "MX-GTO",
                                                         "start": "2024"}).text
    zac = re.search(r'id="smap-32"[^>]*><title>([^<]+)</title><use [^>]*fill="([^"]+)"', html)
    assert zac and zac.groups() == ("Zacatecas: sin dato en 2024 — abrir su tablero",
                                    "url(#smap-hatch)")
    assert 'id="state-map-no-data"' in html and "Sin dato para el año: 1" in html


def test_outlines_are_one_cached_static_file_not_sent_with_each_page(as_user) -> None:
    c = as_user("analyst")
    html = c.get("/dashboard", params={"reporter": "MX-GTO", "start": "2025"}).text
    url = re.search(r'<use href="(/static/vendor/mx_states\.svg\?v=[0-9a-f]{12})#s01"', html)
    assert url
    svg = c.get(url.group(1))
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    ids = set(re.findall(r'<path id="s(\d{2})"', svg.text))
    assert ids == {f"{i:02d}" for i in range(1, 33)}  # every <use> of the page has its target
    section = html.split('id="state-map"')[1].split("</section>")[0]
    assert "<path" not in section and len(section) < 25_000  # the geometry stays in the file


def test_firm_user_sees_the_map_and_bad_input_changes_nothing(as_user) -> None:
    c = as_user("firm_a")  # public statistics: every role reads the dashboard and its map
    assert len(STATE_LINK.findall(c.get("/dashboard", params={"start": "2025"}).text)) == 32
    # a typed reporter or year the selector never offers: the page's message, no map, no 500
    for params in ({"reporter": "MX-GTO\"><script>", "start": "2025"},
                   {"reporter": "MX-GTO", "start": "1999"}):
        r = c.get("/dashboard", params=params)
        assert r.status_code in (200, 422) and "<script>" not in r.text
        assert not STATE_LINK.findall(r.text)
