"""Headline figures that say what they are, on the real 2026 Rev. 10 schedule and 2025 DataWeb.

Hand checks re-read the raw shared files with pandas (not the warehouse): the USMCA-claimed
value of Mexican HTS10 lines in the 12 monthly 2025 files, joined to the printed general rate of
the line (10-digit, else its 8-digit parent) in ``hts_2026_rev_10.json.gz``. Issue 9 measured
"US$26.4 bn of USMCA-claimed value on 651 specific-rate lines"; 651 counted every traded
fallback line that shows no exposure, 38 of which claimed nothing: 613 lines carry the value.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.presentation.scenario import figure_notes, headline_frame
from comexlab.services.scenarios import ScenarioRequest, load_scenario, run_scenario
from comexlab.tariffs.engine import ScenarioResult
from comexlab.warehouse import flows as flows_service
from comexlab.warehouse import hts as hts_service
from comexlab.warehouse.db import connect
from comexlab.web.adapters.scenario import headline

DATAWEB = "usitc_dataweb_us_imports_mx_ca"
UNMEASURED_USD = 26_398_928_465      # engine, usmca-ends MEX 2025 (see module docstring)
PURELY_SPECIFIC = (583, 26_162_368_651)  # raw files: MFN printed with ¢/$ and no %


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory,
       shared_file: Callable[[str], Path]) -> Path:
    shared_file("usitc_hts/hts_2026_rev_10.json.gz")
    path = tmp_path_factory.mktemp("figures") / "wh.duckdb"
    con = connect(path)
    hts_service.load_edition(con, "2026r10")
    flows_service.load_source(con, "usitc_dataweb")
    flows_service.load_hts_naics(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def con(wh: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(wh, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def mex(con: duckdb.DuckDBPyConnection) -> ScenarioResult:
    return run_scenario(con, ScenarioRequest(load_scenario("usmca-ends", con), reporter="MEX"))


@pytest.fixture(scope="module")
def raw_lines(shared_file: Callable[[str], Path]) -> pd.DataFrame:
    """Mexican 2025 HTS10 totals from the raw files, with the printed general rate."""
    frames = [pd.read_csv(shared_file(f"{DATAWEB}/usmca_product_shares_2025_{m:02d}.csv.gz"),
                          dtype={"hts10": str, "cty_code": str}) for m in range(1, 13)]
    raw = pd.concat(frames)
    mx = raw[raw["cty_code"] == "2010"].groupby("hts10")[["total_value", "usmca_value"]].sum()
    rows = json.loads(gzip.decompress(shared_file("usitc_hts/hts_2026_rev_10.json.gz")
                                      .read_bytes()))
    general: dict[str, str] = {}
    for r in rows:
        code = (r["htsno"] or "").replace(".", "")
        if len(code) in (8, 10) and (r["general"] or "").strip():
            general.setdefault(code, r["general"].strip())
    mx["general"] = [general.get(h) or general.get(h[:8]) or "" for h in mx.index]
    return mx


def test_exposure_lower_bound_matches_the_raw_files(mex: ScenarioResult,
                                                    raw_lines: pd.DataFrame) -> None:
    total = mex.aggregate().iloc[0]
    assert total.unmeasured_value_usd == pytest.approx(UNMEASURED_USD, abs=0.5)
    assert total.lines_unmeasured == 613
    specific = (raw_lines["general"].str.contains("[¢$]")
                & ~raw_lines["general"].str.contains("%") & (raw_lines["usmca_value"] > 0))
    assert (int(specific.sum()), int(raw_lines.loc[specific, "usmca_value"].sum())) \
        == PURELY_SPECIFIC
    lines = mex.lines[mex.lines["unmeasured_value_usd"] > 0].set_index("product_code")
    pure = lines.loc[lines.index.isin(raw_lines.index[specific])]
    assert pure["unmeasured_value_usd"].sum() == pytest.approx(PURELY_SPECIFIC[1], abs=0.5)
    # the other 30: compound MFN whose USMCA rate is a chapter 98 reference ("See 9823…")
    rest = lines.loc[~lines.index.isin(raw_lines.index[specific])]
    assert len(rest) == 30
    assert rest["pref_text"].astype(str).str.startswith("See 98").all()
    assert rest["mfn_text"].astype(str).str.contains("%").all()


def test_the_data_has_no_quantities_so_no_unit_value_ave(con: duckdb.DuckDBPyConnection,
                                                         mex: ScenarioResult) -> None:
    """DataWeb files carry values only: no line can use the unit-value AVE, the bound stays."""
    with_quantity = con.execute("SELECT count(*) FROM flow WHERE source = 'usitc_dataweb' "
                                "AND quantity IS NOT NULL").fetchone()
    assert with_quantity == (0,)
    assert not (mex.lines["mfn_ave_method"] == "unit_value").any()


def test_crude_oil_share_of_the_fallback(mex: ScenarioResult) -> None:
    """docs/methods/ave.md: crude oil (2709) is US$8.31 bn of the US$31.44 bn on fallback."""
    lines = mex.lines
    fallback = lines[lines["mfn_ave_method"] == "fallback_adval_only"]
    crude = fallback[fallback["product_code"].astype(str).str.startswith("2709")]
    assert (len(fallback), round(fallback["value_usd"].sum() / 1e9, 2)) == (813, 31.44)
    assert round(crude["value_usd"].sum() / 1e9, 2) == 8.31


def test_content_basis_lines_counted(mex: ScenarioResult) -> None:
    note = {n.kind: n for n in mex.audit}["content_basis"]
    assert note.count == 7
    assert any(e.startswith("7801100000: 2.5% on the value of the lead content")
               for e in note.examples)
    lead = mex.lines[mex.lines["product_code"] == "7801100000"].iloc[0]
    assert lead.mfn_ave_method == "content_basis"


def test_headline_says_what_the_figures_are(mex: ScenarioResult) -> None:
    total = mex.aggregate().iloc[0]
    default_note = next(n for n in mex.audit if n.kind == "elasticity_fallback"
                        and "default" in str(n.detail))
    default_value = mex.lines.loc[mex.lines["elasticity_level"] == "default", "value_usd"].sum()
    assert default_note.count == (mex.lines["elasticity_level"] == "default").sum()
    assert total.share_default_elasticity == pytest.approx(default_value / total.value_usd)
    assert round(total.share_default_elasticity, 4) == 0.2756
    for lang, words in (("es", ("cota inferior", "estimación", "sin medidas del capítulo 99",
                                "elasticidad por omisión")),
                        ("en", ("lower bound", "estimate", "no chapter 99 measures",
                                "default elasticity"))):
        frame = headline_frame(mex, lang)
        text = " ".join(frame.iloc[:, 0]) + " ".join(frame.iloc[:, 1])
        for word in words:
            assert word in text, (lang, word)
    notes = " ".join(figure_notes(mex, "en"))
    assert "LOWER BOUND: US$26.40 bn on 613 lines" in notes
    assert "ESTIMATES" in notes and "27.56%" in notes


def test_web_headline_uses_the_same_labels(mex: ScenarioResult) -> None:
    figures = {f.key: f for f in headline(mex, "es")}
    assert "estimación" in figures["trade_creation"].label
    assert "sin medidas del capítulo 99" in figures["duty_before"].label
    assert figures["unmeasured_value_usd"].value == pytest.approx(UNMEASURED_USD, abs=0.5)
    assert figures["lines_unmeasured"].value == 613


def test_xlsx_headline_sheet_labels(wh: Path, tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "run.xlsx"
    result = CliRunner().invoke(app, ["scenario", "run", "usmca-ends", "-r", "MEX",
                                      "--format", "xlsx", "--output", str(out),
                                      "--warehouse", str(wh), "--data", str(data_dir),
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    sheet = pd.read_excel(out, sheet_name="headline")
    labels = " ".join(sheet.iloc[:, 0].astype(str))
    assert "SMART trade creation (US imports) — estimate" in labels
    assert "Value left out of exposure" in labels
    assert "Duty bill before (MFN/preference only, no chapter 99 measures)" in labels
    notes = " ".join(pd.read_excel(out, sheet_name="notes")["notes"].astype(str))
    assert "flows joined to their rates on the duckdb engine" in notes  # issue 18
