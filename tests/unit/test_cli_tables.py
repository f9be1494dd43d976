"""CLI tables on an 80-column terminal: no word split across lines, every number whole (issue 11).

Before: rich squeezed the text columns of `scenario run --by`, `flows top`, `match`, ... below
their words ("Animale / s vivos", "2,483,78 / 6,572"). The tables now come from one helper
(:func:`comexlab.output.screen_table`); these tests render the real commands' screens on
synthetic results at width 80 and read the text back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.commands import report as report_cmd
from comexlab.commands import scenario as scenario_cmd
from comexlab.commands.scenario import cut_screen_frame
from comexlab.i18n import t
from comexlab.output import screen_table, shorten
from comexlab.presentation.scenario import headline_frame
from comexlab.reports.windows import Window
from comexlab.tariffs.engine import ScenarioResult, apply
from comexlab.tariffs.scenario import parse_scenario

RULES = "─━│┃┏┓┗┛┡┩└┘┌┐├┤┼╇╈┳┻┬┴╋"
FIGURE = re.compile(r"[−+-]?(US\$)?\d[\d.,]*(%|→[\d.,]+%)?")
FIGURE_CELL = re.compile(FIGURE.pattern + r"( (mil M|M|bn|m))?")

SCENARIO = """
name: usmca-ends
title: USMCA ends, S/S+ preferences withdrawn and MFN applies to the claimed value
base: {edition: 2026r10, programs: [S, S+], source: usitc_dataweb, years: [2025],
       reporters: [MEX]}
overlays:
  - {type: withdraw_program, programs: [S, S+], partners: [MEX]}
