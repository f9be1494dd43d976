"""The synthetic generator (issue 18): seeded, 3× the real DataWeb rows, labelled synthetic.

Built on the session's real flows warehouse (conftest ``flows_wh``): the synthetic table must
have exactly ``factor`` rows per real row, the same products, partners and months in the same
proportions, values spread around the real ones, the same rows for the same seed, and the
label ``synthetic`` on every row; it goes to a new file and never into an existing warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from comexlab import bench_data
from comexlab.errors import InputError

FACTOR = 3
KEYS = "reporter, partner, period, product_code"


def _content(path: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute(f"SELECT {KEYS}, count(*), sum(value_usd), sum(quantity) FROM flow "
                       f"GROUP BY ALL ORDER BY ALL").fetchall()
    con.close()
    return rows


@pytest.fixture(scope="module")
def synthetic(flows_wh: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("synthetic") / "bench.duckdb"
    bench_data.generate(flows_wh, target, FACTOR, seed=7)
    return target


def test_factor_rows_per_real_row_with_the_same_keys(flows_wh: Path, synthetic: Path) -> None:
    real = duckdb.connect(str(flows_wh), read_only=True)
    real_keys = real.execute(f"SELECT {KEYS}, count(*) FROM flow WHERE source = "
                             f"'usitc_dataweb' GROUP BY ALL ORDER BY ALL").fetchall()
    real_value = real.execute("SELECT sum(value_usd) FROM flow "
                              "WHERE source = 'usitc_dataweb'").fetchone()[0]  # type: ignore[index]
    real.close()
    syn = _content(synthetic)
    assert [(*r[:4], r[4] // FACTOR) for r in syn] == real_keys
    assert all(r[4] % FACTOR == 0 for r in syn)
    total = sum(float(r[5]) for r in syn)
    # log-normal multipliers of mean 1: the total is FACTOR × the real one, give or take
    assert total == pytest.approx(FACTOR * float(real_value), rel=0.05)
    assert total != FACTOR * float(real_value)  # values really were drawn, not copied


def test_every_row_is_labelled_synthetic(synthetic: Path) -> None:
    con = duckdb.connect(str(synthetic), read_only=True)
    assert con.execute("SELECT DISTINCT source, reported_by FROM flow").fetchall() == [
        ("synthetic", "SYN")]
    log = con.execute("SELECT file FROM load_log WHERE dataset = 'flow:synthetic'").fetchall()
    assert log == [(f"synthetic:usitc_dataweb×{FACTOR},seed=7",)]
    con.close()


def test_same_seed_same_rows_other_seed_other_values(flows_wh: Path, synthetic: Path,
                                                    tmp_path: Path) -> None:
    again, other = tmp_path / "again.duckdb", tmp_path / "other.duckdb"
    bench_data.generate(flows_wh, again, FACTOR, seed=7)
    bench_data.generate(flows_wh, other, FACTOR, seed=8)
    assert _content(again) == _content(synthetic)
    assert _content(other) != _content(synthetic)


def test_never_writes_into_an_existing_warehouse(flows_wh: Path, synthetic: Path) -> None:
    before = flows_wh.stat().st_mtime_ns
    with pytest.raises(InputError, match="new bench warehouse only"):
        bench_data.generate(synthetic, flows_wh, FACTOR)
    assert flows_wh.stat().st_mtime_ns == before
    con = duckdb.connect(str(flows_wh), read_only=True)
    assert bench_data.synthetic_rows(con) == 0
    con.close()
