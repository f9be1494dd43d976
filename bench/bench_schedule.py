"""Bench: the B2B meeting scheduler on a 1,000-person fair (issue 15's size).

Usage:  PYTHONPATH=src python bench/bench_schedule.py [--seeds 1 2 3] [--time-limit 10]

The fair is synthetic and reproducible (``comexlab.matching.synthetic.random_fair``: 1,000
participants, 10,000 directed requests, 16 slots, 100 tables). Each measured part runs in its
own subprocess so that its peak RSS is its own:

* import   — baseline: Python with the scheduler imported and the fair generated (no solving).
* greedy   — heaviest pair first into the first slot both are free in (the baseline the
             solver reports).
* arrival  — first come, first served: pairs in the order their first request arrived, each
             into the first free slot (what matchmaking platforms do).
* solve    — comexlab: LP bound (HiGHS), min-conflicts placement of the LP's pairs, exact
             MILP repair of the people left out (see ``schedule.solve``).
* late     — after ``solve``: 10 scheduled meetings cancelled and 20 new requests, then
             ``reschedule`` (only the re-scheduling is timed); moved/dropped meetings counted.

``--tables 400`` gives a fair where tables no longer bind (the LP is then fractional).

Figures are printed as JSON lines and as ratios to greedy in the same run (the machine is
shared, absolute seconds are noisy).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _late(fair, first, seed: int):  # type: ignore[no-untyped-def]
    """The fair after 10 cancellations and 20 new requests (reproducible)."""
    import random

    from comexlab.matching.schedule import Fair, Request

    rng = random.Random(seed)
    gone = {frozenset((m.a, m.b)) for m in rng.sample(first.meetings, 10)}
    kept = [r for r in fair.requests if frozenset((r.source, r.target)) not in gone]
    have = {(r.source, r.target) for r in kept}
    ids = [p.id for p in fair.participants]
    target = len(kept) + 20
    while len(kept) < target:
        a, b = rng.sample(ids, 2)
        if (a, b) not in have and (b, a) not in have and frozenset((a, b)) not in gone:
            have.add((a, b))
            kept.append(Request(a, b, 5))
    return Fair(fair.participants, tuple(kept), fair.slots, fair.tables)


def _part(part: str, seed: int, time_limit: float, tables: int) -> dict:
    import dataclasses

    from comexlab.matching import schedule
    from comexlab.matching.synthetic import random_fair

    fair = dataclasses.replace(random_fair(seed), tables=tables)
    if part == "late":
        first = schedule.solve(fair, time_limit=time_limit)
        fair = _late(fair, first, seed)
        started = time.perf_counter()
    else:
        started = time.perf_counter()
    out: dict = {"part": part, "seed": seed, "requests": len(fair.requests)}
    if part in ("greedy", "arrival"):
        meetings = schedule.greedy(fair, by_weight=part == "greedy")
        out |= {"total": sum(m.weight for m in meetings), "meetings": len(meetings)}
    elif part == "solve":
        result = schedule.solve(fair, time_limit=time_limit)
        assert not schedule.violations(fair, result.meetings)
        out |= {"total": result.total_priority, "meetings": len(result.meetings),
                "lp_bound": result.lp_bound, "gap": result.gap, "status": result.status,
                "proven_optimal": result.proven_optimal, "greedy_total": result.greedy_total,
                "pairs": result.requested_pairs, "modelled_pairs": result.modelled_pairs}
    elif part == "late":
        result = schedule.reschedule(fair, first.meetings, time_limit=time_limit)
        assert not schedule.violations(fair, result.meetings)
        out |= {"total": result.total_priority, "before": first.total_priority,
                "lp_bound": result.lp_bound, "gap": result.gap, "status": result.status,
                "moved": result.moved, "dropped": result.dropped,
                "kept": len(result.kept), "meetings": len(result.meetings)}
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--tables", type=int, default=100)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(_part(args.part, args.seeds[0], args.time_limit, args.tables)))
        return 0
    for seed in args.seeds:
        rows = {}
        for part in ("import", "arrival", "greedy", "solve", "late"):
            done = subprocess.run([sys.executable, __file__, "--part", part, "--seeds",
                                   str(seed), "--time-limit", str(args.time_limit),
                                   "--tables", str(args.tables)],
                                  check=True, capture_output=True, text=True)
            rows[part] = json.loads(done.stdout)
            print(done.stdout.strip(), flush=True)
        g, s, a = rows["greedy"], rows["solve"], rows["arrival"]
        print(f"seed {seed}: solve {s['seconds']:.2f} s = {s['seconds'] / g['seconds']:.0f}× "
              f"greedy ({g['seconds']:.2f} s); peak RSS {s['peak_rss_mb']:.0f} MB vs "
              f"{rows['import']['peak_rss_mb']:.0f} MB baseline, greedy "
              f"{g['peak_rss_mb']:.0f} MB; total {s['total']} vs greedy {g['total']} "
              f"(+{(s['total'] - g['total']) / g['total']:.3%}); LP bound {s['lp_bound']:.0f}, "
              f"gap {s['gap']:.3%}, {s['status']}, proven optimal {s['proven_optimal']}; "
              f"first-come total {a['total']} ({(s['total'] - a['total']) / a['total']:+.1%})")
        late = rows["late"]
        print(f"seed {seed} late change: {late['seconds']:.2f} s, moved {late['moved']}, "
              f"dropped {late['dropped']}, kept {late['kept']} of {late['meetings']}, total "
              f"{late['before']} → {late['total']}, gap {late['gap']:.3%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
