"""download() against a local HTTP server serving the shared file (never the internet).

Remote names are USITC's static-file names (``/sites/default/files/tata/hts/``); the 2025 Basic
name ``hts_2025_basic_edition_json.json`` is pinned by the Wayback capture that
``axiom_corpus``'s us_hts_tariff_snapshots_2025_part1.py verifies (gunzipped sha256 fe9de406…),
which is the shipped file's sha256 too.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from comexlab.errors import DownloadError, InputError
from comexlab.sources import http, usitc_hts


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "_sleep", lambda seconds: None)


def test_download_json_edition(httpserver: HTTPServer, tmp_path: Path,
                               shared_file: Callable[[str], Path]) -> None:
    ed = usitc_hts.EDITIONS["2026r10"]
    body = gzip.decompress(shared_file(ed.file).read_bytes())   # USITC serves plain JSON
    httpserver.expect_oneshot_request(ed.remote_path).respond_with_data(
        body, content_type="application/json")
    path = usitc_hts.download("2026r10", base_url=httpserver.url_for(""), cache=tmp_path)
    assert path.read_bytes() == body
    tables = usitc_hts.read_edition("2026r10", path)
    assert tables.lines.num_rows == 35509
    # cached: a second call makes no request (the one-shot handler would 500 otherwise)
    assert usitc_hts.download("2026r10", base_url=httpserver.url_for(""), cache=tmp_path) == path


def test_download_1300_edition(httpserver: HTTPServer, tmp_path: Path,
                               shared_file: Callable[[str], Path]) -> None:
    ed = usitc_hts.EDITIONS["2013"]
    body = gzip.decompress(shared_file(ed.file).read_bytes())
    httpserver.expect_request(ed.remote_path).respond_with_data(body)
    path = usitc_hts.download("2013", base_url=httpserver.url_for(""), cache=tmp_path)
    assert usitc_hts.read_edition("2013", path).lines.num_rows == 28919


def test_remote_names_are_the_published_ones(shared_file: Callable[[str], Path]) -> None:
    assert usitc_hts.download_url("2025") == ("https://www.usitc.gov/sites/default/files/tata/"
                                              "hts/hts_2025_basic_edition_json.json")
    assert usitc_hts.download_url("2026r10").endswith("/hts_2026_revision_10_json.json")
    # the 2013 "1300" export left usitc.gov in 2016: the pinned archive copy is used
    assert usitc_hts.download_url("2013") == (
        "https://raw.githubusercontent.com/toddtreece/harmonized_tariff/"
        "0ff6116b37bf00413f0e7753701f570681ea1dc0/data/1300_HTS_delimited.txt")
    # the shipped 2025 file is byte-identical to the Wayback copy of that name (axiom_corpus pin)
    body = gzip.decompress(shared_file(usitc_hts.EDITIONS["2025"].file).read_bytes())
    assert hashlib.sha256(body).hexdigest() == (
        "fe9de40662e7ab4d263f3dfb2d9090f8f78892bf881ce521628bbb5440829d01")


def test_error_page_is_rejected_and_not_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    ed = usitc_hts.EDITIONS["2025"]
    httpserver.expect_request(ed.remote_path).respond_with_data(
        "<html><head><title>Access Denied</title></head></html>", content_type="text/html")
    with pytest.raises(DownloadError, match=r"web page instead of data.*Access Denied"):
        usitc_hts.download("2025", base_url=httpserver.url_for(""), cache=tmp_path)
    assert not any(tmp_path.iterdir())


def test_truncated_json_is_rejected_before_caching(httpserver: HTTPServer,
                                                   tmp_path: Path) -> None:
    ed = usitc_hts.EDITIONS["2025"]
    httpserver.expect_request(ed.remote_path).respond_with_data(
        '[{"htsno": "0101", "indent": "0", "description": "Live horses', content_type="text/plain")
    with pytest.raises(InputError):
        usitc_hts.download("2025", base_url=httpserver.url_for(""), cache=tmp_path)
    assert not any(tmp_path.iterdir())


def test_usitc_403_says_it_refuses_automated_clients(httpserver: HTTPServer,
                                                     tmp_path: Path) -> None:
    ed = usitc_hts.EDITIONS["2026r10"]
    httpserver.expect_request(ed.remote_path).respond_with_data(
        "<html><head><title>Access Denied</title></head></html>", status=403,
        content_type="text/html")
    with pytest.raises(DownloadError) as err:
        usitc_hts.download("2026r10", base_url=httpserver.url_for(""), cache=tmp_path)
    en = err.value.render("en")
    assert "HTTP 403" in en and "automated clients" in en and "in a browser" in en
    assert str(tmp_path / "hts_2026_revision_10_json.json") in en
    assert "clientes automatizados" in err.value.render("es")
    assert len(httpserver.log) == 1 and not any(tmp_path.iterdir())


def test_http_error_is_a_download_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    ed = usitc_hts.EDITIONS["2025"]
    httpserver.expect_request(ed.remote_path).respond_with_data("gone", status=404)
    with pytest.raises(DownloadError, match="404"):
        usitc_hts.download("2025", base_url=httpserver.url_for(""), cache=tmp_path)
