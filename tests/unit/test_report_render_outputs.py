"""What each output of a report says: notes, title, sheets, screen table, JSON document.

Reports are built with :func:`build_report` on hand-made rows (figures worked in comments);
the expected texts are the catalog's English/Spanish entries (src/comexlab/locales/report.csv).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from comexlab.i18n import Msg
from comexlab.reports import render
from comexlab.reports.exports import (
    OTHERS,
    UNASSIGNED,
    ExportReport,
    Reporter,
    ReportInput,
    SourceProfile,
    build_report,
)
from comexlab.reports.windows import Window

INEGI = SourceProfile("inegi_eaef", "SCIAN", "scian3", "year", "state", "world_only",
                      caveats=("report.caveat.inegi_scope",))
DATAMEXICO = SourceProfile("datamexico", "HS", "hs6", "month", "state", "by_partner")
# report.why.product_scian / report.why.partner_world_only (catalog), for INEGI EAEF
WHY_PRODUCT_EN = ("inegi_eaef classifies exports by SCIAN subsector only: there are no product "
                  "(tariff-line) figures; see the subsector cut")
WHY_PARTNER_EN = ("inegi_eaef gives each state's exports to all destinations together: it has "
                  "no breakdown by destination country")
WHY_PRODUCT_ES = ("inegi_eaef clasifica las exportaciones solo por subsector SCIAN: no hay "
                  "cifras por producto (fracción); ver el corte por subsector")
WHY_PARTNER_ES = ("inegi_eaef da las exportaciones de cada entidad a todos los destinos juntos: "
                  "no las desglosa por país de destino")
FILES = [("inegi/eaef/a.csv", "0123456789abcdef0123", "2026-11-01T10:00"),
         ("inegi/eaef/b.csv", "fedcba9876543210fedc", "2026-11-02T09:00"),
         ("inegi/eef/c.csv", "aaaabbbbccccddddeeee", "2026-10-30T08:00")]


def _inegi_report(*, prior: float = 80e6) -> ExportReport:
    # Guanajuato 2018: subsector 336 = $80 M of a $100 M total ($20 M unassigned); prior
    # 2017: 336 = $60 M of `prior`. Mexico: $1,000 M now, $800 M before.
    def rows(cur: float, pri: float, total_now: float, total_before: float) -> pd.DataFrame:
        return pd.DataFrame([
            {"window": "current", "product_code": "336", "partner": "WLD", "value_usd": cur,
             "is_total": False, "subsector": "336", "sector": "31-33"},
            {"window": "prior", "product_code": "336", "partner": "WLD", "value_usd": pri,
             "is_total": False, "subsector": "336", "sector": "31-33"},
            {"window": "current", "product_code": "TOTAL", "partner": "WLD",
             "value_usd": total_now, "is_total": True, "subsector": None, "sector": None},
            {"window": "prior", "product_code": "TOTAL", "partner": "WLD",
             "value_usd": total_before, "is_total": True, "subsector": None, "sector": None},
        ])

    data = ReportInput(rows=rows(80e6, 60e6, 100e6, prior),
                       national=rows(400e6, 300e6, 1000e6, 800e6),
                       notes=(Msg("report.note.prior_not_loaded", prior="2017"),))
    return build_report(Reporter("MX-GTO", "state", "Guanajuato"), Window.parse("2018"), INEGI,
                        data)


def _partner_report(partner: str) -> ExportReport:
    # Jalisco to one destination, Jan–Feb 2026 vs Jan–Feb 2025: $3 M now, $2 M before (+50 %)
    rows = pd.DataFrame({"window": ["current", "prior"], "product_code": ["854231", "854231"],
                         "partner": partner, "value_usd": [3e6, 2e6], "is_total": False,
                         "section": "XVI", "chapter": "85", "product": "854231"})
    return build_report(Reporter("MX-JAL", "state", "Jalisco"),
                        Window.parse("2026-01", "2026-02"), DATAMEXICO, ReportInput(rows=rows),
                        partner=partner)


def test_title_names_the_destination_in_the_reader_language() -> None:
    assert render.title(_partner_report("DEU"), "es") == (
        "Exportaciones de Jalisco a Alemania, ene–feb 2026 vs. ene–feb 2025")
    assert render.title(_partner_report("DEU"), "en") == (
        "Exports of Jalisco to Germany, Jan–Feb 2026 vs Jan–Feb 2025")
    # a code the country list does not know is shown as given, not dropped
    assert render.title(_partner_report("XXX"), "en").startswith("Exports of Jalisco to XXX,")
    assert render.title(_inegi_report(), "en") == "Exports of Guanajuato, 2018 vs 2017"


def test_notes_give_source_window_caveats_missing_cuts_files_and_engine() -> None:
    lines = render.notes(_inegi_report(), "en", files=FILES[:2])
    assert lines == [
        "Exports of Guanajuato, 2018 vs 2017",
        "Source: INEGI, Exportaciones por Entidad Federativa (EAEF), by SCIAN subsector",
        "Period: 2018 (2018..2018); Compared with: 2017 (2017..2017)",
        "INEGI EAEF covers manufacturing and mining only (no agriculture); published in "
        "thousands of USD, shown here in USD. Share of Mexico = share of the sum of the 32 "
        "states in the same source.",
        "The prior window (2017) is not loaded for this source: no change is computed.",
        "Not available — Top products: " + WHY_PRODUCT_EN,
        "Not available — Top destinations: " + WHY_PARTNER_EN,
        # the sha256 is cut to its first 12 characters
        "File inegi/eaef/a.csv (sha256 0123456789ab, loaded 2026-11-01T10:00)",
        "File inegi/eaef/b.csv (sha256 fedcba987654, loaded 2026-11-02T09:00)",
        "Computed on: duckdb",
    ]
    es = render.notes(_inegi_report(), "es")
    assert es[1].startswith("Fuente: INEGI") and es[2].startswith("Periodo: 2018")
    assert es[-1] == "Calculado con: duckdb"
    assert "inegi_scope" not in " ".join(es)  # caveat translated, not its key


def test_many_files_are_summarised_with_their_folders_and_latest_load() -> None:
    assert render.file_lines(FILES, "en") == render.file_lines(FILES, "en", limit=3)
    assert len(render.file_lines(FILES, "en")) == 3  # 3 files: each on its own line
    assert render.file_lines(FILES, "en", limit=2) == [
        "3 files in inegi/eaef, inegi/eef (loaded 2026-11-02T09:00); json/xlsx notes list "
        "each with its sha256"]
    assert render.file_lines(FILES, "es", limit=2)[0].startswith(
        "3 archivos en inegi/eaef, inegi/eef (cargados 2026-11-02T09:00)")
    assert render.file_lines([], "en") == []
    # notes() keeps three files by default and summarises beyond
    assert render.notes(_inegi_report(), "en", files=FILES)[-4].startswith("File ")
    assert render.notes(_inegi_report(), "en", files=FILES, file_limit=2)[-2].startswith(
        "3 files in")


def test_missing_cuts_sheet_is_translated_and_only_there_when_something_is_missing() -> None:
    report = _inegi_report()
    frame = render.missing_frame(report, "es")
    assert list(frame.columns) == ["Corte", "Motivo"]
    assert frame["Corte"].tolist() == ["Principales productos", "Principales destinos"]
    assert frame["Motivo"].tolist() == [WHY_PRODUCT_ES, WHY_PARTNER_ES]
    assert list(render.sheets(report, "en")) == [
        "Summary", "By sector", "By subsector", "Cuts not available"]
    # a DataMéxico report filtered to one destination lacks only the destinations cut
    dm = _partner_report("DEU")
    assert [m.cut for m in dm.missing] == ["partner"]
    assert list(render.sheets(dm, "en"))[-1] == "Cuts not available"


def test_sheet_headers_carry_the_windows() -> None:
    summary = render.sheets(_inegi_report(), "en")["Summary"]
    assert list(summary.columns) == [
        "Code", "Description", "Value 2018 (USD)", "Value 2017 (USD)", "Change (USD)",
        "Change %", "Mexico 2018 (USD)", "Share of Mexico", "Share of Mexico 2017"]
    assert summary.iloc[0]["Value 2018 (USD)"] == 100e6  # figures stay numbers in the sheet
    assert render.percent_headers(_inegi_report(), "es") == [
        "Variación %", "Participación en el total", "Participación nacional",
        "Participación nacional 2017"]


def test_screen_table_shows_millions_and_dashes() -> None:
    report = _inegi_report()
    screen = render.display_frame(report.cut("subsector"), report, "en")
    assert list(screen.columns) == ["Code", "Description", "2018 US$ M", "2017 US$ M", "Chg %",
                                    "Share", "% of MX"]  # no change in dollars on screen
    # 336: $80 M now, $60 M before (+33.3 %), 80 % of the state, 80/400 = 20 % of Mexico's 336
    assert screen.iloc[0].tolist() == ["336", "", "80.0", "60.0", "33.3%", "80.0%", "20.0%"]
    # unassigned: $20 M both years; no national share for a residual row
    assert screen.iloc[1].tolist() == ["—", "", "20.0", "20.0", "0.0%", "20.0%", "—"]
    summary = render.display_frame(render.cut_frames(report)["total"], report, "es")
    assert list(summary.columns) == ["Clave", "Descripción", "2018 M USD", "2017 M USD",
                                     "Var. %", "% de MX", "% de MX 2017"]
    assert summary.iloc[0].tolist() == ["MX-GTO", "Guanajuato", "100.0", "80.0", "25.0%",
                                        "10.0%", "10.0%"]


def test_screen_marks_every_residual_code_with_a_dash() -> None:
    report = _inegi_report()
    frame = pd.DataFrame({"code": ["336", OTHERS, UNASSIGNED, "UNSPECIFIED"],
                          "value_usd": [1.5e6, 2.25e6, float("nan"), 1234.5e6]})
    screen = render.display_frame(frame, report, "en")
    assert screen.iloc[:, 0].tolist() == ["336", "—", "—", "—"]
    assert screen.iloc[:, 1].tolist() == ["1.5", "2.2", "—", "1,234.5"]  # NaN: a dash, not 0


def test_headline_leaves_out_what_cannot_be_computed() -> None:
    assert render.headline(_inegi_report(), "en") == (
        "Total exports: US$100.0 m; 25.0% vs. 2017; Share of Mexico: 10.0%")
    # prior total 0: no percentage change (never 0 % or infinity)
    assert render.headline(_inegi_report(prior=0.0), "en") == (
        "Total exports: US$100.0 m; Share of Mexico: 10.0%")
    # no national figures for a country-level style report: no share part
    assert render.headline(_partner_report("DEU"), "en") == (
        "Total exports: US$3.0 m; 50.0% vs. Jan–Feb 2025")


def test_summary_of_a_country_has_no_national_columns() -> None:
    mex = build_report(Reporter("MEX", "country", "México"), Window.parse("2018"),
                       SourceProfile("comtrade", "HS", "hs4", "year", "country", "by_partner"),
                       ReportInput(rows=pd.DataFrame({
                           "window": ["current", "prior"], "product_code": ["8703"] * 2,
                           "partner": "USA", "value_usd": [10.0, 8.0], "is_total": False,
                           "section": "XVII", "chapter": "87", "product": "8703"})))
    summary = render.summary_frame(mex)
    assert list(summary.columns) == ["code", "label", "value_usd", "prior_value_usd",
                                     "change_usd", "change_pct"]
    assert summary.iloc[0]["change_pct"] == pytest.approx(0.25)  # 10 / 8 − 1
    state = render.summary_frame(_inegi_report(prior=0.0))
    assert summary["change_pct"].dtype == float
    assert math.isnan(state.iloc[0]["change_pct"])  # None stored as NaN in a float column


def test_long_frame_stacks_every_cut_with_its_name_first() -> None:
    report = _inegi_report()
    long = render.long_frame(report)
    assert long.columns[0] == "cut"
    assert long["cut"].tolist() == ["total", "sector", "sector", "subsector", "subsector"]
    assert long["code"].tolist() == ["MX-GTO", "31-33", UNASSIGNED, "336", UNASSIGNED]
    assert long["value_usd"].tolist() == [100e6, 80e6, 20e6, 80e6, 20e6]
    assert long["estimated"].tolist() == [False] * 5
    assert list(long.index) == [0, 1, 2, 3, 4]


def test_json_document_has_plain_values_and_every_file() -> None:
    report = _inegi_report(prior=0.0)
    doc = render.to_document(report, "en", files=FILES)
    assert doc["title"] == "Exports of Guanajuato, 2018 vs 2017"
    assert doc["reporter"] == {"code": "MX-GTO", "level": "state", "name": "Guanajuato"}
    assert (doc["partner"], doc["window"], doc["prior"]) == (None, ("2018",), ("2017",))
    assert (doc["source"], doc["estimated"], doc["engine"]) == ("inegi_eaef", False, "duckdb")
    total = doc["cuts"]["total"][0]
    assert total["change_pct"] is None  # NaN becomes null, not NaN (invalid JSON)
    assert total["value_usd"] == 100e6
    assert [r["code"] for r in doc["cuts"]["subsector"]] == ["336", UNASSIGNED]
    assert doc["missing"] == [{"cut": "product", "reason": WHY_PRODUCT_EN},
                              {"cut": "partner", "reason": WHY_PARTNER_EN}]
    # every file listed with its hash (json notes never summarise)
    assert sum(n.startswith("File ") for n in doc["notes"]) == 3
    assert doc["notes"] == render.notes(report, "en", files=FILES, file_limit=3)
    assert render.to_document(report, "es")["title"].startswith("Exportaciones de Guanajuato")
    assert render.to_document(_partner_report("DEU"), "en")["partner"] == "DEU"


def test_every_output_speaks_the_reader_language() -> None:
    # the same report in Spanish and English: labels, month names, headers, money suffix
    report = _partner_report("DEU")  # $3 M Jan–Feb 2026 vs $2 M Jan–Feb 2025
    assert render.headline(report, "es") == (
        "Exportaciones totales: US$3.0 M; 50.0% vs. ene–feb 2025")
    assert render.headline(report, "en") == "Total exports: US$3.0 m; 50.0% vs. Jan–Feb 2025"
    state = _inegi_report()
    assert render.headline(state, "es").endswith("; Participación nacional: 10.0%")
    screen = render.display_frame(report.cut("chapter"), report, "en")
    assert list(screen.columns)[2:4] == ["Jan–Feb 2026 US$ M", "Jan–Feb 2025 US$ M"]
    sheet = render.sheets(report, "en")["By HS chapter"]
    assert list(sheet.columns)[2:4] == ["Value Jan–Feb 2026 (USD)", "Value Jan–Feb 2025 (USD)"]
    es = render.sheets(report, "es")["Por capítulo SA"]
    assert list(es.columns)[2:4] == ["Valor ene–feb 2026 (USD)", "Valor ene–feb 2025 (USD)"]
    missing = render.missing_frame(state, "en")
    assert list(missing.columns) == ["Cut", "Why not"]
    assert missing["Cut"].tolist() == ["Top products", "Top destinations"]
    doc = render.to_document(state, "es")
    assert doc["missing"][0]["reason"] == WHY_PRODUCT_ES


def test_screen_millions_are_exact_for_a_national_total() -> None:
    # Mexico's exports to the US are of the order of US$500 bn: 250,000 million shows exactly
    frame = pd.DataFrame({"code": ["MEX"], "value_usd": [250e9]})
    screen = render.display_frame(frame, _inegi_report(), "en")
    assert screen.iloc[0, 1] == "250,000.0"


def test_json_lists_every_file_however_many() -> None:
    files = [*FILES, ("inegi/eef/d.csv", "d" * 20, "2026-10-31T08:00")]
    doc = render.to_document(_inegi_report(), "en", files=files)
    assert sum(n.startswith("File ") for n in doc["notes"]) == 4
    assert not any(" files in " in n for n in doc["notes"])


def test_notes_in_spanish_translate_every_part() -> None:
    # the catalog's Spanish entries, with a monthly window (month names are language-bound)
    assert render.notes(_partner_report("DEU"), "es", files=FILES[:1]) == [
        "Exportaciones de Jalisco a Alemania, ene–feb 2026 vs. ene–feb 2025",
        "Fuente: Secretaría de Economía, DataMéxico, entidad × SA6 × país",
        "Periodo: ene–feb 2026 (2026-01..2026-02); Comparado con: ene–feb 2025 "
        "(2025-01..2025-02)",
        "No disponible — Principales destinos: el reporte se limita a un destino (DEU)",
        "Archivo inegi/eaef/a.csv (sha256 0123456789ab, cargado 2026-11-01T10:00)",
        "Calculado con: duckdb",
    ]
    es = render.notes(_inegi_report(), "es")
    assert es[4] == ("El periodo de comparación (2017) no está cargado para esta fuente: no se "
                     "calcula la variación.")
    assert es[5].startswith("No disponible — Principales productos: inegi_eaef clasifica")
    sheet = render.sheets(_inegi_report(), "es")["Cortes no disponibles"]
    assert sheet["Motivo"].tolist() == [WHY_PRODUCT_ES, WHY_PARTNER_ES]


def test_four_files_or_more_are_summarised_by_default() -> None:
    files = [*FILES, ("inegi/eef/d.csv", "d" * 20, "2026-10-31T08:00")]
    assert len(render.file_lines(files, "en")) == 1
    assert render.notes(_inegi_report(), "en", files=files)[-2].startswith("4 files in")


def test_english_notes_name_the_months_in_english() -> None:
    assert render.notes(_partner_report("DEU"), "en")[2] == (
        "Period: Jan–Feb 2026 (2026-01..2026-02); Compared with: Jan–Feb 2025 "
        "(2025-01..2025-02)")
