"""The one error hierarchy of comexlab.

Errors carry their context (file, row, field, code) as attributes so that the CLI and the web
API render them the same way: the CLI prints them without a traceback, the API maps them to one
JSON shape. Input errors also subclass ``ValueError`` so plain Python callers can catch them.

Messages may be given as :class:`~comexlab.i18n.Msg` (catalog key + parameters) instead of
text: the error then remembers the key, ``.message`` holds the text in the language it was
raised with (English unless the raiser knew the reader's language), and the edges call
:meth:`ComexlabError.render` / :meth:`Problem.text` with the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from comexlab.i18n import Msg, t, text_of


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is and why it is wrong."""

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    msg: Msg | None = None  # the untranslated message, when it came from the catalog

    @classmethod
    def of(cls, message: str | Msg, file: str | None = None, row: int | None = None,
           field: str | None = None, value: str | None = None, *,
           lang: str = "en") -> Problem:
        """A problem whose ``message`` is ``message`` in ``lang`` (the key is kept)."""
        return cls(text_of(message, lang), file, row, field, value,
                   message if isinstance(message, Msg) else None)

    def text(self, lang: str) -> str:
        """The reason in ``lang`` (as stored when it was not built from the catalog)."""
        return self.msg.text(lang) if self.msg is not None else self.message

    def render(self, lang: str = "en") -> str:
        """One line in ``lang``: where (file, row, field), why, and the offending value."""
        return self._line(self.text(lang), lang)

    def __str__(self) -> str:
        return self._line(self.message, "en")

    def _line(self, message: str, lang: str) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(t("error.where.row", lang, row=self.row))
        if self.field:
            where.append(t("error.where.field", lang, field=repr(self.field)))
        prefix = ", ".join(where)
        shown = (" " + t("error.where.value", lang, value=repr(self.value))
                 if self.value is not None else "")
        return f"{prefix}: {message}{shown}" if prefix else f"{message}{shown}"


_SHOWN = 50  # problems printed; the rest are counted


class ComexlabError(Exception):
    """Base of every error comexlab raises on purpose."""

    code: str = "comexlab_error"
    http_status: int = 500

    def __init__(self, message: str | Msg, *, problems: Sequence[Problem] = (),
                 lang: str = "en") -> None:
        text = text_of(message, lang)
        super().__init__(text)
        self.message = text
        self.msg: Msg | None = message if isinstance(message, Msg) else None
        self.problems: tuple[Problem, ...] = tuple(problems)

    def text(self, lang: str) -> str:
        """The message (without its problems) in ``lang``."""
        return self.msg.text(lang) if self.msg is not None else self.message

    def render(self, lang: str = "en") -> str:
        """Message and problems, one per line, in ``lang`` (what the CLI prints)."""
        return self._lines(self.text(lang), [p.render(lang) for p in self.problems[:_SHOWN]],
                           lang)

    def __str__(self) -> str:
        return self._lines(self.message, [str(p) for p in self.problems[:_SHOWN]], "en")

    def _lines(self, message: str, problems: list[str], lang: str) -> str:
        lines = [message, *(f"  - {p}" for p in problems)]
        if len(self.problems) > _SHOWN:
            lines.append("  " + t("error.more", lang, n=len(self.problems) - _SHOWN))
        return "\n".join(lines)


def rename_fields(exc: ComexlabError, names: Mapping[str, str]) -> ComexlabError:
    """Name an input's fields the way the reader typed them, at the edge that shows ``exc``.

    Services and loaders name what was wrong in the domain's words (``reporter``, ``start``,
    ``data_dir``); the CLI shows the option (``--reporter``, ``--from``, ``--data``), the web
    API its parameter. Only fields of problems that point at no file and no row are renamed:
    those are options or parameters, while a file's field is its own column name (``usmca_value``)
    and must stay as printed. Changes ``exc`` in place and returns it.
    """
    def renamed(p: Problem) -> Problem:
        if p.file is None and p.row is None and p.field is not None and p.field in names:
            return replace(p, field=names[p.field])
        return p

    exc.problems = tuple(renamed(p) for p in exc.problems)
    if isinstance(exc, InputError) and exc.file is None and exc.field is not None \
            and exc.field in names:
        exc.field = names[exc.field]
    return exc


class InputError(ComexlabError, ValueError):
    """The user's input (a file, an option, a request) is wrong; nothing was changed."""

    code = "invalid_input"
    http_status = 422

    def __init__(
        self,
        message: str | Msg,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        problems: Sequence[Problem] = (),
        lang: str = "en",
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.field = field
        self.value = None if value is None else str(value)
        if not problems and (file or row is not None or field):
            problems = (Problem.of(message, self.file, row, field, self.value, lang=lang),)
        super().__init__(message, problems=problems, lang=lang)


class DataFileMissingError(ComexlabError, FileNotFoundError):
    """An official data file is not in the data directory (and was not downloaded)."""

    code = "data_file_missing"
    http_status = 503

    def __init__(self, path: str | Path, *, hint: str | Msg = "") -> None:
        super().__init__(Msg("error.data_file_missing_at", path=str(path), hint=hint)
                         if hint else Msg("error.data_file_missing_plain", path=str(path)))
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
    detail: Msg  # shown in the reader's language
    examples: tuple[str, ...] = field(default_factory=tuple)
