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
    assert exc.value.field == "reporter"  # the domain name; the CLI shows --reporter


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


def _state_report_with_national() -> render.ExportReport:
    # Guanajuato 2018 (INEGI-like): 336 = $80 of a $100 total (so $20 unassigned), prior $60 of
    # $80; Mexico: $1000 now, $800 before → national share 10 % in both years.
    inegi = SourceProfile("inegi_eaef", "SCIAN", "scian3", "year", "state", "world_only")

    def rows(values: dict[tuple[str, str], float], total: dict[str, float]) -> pd.DataFrame:
        out = [{"window": w, "product_code": c, "partner": "WLD", "value_usd": v,
                "is_total": False, "subsector": c, "sector": "31-33"}
               for (w, c), v in values.items()]
        out += [{"window": w, "product_code": "TOTAL", "partner": "WLD", "value_usd": v,
                 "is_total": True, "subsector": None, "sector": None} for w, v in total.items()]
        return pd.DataFrame(out)

    state = rows({("current", "336"): 80.0, ("prior", "336"): 60.0},
                 {"current": 100.0, "prior": 80.0})
    national = rows({("current", "336"): 400.0, ("prior", "336"): 300.0},
                    {"current": 1000.0, "prior": 800.0})
    return build_report(Reporter("MX-GTO", "state", "Guanajuato"), Window.parse("2018"), inegi,
                        ReportInput(rows=state, national=national))


def test_state_summary_carries_the_national_figures() -> None:
    report = _state_report_with_national()
    summary = render.cut_frames(report)["total"].iloc[0]
    assert (summary["code"], summary["label"]) == ("MX-GTO", "Guanajuato")
    assert summary["value_usd"] == 100.0 and summary["prior_value_usd"] == 80.0
    assert summary["change_pct"] == pytest.approx(0.25)  # 100 / 80 − 1
    assert summary["national_value_usd"] == 1000.0
    assert summary["national_share"] == pytest.approx(0.10)
    assert summary["prior_national_share"] == pytest.approx(0.10)  # 80 / 800
    headers = render.sheets(report, "en")["Summary"].columns
    assert len(set(headers)) == len(headers)  # every canonical column got its own header
    assert not any(h.startswith("report.") for h in headers)  # and a translated one
    assert render.headline(report, "en").endswith("10.0%")  # "…; National share: 10.0%"


def test_residual_rows_show_a_dash_and_country_reports_no_national_columns() -> None:
    report = _state_report_with_national()
    sub = report.cut("subsector")
    screen = render.display_frame(sub, report, "en")
    codes = screen.iloc[:, 0].tolist()
    assert codes == ["336", "—"]  # the $20 not assigned to a subsector
    assert "national_value_usd" not in render.display_frame(sub, report, "en").columns
    country = _estimated_report()
    frames = render.cut_frames(country)
    assert not {"national_share", "prior_national_share", "national_value_usd"} & set(
        frames["total"].columns)
