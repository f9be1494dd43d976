"""Corrupted flow files: an InputError naming file, row and field; the warehouse is unchanged.

Files are small invented rows in each official format, written to tmp_path.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from comexlab.errors import InputError
from comexlab.warehouse import flows

USITC_HEADER = "hts10,cty_code,usmca_share,total_value,usmca_value\n"
GOOD_USITC = USITC_HEADER + "8703230140,2010,0.5,1000,500\n8703230140,1220,1,200,200\n"
INEGI_HEADER = "Código,Descripción,state,year,USD\n"
GOOD_INEGI = (INEGI_HEADER + "NA,Exportaciones totales,Guanajuato,2018,30\n"
              "336,Fabricación de equipo de transporte,Guanajuato,2018,20\n"
              "NA,Subsectores no especificados,Guanajuato,2018,10\n")
COMTRADE_HEADER = "year,section,SA_4,imp_exp,partner_code,tradevalue\n"
GOOD_COMTRADE = COMTRADE_HEADER + "2017,17,8703,2,842,1000\n2017,17,8703,2,0,1500\n"
DM_HEADER = ("Month ID,Month,State ID,State,HS6 ID,HS6,Flow ID,Flow,Country ID,Country,"
             "Trade Value\n")
GOOD_DM = DM_HEADER + "201701,2017-01,11,Guanajuato,17870323,Cars,2,Exports,usa,US,900\n"


def _write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _snapshot(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    return (con.execute("SELECT * FROM flow ORDER BY ALL").fetchall(),
            con.execute("SELECT dataset, file, rows FROM load_log ORDER BY ALL").fetchall())


CASES = [
    # (source, file name, good text, corrupted text, row, field)
    ("usitc_dataweb", "usmca_product_shares_2025_01.csv.gz", GOOD_USITC,
     GOOD_USITC.replace("1000", "10O0"), None, None),
    ("usitc_dataweb", "usmca_product_shares_2025_01.csv.gz", GOOD_USITC,
     USITC_HEADER + "8703230140,2010,0.5,1000,500\n8703230150,2010,1,200,x\n", 3,
     "usmca_value"),
    ("usitc_dataweb", "usmca_product_shares_2025_01.csv.gz", GOOD_USITC,
     GOOD_USITC.replace(",total_value", ",total_val"), 1, "total_value"),
    ("usitc_dataweb", "usmca_product_shares_2025_01.csv.gz", GOOD_USITC,
     GOOD_USITC + "8703230140,2010,0.5,7,1\n", 4, "cty_code"),
    ("inegi_eaef", "eaef.csv", GOOD_INEGI, GOOD_INEGI.replace(",20\n", ",2O\n"), 3, "USD"),
    ("inegi_eaef", "eaef.csv", GOOD_INEGI, GOOD_INEGI.replace("Código,", "Codigo,"), 1,
     "Código"),
    ("inegi_eaef", "eaef.csv", GOOD_INEGI, GOOD_INEGI + "336,X,Guanajuato,2018,5\n", 5,
     "_product"),
    ("comtrade", "ct.csv.gz", GOOD_COMTRADE, GOOD_COMTRADE.replace(",1500", ",15e"), 3,
     "tradevalue"),
    ("comtrade", "ct.csv.gz", GOOD_COMTRADE, GOOD_COMTRADE.replace(",SA_4", ",HS4"), 1, "SA_4"),
    ("comtrade", "ct.csv.gz", GOOD_COMTRADE, GOOD_COMTRADE + "2017,17,8703,2,842,1\n", 4,
     "partner_code"),
    ("datamexico", "state11_201701.csv", GOOD_DM, GOOD_DM.replace(",900", ",9OO"), 2,
     "Trade Value"),
    ("datamexico", "state11_201701.csv", GOOD_DM, GOOD_DM.replace("Country ID", "Pais"), 1,
     "Country ID"),
    ("datamexico", "state11_201701.csv", GOOD_DM, GOOD_DM + GOOD_DM.splitlines()[1] + "\n", 3,
     "Country ID"),
]


@pytest.mark.parametrize(("source", "name", "good", "bad", "row", "field"), CASES)
def test_corrupt_file_rejected_and_warehouse_unchanged(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, source: str, name: str, good: str,
    bad: str, row: int | None, field: str | None,
) -> None:
    good_path = _write(tmp_path / name, good)
    flows.load_source(warehouse, source, [good_path])
    before = _snapshot(warehouse)
    assert before[0], "the good file must have loaded rows"

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad_path = _write(bad_dir / name, bad)
    with pytest.raises(InputError) as info:
        flows.load_source(warehouse, source, [bad_path])
    problem = info.value.problems[0]
    assert problem.file == str(bad_path)
    if row is not None:
        assert problem.row == row
        assert problem.field == field
    else:  # bad number: first problem names the row and the column
        assert (problem.row, problem.field) == (2, "total_value")
    assert str(bad_path) in str(info.value)
    assert _snapshot(warehouse) == before


def test_one_bad_file_among_good_ones_loads_nothing(warehouse: duckdb.DuckDBPyConnection,
                                                     tmp_path: Path) -> None:
    good = _write(tmp_path / "usmca_product_shares_2025_01.csv.gz", GOOD_USITC)
    flows.load_source(warehouse, "usitc_dataweb", [good])
    before = _snapshot(warehouse)
    good2 = _write(tmp_path / "usmca_product_shares_2025_02.csv.gz", GOOD_USITC)
    gone = tmp_path / "gone" / "usmca_product_shares_2025_03.csv.gz"
    with pytest.raises(InputError, match="usmca_product_shares_2025_03"):
        flows.load_source(warehouse, "usitc_dataweb", [good, good2, gone])
    assert _snapshot(warehouse) == before


def test_insert_failure_rolls_back(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    good = _write(tmp_path / "usmca_product_shares_2025_01.csv.gz", GOOD_USITC)
    flows.load_source(warehouse, "usitc_dataweb", [good])
    before = _snapshot(warehouse)

    def broken_hash(path: object) -> str:
        raise OSError("disk went away while logging")

    monkeypatch.setattr(flows, "file_sha256", broken_hash)
    with pytest.raises(OSError, match="disk went away"):
        flows.load_source(warehouse, "usitc_dataweb", [good])
    assert _snapshot(warehouse) == before
