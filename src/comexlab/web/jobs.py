"""Background jobs for long computations (scenario runs) with progress polling.

A scenario over hundreds of thousands of tariff lines takes seconds; running it inside a
request would tie up a worker and make other users wait. Jobs run on their own small thread
pool (separate from the DuckDB reader pool, so dashboards stay fast while scenarios run); the
page polls ``progress`` with htmx until the job is done. Finished jobs are kept in memory for
``keep`` runs (their results are what the line table pages through and the downloads write).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from comexlab.errors import ComexlabError, NotFoundError

log = logging.getLogger(__name__)

JobStatus = Literal["queued", "running", "done", "failed"]
Progress = Callable[[float, str], None]


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

    def report(self, fraction: float, message: str = "") -> None:
        """Progress callback handed to the computation (0..1 and a short label)."""
        self.progress = max(0.0, min(1.0, fraction))
        if message:
            self.message = message


class JobRunner:
    """Runs jobs on ``workers`` threads and remembers the last ``keep`` of them."""

    def __init__(self, *, workers: int = 2, keep: int = 50) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep

    def submit(self, kind: str, label: str, owner_id: int, fn: Callable[[Job], Any]) -> Job:
        """Queue ``fn(job)`` (it reports through ``job.report``); returns the job to poll."""
        job = Job(id=uuid.uuid4().hex, kind=kind, owner_id=owner_id, label=label)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, fn)
        return job

    @staticmethod
    def _run(job: Job, fn: Callable[[Job], Any]) -> None:
        job.status = "running"
        try:
            job.result = fn(job)
        except ComexlabError as exc:
            job.error = exc
            job.status = "failed"
        except Exception as exc:  # a job must always end; the bug is logged, not shown
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.error = ComexlabError(f"internal error: {type(exc).__name__}")
            job.status = "failed"
        else:
            job.progress = 1.0
            job.status = "done"
        finally:
            job.finished = time.time()

    def get(self, job_id: str, kind: str) -> Job:
        """The job with this id and kind (404 otherwise)."""
        job = self._jobs.get(job_id)
        if job is None or job.kind != kind:
            raise NotFoundError(f"run {job_id} not found (runs are kept for the last {self._keep})")
        return job

    def shutdown(self) -> None:
        """Stop accepting jobs and let running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
