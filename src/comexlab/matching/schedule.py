"""An optimal B2B meeting scheduler: who meets whom, in which slot, at which table.

Platforms such as b2match place requests greedily (first free slot). Here the schedule is an
integer programme solved by HiGHS (branch and cut, through ``scipy.optimize.milp``):

* ``x[pair, slot]`` is 1 when the pair meets in that slot (only slots both are available in);
* a pair meets at most once; nobody is in two meetings of one slot; at most ``tables``
  meetings per slot;
* maximise the sum of pair weights, a pair's weight being the sum of the priorities of both
  directions (a mutual request weighs more than a one-sided one).

The *bound* comes from the LP relaxation of the selection problem (HiGHS through SciPy): pick
pairs ``y ∈ [0, 1]`` so that nobody has more meetings than available slots and no more
meetings than the tables of all slots allow. Every schedule is feasible for it, so its optimum
bounds every schedule; the gap ``(bound − total) / bound`` is a proof of quality, not an
estimate. When the whole model is solved, HiGHS' own (tighter) bound is used as well.

Large fairs are decomposed (see :func:`solve`): the pairs the LP uses are placed into slots
by a min-conflicts search (if all of them fit, the total equals the bound: optimal); what is
left is repaired by exact MILPs over the people concerned. The bound is still over all pairs,
so the gap stays honest. (CP-SAT was tried first: on the 1,000-person benchmark it did not
improve on greedy in 10 s.)

Late changes (a cancellation, a new request) are handled lexicographically: first the best
total, then, among schedules with that total, the fewest previous meetings moved or dropped.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix, vstack


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone at the fair; ``available`` are the slot numbers (1-based) they can meet in."""

    id: str
    name: str
    available: frozenset[int]


@dataclass(frozen=True, slots=True)
class Request:
    """``source`` asks to meet ``target`` with a positive ``priority`` (higher = wanted more)."""

    source: str
    target: str
    priority: int


@dataclass(frozen=True, slots=True)
class Fair:
    """A B2B round: participants, their requests, ``slots`` time slots and ``tables`` tables."""

    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    slots: int
    tables: int


@dataclass(frozen=True, slots=True, order=True)
class Meeting:
    """One scheduled meeting; ``a`` < ``b`` so a pair is written one way only."""

    slot: int
    table: int
    a: str
    b: str
    weight: int


@dataclass(frozen=True, slots=True)
class Pair:
    """Two participants to be put together, with the summed priority of both directions."""

    a: str
    b: str
    weight: int
    slots: tuple[int, ...]  # slots both are available in


@dataclass(frozen=True, slots=True)
class Schedule:
    """A schedule with its proof of quality.

    ``lp_bound`` is an upper bound on any schedule's total (see the module docstring);
    ``gap`` = (lp_bound − total) / lp_bound (0 when the bound is 0); ``proven_optimal`` is
    True when the solver proved the total optimal or the total reaches the bound rounded
    down (weights are integers, so no schedule can exceed it). ``moved`` and
    ``dropped`` count previous meetings put in another slot or left out (re-scheduling only).
    """

    meetings: tuple[Meeting, ...]
    total_priority: int
    lp_bound: float
    gap: float
    proven_optimal: bool
    status: str
    greedy_total: int
    requested_pairs: int
    modelled_pairs: int  # pairs in the (last) MILP
    seconds: float
    moved: int | None = None
    dropped: int | None = None
    kept: tuple[Meeting, ...] = field(default=())


def pairs_of(fair: Fair) -> tuple[Pair, ...]:
    """Requests merged into unordered pairs (weights summed), heaviest first, ties by name.

    Pairs with no common available slot cannot meet and are left out (they still count as
    requested in :class:`Schedule`). Raises ValueError on self-requests, unknown ids or a
    direction given twice: readers refuse those with the file and row, this is the backstop.
    """
    avail = {p.id: p.available for p in fair.participants}
    seen: set[tuple[str, str]] = set()
    weight: dict[tuple[str, str], int] = defaultdict(int)
    for r in fair.requests:
        if r.source == r.target or r.source not in avail or r.target not in avail:
            raise ValueError(f"bad request {r.source}->{r.target}")
        if (r.source, r.target) in seen or r.priority <= 0:
            raise ValueError(f"duplicate or non-positive request {r.source}->{r.target}")
        seen.add((r.source, r.target))
        weight[(min(r.source, r.target), max(r.source, r.target))] += r.priority
    out = []
    for (a, b), w in weight.items():
        common = tuple(sorted(s for s in avail[a] & avail[b] if 1 <= s <= fair.slots))
        if common:
            out.append(Pair(a, b, w, common))
    return tuple(sorted(out, key=lambda p: (-p.weight, p.a, p.b)))


