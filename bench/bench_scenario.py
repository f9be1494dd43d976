"""Bench: the usmca-ends scenario over every 2025–2026 DataWeb MX+CA monthly line.

Usage:  PYTHONPATH=src python bench/bench_scenario.py [--warehouse W.duckdb]

Without --warehouse a throw-away warehouse is built first (HTS 2026r10, DataWeb, HTS→NAICS;
not timed). Each measured part runs in its own subprocess so that its peak RSS is its own:

* duckdb     — baseline: the same flow × rate join in SQL with ad valorem duties before/after
               summed by reporter (a bare DuckDB aggregate over the same rows, straight from
               the warehouse tables).
* engine     — comexlab end to end: DuckDB joins the flows to their rates (on the connection's
               cached, ENUM-typed input tables) and hands one Arrow table to the pure engine
               (AVEs, two tracks, exposure, neutralising cut, audit); aggregate by reporter.
* engine_cold — the same, first call on a fresh connection (builds the caches; one run).
* duckdb_zeros / engine_zeros — the same two on a warehouse that also holds the zero-value
               rows DataWeb lists (516 k rows; the loader skips them, so this bench-only
               warehouse inserts them from the raw files).
* duckdb_x10 / engine_x10 — the same two with the flows replicated 10× (periods relabelled).
* pure       — the pure engine + aggregate only, input already in memory.
* pandas     — a straightforward pandas implementation: fetch the joined rows, one
               ``DataFrame.apply`` per row for AVE/duties/cut, then groupby.
* scale10 / scale100 — the pure engine on the input replicated 10× / 100× (periods relabelled);
               100× is streamed in 10 chunks of 10× (aggregates are sums, so chunks add up).

Times are the best of 7 runs after one warm-up (pandas, engine_cold, scale10, scale100: one run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _scenario(con):  # type: ignore[no-untyped-def]
    from comexlab.services.scenarios import load_scenario

    s = load_scenario("usmca-ends", con)
    return dataclasses.replace(s, base=dataclasses.replace(s.base, years=(2025, 2026)))


def _best(fn: Callable[[], float], runs: int = 7, *, warm: bool = True) -> tuple[float, float]:
    if warm:
        fn()
    best, check = float("inf"), 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        check = fn()
        best = min(best, time.perf_counter() - t0)
    return best, check


def part_duckdb(con, s) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from comexlab.warehouse.scenario_lines import hts10_lines_sql

    sql, params = hts10_lines_sql(s, monthly=True)
    agg = f"""SELECT reporter, count(*) AS n, sum(value_usd) AS v,
                     sum(preference_value_usd * coalesce(pref_ad_valorem, mfn_ad_valorem)
                         + (value_usd - preference_value_usd) * mfn_ad_valorem) AS duty0,
                     sum(value_usd * mfn_ad_valorem) AS duty1
              FROM ({sql}) GROUP BY reporter"""

    def run() -> float:
        rows = con.execute(agg, params).fetchall()
        return float(sum(r[4] or 0 for r in rows))

    seconds, check = _best(run)
    n = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]
    return seconds, check, int(n)


def part_engine(con, s, *, cold: bool = False) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from comexlab.tariffs.engine import apply
    from comexlab.warehouse.scenario_lines import scenario_lines

    rows = 0

    def run() -> float:
        nonlocal rows
        lines, _ = scenario_lines(con, s, monthly=True)
        rows = len(lines)
        agg = apply(s, lines).aggregate(["reporter"])
        return float(agg["duty_after"].sum())

    seconds, check = _best(run, runs=1, warm=False) if cold else _best(run)
    return seconds, check, rows


def _input(con, s, scale: int = 1) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    from comexlab.warehouse.scenario_lines import scenario_lines

    table, _ = scenario_lines(con, s, monthly=True)
    lines = table.to_pandas()
    if scale == 1:
        return lines
    parts = []
    for k in range(scale):
        part = lines.copy()
        part["period"] = part["period"].astype(str) + f"#{k}"
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["period"] = out["period"].astype("category")
    return out


def part_pure(con, s, scale: int = 1) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from comexlab.tariffs.engine import apply

    lines = _input(con, s, scale)

    def run() -> float:
        return float(apply(s, lines).aggregate(["reporter"])["duty_after"].sum())

    seconds, check = _best(run, runs=7 if scale < 10 else 1)
    return seconds, check, len(lines)


def part_scale100(con, s) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from comexlab.tariffs.engine import apply

    chunk = _input(con, s, 10)
    t0 = time.perf_counter()
    total, rows = 0.0, 0
    for _ in range(10):
        total += float(apply(s, chunk).aggregate(["reporter"])["duty_after"].sum())
        rows += len(chunk)
    return time.perf_counter() - t0, total, rows


def part_pandas(con, s) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from comexlab.warehouse.scenario_lines import hts10_lines_sql

    sql, params = hts10_lines_sql(s, monthly=True)

    def ave(kind: object, adval: object) -> float:
        if kind == "free":
            return 0.0
        if kind in ("ad_valorem", "specific", "compound", "mixed"):
            return 0.0 if pd.isna(adval) else float(adval)  # type: ignore[arg-type]
        return float("nan")

    def row_fn(r: pd.Series) -> pd.Series:
        t_mfn = ave(r["mfn_kind"], r["mfn_ad_valorem"])
        t_pref = ave(r["pref_kind"], r["pref_ad_valorem"]) if r["pref_kind"] else t_mfn
        t_pref = min(t_pref, t_mfn)
        claimed = r["preference_value_usd"]
        rest = r["value_usd"] - claimed
        duty0 = claimed * t_pref + rest * t_mfn
        duty1 = r["value_usd"] * t_mfn
        exposed = claimed if t_mfn > t_pref else 0.0
        cut = (claimed * (t_mfn - t_pref) / (1 + t_mfn)) / r["value_usd"] if r["value_usd"] else 0
        return pd.Series({"duty0": duty0, "duty1": duty1, "exposed": exposed, "cut": cut})

    rows = 0

    def run() -> float:
        nonlocal rows
        df = con.execute(sql, params).df()
        rows = len(df)
        res = pd.concat([df[["reporter", "value_usd"]], df.apply(row_fn, axis=1)], axis=1)
        agg = res.groupby("reporter")[["value_usd", "duty0", "duty1", "exposed"]].sum()
        return float(agg["duty1"].sum())

    seconds, check = _best(run, runs=1, warm=False)
    return seconds, check, rows


PARTS: dict[str, Callable[..., tuple[float, float, int]]] = {
    "duckdb": part_duckdb, "engine": part_engine,
    "engine_cold": lambda con, s: part_engine(con, s, cold=True),
    "pure": part_pure, "pandas": part_pandas,
    "scale10": lambda con, s: part_pure(con, s, 10), "scale100": part_scale100,
    "duckdb_zeros": part_duckdb, "engine_zeros": part_engine,
    "duckdb_x10": part_duckdb, "engine_x10": part_engine,
}
VARIANT = {"zeros": "zeros", "x10": "x10"}  # part suffix -> warehouse variant


def child(part: str, warehouse: str) -> None:
    from comexlab.warehouse.db import connect

    con = connect(warehouse, read_only=True)
    s = _scenario(con)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds, check, rows = PARTS[part](con, s)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"part": part, "seconds": seconds, "check": check, "rows": rows,
                      "peak_rss_mb": rss, "rss_after_imports_mb": rss_before}))


def build_warehouse(path: Path) -> None:
    from comexlab.warehouse import flows, hts
    from comexlab.warehouse.db import connect

    con = connect(path)
    hts.load_edition(con, "2026r10")
    flows.load_source(con, "usitc_dataweb")
    flows.load_hts_naics(con)
    con.close()


def build_variant(base: Path, variant: str, path: Path) -> None:
    """Bench-only copies of the warehouse: with DataWeb's zero-value rows, or flows × 10."""
    import duckdb

    from comexlab.settings import get_settings

    con = duckdb.connect()
    con.execute(f"ATTACH '{base}' AS src (READ_ONLY)")
    con.execute(f"ATTACH '{path}' AS dst")
    con.execute("COPY FROM DATABASE src TO dst")
    con.execute("USE dst")
    if variant == "zeros":
        files = get_settings().data / "usitc_dataweb_us_imports_mx_ca"
        con.execute(rf"""
            INSERT INTO flow (source, reporter, reporter_level, reported_by, partner, flow,
                              period, year, month, product_code, classification,
                              product_level, value_usd, preference_value_usd,
                              preference_program)
            SELECT 'usitc_dataweb', CASE cty_code WHEN '2010' THEN 'MEX' ELSE 'CAN' END,
                   'country', 'USA', 'USA', 'export', y || '-' || m, CAST(y AS INTEGER),
                   CAST(m AS INTEGER), hts10, 'HTS', 'hts10', 0, 0, 'S'
            FROM (SELECT *, regexp_extract(filename, '_(\d{{4}})_\d{{2}}\.csv', 1) AS y,
                         regexp_extract(filename, '_\d{{4}}_(\d{{2}})\.csv', 1) AS m
                  FROM read_csv('{files}/usmca_product_shares_20*_*.csv.gz', filename = true,
                                types = {{'hts10': 'VARCHAR', 'cty_code': 'VARCHAR'}}))
            WHERE total_value = 0""")
    elif variant == "x10":
        con.execute("""
            INSERT INTO flow SELECT f.* REPLACE (f.period || '#' || r.k AS period)
            FROM flow f, range(1, 10) AS r(k)""")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse")
    parser.add_argument("--part")
    parser.add_argument("--build", choices=["base", *sorted(VARIANT.values())])
    args = parser.parse_args()
    if args.part:
        child(args.part, args.warehouse)
        return
    if args.build == "base":
        build_warehouse(Path(args.warehouse))
        return
    if args.build:
        target = Path(args.warehouse).with_suffix(f".{args.build}.duckdb")
        build_variant(Path(args.warehouse), args.build, target)
        return
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin",
           **{k: v for k, v in os.environ.items() if k.startswith("COMEXLAB_")}}
    tmp = None
    warehouse = args.warehouse
    if warehouse is None:
        tmp = tempfile.TemporaryDirectory()
        warehouse = str(Path(tmp.name) / "bench.duckdb")
        print("building warehouse (not timed)…", file=sys.stderr)
        subprocess.run([sys.executable, __file__, "--build", "base", "--warehouse", warehouse],
                       check=True, env=env)
    results = {}
    variants = {"": warehouse}
    for variant in VARIANT.values():
        variants[variant] = str(Path(warehouse).with_suffix(f".{variant}.duckdb"))
        if not Path(variants[variant]).exists():
            print(f"building {variant} warehouse (not timed)…", file=sys.stderr)
            # in a child process: Linux carries a parent's peak RSS into its children
            subprocess.run([sys.executable, __file__, "--build", variant, "--warehouse",
                            warehouse], check=True, env=env)
    for part in PARTS:
        where = variants[VARIANT.get(part.rsplit("_", 1)[-1], "")]
        out = subprocess.run([sys.executable, __file__, "--part", part, "--warehouse", where],
                             capture_output=True, text=True, check=True, env=env)
        results[part] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[part]
        print(f"{part:12s} rows {r['rows']:>11,}  {r['seconds']:8.3f} s  "
              f"peak RSS {r['peak_rss_mb']:7.0f} MB "
              f"(after imports {r['rss_after_imports_mb']:.0f})  "
              f"check {r['check'] / 1e9:,.3f} bn")
    base = results["duckdb"]["seconds"]
    print(f"engine / bare DuckDB aggregate      = {results['engine']['seconds'] / base:5.2f}x "
          "(goal <= 1.5x)")
    cold = results["engine_cold"]["seconds"] / base
    print(f"engine cold (builds caches) / DuckDB = {cold:5.2f}x")
    for v in VARIANT.values():
        ratio = results[f"engine_{v}"]["seconds"] / results[f"duckdb_{v}"]["seconds"]
        print(f"engine / DuckDB, {v:5s} warehouse    = {ratio:5.2f}x")
    print(f"pure engine / bare DuckDB aggregate = {results['pure']['seconds'] / base:5.2f}x")
    print(f"pandas row-wise / engine            = "
          f"{results['pandas']['seconds'] / results['engine']['seconds']:5.1f}x slower")
    one = results["pure"]["seconds"]
    print(f"growth: 10x rows -> {results['scale10']['seconds'] / one:5.1f}x time; "
          f"100x rows -> {results['scale100']['seconds'] / one:5.1f}x time")
    checks = np.array([results[p]["check"] for p in ("engine", "pure", "pandas")])
    print(f"agreement engine/pandas duty_after: {abs(checks[0] - checks[2]) / checks[0]:.2e}")
    if tmp is not None:
        tmp.cleanup()
    else:
        for variant in VARIANT.values():
            Path(variants[variant]).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
