"""The ``comexlab`` command: one verb group per area, errors printed without tracebacks.

Startup is kept short on purpose: a verb group's module (and the pandas, Ibis, DuckDB,
SQLAlchemy or FastAPI it pulls in) is imported only when that group is run, so ``comexlab
version`` and ``comexlab --help`` import none of them (tests/unit/test_cli_lazy.py checks it;
bench/README-cli.md has the figures). A group whose module is missing is an error, never
skipped: the import runs with the command and its failure is printed as it is.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperGroup

from comexlab import __version__


@dataclass(frozen=True, slots=True)
class LazyGroup:
    """A verb group: module under ``comexlab.commands`` exposing a Typer ``app``, and its help.

    The help is repeated here (or named by its catalog key, as the module does) so that
    ``comexlab --help`` can list the groups without importing them; a unit test checks it
    matches the module's own.
    """

    module: str
    help: str | None = None  # None: the English text of catalog key "<group>.help"

    def help_text(self) -> str:
        """The group's one-line help, as its module's Typer app declares it."""
        if self.help is not None:
            return self.help
        from comexlab.i18n import t

        return t(f"{self.module}.help", "en")


GROUPS: dict[str, LazyGroup] = {
    "hts": LazyGroup("hts"),
    "flows": LazyGroup("flows", "Trade flows: load official sources, list them, reconcile "
                                "totals."),
    "report": LazyGroup("report", "Reports an agency analyst runs: state exports (S1), top state "
                                  "lines."),
    "scenario": LazyGroup("scenario"),
    "regime": LazyGroup("regime"),
    "markets": LazyGroup("markets"),
    "program": LazyGroup("program"),
    "kpi": LazyGroup("kpi"),
    "supply": LazyGroup("supply", "Supply chains: complexity, import substitution, plant "
                                  "registers."),
    "schedule": LazyGroup("schedule", "B2B meeting scheduler: optimal agendas for a fair's "
                                      "requests."),
    "match": LazyGroup("match", "Buyer–supplier matching and export consortia over the firm "
                                "registry."),
    "site": LazyGroup("site", "Investment attraction: site profiles, comparisons, FDI by "
                              "state."),
    "registry": LazyGroup("registry", "Firm registry: firms, plants, certifications, clusters, "
                                      "programs."),
    "web": LazyGroup("web", "The web app: serve it, manage its users."),
    "demo": LazyGroup("demo", "The demo: official data, demo registry and the web app on "
                              "localhost."),
}


def load_group(name: str) -> typer.Typer:
    """The Typer app of verb group ``name``, importing its module now (errors propagate)."""
    module = importlib.import_module(f"comexlab.commands.{GROUPS[name].module}")
    app: typer.Typer = module.app
    return app


class _LazyCommands(TyperGroup):
    """Root group that resolves a verb group on first use instead of at import.

    Listing the groups in ``--help`` uses :data:`GROUPS` only (a placeholder command carrying
    the help text); running ``comexlab hts …`` or ``comexlab hts --help`` imports ``hts``.
    """

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(g for g in GROUPS if g not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in GROUPS:
            return super().get_command(ctx, cmd_name)
        if self._listing:  # a stand-in carrying the help text, for the root listing only
            return TyperGroup(name=cmd_name, help=GROUPS[cmd_name].help_text())
        command = typer.main.get_group(load_group(cmd_name))
        command.name = cmd_name
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="comexlab",
    cls=_LazyCommands,
    help="Trade-promotion analytics: tariff schedules, trade flows, scenarios, supplier registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Trade-promotion analytics: tariff schedules, trade flows, scenarios, supplier registry."""


@app.command()
def version() -> None:
    """Print the comexlab version."""
    typer.echo(f"comexlab {__version__}")


def error_lang(argv: Sequence[str]) -> str:
    """Language of error messages: the command's ``--lang`` if given, else COMEXLAB_LANG.

    Errors escape the command before it could translate them, so the entry point reads the
    option itself; an invalid COMEXLAB_LANG falls back to Spanish, the agency's language.
    """
    from pydantic import ValidationError

    from comexlab.i18n import LANGS
    from comexlab.settings import get_settings

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
    except Exception as exc:  # only comexlab errors are handled; anything else is re-raised
        from comexlab.errors import ComexlabError

        if not isinstance(exc, ComexlabError):
            raise
        from rich.console import Console
        from rich.markup import escape

        from comexlab.commands.choices import FLAGS
        from comexlab.errors import rename_fields
        from comexlab.i18n import t

        rename_fields(exc, FLAGS)  # services name fields in the domain's words: show the option
        lang = error_lang(sys.argv[1:])
        Console(stderr=True).print(f"[bold red]{t('error.prefix', lang)}:[/bold red] "
                                   f"{escape(exc.render(lang))}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