def _requested(fair: Fair) -> int:
    return len({(min(r.source, r.target), max(r.source, r.target)) for r in fair.requests})


# -- greedy baseline ------------------------------------------------------------------------

def greedy(fair: Fair, *, by_weight: bool = True) -> tuple[Meeting, ...]:
    """The platforms' way: each pair into the first slot where both are free.

    ``by_weight`` takes the heaviest pair first (the baseline reported next to the solver);
    otherwise pairs go in the order their first request arrived (first come, first served).
    """
    pairs = pairs_of(fair)
    if not by_weight:
        arrival: dict[tuple[str, str], int] = {}
        for i, r in enumerate(fair.requests):
            arrival.setdefault((min(r.source, r.target), max(r.source, r.target)), i)
        pairs = tuple(sorted(pairs, key=lambda p: arrival[(p.a, p.b)]))
    return first_free(fair, pairs)


def first_free(fair: Fair, pairs: Iterable[Pair],
               fixed: Iterable[Meeting] = ()) -> tuple[Meeting, ...]:
    """``fixed`` meetings kept (with their tables), then each pair in the first free slot."""
    busy: set[tuple[str, int]] = set()
    tables: dict[int, set[int]] = defaultdict(set)
    meetings = list(fixed)
    done: set[tuple[str, str]] = set()
    for m in meetings:
        tables[m.slot].add(m.table)
        busy.update({(m.a, m.slot), (m.b, m.slot)})
        done.add((m.a, m.b))
    for p in pairs:
        if (p.a, p.b) in done:
            continue
        for s in p.slots:
            if len(tables[s]) < fair.tables and (p.a, s) not in busy and (p.b, s) not in busy:
                table = next(t for t in range(1, fair.tables + 1) if t not in tables[s])
                tables[s].add(table)
                busy.update({(p.a, s), (p.b, s)})
                meetings.append(Meeting(s, table, p.a, p.b, p.weight))
                break
    return tuple(sorted(meetings))


# -- the bound ------------------------------------------------------------------------------

