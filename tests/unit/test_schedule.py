"""The meeting scheduler: hand-checked optima, the LP bound, late changes, random instances."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comexlab.matching.schedule import (
    Fair,
    Meeting,
    Participant,
    Request,
    greedy,
    lp_bound,
    pairs_of,
    place,
    reschedule,
    solve,
    violations,
)
from comexlab.matching.synthetic import random_fair


def _people(spec: dict[str, set[int]]) -> tuple[Participant, ...]:
    return tuple(Participant(k, k, frozenset(v)) for k, v in spec.items())


def _fair(avail: dict[str, set[int]], requests: list[tuple[str, str, int]], slots: int,
          tables: int) -> Fair:
    return Fair(_people(avail), tuple(Request(*r) for r in requests), slots, tables)


TRIANGLE = [("A", "B", 2), ("B", "A", 3), ("A", "C", 4), ("B", "C", 1)]


def test_mutual_requests_add_up() -> None:
    fair = _fair({k: {1} for k in "ABC"}, TRIANGLE, 1, 5)
    assert [(p.a, p.b, p.weight) for p in pairs_of(fair)] == [
        ("A", "B", 5), ("A", "C", 4), ("B", "C", 1)]


@pytest.mark.parametrize(("slots", "optimum"), [(1, 5), (2, 9), (3, 10)])
def test_triangle_by_hand(slots: int, optimum: int) -> None:
    # one slot: one meeting (everybody is in the triangle) → the mutual A–B (2+3);
    # two slots: A–B and A–C, B–C cannot fit (B busy in one slot, C in the other) → 9;
    # three slots: all three → 10
    fair = _fair({k: set(range(1, slots + 1)) for k in "ABC"}, TRIANGLE, slots, 5)
    result = solve(fair)
    assert result.total_priority == optimum
    assert result.proven_optimal and result.status == "optimal"
    assert violations(fair, result.meetings) == []


def test_greedy_is_beaten_when_availability_binds() -> None:
    # one table, two slots; A–B (5) can meet in either slot, C–D (4) only in slot 1.
    # Greedy puts A–B into slot 1 (first free) and loses C–D: 5. The optimum is 9.
    fair = _fair({"A": {1, 2}, "B": {1, 2}, "C": {1}, "D": {1}},
                 [("A", "B", 5), ("C", "D", 4)], 2, 1)
    assert sum(m.weight for m in greedy(fair)) == 5
    result = solve(fair)
    assert result.total_priority == 9 and result.greedy_total == 5
    assert {(m.slot, m.a, m.b) for m in result.meetings} == {(2, "A", "B"), (1, "C", "D")}


def test_tables_limit_meetings_per_slot() -> None:
    fair = _fair({k: {1} for k in "ABCD"}, [("A", "B", 3), ("C", "D", 2)], 1, 1)
    result = solve(fair)
    assert [(m.a, m.b, m.table) for m in result.meetings] == [("A", "B", 1)]


def test_lp_bound_by_hand() -> None:
    # four people, one slot, two tables: pairs A–B 5, A–C 4, C–D 1. Each person meets at most
    # once (1 slot); the LP picks A–B and C–D (y=1 each) = 6; the capacity row (2) is not
    # binding. A fractional y cannot do better: A–C would take A from A–B.
    fair = _fair({k: {1} for k in "ABCD"},
                 [("A", "B", 5), ("A", "C", 4), ("C", "D", 1)], 1, 2)
    bound, _ = lp_bound(fair, pairs_of(fair))
    assert bound == pytest.approx(6.0)
    assert solve(fair).total_priority == 6


def test_no_common_slot_cannot_meet() -> None:
    fair = _fair({"A": {1}, "B": {2}}, [("A", "B", 5)], 2, 1)
    result = solve(fair)
    assert result.meetings == () and result.requested_pairs == 1 and result.lp_bound == 0


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="bad request"):
        pairs_of(_fair({"A": {1}}, [("A", "A", 1)], 1, 1))
    with pytest.raises(ValueError, match="duplicate"):
        pairs_of(_fair({"A": {1}, "B": {1}}, [("A", "B", 1), ("A", "B", 2)], 1, 1))


# -- late changes ---------------------------------------------------------------------------

def test_new_request_moves_one_meeting_when_it_must() -> None:
    # A–B was in slot 1 at the only table; C–D (4) arrives and can only meet in slot 1:
    # the best total (9) needs A–B moved to slot 2 — exactly one move.
    avail = {"A": {1, 2}, "B": {1, 2}, "C": {1}, "D": {1}}
    before = [Meeting(1, 1, "A", "B", 5)]
    fair = _fair(avail, [("A", "B", 5), ("C", "D", 4)], 2, 1)
    result = reschedule(fair, before)
    assert result.total_priority == 9
    assert (result.moved, result.dropped) == (1, 0)


def test_new_request_moves_nothing_when_it_need_not() -> None:
    # two tables: C–D fits next to A–B; an equally good plan moving A–B exists but is not taken
    avail = {"A": {1, 2}, "B": {1, 2}, "C": {1, 2}, "D": {1, 2}}
    before = [Meeting(2, 2, "A", "B", 5)]
    fair = _fair(avail, [("A", "B", 5), ("C", "D", 4)], 2, 2)
    result = reschedule(fair, before)
    assert result.total_priority == 9 and (result.moved, result.dropped) == (0, 0)
    assert Meeting(2, 2, "A", "B", 5) in result.meetings  # same slot, same table


def test_cancellation_keeps_everything_else() -> None:
    fair = random_fair(3, participants=40, requests=160, slots=6, tables=6)
    first = solve(fair)
    gone = first.meetings[0]
    remaining = tuple(r for r in fair.requests
                      if {r.source, r.target} != {gone.a, gone.b})
    later = Fair(fair.participants, remaining, fair.slots, fair.tables)
    result = reschedule(later, first.meetings)
    assert violations(later, result.meetings) == []
    assert result.total_priority >= first.total_priority - gone.weight
    # the cancelled meeting is not counted as moved or dropped; the others all stay put
    # unless the freed slot lets a better schedule in (then the total is higher)
    if result.total_priority == first.total_priority - gone.weight:
        assert result.moved == 0 and result.dropped == 0


# -- random instances -----------------------------------------------------------------------

def _brute_force(fair: Fair) -> int:
    pairs = pairs_of(fair)
    best = 0
    for choice in itertools.product(*[(0, *p.slots) for p in pairs]):
        meetings = [Meeting(s, 1, p.a, p.b, p.weight) for p, s in zip(pairs, choice,
                                                                       strict=True) if s]
        per_slot = [sum(1 for m in meetings if m.slot == s) for s in range(1, fair.slots + 1)]
        people = [(w, m.slot) for m in meetings for w in (m.a, m.b)]
        if max(per_slot, default=0) <= fair.tables and len(people) == len(set(people)):
            best = max(best, sum(m.weight for m in meetings))
    return best


@st.composite
def small_fairs(draw: st.DrawFn) -> Fair:
    slots = draw(st.integers(1, 3))
    names = [f"P{i}" for i in range(draw(st.integers(2, 5)))]
    avail = {n: draw(st.sets(st.integers(1, slots), max_size=slots)) for n in names}
    directed = [(a, b) for a in names for b in names if a != b]
    chosen = draw(st.lists(st.sampled_from(directed), unique=True, max_size=7))
    requests = [(a, b, draw(st.integers(1, 5))) for a, b in chosen]
    return _fair(avail, requests, slots, draw(st.integers(1, 2)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_fairs())
def test_random_small_fairs_are_solved_exactly(fair: Fair) -> None:
    result = solve(fair)
    assert violations(fair, result.meetings) == []
    assert result.total_priority == _brute_force(fair)
    assert result.greedy_total <= result.total_priority <= result.lp_bound + 1e-6
    assert violations(fair, greedy(fair)) == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_decomposed_model_on_random_fairs(seed: int) -> None:
    # full_model_limit=0 forces the large-fair path (LP support, then candidate pairs)
    fair = random_fair(seed, participants=50, requests=250, slots=5, tables=6)
    result = solve(fair, full_model_limit=0, time_limit=5)
    assert result.status in ("placed", "greedy") or result.status.startswith("neighbourhood")
    assert violations(fair, result.meetings) == []
    assert result.greedy_total <= result.total_priority <= result.lp_bound + 1e-6
    assert result.modelled_pairs <= len(pairs_of(fair))


def test_violations_catches_each_rule() -> None:
    fair = _fair({"A": {1}, "B": {1}, "C": {1, 2}}, [("A", "B", 1)], 2, 1)
    bad = [Meeting(1, 1, "A", "B", 1), Meeting(1, 1, "A", "C", 1), Meeting(2, 1, "B", "C", 1),
           Meeting(2, 2, "A", "B", 1)]
    found = " | ".join(violations(fair, bad))
    for text in ("A double-booked in slot 1", "B not available in slot 2",
                 "table 1 misused in slot 1", "table 2 misused in slot 2", "A-B meet twice"):
        assert text in found


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_late_change_on_the_large_fair_path(seed: int) -> None:
    # full_model_limit=0: old meetings stay, freed places filled, one exact swap step
    fair = random_fair(seed, participants=50, requests=250, slots=5, tables=6)
    first = solve(fair, full_model_limit=0, time_limit=5)
    gone = {(m.a, m.b) for m in first.meetings[:3]}
    kept = [r for r in fair.requests
            if (min(r.source, r.target), max(r.source, r.target)) not in gone]
    if not any({r.source, r.target} == {"P0000", "P0001"} for r in fair.requests):
        kept.append(Request("P0000", "P0001", 5))
    later = Fair(fair.participants, tuple(kept), fair.slots, fair.tables)
    result = reschedule(later, first.meetings, full_model_limit=0, time_limit=5)
    assert violations(later, result.meetings) == []
    assert result.total_priority <= result.lp_bound + 1e-6
    assert result.total_priority >= first.total_priority - sum(
        m.weight for m in first.meetings if (m.a, m.b) in gone)
    assert result.moved is not None and result.dropped is not None


def test_place_fits_a_tight_instance() -> None:
    # 4 people, 3 slots, 2 tables: all 6 pairs of K4 fit exactly (3 perfect matchings)
    fair = _fair({k: {1, 2, 3} for k in "ABCD"},
                 [(a, b, 1) for a, b in itertools.combinations("ABCD", 2)], 3, 2)
    pairs = pairs_of(fair)
    placed = place(fair, pairs)
    assert len(placed) == 6
    meetings = [Meeting(s, 1 + sum(1 for k2, s2 in placed.items() if s2 == s and k2 < k),
                        pairs[k].a, pairs[k].b, 1) for k, s in placed.items()]
    assert violations(fair, meetings) == []


@pytest.mark.parametrize("limit", [0, 1500])  # large-fair path and whole model
def test_late_change_keeps_tables(limit: int) -> None:
    # A–B sat at table 2; C–D is new. A–B must keep table 2 and C–D take table 1
    fair = _fair({k: {1} for k in "ABCD"}, [("A", "B", 5), ("C", "D", 4)], 1, 2)
    result = reschedule(fair, [Meeting(1, 2, "A", "B", 5)], full_model_limit=limit)
    assert result.meetings == (Meeting(1, 1, "C", "D", 4), Meeting(1, 2, "A", "B", 5))
    assert (result.moved, result.dropped, len(result.kept)) == (0, 0, 1)


def test_late_change_ignores_clashing_old_meetings() -> None:
    # the old plan had two meetings at table 1 of slot 1 (tables shrank): the first stands
    fair = _fair({k: {1, 2} for k in "ABCD"}, [("A", "B", 5), ("C", "D", 4)], 2, 1)
    old = [Meeting(1, 1, "A", "B", 5), Meeting(1, 1, "C", "D", 4)]
    for limit in (0, 1500):
        result = reschedule(fair, old, full_model_limit=limit)
        assert violations(fair, result.meetings) == []
        assert result.total_priority == 9 and Meeting(1, 1, "A", "B", 5) in result.meetings
