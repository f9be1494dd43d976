"""Load time and peak memory of each flow source, against plain pandas.read_csv of its files.

Each measurement runs in a fresh subprocess (so max RSS is that run's own peak):
  comexlab   = parse + validate + write to a fresh DuckDB warehouse (load_source)
  baseline   = pandas.read_csv of the same files (no validation, no write)
Usage: PYTHONPATH=src python bench/bench_flows_load.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from comexlab.settings import Settings
from comexlab.sources import flow_sources

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, source, data, wh = sys.argv[1:5]
from comexlab.sources import flow_sources
files = flow_sources.get_source(source).default_files(Path(data))
t0 = time.perf_counter()
if mode == "baseline":
    import pandas as pd
    rows = sum(len(pd.read_csv(f)) for f in files)
else:
    from comexlab.warehouse.db import connect
    from comexlab.warehouse.flows import load_source
    con = connect(wh)
    rows = load_source(con, source, files).rows
    con.close()
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "rss_mb": rss, "rows": rows, "files": len(files)}))
"""


def run(mode: str, source: str, data: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", CHILD, mode, source, data,
                              f"{tmp}/wh.duckdb"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    data = str(Settings().data)
    print(f"{'source':15} {'files':>5} {'rows':>9} {'comexlab s':>10} {'MB':>6} "
          f"{'pandas s':>9} {'MB':>6} {'time x':>7} {'mem x':>6}")
    for source in flow_sources.SHIPPED:
        best = min((run("comexlab", source, data) for _ in range(3)), key=lambda r: r["wall"])
        base = min((run("baseline", source, data) for _ in range(3)), key=lambda r: r["wall"])
        print(f"{source:15} {best['files']:>5} {best['rows']:>9,} {best['wall']:>10.2f} "
              f"{best['rss_mb']:>6.0f} {base['wall']:>9.2f} {base['rss_mb']:>6.0f} "
              f"{best['wall'] / base['wall']:>7.1f} {best['rss_mb'] / base['rss_mb']:>6.2f}")


if __name__ == "__main__":
    main()
