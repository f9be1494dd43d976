"""``comexlab web``: serve the web app and manage its users."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from comexlab.commands.choices import LangOpt
from comexlab.i18n import t
from comexlab.registry.auth_models import Role
from comexlab.settings import get_settings

app = typer.Typer(help="The web app: serve it, manage its users.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers_readers: Annotated[int, typer.Option("--readers", help="DuckDB reader threads.")] = 4,
    *, lang: LangOpt,
) -> None:
    """Serve the web app (pages and JSON API) on HOST:PORT."""
    from comexlab.web.server import run

    run(get_settings(), host=host, port=port, readers=workers_readers,
        say=lambda source: say_session_key(source, lang))


def say_session_key(source: str, lang: str | None = None) -> None:
    """Tell the operator where the key that signs sessions is (never the key itself)."""
    Console().print(t("web.serve.session_key", lang or get_settings().lang, source=source))


@app.command("create-user")
def create_user_cmd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="admin, analyst or firm.")] = Role.ANALYST,
    firm_id: Annotated[int | None, typer.Option(help="Firm of a firm user (registry id).")] = None,
    password: Annotated[
        str | None,
        typer.Option(help="Password (asked for when omitted; prefer the prompt)."),
    ] = None,
    *, lang: LangOpt,
) -> None:
    """Create a web user (passwords are stored as Argon2id hashes)."""
    from comexlab.registry.db import make_engine, transaction
    from comexlab.registry.schema import ensure_registry_schema
    from comexlab.registry.users import create_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = make_engine(get_settings().registry_url)
    ensure_registry_schema(engine)
    with transaction(engine) as session:
        user = create_user(session, username, password, role=role, firm_id=firm_id)
        Console().print(t("web.user.created", lang, username=f"[bold]{user.username}[/bold]",
                          role=user.role))
