"""Settings, errors, i18n and output helpers: the pieces every command relies on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from comexlab.errors import InputError, Problem
from comexlab.i18n import catalog, fmt_number, fmt_pct, fmt_usd, t
from comexlab.output import OutputFormat, emit
from comexlab.settings import Settings


def test_settings_read_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COMEXLAB_DATA", str(tmp_path))
    monkeypatch.setenv("COMEXLAB_WAREHOUSE", str(tmp_path / "w.duckdb"))
    s = Settings()
    assert s.data == tmp_path
    assert s.warehouse == tmp_path / "w.duckdb"


def test_settings_reject_unknown_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMEXLAB_LANG", "fr")
    with pytest.raises(ValueError, match="COMEXLAB_LANG"):
        Settings()


def test_input_error_names_file_row_and_field() -> None:
    err = InputError("not a number", file="x.csv", row=7, field="value_usd", value="1,2,3")
    assert isinstance(err, ValueError)
    text = str(err)
    assert "x.csv" in text and "row 7" in text and "'value_usd'" in text and "1,2,3" in text


def test_problem_without_location_is_just_the_message() -> None:
    assert str(Problem("boom")) == "boom"


def test_translation_in_both_languages() -> None:
    assert t("common.change", "es") == "Variación"
    assert t("common.change", "en") == "Change"
    assert t("no.such.key", "es") == "no.such.key"
    for key, entry in catalog().items():
        assert entry["es"].strip(), f"{key} has no Spanish text"


def test_numbers_follow_the_locale() -> None:
    assert fmt_number(1234567, "en") == "1,234,567"
    assert fmt_number(1234567, "es") == "1,234,567"  # es_MX groups with commas, like en
    assert fmt_pct(0.025, "en") == "2.5%"
    assert fmt_pct(-0.06, "es", digits=0).replace("\xa0", " ") in ("-6 %", "-6%")
    assert fmt_usd(33.7e9, "en") == "US$33.70 bn"
    assert fmt_number(None) == "—"
    assert fmt_usd(-24.71e9, "es") == "−US$24.71 mil M"


def test_binary_formats_need_an_output_file() -> None:
    with pytest.raises(InputError, match="--output"):
        emit(pd.DataFrame({"a": [1]}), OutputFormat.xlsx)


def test_xlsx_output_formats_percent_columns(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "x.xlsx"
    df = pd.DataFrame({"name": ["a"], "value_usd": [1234567.0], "change": [-0.06]})
    emit(df, OutputFormat.xlsx, output=out, title="cut", percent_columns=["change"],
         notes=["source: test"])
    wb = load_workbook(out)
    ws = wb["cut"]
    assert ws["C2"].number_format == "0.0%"
    assert ws["B2"].number_format == "#,##0"
    assert wb["notes"]["A2"].value == "source: test"


def test_xlsx_output_survives_an_all_empty_numeric_column(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "x.xlsx"
    df = pd.DataFrame({"value_usd": pd.Series([None, None], dtype="Float64")})
    emit(df, OutputFormat.xlsx, output=out, title="cut")
    assert load_workbook(out)["cut"]["A2"].value is None
