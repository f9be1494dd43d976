"""Malformed HTS files: an error naming what is wrong, and a warehouse left exactly as it was.

The broken files are made in a temp folder from the real shared files (never committed).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from warehouse_state import fingerprint as _fingerprint

from comexlab.errors import InputError
from comexlab.sources.usitc_hts import EDITIONS
from comexlab.warehouse import hts

JSON_2026 = EDITIONS["2026r10"].file
FILE_1300 = EDITIONS["2013"].file




@pytest.fixture()
def loaded(warehouse: duckdb.DuckDBPyConnection,
           shared_file: Callable[[str], Path]) -> duckdb.DuckDBPyConnection:
    hts.load_edition(warehouse, "2013", shared_file(FILE_1300))
    return warehouse


def _rows(shared_file: Callable[[str], Path]) -> list[dict[str, object]]:
    return json.loads(gzip.decompress(shared_file(JSON_2026).read_bytes()))


def _write_json(path: Path, data: object) -> Path:
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return path


def _assert_rejected(con: duckdb.DuckDBPyConnection, key: str, path: Path,
                     *expected: str) -> InputError:
    before = _fingerprint(con)
    with pytest.raises(InputError) as info:
        hts.load_edition(con, key, path)
    message = str(info.value)
    assert str(path.name) in message or str(path) in message
    for text in expected:
        assert text in message
    assert _fingerprint(con) == before
    return info.value


def test_truncated_gzip(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                        shared_file: Callable[[str], Path]) -> None:
    raw = shared_file(JSON_2026).read_bytes()
    bad = tmp_path / "hts.json.gz"
    bad.write_bytes(raw[: len(raw) // 2])
    _assert_rejected(loaded, "2026r10", bad, "gzip")


def test_truncated_json(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                        shared_file: Callable[[str], Path]) -> None:
    text = gzip.decompress(shared_file(JSON_2026).read_bytes())
    bad = tmp_path / "hts.json.gz"
    bad.write_bytes(gzip.compress(text[: len(text) - 5000]))
    err = _assert_rejected(loaded, "2026r10", bad, "not valid JSON")
    assert err.row is not None


def test_dict_instead_of_list(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                              shared_file: Callable[[str], Path]) -> None:
    bad = _write_json(tmp_path / "hts.json.gz", {"rows": _rows(shared_file)[:10]})
    err = _assert_rejected(loaded, "2026r10", bad, "expected a JSON list", "got a dict")
    assert err.field == "(top level)"


def test_missing_keys_named_with_row(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                                    shared_file: Callable[[str], Path]) -> None:
    rows = _rows(shared_file)
    del rows[99]["general"]
    del rows[2000]["indent"]
    bad = _write_json(tmp_path / "hts.json.gz", rows)
    err = _assert_rejected(loaded, "2026r10", bad, "row 100", "'general'", "row 2001",
                           "'indent'")
    assert (err.row, err.field) == (100, "general")


def test_bad_indent(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                    shared_file: Callable[[str], Path]) -> None:
    rows = _rows(shared_file)
    rows[4]["indent"] = "two"
    bad = _write_json(tmp_path / "hts.json.gz", rows)
    _assert_rejected(loaded, "2026r10", bad, "row 5", "'indent'", "two")


def test_1300_missing_column(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                             shared_file: Callable[[str], Path]) -> None:
    text = gzip.decompress(shared_file(FILE_1300).read_bytes()).decode("latin-1")
    lines = text.split("\r\n")
    cut = ["|".join(c for i, c in enumerate(line.split("|")) if i != 7) for line in lines]
    bad = tmp_path / "1300.txt.gz"
    bad.write_bytes(gzip.compress("\r\n".join(cut).encode("latin-1")))
    err = _assert_rejected(loaded, "2013", bad, "missing column(s): Col. 2 Rate")
    assert (err.row, err.field) == (1, "Col. 2 Rate")


def test_1300_short_row(loaded: duckdb.DuckDBPyConnection, tmp_path: Path,
                        shared_file: Callable[[str], Path]) -> None:
    lines = gzip.decompress(shared_file(FILE_1300).read_bytes()).decode("latin-1").split("\r\n")
    lines[10] = "|".join(lines[10].split("|")[:6])
    bad = tmp_path / "1300.txt.gz"
    bad.write_bytes(gzip.compress("\r\n".join(lines).encode("latin-1")))
    _assert_rejected(loaded, "2013", bad, "row 11", "'Special Rate'")


def test_insert_failure_rolls_back_both_tables(loaded: duckdb.DuckDBPyConnection,
                                               shared_file: Callable[[str], Path]) -> None:
    """Even a failure after validation (here: a constraint) leaves nothing half-written."""
    from comexlab.sources.usitc_hts import read_edition

    tables = read_edition("2013", shared_file(FILE_1300))
    broken = tables.rates.set_column(tables.rates.schema.get_field_index("kind"), "kind",
                                     pa.array([None] * tables.rates.num_rows, pa.string()))
    before = _fingerprint(loaded)
    with pytest.raises(duckdb.Error):
        hts.write_edition(loaded, type(tables)(tables.edition, tables.path, tables.source_rows,
                                              tables.lines, broken, tables.notes))
    assert _fingerprint(loaded) == before