"""
# (section as the warehouse writes it, HTS10, value, claimed, MFN): 21 baskets like a real run
SECTIONS = ["01 I", "02 II", "03 III", "04 IV", "05 V", "06 VI", "07 VII", "08 VIII", "09 IX",
            "10 X", "11 XI", "12 XII", "13 XIII", "14 XIV", "15 XV", "16 XVI", "17 XVII",
            "18 XVIII", "19 XIX", "20 XX", "21 XXI"]


def _scenario_result() -> ScenarioResult:
    rows = []
    for i, section in enumerate(SECTIONS):
        value = 3_680_000_000.0 * (i + 1) + 123_456.0
        rows.append({
            "reporter": "MEX", "reporter_level": "country", "origin": "MEX", "partner": "USA",
            "period": "2025",
            "product_code": f"{8703230140 + i}", "value_usd": value,
            "preference_value_usd": value * 0.7, "mfn_kind": "ad_valorem",
            "mfn_ad_valorem": 0.025 + i / 1000, "mfn_rate_text": "2.5%", "pref_kind": "free",
            "pref_ad_valorem": 0.0, "section": section})
    return apply(parse_scenario(SCENARIO), pd.DataFrame(rows))


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def _words(texts: Iterable[object]) -> set[str]:
    return {w for text in texts for w in str(text).split()}


def _split_words(output: str, source: set[str]) -> list[str]:
    """Tokens of the output that are no word of the source: a word broken over lines leaves
    its pieces ("Animale", "s"); a word cut with "…" must be the start of a source word."""
    bad = []
    for line in _lines(output):
        for token in line.translate({ord(c): " " for c in RULES}).split():
            if token in source:
                continue
            stem = token.removesuffix("…")
            if token.endswith("…") and any(w.startswith(stem) for w in source):
                continue
            bad.append(token)
    return bad


def _whole_figures(output: str, cells: Iterable[object]) -> list[str]:
    """Figures among ``cells`` that appear on no single line of the output: a cell that is a
    figure ("US$3.68 mil M", "0.06%→1.45%") whole, and every number inside a text cell."""
    figures = set()
    for cell in map(str, cells):
        if FIGURE_CELL.fullmatch(cell):
            figures.add(cell)
        else:
            figures |= {w.strip("(),;:") for w in cell.split()
                        if FIGURE.fullmatch(w.strip("(),;:"))}
    lines = _lines(output)
    return sorted(f for f in figures if not any(f in line for line in lines))


def _frame_texts(df: pd.DataFrame) -> list[object]:
    return [*df.columns, *df.to_numpy().ravel().tolist()]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_scenario_run_by_section_at_80_columns(monkeypatch: pytest.MonkeyPatch,
                                               lang: str) -> None:
    result = _scenario_result()
    monkeypatch.setattr(scenario_cmd, "_run", lambda ref, opts, smart: result)
    out = CliRunner().invoke(app, ["scenario", "run", "usmca-ends", "--by", "section",
                                   "--no-smart", "--lang", lang], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    headline = headline_frame(result, lang)
    cut = cut_screen_frame(result.aggregate(["section"]), "section", lang)
    assert max(len(line) for line in _lines(out.output)) <= 80
    title = t("scenario.title", lang, name=result.scenario.name, title=result.scenario.title)
    source = _words([*_frame_texts(headline), *_frame_texts(cut), title,
                     t("scenario.by", lang, by="section"), *scenario_cmd.notes(result, lang)])
    assert _split_words(out.output, source) == []
    assert _whole_figures(out.output, _frame_texts(headline) + _frame_texts(cut)) == []
    # the cut keeps its table form (one row per basket) at 80 columns: a basket's figures
    # share the line of its label, e.g. section XVII
    row = next(line for line in _lines(out.output) if "XVII " in line)
    assert row.count("%") == 4


def _report():  # type: ignore[no-untyped-def]
    from comexlab.reports.exports import Reporter, ReportInput, SourceProfile, build_report

    profile = SourceProfile("usitc_dataweb", "HTS", "hts10", "month", "country", "us_only")
    codes = ["8703230140", "8471500150", "8544300000", "0804400010", "9401610011"]
    chapters = ["87", "84", "85", "08", "94"]
    sections = ["XVII", "XVI", "XVI", "II", "XX"]
    names = ["Motor cars and other motor vehicles principally designed for the transport",
             "Automatic data processing machines: processing units",
             "Ignition wiring sets and other wiring sets of a kind used in vehicles",
             "Avocados, fresh or dried", "Upholstered seats with wooden frames"]
    rows = pd.DataFrame([
        {"window": w, "product_code": c, "partner": "USA", "is_total": False,
         "value_usd": v * (1.0 if w == "current" else 0.9), "section": s, "chapter": ch,
         "product": n}
        for w in ("current", "prior")
        for c, ch, s, n, v in zip(codes, chapters, sections, names,
                                  [8_157_600_000.0, 3_417_100_000.0, 836_500_000.0,
                                   467_400_000.0, 12_345.0], strict=True)])
    return build_report(Reporter("MX-GTO", "state", "Guanajuato"),
                        Window.parse("2025-01", "2025-06"), profile, ReportInput(rows=rows))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_report_at_80_columns(lang: str) -> None:
    from comexlab.reports import render

    report = _report()
    console = Console(width=80, record=True)
    report_cmd.write_report(report, lang, report_cmd.OutputFormat.table, None, console=console)
    text = console.export_text()
    frames = [render.display_frame(f, report, lang)
              for name, f in render.cut_frames(report).items() if name != "total"]
    cells = [x for f in frames for x in _frame_texts(f)]
    notes = render.notes(report, lang)
    titles = [t(f"report.cut.{name}", lang) for name in render.cut_frames(report)]
    source = _words([*cells, *notes, *titles, render.headline(report, lang)])
    assert max(len(line) for line in _lines(text)) <= 80
    assert _split_words(text, source) == []
    assert _whole_figures(text, cells) == []


def test_flows_top_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    from comexlab.i18n import Msg

    table = pd.DataFrame({
        "product_code": ["8703230140", "8704310140", "8544300000"],
        "label": ["Other", "G.V.W. exceeding 2.5 metric tons but not exceeding 5 metric tons",
                  "Ignition wiring sets and other wiring sets of a kind used in vehicles, "
                  "aircraft or ships"],
        "value_usd": [2_483_786_572.0, 2_264_416_706.0, 1_475_346_302.0],
        "national_value_usd": [18_965_654_945.0, 17_290_594_279.0, 11_265_424_012.0],
        "state_share": [0.131, 0.131, 0.131], "share": [0.084, 0.077, 0.050],
        "estimated": [True, True, True]})

    class Lines:
        notes: tuple[Msg, ...] = ()

    monkeypatch.setattr(report_cmd, "open_warehouse", lambda *a, **k: nullcontext(None))
    found = report_cmd.svc.TopLines(table, Lines(), Window.parse("2025-03", "2026-02"))
    monkeypatch.setattr(report_cmd.svc, "top_state_lines", lambda *a, **k: found)
    out = CliRunner().invoke(app, ["flows", "top", "-r", "GTO", "--estimated", "--lang", "es"],
                             env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    shown = report_cmd._top_frame(table, "es", formatted=True, estimated=True)
    assert max(len(line) for line in _lines(out.output)) <= 80
    source = _words([*_frame_texts(shown), *out.output.splitlines()[0].split()])
    assert _split_words(out.output, source) == []
    assert _whole_figures(out.output, _frame_texts(shown)) == []
    for figure in ("2,483,786,572", "18,965,654,945", "13.1%", "8.4%"):
        assert figure in out.output


# ------------------------------------------------------------------ the helper itself

def _render(table: object, width: int = 80) -> str:
    console = Console(width=width, record=True)
    console.print(table)
    return console.export_text()


def test_figures_and_codes_keep_one_line_text_wraps_between_words() -> None:
    df = pd.DataFrame({"Clave": ["8703230140"], "Descripción": [
        "Ignition wiring sets and other wiring sets of a kind used in vehicles, aircraft"],
        "Valor estimado (USD)": ["2,483,786,572"], "Part.": ["13.1%"]})
    text = _render(screen_table(df, width=80))
    assert max(len(line) for line in _lines(text)) <= 80
    assert "8703230140" in text and "2,483,786,572" in text
    assert _split_words(text, _words(_frame_texts(df))) == []
    assert len([line for line in _lines(text) if "│" in line]) == 3  # the text wrapped


def test_too_many_columns_turn_into_records() -> None:
    # nine one-line columns of 13 characters cannot share 80 columns: field/value blocks
    df = pd.DataFrame({f"Participación {i}": ["18,965,654,945"] for i in range(9)})
    text = _render(screen_table(df, width=80))
    assert max(len(line) for line in _lines(text)) <= 80
    assert sum("18,965,654,945" in line for line in _lines(text)) == 9
    assert "Participación 8" in text


def test_a_word_wider_than_its_column_is_cut_not_split() -> None:
    df = pd.DataFrame({"code": ["1"], "name": ["x " + "Pneumonoultramicroscopic" * 3],
                       **{f"v{i}": ["12,345,678"] for i in range(5)}})
    text = _render(screen_table(df, width=80))
    assert max(len(line) for line in _lines(text)) <= 80
    assert _split_words(text, _words(_frame_texts(df))) == []
    assert "…" in text


def test_cells_are_text_not_markup() -> None:
    df = pd.DataFrame({"name": ["[bold]Acme[/bold] [link=http://x]y[/link]"], "n": [1]})
    assert "[bold]Acme[/bold]" in _render(screen_table(df, width=80))


def test_truncated_tables_say_so() -> None:
    df = pd.DataFrame({"n": range(60)})
    text = _render(screen_table(df, width=80, max_rows=50, lang="en"))
    assert t("output.truncated", "en", shown=50, total="60") in " ".join(text.split())
    assert "│ 49 │" in text and "│ 50 │" not in text


def test_shorten_cuts_after_a_whole_word() -> None:
    assert shorten("IX Wood, cork and basketware", 24) == "IX Wood, cork and…"
    assert shorten("IV Alimentos, bebidas y tabaco", 24) == "IV Alimentos, bebidas y…"
    assert shorten("XVII Transport equipment", 24) == "XVII Transport equipment"
    assert shorten("Pneumonoultramicroscopic", 10) == "Pneumonou…"
