"""Polite, cached downloads from official publishers.

Every ``download()`` in ``sources/`` goes through :func:`fetch`: the file is written to the
cache atomically (temp file + rename) and reused on the next call, requests to one host are
spaced by ``min_interval`` seconds, and 429/5xx answers are retried with exponential backoff that
honours ``Retry-After``. Tests pass a base URL of a local HTTP server; nothing here knows about
the internet except the default URLs the callers give.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from threading import Lock
from typing import TypedDict, Unpack
from urllib.parse import urlsplit

import httpx

from comexlab.errors import DownloadError
from comexlab.sources.files import atomic_path

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "comexlab/0.1 (trade-promotion analytics; contact: agency IT)"

_last_request: dict[str, float] = {}
_lock = Lock()


def _throttle(host: str, min_interval: float) -> None:
    with _lock:
        wait = _last_request.get(host, 0.0) + min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_request[host] = time.monotonic()


def _retry_after(response: httpx.Response, attempt: int, backoff: float) -> float:
    header = response.headers.get("Retry-After", "")
    if header.isdigit():
        return min(float(header), 60.0)
    return backoff * (2**attempt)


class RequestOptions(TypedDict, total=False):
    """Keyword options of :func:`request`, shared by :func:`get`, :func:`post_json`, fetch."""

    params: Mapping[str, str | int] | None
    headers: Mapping[str, str] | None
    client: httpx.Client | None
    retries: int
    backoff: float
    min_interval: float
    timeout: float


def get(url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
    """GET with throttling and retries; a final failure raises :class:`DownloadError`."""
    return request("GET", url, **options)


def post_json(url: str, body: object, **options: Unpack[RequestOptions]) -> httpx.Response:
    """POST a JSON body (APIs such as USITC DataWeb's runReport) with the same politeness."""
    return request("POST", url, json=body, **options)


def request(
    method: str,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
    json: object = None,
    client: httpx.Client | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    min_interval: float = 1.0,
    timeout: float = 60.0,
) -> httpx.Response:
    """Any HTTP method with throttling per host and retries on 429/5xx and transport errors."""
    owns = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=True,
                                  headers={"User-Agent": USER_AGENT})
    host = urlsplit(url).netloc
    try:
        for attempt in range(retries + 1):
            _throttle(host, min_interval)
            try:
                response = http.request(method, url, params=params, headers=headers, json=json)
            except httpx.TransportError as exc:
                if attempt == retries:
                    raise DownloadError(f"cannot reach {url}: {exc}") from exc
                time.sleep(backoff * (2**attempt))
                continue
            if response.status_code in RETRY_STATUSES and attempt < retries:
                time.sleep(_retry_after(response, attempt, backoff))
                continue
            if response.status_code >= 400:
                raise DownloadError(f"{url} answered HTTP {response.status_code}")
            return response
        raise DownloadError(f"{url}: no answer after {retries + 1} attempts")
    finally:
        if owns:
            http.close()


def fetch(url: str, dest: Path, *, refresh: bool = False,
          **options: Unpack[RequestOptions]) -> Path:
    """Download ``url`` to ``dest`` unless it is already cached; returns ``dest``.

    The body is written next to ``dest`` and renamed (:func:`atomic_path`), so an interrupted
    download never leaves a truncated file that a later run would take for a good one.
    """
    if dest.exists() and not refresh:
        return dest
    response = get(url, **options)
    with atomic_path(dest) as tmp:
        tmp.write_bytes(response.content)
    return dest
