"""The one HTTP client of comexlab: polite, cached, validated downloads from official publishers.

Every ``download()`` in ``sources/`` goes through this module, so they all behave the same way:

* **throttled** — requests to one host are spaced by the publisher's ``min_interval`` seconds;
* **retried** — 429 and 5xx answers (and a 403 that carries ``Retry-After``, Comtrade's quota
  answer) are retried with exponential backoff that honours ``Retry-After``;
* **never redirected** — an API that redirects is answering an error (the Census API sends
  keyless queries to an HTML ``missing_key`` page with a 302): the redirect is reported, not
  followed, so an error page can never be taken for data;
* **validated before caching** — :func:`fetch_json` parses and checks an answer *before* it is
  written (atomically) to the cache: an HTML page, an empty body, a 204 "no content" or JSON of
  the wrong shape is never cached, so one bad answer cannot poison later runs;
* **explained** — every failure is a :class:`~comexlab.errors.DownloadError` carrying a catalog
  message (``downloads.csv``) that names the publisher, says what happened in plain words and
  where to get a key, in the reader's language. URLs in messages never carry the query string,
  so keys passed as query parameters never reach a screen or a log.

Tests pass a base URL of a local HTTP server; nothing here knows the internet except the default
URLs the callers give.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

import httpx

from comexlab.errors import DownloadError, InputError
from comexlab.i18n import Msg
from comexlab.sources.files import atomic_path

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "comexlab/0.1 (trade-promotion analytics; contact: agency IT)"
MAX_RETRY_AFTER = 120.0  # never sleep longer than this on one Retry-After

_last_request: dict[str, float] = {}
_lock = Lock()
_sleep = time.sleep  # tests replace it to record waits instead of waiting


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who answers a download, and how to explain its errors to the reader.

    ``hints`` maps an HTTP status (or ``"redirect"``) to a catalog message appended to the
    error: where to get a key, the maintenance window, what to do on a 403.
    ``key_error_header`` is a response header whose presence means "your key is wrong" even on
    a 200 (the Census API's ``X-DataWebAPI-KeyError``).
    """

    name: str
    min_interval: float = 1.0
    timeout: float = 60.0
    hints: Mapping[int | str, Msg] = field(default_factory=dict)
    key_error_header: str | None = None


class NotReleasedError(DownloadError):
    """The publisher has nothing for this period yet (HTTP 204, or an empty answer)."""

    code = "not_released"


class RequestOptions(TypedDict, total=False):
    """Keyword options of :func:`request`, shared by :func:`get`, :func:`post_json`, fetch."""

    params: Mapping[str, str | int | Sequence[str]] | None
    headers: Mapping[str, str] | None
    client: httpx.Client | None
    retries: int
    backoff: float
    publisher: Publisher | None
    what: str


def _throttle(host: str, min_interval: float) -> None:
    with _lock:
        wait = _last_request.get(host, 0.0) + min_interval - time.monotonic()
        if wait > 0:
            _sleep(wait)
        _last_request[host] = time.monotonic()


def _retry_after(response: httpx.Response, attempt: int, backoff: float) -> float:
    header = response.headers.get("Retry-After", "").strip()
    if header.isdigit():
        return min(float(header), MAX_RETRY_AFTER)
    return backoff * (2**attempt)


def _retryable(response: httpx.Response) -> bool:
    if response.status_code in RETRY_STATUSES:
        return True
    # Comtrade (Azure API Management) answers 403 "out of call volume quota" with Retry-After
    return response.status_code == 403 and "Retry-After" in response.headers


def public_url(url: str) -> str:
    """``url`` without its query string: what messages show (keys travel in queries)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def api_message(response: httpx.Response, limit: int = 200) -> str:
    """The publisher's own words from an error answer, short: JSON message, HTML title, text."""
    text = response.text.strip()
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        for key in ("message", "error", "errors", "detail", "title"):
            if payload.get(key):
                return str(payload[key])[:limit]
    if looks_like_html(response.headers.get("content-type", ""), text):
        title = _TITLE.search(text)
        body = title.group(1) if title else _TAGS.sub(" ", text)
        return " ".join(body.split())[:limit]
    return " ".join(text.split())[:limit]


def looks_like_html(content_type: str, text: str) -> bool:
    """An HTML page (an error or login page), whatever the content type claims."""
    head = text.lstrip()[:200].lower()
    return "html" in content_type.lower() or head.startswith(("<!doctype html", "<html"))


def _hint(publisher: Publisher, status: int | str) -> Msg | str:
    return publisher.hints.get(status, "")


def _error_for(response: httpx.Response, publisher: Publisher, what: str,
               attempts: int) -> DownloadError:
    """The plain-words error for a final non-success answer."""
    status = response.status_code
    detail: str | Msg = api_message(response) or Msg("download.detail.none")
    name = publisher.name
    if 300 <= status < 400:
        location = public_url(str(response.headers.get("Location", ""))) or "?"
        return DownloadError(Msg("download.error.redirect", publisher=name, status=status,
                                 what=what, location=location,
                                 hint=_hint(publisher, "redirect")))
    if status in (401, 403):
        return DownloadError(Msg("download.error.auth", publisher=name, status=status,
                                 what=what, detail=detail, hint=_hint(publisher, status)))
    if status == 429:
        return DownloadError(Msg("download.error.rate_limited", publisher=name, what=what,
                                 attempts=attempts, detail=detail))
    if status in (502, 503, 504):
        return DownloadError(Msg("download.error.unavailable", publisher=name, status=status,
                                 what=what, attempts=attempts, detail=detail,
                                 hint=_hint(publisher, status)))
    return DownloadError(Msg("download.error.http", publisher=name, status=status, what=what,
                             detail=detail, hint=_hint(publisher, status)))


