"""Reporter names analysts type, and the translated rendering of a report."""

from __future__ import annotations

import pandas as pd
import pytest

from comexlab.errors import InputError
from comexlab.reports import render
from comexlab.reports.exports import Reporter, ReportInput, SourceProfile, build_report
from comexlab.reports.reporters import resolve_reporter
from comexlab.reports.windows import Window


@pytest.mark.parametrize(("text", "code", "level"), [
    ("GTO", "MX-GTO", "state"), ("MX-GTO", "MX-GTO", "state"), ("Guanajuato", "MX-GTO", "state"),
    ("guanajuato", "MX-GTO", "state"), ("JAL", "MX-JAL", "state"),
    ("Michoacan", "MX-MICH", "state"),
    ("MEX", "MEX", "country"), ("Mexico", "MEX", "country"), ("México", "MEX", "country"),
    ("MX-MEX", "MX-MEX", "state"), ("Estado de México", "MX-MEX", "state"),
    ("Edomex", "MX-MEX", "state"), ("COL", "MX-COL", "state"), ("NL", "MX-NL", "state"),
    ("Colombia", "COL", "country"), ("CAN", "CAN", "country"),
])
def test_reporter_resolution(text: str, code: str, level: str) -> None:
    reporter = resolve_reporter(text)
    assert (reporter.code, reporter.level) == (code, level)


def test_unknown_reporter_names_the_option() -> None:
    with pytest.raises(InputError) as exc:
        resolve_reporter("Narnia")
    assert exc.value.field == "--reporter"


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("MEX", "es", "México"), ("MEX", "en", "Mexico"), ("Germany", "es", "Alemania"),
    ("deu", "en", "Germany"), ("DEU", "es", "Alemania"), ("gto", "en", "Guanajuato"),
    ("mx-jal", "es", "Jalisco"),
])
def test_reporter_names_in_the_reader_language(text: str, lang: str, name: str) -> None:
    # names from ISO 3166 (pycountry, CLDR Spanish) and the INEGI state short names
    assert resolve_reporter(text, lang).name == name
    assert resolve_reporter(text).name == resolve_reporter(text, "es").name  # Spanish default


@pytest.mark.parametrize("text", ["DE", "CA", "XX", "ZZZ"])
def test_two_letter_and_unknown_codes_are_not_guessed(text: str) -> None:
    # 'DE' could be Germany or Delaware, 'CA' Canada or California: no alpha-2 guesses
    with pytest.raises(InputError) as exc:
        resolve_reporter(text)
    assert exc.value.value == text
    assert exc.value.msg.key == "error.unknown_reporter"


def _estimated_report() -> render.ExportReport:
    profile = SourceProfile("state_estimated", "HTS", "hts10", "month", "state", "us_only",
                            caveats=("report.caveat.allocation",), estimated=True)
    rows = pd.DataFrame({"window": ["current", "prior"], "product_code": ["8703230140"] * 2,
                         "partner": "USA", "value_usd": [120.0, 100.0], "is_total": False,
                         "section": "XVII", "chapter": "87", "product": "8703230140"})
    return build_report(Reporter("MX-GTO", "state", "Guanajuato"),
                        Window.parse("2026-01", "2026-02"), profile, ReportInput(rows=rows))


def test_estimated_reports_say_so_in_every_format() -> None:
    report = _estimated_report()
    assert render.title(report, "es").endswith("ESTIMADO")
    assert render.title(report, "en") == (
        "Exports of Guanajuato to United States, Jan–Feb 2026 vs Jan–Feb 2025 — ESTIMATED")
    assert render.long_frame(report)["estimated"].all()
    doc = render.to_document(report, "es")
    assert doc["estimated"] is True
    assert any("ESTIMAD" in n for n in doc["notes"])


def test_sheets_have_translated_headers_and_percent_columns() -> None:
    report = _estimated_report()
    sheets = render.sheets(report, "es")
    assert list(sheets)[:3] == ["Resumen", "Por sección SA", "Por capítulo SA"]
    assert "Variación %" in render.percent_headers(report, "es")
    section = sheets["Por sección SA"]
    assert section.iloc[0]["Variación %"] == pytest.approx(0.2)
    screen = render.display_frame(report.cut("section"), report, "en")
    assert screen.iloc[0]["Chg %"] == "20.0%"
