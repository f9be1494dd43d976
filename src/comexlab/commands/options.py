"""Options shared by every command, declared once (sqlite-utils' shared-option pattern)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from comexlab.output import OutputFormat

FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table (screen), csv, json, parquet or xlsx."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (required for parquet/xlsx)."),
]
LangOpt = Annotated[
    str, typer.Option("--lang", help="Language of labels: es or en.", case_sensitive=False)
]
WarehouseOpt = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB warehouse file (default: COMEXLAB_WAREHOUSE)."),
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Folder of official data files (default: COMEXLAB_DATA)."),
]
