"""The one error hierarchy of comexlab.

Errors carry their context (file, row, field, code) as attributes so that the CLI and the web
API render them the same way: the CLI prints them without a traceback, the API maps them to one
JSON shape. Input errors also subclass ``ValueError`` so plain Python callers can catch them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is and why it is wrong."""

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        shown = f" (value {self.value!r})" if self.value is not None else ""
        return f"{prefix}: {self.message}{shown}" if prefix else f"{self.message}{shown}"


class ComexlabError(Exception):
    """Base of every error comexlab raises on purpose."""

    code: str = "comexlab_error"
    http_status: int = 500

    def __init__(self, message: str, *, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message, *(f"  - {p}" for p in self.problems[:50])]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        return "\n".join(lines)


class InputError(ComexlabError, ValueError):
    """The user's input (a file, an option, a request) is wrong; nothing was changed."""

    code = "invalid_input"
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.field = field
        self.value = None if value is None else str(value)
        if not problems and (file or row is not None or field):
            problems = (Problem(message, self.file, row, field, self.value),)
        super().__init__(message, problems=problems)


class DataFileMissingError(ComexlabError, FileNotFoundError):
    """An official data file is not in the data directory (and was not downloaded)."""

    code = "data_file_missing"
    http_status = 503

    def __init__(self, path: str | Path, *, hint: str = "") -> None:
        msg = f"data file not found: {path}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)
        self.path = str(path)


class NotFoundError(ComexlabError, LookupError):
    """A thing the user named (HTS line, edition, firm, scenario) does not exist."""

    code = "not_found"
    http_status = 404


class DownloadError(ComexlabError):
    """A publisher could not be reached or answered with something unusable."""

    code = "download_failed"
    http_status = 502


@dataclass(frozen=True, slots=True)
class AuditNote:
    """A line of an audit trail: what was dropped, estimated or guessed, and how many times."""

    kind: str
    count: int
    detail: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)
