"""The ``comexlab`` command: one verb group per area, errors printed without tracebacks."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from comexlab import __version__
from comexlab.errors import ComexlabError

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
    ("registry", "registry"),
    ("web", "web"),
    ("demo", "demo"),
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


def main() -> None:
    """Entry point: run the app, turning comexlab errors into a message and exit code 2."""
    try:
        app()
    except ComexlabError as exc:
        Console(stderr=True).print(f"[bold red]error:[/bold red] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
