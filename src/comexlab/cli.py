"""The ``comexlab`` command: one verb group per area, errors printed without tracebacks."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from comexlab import __version__
from comexlab.errors import ComexlabError
from comexlab.i18n import LANGS, t
from comexlab.settings import get_settings

app = typer.Typer(
    name="comexlab",
    help="Trade-promotion analytics: tariff schedules, trade flows, scenarios, supplier registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

_GROUPS: tuple[tuple[str, str], ...] = (
    # (module under comexlab.commands, verb group name)
    ("hts", "hts"),
    ("flows", "flows"),
    ("report", "report"),
    ("scenario", "scenario"),
    ("regime", "regime"),
    ("registry", "registry"),
    ("web", "web"),
    ("demo", "demo"),
    ("supply", "supply"),
    ("schedule", "schedule"),
    ("match", "match"),
)


def _register_groups() -> None:
    """Attach every verb group whose module exists; each module exposes a Typer ``app``."""
    import importlib

    for module_name, group in _GROUPS:
        try:
            module = importlib.import_module(f"comexlab.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"comexlab.commands.{module_name}":
                continue
            raise
        app.add_typer(module.app, name=group)


@app.callback()
def _root() -> None:
    """Trade-promotion analytics: tariff schedules, trade flows, scenarios, supplier registry."""


@app.command()
def version() -> None:
    """Print the comexlab version."""
    Console().print(f"comexlab {__version__}")


_register_groups()


def error_lang(argv: Sequence[str]) -> str:
    """Language of error messages: the command's ``--lang`` if given, else COMEXLAB_LANG.

    Errors escape the command before it could translate them, so the entry point reads the
    option itself; an invalid COMEXLAB_LANG falls back to Spanish, the agency's language.
    """
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value is not None and value.lower() in LANGS:
            return value.lower()
    try:
        return get_settings().lang
    except ValidationError:
        return "es"


def main() -> None:
    """Entry point: run the app, turning comexlab errors into a message and exit code 2."""
    try:
        app()
    except ComexlabError as exc:
        lang = error_lang(sys.argv[1:])
        Console(stderr=True).print(f"[bold red]{t('error.prefix', lang)}:[/bold red] "
                                   f"{escape(exc.render(lang))}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
