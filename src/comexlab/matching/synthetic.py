"""Reproducible synthetic fairs for the benchmark and the property tests (never real people).

Shaped like a B2B round exported by a matchmaking platform: a third of the participants are
buyers who receive most requests, most people are available all day, some only for a block
of slots (arriving late or leaving early) or with a few gaps; priorities 1–5, and a share of
requests answered by a request the other way (mutual interest).
"""

from __future__ import annotations

import random

from comexlab.matching.schedule import Fair, Participant, Request


def _availability(rng: random.Random, slots: int) -> frozenset[int]:
    roll = rng.random()
    every = set(range(1, slots + 1))
    if roll < 0.6:
        return frozenset(every)
    if roll < 0.85:  # a block: arrives late or leaves early
        length = rng.randint(max(1, slots // 3), slots)
        start = rng.randint(1, slots - length + 1)
        return frozenset(range(start, start + length))
    return frozenset(every - set(rng.sample(sorted(every), k=min(slots - 1, rng.randint(1, 4)))))


def random_fair(seed: int, participants: int = 1000, requests: int = 10_000, slots: int = 16,
                tables: int = 100, mutual_share: float = 0.2) -> Fair:
    """A fair of ``participants`` people and about ``requests`` distinct directed requests."""
    rng = random.Random(seed)
    people = tuple(Participant(f"P{i:04d}", f"Participant {i}", _availability(rng, slots))
                   for i in range(participants))
    ids = [p.id for p in people]
    buyers = ids[: max(1, participants // 3)]
    wanted: dict[tuple[str, str], int] = {}
    attempts = 0
    while len(wanted) < requests and attempts < 20 * requests:
        attempts += 1
        source = rng.choice(ids)
        target = rng.choice(buyers) if rng.random() < 0.7 else rng.choice(ids)
        if source == target or (source, target) in wanted:
            continue
        wanted[(source, target)] = rng.randint(1, 5)
        if rng.random() < mutual_share and len(wanted) < requests \
                and (target, source) not in wanted:
            wanted[(target, source)] = rng.randint(1, 5)
    reqs = tuple(Request(s, t, w) for (s, t), w in wanted.items())
    return Fair(people, reqs, slots, tables)
