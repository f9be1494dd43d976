"""Background jobs for long computations (scenario runs): a bounded, fair, stoppable queue.

A scenario over hundreds of thousands of tariff lines takes seconds; running it inside a
request would tie up a worker and make other users wait. Jobs run on their own small set of
worker threads (separate from the DuckDB reader pool, so dashboards stay fast while scenarios
run); the page polls ``progress`` with htmx until the job is done. Finished jobs are kept in
memory for ``keep`` runs (their results are what the line table pages through and the
downloads write).

Why it is bounded and fair (issue 9: one user's hostile upload queued a normal run for 173 s):

* **Limits.** A user may have ``per_user`` runs waiting or running, the server ``total``;
  beyond that :meth:`JobRunner.submit` raises :class:`QueueFullError` (HTTP 429).
* **Fairness.** Waiting runs are taken from the owner served longest ago, and one owner holds
  at most ``workers - 1`` workers (at least one): with two workers, another user's run starts
  at once even while one user's runs (hostile or not) fill their share.
* **Stopping.** A run can be cancelled by its owner, and is stopped once it is over
  ``time_limit`` seconds. Runs are threads, which Python cannot kill, so stopping is
  cooperative: the job is marked ``cancelled``/``timed_out`` at once, the hooks it registered
  (:meth:`Job.on_stop`: the DuckDB cursor's ``interrupt``) end the query in progress, and
  :meth:`Job.checkpoint` — called by every progress report and between the service's stages —
  raises :class:`JobStopped`. Its worker is busy until the current stage returns; the stages
  are bounded by the scenario's limits (size, overlays), not by the time limit.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from comexlab.errors import ComexlabError, NotFoundError
from comexlab.i18n import Msg

log = logging.getLogger(__name__)

JobStatus = Literal["queued", "running", "done", "failed", "cancelled", "timed_out"]
StopReason = Literal["cancelled", "timed_out"]
Progress = Callable[[float, str], None]
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled", "timed_out"})


class JobStopped(Exception):
    """Raised inside a job at a checkpoint once it was cancelled or went over its time."""


class QueueFullError(ComexlabError):
    """The user (or the server) already has as many runs waiting or running as allowed."""

    code = "queue_full"
    http_status = 429


class JobFinishedError(ComexlabError):
    """A run that already finished cannot be cancelled."""

    code = "conflict"
    http_status = 409


@dataclass
class Job:
    """One background computation, its progress and (when done) its result or error."""

    id: str
    kind: str
    owner_id: int
    label: str
    status: JobStatus = "queued"
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: ComexlabError | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None
    deadline: float | None = None            # time.monotonic() after which it is stopped
    stop_reason: StopReason | None = None
    fn: Callable[[Job], Any] | None = field(default=None, repr=False)
    _hooks: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def report(self, fraction: float, message: str = "") -> None:
        """Progress callback handed to the computation (0..1 and a short label).

        Also a checkpoint: a stopped job raises :class:`JobStopped` here.
        """
        self.checkpoint()
        self.progress = max(0.0, min(1.0, fraction))
        if message:
            self.message = message

    def checkpoint(self) -> None:
        """Raise :class:`JobStopped` if the job was cancelled or is past its time limit."""
        if self.stop_reason is not None:
            raise JobStopped(self.stop_reason)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise JobStopped("timed_out")

    def on_stop(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` (e.g. a DuckDB cursor's ``interrupt``) if the job is stopped."""
        self._hooks.append(hook)
        if self.stop_reason is not None:
            _call(hook)

    @property
    def active(self) -> bool:
        """Waiting, or holding a worker (a stopped job does until its stage returns)."""
        return self.fn is not None


def _call(hook: Callable[[], None]) -> None:
    try:
        hook()
    except Exception:  # a failing hook must not keep the job from stopping
        log.exception("stop hook failed")


