"""The job queue: per-user and total limits, fairness, cancel and the time limit (issue 9).

Jobs here are fakes that wait on events or loop on checkpoints, so nothing depends on speed:
every wait has a generous ceiling and only fails the test if a job never reaches its state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import duckdb
import pytest

from comexlab.web.jobs import Job, JobFinishedError, JobRunner, QueueFullError

CEILING = 30.0  # seconds a state change may take before the test calls it a hang


def _until(predicate: Callable[[], bool]) -> None:
    deadline = time.monotonic() + CEILING
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("state never reached")
        time.sleep(0.01)


@pytest.fixture()
def runners() -> Iterator[Callable[..., JobRunner]]:
    made: list[JobRunner] = []

    def make(**kwargs: object) -> JobRunner:
        runner = JobRunner(**kwargs)  # type: ignore[arg-type]
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.shutdown()


def _blocking(release: threading.Event, ran: list[str] | None = None,
              name: str = "") -> Callable[[Job], str]:
    """A job that waits for ``release``, checking in so that it can be stopped."""
    def fn(job: Job) -> str:
        if ran is not None:
            ran.append(name)
        while not release.wait(0.01):
            job.checkpoint()
        return name
    return fn


def test_per_user_and_total_limits(runners) -> None:
    release = threading.Event()
    jobs = runners(workers=1, per_user=2, total=3)
    jobs.submit("s", "a1", 1, _blocking(release))
    jobs.submit("s", "a2", 1, _blocking(release))
    with pytest.raises(QueueFullError) as mine:
        jobs.submit("s", "a3", 1, _blocking(release))
    assert mine.value.http_status == 429
    assert "2" in mine.value.text("es") and "cálculos" in mine.value.text("es")
    jobs.submit("s", "b1", 2, _blocking(release))
    with pytest.raises(QueueFullError) as server:
        jobs.submit("s", "c1", 3, _blocking(release))
    assert "server" in server.value.text("en")
    release.set()


def test_a_finished_run_frees_its_place(runners) -> None:
    jobs = runners(workers=1, per_user=1, total=5)
    first = jobs.submit("s", "a1", 1, lambda job: "ok")
    _until(lambda: first.status == "done")
    _until(lambda: not first.active)
    second = jobs.submit("s", "a2", 1, lambda job: "ok")
    _until(lambda: second.status == "done")
    assert second.result == "ok"


def test_cancel_a_queued_run_never_runs_it(runners) -> None:
    release = threading.Event()
    ran: list[str] = []
    jobs = runners(workers=1, per_user=3, total=5)
    first = jobs.submit("s", "a1", 1, _blocking(release, ran, "a1"))
    _until(lambda: first.status == "running")
    queued = jobs.submit("s", "a2", 1, _blocking(release, ran, "a2"))
    assert queued.status == "queued"
    jobs.cancel(queued)
    assert queued.status == "cancelled" and not queued.active
    assert queued.error is not None and queued.error.text("es") == "el cálculo se canceló"
    release.set()
    _until(lambda: first.status == "done")
    assert ran == ["a1"]  # the cancelled run never started


def test_cancel_a_running_run_stops_it_and_calls_its_hooks(runners) -> None:
    jobs = runners(workers=1)
    hooks: list[str] = []

    def fn(job: Job) -> None:
        job.on_stop(lambda: hooks.append("interrupt"))
        while True:
            job.report(0.5, "working")
            time.sleep(0.01)

    job = jobs.submit("s", "a", 1, fn)
    _until(lambda: job.status == "running")
    jobs.cancel(job)
    assert job.status == "cancelled" and hooks == ["interrupt"]
    _until(lambda: not job.active)  # the worker let go at the next checkpoint
    assert job.status == "cancelled" and job.result is None
    with pytest.raises(JobFinishedError):
        jobs.cancel(job)


def test_time_limit_stops_a_slow_run(runners) -> None:
    jobs = runners(workers=1, time_limit=0.2)

    def slow(job: Job) -> str:
        while True:  # a deliberately endless job that only checks in
            job.report(0.1)
            time.sleep(0.01)

    job = jobs.submit("s", "slow", 1, slow)
    _until(lambda: job.status == "timed_out")
    assert job.error is not None and "0.2" in job.error.text("en")
    _until(lambda: not job.active)
    after = jobs.submit("s", "next", 1, lambda j: "ok")  # the worker is free again
    _until(lambda: after.status == "done")


def test_time_limit_interrupts_a_query_in_progress(runners) -> None:
    # a stage that never reaches a checkpoint (one long DuckDB query) is ended by its hook
    jobs = runners(workers=1, time_limit=0.3)
    con = duckdb.connect()

    def query(job: Job) -> object:
        job.on_stop(con.interrupt)
        return con.execute("SELECT count(*) FROM range(1000000000000) a, range(10) b").fetchall()

    job = jobs.submit("s", "query", 1, query)
    _until(lambda: not job.active)
    assert job.status == "timed_out" and job.result is None
    con.close()


def test_other_users_run_does_not_wait_behind_a_hostile_queue(runners) -> None:
    hostile = threading.Event()
    jobs = runners(workers=2, per_user=2, total=10)
    h1 = jobs.submit("s", "h1", 1, _blocking(hostile))
    h2 = jobs.submit("s", "h2", 1, _blocking(hostile))
    _until(lambda: h1.status == "running")
    assert h2.status == "queued"  # one owner holds at most workers - 1 workers
    normal = jobs.submit("s", "n1", 2, lambda job: "ok")
    _until(lambda: normal.status == "done")  # ran while both hostile runs still hold on
    assert h1.status == "running" and h2.status == "queued"
    hostile.set()


def test_waiting_runs_are_served_by_owner_in_turn(runners) -> None:
    release = {name: threading.Event() for name in ("a1", "a2", "b1")}
    order: list[str] = []
    jobs = runners(workers=1, per_user=3, total=10)
    a1 = jobs.submit("s", "a1", 1, _blocking(release["a1"], order, "a1"))
    _until(lambda: a1.status == "running")
    jobs.submit("s", "a2", 1, _blocking(release["a2"], order, "a2"))
    b1 = jobs.submit("s", "b1", 2, _blocking(release["b1"], order, "b1"))
    release["a1"].set()
    _until(lambda: b1.status == "running")
    assert order == ["a1", "b1"]  # B's first run before A's second
    release["b1"].set()
    release["a2"].set()
    _until(lambda: order == ["a1", "b1", "a2"])


def test_failures_are_kept_and_bugs_hidden(runners) -> None:
    from comexlab.errors import InputError

    jobs = runners(workers=1)

    def bad_input(job: Job) -> None:
        raise InputError("bad")

    def bug(job: Job) -> None:
        raise KeyError("secret internals")

    a = jobs.submit("s", "a", 1, bad_input)
    b = jobs.submit("s", "b", 2, bug)
    _until(lambda: a.status == "failed" and b.status == "failed")
    assert isinstance(a.error, InputError)
    assert b.error is not None and "secret" not in b.error.text("en")
