"""Regime series over 700 days for all Mexican lines, against the regime on a single date.

Builds a warehouse with HTS 2025 Basic + 2026 Rev. 10 and the DataWeb flows (or uses the one
given as argument), weights by every loaded month (2025-01 … 2026-02: all Mexican lines), and
times, best of 3 each:
  inputs     = warehouse query + AVEs + metal shares + product lists + line masks (once)
  one date   = the regime on 2026-01-01 over the prepared lines
  series     = every day of 2025-01-01 … 2026-11-30 (699 days), one computation per distinct
               regime (piecewise constant), daily table built
The ratio series / one date shows what computing per distinct regime saves over per day.
Usage: PYTHONPATH=src python bench/bench_regime.py [warehouse.duckdb]
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

from comexlab.services.regime import regime_lines
from comexlab.tariffs.regime import compute
from comexlab.tariffs.regime.timeline import shipped_timeline
from comexlab.warehouse import flows, hts
from comexlab.warehouse import regime as wr
from comexlab.warehouse.db import connect

START, END, ONE = dt.date(2025, 1, 1), dt.date(2026, 11, 30), dt.date(2026, 1, 1)


def build(path: Path) -> None:
    con = connect(path)
    for edition in ("2025", "2026r10"):
        hts.load_edition(con, edition)
    flows.load_source(con, "usitc_dataweb")
    flows.load_hts_naics(con)
    con.close()


def best(fn, n: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp) / "wh.duckdb"
        if not path.exists():
            build(path)
        con = connect(path, read_only=True)
        tl = shipped_timeline()
        months = wr.flow_months(con)
        window = (months[0], months[-1])

        def inputs() -> tuple[compute.Prepared, list[str]]:
            lines, editions, _ = regime_lines(con, tl, "MEX", window=window)
            return compute.prepare(lines, tl, wr.product_lists(tl)), editions

        t_in, (prep, editions) = best(inputs)  # type: ignore[misc]
        t_one, day = best(lambda: compute.regime_on(prep, ONE, editions))
        t_series, s = best(lambda: compute.series(prep, START, END, editions))
        con.close()
    rows = len(prep.lines.frame)
    days = len(s.daily)  # type: ignore[attr-defined]
    print(f"lines (HTS10 x month, {window[0]}..{window[1]}): {rows:,}")
    print(f"inputs (query + AVE + masks, once): {t_in:.2f} s")
    print(f"one date ({ONE}): {t_one:.3f} s  ETR {day.etr:.4%}")  # type: ignore[attr-defined]
    print(f"series {START}..{END}: {days} days, {s.computations} distinct regimes, "  # type: ignore[attr-defined]
          f"{t_series:.3f} s")
    print(f"ratio series / one date: {t_series / t_one:.1f}x "
          f"(per-day evaluation would be ~{days}x)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
