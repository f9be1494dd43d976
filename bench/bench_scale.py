"""Bench: the usmca-ends scenario on DuckDB and on Spark local, 1× to 500× the DataWeb rows.

Usage:  PYTHONPATH=src python bench/bench_scale.py [--factors 1,10,100,500]
            [--engines duckdb,spark] [--out DIR] [--duckdb-memory 4GB] [--run-timeout 1800]

Steps (results in bench/README-scale.md):

1. A real warehouse (HTS 2026r10, DataWeb, HTS→NAICS) is built in ``--out`` (not timed).
2. For each factor, :func:`comexlab.bench_data.generate` writes a SYNTHETIC bench warehouse
   (source ``synthetic``: every real DataWeb row × factor, seeded log-normal values), timed.
3. For each engine, a child process runs ``usmca-ends`` (reporter MEX, base source switched to
   ``synthetic``) twice on that warehouse: ``cold`` (DuckDB: builds its ENUM caches; Spark:
   exports the tables to Parquet and registers them, session start excluded and shown apart)
   and ``warm``. The parent samples the RSS of the child's whole process tree (Python + the
   Spark JVM) every 0.2 s for the peak, and the size of DuckDB's spill folder.
4. DuckDB runs with ``COMEXLAB_DUCKDB_MEMORY_LIMIT`` (``--duckdb-memory``) and
   ``COMEXLAB_DUCKDB_TEMP_DIR`` set, so past the limit it spills instead of failing. Spark runs
   as configured by ``PYSPARK_SUBMIT_ARGS`` (default here: ``local[2]``, 4 GB driver).

An engine that fails or exceeds ``--run-timeout`` at a factor is not run at larger ones: that is
where it stops fitting. Ratios are against DuckDB warm at 1× measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

BASE_ROWS_NOTE = "DataWeb MX+CA HTS10 × month rows"


def _build_real(path: Path) -> None:
    from comexlab.warehouse import flows, hts
    from comexlab.warehouse.db import connect

    con = connect(path)
    hts.load_edition(con, "2026r10")
    flows.load_source(con, "usitc_dataweb")
    flows.load_hts_naics(con)
    con.close()


def child(engine_name: str, warehouse: str) -> None:
    """Run the scenario cold then warm on one engine; print one JSON line."""
    from comexlab import bench_data
    from comexlab.services.scenarios import ScenarioRequest, load_scenario, run_scenario
    from comexlab.warehouse import engine
    from comexlab.warehouse.db import connect

    out: dict[str, Any] = {}
    con = connect(warehouse, read_only=True)
    scenario = load_scenario("usmca-ends")  # validated against the real source, not here
    scenario = dataclasses.replace(scenario, base=dataclasses.replace(
        scenario.base, source=bench_data.SOURCE))
    with engine.using(engine_name):
        if engine_name == "spark":
            t0 = time.perf_counter()
            engine.spark_session().sparkContext.setLogLevel("ERROR")
            out["session_s"] = round(time.perf_counter() - t0, 2)
        for run in ("cold", "warm"):
            t0 = time.perf_counter()
            result = run_scenario(con, ScenarioRequest(scenario, reporter="MEX"))
            out[f"{run}_s"] = round(time.perf_counter() - t0, 2)
        head = result.aggregate()
        out.update(lines=int(head["lines"].iloc[0]), value_usd=float(head["value_usd"].iloc[0]),
                   duty_change=float(head["duty_change"].iloc[0]), engine=result.engine)
    print("RESULT " + json.dumps(out), flush=True)


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def _dir_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / f).stat().st_size
    return total


def measure(engine_name: str, warehouse: Path, env: dict[str, str], timeout: float,
            spill: Path) -> dict[str, Any]:
    """One child run: its JSON result plus peak tree RSS, peak spill and outcome."""
    cmd = [sys.executable, __file__, "--child", engine_name, str(warehouse)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    ps = psutil.Process(proc.pid)
    peak = peak_spill = 0
    start = time.perf_counter()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(ps))
        if engine_name == "duckdb":
            peak_spill = max(peak_spill, _dir_bytes(spill))
        if time.perf_counter() - start > timeout:
            for p in [*ps.children(recursive=True), ps]:
                p.kill()
            proc.wait()
            return {"outcome": f"timeout after {timeout:.0f} s", "peak_rss_gb": peak / 2**30}
        time.sleep(0.2)
    stdout, stderr = proc.communicate()
    found = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not found:
        tail = (stderr or stdout).strip().splitlines()[-3:]
        return {"outcome": f"failed (exit {proc.returncode}): {' | '.join(tail)}",
                "peak_rss_gb": peak / 2**30}
    res = json.loads(found[0].removeprefix("RESULT "))
    res.update(outcome="ok", peak_rss_gb=round(peak / 2**30, 2),
               peak_spill_gb=round(peak_spill / 2**30, 2))
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "WAREHOUSE"))
    ap.add_argument("--factors", default="1,10,100,500")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--out", type=Path, default=Path("/tmp/comexlab-bench-scale"))
    ap.add_argument("--duckdb-memory", default="4GB")
    ap.add_argument("--run-timeout", type=float, default=1800)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    from comexlab import bench_data

    args.out.mkdir(parents=True, exist_ok=True)
    real = args.out / "real.duckdb"
    if not real.exists():
        _build_real(real)
    spill = args.out / "duckdb-spill"
    env = dict(os.environ)
    env.setdefault("PYSPARK_SUBMIT_ARGS", "--master local[2] --driver-memory 4g "
                   "--conf spark.sql.shuffle.partitions=8 --conf spark.ui.enabled=false "
                   "--conf spark.ui.showConsoleProgress=false pyspark-shell")
    env.update(COMEXLAB_DUCKDB_MEMORY_LIMIT=args.duckdb_memory,
               COMEXLAB_DUCKDB_TEMP_DIR=str(spill))
    engines = args.engines.split(",")
    stopped: dict[str, str] = {}
    rows_out = []
    for factor in (int(f) for f in args.factors.split(",")):
        wh = args.out / f"synthetic_x{factor}.duckdb"
        if wh.exists():
            wh.unlink()
        t0 = time.perf_counter()
        n = bench_data.generate(real, wh, factor)
        gen_s = time.perf_counter() - t0
        row: dict[str, Any] = {"factor": factor, "rows": n, "generate_s": round(gen_s, 1),
                               "warehouse_gb": round(wh.stat().st_size / 2**30, 2)}
        print(f"x{factor}: {n:,} synthetic rows in {gen_s:.1f} s", flush=True)
        for name in engines:
            if name in stopped:
                row[name] = {"outcome": f"not run (stopped at {stopped[name]})"}
                continue
            shutil.rmtree(spill, ignore_errors=True)
            res = measure(name, wh, env, args.run_timeout, spill)
            row[name] = res
            print(f"  {name}: {json.dumps(res)}", flush=True)
            if res["outcome"] != "ok":
                stopped[name] = f"x{factor}"
        rows_out.append(row)
        (args.out / "results.json").write_text(json.dumps(rows_out, indent=1))
        if factor >= 100:
            wh.unlink()  # GBs: keep the disk for the next factor
    _print_table(rows_out)
    return 0


def _print_table(rows: list[dict[str, Any]]) -> None:
    base = rows[0].get("duckdb", {}).get("warm_s") if rows else None
    print("\n| factor | rows | engine | cold s | warm s | × DuckDB 1× warm | peak RSS GB "
          "| spill GB | outcome |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        for name in ("duckdb", "spark"):
            res = r.get(name)
            if res is None:
                continue
            warm = res.get("warm_s")
            ratio = f"{warm / base:.1f}" if warm and base else ""
            print(f"| {r['factor']}× | {r['rows']:,} | {name} | {res.get('cold_s', '')} | "
                  f"{warm or ''} | {ratio} | {res.get('peak_rss_gb', '')} | "
                  f"{res.get('peak_spill_gb', '')} | {res['outcome']} |")


if __name__ == "__main__":
    sys.exit(main())
