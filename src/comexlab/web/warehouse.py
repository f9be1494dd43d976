"""Many readers, one writer: how the web app touches the DuckDB warehouse.

DuckDB allows one writing process and, inside it, many connections (cursors) of the same
database instance reading concurrently under MVCC. Following datasette's ``Database``, the web
app opens the warehouse **once**; reads run on a pool of threads, each with its own cursor, so a
slow query never blocks the event loop or other readers; every write goes through a single
writer thread (an executor with one worker is a FIFO queue), so writes never race each other.
Request handlers never open connections themselves. The tables, the web's kept scenario runs
among them, are the warehouse's schema (``warehouse/schema.py``); this module only connects.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TypeVar

import duckdb

from comexlab.warehouse.db import connect, transaction

T = TypeVar("T")

class Warehouse:
    """The web app's handle on DuckDB: ``await read(fn)`` and ``await write(fn)``."""

    def __init__(self, path: Path | str, *, readers: int = 4) -> None:
        self.path = str(path)
        self._con = connect(path)  # with the schema in place (warehouse/schema.py)
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="duckdb-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="duckdb-write")
        self._write_cursor = self._con.cursor()
        self._after_write: list[Callable[[], None]] = []

    def on_write(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every committed write (e.g. to clear caches)."""
        self._after_write.append(callback)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's own cursor (created once per thread)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
            with self._lock:
                self._cursors.append(cur)
        return cur

    def read_sync(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` on the calling thread's cursor (for code already off the loop)."""
        return fn(self._cursor())

    async def read(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` on the reader pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, partial(self.read_sync, fn))

    def _write_now(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        with transaction(self._write_cursor) as cur:
            result = fn(cur)
        for callback in self._after_write:
            callback()
        return result

    async def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` in a transaction on the single writer thread, in arrival order."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, partial(self._write_now, fn))

    def submit_write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Queue a write from a non-async thread (a background job) and wait for it."""
        return self._writer.submit(self._write_now, fn).result()

    def close(self) -> None:
        """Drain the writer, stop the readers and close every cursor."""
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._lock:
            for cur in self._cursors:
                cur.close()
            self._cursors.clear()
        self._write_cursor.close()
        self._con.close()
