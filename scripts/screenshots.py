"""Screenshots of every page of the web app, in Spanish, for docs/screenshots/ (issue 13).

Why a script and not a test: the pages are read by a person before and after a change, so the
same list of pages must be captured twice from a running server (``comexlab demo run``), e.g.

    comexlab demo run --port 8765 &          # prints the admin password
    python scripts/screenshots.py http://127.0.0.1:8765 admin PASSWORD \
        docs/screenshots --suffix after

Each page is a JPEG of its top 3,200 CSS pixels at 0.7 scale, quality 60 (a tenth of a full-page
PNG's size)
named ``<page>-<suffix>.jpg``; a page that answers with an error is
reported and the script exits 1, so a broken page is never captured silently as "after".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# (file name, path) of every page an analyst opens; the firm id is filled in from the firms list.
PAGES: list[tuple[str, str]] = [
    ("dashboard", "/dashboard"),
    ("regime", "/regime"),
    ("scenarios", "/scenarios"),
    ("scenario-runs", "/scenarios/runs"),
    ("firms", "/registry/firms"),
    ("clusters", "/registry/clusters"),
    ("import", "/registry/import"),
    ("users", "/admin/users"),
    ("supply-opportunities", "/supply/opportunities"),
    ("supply-complexity", "/supply/complexity"),
    ("supply-plants", "/supply/plants"),
    ("markets", "/markets"),
    ("kpi", "/kpi"),
    ("matching-need", "/matching/need"),
    ("matching-fair", "/matching/fair"),
    ("sites", "/sites"),
    ("products", "/products?q=vehiculos"),
    ("api-docs", "/api/docs"),
]


MAX_HEIGHT = 3200  # CSS pixels: the top of a long page says what it is; the rest is more rows


def _save(page: Page, path: Path) -> None:
    size = page.evaluate("() => [document.documentElement.scrollWidth, "
                         "document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": min(size[0], 1400), "height": min(size[1], MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=True, clip=clip, type="jpeg", quality=60)


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def _capture(page: Page, base: str, name: str, path: str, out: Path, suffix: str) -> bool:
    response = page.goto(base + path)
    _settle(page)
    status = response.status if response else 0
    _save(page, out / f"{name}-{suffix}.jpg")
    if status >= 400:
        sys.stderr.write(f"{name}: {path} answered {status}\n")
        return status == 404  # a page that does not exist yet (e.g. before a feature) is allowed
    sys.stdout.write(f"{name}: {path} ok\n")
    return True


def _first_firm(page: Page, base: str) -> str | None:
    page.goto(base + "/registry/firms")
    for href in page.locator("a[href^='/registry/firms/']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"):
        if href.split("?")[0].split("/")[-1].isdigit():
            return str(href.split("?")[0])
    return None


def _scenario_run(page: Page, base: str, out: Path, suffix: str) -> None:
    page.goto(base + "/scenarios")
    _settle(page)
    page.select_option("#scenario", "usmca-ends")
    page.click("#run-button")
    page.wait_for_url("**/scenarios/runs/**", timeout=60_000)
    page.wait_for_selector("#headline", timeout=600_000)
    _settle(page)
    _save(page, out / f"scenario-{suffix}.jpg")
    sys.stdout.write(f"scenario: {page.url} ok\n")


def main() -> int:
    """Log in, switch to Spanish, capture every page; exit 1 if one answered with an error."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("out", type=Path)
    parser.add_argument("--suffix", default="after")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ok = True
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="es-MX",
                                device_scale_factor=0.7)
        page.goto(args.base + "/lang/es")
        page.goto(args.base + "/login")
        _save(page, args.out / f"login-{args.suffix}.jpg")
        page.fill("input[name=username]", args.username)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        _settle(page)
        page.goto(args.base + "/lang/es")
        pages = list(PAGES)
        firm = _first_firm(page, args.base)
        if firm:
            pages += [("firm", firm)]
        for name, path in pages:
            ok = _capture(page, args.base, name, path, args.out, args.suffix) and ok
        _scenario_run(page, args.base, args.out, args.suffix)
        browser.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
