"""The dashboard cache computes a cold key once however many ask at once (issue 9: 50 clients
asking for a report nobody had asked for each computed it), hands errors to every waiter
without caching them, and keeps nothing computed across a clear(). No timing assertions: the
computation is held open until every other caller is waiting on it (``waiting()``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from comexlab.web.cache import TTLCache

CLIENTS = 50
GUARD = 60.0  # seconds before a stuck test gives up (a hang guard, not an assertion on time)


def _hold_until(cache: TTLCache, key: str, waiters: int) -> None:
    """Block the computation until ``waiters`` other callers wait for it (or the guard ends)."""
    done = threading.Event()
    for _ in range(int(GUARD * 100)):
        if cache.waiting(key) >= waiters:
            return
        done.wait(0.01)


def _run_threads(n: int, target: Callable[[], object]) -> list[object]:
    results: list[object] = [None] * n

    def call(i: int) -> None:
        try:
            results[i] = target()
        except Exception as exc:  # the test inspects what each caller got
            results[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(GUARD)
    return results


def test_fifty_threads_on_a_cold_key_compute_once() -> None:
    cache = TTLCache(ttl=300)
    calls = []

    def report() -> dict:
        calls.append(1)
        _hold_until(cache, "MX-GTO", CLIENTS - 1)
        return {"total": 24.91}

    results = _run_threads(CLIENTS, lambda: cache.get_or_compute("MX-GTO", report))
    assert len(calls) == 1
    assert all(r is results[0] for r in results) and results[0] == {"total": 24.91}
    assert cache.get("MX-GTO") == {"total": 24.91} and cache.waiting("MX-GTO") == 0


def test_an_error_reaches_every_waiter_and_is_not_cached() -> None:
    cache = TTLCache(ttl=300)
    calls = []

    def broken() -> dict:
        calls.append(1)
        _hold_until(cache, "k", 9)
        raise RuntimeError("warehouse busy")

    results = _run_threads(10, lambda: cache.get_or_compute("k", broken))
    assert len(calls) == 1
    assert all(isinstance(r, RuntimeError) for r in results)
    assert cache.get("k") is None
    assert cache.get_or_compute("k", lambda: "fine") == "fine"  # the next caller tries again


def test_a_value_computed_across_a_clear_is_not_kept() -> None:
    cache = TTLCache(ttl=300)

    def stale() -> str:
        cache.clear()  # the warehouse was written while we computed
        return "old figures"

    assert cache.get_or_compute("k", stale) == "old figures"
    assert cache.get("k") is None
    assert cache.get_or_compute("k", lambda: "new figures") == "new figures"
    assert cache.get("k") == "new figures"


def test_different_keys_do_not_wait_for_each_other() -> None:
    cache = TTLCache(ttl=300)
    inner = cache.get_or_compute("b", lambda: "b")
    assert cache.get_or_compute("a", lambda: inner + "a") == "ba"


def test_async_callers_compute_once_and_a_cancelled_one_does_not_cancel_the_rest() -> None:
    cache = TTLCache(ttl=300)
    calls = []

    async def main() -> list[object]:
        release = asyncio.Event()

        async def report() -> str:
            calls.append(1)
            await release.wait()
            return "report"

        tasks = [asyncio.ensure_future(cache.aget_or_compute("k", report))
                 for _ in range(CLIENTS)]
        while cache.waiting("k") < CLIENTS - 1:
            await asyncio.sleep(0.001)
        tasks[0].cancel()  # the first client (who started the computation) disconnects
        await asyncio.sleep(0)
        release.set()
        return await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), GUARD)

    results = _run_in_own_loop(main())
    assert len(calls) == 1
    assert isinstance(results[0], asyncio.CancelledError)
    assert results[1:] == ["report"] * (CLIENTS - 1)
    assert cache.get("k") == "report"


def test_ttl_zero_still_coalesces_but_keeps_nothing() -> None:
    cache = TTLCache(ttl=0)
    calls = []

    def report() -> str:
        calls.append(1)
        _hold_until(cache, "k", 4)
        return "r"

    assert _run_threads(5, lambda: cache.get_or_compute("k", report)) == ["r"] * 5
    assert len(calls) == 1 and cache.get("k") is None


@pytest.mark.parametrize("value", [0, "", []])
def test_falsy_values_are_cached(value: object) -> None:
    cache = TTLCache(ttl=300)
    assert cache.get_or_compute("k", lambda: value) == value
    assert cache.get_or_compute("k", lambda: "other") == value


def _run_in_own_loop(coro):  # type: ignore[no-untyped-def]
    """``asyncio.run`` in a thread of its own: in a whole-suite run the browser tests' Playwright
    loop is still running in the main thread, where ``asyncio.run`` refuses to start."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
