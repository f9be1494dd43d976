"""Ingest is atomic: a failing load leaves the warehouse exactly as it was."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from comexlab.warehouse.db import replace_rows


def _flows(value: float) -> pa.Table:
    return pa.table({
        "source": ["t"], "reporter": ["MEX"], "reporter_level": ["country"],
        "reported_by": ["USA"], "partner": ["USA"], "flow": ["export"], "period": ["2025"],
        "year": pa.array([2025], pa.int16()), "product_code": ["TOTAL"],
        "classification": ["TOTAL"], "product_level": ["total"], "value_usd": [value],
    })


def test_replace_rows_replaces_only_the_named_dataset(warehouse: duckdb.DuckDBPyConnection) -> None:
    replace_rows(warehouse, "flow", _flows(1.0), where={"source": "t"})
    replace_rows(warehouse, "flow", _flows(2.0), where={"source": "t"})
    assert warehouse.execute("SELECT sum(value_usd), count(*) FROM flow").fetchone() == (2.0, 1)


def test_failed_insert_rolls_back_the_delete(warehouse: duckdb.DuckDBPyConnection) -> None:
    replace_rows(warehouse, "flow", _flows(1.0), where={"source": "t"})
    bad = _flows(3.0).set_column(0, "source", pa.array([None], pa.string()))  # NOT NULL
    with pytest.raises(duckdb.Error):
        replace_rows(warehouse, "flow", bad, where={"source": "t"})
    assert warehouse.execute("SELECT sum(value_usd), count(*) FROM flow").fetchone() == (1.0, 1)


def test_a_second_process_gets_a_clear_busy_error(tmp_path) -> None:
    import subprocess
    import sys

    from comexlab.warehouse.db import connect

    path = tmp_path / "busy.duckdb"
    con = connect(path)
    code = (
        "import sys\n"
        "from comexlab.warehouse.db import connect, WarehouseBusyError\n"
        f"try:\n    connect({str(path)!r})\nexcept WarehouseBusyError as e:\n"
        "    print('BUSY', e); sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    con.close()
    assert result.returncode == 3, result.stderr
    assert "COMEXLAB_WAREHOUSE" in result.stdout
