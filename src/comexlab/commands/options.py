"""Options shared by every command, declared once (sqlite-utils' shared-option pattern)."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
import typer

from comexlab.commands.choices import LangOpt as LangOpt  # re-exported: every command's --lang
from comexlab.errors import InputError
from comexlab.i18n import Msg
from comexlab.output import OutputFormat
from comexlab.settings import get_settings
from comexlab.warehouse.db import connect

FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table (screen), csv, json, parquet or xlsx."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (required for parquet/xlsx)."),
]

WarehouseOpt = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB warehouse file (default: COMEXLAB_WAREHOUSE)."),
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Folder of official data files (default: COMEXLAB_DATA)."),
]


def warehouse_path(path: Path | None) -> Path:
    """The warehouse a command uses: ``--warehouse``, else the COMEXLAB_WAREHOUSE setting."""
    return Path(path) if path else get_settings().warehouse


@contextmanager
def open_warehouse(path: Path | None, *, read_only: bool = True,
                   must_exist: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse connection of one command, closed when the command's block ends.

    Commands read with ``read_only`` (many readers may run beside the web app); loaders write.
    ``must_exist``: refuse a missing file instead of creating an empty warehouse (a reader
    always refuses it: DuckDB cannot open a missing file read-only).
    """
    target = warehouse_path(path)
    if (must_exist or read_only) and not target.exists():  # reading cannot create it
        raise InputError(Msg("error.no_warehouse"), field="--warehouse", value=target)
    con = connect(target, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


Command = TypeVar("Command", bound=Callable[..., Any])


def shared_options(options: type, annotations: Mapping[str, object]) -> Callable[[Command],
                                                                                   Command]:
    """Give a Typer command the options of the dataclass ``options``, declared once.

    The command takes one parameter ``opts: <options>``; on the command line it has one option
    per field (``annotations`` maps field → ``Annotated[..., typer.Option(...)]``, the default is
    the field's). Commands that share a family of options (``scenario run``/``compare``) thus
    declare them in one place, like sqlite-utils' shared option decorators.
    """
    fields = {f.name: f.default for f in dataclasses.fields(options)}

    def decorate(fn: Command) -> Command:
        sig = inspect.signature(fn, eval_str=True)
        own = [p for p in sig.parameters.values() if p.name != "opts"]
        extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                   default=_default(annotations[name], fields[name]),
                                   annotation=annotations[name]) for name in fields]

        @functools.wraps(fn)
        def command(*args: Any, **kwargs: Any) -> Any:
            opts = options(**{name: kwargs.pop(name) for name in fields})
            return fn(*args, opts=opts, **kwargs)

        params = [*own, *extra]
        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command  # type: ignore[return-value]

    return decorate


def _default(annotation: object, default: object) -> object:
    """The signature default of a shared option.

    No default for an option whose default Typer computes (``default_factory``, e.g. :data:`LangOpt`
    from COMEXLAB_LANG): Typer refuses a function default beside it.
    """
    infos = getattr(annotation, "__metadata__", ())
    if any(getattr(info, "default_factory", None) for info in infos):
        return inspect.Parameter.empty
    return default
