"""``comexlab site``: JSON lists the plants within the radius, xlsx/html/pdf are written,
hostile text stays inert, bad input is refused in plain words (exit 2, no traceback)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.registry import db
from comexlab.registry.importer import import_files
from comexlab.warehouse.db import connect
from comexlab.warehouse.establishments import load_retc
from comexlab.warehouse.sites import load_fdi

runner = CliRunner()
HOSTILE = '=HYPERLINK("http://evil")<script>alert(1)</script>'


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory,
        shared_file: Callable[[str], Path]) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("sitecli")
    con = connect(tmp / "wh.duckdb")
    load_retc(con, shared_file("semarnat_retc_establishments/es_2022.csv.gz"))
    load_fdi(con, shared_file("se_fdi_by_state/ied_entidad_tipo.csv.gz"))
    con.close()
    url = f"sqlite:///{tmp / 'reg.sqlite'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    parks = tmp / "industrial_parks.csv"
    parks.write_text("park_code,name,state_code,latitude,longitude,is_demo\n"
                     f'EVIL,"{HOSTILE.replace(chr(34), chr(34) * 2)}",14,21.36,-101.93,true\n',
                     encoding="utf-8")
    import_files(engine, [parks], entity="industrial_parks")
    engine.dispose()
    return tmp / "wh.duckdb", url


def run(env: tuple[Path, str], *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["site", *args, "--warehouse", str(env[0]), "--db", env[1]],
                           env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_plants_within_radius(env: tuple[Path, str]) -> None:
    code, out, _ = run(env, "profile", "--municipality", "14053", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["radius_km"] == 150.0 and data["plants"]
    first = data["plants"][0]
    assert set(first) >= {"name", "state", "municipality", "scian", "km"}
    assert all(p["km"] <= 150 for p in data["plants"])
    # names as published: RETC's legal name with its establishment name after the comma
    assert first["name"].startswith("DRAXLMAIER")
    assert sum(1 for p in data["plants"] if p["role"] == "oem") == 8


def test_xlsx_keeps_hostile_text_inert(env: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    code, _, _ = run(env, "profile", "--at", "21.36,-101.93", "--format", "xlsx", "-o", str(out),
                     "--lang", "en")
    assert code == 0
    wb = load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" for c in cells)  # a string, not a formula


def test_html_escapes_hostile_park_names(env: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    code, _, _ = run(env, "profile", "--park", "EVIL", "--format", "html", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert code == 0 and "<script>alert" not in text and "&lt;script&gt;" in text


def test_pdf_is_printed_by_chromium(env: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    code, _, err = run(env, "profile", "--municipality", "11037", "--format", "pdf", "-o",
                       str(out), "--lang", "en")
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(
        b"/Type /Page>>") + data.count(b"/Type/Page") <= 2


def test_compare_three_sites(env: tuple[Path, str]) -> None:
    code, out, _ = run(env, "compare", "--municipality", "14053", "--municipality", "11037",
                       "--municipality", "11032", "--format", "csv", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert "Lagos de Moreno (14053)" in lines[0] and "San José Iturbide (11032)" in lines[0]
    assert any(line.startswith("OEM plants within 150 km,8,12,9") for line in lines)


@pytest.mark.parametrize(("args", "words"), [
    (["profile", "--at", "norte"], "LAT,LON"),
    (["profile", "--at", "91,-200"], "México"),
    (["profile", "--municipality", "99999"], "99999"),
    (["profile", "--municipality", "14053", "--radius", "-3"], "radio"),
    (["profile", "--municipality", "14053", "--format", "pdf"], "--output"),
    (["profile", "--municipality", "14053", "--process", "welding_of_dreams"], "proceso"),
    (["compare", "--municipality", "14053"], "2 a 6"),
])
def test_bad_input_is_refused_in_spanish(env: tuple[Path, str], args: list[str],
                                         words: str) -> None:
    from comexlab.cli import main

    result = runner.invoke(app, ["site", *args, "--warehouse", str(env[0]), "--db", env[1]],
                           env={"COLUMNS": "200"})
    assert result.exit_code != 0 and result.exception is not None
    assert not isinstance(result.exception, (AttributeError, TypeError, KeyError))
    assert words in result.exception.render("es")  # type: ignore[attr-defined]
    assert callable(main)


def test_map_draws_state_outlines_and_all_oem_within_250(env: tuple[Path, str],
                                                         tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    code, _, _ = run(env, "profile", "--municipality", "14053", "--format", "html", "-o",
                     str(out))
    text = out.read_text(encoding="utf-8")
    assert code == 0
    assert 'stroke="#9a9a9a"' in text  # Natural Earth state lines near the site
    assert text.count('fill="#c0392b"') == 12  # OEM plants within 250 km (see JSON test)
