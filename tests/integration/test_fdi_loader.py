"""SE FDI by state loader: the real file, a malformed corpus, and an unchanged warehouse.

Every malformed case must raise an InputError whose problems name the file, the row and the
field, and leave every warehouse table exactly as it was (the good load before it stays).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from warehouse_state import fingerprint

from comexlab.errors import InputError
from comexlab.warehouse.sites import fdi_years, load_fdi

FDI = "se_fdi_by_state/ied_entidad_tipo.csv.gz"
HEADER = ("entidad,tipo_de_inversion,anio,trimestre,fecha,millones_de_dolares,"
          "fn_millones_de_dolares")
GOOD = ["Jalisco,Nuevas inversiones,2024,1,2024-03-01,24.898658526337893,24.89",
        "Guanajuato,Reinversión de utilidades,2024,1,2024-03-01,C,C",
        "Guanajuato,Cuentas entre compañías,2024,1,2024-03-01,-3.5,-3.5"]


def fdi_file(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "ied.csv.gz"
    path.write_bytes(gzip.compress("\n".join([header, *rows]).encode("utf-8") + b"\n"))
    return path


def test_fdi_real_file(warehouse: duckdb.DuckDBPyConnection,
                       shared_file: Callable[[str], Path]) -> None:
    n = load_fdi(warehouse, shared_file(FDI))
    assert n == 7104  # PROVENANCE.md: 7,104 rows, 32 states, 3 types
    states, hidden = warehouse.execute(
        "SELECT count(DISTINCT state_code), count(*) FILTER (WHERE confidential) "
        "FROM fdi_state_quarter").fetchone()
    assert (states, hidden) == (32, 79)  # PROVENANCE.md: 79 values are "C"
    # PROVENANCE.md sample row: Jalisco, Nuevas inversiones, 2024 Q1, 24.898658526337893 M USD
    usd = warehouse.execute(
        "SELECT value_usd FROM fdi_state_quarter WHERE state_code = '14' AND year = 2024 "
        "AND quarter = 1 AND investment_type = 'new'").fetchone()[0]
    assert usd == pytest.approx(24_898_658.526337893)
    # 2024 has two quarters only (2006Q1–2024Q2): the service must not compare it to 2023
    assert fdi_years(warehouse)["14"][2024][1] == 2


def test_fdi_confidential_is_null_not_zero(tmp_path: Path,
                                           warehouse: duckdb.DuckDBPyConnection) -> None:
    load_fdi(warehouse, fdi_file(tmp_path, GOOD))
    rows = warehouse.execute("SELECT investment_type, value_usd, confidential FROM "
                             "fdi_state_quarter WHERE state_code = '11' ORDER BY 1").fetchall()
    assert rows == [("intercompany", -3_500_000.0, False), ("reinvested", None, True)]


BAD: dict[str, tuple[list[str], int, str]] = {
    "unknown state": (["Atlantis,Nuevas inversiones,2024,1,x,1.0,1.0"], 2, "entidad"),
    "unknown type": (["Jalisco,Préstamos,2024,1,x,1.0,1.0"], 2, "tipo_de_inversion"),
    "year text": (["Jalisco,Nuevas inversiones,dos mil,1,x,1.0,1.0"], 2, "anio"),
    "year out of range": (["Jalisco,Nuevas inversiones,1890,1,x,1.0,1.0"], 2, "anio"),
    "quarter 5": (["Jalisco,Nuevas inversiones,2024,5,x,1.0,1.0"], 2, "trimestre"),
    "quarter 0": (["Jalisco,Nuevas inversiones,2024,0,x,1.0,1.0"], 2, "trimestre"),
    "value text": (["Jalisco,Nuevas inversiones,2024,1,x,mucho,1.0"], 2, "millones_de_dolares"),
    "value blank": (["Jalisco,Nuevas inversiones,2024,1,x,,1.0"], 2, "millones_de_dolares"),
    "value nan": (["Jalisco,Nuevas inversiones,2024,1,x,nan,1.0"], 2, "millones_de_dolares"),
    "value inf": (["Jalisco,Nuevas inversiones,2024,1,x,inf,1.0"], 2, "millones_de_dolares"),
    "short row": (["Jalisco,Nuevas inversiones,2024,1"], 2, "*"),
    "duplicate quarter": ([GOOD[0], GOOD[0].replace("24.89865", "9.1")], 3,
                          "entidad/tipo_de_inversion/anio/trimestre"),
    "bad row after good": ([*GOOD, "Jalisco,Nuevas inversiones,2024,9,x,1,1"], 5, "trimestre"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_fdi_malformed_refused_warehouse_unchanged(
        case: str, tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    load_fdi(warehouse, fdi_file(tmp_path, GOOD))
    before = fingerprint(warehouse)
    rows, line, field = BAD[case]
    bad = fdi_file(tmp_path, rows)
    with pytest.raises(InputError) as err:
        load_fdi(warehouse, bad)
    problems = err.value.problems
    assert (problems[0].file, problems[0].row, problems[0].field) == (str(bad), line, field)
    assert problems[0].render("es") != problems[0].render("en")  # said in the reader's words
    assert fingerprint(warehouse) == before


@pytest.mark.parametrize(("header", "rows"), [
    ("entidad,anio,trimestre,millones_de_dolares", GOOD), (HEADER, [])])
def test_fdi_bad_file_shape(header: str, rows: list[str], tmp_path: Path,
                            warehouse: duckdb.DuckDBPyConnection) -> None:
    before = fingerprint(warehouse)
    with pytest.raises(InputError) as err:
        load_fdi(warehouse, fdi_file(tmp_path, rows, header))
    assert err.value.file == str(tmp_path / "ied.csv.gz") or err.value.file is not None
    assert fingerprint(warehouse) == before


def test_fdi_not_gzip(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "ied.csv.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(InputError):
        load_fdi(warehouse, path)
