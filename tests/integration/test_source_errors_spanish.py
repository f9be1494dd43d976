"""Bad input files get their error in the reader's language, naming file, row and field.

Issue 11: about 40 loader and warehouse errors were English only ("usmca_value exceeds
total_value"). Each case writes one small bad file and checks the Spanish text (the agency's
default language) and the English text, both from ``locales/source_errors.csv``, and that the
place (file, row, field, value) is named in both.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comexlab.cli import app, error_lang
from comexlab.errors import InputError
from comexlab.sources import flowtable, usitc_dataweb, usitc_hts

HEADER = "hts10,cty_code,usmca_share,total_value,usmca_value"


def _dataweb_month(folder: Path, *rows: str) -> Path:
    path = folder / "usmca_product_shares_2025_01.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([HEADER, *rows]) + "\n").encode()))
    return path


def test_usmca_above_total_in_spanish(tmp_path: Path) -> None:
    path = _dataweb_month(tmp_path, "0101210010,2010,0.5,100,40", "0101210020,2010,1,100,250")
    with pytest.raises(InputError) as caught:
        usitc_dataweb.read_month(path)
    es, en = caught.value.render("es"), caught.value.render("en")
    assert es.startswith("usmca_value es mayor que total_value")
    assert f"{path}, fila 3, campo 'usmca_value': usmca_value es mayor que total_value " \
           "(valor '250')" in es
    assert f"{path}, row 3, field 'usmca_value': usmca_value exceeds total_value" in en


def test_non_numeric_value_in_spanish(tmp_path: Path) -> None:
    path = _dataweb_month(tmp_path, "0101210010,2010,0.5,cien,40")
    with pytest.raises(InputError) as caught:
        usitc_dataweb.read_month(path)
    es = caught.value.render("es")
    assert "1 valor(es) no numérico(s) en la columna 'total_value'" in es
    assert "fila 2, campo 'total_value': no es un número (valor 'cien')" in es
    assert "1 non-numeric value(s) in column 'total_value'" in caught.value.render("en")


def test_missing_column_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("hts10,total_value\n0101210010,5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        flowtable.read_strings(path, ("hts10", "cty_code", "total_value"))
    es = caught.value.render("es")
    assert es.startswith("falta(n) la(s) columna(s) cty_code; se encontraron hts10, total_value")
    assert f"{path}, fila 1, campo 'cty_code': falta la columna" in es


def test_month_out_of_range_in_file_name_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "usmca_product_shares_2025_13.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        usitc_dataweb.period_of(path)
    assert caught.value.text("es") == "el mes 13 del nombre del archivo está fuera de rango"
    assert caught.value.file == str(path)


def test_hts_json_problems_in_spanish(tmp_path: Path) -> None:
    """Several bad rows of an HTS JSON export: every problem listed, each in Spanish."""
    path = tmp_path / "hts.json"
    path.write_text(json.dumps([
        {"htsno": "0101", "indent": "0", "description": "Live horses", "general": "",
         "special": "", "other": "", "units": [], "footnotes": []},
        {"htsno": "01X1", "indent": "veinte", "description": "?", "general": "",
         "special": "", "other": "", "units": "No.", "footnotes": []},
        {"htsno": "0102"},  # five required keys missing: 3 + 5 problems
    ]), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        usitc_hts.read_json_rows(path)
    es = caught.value.render("es")
    assert es.splitlines()[0] == "hts.json: 8 problema(s) en el archivo del HTS"
    assert "fila 2, campo 'indent': la sangría no es un número entero (valor 'veinte')" in es
    assert "fila 2, campo 'htsno': no es un número HTS (valor '01X1')" in es
    assert "fila 2, campo 'units': se esperaba una lista de nombres de unidades" in es
    assert "fila 3, campo 'indent': falta una clave obligatoria" in es


def test_truncated_json_in_spanish(tmp_path: Path) -> None:
    path = tmp_path / "hts.json"
    path.write_text('[{"htsno": "0101",', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        usitc_hts.read_json_rows(path)
    assert caught.value.text("es").startswith("JSON no válido (¿truncado?):")
    assert "en la línea 1, columna" in caught.value.text("es")


def test_cli_load_prints_the_spanish_error(tmp_path: Path) -> None:
    """`flows load` without --lang (COMEXLAB_LANG unset → es): the error the CLI prints."""
    folder = tmp_path / "data" / usitc_dataweb.FOLDER
    folder.mkdir(parents=True)
    _dataweb_month(folder, "0101210010,2010,1,100,250")
    result = CliRunner().invoke(app, [
        "flows", "load", "--source", "usitc_dataweb", "--no-hts-naics",
        "--warehouse", str(tmp_path / "w.duckdb"), "--data", str(tmp_path / "data")],
        env={"COMEXLAB_LANG": "es"})
    assert isinstance(result.exception, InputError)
    shown = result.exception.render(error_lang(["flows", "load"]))  # what cli.main prints
    assert "campo 'usmca_value': usmca_value es mayor que total_value" in shown