def get(url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
    """GET with throttling and retries; a final failure raises :class:`DownloadError`."""
    return request("GET", url, **options)


def post_json(url: str, body: object, **options: Unpack[RequestOptions]) -> httpx.Response:
    """POST a JSON body (APIs such as USITC DataWeb's runReport) with the same politeness."""
    return request("POST", url, json=body, **options)


def request(method: str, url: str, *, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None, json: object = None,
            client: httpx.Client | None = None, retries: int = 3, backoff: float = 1.0,
            publisher: Publisher | None = None, what: str = "") -> httpx.Response:
    """Any HTTP method, throttled per host, retried, never redirected.

    Returns a 2xx answer (including 204, which :func:`fetch_json` turns into "not released");
    anything else raises :class:`DownloadError` in plain words.
    """
    pub = publisher or Publisher(urlsplit(url).netloc)
    what = what or public_url(url)
    owns = client is None
    http = client or httpx.Client(timeout=pub.timeout, follow_redirects=False,
                                  headers={"User-Agent": USER_AGENT})
    host = urlsplit(url).netloc
    try:
        for attempt in range(retries + 1):
            _throttle(host, pub.min_interval)
            try:
                response = http.request(method, url, params=params, headers=headers, json=json,
                                        follow_redirects=False)
            except httpx.TransportError as exc:
                if attempt == retries:
                    raise DownloadError(Msg("download.error.unreachable", publisher=pub.name,
                                            host=host, detail=str(exc) or type(exc).__name__)
                                        ) from exc
                _sleep(backoff * (2**attempt))
                continue
            if pub.key_error_header and pub.key_error_header in response.headers:
                raise DownloadError(Msg("download.error.auth", publisher=pub.name,
                                        status=response.status_code, what=what,
                                        detail=response.headers[pub.key_error_header],
                                        hint=_hint(pub, 401)))
            if _retryable(response) and attempt < retries:
                _sleep(_retry_after(response, attempt, backoff))
                continue
            if response.status_code >= 300:
                raise _error_for(response, pub, what, attempt + 1)
            return response
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
    finally:
        if owns:
            http.close()


# --------------------------------------------------------------------------- caching


def parse_json(response: httpx.Response, publisher: Publisher, what: str) -> object:
    """The JSON of a 2xx answer; 204, empty, HTML or non-JSON bodies raise (nothing cached)."""
    if response.status_code == 204:
        raise NotReleasedError(Msg("download.error.not_released", publisher=publisher.name,
                                   what=what))
    text = response.text
    if not text.strip():
        raise DownloadError(Msg("download.error.empty", publisher=publisher.name, what=what))
    if looks_like_html(response.headers.get("content-type", ""), text):
        raise DownloadError(Msg("download.error.html", publisher=publisher.name, what=what,
                                detail=api_message(response)))
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DownloadError(Msg("download.error.not_json", publisher=publisher.name,
                                what=what, detail=str(exc))) from exc


@dataclass(frozen=True, slots=True)
class Cached:
    """A validated answer in the cache: its file, its JSON, and whether it was fetched now."""

    path: Path
    payload: Any
    fetched: bool


def fetch_json(method: str, url: str, dest: Path, *, validate: Callable[[Any], None],
               publisher: Publisher, what: str, refresh: bool = False,
               params: Mapping[str, Any] | None = None, body: object = None,
               headers: Mapping[str, str] | None = None, retries: int = 3,
               backoff: float = 1.0, client: httpx.Client | None = None) -> Cached:
    """One cached unit of an API: read ``dest`` if present, else fetch, validate, then save.

    ``validate(payload)`` raises (``InputError``/``DownloadError``) on a wrong answer; it runs
    *before* anything is written, so the cache only ever holds answers that passed it. A cached
    file is re-validated when read, so a file damaged on disk is refetched instead of trusted.
    """
    if dest.exists() and not refresh:
        try:
            payload = json.loads(dest.read_text(encoding="utf-8"))
            validate(payload)
        except (ValueError, UnicodeDecodeError, DownloadError):
            dest.unlink()
        else:
            return Cached(dest, payload, fetched=False)
    response = request(method, url, params=params, headers=headers, json=body, client=client,
                       retries=retries, backoff=backoff, publisher=publisher, what=what)
    payload = parse_json(response, publisher, what)
    try:
        validate(payload)
    except InputError as exc:
        raise DownloadError(Msg("download.error.shape", publisher=publisher.name, what=what,
                                detail=exc.message)) from exc
    with atomic_path(dest) as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return Cached(dest, payload, fetched=True)


def fetch(url: str, dest: Path, *, refresh: bool = False,
          validate: Callable[[Path], object] | None = None,
          **options: Unpack[RequestOptions]) -> Path:
    """Download ``url`` to ``dest`` unless it is already cached; returns ``dest``.

    The body is written next to ``dest``, checked with ``validate(tmp_path)`` and only then
    renamed (:func:`atomic_path`): an interrupted download, an HTML error page or a truncated
    body never becomes a file that a later run would take for a good one.
    """
    if dest.exists() and not refresh:
        return dest
    pub = options.get("publisher") or Publisher(urlsplit(url).netloc)
    what = options.setdefault("what", public_url(url))
    response = get(url, **options)
    if response.status_code == 204 or not response.content:
        raise DownloadError(Msg("download.error.empty", publisher=pub.name, what=what))
    if looks_like_html(response.headers.get("content-type", ""), response.content[:200]
                       .decode("latin-1")):
        raise DownloadError(Msg("download.error.html", publisher=pub.name, what=what,
                                detail=api_message(response)))
    with atomic_path(dest) as tmp:
        tmp.write_bytes(response.content)
        if validate is not None:
            validate(tmp)
    return dest
