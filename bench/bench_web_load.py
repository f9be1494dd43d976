"""Load test of the web app on loopback: dashboard p95 latency at 50 concurrent clients.

Builds a temp warehouse from the official files (HTS editions, flows) and a registry with one
analyst, starts ``uvicorn`` in a subprocess (one process, as ``comexlab web serve`` runs), logs
in once and shares the session cookie among 50 concurrent asyncio clients that request the
dashboard page for a rotation of six reporter/window choices, bounded in requests and time,
first back to back (saturation: no think time) and then with a think time per client (an
analyst reading the page before the next click).

Runs the dashboard twice (report cache on, as served; cache off, every request recomputes the
report on the DuckDB reader pool) and, as a baseline in the same run, a trivial endpoint
(``/api/auth/csrf``) at the same concurrency. Prints p50/p95/p99, throughput, errors and the
server's peak RSS. Usage: ``python bench/bench_web_load.py [--requests 3000] [--seconds 60]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CLIENTS = 50
PASSWORD = "bench lantern quarry 2048"  # passes the password policy
CHOICES = [("MX-GTO", "2018", "2018"), ("MX-JAL", "2018", "2018"), ("MX-GTO", "2016", "2018"),
           ("MX-NL", "2018", "2018"), ("MEX", "2026-01", "2026-02"), ("MX-QRO", "2017", "2017")]

SERVER = """
import os, resource, signal, sys
from comexlab.settings import Settings
from comexlab.web.app import create_app
import uvicorn
s = Settings()
app = create_app(s, dashboard_cache_ttl=float(os.environ["BENCH_CACHE_TTL"]))
def report(*_):
    print("PEAK_RSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, report)
uvicorn.run(app, host="127.0.0.1", port=int(os.environ["BENCH_PORT"]), log_level="warning",
            access_log=False)
"""


def prepare(root: Path) -> dict[str, str]:
    from comexlab.registry.db import ensure_registry_schema, make_engine, transaction
    from comexlab.registry.users import create_user
    from comexlab.settings import Settings
    from comexlab.web import demo

    env = {**os.environ, "COMEXLAB_WAREHOUSE": str(root / "wh.duckdb"),
           "COMEXLAB_REGISTRY_URL": f"sqlite:///{root / 'reg.sqlite'}",
           "COMEXLAB_SECRET_KEY": "bench-secret-" + "x" * 32, "PYTHONPATH": str(ROOT / "src")}
    settings = Settings(warehouse=root / "wh.duckdb", registry_url=env["COMEXLAB_REGISTRY_URL"])
    t0 = time.perf_counter()
    demo.load_hts(settings, lambda _m: None)
    demo.load_flows(settings, lambda _m: None)
    engine = make_engine(settings.registry_url)
    ensure_registry_schema(engine)
    with transaction(engine) as s:
        create_user(s, "analyst", PASSWORD, role="analyst")
    engine.dispose()
    print(f"data loaded in {time.perf_counter() - t0:.1f} s")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], ttl: float) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER], text=True, stdout=subprocess.PIPE,
                            env={**env, "BENCH_PORT": str(port), "BENCH_CACHE_TTL": str(ttl)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def stop(proc: subprocess.Popen[str]) -> float:
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    peak = [float(line.split()[1]) for line in out.splitlines() if line.startswith("PEAK_RSS_MB")]
    return peak[0] if peak else float("nan")


def login(url: str) -> httpx.Cookies:
    with httpx.Client(base_url=url) as c:
        token = c.get("/api/auth/csrf").json()["csrf_token"]
        r = c.post("/api/auth/login", json={"username": "analyst", "password": PASSWORD},
                   headers={"X-CSRF-Token": token})
        r.raise_for_status()
        return c.cookies


async def hammer(url: str, cookies: httpx.Cookies, paths: list[str], total: int,
                 seconds: float, think: float = 0.0) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            if time.monotonic() > stop_at:
                return
            t0 = time.perf_counter()
            r = await client.get(paths[i % len(paths)])
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 200:
                errors += 1
            if think:
                await asyncio.sleep(think * (0.5 + (i % 10) / 10))  # 0.5–1.4 × think, spread

    async with httpx.AsyncClient(base_url=url, cookies=cookies, limits=limits,
                                 timeout=30) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(CLIENTS)))
        wall = time.perf_counter() - t0
    return latencies, errors, wall


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def run_case(name: str, env: dict[str, str], ttl: float, paths: list[str], total: int,
             seconds: float, think: float = 0.0) -> dict[str, float]:
    proc, url = start(env, ttl)
    try:
        cookies = login(url)
        asyncio.run(hammer(url, cookies, paths, min(200, total), seconds))  # warm-up
        lat, errors, wall = asyncio.run(hammer(url, cookies, paths, total, seconds, think))
    finally:
        peak = stop(proc)
    row = {"requests": len(lat), "errors": errors, "wall_s": wall, "rps": len(lat) / wall,
           "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
           "peak_rss_mb": peak}
    print(f"{name:<34} {row['requests']:>6} req  {row['errors']:>3} err  "
          f"{row['rps']:>7.1f} req/s  p50 {row['p50_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms"
          f"  p99 {row['p99_ms']:>7.1f} ms  server peak RSS {peak:.0f} MB")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    args = ap.parse_args()
    dash = [f"/dashboard?reporter={r}&start={s}&end={e}" for r, s, e in CHOICES]
    with tempfile.TemporaryDirectory(prefix="comexlab-bench-") as folder:
        env = prepare(Path(folder))
        print(f"{CLIENTS} concurrent clients, loopback, {os.cpu_count()} CPUs")
        base = run_case("baseline /api/auth/csrf", env, 300, ["/api/auth/csrf"],
                        args.requests, args.seconds)
        cached = run_case("dashboard (cache on)", env, 300, dash, args.requests, args.seconds)
        cold = run_case("dashboard (cache off)", env, 0, dash, args.requests // 3,
                        args.seconds)
        print(f"-- the same with {args.think:g} s mean think time per client (analysts reading)")
        base_t = run_case("baseline /api/auth/csrf, think", env, 300, ["/api/auth/csrf"],
                          args.requests, args.seconds, args.think)
        cached_t = run_case("dashboard (cache on), think", env, 300, dash, args.requests,
                            args.seconds, args.think)
        cold_t = run_case("dashboard (cache off), think", env, 0, dash, args.requests,
                          args.seconds, args.think)
    print(f"p95 ratio dashboard/baseline, no think time: cache on "
          f"{cached['p95_ms'] / base['p95_ms']:.2f}x, cache off "
          f"{cold['p95_ms'] / base['p95_ms']:.2f}x; with think time: cache on "
          f"{cached_t['p95_ms'] / base_t['p95_ms']:.2f}x, cache off "
          f"{cold_t['p95_ms'] / base_t['p95_ms']:.2f}x. Goal: p95 < 200 ms, 0 errors")


if __name__ == "__main__":
    main()
