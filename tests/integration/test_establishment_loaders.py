"""RETC, DENUE and SIAVI loaders: real files, malformed corpora, and an unchanged warehouse.

Every malformed case must raise an InputError whose problems name the file, the row and the
field, and leave the warehouse exactly as it was (the good load before it stays).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from comexlab.errors import InputError
from comexlab.sources import inegi_denue, semarnat_retc
from comexlab.warehouse.establishments import load_denue, load_retc

RETC_2022 = "semarnat_retc_establishments/es_2022.csv.gz"
DENUE = "denue_manufacturing_isthmus_sample/DERIVED_denue_isthmus_manufacturing.csv.gz"

# --- RETC -------------------------------------------------------------------------------------

RETC_HEADER = ('"NRA"\t"NOMBRE"\t"SCIAN"\t"DESCRIPCIÓN SCIAN"\t"SECTOR"\t"CLAVE\nAMBIENTAL"\t'
               '"SUBSECTOR"\t"PRINCIPAL ACTIVIDAD PRODUCTIVA"\t"PARQUE INDUSTRIAL"\t'
               '"COORDENADA\nUTM X"\t"COORDENADA\nUTM Y"\t"LATITUD NORTE"\t"LONGITUD \nOESTE"\t'
               '"CALLE"\t"NÚM. EXT"\t"NÚM. INT"\t"COLONIA"\t"LOCALIDAD"\t"ESTADO"\t"MUNICIPIO"\t'
               '"C.P."')


def retc_row(nra: str = "AAG1403901019", name: str = "ACME SA DE CV,PLANTA SILAO",
             scian: str = "332810", lat: str = "20°38'33\"", lon: str = "103°20'57\"",
             estado: str = "Jalisco") -> str:
    cells = [nra, name, scian, "Recubrimientos", "Quimica", "8A", "Galv", "MAQUILA", "",
             "671986", "2283474", lat, lon, "Calle 10a", "2083", "", "FERROCARRIL",
             "GUADALAJARA", estado, "Guadalajara", "44440"]
    return "\t".join('"' + c.replace('"', '""') + '"' for c in cells)


GOOD_RETC = [retc_row(), retc_row(nra="AAA1100000001", estado="GUANAJUATO",
                                   lat="20°56'58\"", lon="101°25'37\"")]


def write(path: Path, text: str, *, gz: bool = True) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def retc_file(tmp_path: Path, rows: list[str], name: str = "es_2022.csv.gz") -> Path:
    return write(tmp_path / name, "\n".join([RETC_HEADER, *rows]) + "\n")


def snapshot(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_retc_real_2022(warehouse: duckdb.DuckDBPyConnection,
                        shared_file: Callable[[str], Path]) -> None:
    n, notes = load_retc(warehouse, shared_file(RETC_2022))
    assert n == 3017  # PROVENANCE.md: 2022 has 3,017 establishments
    counts = dict(warehouse.execute("SELECT state_code, count(*) FROM retc_establishment "
                                    "GROUP BY 1").fetchall())
    # PROVENANCE.md: "180 Jalisco and 178 Guanajuato sites in 2022"
    assert (counts["14"], counts["11"]) == (180, 178)
    assert notes == ()  # every 2022 coordinate reads as DMS
    # hand-checked: 20°38'33" N, 103°20'57" W → 20.6425, -103.349167 (Guadalajara)
    lat, lon = warehouse.execute("SELECT latitude, longitude FROM retc_establishment "
                                 "WHERE nra = 'AAG1403901019'").fetchone()
    assert (round(lat, 6), round(lon, 6)) == (20.6425, -103.349167)
    legal = warehouse.execute("SELECT legal_name, establishment FROM retc_establishment "
                              "WHERE nra = 'AAE0901700310'").fetchone()
    assert legal == ("AEROPLASA AEROPUERTO SA DE CV", "")
    # "NINGUNO" (none) as the establishment name is no name, not a plant called NINGUNO
    assert semarnat_retc.split_name("OSHKOSH SA DE CV,NINGUNO ") == ("OSHKOSH SA DE CV", "")


def test_retc_bad_coordinates_are_reported_not_guessed(tmp_path: Path) -> None:
    path = retc_file(tmp_path, [retc_row(lat="20°38'", lon="103°20'57\""),
                                retc_row(nra="B2", lat="20°75'00\""),
                                retc_row(nra="B3", lat="40°00'00\""),
                                retc_row(nra="B4")])
    loaded = semarnat_retc.load(path)
    rows = {r["nra"]: r for r in loaded.rows.to_pylist()}
    assert rows["AAG1403901019"]["latitude"] is None
    assert rows["AAG1403901019"]["coord_problem"].startswith("latitude_not_dms")
    assert rows["B2"]["coord_problem"].startswith("latitude_minutes_or_seconds_over_59")
    assert rows["B3"]["coord_problem"].startswith("latitude_outside_mexico")
    assert rows["B4"]["latitude"] == pytest.approx(20.6425)
    assert sum(n.count for n in loaded.notes) == 3


RETC_CORPUS: dict[str, tuple[list[str], int | None, str]] = {
    # case: (rows, expected row of the first problem, expected field)
    "blank_nra": ([retc_row(nra="")], 2, "NRA"),
    "duplicate_nra": ([retc_row(), retc_row()], 3, "NRA"),
    "scian_5_digits": ([retc_row(scian="33281")], 2, "SCIAN"),
    "scian_letters": ([retc_row(scian="33A810")], 2, "SCIAN"),
    "unknown_state": ([retc_row(estado="Atlántida")], 2, "ESTADO"),
    "blank_state": ([retc_row(estado="")], 2, "ESTADO"),
    "blank_name": ([retc_row(name=" , ")], 2, "NOMBRE"),
    "short_row": ([retc_row(), '"X1"\t"ACME"\t"332810"'], 3, "*"),
    "long_row": ([retc_row() + '\t"extra"'], 2, "*"),
    "second_row_bad": ([retc_row(), retc_row(nra="Z9", scian="")], 3, "SCIAN"),
}


@pytest.mark.parametrize("case", list(RETC_CORPUS))
def test_retc_malformed_refused_and_store_unchanged(
        case: str, tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    load_retc(warehouse, retc_file(tmp_path, GOOD_RETC, "es_2022.csv.gz"))
    before = snapshot(warehouse, "retc_establishment")
    rows, row, field = RETC_CORPUS[case]
    bad = retc_file(tmp_path, rows, "bad_es_2022.csv.gz")
    with pytest.raises(InputError) as info:
        load_retc(warehouse, bad)
    first = info.value.problems[0]
    assert (first.file, first.row, first.field) == (str(bad), row, field)
    assert snapshot(warehouse, "retc_establishment") == before
    assert len(before) == 2


@pytest.mark.parametrize("content,name", [
    (RETC_HEADER.replace('"SCIAN"\t', '"CLAVE SCIAN"\t'), "es_2022.csv.gz"),  # column missing
    ("", "es_2022.csv.gz"),                                                       # empty
    (RETC_HEADER, "es_2022.csv.gz"),                                              # no rows
    ("\n".join([RETC_HEADER, *GOOD_RETC]), "establecimientos.csv.gz"),            # no year
])
def test_retc_file_level_problems(content: str, name: str, tmp_path: Path,
                                  warehouse: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError) as info:
        load_retc(warehouse, write(tmp_path / name, content))
    assert info.value.problems[0].file == str(tmp_path / name)
    assert snapshot(warehouse, "retc_establishment") == []


def test_retc_not_gzip_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="BadGzipFile"):
        semarnat_retc.load(write(tmp_path / "es_2022.csv.gz", "plain", gz=False))
    latin = tmp_path / "es_2021.csv"
    latin.write_bytes(("\n".join([RETC_HEADER, *GOOD_RETC])).encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        semarnat_retc.load(latin)


def test_retc_old_layout_is_refused_naming_the_columns(
        shared_file: Callable[[str], Path]) -> None:
    with pytest.raises(InputError, match="SCIAN"):
        semarnat_retc.load(shared_file("semarnat_retc_establishments/es_2012.csv.gz"))


# --- DENUE ------------------------------------------------------------------------------------

DENUE_HEADER = ("id,clee,nom_estab,raz_social,codigo_act,nombre_act,per_ocu,cve_ent,entidad,"
                "cve_mun,municipio,latitud,longitud,fecha_alta")


def denue_row(**over: str) -> str:
    base = {"id": "6374050", "clee": "X", "nom_estab": "ERGON ASFALTO MEXICO",
            "raz_social": "ERGON ASFALTOS MEXICO S DE RL DE CV", "codigo_act": "324120",
            "nombre_act": "Asfalto", "per_ocu": "11 a 30 personas", "cve_ent": "20",
            "entidad": "Oaxaca", "cve_mun": "79", "municipio": "Salina Cruz",
            "latitud": "16.22149526", "longitud": "-95.18907836", "fecha_alta": "2010-07"}
    base.update(over)
    return ",".join(base[c] for c in DENUE_HEADER.split(","))


GOOD_DENUE = [denue_row(), denue_row(id="1", cve_ent="30", entidad="Veracruz de Ignacio de "
                                                                     "la Llave", cve_mun="3")]

DENUE_CORPUS: dict[str, tuple[list[str], int, str]] = {
    "id_not_integer": ([denue_row(id="A12")], 2, "id"),
    "id_duplicated": ([denue_row(), denue_row()], 3, "id"),
    "blank_name": ([denue_row(nom_estab="")], 2, "nom_estab"),
    "scian_4_digits": ([denue_row(codigo_act="3241")], 2, "codigo_act"),
    "unknown_band": ([denue_row(per_ocu="unos 20")], 2, "per_ocu"),
    "state_code_unknown": ([denue_row(cve_ent="33")], 2, "cve_ent"),
    "state_name_mismatch": ([denue_row(entidad="Jalisco")], 2, "entidad"),
    "municipality_4_digits": ([denue_row(cve_mun="1234")], 2, "cve_mun"),
    "latitude_text": ([denue_row(latitud="16.22N")], 2, "latitud"),
    "longitude_positive": ([denue_row(longitud="95.189")], 2, "longitud"),
    "latitude_outside_mexico": ([denue_row(latitud="40.1")], 2, "latitud"),
    "month_13": ([denue_row(fecha_alta="2010-13")], 2, "fecha_alta"),
    "short_row": ([denue_row(), "9,X,NAME"], 3, "codigo_act"),
    "long_row": ([denue_row() + ",extra"], 2, "*"),
}


def denue_file(tmp_path: Path, rows: list[str], name: str = "denue.csv") -> Path:
    return write(tmp_path / name, "\n".join([DENUE_HEADER, *rows]) + "\n", gz=False)


def test_denue_real_sample(warehouse: duckdb.DuckDBPyConnection,
                           shared_file: Callable[[str], Path]) -> None:
    assert load_denue(warehouse, shared_file(DENUE)) == 6883  # PROVENANCE.md: 6,883 rows
    counts = dict(warehouse.execute("SELECT state_code, count(*) FROM denue_establishment "
                                    "GROUP BY 1").fetchall())
    assert counts == {"20": 3514, "30": 3369}  # PROVENANCE.md: Oaxaca 3,514; Veracruz 3,369
    refinery = warehouse.execute("SELECT scian, employees_band, municipality_code FROM "
                                 "denue_establishment WHERE id = 6515127").fetchone()
    assert refinery == ("324110", "251 y más personas", "079")


@pytest.mark.parametrize("case", list(DENUE_CORPUS))
def test_denue_malformed_refused_and_store_unchanged(
        case: str, tmp_path: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    load_denue(warehouse, denue_file(tmp_path, GOOD_DENUE))
    before = snapshot(warehouse, "denue_establishment")
    rows, row, field = DENUE_CORPUS[case]
    bad = denue_file(tmp_path, rows, "bad.csv")
    with pytest.raises(InputError) as info:
        load_denue(warehouse, bad)
    first = info.value.problems[0]
    assert (first.file, first.row, first.field) == (str(bad), row, field)
    assert snapshot(warehouse, "denue_establishment") == before
    assert len(before) == 2


def test_denue_missing_column_names_it(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", DENUE_HEADER.replace("codigo_act", "scian") + "\n",
                 gz=False)
    with pytest.raises(InputError, match="codigo_act"):
        inegi_denue.load(path)
