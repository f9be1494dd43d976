"""Scenarios on the real schedule and flows: headline figures, hand-checked lines, totals.

Reference figures: PROVENANCE.md (US imports from Mexico 2025 = $530.7 bn; 8703230140 =
$19.7 bn; 8471500150 = $80.6 bn; Comtrade MX→US 2017 = $319.7 bn; INEGI GTO 2018 transport
equipment 19,895,014 kUSD). Independent checks re-read the raw files with pandas.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from comexlab.cli import app
from comexlab.services.scenarios import ScenarioRequest, load_scenario, run_scenario
from comexlab.tariffs.engine import ScenarioResult
from comexlab.warehouse import flows as flows_service
from comexlab.warehouse import hts as hts_service
from comexlab.warehouse.db import connect

DATAWEB = "usitc_dataweb_us_imports_mx_ca"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory,
           shared_file: Callable[[str], Path]) -> Iterator[Path]:
    shared_file("usitc_hts/hts_2026_rev_10.json.gz")
    path = tmp_path_factory.mktemp("wh") / "scenario.duckdb"
    con = connect(path)
    for edition in ("2026r10", "2013"):
        hts_service.load_edition(con, edition)
    for source in ("usitc_dataweb", "inegi_eaef", "comtrade"):
        flows_service.load_source(con, source)
    flows_service.load_hts_naics(con)
    con.close()
    yield path


@pytest.fixture(scope="module")
def con(loaded: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(loaded, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw_mx_2025(shared_file: Callable[[str], Path]) -> pd.DataFrame:
    frames = [pd.read_csv(shared_file(f"{DATAWEB}/usmca_product_shares_2025_{m:02d}.csv.gz"),
                          dtype={"hts10": str, "cty_code": str}) for m in range(1, 13)]
    raw = pd.concat(frames)
    return raw[raw["cty_code"] == "2010"].groupby("hts10")[["total_value", "usmca_value"]].sum()


@pytest.fixture(scope="module")
def mex(con: duckdb.DuckDBPyConnection) -> ScenarioResult:
    return run_scenario(con, ScenarioRequest(load_scenario("usmca-ends", con), reporter="MEX"))


def _line(res: ScenarioResult, code: str) -> pd.Series:
    rows = res.lines[res.lines["product_code"] == code]
    assert len(rows) == 1
    return rows.iloc[0]


def test_mexico_total_reconciles_to_the_files(mex: ScenarioResult,
                                              raw_mx_2025: pd.DataFrame) -> None:
    total = mex.aggregate().iloc[0]
    assert round(total.value_usd / 1e9, 1) == 530.7           # PROVENANCE.md
    assert total.value_usd == pytest.approx(raw_mx_2025["total_value"].sum(), abs=0.5)
    assert total.claimed_value_usd == pytest.approx(raw_mx_2025["usmca_value"].sum(), abs=0.5)
    assert mex.lines["value_usd"].sum() == pytest.approx(total.value_usd, rel=1e-12)


def test_passenger_cars_hand_checked(mex: ScenarioResult, raw_mx_2025: pd.DataFrame) -> None:
    # 8703.23.01.40: MFN 2.5 % (HTS 2026 Rev. 10), USMCA (S) free. Only the USMCA-claimed value
    # is hit: duty change = 2.5 % × claimed value.
    row = _line(mex, "8703230140")
    claimed = raw_mx_2025.loc["8703230140", "usmca_value"]
    value = raw_mx_2025.loc["8703230140", "total_value"]
    assert round(value / 1e9, 1) == 19.7                       # PROVENANCE.md
    assert row.mfn_ave == 0.025 and row.pref_ave == 0.0
    assert row.duty_after - row.duty_before == pytest.approx(0.025 * claimed, rel=1e-12)
    assert row.duty_after == pytest.approx(0.025 * value, rel=1e-12)
    assert row.exposed_value_usd == claimed
    assert row.neutralising_cut == pytest.approx(claimed / value * 0.025 / 1.025, rel=1e-12)


def test_free_computers_are_not_exposed(mex: ScenarioResult) -> None:
    row = _line(mex, "8471500150")
    assert round(row.value_usd / 1e9, 1) == 80.6               # PROVENANCE.md
    assert row.mfn_ave == 0.0 and row.duty_after == 0.0 and not row.exposed


def test_headline_is_the_sum_of_lines(mex: ScenarioResult) -> None:
    total = mex.aggregate().iloc[0]
    lines = mex.lines
    known = lines["duty_before"].notna()
    assert total.duty_after == pytest.approx(lines.loc[known, "duty_after"].sum(), rel=1e-12)
    assert total.exposed_value_usd == pytest.approx(lines["exposed_value_usd"].sum())
    assert total.rate_after_tw == pytest.approx(
        lines.loc[known, "duty_after"].sum() / lines.loc[known, "value_usd"].sum())
    by_section = mex.aggregate(["section"])
    assert by_section["duty_change"].sum() == pytest.approx(total.duty_change, rel=1e-9)
    # exposure: only claimed value can be exposed when a program is withdrawn
    assert 0 < total.exposed_value_usd <= total.claimed_value_usd


def test_unknown_value_is_listed_in_the_audit(mex: ScenarioResult) -> None:
    total = mex.aggregate().iloc[0]
    noted = {n.kind: n for n in mex.audit}
    assert {"no_tariff_line", "reference_rate", "ave_fallback"} <= set(noted)
    unknown_rows = mex.lines["duty_before"].isna() & (mex.lines["value_usd"] > 0)
    assert unknown_rows.sum() == noted["no_tariff_line"].count + noted["reference_rate"].count
    assert total.value_unknown_rate == pytest.approx(
        mex.lines.loc[unknown_rows, "value_usd"].sum())


@pytest.mark.parametrize(("state", "reporter"), [("GTO", "MX-GTO"), ("JAL", "MX-JAL")])
def test_states_are_estimated_and_hand_checked(con: duckdb.DuckDBPyConnection,
                                               mex: ScenarioResult,
                                               shared_file: Callable[[str], Path],
                                               state: str, reporter: str) -> None:
    res = run_scenario(con, ScenarioRequest(load_scenario("usmca-ends", con), reporter=state,
                                                 smart=False))
    assert res.estimated and set(res.lines["reporter"]) == {reporter}
    assert any(n.kind == "allocation_estimate" for n in res.audit)
    # hand check: the state's share of SCIAN 336 exports in INEGI 2018 times the national line
    inegi = pd.read_csv(shared_file("inegi_state_exports/"
                                    "eaef_state_subsector_exports_2007_2018_long.csv"),
                        dtype={"Código": str})
    y = inegi[(inegi["year"] == 2018) & (inegi["Código"] == "336")]
    name = {"GTO": "Guanajuato", "JAL": "Jalisco"}[state]
    share = y.loc[y["state"] == name, "USD"].sum() / y["USD"].sum()
    if state == "GTO":
        assert y.loc[y["state"] == name, "USD"].sum() == 19_895_014  # PROVENANCE.md
    national = _line(mex, "8703230140")
    row = _line(res, "8703230140")
    assert row.value_usd == pytest.approx(national.value_usd * share, rel=1e-9)
    assert row.duty_after - row.duty_before == pytest.approx(
        (national.duty_after - national.duty_before) * share, rel=1e-9)
    total = res.aggregate().iloc[0]
    assert total.value_usd < mex.aggregate().iloc[0].value_usd


def test_nafta_ends_is_approximate_on_hs4(con: duckdb.DuckDBPyConnection) -> None:
    scenario = load_scenario("nafta-ends", con)
    res = run_scenario(con, ScenarioRequest(scenario, smart=False))
    assert scenario.approximate and res.scenario.utilisation == 0.46
    assert set(res.lines["product_level"]) == {"hs4"}
    total = res.aggregate().iloc[0]
    assert round(total.value_usd / 1e9, 1) == 319.7            # PROVENANCE.md, Comtrade 2017
    kinds = {n.kind for n in res.audit}
    assert {"hs4_simple_average", "utilisation_default"} <= kinds
    assert math.isclose(total.claimed_value_usd, 0.46 * total.value_usd, rel_tol=1e-12)
    assert 0 < total.share_exposed < 0.46


def test_s232_autos_parts_spare_usmca_value(con: duckdb.DuckDBPyConnection,
                                             mex: ScenarioResult) -> None:
    res = run_scenario(con, ScenarioRequest(load_scenario("s232-autos", con), reporter="MEX",
                                                 smart=False))
    car = _line(res, "8703230140")
    assert car.duty_after == pytest.approx(car.value_usd * 0.275 - car.claimed_value_usd * 0.025,
                                           rel=1e-9)
    part = res.lines[res.lines["product_code"] == "4009120020"]
    if len(part):
        p = part.iloc[0]
        assert p.exposed_value_usd == pytest.approx(p.value_usd - p.claimed_value_usd)


def _scenario_run(warehouse: Path, reporter: str, *options: str,
                  lang: str = "en") -> Result:
    """``comexlab scenario run usmca-ends --reporter R --no-smart …`` on ``warehouse``."""
    result = CliRunner().invoke(app, ["scenario", "run", "usmca-ends", "--reporter", reporter,
                                      "--no-smart", *options, "--warehouse", str(warehouse),
                                      "--lang", lang], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result


def test_cli_run_writes_the_line_table(loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "lines.csv"
    result = _scenario_run(loaded, "MEX", "--by", "section", "--format", "csv",
                           "--output", str(out))
    assert "Share of exports exposed" in result.output
    table = pd.read_csv(out, dtype={"product_code": str})
    assert round(table["value_usd"].sum() / 1e9, 1) == 530.7


def test_cli_validate_names_line_of_unknown_prefix(loaded: Path, tmp_path: Path) -> None:
    new = tmp_path / "mine.yaml"
    runner = CliRunner()
    assert runner.invoke(app, ["scenario", "new", str(new)]).exit_code == 0
    ok = runner.invoke(app, ["scenario", "validate", str(new), "--warehouse", str(loaded)])
    assert ok.exit_code == 0, ok.output
    new.write_text(new.read_text().replace('prefixes: ["8703"]', 'prefixes: ["0000"]'))
    bad = runner.invoke(app, ["scenario", "validate", str(new), "--warehouse", str(loaded)])
    assert bad.exit_code != 0
    assert "0000" in str(bad.exception) and "row 32" in str(bad.exception)


def test_cli_list_and_compare(loaded: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["scenario", "list", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    assert {"usmca-ends", "nafta-ends", "s232-autos", "s232-metals"} <= set(
        pd.read_csv(__import__("io").StringIO(listed.output))["name"])
    out = tmp_path / "cmp.csv"
    cmp = runner.invoke(app, ["scenario", "compare", "usmca-ends", "s232-autos", "--reporter",
                              "MEX", "--format", "csv", "--output", str(out),
                              "--warehouse", str(loaded)])
    assert cmp.exit_code == 0, cmp.output
    table = pd.read_csv(out)
    assert list(table["scenario"]) == ["usmca-ends", "s232-autos"]
    assert table["value_usd"].nunique() == 1        # same base flows
    assert (table["duty_after"] > table["duty_before"]).all()


def test_cli_xlsx_for_a_state_says_estimated(loaded: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "gto.xlsx"
    _scenario_run(loaded, "GTO", "--by", "subsector", "--format", "xlsx", "--output", str(out),
                  lang="es")
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["headline", "by_subsector", "lines", "notes"]
    notes = [row[0] for row in book["notes"].iter_rows(min_row=2, values_only=True)]
    assert any("ESTIMADO" in str(n) for n in notes)


def test_cli_by_subsector_screen_table_is_labelled(loaded: Path) -> None:
    # SCIAN subsectors come from the HTS10 → NAICS concordance (hts_naics); the screen table
    # names them and keeps the figures on one line each
    result = _scenario_run(loaded, "MEX", "--by", "subsector")
    assert "Tariff 0→1" in result.output and "Price cut" in result.output
    row = next(line for line in result.output.splitlines() if "│ 336 " in line)
    assert "Transportation" in row or "Transport" in row
    assert row.count("%") == 4  # exposed share, tariff before → after, price cut


@pytest.mark.parametrize(("edit", "fragments"), [
    # issue 9: a year nobody loaded printed an all-zero headline with exit code 0
    (("years: [2025]", "years: [2019]"), ("no usitc_dataweb flows are loaded for 2019",
                                          "years loaded: 2025")),
    # issue 9: an unknown partner ran with zero effect and exit code 0
    (("    partners: [MEX]               # exporting countries hit; omit for all",
      "    partners: [ZZZ]"), ("'ZZZ' is not a country code", "row 24")),
])
def test_cli_refuses_scenario_that_would_compute_nothing(
        loaded: Path, tmp_path: Path, edit: tuple[str, str],
        fragments: tuple[str, ...]) -> None:
    path = tmp_path / "mine.yaml"
    runner = CliRunner()
    assert runner.invoke(app, ["scenario", "new", str(path)]).exit_code == 0
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    for command in ("validate", "run"):
        result = runner.invoke(app, ["scenario", command, str(path), "--warehouse", str(loaded)])
        assert result.exit_code != 0, result.output
        assert all(f in str(result.exception) for f in fragments), str(result.exception)
