"""The regime on the real files: five lines checked by hand end to end, states, CLI, check.

Expected rates are worked from the published texts, not from the code: MFN and USMCA rates
as printed in the HTS 2025 Basic edition (8703.23.01 2.5%, USMCA Free; 8704.23.01 25%, USMCA
Free; 7210.49.00, 8418.99.80 and 3104.30.00 Free), the measure rates of the proclamations and
executive orders cited in tariffs/data/regime/measures.yaml, the USMCA US-content share 0.40
(Budget Lab parameter) and the BEA aluminium share of 8418998050 (0.023476526…, from
metal_content_shares_bea_hs10.csv.gz). The line values are summed straight from the DataWeb
files of the weighting window (2025-09 … 2026-02), independently of the warehouse.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.services import regime as service
from comexlab.warehouse import flows as flows_service
from comexlab.warehouse import hts as hts_service
from comexlab.warehouse.db import connect

WINDOW = ("2025-09", "2026-02")
MONTHS = ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
US_CONTENT = 0.40
ALU_8418998050 = 0.023476526102577364


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("regime") / "wh.duckdb"
    con = connect(path)
    for edition in ("2025", "2026r10"):
        hts_service.load_edition(con, edition, data_dir=data_dir)
    for source in ("usitc_dataweb", "inegi_eaef"):
        flows_service.load_source(con, source, data_dir=data_dir)
    flows_service.load_hts_naics(con, data_dir=data_dir)
    con.close()
    return path


@pytest.fixture(scope="module")
def con(loaded: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(loaded, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw(shared_file: Callable[[str], Path]) -> pd.DataFrame:
    """Mexico's rows of the window's DataWeb files, read directly."""
    frames = []
    for month in MONTHS:
        name = f"usitc_dataweb_us_imports_mx_ca/usmca_product_shares_{month.replace('-', '_')}"
        with gzip.open(shared_file(name + ".csv.gz"), "rt") as f:
            frame = pd.read_csv(f, dtype={"hts10": str, "cty_code": str})
        frames.append(frame[frame["cty_code"] == "2010"])
    return pd.concat(frames)


def hand_rate(raw: pd.DataFrame, code: str, claimed_rate: float, rest_rate: float) -> float:
    rows = raw[raw["hts10"] == code]
    total, claimed = float(rows["total_value"].sum()), float(rows["usmca_value"].sum())
    assert total > 0, code
    return (claimed * claimed_rate + (total - claimed) * rest_rate) / total


@pytest.fixture(scope="module")
def days(con: duckdb.DuckDBPyConnection) -> dict[str, service.ShowResult]:
    return {d: service.show(con, service.ShowRequest(dt.date.fromisoformat(d), by="line"))
            for d in ("2025-03-05", "2025-03-15", "2025-06-15", "2026-01-01", "2026-02-24",
                      "2026-07-24")}


def line(res: service.ShowResult, code: str) -> pd.Series:
    table = res.table.set_index("product_code")
    return table.loc[code]


@pytest.mark.parametrize(("day", "code", "claimed_rate", "rest_rate", "what"), [
    # passenger car: claimed USMCA pays 25% on the 60% non-US content; not claimed 2.5% + 25%
    ("2026-01-01", "8703230140", 0.25 * (1 - US_CONTENT), 0.025 + 0.25, "car, both tracks"),
    # before the auto duties, the car paid IEEPA 25% only when not claimed
    ("2025-03-15", "8703230140", 0.0, 0.025 + 0.25, "car before 3 Apr 2025"),
    # hot-dipped flat-rolled steel (7210.49, MFN Free): 25% then 50% on both tracks, never IEEPA
    ("2025-03-15", "7210490091", 0.25, 0.25, "steel flat, 25%"),
    ("2025-06-15", "7210490091", 0.50, 0.50, "steel flat, 50%"),
    # refrigerator parts (aluminium derivative): 50% on the aluminium share, IEEPA on the rest
    ("2025-06-15", "8418998050", 0.50 * ALU_8418998050,
     0.50 * ALU_8418998050 + 0.25 * (1 - ALU_8418998050), "aluminium derivative"),
    # truck 8704.23.01 (MFN 25%): from 1 Nov 2025, 25% on the non-US content when claimed
    ("2026-01-01", "8704230100", 0.25 * (1 - US_CONTENT), 0.25 + 0.25, "truck"),
    # potash: 10% (not 25%) when not claimed, nothing when claimed; 25% on all before 7 Mar
    ("2025-06-15", "3104300000", 0.0, 0.10, "potash"),
    ("2025-03-05", "3104300000", 0.25, 0.25, "potash before the USMCA exemption"),
    # Section 122: 10% on the non-claimed value of an ordinary line; cars exempt (232)
    ("2026-02-24", "8703230140", 0.25 * (1 - US_CONTENT), 0.025 + 0.25, "car under s122"),
])
def test_lines_by_hand(days: dict[str, service.ShowResult], raw: pd.DataFrame, day: str,
                       code: str, claimed_rate: float, rest_rate: float, what: str) -> None:
    got = line(days[day], code)
    assert got["etr"] == pytest.approx(hand_rate(raw, code, claimed_rate, rest_rate),
                                       rel=1e-9), what


def test_the_measures_that_hit_a_line_are_named(days: dict[str, service.ShowResult]) -> None:
    assert line(days["2026-01-01"], "8704230100")["measures"] == "ieepa-fentanyl-mx;" \
        "s232-mhd-vehicles"
    assert "ieepa-fentanyl-mx-potash" in line(days["2025-06-15"], "3104300000")["measures"]


def test_mexico_etr_on_the_issue_dates(days: dict[str, service.ShowResult]) -> None:
    """Decomposition adds up; the authorities in force are the ones that show."""
    for res in days.values():
        assert sum(res.by_authority.values()) == pytest.approx(res.etr)
        assert (res.weights.first, res.weights.last) == WINDOW
    assert days["2025-03-15"].by_authority["ieepa_fentanyl"] > 0
    assert days["2026-02-24"].by_authority["ieepa_fentanyl"] == 0  # ended by the Court
    assert days["2026-02-24"].by_authority["s122"] > 0
    assert days["2026-07-24"].by_authority["s122"] == 0  # 150 days ran out on 23 July
    assert days["2026-07-24"].edition == "2026r10"
    # USMCA claiming in the window: ~89% of customs value (PROVENANCE: 86.9% in Jul 2025)
    assert 0.85 < days["2026-01-01"].weights.claimed_share < 0.93


def test_a_state_goes_through_the_state_lines_and_is_labelled_estimated(
        con: duckdb.DuckDBPyConnection) -> None:
    res = service.show(con, service.ShowRequest(dt.date(2026, 1, 1), reporter="GTO"))
    assert res.estimated
    assert 0 < res.etr < 0.5
    assert res.weights.value_usd < 264e9  # a part of Mexico's window value


def test_show_json_carries_etr_as_a_fraction(loaded: Path) -> None:
    out = CliRunner().invoke(app, ["regime", "show", "--on", "2026-01-01", "--warehouse",
                                   str(loaded), "-f", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert 0 < payload["etr"] < 1
    assert set(payload["by_authority"]) >= {"mfn", "ieepa_fentanyl", "s232", "s122"}
    assert payload["weights"]["window"] == list(WINDOW)
    assert {m["id"] for m in payload["not_modelled"]} >= {"s232-semiconductors"}
    assert payload["engine"] == "duckdb"  # issue 18: every result says what computed it


def test_bad_cli_input_is_refused_in_plain_words(loaded: Path) -> None:
    runner = CliRunner()
    bad_date = runner.invoke(app, ["regime", "show", "--on", "2026-13-01", "--warehouse",
                                   str(loaded)])
    assert bad_date.exit_code != 0 and "2026-13-01" in str(bad_date.exception)
    early = runner.invoke(app, ["regime", "show", "--on", "2024-06-01", "--warehouse",
                                str(loaded)])
    assert early.exit_code != 0 and "2024-06-01" in str(early.exception)
    window = runner.invoke(app, ["regime", "show", "--on", "2026-01-01", "--window",
                                 "2019-01..2019-06", "--warehouse", str(loaded)])
    assert window.exit_code != 0 and "2019-01" in str(window.exception)
    state = runner.invoke(app, ["regime", "show", "--on", "2026-01-01", "-r", "XXX",
                                "--warehouse", str(loaded)])
    assert state.exit_code != 0 and "XXX" in str(state.exception)


def test_check_against_the_loaded_editions(con: duckdb.DuckDBPyConnection) -> None:
    res = service.check(con)
    rows = res.rows.set_index(["measure", "heading", "edition"])["status"]
    # Rev. 10 prints the headings of the measures in force when it came out
    for key in [("s232-annex-1a", "9903.82.02", "2026r10"),
                ("s232-autos", "9903.94.03", "2026r10"),
                ("s232-auto-parts", "9903.94.06", "2026r10"),
                ("s232-mhd-vehicles", "9903.74.01", "2026r10"),
                ("s232-buses", "9903.74.02", "2026r10"),
                ("s232-softwood", "9903.76.01", "2026r10")]:
        assert rows[key] == "ok", key
    # 2025 Basic predates the 2025 headings; the Section 201 headings print year 1's 30%
    assert rows[("ieepa-fentanyl-mx", "9903.01.01", "2025")] == "missing"
    assert rows[("s201-solar", "9903.45.25", "2025")] == "rate_mismatch"


def test_scenarios_start_from_the_regime(con: duckdb.DuckDBPyConnection) -> None:
    """The scenario's 'before' is the regime ETR with the same weights (Jan-Feb 2026)."""
    from comexlab.services.scenarios import ScenarioRequest, load_scenario, run_scenario
    from comexlab.tariffs.regime.timeline import shipped_timeline

    day = dt.date(2026, 11, 30)
    regime = service.show(con, service.ShowRequest(day, window=("2026-01", "2026-02")))
    results = {name: run_scenario(con, ScenarioRequest(load_scenario(name), smart=False))
               .aggregate().iloc[0]
               for name in ("usmca-ends-today", "ieepa-restored", "s232-usmca-relief-ends")}
    for name, row in results.items():
        assert row["rate_before_tw"] == pytest.approx(regime.etr, rel=1e-9), name
    # IEEPA restored = the regime on the same day with the two IEEPA measures put back
    restored = load_scenario("ieepa-restored")
    tl = restored.regime_changes.apply(shipped_timeline(), day)
    again = service.show(con, service.ShowRequest(day, window=("2026-01", "2026-02")),
                         timeline=tl)
    assert results["ieepa-restored"]["rate_after_tw"] == pytest.approx(again.etr, rel=1e-9)
    assert again.by_authority["ieepa_fentanyl"] > 0
    # USMCA ending costs more than the 232 relief ending alone, which costs more than nothing
    assert (results["usmca-ends-today"]["rate_after_tw"]
            > results["s232-usmca-relief-ends"]["rate_after_tw"] > regime.etr)


def test_a_regime_scenario_refuses_canadian_lines(con: duckdb.DuckDBPyConnection) -> None:
    from comexlab.errors import InputError
    from comexlab.services.scenarios import ScenarioRequest, run_scenario, scenario_text
    from comexlab.tariffs.scenario import parse_scenario

    text, _ = scenario_text("ieepa-restored")
    both = parse_scenario(text.replace("reporters: [MEX]", "reporters: [MEX, CAN]"))
    with pytest.raises(InputError, match="CAN"):
        run_scenario(con, ScenarioRequest(both, smart=False))
