"""Running the app with uvicorn (one process: DuckDB allows a single writing process)."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from comexlab.settings import Settings
from comexlab.web.app import create_app
from comexlab.web.context import context_of


def uvicorn_config(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8000) -> uvicorn.Config:
    """How uvicorn serves the app.

    uvicorn's own proxy-header handling is off: by default it believes ``X-Forwarded-For`` from
    127.0.0.1, i.e. from every client of an app bound to loopback, which let anyone pick the
    IP the login limiter sees. The app applies proxy headers itself, only from
    ``Settings.forwarded_allow_ips`` (see ``create_app``).
    """
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                          proxy_headers=False, server_header=False)


def run(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    readers: int = 4,
    say: Callable[[str], None] = lambda _line: None,
) -> None:
    """Serve until interrupted. One worker process by design; concurrency is in threads.

    ``say`` receives where the session key comes from (a file path or the environment).
    """
    app = create_app(settings, readers=readers)
    say(context_of(app).session_key_source)
    uvicorn.Server(uvicorn_config(app, host=host, port=port)).run()
