"""A small bounded, time-limited cache for rendered report data.

The dashboard asks the same question (reporter, window, language) many times a day while the
warehouse changes only when data is loaded; caching the report for a few minutes keeps the
page fast under load. The single writer clears the cache after every write.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class TTLCache:
    """Least-recently-used entries, each valid for ``ttl`` seconds."""

    def __init__(self, *, maxsize: int = 256, ttl: float = 300.0) -> None:
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._maxsize = maxsize
        self._ttl = ttl
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The cached value, or None when absent or stale."""
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            stamp, value = item
            if time.monotonic() - stamp > self._ttl:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Remember ``value``; the oldest entry goes when full (``ttl`` 0 disables caching)."""
        if self._ttl <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic(), value)
            self._data.move_to_end(key)
            while len(self._data) > self._maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after the warehouse changed)."""
        with self._lock:
            self._data.clear()
