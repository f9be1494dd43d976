"""``comexlab match``: suppliers for a buyer need, needs for a firm, export consortia.

Presentation only: the questions are answered by :mod:`comexlab.services.matching`.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from comexlab.commands.choices import LangOpt
from comexlab.errors import InputError
from comexlab.i18n import Msg, fmt_number, fmt_pct, t

app = typer.Typer(help="Buyer–supplier matching and export consortia over the firm registry.",
                  no_args_is_help=True)


class Format(StrEnum):
    """What ``match`` prints."""

    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table or json.")]
DbOpt = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the registry (default: COMEXLAB_REGISTRY_URL).")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Day certificates are judged on, YYYY-MM-DD (default: today).")]
TopOpt = Annotated[int, typer.Option(help="How many firms to list.")]
COMPONENTS = ("processes", "certifications", "distance", "size", "history")


def _day(text: str | None, lang: str) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Msg("error.as_of"), field="--as-of", value=text, lang=lang) from None


def _read(path: Path, lang: str) -> tuple[str, bytes]:
    if not path.is_file():
        raise InputError(Msg("fair.error.file_missing"), file=path.name, lang=lang)
    return path.name, path.read_bytes()


def _session(db_url: str | None):  # type: ignore[no-untyped-def]
    from comexlab.registry import db

    return db.reading(db.make_engine(db_url))


def _match_json(m: Any, lang: str) -> dict[str, Any]:
    return {"rfc": m.rfc, "name": m.name, "need": m.need, "qualified": m.qualified,
            "score": m.score, "components": dict(m.components), "failed": list(m.failed),
            "distance_km": None if m.distance_km is None else round(m.distance_km, 1),
            "gaps": [g.text(lang) for g in m.gaps]}


def _rows(matches: Any, lang: str, *, by_need: bool = False) -> list[list[str]]:
    rows = []
    for i, m in enumerate(matches, start=1):
        first = [escape(m.need)] if by_need else [str(i), m.rfc, escape(m.name)]
        rows.append([*first, fmt_number(100 * m.score, lang, digits=1),
                     *(fmt_pct(m.components[c], lang, digits=0) for c in COMPONENTS),
                     "—" if m.distance_km is None else fmt_number(m.distance_km, lang),
                     escape("; ".join(g.text(lang) for g in m.gaps) or "—")])
    return rows


def _table(title: str, first: list[str], rows: list[list[str]], lang: str) -> None:
    from rich.table import Table

    table = Table(title=title, header_style="bold", show_lines=True)
    for name in [*first, "match.col.score", *(f"match.col.{c}" for c in COMPONENTS),
                 "match.col.km", "match.col.gaps"]:
        table.add_column(t(name, lang) if name.startswith("match.") else name,
                         overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@app.command()
def need(
    file: Annotated[Path, typer.Argument(help="Need file (YAML): one need or a list.")],
    code: Annotated[str | None, typer.Option(help="Which need, if the file has several.")]
    = None,
    top: TopOpt = 10,
    as_of: AsOfOpt = None,
    db_url: DbOpt = None,
    fmt: FormatOpt = Format.table,
    *, lang: LangOpt,
) -> None:
    """Rank registry firms for a buyer need: score components and gaps of each."""
    from comexlab.services import matching

    request = matching.NeedRequest(_read(file, lang), _day(as_of, lang), code, lang)
    with _session(db_url) as session:
        result = matching.suppliers_for_need(session, request)
    qualified = result.qualified[:top]
    near = [m for m in result.matches if not m.qualified][:top]
    if fmt is Format.json:
        typer.echo(json.dumps({"need": result.need.code, "buyer": result.need.buyer,
                               "qualified": [_match_json(m, lang) for m in qualified],
                               "near": [_match_json(m, lang) for m in near]},
                              ensure_ascii=False, indent=1))
        return
    first = [t("match.col.rank", lang), t("match.col.rfc", lang), t("match.col.name", lang)]
    _table(t("match.title.qualified", lang, count=len(result.qualified), need=result.need.code,
             buyer=result.need.buyer), first, _rows(qualified, lang), lang)
    if near:
        failed = ", ".join(sorted(result.need.hard))
        _table(t("match.title.near", lang, failed=failed), first, _rows(near, lang), lang)
    Console().print(f"[dim]{t('match.basis', lang)}[/dim]")


@app.command()
def firm(
    rfc: Annotated[str, typer.Argument(help="RFC of the registry firm.")],
    needs: Annotated[list[Path] | None, typer.Option(
        help="Need files (YAML); default: the packaged demo needs.")] = None,
    as_of: AsOfOpt = None,
    db_url: DbOpt = None,
    fmt: FormatOpt = Format.table,
    *, lang: LangOpt,
) -> None:
    """The open needs a firm fits, and what it lacks for the others."""
    from comexlab.services import matching

    files = tuple(_read(p, lang) for p in needs) if needs else (matching.demo_needs_file(),)
    request = matching.FirmRequest(rfc, files, _day(as_of, lang), lang)
    with _session(db_url) as session:
        result = matching.needs_for_firm(session, request)
    if fmt is Format.json:
        typer.echo(json.dumps({"rfc": result.supplier.rfc, "name": result.supplier.name,
                               "needs": [_match_json(m, lang) for m in result.matches]},
                              ensure_ascii=False, indent=1))
        return
    if not needs:
        Console().print(t("match.demo_needs", lang, file=matching.DEMO_NEEDS))
    title = t("match.title.firm", lang, name=result.supplier.name, rfc=result.supplier.rfc,
              count=len(result.needs))
    rows = [[*row[:1], "✓" if m.qualified else "✗",
             *row[1:]] for row, m in zip(_rows(result.matches, lang, by_need=True),
                                         result.matches, strict=True)]
    _table(title, [t("match.col.need", lang), t("match.col.qualified", lang)], rows, lang)


@app.command()
def consortium(
    file: Annotated[Path, typer.Argument(help="Bill file (YAML): bill: [processes], filters.")],
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take.")] = 10.0,
    as_of: AsOfOpt = None,
    db_url: DbOpt = None,
    fmt: FormatOpt = Format.table,
    *, lang: LangOpt,
) -> None:
    """The fewest eligible SMEs whose processes cover a bill, with the proof of minimality."""
    from comexlab.services import matching

    request = matching.ConsortiumRequest(_read(file, lang), _day(as_of, lang), time_limit,
                                         lang)
    with _session(db_url) as session:
        result = matching.consortium_for_bill(session, request)
    c = result.consortium
    if fmt is Format.json:
        typer.echo(json.dumps({
            "bill": list(c.bill), "size": c.size, "members": list(c.members),
            "covers": {p: list(v) for p, v in c.covers.items()},
            "uncovered": list(c.uncovered), "lp_bound": c.lp_bound,
            "dual_bound": c.dual_bound, "status": c.status,
            "proven_optimal": c.proven_optimal, "gap": c.gap, "eligible": c.eligible,
            "member_matches": [_match_json(m, lang) for m in result.members]},
            ensure_ascii=False, indent=1))
        return
    _print_consortium(result, lang)


def _print_consortium(result: Any, lang: str) -> None:
    import math

    from rich.table import Table

    c = result.consortium
    names = {m.rfc: m.name for m in result.members}
    table = Table(title=t("match.consortium.title", lang, count=len(c.bill), size=c.size,
                          eligible=c.eligible), header_style="bold")
    table.add_column(t("match.col.process", lang))
    table.add_column(t("match.col.members", lang), overflow="fold")
    for process, rfcs in c.covers.items():
        table.add_row(t(f"enum.process.{process}", lang),
                      escape("; ".join(f"{r} {names.get(r, '')}" for r in rfcs)))
    console = Console()
    console.print(table)
    verdict = t("match.consortium.optimal", lang) if c.proven_optimal else t(
        "match.consortium.not_proven", lang, gap=fmt_pct(c.gap, lang))
    console.print(t("match.consortium.proof", lang, lp=fmt_number(c.lp_bound, lang, digits=2),
                    ceil=math.ceil(c.lp_bound - 1e-9), status=c.status, verdict=verdict))
    if c.uncovered:
        console.print(t("match.consortium.uncovered", lang, processes=", ".join(
            t(f"enum.process.{p}", lang) for p in c.uncovered)))
