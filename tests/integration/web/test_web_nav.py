"""The menu: every page reachable in at most two moves, grouped by what the agency does.

Sixteen links in one row overflowed a 1366-pixel screen (the user name and the logout button
were drawn off the header). The menu now has five groups; these tests check that no page was
lost in the regrouping, that the current page is marked, and that a firm user's menu offers
only the pages it may open.
"""

from __future__ import annotations

import re

AGENCY_PAGES = ["/dashboard", "/regime", "/scenarios", "/markets", "/products",
                "/supply/opportunities",
                "/supply/complexity", "/matching/need", "/registry/firms", "/registry/clusters",
                "/matching/fair", "/programs/GTO-SUPPLY", "/kpi", "/sites"]
ADMIN_PAGES = ["/registry/import", "/admin/users"]


def _nav(html: str) -> str:
    match = re.search(r"<nav .*?</nav>", html, re.S)
    assert match, "the page has no menu"
    return match.group(0)


def _links(nav: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', nav)


def test_admin_menu_has_every_page_in_five_groups(as_user) -> None:
    nav = _nav(as_user("admin").get("/kpi").text)
    assert _links(nav) == [*AGENCY_PAGES[:5], *AGENCY_PAGES[5:8], *AGENCY_PAGES[8:13],
                           "/sites", *ADMIN_PAGES]
    titles = re.findall(r'class="menu-title[^"]*"[^>]*>([^<]+)<', nav)
    assert [x.replace("▾", "").strip() for x in titles] == [
        "Comercio exterior", "Cadena de suministro", "Empresas y programas", "Inversión",
        "Administración"]
    # the page being read is marked, and so is its group
    assert '<a href="/kpi" aria-current="page">' in nav
    assert re.search(r'class="menu-title current"[^>]*>Empresas y programas', nav)


def test_every_menu_link_opens_for_the_admin(as_user) -> None:
    c = as_user("admin")
    for path in _links(_nav(c.get("/dashboard").text)):
        assert c.get(path).status_code == 200, path


def test_analyst_has_no_admin_group(as_user) -> None:
    nav = _nav(as_user("analyst").get("/dashboard").text)
    assert _links(nav) == [*AGENCY_PAGES]
    assert "Administración" not in nav


def test_firm_user_menu_offers_only_what_it_may_open(as_user) -> None:
    c = as_user("firm_a")
    links = _links(_nav(c.get("/registry/firms").text))
    assert links == ["/markets", "/products", "/registry/firms"]
    assert all(c.get(p).status_code == 200 for p in links)
    assert c.get("/kpi").status_code == 403


def test_kpi_sources_in_words(as_user) -> None:
    html = as_user("analyst").get("/kpi", params={"year": 2025}).text
    assert "Padrón de empresas de la agencia" in html
    assert "Padrón de empresas (eventos)" in html
    assert ">registry<" not in html