def slot_capacity(fair: Fair) -> int:
    """Most meetings the fair can hold: per slot, the tables or half the people available."""
    present = [0] * (fair.slots + 1)
    for p in fair.participants:
        for s in p.available:
            if 1 <= s <= fair.slots:
                present[s] += 1
    return sum(min(fair.tables, present[s] // 2) for s in range(1, fair.slots + 1))


def lp_bound(fair: Fair, pairs: Sequence[Pair]) -> tuple[float, np.ndarray]:
    """LP relaxation of the selection problem: its optimum and the pair values ``y``.

    max Σ w·y  s.t.  Σ_{pairs of i} y ≤ |slots i is available in| for each participant i,
    Σ y ≤ slot_capacity, 0 ≤ y ≤ 1. A schedule's pairs satisfy all of these.
    """
    if not pairs:
        return 0.0, np.zeros(0)
    index = {p.id: i for i, p in enumerate(fair.participants)}
    n = len(pairs)
    cols = np.repeat(np.arange(n), 2)
    rows = np.array([index[x] for p in pairs for x in (p.a, p.b)])
    people = len(index)
    matrix = csr_matrix((np.ones(2 * n), (rows, cols)), shape=(people, n))
    limits = np.array([len([s for s in p.available if 1 <= s <= fair.slots])
                       for p in fair.participants], dtype=float)
    a_ub = csr_matrix(np.ones((1, n)))
    result = linprog(-np.array([p.weight for p in pairs], dtype=float),
                     A_ub=vstack([matrix, a_ub]).tocsr(),
                     b_ub=np.append(limits, slot_capacity(fair)),
                     bounds=(0, 1), method="highs")
    if result.status != 0:  # cannot happen: y = 0 is feasible and the LP is bounded
        raise RuntimeError(f"LP bound failed: {result.message}")
    return float(-result.fun), np.asarray(result.x)


# -- placing a chosen set of pairs ----------------------------------------------------------

def place(fair: Fair, pairs: Sequence[Pair], *, seed: int = 0, steps_per_pair: int = 20,
          stall: int = 20_000, deadline: float | None = None) -> dict[int, int]:
    """Slots for as many of ``pairs`` as a min-conflicts search can fit: {pair index: slot}.

    When the LP bound picks exactly the pairs to meet, the only question left is whether
    they fit: each slot a matching of at most ``tables`` meetings, within availability (list
    edge colouring with capacities). Pairs go most-constrained first into the least loaded
    slot; one that does not fit takes the slot where it clashes least and the meetings it
    displaces look for another slot (a tabu list stops ping-pong). The best state seen is
    returned after ``steps_per_pair`` steps per pair, ``stall`` steps without progress, or at
    ``deadline`` (``time.perf_counter`` value; a safety net, the step limits come first on
    the benchmark, so results are deterministic for a seed there). Not a proof of
    infeasibility: callers fall back to the MILP when something is left over.
    """
    rng = random.Random(seed)
    slot_of: dict[int, int] = {}
    occupant: dict[tuple[str, int], int] = {}
    members: dict[int, set[int]] = defaultdict(set)
    tabu: dict[tuple[int, int], int] = {}

    def free(k: int, s: int) -> bool:
        return (len(members[s]) < fair.tables and (pairs[k].a, s) not in occupant
                and (pairs[k].b, s) not in occupant)

    def put(k: int, s: int) -> None:
        slot_of[k] = s
        members[s].add(k)
        occupant[(pairs[k].a, s)] = occupant[(pairs[k].b, s)] = k

    def take(k: int) -> int:
        s = slot_of.pop(k)
        members[s].discard(k)
        del occupant[(pairs[k].a, s)], occupant[(pairs[k].b, s)]
        return s

    def direct(k: int, avoid: int = 0) -> bool:
        options = [s for s in pairs[k].slots if s != avoid and free(k, s)]
        if options:
            put(k, min(options, key=lambda s: (len(members[s]), s)))
        return bool(options)

    waiting = deque(k for k in sorted(range(len(pairs)), key=lambda k: len(pairs[k].slots))
                    if not direct(k))
    best, best_step = dict(slot_of), 0
    for step in range(steps_per_pair * len(pairs)):
        if len(slot_of) > len(best):
            best, best_step = dict(slot_of), step
        if not waiting or step - best_step > stall or (
                deadline is not None and step % 256 == 0 and time.perf_counter() > deadline):
            break
        k = waiting.popleft()
        if direct(k):
            continue
        open_slots = [s for s in pairs[k].slots if tabu.get((k, s), -1) < step] \
            or list(pairs[k].slots)
        s = min(open_slots, key=lambda s: (_clashes(occupant, members, pairs[k], s,
                                                    fair.tables), rng.random()))
        out = {occupant[(w, s)] for w in (pairs[k].a, pairs[k].b) if (w, s) in occupant}
        if len(members[s]) - len(out) >= fair.tables:  # the slot is full: one more must go
            out.add(rng.choice(sorted(members[s] - out)))
        for e in out:
            take(e)
            tabu[(e, s)] = step + rng.randint(5, 15)
        put(k, s)
        waiting.extend(e for e in sorted(out) if not direct(e, avoid=s))
    return slot_of if len(slot_of) >= len(best) else best


def _clashes(occupant: Mapping[tuple[str, int], int], members: Mapping[int, set[int]],
             pair: Pair, s: int, tables: int) -> int:
    """Meetings that must leave slot ``s`` for ``pair`` to meet there."""
    out = {occupant[(w, s)] for w in (pair.a, pair.b) if (w, s) in occupant}
    return len(out) + (1 if len(members[s]) - len(out) >= tables else 0)


# -- the exact model ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Model:
    keys: tuple[tuple[int, int], ...]  # (pair index, slot) of each column
    matrix: csr_matrix
    upper: np.ndarray


def _build(pairs: Sequence[Pair], capacity: Sequence[int]) -> _Model:
    """Rows: one per pair (meets at most once), per person and slot, per slot (tables).

    ``capacity[s - 1]`` is the number of tables free in slot ``s``.
    """
    keys = tuple((k, s) for k, p in enumerate(pairs) for s in p.slots)
    person_slot: dict[tuple[str, int], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    n_pairs = len(pairs)
    for j, (k, s) in enumerate(keys):
        rows.append(k)
        cols.append(j)
        for who in (pairs[k].a, pairs[k].b):
            rows.append(n_pairs + person_slot.setdefault((who, s), len(person_slot)))
            cols.append(j)
    first_slot_row = n_pairs + len(person_slot)
    rows += [first_slot_row + s - 1 for _, s in keys]
    cols += range(len(keys))
    shape = (first_slot_row + len(capacity), len(keys))
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=shape).tocsr()
    upper = np.concatenate([np.ones(first_slot_row), np.asarray(capacity, dtype=float)])
    return _Model(keys, matrix, upper)


@dataclass(frozen=True, slots=True)
class _Solved:
    chosen: tuple[tuple[int, int], ...]
    status: str  # "optimal", "time_limit", "no_solution"; "greedy" / "placed" (no MILP)
    dual_bound: float | None  # HiGHS' proven bound on the model's objective


def _milp(built: _Model, gain: np.ndarray, time_limit: float) -> _Solved:
    """Maximise ``gain``·x over the model with HiGHS (branch and cut, LP bounds)."""
    if not len(gain):
        return _Solved((), "optimal", 0.0)
    result = milp(-gain, constraints=LinearConstraint(built.matrix, -np.inf, built.upper),
                  integrality=np.ones(len(gain)), bounds=Bounds(0, 1),
                  options={"time_limit": time_limit, "disp": False})
    if result.x is None:
        return _Solved((), "no_solution", None)
    chosen = tuple(key for key, v in zip(built.keys, result.x, strict=True) if v > 0.5)
    bound = getattr(result, "mip_dual_bound", None)
    return _Solved(chosen, "optimal" if result.status == 0 else "time_limit",
                   None if bound is None else -float(bound))


def _with_tables(fair: Fair, chosen: Iterable[tuple[Pair, int]],
                 previous: Mapping[tuple[str, str, int], int] | None = None
                 ) -> tuple[Meeting, ...]:
    """Meetings with table numbers; a meeting kept in its slot keeps its table."""
    previous = previous or {}
    by_slot: dict[int, list[Pair]] = defaultdict(list)
    for p, s in chosen:
        by_slot[s].append(p)
    meetings = []
    for s, group in by_slot.items():
        taken = {previous[(p.a, p.b, s)] for p in group if (p.a, p.b, s) in previous}
        free = iter(t for t in range(1, fair.tables + 1) if t not in taken)
        for p in sorted(group, key=lambda p: (p.a, p.b)):
            table = previous.get((p.a, p.b, s)) or next(free)
            meetings.append(Meeting(s, table, p.a, p.b, p.weight))
    return tuple(sorted(meetings))


def _optimise(fair: Fair, pairs: Sequence[Pair], fixed: Sequence[Meeting],
              people: set[str] | None, old: Sequence[Meeting], time_limit: float,
              also: Collection[tuple[str, str]] = ()
              ) -> tuple[tuple[Meeting, ...], _Solved, int]:
    """``fixed`` kept as is, the best meetings of ``people`` (everyone if None) around them.

    Pairs in ``also`` are modelled too (meetings freed for the neighbourhood).

    The objective is (K + 1)·priority + [meeting kept from ``old``] with K = len(old): more
    priority always wins, ties go to the schedule that keeps more old meetings in place.
    Returns the meetings (fixed ones first keep their tables), the solver outcome and the
    number of pairs modelled.
    """
    fixed_pairs = {(m.a, m.b) for m in fixed}
    busy = {(w, m.slot) for m in fixed for w in (m.a, m.b)}
    capacity = [fair.tables] * fair.slots
    for m in fixed:
        capacity[m.slot - 1] -= 1
    free = []
    for p in pairs:
        if (p.a, p.b) in fixed_pairs or (people is not None and not {p.a, p.b} & people
                                          and (p.a, p.b) not in also):
            continue
        slots = tuple(s for s in p.slots if capacity[s - 1] > 0 and (p.a, s) not in busy
                      and (p.b, s) not in busy)
        if slots:
            free.append(Pair(p.a, p.b, p.weight, slots))
    built = _build(free, capacity)
    gain = _weights(free, built) * (len(old) + 1)
    was = {(m.a, m.b, m.slot) for m in old}
    gain += np.array([(free[k].a, free[k].b, s) in was for k, s in built.keys], dtype=float)
    solved = _milp(built, gain, time_limit)
    previous = {(m.a, m.b, m.slot): m.table for m in (*old, *fixed)}
    meetings = _with_tables(fair, [*((_pair_of(m), m.slot) for m in fixed),
                                   *((free[k], s) for k, s in solved.chosen)], previous)
    if solved.dual_bound is not None:  # back to priority units, plus what was fixed
        solved = _Solved(solved.chosen, solved.status,
                         solved.dual_bound / (len(old) + 1) + _total(fixed))
    return meetings, solved, len(free)


def _pair_of(m: Meeting) -> Pair:
    return Pair(m.a, m.b, m.weight, (m.slot,))


def _weights(pairs: Sequence[Pair], built: _Model) -> np.ndarray:
    return np.array([pairs[k].weight for k, _ in built.keys], dtype=float)


def _total(meetings: Iterable[Meeting]) -> int:
    return sum(m.weight for m in meetings)


# Beyond this many x[pair, slot] columns the whole model is not attempted (HiGHS may overrun
# its time limit while solving the root LP of a model much larger than 1,500 pairs × 16 slots).
MAX_COLUMNS = 24_000


@dataclass(frozen=True, slots=True)
class _Prepared:
    pairs: tuple[Pair, ...]
    support: tuple[Pair, ...]  # pairs the LP uses
    bound: float
    greedy: tuple[Meeting, ...]
    whole: bool  # small enough to model every pair at once
    started: float


def _prepare(fair: Fair, full_model_limit: int) -> _Prepared:
    started = time.perf_counter()
    pairs = pairs_of(fair)
    bound, y = lp_bound(fair, pairs)
    support = tuple(p for p, v in zip(pairs, y, strict=True) if v > 1e-6)
    whole = len(pairs) <= full_model_limit and sum(len(p.slots) for p in pairs) <= MAX_COLUMNS
    return _Prepared(pairs, support, bound, greedy(fair), whole, started)


def _result(fair: Fair, prep: _Prepared, meetings: tuple[Meeting, ...], solved: _Solved,
            modelled: int, **extra: object) -> Schedule:
    total = _total(meetings)
    bound = prep.bound
    if prep.whole and solved.dual_bound is not None:  # the whole model's bound is valid too
        bound = min(bound, solved.dual_bound)
    # totals are integers, so reaching the bound rounded down is a proof too
    proven = (solved.status == "optimal" and prep.whole) or total >= math.floor(bound + 1e-6)
    gap = 0.0 if bound <= 0 else max(0.0, (bound - total) / bound)
    return Schedule(meetings, total, bound, gap, proven, solved.status, _total(prep.greedy),
                    _requested(fair), modelled, time.perf_counter() - prep.started,
                    **extra)  # type: ignore[arg-type]


def _remaining(prep: _Prepared, time_limit: float) -> float:
    return max(0.1, time_limit - (time.perf_counter() - prep.started))


_PLACE_SHARE = 0.3  # of the time limit, at most, for the min-conflicts placement


def _missing_people(prep: _Prepared, meetings: Iterable[Meeting]) -> set[str]:
    """People of the pairs the LP bound uses that the schedule leaves out."""
    have = {(m.a, m.b) for m in meetings}
    return {w for p in prep.support if (p.a, p.b) not in have for w in (p.a, p.b)}


def solve(fair: Fair, *, time_limit: float = 10.0, full_model_limit: int = 1500,
          gap_limit: float = 0.0) -> Schedule:
    """The best schedule found within ``time_limit`` seconds, with its gap to the LP bound.

    Fairs with up to ``full_model_limit`` requested pairs are modelled whole (HiGHS' optimal
    status is then a proof). Larger ones are decomposed: the pairs the LP bound uses are
    placed by :func:`place` and the rest filled first-free; if everything the LP chose fits,
    the total equals the bound (optimal). Otherwise the people whose LP pairs were left out
    and all their meetings are re-optimised exactly with everything else fixed (a large
    neighbourhood step), repeated while it helps, the gap exceeds ``gap_limit`` and time
    remains. Never worse than the greedy baseline. (A MILP over all 10,000 pairs did not
    find a first solution in 10 s, and HiGHS overran its time limit on 100k-column models.)
    """
    prep = _prepare(fair, full_model_limit)
    if prep.whole:
        meetings, solved, modelled = _optimise(fair, prep.pairs, (), None, (),
                                               _remaining(prep, time_limit))
        if _total(meetings) < _total(prep.greedy):  # time ran out before greedy's total
            meetings, solved = prep.greedy, _Solved((), "greedy", None)
        return _result(fair, prep, meetings, solved, modelled)
    placed = place(fair, prep.support, deadline=prep.started + time_limit * _PLACE_SHARE)
    best = first_free(fair, prep.pairs, _with_tables(
        fair, [(prep.support[k], s) for k, s in sorted(placed.items())]))
    solved, modelled = _Solved((), "placed", None), 0
    if _total(prep.greedy) > _total(best):
        best, solved = prep.greedy, _Solved((), "greedy", None)
    while (people := _missing_people(prep, best)) and time.perf_counter() - prep.started \
            < time_limit and math.floor(prep.bound + 1e-6) - _total(best) > gap_limit * prep.bound:
        fixed = [m for m in best if m.a not in people and m.b not in people]
        attempt, outcome, modelled = _optimise(fair, prep.pairs, fixed, people, (),
                                               _remaining(prep, time_limit))
        if _total(attempt) <= _total(best):
            break
        best, solved = attempt, _Solved((), f"neighbourhood {outcome.status}", None)
    return _result(fair, prep, best, solved, modelled)


# -- late changes ---------------------------------------------------------------------------

def reschedule(fair: Fair, previous: Sequence[Meeting], *, time_limit: float = 10.0,
               full_model_limit: int = 1500) -> Schedule:
    """Re-plan ``fair`` (after cancellations or new requests) disturbing ``previous`` least.

    Lexicographic, in one model: the objective is (K + 1)·total + kept, where K is the number
    of previous meetings, so one more unit of priority always outweighs keeping every old
    meeting; among schedules of the best total it keeps the most old meetings in their slot.
    On fairs above ``full_model_limit`` pairs this is done in a neighbourhood only (see
    :func:`_repair_late`): the gap to the bound says what that may cost.

    Previous meetings still requested but in another slot are ``moved``, left out
    ``dropped``; those whose pair is no longer requested (or can no longer meet) are cancelled
    and not counted. A kept meeting keeps its table.
    """
    prep = _prepare(fair, full_model_limit)
    current = {(p.a, p.b): p for p in prep.pairs}
    old = [m for m in previous if (m.a, m.b) in current and m.slot in current[(m.a, m.b)].slots]
    old = _consistent([dataclasses.replace(m, weight=current[(m.a, m.b)].weight)
                       for m in old], fair.tables)
    if prep.whole:
        meetings, solved, modelled = _optimise(fair, prep.pairs, (), None, old,
                                               _remaining(prep, time_limit))
    else:
        meetings, solved, modelled = _repair_late(fair, prep, old, time_limit)
    if _total(meetings) < _total(prep.greedy) and not old:
        meetings, solved = prep.greedy, _Solved((), "greedy", None)
    now = {(m.a, m.b): m.slot for m in meetings}
    still = [m for m in previous if (m.a, m.b) in current]
    moved = sum(1 for m in still if (m.a, m.b) in now and now[(m.a, m.b)] != m.slot)
    dropped = sum(1 for m in still if (m.a, m.b) not in now)
    was = {(m.a, m.b, m.slot) for m in old}
    kept = tuple(m for m in meetings if (m.a, m.b, m.slot) in was)
    return _result(fair, prep, meetings, solved, modelled, moved=moved, dropped=dropped,
                   kept=kept)


def _consistent(meetings: Iterable[Meeting], tables: int) -> list[Meeting]:
    """Old meetings that can still stand together (first ones win if the tables shrank)."""
    busy: set[tuple[str, int]] = set()
    used: set[tuple[int, int]] = set()
    out = []
    for m in sorted(meetings):
        if m.table <= tables and (m.slot, m.table) not in used \
                and (m.a, m.slot) not in busy and (m.b, m.slot) not in busy:
            out.append(m)
            used.add((m.slot, m.table))
            busy.update({(m.a, m.slot), (m.b, m.slot)})
    return out


_LIGHTEST = 100  # lightest meetings freed in a large fair's late-change neighbourhood
_WANTED = 50  # heaviest left-out pairs whose people are re-planned


def _repair_late(fair: Fair, prep: _Prepared, old: Sequence[Meeting], time_limit: float
                 ) -> tuple[tuple[Meeting, ...], _Solved, int]:
    """A large fair after a change: old meetings stay, freed places are filled, then a swap.

    First every surviving old meeting stays and the other pairs fill free places, heaviest
    first (no move). Then the heaviest pairs still left out that outweigh the lightest
    meeting (a new high-priority request, typically), their people's meetings and the
    lightest meetings are re-planned exactly with the lexicographic objective, everything
    else fixed; taken only if the total rises.
    """
    start = first_free(fair, prep.pairs, old)
    best, solved, modelled = start, _Solved((), "placed", None), 0
    if not start:
        return best, solved, modelled
    have = {(m.a, m.b) for m in start}
    lightest = sorted(start, key=lambda m: (m.weight, m.slot, m.a, m.b))[:_LIGHTEST]
    wanted = [p for p in prep.pairs if (p.a, p.b) not in have
              and p.weight > lightest[0].weight][:_WANTED]
    if not wanted:
        return best, solved, modelled
    people = {w for p in wanted for w in (p.a, p.b)}
    freed = {(m.a, m.b) for m in lightest}
    fixed = [m for m in start if (m.a, m.b) not in freed and not {m.a, m.b} & people]
    attempt, outcome, modelled = _optimise(fair, prep.pairs, fixed, people, old,
                                           _remaining(prep, time_limit),
                                           also=freed | {(p.a, p.b) for p in wanted})
    if _total(attempt) > _total(best):
        best, solved = attempt, _Solved((), f"neighbourhood {outcome.status}", None)
    return best, solved, modelled


# -- checks ---------------------------------------------------------------------------------

def violations(fair: Fair, meetings: Iterable[Meeting]) -> list[str]:
    """Every rule a schedule breaks (empty when valid): used by tests and as a final guard."""
    avail = {p.id: p.available for p in fair.participants}
    problems: list[str] = []
    seen_person: set[tuple[str, int]] = set()
    seen_table: set[tuple[int, int]] = set()
    seen_pair: set[tuple[str, str]] = set()
    for m in meetings:
        for who in (m.a, m.b):
            if m.slot not in avail.get(who, frozenset()):
                problems.append(f"{who} not available in slot {m.slot}")
            if (who, m.slot) in seen_person:
                problems.append(f"{who} double-booked in slot {m.slot}")
            seen_person.add((who, m.slot))
        if not 1 <= m.table <= fair.tables or (m.slot, m.table) in seen_table:
            problems.append(f"table {m.table} misused in slot {m.slot}")
        seen_table.add((m.slot, m.table))
        if (m.a, m.b) in seen_pair:
            problems.append(f"{m.a}-{m.b} meet twice")
        seen_pair.add((m.a, m.b))
    return problems
