"""Malformed BACI files: an error naming file, row and field; the warehouse unchanged.

Each case writes a small native file (``t,i,j,k,v,q``) beside a small dictionary, loads a good
file first, then the broken one, and compares every warehouse table before and after.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from warehouse_state import fingerprint

from comexlab.errors import DownloadError, InputError
from comexlab.sources import baci
from comexlab.warehouse import baci as wb

DICTIONARY = ("country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,"
              "iso_3digit_alpha\n"
              "484,Mexico,Mexico,MX,MEX\n842,USA,USA and territories,US,USA\n"
              "381,Italy,Italy,IT,ITA\n490,\"Other Asia, nes\",\"Other Asia, nes\",N/A,N/A\n"
              "516,Namibia,Namibia,NA,NAM\n")
HEADER = "t,i,j,k,v,q\n"
GOOD = HEADER + ('2021,484,842,30617,280881.973,"    30000.5"\n'
                 '2021,484,380,30617,1.5,NA\n'
                 '2021,484,490,160529,2.25,"        0.100"\n')


def _files(root: Path, data: str | bytes, name: str = "BACI_HS92_Y2021_V202301.csv") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "country_codes_V202201.csv").write_text(DICTIONARY, encoding="utf-8")
    path = root / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _row(n: int, text: str) -> str:
    """GOOD with its n-th data row (CSV line n + 1) replaced."""
    lines = GOOD.splitlines(keepends=True)
    lines[n] = text
    return "".join(lines)


CASES: list[tuple[str, str | bytes, int | None, str | None]] = [
    ("value not a number", _row(1, "2021,484,842,30617,abc,1\n"), 2, "v"),
    ("value negative", _row(1, "2021,484,842,30617,-5,1\n"), 2, "v"),
    ("value infinite", _row(2, "2021,484,380,30617,inf,1\n"), 3, "v"),
    ("value absurd", _row(3, "2021,484,490,160529,1e12,1\n"), 4, "v"),
    ("quantity text", _row(2, '2021,484,380,30617,1.5,"  lots"\n'), 3, "q"),
    ("quantity negative", _row(3, "2021,484,490,160529,2.25,-1\n"), 4, "q"),
    ("unknown exporter code", _row(1, "2021,999,842,30617,1,1\n"), 2, "i"),
    ("importer not numeric", _row(2, "2021,484,ITA,30617,1,1\n"), 3, "j"),
    ("product too short", _row(1, "2021,484,842,617,1,1\n"), 2, "k"),
    ("product with letters", _row(3, "2021,484,490,16O529,1,1\n"), 4, "k"),
    ("year malformed", _row(2, "21,484,380,30617,1,1\n"), 3, "t"),
    ("duplicated flow", GOOD + '2021,484,842,30617,5,"1"\n', 5, "k"),
    ("missing column", "t,i,j,k,v\n2021,484,842,30617,1\n", 1, "q"),
    ("header only", HEADER, 2, None),
    ("empty file", "", 1, "header"),
    ("not utf-8", _row(1, "2021,484,842,30617,1,1\n").encode("utf-8") + b"\xff\xfe,\n", None,
     None),
]


@pytest.mark.parametrize(("label", "data", "row", "field"), CASES,
                         ids=[c[0] for c in CASES])
def test_malformed_native_file_changes_nothing(tmp_path: Path,
                                               warehouse: duckdb.DuckDBPyConnection,
                                               label: str, data: str | bytes, row: int | None,
                                               field: str | None) -> None:
    wb.ingest(warehouse, baci.read(_files(tmp_path / "good", GOOD)))
    before = fingerprint(warehouse)
    bad = _files(tmp_path / "bad", data)
    with pytest.raises(InputError) as err:
        wb.ingest(warehouse, baci.read(bad))
    problem = err.value.problems[0] if err.value.problems else None
    assert problem is not None and problem.file == str(bad), label
    if row is not None:
        assert problem.row == row, label
    if field is not None:
        assert problem.field == field, label
    assert fingerprint(warehouse) == before


def test_good_small_file_figures(tmp_path: Path) -> None:
    """k 30617 → '030617', v in thousands → USD, NA → missing, Italy 380 → ITA, 490 → X490."""
    load = baci.read(_files(tmp_path, GOOD))
    rows = load.table.to_pylist()
    assert [r["hs6"] for r in rows] == ["030617", "030617", "160529"]
    assert [r["value_usd"] for r in rows] == [280881973.0, 1500.0, 2250.0]
    assert [r["quantity_t"] for r in rows] == [30000.5, None, 0.1]
    assert [r["importer"] for r in rows] == ["USA", "ITA", "X490"]
    assert (load.dataset, rows[0]["release"], rows[0]["hs_revision"]) == (
        "BACI_HS92_Y2021_V202301", "V202301", "HS92")


def test_namibia_iso2_na_is_not_missing(tmp_path: Path) -> None:
    """Namibia's ISO2 is the text 'NA'; its ISO3 is read, not taken for a missing value."""
    dico = baci.read_dictionary(_files(tmp_path, GOOD).parent / "country_codes_V202201.csv")
    assert dico.iso3[516] == "NAM"


def test_code_unknown_to_iso_and_dictionary_is_refused(tmp_path: Path) -> None:
    """A code that is no ISO numeric of a country the dictionary has is an error, not a guess:
    Germany's 276 is real ISO, but this dictionary has no DEU, so it is no re-coding."""
    bad = _files(tmp_path, _row(1, "2021,484,276,30617,1,1\n"))
    with pytest.raises(InputError) as err:
        baci.read(bad)
    assert err.value.problems[0].field == "j"
    assert "country_codes_V202201.csv" in err.value.render("en")
    assert "V202201" in err.value.render("es")


def _release_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("BACI_HS92_Y2021_V202301.csv", GOOD)
        archive.writestr("country_codes_V202301.csv", DICTIONARY)
        archive.writestr("product_codes_HS92_V202301.csv", "code,description\n")
    return buf.getvalue()


def test_download_release_cached_and_read(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request("/BACI_HS92_V202301.zip").respond_with_data(
        _release_zip(), content_type="application/zip")
    path = baci.download("HS92", "V202301", cache=tmp_path, base_url=httpserver.url_for(""))
    assert path == tmp_path / "BACI_HS92_V202301.zip"
    # served once only: a second call must come from the cache
    assert baci.download("HS92", "V202301", cache=tmp_path,
                         base_url=httpserver.url_for("")) == path
    data, dico = baci.extract_year(path, 2021, tmp_path / "x")
    load = baci.read_native(data, dico)
    assert load.total_usd == pytest.approx(280881973.0 + 1500.0 + 2250.0)


def test_download_refuses_html_and_bad_zip(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request("/BACI_HS12_V202301.zip").respond_with_data(
        "<html>maintenance</html>", content_type="text/html")
    with pytest.raises(DownloadError):
        baci.download("HS12", "V202301", cache=tmp_path, base_url=httpserver.url_for(""))
    httpserver.expect_oneshot_request("/BACI_HS17_V202301.zip").respond_with_data(
        b"PK not really", content_type="application/zip")
    with pytest.raises(InputError):
        baci.download("HS17", "V202301", cache=tmp_path, base_url=httpserver.url_for(""))
    assert list(tmp_path.iterdir()) == []  # nothing cached


def test_download_release_name_checked(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        baci.download("HS92", "../../etc", cache=tmp_path, base_url="http://127.0.0.1:9")
