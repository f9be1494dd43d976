"""What the establishment loaders (RETC, DENUE) share: reading text, collecting problems.

A loader validates every row first and collects each problem with its file, row and field;
if any is found, :meth:`Problems.raise_if_any` refuses the whole file (nothing is written), so
the agency fixes the file once instead of discovering errors one at a time.
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

from comexlab.errors import InputError, Problem
from comexlab.i18n import Msg

_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Trim and collapse inner whitespace (RETC pads numbers and names with spaces)."""
    return _SPACES.sub(" ", text or "").strip()


def read_text(path: Path) -> str:
    """The file as UTF-8 text (gzip if ``.gz``); unreadable or non-UTF-8 files are refused."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(Msg("supply.error.unreadable", reason=type(exc).__name__),
                         file=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError(Msg("supply.error.not_utf8", position=exc.start), file=path) from exc
    return text


class Problems:
    """Problems found in one file, raised together as one :class:`InputError`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[Problem] = []

    def add(self, row: int, field: str, key: str, value: object = None) -> None:
        """Record that ``field`` of file line ``row`` is wrong (reason = catalog ``key``)."""
        self.items.append(Problem.of(Msg(key), str(self.path), row, field,
                                     None if value is None else str(value)))

    def raise_if_any(self) -> None:
        """Refuse the file when anything was found: nothing of it is written."""
        if self.items:
            raise InputError(Msg("supply.error.rows_refused", n=len(self.items)),
                             problems=self.items)
