"""download() against a local HTTP server serving the shared file (never the internet)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from comexlab.errors import DownloadError, InputError
from comexlab.sources import usitc_hts


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


def test_error_page_is_rejected_and_not_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    ed = usitc_hts.EDITIONS["2025"]
    httpserver.expect_request(ed.remote_path).respond_with_data(
        "<html>Access Denied</html>", content_type="text/html")
    with pytest.raises(InputError, match="not valid JSON"):
        usitc_hts.download("2025", base_url=httpserver.url_for(""), cache=tmp_path)
    assert not any(tmp_path.iterdir())


def test_http_error_is_a_download_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    ed = usitc_hts.EDITIONS["2025"]
    httpserver.expect_request(ed.remote_path).respond_with_data("gone", status=404)
    with pytest.raises(DownloadError, match="404"):
        usitc_hts.download("2025", base_url=httpserver.url_for(""), cache=tmp_path)
