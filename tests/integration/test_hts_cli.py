"""`comexlab hts …` end to end through Typer, on a temp warehouse loaded from the real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]) -> str:
    path = tmp_path_factory.mktemp("cli") / "w.duckdb"
    data = shared_file("usitc_hts/hts_2013_basic_1300_delimited.txt.gz").parent.parent
    result = runner.invoke(app, ["hts", "load", "--all", "--warehouse", str(path),
                                 "--data", str(data), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "7 rows realigned (extra empty fields removed)" in result.output  # audit kind, named
    return str(path)


def test_show_json(wh: str) -> None:
    result = runner.invoke(app, ["hts", "show", "8703230140", "--edition", "2026r10",
                                 "--warehouse", wh, "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    usmca = [r for r in rows if r["Program"] == "S"]
    assert usmca and usmca[0]["Rate as printed"] == "Free"


def test_show_table_mentions_chapter99(wh: str) -> None:
    result = runner.invoke(app, ["hts", "show", "8703.23.01", "--warehouse", wh, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "9903.88.01" in result.output and "USMCA" in result.output


def test_show_table_fits_80_columns(wh: str) -> None:
    # one line per program on an 80-column terminal; program names only with --wide
    result = runner.invoke(app, ["hts", "show", "0201.10.05", "--warehouse", wh, "--lang", "en"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())
    usmca = next(line for line in result.output.splitlines() if line.startswith("│ S "))
    assert "USMCA" in usmca and "Free" in usmca
    mfn = next(line for line in result.output.splitlines() if "│ General (MFN) │" in line)
    assert "4.4¢/kg" in mfn and "0.044/kg" in mfn  # specific part shown: this line has one
    assert "Generalized System" not in result.output
    wide = runner.invoke(app, ["hts", "show", "0201.10.05", "--warehouse", wh, "--lang", "en",
                               "--wide"], env={"COLUMNS": "200"})
    assert "Generalized System of Preferences" in wide.output


def test_coverage_csv_lists_unparsed(wh: str, tmp_path: Path) -> None:
    out = tmp_path / "unparsed.csv"
    result = runner.invoke(app, ["hts", "coverage", "2013", "--warehouse", wh,
                                 "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    assert len(df) > 0 and {"hts_formatted", "rate_column", "rate_text"} <= set(df.columns)


def test_diff_programs_editions(wh: str, tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    result = runner.invoke(app, ["hts", "diff", "2013", "2026r10", "--warehouse", wh,
                                 "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_excel(out)) > 1000
    result = runner.invoke(app, ["hts", "programs", "--format", "csv", "--lang", "en"])
    assert "USMCA" in result.output and "NAFTA" in result.output
    result = runner.invoke(app, ["hts", "editions", "--warehouse", wh, "--format", "csv"])
    assert "2026r10" in result.output and "35509" in result.output


def test_show_eight_digits_of_a_line_printed_only_at_ten(wh: str) -> None:
    # 2026 Rev. 10 prints 1901.10.16.00 (infant formula, compound rate) with no 8-digit row
    result = runner.invoke(app, ["hts", "show", "1901.10.16", "--edition", "2026r10",
                                 "--warehouse", wh, "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("["):])
    general = [r for r in rows if r["Column"] == "general"]
    assert general and general[0]["Rate as printed"] == "$1.035/kg + 14.9%"
    assert general[0]["hts"] == "1901101600" and general[0]["Kind"] == "compound"
