"""Malformed INEGI EEF packages: an error naming file, row and field; the warehouse unchanged.

Each case writes a small package in EEF's published layout (data CSV + INEGI's two catalogs,
copied from the shared package) to tmp_path, loads a good one first, then the broken one, and
compares flow, flow_withheld and load_log before and after.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from comexlab.errors import DataFileMissingError, InputError
from comexlab.warehouse import flows

FOLDER = "inegi_eef_state_exports_2007_2025"
HEADER = "PROD_EST,COBERTURA,ANIO,CVE_ENT,CODIGO_SCIAN,VAL_USD,ESTATUS_CIFRA,ESTATUS\n"
P = "Exportaciones Anuales por Entidad Federativa. Entidad y Subsector,Estatal"
GOOD = (HEADER
        + f"{P},2025,11,336,27840980,Disponible,Cifras Preliminares.\n"
        + f"{P},2025,11,000,498020,Disponible,Cifras Preliminares.\n"
        + f"{P},2025,11,212,,Confidencial,Cifras Preliminares.\n"
        + f"{P},2024,14,334,16892867,Disponible,Cifras Revisadas.\n")
LINE_OF = {"336": 2, "000": 3, "212": 4, "334": 5}  # CSV line of each good row


def _package(root: Path, data: str | bytes, data_dir: Path, name: str = "eef_estatal_anual"
             "_tr_cifra_2007_2025.csv") -> Path:
    """A package folder with the real catalogs and ``data`` as the data file."""
    root.mkdir(parents=True, exist_ok=True)
    for catalog in ("tc_entidad.csv", "tc_scian.csv"):
        shutil.copyfile(data_dir / FOLDER / catalog, root / catalog)
    path = root / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _snapshot(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    return (con.execute("SELECT * FROM flow ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM flow_withheld ORDER BY ALL").fetchall(),
            con.execute("SELECT dataset, file, rows FROM load_log ORDER BY ALL").fetchall())


def _line(code: str, text: str) -> str:
    """GOOD with the row of subsector ``code`` replaced by ``text``."""
    lines = GOOD.splitlines(keepends=True)
    lines[LINE_OF[code] - 1] = text
    return "".join(lines)


def _latin1(text: str) -> bytes:
    return text.replace("Exportaciones", "Exportación").encode("latin-1")


CASES: list[tuple[str, Callable[[], str | bytes], int | None, str | None]] = [
    # (case, bad data file, row, field) — row/field None: the problem names the file only
    ("missing column", lambda: GOOD.replace(",VAL_USD,", ",VALOR_USD,"), 1, "VAL_USD"),
    ("bad number", lambda: GOOD.replace("27840980", "2784O980"), 2, "VAL_USD"),
    ("decimal value", lambda: GOOD.replace("27840980", "27840980.5"), 2, "VAL_USD"),
    ("negative value", lambda: GOOD.replace("498020", "-498020"), 3, "VAL_USD"),
    ("unknown state code", lambda: GOOD.replace(",2024,14,", ",2024,34,"), 5, "CVE_ENT"),
    ("not a state: 33 Otras entidades", lambda: GOOD.replace(",2024,14,", ",2024,33,"), 5,
     "CVE_ENT"),
    ("unknown SCIAN code", lambda: GOOD.replace(",11,336,", ",11,999,"), 2, "CODIGO_SCIAN"),
    ("duplicated key", lambda: GOOD + f"{P},2025,11,336,1,Disponible,Cifras Preliminares.\n", 6,
     "CODIGO_SCIAN"),
    ("value in a confidential cell",
     lambda: _line("212", f"{P},2025,11,212,5000,Confidencial,Cifras Preliminares.\n"), 4,
     "VAL_USD"),
    ("available without value",
     lambda: _line("336", f"{P},2025,11,336,,Disponible,Cifras Preliminares.\n"), 2, "VAL_USD"),
    ("unknown ESTATUS_CIFRA", lambda: GOOD.replace("Confidencial", "Reservado"), 4,
     "ESTATUS_CIFRA"),
    ("unknown ESTATUS", lambda: GOOD.replace("Cifras Revisadas.", "Cifras Estimadas."), 5,
     "ESTATUS"),
    ("bad year", lambda: GOOD.replace(",2024,14,", ",20x4,14,"), 5, "ANIO"),
    ("year before the series", lambda: GOOD.replace(",2024,14,", ",1999,14,"), 5, "ANIO"),
    ("municipal coverage", lambda: _line("334", GOOD.splitlines()[4].replace(
        "Estatal", "Municipal") + "\n"), 5, "COBERTURA"),
    ("wrong encoding (Latin-1)", lambda: _latin1(GOOD), None, None),
    ("empty file", lambda: b"", 1, "header"),
    ("header only", lambda: HEADER, 2, None),
]


@pytest.mark.parametrize(("case", "bad", "row", "field"), CASES, ids=[c[0] for c in CASES])
def test_malformed_package_rejected_and_warehouse_unchanged(
        warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, data_dir: Path, case: str,
        bad: Callable[[], str | bytes], row: int | None, field: str | None) -> None:
    good = _package(tmp_path / "good", GOOD, data_dir)
    flows.load_source(warehouse, "inegi_eef", [good])
    before = _snapshot(warehouse)
    assert before[0] and before[1], "the good package must load flow and withheld rows"

    bad_path = _package(tmp_path / "bad", bad(), data_dir)
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, "inegi_eef", [bad_path])
    problem = info.value.problems[0]
    assert problem.file == str(bad_path), case
    assert (problem.row, problem.field) == (row, field), case
    assert str(bad_path) in info.value.render("es")
    assert _snapshot(warehouse) == before


def test_error_is_in_the_readers_language(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path,
                                          data_dir: Path) -> None:
    bad = _package(tmp_path / "bad", _latin1(GOOD), data_dir)
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, "inegi_eef", [bad])
    assert "no es texto UTF-8" in info.value.render("es")
    assert "not UTF-8" in info.value.render("en")


def test_truncated_gzip_is_refused(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path,
                                   data_dir: Path) -> None:
    whole = gzip.compress(GOOD.encode())
    bad = _package(tmp_path / "bad", whole[: len(whole) // 2], data_dir,
                   name="eef_estatal_anual_tr_cifra_2007_2025.csv.gz")
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, "inegi_eef", [bad])
    assert info.value.problems[0].file == str(bad)


def test_shuffled_state_catalog_names_the_catalog_row(warehouse: duckdb.DuckDBPyConnection,
                                                      tmp_path: Path, data_dir: Path) -> None:
    """A catalog that files code 11 under another name would misfile every figure: refused."""
    path = _package(tmp_path / "pkg", GOOD, data_dir)
    catalog = tmp_path / "pkg" / "tc_entidad.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("11,Guanajuato",
                                                                   "11,Jalisco"),
                       encoding="utf-8")
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, "inegi_eef", [path])
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.field) == (str(catalog), 12, "NOM_ENTIDAD")


def test_missing_catalog_is_named(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path,
                                  data_dir: Path) -> None:
    path = _package(tmp_path / "pkg", GOOD, data_dir)
    (tmp_path / "pkg" / "tc_scian.csv").unlink()
    with pytest.raises(DataFileMissingError, match=r"tc_scian\.csv"):
        flows.load_source(warehouse, "inegi_eef", [path])


def test_good_package_flags_and_units(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path,
                                      data_dir: Path) -> None:
    """The good rows: thousands × 1000, 000 → UNSPECIFIED, the confidential cell withheld."""
    summary = flows.load_source(warehouse, "inegi_eef",
                                [_package(tmp_path / "good", GOOD, data_dir)])
    assert summary.rows == 3
    rows = warehouse.execute("SELECT reporter, period, product_code, value_usd, "
                             "revision_status FROM flow ORDER BY ALL").fetchall()
    assert rows == [("MX-GTO", "2025", "336", 27_840_980_000.0, "preliminary"),
                    ("MX-GTO", "2025", "UNSPECIFIED", 498_020_000.0, "preliminary"),
                    ("MX-JAL", "2024", "334", 16_892_867_000.0, "revised")]
    withheld = warehouse.execute("SELECT reporter, period, product_code, cell_status, "
                                 "revision_status FROM flow_withheld").fetchall()
    assert withheld == [("MX-GTO", "2025", "212", "confidential", "preliminary")]
    kinds = {n.kind: n.count for n in summary.notes}
    assert kinds["withheld_confidential"] == 1 and kinds["confidential_sum"] == 1


def test_same_key_in_two_files_is_refused(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path,
                                          data_dir: Path) -> None:
    """Two files of one load that repeat a (year, state, subsector) would double-count it."""
    first = _package(tmp_path / "a", GOOD, data_dir)
    second = _package(tmp_path / "b", HEADER + GOOD.splitlines(keepends=True)[4], data_dir)
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, "inegi_eef", [first, second])
    problem = info.value.problems[0]
    assert (problem.file, problem.row, problem.field) == (str(second), 2, "CODIGO_SCIAN")
    assert _snapshot(warehouse) == ([], [], [])


def test_a_spreadsheet_resave_still_loads_the_same(warehouse: duckdb.DuckDBPyConnection,
                                                   tmp_path: Path, data_dir: Path) -> None:
    """Careless user: BOM, CRLF, codes without leading zeros, statuses in other capitals.

    Excel re-saves '01' as 1 and '000' as 0; the codes stay unambiguous, so the same rows
    load (and a 1-digit SCIAN other than 0 still fails the catalog check).
    """
    flows.load_source(warehouse, "inegi_eef", [_package(tmp_path / "good", GOOD, data_dir)])
    before = _snapshot(warehouse)[:2]
    resaved = (GOOD.replace(",11,000,", ",11,0,").replace("Confidencial", "CONFIDENCIAL")
               .replace("Cifras Revisadas.", "cifras revisadas"))
    resaved = "\ufeff" + resaved.replace("\n", "\r\n")
    pkg = _package(tmp_path / "resaved", resaved, data_dir)
    catalog = tmp_path / "resaved" / "tc_entidad.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("\n01,", "\n1,"),
                       encoding="utf-8")
    flows.load_source(warehouse, "inegi_eef", [pkg])
    assert _snapshot(warehouse)[:2] == before
    bad = _package(tmp_path / "bad", GOOD.replace(",11,336,", ",11,3,"), data_dir)
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, "inegi_eef", [bad])
    assert (info.value.problems[0].row, info.value.problems[0].field) == (2, "CODIGO_SCIAN")
