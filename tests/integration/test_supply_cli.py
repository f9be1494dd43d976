"""`comexlab supply …` end to end through Typer, on real files (EAEF, Comtrade, RETC 2022).

The walk an agency takes: load flows and the RETC register, seed the DEMO registry, import the
RETC plants, then ask for complexity and opportunities (screen, json, xlsx).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from comexlab.cli import app

runner = CliRunner()


def ok(args: list[str], columns: int = 200) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
        ) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("supplycli")
    data = str(shared_file("semarnat_retc_establishments/es_2022.csv.gz").parent.parent)
    wh, db = str(folder / "wh.duckdb"), f"sqlite:///{folder / 'reg.db'}"
    ok(["flows", "load", "--source", "inegi_eaef", "--source", "comtrade", "--warehouse", wh,
        "--data", data, "--lang", "en"])
    out = ok(["supply", "load", "retc", "--warehouse", wh, "--data", data, "--lang", "en"])
    assert "3,017" in out
    ok(["registry", "demo", "--db", db, "--as-of", "2026-11-30"])
    out = ok(["supply", "import-plants", "--state", "GTO", "--state", "JAL", "--warehouse", wh,
              "--db", db, "--format", "json", "--lang", "en"])
    counts = {r["State"]: r for r in json.loads(out)}
    assert (counts["11"]["Imported"], counts["11"]["Refused"]) == (162, 16)
    assert (counts["14"]["Imported"], counts["14"]["Refused"]) == (152, 28)
    assert counts["14"]["Why refused"] == "not manufacturing (SCIAN outside 31–33): 28"
    return {"wh": wh, "db": db, "folder": str(folder)}


def test_complexity_json_one_record_per_state(env: dict[str, str]) -> None:
    rows = json.loads(ok(["supply", "complexity", "--year", "2018", "--warehouse", env["wh"],
                          "--format", "json"]))
    assert len(rows) == 32 and {"state", "eci", "diversity"} <= set(rows[0])
    assert {r["state"] for r in rows} >= {"11", "14"}
    one = json.loads(ok(["supply", "complexity", "--year", "2018", "--state", "GTO",
                         "--warehouse", env["wh"], "--format", "json"]))
    assert [r["abbr"] for r in one] == ["GTO"]


def test_complexity_screen_spanish_by_default(env: dict[str, str]) -> None:
    out = ok(["supply", "complexity", "--state", "JAL", "--warehouse", env["wh"], "--lang", "es"])
    assert "Complejidad económica de las entidades (2018)" in out
    assert "Densidad" in out and "código 000" in out


def test_opportunities_screen_and_xlsx(env: dict[str, str]) -> None:
    out = ok(["supply", "opportunities", "--state", "GTO", "--origin", "asia", "--top", "30",
              "--warehouse", env["wh"], "--db", env["db"], "--lang", "en"])
    assert "Import substitution in Guanajuato" in out
    assert "comtrade, national level, HS4, 2021" in out
    assert "RETC" in out and "DEMO" in out
    narrow = ok(["supply", "opportunities", "--state", "GTO", "--top", "5",
                 "--warehouse", env["wh"], "--db", env["db"], "--lang", "en"], columns=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "│ Iron or " in narrow and "│ steel; " in narrow  # wrapped by words, not letters
    path = Path(env["folder"]) / "gto.xlsx"
    ok(["supply", "opportunities", "--state", "GTO", "--origin", "asia", "--top", "30",
        "--format", "xlsx", "-o", str(path), "--warehouse", env["wh"], "--db", env["db"],
        "--lang", "en"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Ranking", "Suppliers", "notes"]
    assert book["Ranking"].max_row == 31  # header + 30 headings


@pytest.mark.parametrize("args,field", [
    (["--state", "XX"], "state"), (["--state", "JAL", "--origin", "mars"], "origin"),
    (["--state", "JAL", "--source", "web"], "source"),
    (["--state", "JAL", "--w-market", "-1"], "weights"),
    (["--state", "JAL", "--format", "xlsx"], "--output"),
])
def test_bad_options_are_plain_errors(env: dict[str, str], args: list[str], field: str) -> None:
    result = runner.invoke(app, ["supply", "opportunities", *args, "--warehouse", env["wh"],
                                 "--db", env["db"], "--lang", "en"])
    assert result.exit_code != 0
    assert field in str(result.exception)
    assert "Traceback" not in result.output


def test_plants_listed_with_their_source(env: dict[str, str]) -> None:
    rows = json.loads(ok(["supply", "plants", "--state", "GTO", "--db", env["db"],
                          "--format", "json"]))
    assert len(rows) == 162 and {r["source"] for r in rows} == {"semarnat_retc"}
    gm = [r for r in rows if r["scian"] == "336110" and "GENERAL MOTORS" in r["legal_name"]]
    assert gm and gm[0]["latitude"] == pytest.approx(20.95, abs=0.1)  # Silao
    screen = ok(["supply", "plants", "--state", "JAL", "--db", env["db"]], columns=80)
    assert "152" in screen and max(len(x) for x in screen.splitlines()) <= 80
