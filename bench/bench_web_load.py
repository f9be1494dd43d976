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
server's peak RSS.

Two load generators, because the machine has 2 CPUs and the generator shares them with the
server: ``httpx`` (50 asyncio clients in Python: it costs about as much CPU per request as the
server, so it measures the pair) and ``wrk`` (Debian's ``wrk``, C, one thread, 50 keep-alive
connections, a Lua script rotating the same six pages with the session cookie and
``Accept-Encoding: gzip`` like a browser). Each generator's figures are also given as ratios to
its own baseline in the same run. Usage:
``python bench/bench_web_load.py [--requests 3000] [--seconds 60] [--generators httpx,wrk]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
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
    from comexlab.registry.db import make_engine, transaction
    from comexlab.registry.schema import ensure_registry_schema
    from comexlab.registry.users import create_user
    from comexlab.services import demo
    from comexlab.settings import Settings

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


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
bad = 0  -- a global: done() reads it from the thread
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Accept-Encoding"] = "gzip"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  for _, t in ipairs(threads) do errors = errors + t:get("bad") end
  io.write(string.format("WRK %%d %%d %%.6f %%.3f %%.3f %%.3f\\n", summary.requests, errors,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def wrk(url: str, cookies: httpx.Cookies, paths: list[str], seconds: float
        ) -> tuple[int, int, float, float, float, float]:
    """(requests, errors (non-200 or socket), wall s, p50, p95, p99 ms) from one wrk run."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    script = WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths), "cookie": cookie}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{CLIENTS}", f"-d{max(1, int(seconds))}s",
                              "--timeout", "30s", "-s", f.name, url],
                             capture_output=True, text=True, check=False)
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        raise SystemExit(f"wrk failed: {out.stderr.strip() or out.stdout.strip()}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRK "))
    n, errors, wall, p50, p95, p99 = line.split()[1:]
    return int(n), int(errors), float(wall), float(p50), float(p95), float(p99)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (Linux /proc), to price a request in CPU.

    Why: on a shared 2-CPU machine wall-clock latency depends on what else runs; the server's
    CPU time per request does not, so it is reported next to the latencies.
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def run_case(name: str, env: dict[str, str], ttl: float, paths: list[str], total: int,
             seconds: float, think: float = 0.0, generator: str = "httpx") -> dict[str, float]:
    proc, url = start(env, ttl)
    try:
        cookies = login(url)
        asyncio.run(hammer(url, cookies, paths, min(200, total), seconds))  # warm-up
        cpu0 = cpu_seconds(proc.pid)
        if generator == "wrk":
            n, errors, wall, p50, p95, p99 = wrk(url, cookies, paths, seconds)
        else:
            lat, errors, wall = asyncio.run(hammer(url, cookies, paths, total, seconds, think))
            n, p50, p95, p99 = len(lat), pct(lat, 50), pct(lat, 95), pct(lat, 99)
        cpu_ms = (cpu_seconds(proc.pid) - cpu0) * 1000 / max(n, 1)
    finally:
        peak = stop(proc)
    row = {"requests": n, "errors": errors, "wall_s": wall, "rps": n / wall,
           "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "peak_rss_mb": peak,
           "cpu_ms": cpu_ms}
    print(f"{name:<34} {row['requests']:>6} req  {row['errors']:>3} err  "
          f"{row['rps']:>7.1f} req/s  p50 {row['p50_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms"
          f"  p99 {row['p99_ms']:>7.1f} ms  server CPU {cpu_ms:>5.2f} ms/req"
          f"  peak RSS {peak:.0f} MB", flush=True)
    return row


def ratios(label: str, base: dict[str, float], cached: dict[str, float],
           cold: dict[str, float]) -> None:
    print(f"p95 ratio dashboard/baseline, {label}: cache on "
          f"{cached['p95_ms'] / base['p95_ms']:.2f}x, cache off "
          f"{cold['p95_ms'] / base['p95_ms']:.2f}x; throughput ratio cache on "
          f"{cached['rps'] / base['rps']:.2f}x", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    ap.add_argument("--generators", default="httpx,wrk",
                    help="comma-separated: httpx (Python asyncio), wrk (Debian wrk)")
    ap.add_argument("--wrk-seconds", type=float, default=20.0)
    args = ap.parse_args()
    generators = [g.strip() for g in args.generators.split(",") if g.strip()]
    if "wrk" in generators and shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk (or --generators httpx)")
    dash = [f"/dashboard?reporter={r}&start={s}&end={e}" for r, s, e in CHOICES]
    csrf = ["/api/auth/csrf"]
    with tempfile.TemporaryDirectory(prefix="comexlab-bench-") as folder:
        env = prepare(Path(folder))
        print(f"{CLIENTS} concurrent clients, loopback, {os.cpu_count()} CPUs", flush=True)
        if "wrk" in generators:
            print("-- wrk (C, 1 thread), no think time", flush=True)
            w = [run_case(f"{name} [wrk]", env, ttl, paths, args.requests, args.wrk_seconds,
                          generator="wrk")
                 for name, ttl, paths in [("baseline /api/auth/csrf", 300, csrf),
                                          ("dashboard (cache on)", 300, dash),
                                          ("dashboard (cache off)", 0, dash)]]
            ratios("wrk, no think time", *w)
        if "httpx" in generators:
            print("-- httpx (Python asyncio), no think time", flush=True)
            base = run_case("baseline /api/auth/csrf", env, 300, csrf, args.requests,
                            args.seconds)
            cached = run_case("dashboard (cache on)", env, 300, dash, args.requests,
                              args.seconds)
            cold = run_case("dashboard (cache off)", env, 0, dash, args.requests // 3,
                            args.seconds)
            print(f"-- httpx with {args.think:g} s mean think time per client (analysts reading)")
            base_t = run_case("baseline /api/auth/csrf, think", env, 300, csrf, args.requests,
                              args.seconds, args.think)
            cached_t = run_case("dashboard (cache on), think", env, 300, dash, args.requests,
                                args.seconds, args.think)
            cold_t = run_case("dashboard (cache off), think", env, 0, dash, args.requests,
                              args.seconds, args.think)
            ratios("httpx, no think time", base, cached, cold)
            ratios("httpx, think time", base_t, cached_t, cold_t)
    print("Goal: dashboard p95 < 200 ms at 50 concurrent clients, 0 errors")


if __name__ == "__main__":
    main()
