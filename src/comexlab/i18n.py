"""The one translation layer: every user-facing string and number goes through here.

Catalogs are package data files ``comexlab/locales/*.csv`` with columns ``key,en,es``; each
topic keeps its own file (hts.csv, flows.csv, …) so that teams add strings without touching
each other's. Numbers and dates are formatted with Babel so that Spanish readers see
``1 234,5`` / ``25,0 %`` conventions of ``es_MX`` and English readers ``1,234.5``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Literal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

Lang = Literal["es", "en"]
LANGS: tuple[Lang, ...] = ("es", "en")
_LOCALES: dict[str, str] = {"es": "es_MX", "en": "en_US"}


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All message catalogs merged; a key defined twice is a packaging bug, so it raises."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("comexlab") / "locales"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        text = entry.read_text(encoding="utf-8")
        for row in csv.DictReader(io.StringIO(text, newline="")):
            key = row["key"].strip()
            if not key:
                continue
            if key in merged:
                raise RuntimeError(f"translation key {key!r} defined twice ({entry.name})")
            merged[key] = {"en": row["en"], "es": row["es"]}
    return merged


def t(key: str, lang: str = "es", /, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``params``.

    An unknown key is returned as-is (visible in the UI, caught by the catalog test) rather than
    raising, so a missing translation never takes a page down. Parameters that are :class:`Msg`
    are translated into ``lang`` too.
    """
    entry = catalog().get(key)
    text = key if entry is None else (entry.get(lang) or entry["en"])
    if not params:
        return text
    return text.format(**{k: param_text(v, lang) for k, v in params.items()})


def param_text(value: object, lang: str) -> object:
    """A message parameter as shown in ``lang``.

    A :class:`Msg` is translated in turn, a list or tuple of them joined with ``; ``; anything
    else is passed to ``str.format`` as is.
    """
    if isinstance(value, Msg):
        return value.text(lang)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return "; ".join(v.text(lang) for v in value)
    return value


class Msg:
    """A message not yet translated: a catalog key and its parameters.

    Code that finds a problem (a validator, a service deep below the CLI or the web app) does
    not know who will read it; it returns or raises a ``Msg`` and the edge that shows it calls
    :meth:`text` with the reader's language. ``str()`` gives English, for logs and tracebacks.
    Parameters may themselves be ``Msg`` (e.g. the name of a vocabulary), translated alike.

    It is the one message type of comexlab (report notes, audit notes, error reasons): an
    immutable value, equal when key and parameters are equal and hashable, so messages can sit
    in frozen results, sets and ``lru_cache`` keys. Lists among the parameters are kept as
    tuples so that hashing never fails on them.
    """

    __slots__ = ("_params", "key")
    key: str
    _params: tuple[tuple[str, object], ...]

    def __init__(self, key: str, /, **params: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "_params", tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))

    @property
    def params(self) -> dict[str, object]:
        """The parameters as keyword arguments (a copy: a message never changes)."""
        return dict(self._params)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``es`` or ``en``)."""
        return t(self.key, lang, **self.params)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Msg is immutable (cannot set {name!r})")

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Msg) and self.key == other.key
                and self.params == other.params)

    def __hash__(self) -> int:
        return hash((self.key, frozenset(self._params)))

    def __reduce__(self) -> tuple[object, ...]:
        # pickling (results handed between worker processes) rebuilds through __init__
        return (_rebuild_msg, (self.key, self.params))


def _rebuild_msg(key: str, params: dict[str, object]) -> Msg:
    return Msg(key, **params)


def text_of(message: str | Msg, lang: str) -> str:
    """Text of a message that may already be plain text (then it is returned unchanged)."""
    return message.text(lang) if isinstance(message, Msg) else message


def label(vocabulary: str, value: object, lang: str = "es") -> str:
    """Display name of a code of a controlled vocabulary (``enum.<vocabulary>.<value>``).

    Cluster link kinds, enrolment statuses, size classes, rate kinds…: the database and the
    files keep the code (``supplier_exchange``), readers see ``intercambio de proveedores``. A
    code without a catalog entry (data newer than the catalog) is shown as the code itself;
    ``None`` and empty values show as an empty string.
    """
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    code = str(value)
    key = f"enum.{vocabulary}.{code}"
    return t(key, lang) if key in catalog() else code


def labels(vocabulary: str, values: Iterable[object], lang: str = "es") -> list[str]:
    """:func:`label` of each value."""
    return [label(vocabulary, v, lang) for v in values]


def locale_of(lang: str) -> str:
    """Babel locale used for a UI language."""
    return _LOCALES.get(lang, "es_MX")


def fmt_number(value: float | int | None, lang: str = "es", *, digits: int = 0) -> str:
    """Thousands-separated number; ``None`` shows as an em dash, never as 0."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale_of(lang))


def fmt_pct(fraction: float | None, lang: str = "es", *, digits: int = 1) -> str:
    """A rate stored as a fraction (0.025) shown as a percent (2.5 %)."""
    if fraction is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(fraction, format=pattern, locale=locale_of(lang))


def fmt_usd(value: float | None, lang: str = "es", *, scale: str = "auto") -> str:
    """Money in USD, abbreviated to millions/billions the way agency reports quote it."""
    if value is None:
        return "—"
    if value < 0:
        return "−" + fmt_usd(-value, lang, scale=scale)
    abs_v = abs(value)
    if scale == "auto":
        scale = "bn" if abs_v >= 1e9 else "m" if abs_v >= 1e6 else "unit"
    if scale == "bn":
        suffix = " mil M" if lang == "es" else " bn"
        return "US$" + fmt_number(value / 1e9, lang, digits=2) + suffix
    if scale == "m":
        suffix = " M" if lang == "es" else " m"
        return "US$" + fmt_number(value / 1e6, lang, digits=1) + suffix
    return "US$" + fmt_number(value, lang)


def fmt_date(value: date, lang: str = "es") -> str:
    """A date in the reader's convention (25 nov 2026 / Nov 25, 2026)."""
    return format_date(value, format="medium", locale=locale_of(lang))
