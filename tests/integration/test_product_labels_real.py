"""Product labels in ``flows top``, the report workbook and the product search, on the real
files: DataWeb, INEGI and Comtrade flows plus the 2026 Rev. 10 HTS edition.

Expected texts come from the official files (see tests/unit/test_product_labels.py for the
rows): sa2/sa4_descriptions_es.csv give 'Vehículo › Coches', hts_2026_rev_10.json.gz the
English lines below the heading.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from comexlab.cli import app
from comexlab.errors import InputError
from comexlab.i18n import t
from comexlab.services.products import search_products
from comexlab.warehouse import hts
from comexlab.warehouse.db import connect

CAR_8703230140 = (
    "8703.23.01.40 — Vehículo › Coches › Other vehicles, with only spark-ignition internal "
    "combustion piston engines › Of a cylinder capacity exceeding 1,500 cc but not exceeding "
    "3,000 cc › Other › New › Having engines with not more than 4 cylinders › Other")
BARE = {"Other", "New", "Used", ""}


@pytest.fixture(scope="module")
def labels_wh(flows_wh: Path, tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """The shared flows warehouse (copied) with the 2026 Rev. 10 edition loaded."""
    path = tmp_path_factory.mktemp("labels") / "wh.duckdb"
    path.write_bytes(flows_wh.read_bytes())
    con = connect(path)
    hts.load_edition(con, "2026r10", data_dir=data_dir)
    con.close()
    return path


def test_flows_top_labels_lines_with_code_and_path(labels_wh: Path) -> None:
    args = ["flows", "top", "--reporter", "GTO", "--from", "2026-01", "--to", "2026-02",
            "--estimated", "--warehouse", str(labels_wh), "--lang", "es", "--format", "csv"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.output), dtype=str)
    labels = table["Descripción"].tolist()
    assert not set(labels) & BARE
    for code, label in zip(table["Clave"], labels, strict=True):
        assert label.startswith(f"{code[:4]}.{code[4:6]}.{code[6:8]}.{code[8:]} — ")
        assert " › " in label
    if "8703230140" in set(table["Clave"]):
        assert CAR_8703230140 in labels


def test_flows_top_screen_says_which_parts_are_english(labels_wh: Path) -> None:
    args = ["flows", "top", "--reporter", "GTO", "--from", "2026-01", "--to", "2026-02",
            "--estimated", "--top", "3", "--warehouse", str(labels_wh), "--lang", "es"]
    out = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    assert " ".join(t("products.note.english_only", "es").split()[:6]) in " ".join(
        out.output.split())


def test_report_workbook_products_carry_code_and_path(labels_wh: Path, tmp_path: Path) -> None:
    path = tmp_path / "mex.xlsx"
    out = CliRunner().invoke(app, ["report", "exports", "--reporter", "MEX", "--from", "2025",
                                   "--partner", "USA", "--warehouse", str(labels_wh),
                                   "--lang", "es", "--format", "xlsx", "--output", str(path)])
    assert out.exit_code == 0, out.output
    wb = openpyxl.load_workbook(path)
    sheet = next(ws for ws in wb.worksheets if "product" in ws.title.lower()
                 or "producto" in ws.title.lower())
    header = [c.value for c in sheet[1]]
    col = header.index(t("report.col.label", "es"))
    labels = [row[col] for row in sheet.iter_rows(min_row=2, values_only=True) if row[col]]
    lines = [v for v in labels if v[:4].isdigit()]
    assert lines and not set(labels) & BARE
    assert all(" — " in v and " › " in v for v in lines)
    assert CAR_8703230140 in labels  # the second-largest Mexican line in 2025 (PROVENANCE.md)
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if c.value)
    assert t("products.note.english_only", "es")[:40] in text


def test_search_by_code_and_by_word_on_the_loaded_schedule(labels_wh: Path) -> None:
    con = connect(labels_wh, read_only=True)
    try:
        by_code = search_products(con, "8703.23", lang="es")
        assert by_code.hits[0].code == "870323"
        assert "8703230140" in {h.code for h in by_code.hits}
        assert all(h.code.startswith("870323") for h in by_code.hits)
        by_word = search_products(con, "vehiculos", lang="es")
        assert "8703" in {h.code for h in by_word.hits}  # 'Vehículo › Coches' + EN 'vehicles'
        assert search_products(con, "exceeding 113 cm", lang="en").total >= 1
        assert search_products(con, "%", lang="es").kind == "empty"
        with pytest.raises(InputError):
            search_products(con, "8" * 1000, lang="es")
    finally:
        con.close()


def test_hts_search_cli_by_code_and_careless_input(labels_wh: Path) -> None:
    base = ["hts", "search", "--warehouse", str(labels_wh), "--lang", "es"]
    out = CliRunner().invoke(app, [*base, "8703.23", "--format", "csv", "--limit", "5"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.output), dtype=str)
    assert table.iloc[0]["Código"] == "8703.23"
    assert table.iloc[0]["Ruta de descripción"].startswith("Vehículo › Coches › ")
    words = CliRunner().invoke(app, [*base, "camiones", "--format", "csv"])
    assert "8704" in words.output  # 'Camiones de entrega' (sa4_descriptions_es.csv)
    blank = CliRunner().invoke(app, [*base, "   "])
    assert isinstance(blank.exception, InputError)
    long = CliRunner().invoke(app, [*base, "x" * 500])
    assert isinstance(long.exception, InputError) and long.exception.field == "q"
