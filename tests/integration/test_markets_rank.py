"""`comexlab markets rank` on the real 2018 shrimp file, against independent pandas sums.

The raw file (shared/data/baci_shrimp_hs12_2018) read with pandas alone: Mexico's exports of
030617 (frozen warm-water shrimp) are $378.0 m, $280.9 m of them to the USA; over the six
shrimp codes $388.4 m, USA $289.0 m (PROVENANCE.md: "Mexico exports $388.4 m … USA $289.0 m").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.errors import InputError, NotFoundError
from comexlab.services import markets

SHRIMP = ("baci_shrimp_hs12_2018/"
          "standardized_baci_seafood_hs12_y2018_including_value.csv.gz")
runner = CliRunner()


@pytest.fixture(scope="module")
def loaded(shared_file: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Path, pd.DataFrame]:
    wh = tmp_path_factory.mktemp("markets") / "wh.duckdb"
    path = shared_file(SHRIMP)
    result = runner.invoke(app, ["markets", "load", str(path), "--warehouse", str(wh),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "8,245 rows loaded" in result.output
    return wh, pd.read_csv(path, dtype={"hs6": str})


def _rank(wh: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["markets", "rank", "--exporter", "MEX", "--year", "2018",
                                 "--warehouse", str(wh), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_mexico_shrimp_030617_usa_leads(loaded: tuple[Path, pd.DataFrame]) -> None:
    wh, raw = loaded
    mex = raw[(raw.exporter_iso3c == "MEX") & (raw.hs6 == "030617")]
    records = _rank(wh, "--product", "030617", "--top", "20")
    assert len(records) == 20
    first = records[0]
    assert first["market"] == "USA" and first["rank"] == 1
    usa = mex.loc[mex.importer_iso3c == "USA", "total_v"].sum() * 1000
    assert first["actual_usd"] == pytest.approx(usa)
    assert usa == pytest.approx(280.88e6, rel=1e-4)
    for component in ("demand_usd", "supply_share", "tariff_factor", "distance_factor",
                      "ease", "potential_usd", "unrealised_usd", "parameters"):
        assert component in first
    assert first["supply_share"] == pytest.approx(
        mex["total_v"].sum() / raw.loc[raw.hs6 == "030617", "total_v"].sum())
    assert "tariffs=neutral default" in str(first["parameters"])
    potentials = [r["potential_usd"] for r in records]
    assert potentials == sorted(potentials, reverse=True)  # best first
    # USA's demand = every country's 030617 exports to the USA (re-imports aside)
    us_imports = raw[(raw.hs6 == "030617") & (raw.importer_iso3c == "USA")
                     & (raw.exporter_iso3c != "USA")]["total_v"].sum() * 1000
    assert first["demand_usd"] == pytest.approx(us_imports)


def test_all_six_shrimp_codes_289_of_388(loaded: tuple[Path, pd.DataFrame],
                                         tmp_path: Path) -> None:
    wh, raw = loaded
    mex = raw[raw.exporter_iso3c == "MEX"]
    records = _rank(wh, "--product", "0306,1605", "--top", "500")
    assert records[0]["market"] == "USA"
    assert records[0]["actual_usd"] == pytest.approx(
        mex.loc[mex.importer_iso3c == "USA", "total_v"].sum() * 1000)
    assert records[0]["actual_usd"] == pytest.approx(289.01e6, rel=1e-4)
    total = sum(float(r["actual_usd"]) for r in records)  # type: ignore[arg-type]
    assert total == pytest.approx(mex["total_v"].sum() * 1000)
    assert total == pytest.approx(388.39e6, rel=1e-4)
    assert sum(1 for r in records if float(r["actual_usd"]) > 0) == 29  # type: ignore[arg-type]
    # potentials add up to Mexico's supply (the scale of the method)
    assert sum(float(r["potential_usd"]) for r in records) == pytest.approx(total)  # type: ignore[arg-type]


def test_xlsx_has_markets_and_notes(loaded: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    wh, _ = loaded
    out = tmp_path / "rank.xlsx"
    result = runner.invoke(app, ["markets", "rank", "-p", "030617", "-e", "mex", "--warehouse",
                                 str(wh), "-f", "xlsx", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book["markets"]["F2"].value == "USA" or "USA" in [c.value for c in book["markets"][2]]
    notes = " ".join(str(c.value) for c in book["notes"]["A"])
    assert "NEUTRAL DEFAULT" in notes and "HS12, 2018" in notes


def test_screen_table_in_spanish(loaded: tuple[Path, pd.DataFrame]) -> None:
    wh, _ = loaded
    result = runner.invoke(app, ["markets", "rank", "-p", "030617", "-e", "MEX", "--top", "5",
                                 "--warehouse", str(wh)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Potencial de exportación de MEX" in result.output
    assert "VALOR NEUTRO" in result.output


@pytest.mark.parametrize(("args", "error"), [
    (("-p", "03061", "-e", "MEX"), InputError),      # 5 digits: no HS level
    (("-p", "0306x", "-e", "MEX"), InputError),
    (("-p", "030617", "-e", "MEXICO"), InputError),
    (("-p", "030617", "-e", "MEX", "--top", "0"), InputError),
    (("-p", "870323", "-e", "MEX"), NotFoundError),  # no BACI rows for cars
    (("-p", "030617", "-e", "MEX", "--year", "2019"), NotFoundError),
])
def test_bad_requests_name_the_field(loaded: tuple[Path, pd.DataFrame],
                                     args: tuple[str, ...], error: type[Exception]) -> None:
    wh, _ = loaded
    result = runner.invoke(app, ["markets", "rank", *args, "--warehouse", str(wh)])
    assert result.exit_code != 0
    assert isinstance(result.exception, error)


def test_service_request_is_validated_without_cli() -> None:
    with pytest.raises(InputError) as err:
        markets.RankRequest("03061", "MEX").checked()
    assert err.value.problems[0].field == "product"
