"""``comexlab demo run``: load the data, seed the demo registry, start the web app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from comexlab.settings import get_settings

app = typer.Typer(help="The demo: official data, demo registry and the web app on localhost.",
                  no_args_is_help=True)


@app.command()
def run(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web app.")] = True,
    port: Annotated[int, typer.Option(help="Port of the web app on 127.0.0.1.")] = 8000,
) -> None:
    """Load HTS editions and trade flows, seed the demo registry, create demo users, serve."""
    from comexlab.services.demo import set_up

    settings = get_settings()
    console = Console()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("demo", total=None)
        summary = set_up(settings, lambda msg: progress.update(task, description=msg))
    for name, what in summary.steps:
        console.print(f"[green]✓[/green] {name}: {what}")
    console.print(f"warehouse: {settings.warehouse}   registry: {settings.registry_url}")
    console.print("demo logins (passwords are new on every run):")
    for user, role, password in summary.users:
        console.print(f"  {user:<8} {role:<8} {password}")
    if not serve:
        return
    admin = next(u for u in summary.users if u[0] == "admin")
    console.print(f"\n[bold]http://127.0.0.1:{port}/[/bold]   login: {admin[0]} / {admin[2]}")
    from comexlab.commands.web import say_session_key
    from comexlab.web.server import run as serve_app

    serve_app(settings, host="127.0.0.1", port=port, say=say_session_key)
