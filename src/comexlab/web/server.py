"""Running the app with uvicorn (one process: DuckDB allows a single writing process)."""

from __future__ import annotations

import uvicorn

from comexlab.settings import Settings
from comexlab.web.app import create_app


def run(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, readers: int = 4) -> None:
    """Serve until interrupted. One worker process by design; concurrency is in threads."""
    app = create_app(settings, readers=readers)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
