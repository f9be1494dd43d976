"""A small bounded, time-limited cache for rendered report data, computed once per key.

The dashboard asks the same question (reporter, window, language) many times a day while the
warehouse changes only when data is loaded; caching the report for a few minutes keeps the
page fast under load. The single writer clears the cache after every write.

A cold key asked for by many clients at once (a stampede: 50 clients, each computing the same
report) is computed **once**: the first caller computes, the others wait for that result
(single flight). An error reaches every waiter and is not cached, so the next request tries
again. A value computed while the cache was cleared (the warehouse changed under it) is
handed to its waiters but not kept.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class TTLCache:
    """Least-recently-used entries, each valid for ``ttl`` seconds; one computation per key."""

    def __init__(self, *, maxsize: int = 256, ttl: float = 300.0) -> None:
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._maxsize = maxsize
        self._ttl = ttl
        self._lock = threading.Lock()
        # key -> future of the value being computed; key -> callers waiting for that future
        self._inflight: dict[Hashable, Future[Any]] = {}
        self._waiting: dict[Hashable, int] = {}
        self._generation = 0  # bumped by clear(): results computed across it are not kept

    def get(self, key: Hashable) -> Any:
        """The cached value, or None when absent or stale."""
        with self._lock:
            return self._fresh(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Remember ``value``; the oldest entry goes when full (``ttl`` 0 disables caching)."""
        with self._lock:
            self._store(key, value)

    def clear(self) -> None:
        """Forget everything (after the warehouse changed), computations under way included."""
        with self._lock:
            self._data.clear()
            self._inflight.clear()
            self._generation += 1

    def waiting(self, key: Hashable) -> int:
        """How many callers are waiting for another caller's computation of ``key`` now."""
        with self._lock:
            return self._waiting.get(key, 0)

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key``: cached, or computed by ``compute()`` once for all callers.

        For threads; the caller that finds nothing computes, the others block until it is done.
        """
        future, leader = self._claim(key)
        if leader:
            _settle(future, compute)
        try:
            return future.result()
        finally:
            if not leader:
                self._unwait(key)

    async def aget_or_compute(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """:meth:`get_or_compute` for coroutines: waiters do not block the event loop.

        The computation runs as its own task, so a client that disconnects (cancelling its
        request) does not cancel the result other clients are waiting for. A fresh value is
        returned at once: wrapping it in a thread future woke the event loop through its
        self-pipe on every hit (three hits per dashboard request).
        """
        with self._lock:
            value = self._fresh(key)
        if value is not None:
            # one cache holds every key's values; this key's compute() made it a T
            return value  # type: ignore[no-any-return]
        future, leader = self._claim(key)
        if leader:
            task = asyncio.ensure_future(compute())
            task.add_done_callback(lambda t: _settle(future, t.result))
        return await self._wait_async(key, future, leader)

    def _claim(self, key: Hashable) -> tuple[Future[Any], bool]:
        """The future of ``key``'s value and whether the caller must compute it."""
        with self._lock:
            value = self._fresh(key)
            if value is not None:
                done: Future[Any] = Future()
                done.set_result(value)
                return done, False
            future = self._inflight.get(key)
            if future is not None:
                self._waiting[key] = self._waiting.get(key, 0) + 1
                return future, False
            future = Future()
            self._inflight[key] = future
            generation = self._generation
        future.add_done_callback(lambda f: self._landed(key, f, generation))
        return future, True

    async def _wait_async(self, key: Hashable, future: Future[Any], leader: bool) -> Any:
        try:
            # shield: a cancelled waiter must not cancel the shared computation
            return await asyncio.shield(asyncio.wrap_future(future))
        finally:
            if not leader:
                self._unwait(key)

    def _unwait(self, key: Hashable) -> None:
        with self._lock:
            left = self._waiting.get(key, 0) - 1
            if left > 0:
                self._waiting[key] = left
            else:
                self._waiting.pop(key, None)

    def _landed(self, key: Hashable, future: Future[Any], generation: int) -> None:
        """A computation ended: keep its value unless it failed or the cache was cleared."""
        with self._lock:
            if self._inflight.get(key) is future:
                del self._inflight[key]
            if generation == self._generation and future.exception() is None:
                self._store(key, future.result())

    def _fresh(self, key: Hashable) -> Any:
        item = self._data.get(key)
        if item is None:
            return None
        stamp, value = item
        if time.monotonic() - stamp > self._ttl:
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    def _store(self, key: Hashable, value: Any) -> None:
        if self._ttl <= 0 or value is None:
            return
        self._data[key] = (time.monotonic(), value)
        self._data.move_to_end(key)
        while len(self._data) > self._maxsize:
            self._data.popitem(last=False)


def _settle(future: Future[Any], compute: Callable[[], Any]) -> None:
    """Put ``compute()``'s value or exception into ``future`` (whatever it raised)."""
    try:
        value = compute()
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(value)
