"""The printable one-page profile (HTML) and its PDF, printed by headless Chromium.

Chromium is the printer because the agency already has it for the web app's browser tests and
it prints the same HTML the web page shows; the page is self-contained (inline CSS and SVG, no
network), and Chromium runs with a throw-away profile and a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from comexlab.errors import ComexlabError
from comexlab.i18n import Msg, t
from comexlab.services.sites import SiteProfile
from comexlab.sitesheet import tables
from comexlab.sitesheet.svgmap import site_map

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
#: at most two Chromium processes print at once (each ~150 MB, 2-core machines): a burst of
#: PDF requests waits instead of exhausting memory
_PRINTERS = threading.BoundedSemaphore(2)
_ENV = Environment(loader=PackageLoader("comexlab.sitesheet", "templates"),
                   autoescape=select_autoescape(["html"]))


def html(prof: SiteProfile, lang: str) -> str:
    """The self-contained page (Spanish or English)."""
    def tr(key: str, **params: object) -> str:
        return t(key, lang, **params)
    return _ENV.get_template("site_profile.html").render(
        p=prof, lang=lang, t=tr, rows=tables.indicators(prof, lang),
        svg=Markup(site_map(prof, lang, (250.0,))),  # built from escaped parts
        zip=zip,
        process_name=lambda c: tables.process_name(c, lang),
        subsector_name=lambda c: tables.subsector_name(c, lang), abbr=tables.state_abbr,
        notes=[n.text(lang) for n in prof.notes])


def chromium() -> str:
    """The Chromium executable, or an error saying how to get one."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise ComexlabError(Msg("sites.error.no_chromium"))


def pdf(page: str, *, timeout_s: float = 90.0) -> bytes:
    """Print ``page`` (HTML text) to PDF with headless Chromium; the PDF bytes."""
    exe = chromium()
    with _PRINTERS, tempfile.TemporaryDirectory(prefix="comexlab-pdf-") as tmp:
        src, out = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        src.write_text(page, encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", src.as_uri()]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout_s)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise ComexlabError(Msg("sites.error.pdf_failed", reason=type(exc).__name__)) from exc
        if not out.exists() or out.stat().st_size == 0:
            raise ComexlabError(Msg("sites.error.pdf_failed", reason="empty"))
        return out.read_bytes()