class JobRunner:
    """Runs jobs on ``workers`` threads, fairly, within limits; remembers the last ``keep``."""

    def __init__(self, *, workers: int = 2, keep: int = 50, per_user: int = 2,
                 total: int = 20, time_limit: float = 300.0) -> None:
        self.per_user = per_user
        self.total = total
        self.time_limit = time_limit
        self._keep = keep
        self._per_owner_workers = max(1, workers - 1)
        self._cond = threading.Condition()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._active: dict[str, Job] = {}
        self._pending: OrderedDict[int, deque[Job]] = OrderedDict()   # owner → waiting runs
        self._busy: dict[int, int] = {}                                # owner → workers held
        self._served: dict[int, int] = {}                              # owner → last turn
        self._tick = 0
        self._closed = False
        self._threads = [threading.Thread(target=self._worker, name=f"job-{i}", daemon=True)
                         for i in range(workers)]
        self._threads.append(threading.Thread(target=self._watchdog, name="job-watchdog",
                                              daemon=True))
        for thread in self._threads:
            thread.start()

    # ------------------------------------------------------------------ public
    def submit(self, kind: str, label: str, owner_id: int, fn: Callable[[Job], Any]) -> Job:
        """Queue ``fn(job)`` (it reports through ``job.report``); returns the job to poll.

        Raises :class:`QueueFullError` when the owner or the server is at its limit.
        """
        with self._cond:
            if self._closed:
                raise QueueFullError(Msg("web.jobs.shutdown"))
            mine = sum(1 for j in self._active.values() if j.owner_id == owner_id)
            if mine >= self.per_user:
                raise QueueFullError(Msg("web.jobs.user_full", n=self.per_user))
            if len(self._active) >= self.total:
                raise QueueFullError(Msg("web.jobs.server_full", n=self.total))
            job = Job(id=uuid.uuid4().hex, kind=kind, owner_id=owner_id, label=label, fn=fn)
            self._jobs[job.id] = job
            self._active[job.id] = job
            self._pending.setdefault(owner_id, deque()).append(job)
            self._trim()
            self._cond.notify_all()
        return job

    def __len__(self) -> int:
        """Jobs remembered (waiting, running and the last ``keep`` finished)."""
        return len(self._jobs)

    def get(self, job_id: str, kind: str) -> Job:
        """The job with this id and kind (404 otherwise)."""
        job = self._jobs.get(job_id)
        if job is None or job.kind != kind:
            raise NotFoundError(f"run {job_id} not found (runs are kept for the last {self._keep})")
        return job

    def cancel(self, job: Job) -> Job:
        """Cancel a waiting or running job (409 if it already finished)."""
        with self._cond:
            if job.status in FINISHED:
                raise JobFinishedError(Msg("web.jobs.finished"))
            self._stop(job, "cancelled")
        return job

    def shutdown(self) -> None:
        """Stop accepting jobs; cancel waiting ones and tell running ones to stop."""
        with self._cond:
            self._closed = True
            for job in list(self._active.values()):
                if job.status not in FINISHED:
                    self._stop(job, "cancelled")
            self._cond.notify_all()

    # ------------------------------------------------------------------ internals
    def _trim(self) -> None:
        """Forget the oldest finished jobs beyond ``keep`` (active ones are never dropped)."""
        excess = len(self._jobs) - self._keep
        for job_id in [j.id for j in self._jobs.values() if not j.active][:max(excess, 0)]:
            del self._jobs[job_id]

    def _stop(self, job: Job, reason: StopReason) -> None:
        """Mark ``job`` stopped now (caller holds the lock); a waiting job leaves the queue."""
        job.stop_reason = reason
        job.status = reason
        job.finished = time.time()
        job.error = ComexlabError(Msg("web.jobs.cancelled") if reason == "cancelled" else
                                  Msg("web.jobs.timed_out", seconds=f"{self.time_limit:g}"))
        queue = self._pending.get(job.owner_id)
        if queue is not None and job in queue:
            queue.remove(job)
            if not queue:
                del self._pending[job.owner_id]
            self._release(job)
        for hook in job._hooks:
            _call(hook)
        self._cond.notify_all()

    def _release(self, job: Job) -> None:
        job.fn = None
        self._active.pop(job.id, None)

    def _next(self) -> Job | None:
        """The next waiting job: that of the owner served longest ago.

        Owners at their worker share are skipped, so one owner's queue never keeps another
        owner's run waiting.
        """
        eligible = [o for o in self._pending
                    if self._busy.get(o, 0) < self._per_owner_workers]
        if not eligible:
            return None
        owner = min(eligible, key=lambda o: self._served.get(o, -1))
        self._tick += 1
        self._served[owner] = self._tick
        queue = self._pending[owner]
        job = queue.popleft()
        if not queue:
            del self._pending[owner]
        return job

    def _worker(self) -> None:
        while True:
            with self._cond:
                job = self._next()
                while job is None and not self._closed:
                    self._cond.wait()
                    job = self._next()
                if job is None:
                    return
                self._busy[job.owner_id] = self._busy.get(job.owner_id, 0) + 1
                job.status = "running"
                job.deadline = time.monotonic() + self.time_limit
                self._cond.notify_all()  # the watchdog learns the new deadline
            try:
                self._execute(job)
            finally:
                with self._cond:
                    self._busy[job.owner_id] -= 1
                    if not self._busy[job.owner_id]:
                        del self._busy[job.owner_id]
                    self._release(job)
                    self._cond.notify_all()

    def _execute(self, job: Job) -> None:
        assert job.fn is not None
        outcome: tuple[str, Any]
        try:
            outcome = ("done", job.fn(job))
        except JobStopped as stopped:
            outcome = ("stopped", str(stopped))
        except ComexlabError as exc:
            outcome = ("failed", exc)
        except Exception as exc:  # a job must always end; the bug is logged, not shown
            if job.stop_reason is None:  # (an interrupted query raises: not a bug)
                log.exception("job %s (%s) failed", job.id, job.kind)
            outcome = ("failed", ComexlabError(f"internal error: {type(exc).__name__}"))
        with self._cond:
            if job.stop_reason is not None:
                return  # already marked cancelled/timed out; whatever it returned is dropped
            kind, value = outcome
            if kind == "stopped":
                self._stop(job, "timed_out")
            elif kind == "failed":
                assert isinstance(value, ComexlabError)
                job.error, job.status = value, "failed"
            else:
                job.result, job.progress, job.status = value, 1.0, "done"
            job.finished = time.time()

    def _watchdog(self) -> None:
        """Stop running jobs at their deadline (interrupting their query)."""
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                running = [j for j in self._active.values()
                           if j.status == "running" and j.deadline is not None]
                for job in running:
                    if job.deadline is not None and job.deadline <= now:
                        self._stop(job, "timed_out")
                upcoming = [j.deadline for j in running
                            if j.stop_reason is None and j.deadline is not None]
                self._cond.wait(timeout=max(min(upcoming) - now, 0.01) if upcoming else None)
